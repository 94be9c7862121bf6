"""The per-user change feed that `POST /api/v1/sync` pulls from."""
import uuid
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Integer, String
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

    seq: Mapped[int] = mapped_column(SEQUENCE, primary_key=True, autoincrement=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    entity: Mapped[str] = mapped_column(String(20))  # help_request | message | presence
    entity_id: Mapped[uuid.UUID]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
