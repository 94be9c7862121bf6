"""Column types and mixins shared by every model."""
import uuid
from datetime import datetime, timedelta, timezone
from enum import StrEnum

from flask import current_app
from sqlalchemy import CheckConstraint, DateTime, TypeDecorator
from sqlalchemy.orm import Mapped, mapped_column


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


# Before this, a device's time is a reset clock (phones fall back to 1970 or 2000), not a
# request written offline long ago.
EARLIEST_DEVICE_TIME = datetime(2020, 1, 1, tzinfo=timezone.utc)


def clamp_device_time(value: datetime | None, user, received_at: datetime | None = None) -> datetime:
    """The time a worker's device says `user` wrote something, made trustworthy: the one rule for
    every record a worker creates (help requests, messages, presence reports), whatever the way in.

    Waiting time counts from it, so it is held between two bounds (the contract's clamp): never
    after the server received it (`received_at`, default now), and never before the account
    existed nor more than OFFLINE_WINDOW_DAYS before it arrived; a time outside is moved to the
    nearer bound. A reset clock (before EARLIEST_DEVICE_TIME) says nothing about when it was
    written and becomes the received time. The server keeps its own received time beside it.
    """
    now = received_at or utcnow()
    if value is None or value < EARLIEST_DEVICE_TIME:
        return now
    window = timedelta(days=current_app.config["OFFLINE_WINDOW_DAYS"])
    earliest = min(max(now - window, user.created_at or now), now)
    return min(max(value, earliest), now)


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


def one_of(column: str, values: type[StrEnum]) -> CheckConstraint:
    """CHECK that `column` holds one of a closed set's values (NULL passes: nullable columns say so
    themselves), named `ck_<table>_<column>` by the naming convention."""
    listed = ", ".join(f"'{value}'" for value in values)
    return CheckConstraint(f"{column} IN ({listed})", name=column)


class IdMixin:
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
