"""Indonesian missions abroad and the places each one serves."""
import uuid

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..types import IdMixin, TimestampMixin

MISSION_KINDS = ("embassy", "consulate_general", "consulate", "economic_office")


class Mission(IdMixin, TimestampMixin, db.Model):
    __tablename__ = "missions"

    code: Mapped[str] = mapped_column(String(40), unique=True)
    name_id: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    country: Mapped[str] = mapped_column(String(2), index=True)
    city: Mapped[str] = mapped_column(String(100))
    address: Mapped[str | None] = mapped_column(String(300))
    phone: Mapped[str | None] = mapped_column(String(100))
    hotline: Mapped[str | None] = mapped_column(String(100))
    email: Mapped[str | None] = mapped_column(String(200))
    sources: Mapped[list] = mapped_column(JSON, default=list)
    # Overrides of the default service standard (app.help.deadlines.DEFAULT_STANDARD); None: the defaults.
    service_standard: Mapped[dict | None] = mapped_column(JSON)

    jurisdictions = relationship("Jurisdiction", back_populates="mission", cascade="all, delete-orphan",
                                 order_by="Jurisdiction.position")

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_id


class Jurisdiction(IdMixin, TimestampMixin, db.Model):
    """A place a mission serves: a country, one of its regions, or named cities of a region."""

    __tablename__ = "jurisdictions"

    mission_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("missions.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    country: Mapped[str] = mapped_column(String(2), index=True)
    region: Mapped[str | None] = mapped_column(String(10), index=True)
    cities: Mapped[list] = mapped_column(JSON, default=list)
    city_keys: Mapped[list] = mapped_column(JSON, default=list)

    mission = relationship("Mission", back_populates="jurisdictions")
