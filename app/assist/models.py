"""What a partner organisation or the mission's staff filed on a worker's behalf, with her consent."""
import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..types import IdMixin, TimestampMixin, UTCDateTime, one_of


class Entity(StrEnum):
    """What was filed: her account (the registration), a presence report, a help request."""

    ACCOUNT = "account"
    PRESENCE = "presence"
    HELP_REQUEST = "help_request"


class Consent(StrEnum):
    """How she gave her consent to this filing."""

    SPOKEN_IN_PERSON = "spoken_in_person"
    SIGNED_IN_PERSON = "signed_in_person"
    SPOKEN_BY_PHONE = "spoken_by_phone"


ACCOUNT, PRESENCE, HELP_REQUEST = Entity.ACCOUNT, Entity.PRESENCE, Entity.HELP_REQUEST
ENTITIES = tuple(Entity)
CONSENT_WAYS = tuple(Consent)


class Filing(IdMixin, TimestampMixin, db.Model):
    """One record made for a worker by someone else (`helper`): who recorded her consent, how, when.

    `created_at` is when it was filed. `organisation` and `recorded_by` are kept as they were
    then (the person at the desk, the organisation's or mission's name), so the worker and staff
    read who acted even if the helper's account is later renamed or closed. The `account` filing
    of a worker carries `handed_over_at`: from then she holds her account and nobody files for her.
    """

    __tablename__ = "filings"
    __table_args__ = (
        UniqueConstraint("entity", "entity_id"),
        Index("ix_filings_helper_created", "helper_id", "created_at", "id"),
        one_of("entity", Entity),
        one_of("consent", Consent),
    )

    helper_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    worker_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    mission_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("missions.id"))
    entity: Mapped[str] = mapped_column(String(16))
    entity_id: Mapped[uuid.UUID]
    recorded_by: Mapped[str] = mapped_column(String(120))
    organisation: Mapped[str] = mapped_column(String(200))
    consent: Mapped[str] = mapped_column(String(24))
    handed_over_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    worker = relationship("User", foreign_keys=[worker_id], lazy="select")
