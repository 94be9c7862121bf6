"""Who read which personal record, and when."""
import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..types import IdMixin, TimestampMixin, UTCDateTime, utcnow


class AuditEntry(IdMixin, TimestampMixin, db.Model):
    __tablename__ = "audit_entries"
    __table_args__ = (Index("ix_audit_entries_at_id", "at", "id"),)

    actor_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    action: Mapped[str] = mapped_column(String(40))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[uuid.UUID]
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
