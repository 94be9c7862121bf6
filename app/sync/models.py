"""The per-user change feed that `POST /api/v1/sync` pulls from."""
import uuid
from datetime import datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..types import UTCDateTime, utcnow

# BIGSERIAL on PostgreSQL; SQLite's INTEGER PRIMARY KEY is its own auto-increment rowid.
SEQUENCE = BigInteger().with_variant(Integer, "sqlite")


class Change(db.Model):
    """Something changed for a worker: a help request's status, a staff message, a presence ack.

    `seq` orders the feed; a cursor is the last `seq` a device has seen, so passing it back
    never loses or repeats a change. The row only points at the entity: its current state
    is read when the feed is served.
    """

    __tablename__ = "changes"
    # The feed query: WHERE user_id = ? AND seq > ? ORDER BY seq.
    __table_args__ = (Index("ix_changes_user_id_seq", "user_id", "seq"),)

    seq: Mapped[int] = mapped_column(SEQUENCE, primary_key=True, autoincrement=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    entity: Mapped[str] = mapped_column(String(20))  # help_request | message | presence
    entity_id: Mapped[uuid.UUID]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class AppliedMutation(db.Model):
    """The outcome of one mutation a device sent: the idempotency record of `POST /api/v1/sync`.

    It is written in the same transaction as the record the mutation made, so a crash between
    apply and answer leaves either both or neither. `mutation_id` is unique across all users:
    two racing calls with the same id collide on it (one wins, the other reads the winner's
    outcome), and an id someone else already used can never be applied for a second user.
    """

    __tablename__ = "applied_mutations"
    __table_args__ = (UniqueConstraint("user_id", "mutation_id"),)

    mutation_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    type: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(10))  # applied | rejected
    record_id: Mapped[uuid.UUID | None]
    error: Mapped[dict | None] = mapped_column(JSON)
    device_id: Mapped[uuid.UUID | None]
    # Indexed for `flask sync purge`, which deletes the oldest records.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
