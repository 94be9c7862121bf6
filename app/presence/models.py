"""Presence reports (lapor diri): where a worker is, who employs them, whom to call."""
import uuid
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..channels.models import SECTORS, Sector  # noqa: F401 (SECTORS: re-exported)
from ..crypto import decrypt
from ..extensions import db
from ..types import TimestampMixin, UTCDateTime, one_of, utcnow


class PassportStatus(StrEnum):
    """Where the worker's passport is: with her (`held`), kept by an employer or agent (`withheld`, a
    protection signal for staff), lost, expired, or she does not know. Only `held` needs a number."""

    HELD = "held"
    WITHHELD = "withheld"
    LOST = "lost"
    EXPIRED = "expired"
    UNKNOWN = "unknown"


PASSPORT_STATUSES = tuple(PassportStatus)


class PresenceReport(TimestampMixin, db.Model):
    """One report; a worker's newest is `is_current`, the older ones are history.

    `id` is minted on the device. Passport number and NIK are stored only encrypted
    (`*_enc`, app.crypto) beside a blind index (`*_hash`) for exact-match lookups. A worker
    without her passport in hand (`passport_status` other than `held`) may give no number;
    `other_document` (free text: a KTP, an old passport, a work permit number) is encrypted
    too, without an index (it is not a number anything is matched on).
    `created_at` is the device's time (clamped by app.types.clamp_device_time);
    `received_at` is the server's.
    """

    __tablename__ = "presence_reports"
    ENCRYPTED_FIELDS = ("passport_enc", "nik_enc", "other_document_enc")  # re-encrypted by `flask keys rotate`
    __table_args__ = (
        Index("ix_presence_reports_user_current", "user_id", "is_current"),
        one_of("passport_status", PassportStatus),
        one_of("sector", Sector),
        CheckConstraint("passport_status <> 'held' OR passport_enc IS NOT NULL", name="held_passport_has_number"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    is_current: Mapped[bool] = mapped_column(default=True)
    passport_status: Mapped[str] = mapped_column(String(10), default="held", server_default="held")
    passport_enc: Mapped[str | None] = mapped_column(String(400))
    passport_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    nik_enc: Mapped[str | None] = mapped_column(String(400))
    nik_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    other_document_enc: Mapped[str | None] = mapped_column(String(1200))
    country: Mapped[str] = mapped_column(String(2), index=True)
    region: Mapped[str | None] = mapped_column(String(10))
    city: Mapped[str | None] = mapped_column(String(100))
    address: Mapped[str] = mapped_column(String(500))
    employer_name: Mapped[str] = mapped_column(String(200))
    employer_phone: Mapped[str | None] = mapped_column(String(20))
    sector: Mapped[str] = mapped_column(String(20))
    scheme: Mapped[str | None] = mapped_column(String(100))
    arrival_date: Mapped[date]
    contract_end_date: Mapped[date | None]
    emergency_name: Mapped[str] = mapped_column(String(120))
    emergency_phone: Mapped[str] = mapped_column(String(20))
    emergency_relation: Mapped[str] = mapped_column(String(40))
    mission_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("missions.id"), index=True)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    mission = relationship("Mission", lazy="joined")
    # Filed on the worker's behalf by a partner or the mission's staff (app.assist): who, when, how she agreed.
    filing = relationship("Filing", primaryjoin="and_(foreign(Filing.entity_id) == PresenceReport.id, "
                                                "Filing.entity == 'presence')",
                          viewonly=True, uselist=False, lazy="select")

    @property
    def passport_number(self) -> str | None:
        return decrypt(self.passport_enc) if self.passport_enc else None

    @property
    def nik(self) -> str | None:
        return decrypt(self.nik_enc) if self.nik_enc else None

    @property
    def other_document(self) -> str | None:
        return decrypt(self.other_document_enc) if self.other_document_enc else None

    @property
    def emergency_contact(self) -> dict:
        return {"name": self.emergency_name, "phone": self.emergency_phone, "relation": self.emergency_relation}
