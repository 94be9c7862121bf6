"""Applying a device's mutations exactly once, and serving the worker's change feed.

The rules of presence reports, help requests and messages live in their features'
services; this module only routes each mutation there, records its outcome once
(`AppliedMutation`) and reads the feed (`Change`).
"""
import uuid
from dataclasses import dataclass, field

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from marshmallow import ValidationError
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from ..errors import DomainError, error_body
from ..extensions import db
from ..i18n import _l, translate_message
from .models import AppliedMutation, Change
from .schemas import MUTATION_TYPES

PAGE_SIZE = 100
APPLIED, DUPLICATE, REJECTED = "applied", "duplicate", "rejected"


@dataclass
class Outcome:
    """What one mutation came to, as answered in `results`."""

    id: uuid.UUID
    status: str
    record_id: uuid.UUID | None = None
    error: dict | None = field(default=None)

    def as_dict(self) -> dict:
        return {"id": self.id, "status": self.status, "record_id": self.record_id, "error": self.error}


class CursorError(Exception):
    """The cursor was not made by us for this user."""


# ---------------------------------------------------------------- push: one mutation each


def _item_error(code: int, message, errors=None) -> dict:
    body = error_body(code, message, errors)
    return {"message": body["message"], "errors": body["errors"]}


def _prepare(data, created_at, mutation_id: uuid.UUID, fields_: dict) -> dict:
    """The REST body for this mutation: the device's `created_at` and id fill what `data` leaves out."""
    if not isinstance(data, dict):
        raise ValidationError({"data": ["Not a valid mapping type."]})
    data = dict(data)
    if "created_at" in fields_ and data.get("created_at") is None and created_at is not None:
        data["created_at"] = created_at
    # The mutation id doubles as the record id when the device sent none: a replay then
    # names the same record even before the idempotency table is consulted.
    if "id" in fields_ and data.get("id") is None:
        data["id"] = str(mutation_id)
    return data


def _apply_presence(user, data: dict):
    from ..presence.schemas import PresenceInSchema
    from ..presence.services import submit_presence

    schema = PresenceInSchema()
    report, created = submit_presence(user, schema.load(data))
    return report.id, created


def _apply_help_request(user, data: dict):
    from ..help.schemas import HelpRequestInSchema
    from ..help.services import create_help_request

    schema = HelpRequestInSchema()
    help_request, created = create_help_request(user, schema.load(data))
    return help_request.id, created


def _apply_message(user, data: dict):
    from ..help.schemas import MessageInSchema
    from ..help.services import add_worker_message

    data = dict(data)
    raw_id = data.pop("help_request_id", None)
    try:
        help_request_id = uuid.UUID(str(raw_id)) if raw_id is not None else None
    except ValueError:
        help_request_id = None
    errors = {}
    if raw_id is None:
        errors["help_request_id"] = [str(_l("This field is required."))]
    elif help_request_id is None:
        errors["help_request_id"] = [str(_l("Must be a UUID."))]
    try:
        loaded = MessageInSchema().load(data)
    except ValidationError as exc:
        errors.update(exc.messages if isinstance(exc.messages, dict) else {"data": exc.messages})
    if errors:
        raise ValidationError(errors)
    message, created = add_worker_message(user, help_request_id, loaded)
    return message.id, created


APPLY = {
    "presence.upsert": (_apply_presence, "app.presence.schemas:PresenceInSchema"),
    "help_request.create": (_apply_help_request, "app.help.schemas:HelpRequestInSchema"),
    "message.create": (_apply_message, "app.help.schemas:MessageInSchema"),
}


def _schema_fields(path: str) -> dict:
    import importlib

    module, _sep, name = path.partition(":")
    return getattr(importlib.import_module(module), name)().fields


def _decided(row: AppliedMutation, user) -> Outcome:
    """The answer for a mutation id that was already decided."""
    if row.user_id != user.id:
        # Another user's id: say no more than that it cannot be used.
        return Outcome(row.mutation_id, REJECTED, None,
                       _item_error(409, _l("This change cannot be applied. Save it again as a new entry.")))
    if row.status == REJECTED:
        return Outcome(row.mutation_id, REJECTED, row.record_id, row.error)
    return Outcome(row.mutation_id, DUPLICATE, row.record_id)


def _find(mutation_id: uuid.UUID) -> AppliedMutation | None:
    return db.session.execute(
        select(AppliedMutation).where(AppliedMutation.mutation_id == mutation_id)
        .execution_options(populate_existing=True)).scalar_one_or_none()


def _run(user, mutation: dict) -> tuple[str, uuid.UUID | None, dict | None]:
    """Apply one mutation through its feature's service: (status, record_id, error)."""
    kind = mutation["type"]
    if not isinstance(kind, str) or kind not in APPLY:
        return REJECTED, None, _item_error(
            422, None, {"type": [str(_l("Must be one of: %(choices)s.") % {"choices": ", ".join(MUTATION_TYPES)})]})
    apply, schema_path = APPLY[kind]
    try:
        data = _prepare(mutation.get("data"), mutation.get("created_at"), mutation["id"], _schema_fields(schema_path))
        with db.session.begin_nested():
            record_id, created = apply(user, data)
    except ValidationError as exc:
        errors = exc.messages if isinstance(exc.messages, dict) else {"data": exc.messages}
        return REJECTED, None, _item_error(422, None, translate_message(errors))
    except DomainError as exc:
        return REJECTED, None, _item_error(exc.code, exc.message, exc.errors)
    return (APPLIED if created else DUPLICATE), record_id, None


def apply_mutation(user, mutation: dict, device_id: uuid.UUID | None = None) -> Outcome:
    """Apply `mutation` at most once for `user`, in its own savepoint.

    The id is claimed first (an insert under a unique key): a concurrent twin blocks on it
    and then fails, rolls back its savepoint and answers with the winner's outcome.
    """
    existing = _find(mutation["id"])
    if existing is not None:
        return _decided(existing, user)
    try:
        with db.session.begin_nested():
            row = AppliedMutation(mutation_id=mutation["id"], user_id=user.id, type=str(mutation["type"])[:40],
                                  status=APPLIED, device_id=device_id)
            db.session.add(row)
            db.session.flush()
            status, record_id, error = _run(user, mutation)
            row.status = REJECTED if status == REJECTED else APPLIED
            row.record_id, row.error = record_id, error
            db.session.flush()
    except IntegrityError:
        winner = _find(mutation["id"])
        if winner is not None:
            return _decided(winner, user)
        # A clash on the record itself (its id taken meanwhile): not decided, so not recorded;
        # the device keeps nothing pending on a `rejected`, so say plainly what happened.
        return Outcome(mutation["id"], REJECTED, None,
                       _item_error(409, _l("This record clashes with another one. Save it again as a new entry.")))
    return Outcome(mutation["id"], status, record_id, error)


def apply_mutations(user, mutations: list[dict], device_id: uuid.UUID | None = None) -> list[Outcome]:
    """Apply in order; a rejected mutation never rolls back or blocks the others."""
    return [apply_mutation(user, m, device_id) for m in mutations]


# ---------------------------------------------------------------- pull: the change feed


def _cursor_serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="sync-cursor")


def encode_cursor(user, seq: int) -> str:
    return _cursor_serializer().dumps({"u": str(user.id), "s": int(seq)})


def decode_cursor(user, cursor: str | None) -> int:
    """The last `seq` the device has seen; a forged cursor or another user's is refused."""
    if not cursor:
        return 0
    try:
        payload = _cursor_serializer().loads(cursor)
        if payload["u"] != str(user.id) or not isinstance(payload["s"], int) or payload["s"] < 0:
            raise CursorError
        return payload["s"]
    except (BadSignature, KeyError, TypeError, ValueError, CursorError):
        raise CursorError from None


def _entity_readers() -> dict:
    """entity → (model, schema, query options): each feature's own schema dumps its records."""
    from ..help import models as help_models
    from ..help import schemas as help_schemas
    from ..presence import models as presence_models
    from ..presence.schemas import PresenceSchema

    message_schema = getattr(help_schemas, "MessageSchema", None)
    return {
        "help_request": (help_models.HelpRequest, help_schemas.HelpRequestSchema()),
        "message": (help_models.HelpMessage, message_schema() if message_schema else None),
        "presence": (presence_models.PresenceReport, PresenceSchema()),
    }


def _dump(readers: dict, entity: str, entity_id: uuid.UUID):
    model, schema = readers.get(entity, (None, None))
    if model is None or schema is None:
        return None
    record = db.session.get(model, entity_id)
    if record is None:
        return None
    data = schema.dump(record)
    if entity == "message":
        data.setdefault("help_request_id", str(record.help_request_id))
    return data


def _wait_for_writers() -> None:
    """On PostgreSQL, sequence numbers are taken at insert but become visible at commit, which
    may come in another order. A SHARE lock waits for every open transaction that wrote to the
    feed, so no number below the ones read here can appear later (no change is ever skipped)."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("LOCK TABLE changes IN SHARE MODE"))


def pull_changes(user, after_seq: int, limit: int = PAGE_SIZE) -> tuple[list[dict], int, bool]:
    """The worker's changes after `after_seq`: (changes, last seq served, whether more wait).

    Several changes of one record in a page are served once, with its current state.
    """
    _wait_for_writers()
    rows = db.session.execute(
        select(Change.seq, Change.entity, Change.entity_id)
        .where(Change.user_id == user.id, Change.seq > after_seq)
        .order_by(Change.seq).limit(limit + 1)).all()
    has_more = len(rows) > limit
    rows = rows[:limit]
    last = rows[-1].seq if rows else after_seq
    readers = _entity_readers() if rows else {}
    latest = {}
    for row in rows:
        latest.pop((row.entity, row.entity_id), None)
        latest[(row.entity, row.entity_id)] = row
    changes = [{"entity": entity, "id": entity_id, "data": _dump(readers, entity, entity_id)}
               for (entity, entity_id) in latest]
    return changes, last, has_more
