"""Applying a device's mutations exactly once, and serving the worker's change feed.

The rules of presence reports, help requests and messages live in their features'
services; this module only routes each mutation there, records its outcome once
(`AppliedMutation`) and reads the feed (`Change`).
"""
import base64
import binascii
import logging
import os
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from functools import lru_cache
from types import SimpleNamespace

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app
from marshmallow import ValidationError
from sqlalchemy import bindparam, delete, func, select
from sqlalchemy.exc import DBAPIError, IntegrityError, InterfaceError, OperationalError
from sqlalchemy.orm import selectinload

from ..errors import DomainError, error_body
from ..extensions import db
from ..i18n import _l, translate_message
from ..storage import RETRYABLE, insert_new_rows
from .feed import lock_feed
from .models import AppliedMutation, Change
from ..types import utcnow
from .schemas import MUTATION_TYPES

log = logging.getLogger(__name__)

PAGE_SIZE = 100
# The idempotency records are kept this long (`flask sync purge`); never less than a month,
# the longest a phone is expected to stay offline with its outbox full.
KEEP_DAYS, MIN_KEEP_DAYS, PURGE_BATCH = 180, 30, 5000
APPLIED, DUPLICATE, REJECTED = "applied", "duplicate", "rejected"
UNSAVED = _l("This entry could not be saved because of an error on our side. "
             "Save it again as a new entry, or call the mission.")


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


def _fails_the_call(exc: Exception) -> bool:
    """The database's trouble, not the item's: the database away (503) or a deadlock or
    serialization failure (the call is run again, storage.committed). Anything else an item
    raises is that item's `rejected`."""
    return isinstance(exc, (OperationalError, InterfaceError)) or (
        isinstance(exc, DBAPIError) and getattr(exc.orig, "sqlstate", None) in RETRYABLE)


class NotStoredYet(Exception):
    """A mutation names a record not stored yet (a message whose request travels in another call
    still in flight): answered `rejected` with `error.retry: true` and not recorded, so the
    device keeps it and sends it again (contract, "Additions of 2026-11-29": Sync)."""

    def __init__(self, message):
        super().__init__(str(message))
        self.error = {**_item_error(422, message), "retry": True}


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


@lru_cache(maxsize=None)
def _schema(path: str):
    """One instance per schema class, made once: loading and dumping keep no state in the schema."""
    import importlib

    module, _sep, name = path.partition(":")
    return getattr(importlib.import_module(module), name)()


def _apply_presence(user, data: dict, batch: dict):
    from ..presence.services import submit_presence

    report, created = submit_presence(user, _schema("app.presence.schemas:PresenceInSchema").load(data))
    return report.id, created


def _apply_help_request(user, data: dict, batch: dict):
    from ..help.services import create_help_request

    loaded = _schema("app.help.schemas:HelpRequestInSchema").load(data)
    help_request, created = create_help_request(user, loaded, announce=False)
    return help_request.id, created


def _apply_message(user, data: dict, batch: dict):
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
        loaded = _schema("app.help.schemas:MessageInSchema").load(data)
    except ValidationError as exc:
        errors.update(exc.messages if isinstance(exc.messages, dict) else {"data": exc.messages})
    if errors:
        raise ValidationError(errors)
    try:
        message, created = add_worker_message(user, help_request_id, loaded, announce=False)
    except DomainError as exc:
        if exc.code != 404:
            raise
        # Not this worker's request, or not stored yet: the same answer, so nothing leaks.
        raise NotStoredYet(_l("The request this message belongs to has not arrived yet. "
                              "The message will be sent again.")) from None
    return message.id, created


APPLY = {
    "presence.upsert": (_apply_presence, "app.presence.schemas:PresenceInSchema"),
    "help_request.create": (_apply_help_request, "app.help.schemas:HelpRequestInSchema"),
    "message.create": (_apply_message, "app.help.schemas:MessageInSchema"),
}


@lru_cache(maxsize=None)
def _schema_fields(path: str) -> frozenset:
    return frozenset(_schema(path).fields)


# The statements of every sync call, built once (building one costs about as much as running it).
# Decided outcomes are read as plain rows: only their columns are used, never an ORM object.
_DECIDED = select(AppliedMutation.__table__).where(AppliedMutation.mutation_id.in_(bindparam("ids", expanding=True)))
_FEED_PAGE = (select(Change.seq, Change.entity, Change.entity_id)
              .where(Change.user_id == bindparam("user_id"), Change.seq > bindparam("after"))
              .order_by(Change.seq).limit(bindparam("limit")))


def _decided(row: AppliedMutation, user) -> Outcome:
    """The answer for a mutation id that was already decided."""
    if row.user_id != user.id:
        # Another user's id: say no more than that it cannot be used.
        return Outcome(row.mutation_id, REJECTED, None,
                       _item_error(409, _l("This change cannot be applied. Save it again as a new entry.")))
    if row.status == REJECTED:
        return Outcome(row.mutation_id, REJECTED, row.record_id, row.error)
    return Outcome(row.mutation_id, DUPLICATE, row.record_id)


def _find(mutation_id: uuid.UUID):
    """The decided outcome of one mutation id (a row with AppliedMutation's columns), or None."""
    return db.session.execute(_DECIDED, {"ids": [mutation_id]}).first()


def _run(user, mutation: dict, batch: dict) -> tuple[str, uuid.UUID | None, dict | None]:
    """Apply one mutation through its feature's service: (status, record_id, error)."""
    kind = mutation["type"]
    if not isinstance(kind, str) or kind not in APPLY:
        return REJECTED, None, _item_error(
            422, None, {"type": [str(_l("Must be one of: %(choices)s.") % {"choices": ", ".join(MUTATION_TYPES)})]})
    apply, schema_path = APPLY[kind]
    try:
        data = _prepare(mutation.get("data"), mutation.get("created_at"), mutation["id"], _schema_fields(schema_path))
        with db.session.begin_nested():
            record_id, created = apply(user, data, batch)
    except ValidationError as exc:
        errors = exc.messages if isinstance(exc.messages, dict) else {"data": exc.messages}
        return REJECTED, None, _item_error(422, None, translate_message(errors))
    except DomainError as exc:
        if getattr(exc, "retry", False):  # e.g. a file not uploaded yet (app.attachments)
            raise NotStoredYet(exc.message) from exc
        return REJECTED, None, _item_error(exc.code, exc.message, exc.errors)
    except (NotStoredYet, IntegrityError):
        raise  # apply_mutation answers these
    except Exception as exc:  # noqa: BLE001 - one item's failure is that item's answer, never the call's
        if _fails_the_call(exc):
            raise
        log.exception("sync: mutation %s (%s) failed; rejected", mutation["id"], kind)
        return REJECTED, None, _item_error(500, UNSAVED)
    return (APPLIED if created else DUPLICATE), record_id, None


def apply_mutation(user, mutation: dict, device_id: uuid.UUID | None = None, batch: dict | None = None) -> Outcome:
    """Apply `mutation` at most once for `user`, in its own savepoint.

    The id is claimed first (an insert under a unique key): a concurrent twin blocks on it
    and then fails, rolls back its savepoint and answers with the winner's outcome.
    `batch` is shared by the mutations of one call: `decided` ({mutation id: AppliedMutation},
    read for the whole call at once by apply_mutations).
    """
    if batch is None:
        batch = {}
    decided = batch.get("decided")
    existing = decided.get(mutation["id"]) if decided is not None else _find(mutation["id"])
    if existing is not None:
        return _decided(existing, user)
    kind = mutation["type"]
    try:
        with db.session.begin_nested():
            row = AppliedMutation(mutation_id=mutation["id"], user_id=user.id, device_id=device_id, status=APPLIED,
                                  type=kind if isinstance(kind, str) and kind in APPLY else "unknown")
            db.session.add(row)
            db.session.flush()
            status, record_id, error = _run(user, mutation, batch)  # NotStoredYet undoes the claim
            row.status = REJECTED if status == REJECTED else APPLIED
            row.record_id, row.error = record_id, error
            db.session.flush()
        if decided is not None:
            decided[row.mutation_id] = row  # the same id again later in this call is a duplicate
    except IntegrityError:
        winner = _find(mutation["id"])
        if winner is not None:
            return _decided(winner, user)
        # A clash on the record itself (its id taken meanwhile): not decided, so not recorded;
        # the device keeps nothing pending on a `rejected`, so say plainly what happened.
        return Outcome(mutation["id"], REJECTED, None,
                       _item_error(409, _l("This record clashes with another one. Save it again as a new entry.")))
    except NotStoredYet as exc:
        return Outcome(mutation["id"], REJECTED, None, exc.error)
    except Exception as exc:  # noqa: BLE001 - e.g. its outcome could not be recorded: nothing of it stays
        if _fails_the_call(exc):
            raise
        log.exception("sync: mutation %s could not be recorded; rejected", mutation["id"])
        return Outcome(mutation["id"], REJECTED, None, _item_error(500, UNSAVED))
    return Outcome(mutation["id"], status, record_id, error)


def apply_mutations(user, mutations: list[dict], device_id: uuid.UUID | None = None) -> list[Outcome]:
    """Apply in order; a rejected mutation never rolls back or blocks the others.

    Valid `help_request.create` mutations (what a phone sends almost always) are written a
    run at a time by _bulk_help_requests, in key order; everything else goes one by one through
    apply_mutation, after the ids already decided are read in one query.
    """
    fast = _bulk_candidates(mutations)
    # The others apply in the call's order, not in key order: two calls of one worker holding the
    # same ids in other orders can deadlock on PostgreSQL, which fails one of them; the sync API
    # then runs that call again (storage.committed). Taking the worker's feed lock up front would
    # avoid it, but a staff action holds the request's row and then takes that lock: a worker's
    # message waiting for the row while holding the lock would deadlock with staff instead.
    batch = {"decided": _read_decided({m["id"] for i, m in enumerate(mutations) if i not in fast})}
    outcomes: list[Outcome | None] = [None] * len(mutations)
    run: list[int] = []
    for index, mutation in enumerate(mutations + [None]):
        if index in fast:
            run.append(index)
            continue
        if run:
            _bulk_or_none(user, mutations, {i: fast[i] for i in run}, device_id, batch, outcomes)
            for i in run:
                if outcomes[i] is None:
                    outcomes[i] = apply_mutation(user, mutations[i], device_id, batch)
            run = []
        if mutation is not None:
            outcomes[index] = apply_mutation(user, mutation, device_id, batch)
    _announce_applied(user, mutations, outcomes)
    return outcomes


# What an applied mutation stored, as the worker's other devices hear of it (presence reports
# are announced by their service).
_ANNOUNCED = {"help_request.create": "help_request", "message.create": "message"}


def _announce_applied(user, mutations: list[dict], outcomes: list[Outcome]) -> None:
    """Put what this call stored into the worker's feed, all at once at the end of the call:
    the feed lock is then taken after every row the call's items waited for (see record_changes)."""
    from .feed import record_changes

    record_changes(user.id, [(_ANNOUNCED[m["type"]], o.record_id) for m, o in zip(mutations, outcomes)
                             if o.status == APPLIED and o.record_id is not None
                             and isinstance(m["type"], str) and m["type"] in _ANNOUNCED])


def _bulk_or_none(user, mutations, items: dict[int, dict], device_id, batch: dict, outcomes: list) -> None:
    """_bulk_help_requests in a savepoint (one per run, not per item). Should it fail for a reason
    other than the database's, nothing of it stays and its items go one by one (apply_mutation,
    each in its own savepoint): only the one at fault is rejected, the others still apply."""
    decided = dict(batch["decided"])
    try:
        with db.session.begin_nested():
            _bulk_help_requests(user, mutations, items, device_id, batch, outcomes)
    except Exception as exc:  # noqa: BLE001
        if _fails_the_call(exc):
            raise
        log.warning("sync: bulk insert of %d requests failed (%s); applying them one by one", len(items), exc)
        batch["decided"].clear()
        batch["decided"].update(decided)
        for index in items:
            outcomes[index] = None


def _read_decided(ids: set) -> dict:
    """{mutation id: its AppliedMutation row} for the ids already decided, in one query."""
    if not ids:
        return {}
    return {row.mutation_id: row for row in db.session.execute(_DECIDED, {"ids": list(ids)})}


def _bulk_candidates(mutations: list[dict]) -> dict[int, dict]:
    """{index: loaded data} of the `help_request.create` mutations that can be written in bulk:
    valid, and with a mutation id and a record id that nothing else in this call uses.

    Validation needs no database, so it runs before anything is written; what is left out
    here (invalid items, repeated ids) goes one by one through apply_mutation.
    """
    schema_path = APPLY["help_request.create"][1]
    schema, fields_ = _schema(schema_path), _schema_fields(schema_path)
    prepared = {}
    for index, mutation in enumerate(mutations):
        if mutation["type"] == "help_request.create" and isinstance(mutation.get("data"), dict):
            prepared[index] = _prepare(mutation["data"], mutation.get("created_at"), mutation["id"], fields_)
    try:  # all at once, as almost always they are all valid; else item by item, to keep the valid ones
        loaded = dict(zip(prepared, schema.load(list(prepared.values()), many=True)))
    except Exception:  # noqa: BLE001 - whatever fails here, apply_mutation answers for the item
        loaded = {}
        for index, data in prepared.items():
            try:
                loaded[index] = schema.load(data)
            except Exception:  # noqa: BLE001
                continue
    chosen, seen = {}, set()
    for index, data in loaded.items():
        ids = (mutations[index]["id"], data["id"])
        if not seen.intersection(ids):
            seen.update(ids)
            chosen[index] = data
    return chosen


def _bulk_help_requests(user, mutations, items: dict[int, dict], device_id, batch: dict, outcomes: list) -> None:
    """A run of valid `help_request.create` mutations in three multi-row INSERTs.

    Nothing here fails on a clash, so no savepoint is needed. The mutation ids are claimed
    first, skipping those already taken: an id decided before (a replay, or another user's)
    is read back and answered from its record, and a concurrent twin waits for the other
    call's commit and then finds its id taken. A request that cannot be stored (its id or
    reference taken) gives its claim back; apply_mutation then takes it alone and tells a
    replay from a conflict. Outcomes are filled for what was stored.
    """
    from ..help.services import insert_help_requests

    now = utcnow()
    claimed = insert_new_rows(AppliedMutation.__table__, [
        {"mutation_id": mutations[i]["id"], "user_id": user.id, "type": "help_request.create", "status": APPLIED,
         "record_id": item["id"], "error": None, "device_id": device_id, "created_at": now, "updated_at": now}
        for i, item in items.items()], returning="mutation_id")
    decided = batch["decided"]
    decided.update(_read_decided({mutations[i]["id"] for i in items} - claimed))
    items = {i: item for i, item in items.items() if mutations[i]["id"] in claimed}
    stored = insert_help_requests(user, list(items.values()))
    given_back = [mutations[i]["id"] for i, item in items.items() if item["id"] not in stored]
    if given_back:
        db.session.execute(delete(AppliedMutation).where(AppliedMutation.mutation_id.in_(given_back)))
    for i, item in items.items():
        if item["id"] in stored:
            outcomes[i] = Outcome(mutations[i]["id"], APPLIED, item["id"])
            # What _decided reads, for the same id again later in this call.
            decided[mutations[i]["id"]] = SimpleNamespace(mutation_id=mutations[i]["id"], user_id=user.id,
                                                          status=APPLIED, record_id=item["id"], error=None)


def purge_applied_mutations(days: int) -> int:
    """Delete the idempotency records older than `days` days, in committed batches; how many.

    Safe because every mutation carries its record's id: an old mutation sent again after its
    record is gone is applied as a replay of that record (`duplicate`), never a second copy.
    """
    cutoff = utcnow() - timedelta(days=days)
    oldest = (select(AppliedMutation.mutation_id).where(AppliedMutation.created_at < cutoff)
              .limit(PURGE_BATCH))
    total = 0
    while True:
        ids = list(db.session.scalars(oldest))
        if not ids:
            return total
        db.session.execute(delete(AppliedMutation).where(AppliedMutation.mutation_id.in_(ids)))
        db.session.commit()
        total += len(ids)


# ---------------------------------------------------------------- pull: the change feed


# A cursor is a position in the worker's feed, encrypted and authenticated (AES-GCM) with a key
# derived from SECRET_KEY, the user's id as associated data. `seq` counts every worker's changes,
# so in clear it would show system-wide activity; sealed, it shows nothing, and it is good for its
# own user only. Plain text: the last `seq` seen (8 bytes), and while the whole state is still being
# served (a call without a cursor, paged) the last help request id served (16 more bytes).
_CURSOR_INFO = b"jembatan sync cursor v2"
_NONCE, _SEQ, _ID, _TAG = 12, 8, 16, 16
# A snapshot position whose presence report is served and whose requests start from the first.
_BEFORE_FIRST = uuid.UUID(int=0)


@dataclass(frozen=True)
class Position:
    """Where a device is in its worker's feed. `snapshot`: it is still being sent the whole current
    state (requests in id order after `after_request`; None: nothing sent yet, the presence report
    first), after which it goes on from `seq`, the feed's end when the snapshot began."""

    seq: int = 0
    snapshot: bool = False
    after_request: uuid.UUID | None = None


START = Position(0, snapshot=True)


@lru_cache(maxsize=4)
def _cursor_cipher(secret_key: str) -> AESGCM:
    """Made once per key: deriving it costs more than a sync call's whole cursor work."""
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_CURSOR_INFO).derive(secret_key.encode())
    return AESGCM(key)


def encode_cursor(user, position) -> str:
    if isinstance(position, int):
        position = Position(position)
    plain = int(position.seq).to_bytes(_SEQ, "big")
    if position.snapshot:
        plain += (position.after_request or _BEFORE_FIRST).bytes
    nonce = os.urandom(_NONCE)
    sealed = _cursor_cipher(current_app.config["SECRET_KEY"]).encrypt(nonce, plain, user.id.bytes)
    return base64.urlsafe_b64encode(nonce + sealed).decode("ascii")


def decode_cursor(user, cursor: str | None) -> Position:
    """Where the device is; no cursor is the start (the whole state). A forged or old-format cursor,
    or another user's, is refused."""
    if not cursor:
        return START
    try:
        raw = base64.urlsafe_b64decode(cursor.encode("ascii"))
        if len(raw) not in (_NONCE + _SEQ + _TAG, _NONCE + _SEQ + _ID + _TAG):
            raise CursorError
        plain = _cursor_cipher(current_app.config["SECRET_KEY"]).decrypt(raw[:_NONCE], raw[_NONCE:], user.id.bytes)
        seq = int.from_bytes(plain[:_SEQ], "big")
        if len(plain) == _SEQ:
            return Position(seq)
        return Position(seq, snapshot=True, after_request=uuid.UUID(bytes=plain[_SEQ:]))
    except (InvalidTag, binascii.Error, UnicodeEncodeError, ValueError, CursorError):
        raise CursorError from None


def _entity_readers() -> dict:
    """entity → (model, schema, loader options): each feature's own schema dumps its records."""
    from ..help.models import HelpMessage, HelpRequest
    from ..presence.models import PresenceReport

    return {
        # A request is served with its messages and history: loaded for the whole page at once.
        "help_request": (HelpRequest, _schema("app.help.schemas:HelpRequestSchema"),
                         (selectinload(HelpRequest.messages), selectinload(HelpRequest.history))),
        "message": (HelpMessage, _schema("app.help.schemas:MessageSchema"), ()),
        "presence": (PresenceReport, _schema("app.presence.schemas:PresenceSchema"), ()),
    }


def _current_records(readers: dict, keys) -> dict:
    """{(entity, id): record} for the changed records still stored, one query per kind of entity."""
    wanted = defaultdict(set)
    for entity, entity_id in keys:
        wanted[entity].add(entity_id)
    found = {}
    for entity, ids in wanted.items():
        model, _schema, options = readers[entity]
        for record in db.session.scalars(select(model).where(model.id.in_(ids)).options(*options)):
            found[(entity, record.id)] = record
    return found


def _dump(readers: dict, entity: str, record):
    if record is None:
        return None  # deleted since the change was recorded
    data = readers[entity][1].dump(record)
    if entity == "message":
        data.setdefault("help_request_id", str(record.help_request_id))
    return data


def _feed_page(user, after_seq: int, limit: int) -> tuple[list[dict], int, bool]:
    """The worker's changes after `after_seq`: (changes, last seq served, whether more wait).
    Several changes of one record in a page are served once, with its current state."""
    rows = db.session.execute(_FEED_PAGE, {"user_id": user.id, "after": after_seq, "limit": limit + 1}).all()
    has_more = len(rows) > limit
    rows = rows[:limit]
    last = rows[-1].seq if rows else after_seq
    readers = _entity_readers() if rows else {}
    latest = {}
    for row in rows:
        latest.pop((row.entity, row.entity_id), None)
        latest[(row.entity, row.entity_id)] = row
    records = _current_records(readers, latest)
    changes = [{"entity": entity, "id": entity_id, "data": _dump(readers, entity, records.get((entity, entity_id)))}
               for (entity, entity_id) in latest]
    return changes, last, has_more


_FEED_END = select(func.max(Change.seq)).where(Change.user_id == bindparam("user_id"))


def _snapshot_page(user, position: Position, limit: int) -> tuple[list[dict], Position, bool]:
    """The worker's whole current state, a page at a time: her current presence report, then every
    request of hers (with its messages and history) in id order; then the feed from where it stood
    when the snapshot began. A change made meanwhile is in the feed after that point, so nothing is
    lost; a record it touches may come twice, each time with its current state."""
    from ..help.models import HelpRequest
    from ..presence.services import current_presence

    readers = _entity_readers()
    changes = []
    if position.after_request is None:
        position = Position(db.session.scalar(_FEED_END, {"user_id": user.id}) or 0, True, _BEFORE_FIRST)
        presence = current_presence(user)
        if presence is not None:
            changes.append({"entity": "presence", "id": presence.id, "data": _dump(readers, "presence", presence)})
    room = max(limit - len(changes), 0)
    requests = list(db.session.scalars(
        select(HelpRequest).where(HelpRequest.user_id == user.id, HelpRequest.id > position.after_request)
        .order_by(HelpRequest.id).limit(room + 1).options(*readers["help_request"][2])))
    if len(requests) > room:
        requests = requests[:room]
        changes += [{"entity": "help_request", "id": r.id, "data": _dump(readers, "help_request", r)}
                    for r in requests]
        after = requests[-1].id if requests else position.after_request
        return changes, Position(position.seq, True, after), True
    changes += [{"entity": "help_request", "id": r.id, "data": _dump(readers, "help_request", r)} for r in requests]
    served = {(c["entity"], c["id"]) for c in changes}
    more, last, has_more = _feed_page(user, position.seq, limit - len(changes))
    return changes + [c for c in more if (c["entity"], c["id"]) not in served], Position(last), has_more


def pull_changes(user, position: Position | int, limit: int | None = None) -> tuple[list[dict], Position, bool]:
    """What the device at `position` has not seen yet: (changes, its next position, whether more wait).
    From the start (no cursor), the worker's whole current state comes first (_snapshot_page)."""
    if isinstance(position, int):
        position = Position(position)
    limit = PAGE_SIZE if limit is None else limit
    lock_feed(user.id, shared=True)  # no change of this worker still in flight can be skipped
    if position.snapshot:
        return _snapshot_page(user, position, limit)
    changes, last, has_more = _feed_page(user, position.seq, limit)
    return changes, Position(last), has_more
