"""The push half of `POST /api/v1/sync`: each mutation goes to its feature's declaration
(sync.registry), exactly once (sync.ledger); what was applied goes into the worker's feed."""
import logging
import uuid
from itertools import groupby

from marshmallow import ValidationError
from sqlalchemy.exc import IntegrityError

from ..errors import DomainError
from ..extensions import db
from ..i18n import _l, translate_message
from .declarations import MutationType, NotStoredYet, item_error
from .feed import record_changes
from .ledger import (APPLIED, DUPLICATE, REJECTED, UNSAVED, Decided, Outcome, apply_once, claim_many,
                     fails_the_call, give_back, read_decided)
from .registry import MUTATION_TYPES, TYPES

log = logging.getLogger(__name__)

# One schema instance per type, made once: loading keeps no state in the schema.
_SCHEMAS = {name: mtype.schema() for name, mtype in TYPES.items()}
_FIELDS = {name: frozenset(schema.fields) for name, schema in _SCHEMAS.items()}


def _type_of(mutation: dict) -> MutationType | None:
    kind = mutation["type"]
    return TYPES.get(kind) if isinstance(kind, str) else None


def _prepare(mutation: dict) -> dict:
    """The REST body for this mutation: the device's `created_at` and the mutation id fill what
    `data` leaves out."""
    data = mutation.get("data")
    if not isinstance(data, dict):
        raise ValidationError({"data": ["Not a valid mapping type."]})
    data = dict(data)
    fields_ = _FIELDS[mutation["type"]]
    if "created_at" in fields_ and data.get("created_at") is None and mutation.get("created_at") is not None:
        data["created_at"] = mutation["created_at"]
    # The mutation id doubles as the record id when the device sent none: a replay then
    # names the same record even before the idempotency table is consulted.
    if "id" in fields_ and data.get("id") is None:
        data["id"] = str(mutation["id"])
    return data


def _load(mtype: MutationType, data: dict) -> dict:
    return mtype.load(data) if mtype.load is not None else _SCHEMAS[mtype.name].load(data)


def _run(user, mutation: dict) -> tuple[str, uuid.UUID | None, dict | None]:
    """Apply one mutation through its feature's declaration: (status, record_id, error)."""
    mtype = _type_of(mutation)
    if mtype is None:
        return REJECTED, None, item_error(
            422, None, {"type": [str(_l("Must be one of: %(choices)s.") % {"choices": ", ".join(MUTATION_TYPES)})]})
    try:
        loaded = _load(mtype, _prepare(mutation))
        with db.session.begin_nested():
            record_id, created = mtype.apply(user, loaded)
    except ValidationError as exc:
        errors = exc.messages if isinstance(exc.messages, dict) else {"data": exc.messages}
        return REJECTED, None, item_error(422, None, translate_message(errors))
    except DomainError as exc:
        if getattr(exc, "retry", False):  # e.g. a file not uploaded yet (app.attachments)
            raise NotStoredYet(exc.message) from exc
        return REJECTED, None, item_error(exc.code, exc.message, exc.errors)
    except (NotStoredYet, IntegrityError):
        raise  # sync.ledger.apply_once answers these
    except Exception as exc:  # noqa: BLE001 - one item's failure is that item's answer, never the call's
        if fails_the_call(exc):
            raise
        log.exception("sync: mutation %s (%s) failed; rejected", mutation["id"], mtype.name)
        return REJECTED, None, item_error(500, UNSAVED)
    return (APPLIED if created else DUPLICATE), record_id, None


def _apply_one(user, mutation: dict, device_id, decided: dict) -> Outcome:
    mtype = _type_of(mutation)
    return apply_once(user, mutation, mtype.name if mtype else "unknown", device_id, decided, _run)


def apply_mutations(user, mutations: list[dict], device_id: uuid.UUID | None = None) -> list[Outcome]:
    """Apply in order; a rejected mutation never rolls back or blocks the others.

    Runs of valid mutations of a type that can be stored in bulk (`apply_many`: what a phone
    sends almost always) are written a run at a time; everything else goes one by one, after
    the ids already decided are read in one query.
    """
    bulk = _bulk_candidates(mutations)
    # The others apply in the call's order, not in key order: two calls of one worker holding the
    # same ids in other orders can deadlock on PostgreSQL, which fails one of them; the sync API
    # then runs that call again (storage.committed). Taking the worker's feed lock up front would
    # avoid it, but a staff action holds the request's row and then takes that lock: a worker's
    # message waiting for the row while holding the lock would deadlock with staff instead.
    decided = read_decided({m["id"] for i, m in enumerate(mutations) if i not in bulk})
    outcomes: list[Outcome | None] = [None] * len(mutations)
    for mtype, run in groupby(range(len(mutations)), key=lambda i: bulk[i][0] if i in bulk else None):
        run = list(run)
        if mtype is not None:
            _apply_run(user, mutations, mtype, {i: bulk[i][1] for i in run}, device_id, decided, outcomes)
        for i in run:
            if outcomes[i] is None:
                outcomes[i] = _apply_one(user, mutations[i], device_id, decided)
    _announce_applied(user, mutations, outcomes)
    return outcomes


def _announce_applied(user, mutations: list[dict], outcomes: list[Outcome]) -> None:
    """Put what this call stored into the worker's feed, all at once at the end of the call:
    the feed lock is then taken after every row the call's items waited for (see record_changes)."""
    keys = []
    for mutation, outcome in zip(mutations, outcomes):
        if outcome.status == APPLIED and outcome.record_id is not None:
            mtype = _type_of(mutation)
            if mtype is not None and mtype.entity is not None:
                keys.append((mtype.entity, outcome.record_id))
    record_changes(user.id, keys)


def _bulk_candidates(mutations: list[dict]) -> dict[int, tuple[MutationType, dict]]:
    """{index: (type, loaded data)} of the mutations that can be written in bulk: of a type with
    `apply_many`, valid, and with a mutation id and a record id that nothing else in this call uses.

    Validation needs no database, so it runs before anything is written; what is left out
    here (invalid items, repeated ids) goes one by one.
    """
    prepared: dict[MutationType, dict[int, dict]] = {}
    for index, mutation in enumerate(mutations):
        mtype = _type_of(mutation)
        if mtype is not None and mtype.apply_many is not None and isinstance(mutation.get("data"), dict):
            prepared.setdefault(mtype, {})[index] = _prepare(mutation)
    loaded: dict[int, tuple[MutationType, dict]] = {}
    for mtype, items in prepared.items():
        loaded.update((index, (mtype, data)) for index, data in _load_valid(mtype, items).items())
    chosen, seen = {}, set()
    for index in sorted(loaded):
        ids = (mutations[index]["id"], loaded[index][1]["id"])
        if not seen.intersection(ids):
            seen.update(ids)
            chosen[index] = loaded[index]
    return chosen


def _load_valid(mtype: MutationType, items: dict[int, dict]) -> dict[int, dict]:
    """The items that load, all at once (as almost always they are all valid); else item by item,
    to keep the valid ones. Whatever fails here is answered one by one."""
    if mtype.load is None:
        try:
            return dict(zip(items, _SCHEMAS[mtype.name].load(list(items.values()), many=True)))
        except Exception:  # noqa: BLE001
            pass
    loaded = {}
    for index, data in items.items():
        try:
            loaded[index] = _load(mtype, data)
        except Exception:  # noqa: BLE001
            continue
    return loaded


def _apply_run(user, mutations, mtype: MutationType, items: dict[int, dict], device_id, decided: dict,
               outcomes: list) -> None:
    """_apply_many in a savepoint (one per run, not per item). Should it fail for a reason other
    than the database's, nothing of it stays and its items go one by one (each in its own
    savepoint): only the one at fault is rejected, the others still apply."""
    before = dict(decided)
    try:
        with db.session.begin_nested():
            _apply_many(user, mutations, mtype, items, device_id, decided, outcomes)
    except Exception as exc:  # noqa: BLE001
        if fails_the_call(exc):
            raise
        log.warning("sync: bulk %s of %d items failed (%s); applying them one by one", mtype.name, len(items), exc)
        decided.clear()
        decided.update(before)
        for index in items:
            outcomes[index] = None


def _apply_many(user, mutations, mtype: MutationType, items: dict[int, dict], device_id, decided: dict,
                outcomes: list) -> None:
    """A run of valid mutations of one type, with a few multi-row INSERTs.

    The mutation ids are claimed first, skipping those already taken: an id decided before (a
    replay, or another user's) is read back and answered from its record, and a concurrent twin
    waits for the other call's commit and then finds its id taken. A record that cannot be
    stored (its id taken, a limit) gives its claim back; it then goes one by one, which tells a
    replay from a conflict. Outcomes are filled for what was stored.
    """
    claimed = claim_many(user, [(mutations[i]["id"], mtype.name, item["id"]) for i, item in items.items()],
                         device_id)
    decided.update(read_decided({mutations[i]["id"] for i in items} - claimed))
    items = {i: item for i, item in items.items() if mutations[i]["id"] in claimed}
    stored = mtype.apply_many(user, list(items.values()))
    give_back([mutations[i]["id"] for i, item in items.items() if item["id"] not in stored])
    for i, item in items.items():
        if item["id"] in stored:
            mutation_id = mutations[i]["id"]
            outcomes[i] = Outcome(mutation_id, APPLIED, item["id"])
            decided[mutation_id] = Decided(mutation_id, user.id, APPLIED, item["id"], None)
