"""Writing to the change feed: the one call every feature makes when a worker should hear of something."""
import uuid

from ..extensions import db
from .models import Change

ENTITIES = ("help_request", "message", "presence")


def record_change(user_id: uuid.UUID, entity: str, entity_id: uuid.UUID) -> None:
    """Queue `entity` for the worker's next sync (flushes nothing; the request commits)."""
    if entity not in ENTITIES:
        raise ValueError(f"unknown entity {entity}")
    db.session.add(Change(user_id=user_id, entity=entity, entity_id=entity_id))
