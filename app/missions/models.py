"""Indonesian missions abroad and the places each one serves."""
import uuid
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..types import IdMixin, TimestampMixin, one_of
from .phones import PhoneKind


class MissionKind(StrEnum):
    EMBASSY = "embassy"
    CONSULATE_GENERAL = "consulate_general"
    CONSULATE = "consulate"
    ECONOMIC_OFFICE = "economic_office"


# The Indonesian abbreviations every worker knows (Kemlu's own usage).
SHORT_KINDS_ID = {MissionKind.EMBASSY: "KBRI", MissionKind.CONSULATE_GENERAL: "KJRI", MissionKind.CONSULATE: "KRI",
                  MissionKind.ECONOMIC_OFFICE: "KDEI"}


class Mission(IdMixin, TimestampMixin, db.Model):
    __tablename__ = "missions"
    __table_args__ = (one_of("kind", MissionKind),)

    code: Mapped[str] = mapped_column(String(40), unique=True)
    name_id: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    country: Mapped[str] = mapped_column(String(2), index=True)
    city: Mapped[str] = mapped_column(String(100))
    address: Mapped[str | None] = mapped_column(String(300))
    # One dialable E.164 number each (the first of its kind in `phones`), or None.
    phone: Mapped[str | None] = mapped_column(String(100))
    hotline: Mapped[str | None] = mapped_column(String(100))
    # Every number of the mission: [{number (E.164), kind (PhoneKind), label}], hotlines first.
    phones: Mapped[list] = mapped_column(JSON, default=list, server_default=text("'[]'"))
    timezone: Mapped[str | None] = mapped_column(String(64))  # IANA, e.g. Asia/Kuching
    email: Mapped[str | None] = mapped_column(String(200))
    sources: Mapped[list] = mapped_column(JSON, default=list)
    # Overrides of the default service standard (app.help.deadlines.DEFAULT_STANDARD); None: the defaults.
    service_standard: Mapped[dict | None] = mapped_column(JSON)

    jurisdictions = relationship("Jurisdiction", back_populates="mission", cascade="all, delete-orphan",
                                 order_by="Jurisdiction.position")

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" else self.name_id

    @property
    def short_name(self) -> str:
        """`KJRI Kota Kinabalu`: the office's Indonesian abbreviation and its city, as workers say it."""
        return f"{SHORT_KINDS_ID.get(self.kind, '')} {self.city}".strip()

    def short_name_for(self, lang: str) -> str:
        """As workers say it: "KJRI Kota Kinabalu" in Indonesian; the full name in English."""
        return self.name_en if lang == "en" else self.short_name

    @property
    def emergency_phones(self) -> list[dict]:
        """The numbers to call in an emergency: the hotlines (and WhatsApp) where the mission has
        them, else its ordinary phones, so that there is always something to call."""
        phones = self.phones or []
        urgent = [p for p in phones if p["kind"] in (PhoneKind.HOTLINE, PhoneKind.WHATSAPP)]
        return urgent or [p for p in phones if p["kind"] == PhoneKind.PHONE]

    @property
    def card_number(self) -> str | None:
        """The one number printed on the emergency card: the hotline, else the phone."""
        return self.hotline or self.phone


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
