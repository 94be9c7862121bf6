"""Legal channels: placement schemes, licensed agencies (P3MI) and mission-verified job orders."""
import uuid
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import JSON, Date, ForeignKey, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..i18n import _l
from ..types import IdMixin, TimestampMixin, UTCDateTime, one_of


class SchemeKind(StrEnum):
    G2G = "g2g"
    P2P = "p2p"
    SSW = "ssw"
    INTERNSHIP = "internship"
    INDIVIDUAL = "individual"
    ONE_CHANNEL = "one_channel"
    RULE = "rule"


class Sector(StrEnum):
    """The work a job order offers or a worker does (job orders, schemes, presence reports)."""

    DOMESTIC_WORK = "domestic_work"
    CAREGIVER = "caregiver"
    MANUFACTURING = "manufacturing"
    CONSTRUCTION = "construction"
    PLANTATION = "plantation"
    AGRICULTURE = "agriculture"
    FISHING = "fishing"
    HOSPITALITY = "hospitality"
    HEALTHCARE = "healthcare"
    SERVICES = "services"
    OTHER = "other"


class AgencyStatus(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    REVOKED = "revoked"
    EXPIRED = "expired"


class JobOrderStatus(StrEnum):
    VERIFIED = "verified"
    REJECTED = "rejected"
    EXPIRED = "expired"


SCHEME_KINDS = tuple(SchemeKind)
SECTORS = tuple(Sector)
AGENCY_STATUSES = tuple(AgencyStatus)
JOB_ORDER_STATUSES = tuple(JobOrderStatus)
# Every page that names a sector names it with these words.
SECTOR_LABELS = {
    Sector.DOMESTIC_WORK: _l("Domestic work"), Sector.CAREGIVER: _l("Caregiver"),
    Sector.MANUFACTURING: _l("Manufacturing"), Sector.CONSTRUCTION: _l("Construction"),
    Sector.PLANTATION: _l("Plantation"), Sector.AGRICULTURE: _l("Agriculture"), Sector.FISHING: _l("Fishing"),
    Sector.HOSPITALITY: _l("Hotels and restaurants"), Sector.HEALTHCARE: _l("Healthcare"),
    Sector.SERVICES: _l("Services"), Sector.OTHER: _l("Other"),
}
# The texts every scheme carries in each language.
SCHEME_TEXT_FIELDS = ("name", "summary", "requirements", "documents", "worker_costs", "employer_costs",
                      "legal_basis", "red_flags")


class Scheme(IdMixin, TimestampMixin, db.Model):
    """A legal route to work abroad (or a rule that governs the routes), with texts in id and en."""

    __tablename__ = "schemes"
    __table_args__ = (one_of("kind", SchemeKind),)

    slug: Mapped[str] = mapped_column(String(80), unique=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    countries: Mapped[list] = mapped_column(JSON, default=list)
    sectors: Mapped[list] = mapped_column(JSON, default=list)
    # {"id": {name, summary, requirements[], ...}, "en": {...}}
    texts: Mapped[dict] = mapped_column(JSON, default=dict)
    sources: Mapped[list] = mapped_column(JSON, default=list)
    checked_at: Mapped[date | None] = mapped_column(Date)
    # Derived columns that let SQLite and PostgreSQL filter alike with LIKE (kept by services).
    countries_key: Mapped[str] = mapped_column(String(400), default="")
    sectors_key: Mapped[str] = mapped_column(String(400), default="")
    search_text: Mapped[str] = mapped_column(Text, default="")

    def text(self, lang: str) -> dict:
        return self.texts.get(lang) or self.texts.get("id") or {}


class Agency(IdMixin, TimestampMixin, db.Model):
    """A placement agency (P3MI) and its licence (SIP3MI)."""

    __tablename__ = "agencies"
    __table_args__ = (one_of("status", AgencyStatus),)

    licence_number: Mapped[str] = mapped_column(String(100), unique=True)
    # The number as compared (app.channels.lookup.number_key): "contoh p3mi 001" finds CONTOH-P3MI-001.
    licence_key: Mapped[str] = mapped_column(String(100), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16))
    valid_until: Mapped[date | None] = mapped_column(Date)
    address: Mapped[str | None] = mapped_column(String(400))
    branches: Mapped[list] = mapped_column(JSON, default=list)
    is_sample: Mapped[bool] = mapped_column(default=False)
    search_text: Mapped[str] = mapped_column(String(800), default="")


class JobOrder(IdMixin, TimestampMixin, db.Model):
    """A job order (demand letter) checked by the mission that covers the employer's place."""

    __tablename__ = "job_orders"
    __table_args__ = (one_of("sector", Sector), one_of("status", JobOrderStatus))

    number: Mapped[str] = mapped_column(String(100), unique=True)
    number_key: Mapped[str] = mapped_column(String(100), unique=True)  # app.channels.lookup.number_key
    employer: Mapped[str] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(2), index=True)
    region: Mapped[str | None] = mapped_column(String(10))
    sector: Mapped[str] = mapped_column(String(20))
    positions: Mapped[int]
    salary_offered: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    currency: Mapped[str | None] = mapped_column(String(3))
    agency_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agencies.id"), index=True)
    status: Mapped[str] = mapped_column(String(16))
    verified_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    mission_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("missions.id"), index=True)

    agency = relationship("Agency", lazy="joined")
    mission = relationship("Mission", lazy="joined")
