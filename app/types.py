"""Column types and mixins shared by every model."""
import uuid
from datetime import datetime, timezone

from sqlalchemy import DateTime, TypeDecorator
from sqlalchemy.orm import Mapped, mapped_column


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


# Before this, a device's time is a reset clock (phones fall back to 1970 or 2000), not a
# request written offline long ago.
EARLIEST_DEVICE_TIME = datetime(2020, 1, 1, tzinfo=timezone.utc)


def clamp_device_time(value: datetime | None) -> datetime:
    """The time a worker's device says something was written, made trustworthy.

    Waiting time counts from it, so a clock that runs ahead (a time in the future) or was
    reset (a time absurdly far back) must not move a request up or down the queue: either
    becomes the server's now. The server's own received time is always kept beside it.
    """
    now = utcnow()
    if value is None or value > now or value < EARLIEST_DEVICE_TIME:
        return now
    return value


class UTCDateTime(TypeDecorator):
    """A timestamp that is always timezone-aware UTC, on SQLite as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime stored; use timezone-aware UTC")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


class IdMixin:
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
