"""Writing and listing the audit trail."""
import uuid

from sqlalchemy import select

from ..extensions import db
from ..pagination import keyset_page
from .models import AuditEntry


def record_action(actor, action: str, entity: str, entity_id: uuid.UUID) -> AuditEntry:
    """Record that `actor` (a User) did `action` to `entity` `entity_id` (e.g. an admin deactivating an account)."""
    return record_read(actor, entity, entity_id, action=action)


def record_read(actor, entity: str, entity_id: uuid.UUID, action: str = "read") -> AuditEntry:
    """Record that `actor` (a User) saw the personal data of `entity` `entity_id`."""
    entry = AuditEntry(actor_id=getattr(actor, "id", actor), action=action, entity=entity, entity_id=entity_id)
    db.session.add(entry)
    db.session.flush()
    return entry


def list_entries(*, cursor: str | None = None, limit: int = 50, entity: str | None = None,
                 entity_id: uuid.UUID | None = None, actor_id: uuid.UUID | None = None) -> dict:
    """Newest first, keyset-paginated."""
    stmt = select(AuditEntry)
    if entity:
        stmt = stmt.where(AuditEntry.entity == entity)
    if entity_id:
        stmt = stmt.where(AuditEntry.entity_id == entity_id)
    if actor_id:
        stmt = stmt.where(AuditEntry.actor_id == actor_id)
    return keyset_page(stmt, [(AuditEntry.at, "desc"), (AuditEntry.id, "desc")], lambda e: (e.at, e.id),
                       cursor=cursor, limit=limit, scope="audit")
