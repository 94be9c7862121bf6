"""Help requests, their status history, messages both ways and internal notes."""
import uuid
from datetime import datetime

from enum import StrEnum

from sqlalchemy import Float, ForeignKey, Index, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..types import IdMixin, TimestampMixin, UTCDateTime, one_of, utcnow
from .priority import CATEGORIES, URGENCIES, Band, Category, Urgency  # noqa: F401 (CATEGORIES, URGENCIES: re-exported)
from .workflow import STATUSES, ClosureReason, Status  # noqa: F401 (STATUSES: re-exported)


class Direction(StrEnum):
    """Which way a message goes."""

    TO_WORKER = "to_worker"
    FROM_WORKER = "from_worker"


class EventKind(StrEnum):
    """What a history event records: status changes (shown to the worker), claims, assignments,
    transfers, priority overrides, duplicate marks."""

    STATUS = "status"
    CLAIM = "claim"
    ASSIGN = "assign"
    TRANSFER = "transfer"
    PRIORITY = "priority"
    DUPLICATE = "duplicate"


TO_WORKER, FROM_WORKER = Direction.TO_WORKER, Direction.FROM_WORKER


class HelpRequest(db.Model):
    """A worker's call for help, routed to one mission's queue.

    `created_at` is the worker's time (when they asked, perhaps offline; clamped by
    app.types.clamp_device_time); `received_at` is when the server got it.
    `band` is the priority band (app.help.priority), stored so that the queue's
    ORDER BY band, created_at, id runs on an index.
    `user_id` becomes NULL when the worker deletes their account (the record stays, anonymised).
    `closed_at` (with `closure_reason`) lets the open-request cap count recent spam (app.help.limits).
    The deadlines (`first_response_due_at`, `due_at`, and `next_due_at`, the one still to meet)
    come from the mission's service standard (app.help.deadlines); `first_response_at` is the
    first staff message or status change the worker sees, `resolved_at` when it was resolved.
    """

    __tablename__ = "help_requests"
    __table_args__ = (
        Index("ix_help_requests_queue", "mission_id", "band", "created_at", "id"),
        Index("ix_help_requests_user_created", "user_id", "created_at", "id"),
        Index("ix_help_requests_mission_next_due", "mission_id", "next_due_at"),
        one_of("category", Category), one_of("urgency", Urgency), one_of("status", Status),
        one_of("priority_override", Band), one_of("closure_reason", ClosureReason),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    reference: Mapped[str] = mapped_column(String(12), unique=True)
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    mission_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("missions.id"))
    category: Mapped[str] = mapped_column(String(24))
    urgency: Mapped[str] = mapped_column(String(12))
    description: Mapped[str] = mapped_column(Text)
    country: Mapped[str] = mapped_column(String(2))
    region: Mapped[str | None] = mapped_column(String(10))
    city: Mapped[str | None] = mapped_column(String(100))
    contact_phone: Mapped[str | None] = mapped_column(String(20), index=True)
    lat: Mapped[float | None] = mapped_column(Float)
    lng: Mapped[float | None] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(16), default="new", index=True)
    priority_override: Mapped[str | None] = mapped_column(String(10))
    band: Mapped[int] = mapped_column(SmallInteger)
    assignee_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    first_response_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    next_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    first_response_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Indexed for the console's "3 new" (app.console.queue_updates): what arrived since a page was shown.
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    first_action_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set when staff close it (ClosureReason); `duplicate` names the original.
    closure_reason: Mapped[str | None] = mapped_column(String(20))
    duplicate_of_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("help_requests.id", ondelete="SET NULL"))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    mission = relationship("Mission", lazy="joined")
    user = relationship("User", foreign_keys=[user_id], lazy="select")
    duplicate_of = relationship("HelpRequest", remote_side="HelpRequest.id", lazy="select")
    assignee = relationship("User", foreign_keys=[assignee_id], lazy="select", viewonly=True)
    messages = relationship("HelpMessage", back_populates="help_request", order_by="HelpMessage.created_at",
                            lazy="select", cascade="all, delete-orphan", passive_deletes=True)
    notes = relationship("InternalNote", order_by="InternalNote.created_at", lazy="select",
                         cascade="all, delete-orphan", passive_deletes=True)
    history = relationship("HelpRequestEvent", order_by="HelpRequestEvent.created_at", lazy="select",
                           cascade="all, delete-orphan", passive_deletes=True)
    # Filed on the worker's behalf by a partner or the mission's staff (app.assist): who, when, how she agreed.
    filing = relationship("Filing", primaryjoin="and_(foreign(Filing.entity_id) == HelpRequest.id, "
                                                "Filing.entity == 'help_request')",
                          viewonly=True, uselist=False, lazy="select")

    @property
    def location(self) -> dict | None:
        return None if self.lat is None else {"lat": self.lat, "lng": self.lng}

    @property
    def status_history(self) -> list:
        """The events the worker sees: status changes only."""
        return [e for e in self.history if e.kind == EventKind.STATUS]


class HelpRequestEvent(IdMixin, TimestampMixin, db.Model):
    """The history of a request: status changes (shown to the worker), claims, transfers, overrides."""

    __tablename__ = "help_request_events"
    __table_args__ = (one_of("kind", EventKind), one_of("reason", ClosureReason))

    help_request_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("help_requests.id", ondelete="CASCADE"),
                                                       index=True)
    kind: Mapped[str] = mapped_column(String(16))
    from_value: Mapped[str | None] = mapped_column(String(60))
    to_value: Mapped[str | None] = mapped_column(String(60))
    reason: Mapped[str | None] = mapped_column(String(20))  # a status event's closure_reason
    actor_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    @property
    def status(self) -> str | None:
        return self.to_value if self.kind == EventKind.STATUS else None


class HelpMessage(TimestampMixin, db.Model):
    """A message between the worker and the mission's staff (never an internal note)."""

    __tablename__ = "help_messages"
    __table_args__ = (one_of("direction", Direction),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    help_request_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("help_requests.id", ondelete="CASCADE"),
                                                       index=True)
    author_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    direction: Mapped[str] = mapped_column(String(12))
    body: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    help_request = relationship("HelpRequest", back_populates="messages")


class InternalNote(IdMixin, TimestampMixin, db.Model):
    """Staff-only notes on a request; never shown to the worker."""

    __tablename__ = "help_notes"

    help_request_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("help_requests.id", ondelete="CASCADE"),
                                                       index=True)
    author_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
