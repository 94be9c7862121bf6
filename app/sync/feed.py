"""Writing to the change feed: the one call every feature makes when a worker should hear of something."""
import uuid

from sqlalchemy import text

from ..extensions import db
from ..types import utcnow
from .models import Change

ENTITIES = ("help_request", "message", "presence")


def _user_lock_key(user_id: uuid.UUID) -> int:
    return int.from_bytes(user_id.bytes[:8], "big", signed=True)


_SHARED_LOCK = text("SELECT pg_advisory_xact_lock_shared(:key)")
_EXCLUSIVE_LOCK = text("SELECT pg_advisory_xact_lock(:key)")


def lock_feed(user_id: uuid.UUID, *, shared: bool) -> None:
    """Order one worker's feed on PostgreSQL, where a sequence number is taken at insert but
    seen at commit: writers of a worker's changes take this transaction lock exclusively, so
    they commit in the order of their numbers; a reader takes it shared, so it waits for the
    writers in flight and can never skip a number that commits later. Other workers' writers
    and readers never wait for each other. (SQLite already runs one writer at a time.)"""
    if db.engine.dialect.name != "postgresql":
        return
    db.session.execute(_SHARED_LOCK if shared else _EXCLUSIVE_LOCK, {"key": _user_lock_key(user_id)})


def record_change(user_id: uuid.UUID, entity: str, entity_id: uuid.UUID) -> None:
    """Queue `entity` for the worker's next sync (the request commits)."""
    if entity not in ENTITIES:
        raise ValueError(f"unknown entity {entity}")
    lock_feed(user_id, shared=False)
    db.session.add(Change(user_id=user_id, entity=entity, entity_id=entity_id))


def record_changes(user_id: uuid.UUID, keys: list[tuple[str, uuid.UUID]]) -> None:
    """Queue many records at once (one lock, one multi-row INSERT): what a sync call stored for
    the worker, so that her other devices hear of it. Taken last in the call, after any row the
    call's messages wait for, in the same order as staff (row, then feed): no deadlock between them."""
    if not keys:
        return
    if any(entity not in ENTITIES for entity, _id in keys):
        raise ValueError(f"unknown entity in {keys}")
    lock_feed(user_id, shared=False)
    now = utcnow()
    db.session.execute(Change.__table__.insert(), [
        {"user_id": user_id, "entity": entity, "entity_id": entity_id, "created_at": now, "updated_at": now}
        for entity, entity_id in keys])
