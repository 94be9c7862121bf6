"""The exactly-once ledger of `POST /api/v1/sync`: each mutation id is decided once per user
(`AppliedMutation`), its outcome answered again to every retry; and its housekeeping (purge)."""
import logging
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Callable, NamedTuple

from sqlalchemy import bindparam, delete, select
from sqlalchemy.exc import DBAPIError, IntegrityError, InterfaceError, OperationalError

from ..extensions import db
from ..i18n import _l
from ..storage import RETRYABLE, insert_new_rows
from ..types import utcnow
from .declarations import NotStoredYet, item_error
from .models import AppliedMutation

log = logging.getLogger(__name__)

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
    error: dict | None = None

    def as_dict(self) -> dict:
        return {"id": self.id, "status": self.status, "record_id": self.record_id, "error": self.error}


class Decided(NamedTuple):
    """A mutation id already decided: the columns of its AppliedMutation that answer it again."""

    mutation_id: uuid.UUID
    user_id: uuid.UUID
    status: str
    record_id: uuid.UUID | None
    error: dict | None


def fails_the_call(exc: Exception) -> bool:
    """The database's trouble, not the item's: the database away (503) or a deadlock or
    serialization failure (the call is run again, storage.committed). Anything else an item
    raises is that item's `rejected`."""
    return isinstance(exc, (OperationalError, InterfaceError)) or (
        isinstance(exc, DBAPIError) and getattr(exc.orig, "sqlstate", None) in RETRYABLE)


# Built once (building a statement costs about as much as running it); read as plain rows.
_DECIDED = select(AppliedMutation.mutation_id, AppliedMutation.user_id, AppliedMutation.status,
                  AppliedMutation.record_id, AppliedMutation.error).where(
    AppliedMutation.mutation_id.in_(bindparam("ids", expanding=True)))


def read_decided(ids) -> dict[uuid.UUID, Decided]:
    """{mutation id: Decided} for the ids already decided, in one query."""
    if not ids:
        return {}
    return {row.mutation_id: Decided(*row) for row in db.session.execute(_DECIDED, {"ids": list(ids)})}


def answer(decided: Decided, user) -> Outcome:
    """The answer for a mutation id that was already decided."""
    if decided.user_id != user.id:
        # Another user's id: say no more than that it cannot be used.
        return Outcome(decided.mutation_id, REJECTED, None,
                       item_error(409, _l("This change cannot be applied. Save it again as a new entry.")))
    if decided.status == REJECTED:
        return Outcome(decided.mutation_id, REJECTED, decided.record_id, decided.error)
    return Outcome(decided.mutation_id, DUPLICATE, decided.record_id)


def apply_once(user, mutation: dict, kind: str, device_id, decided: dict, run: Callable) -> Outcome:
    """Apply `mutation` (recorded as of type `kind`) at most once for `user`, in its own savepoint:
    `run(user, mutation)` applies it and says (status, record_id, error). `decided` holds the ids this call knows decided (read
    up front for the whole call); the outcome is added to it, so the same id again later in the
    call is a duplicate.

    The id is claimed first (an insert under a unique key): a concurrent twin blocks on it
    and then fails, rolls back its savepoint and answers with the winner's outcome.
    """
    mutation_id = mutation["id"]
    if mutation_id in decided:
        return answer(decided[mutation_id], user)
    try:
        with db.session.begin_nested():
            row = AppliedMutation(mutation_id=mutation_id, user_id=user.id, device_id=device_id, status=APPLIED,
                                  type=kind)
            db.session.add(row)
            db.session.flush()
            status, record_id, error = run(user, mutation)  # NotStoredYet undoes the claim
            row.status = REJECTED if status == REJECTED else APPLIED
            row.record_id, row.error = record_id, error
            db.session.flush()
        decided[mutation_id] = Decided(mutation_id, user.id, row.status, record_id, error)
    except IntegrityError:
        winner = read_decided([mutation_id]).get(mutation_id)
        if winner is not None:
            return answer(winner, user)
        # A clash on the record itself (its id taken meanwhile): not decided, so not recorded;
        # the device keeps nothing pending on a `rejected`, so say plainly what happened.
        return Outcome(mutation_id, REJECTED, None,
                       item_error(409, _l("This record clashes with another one. Save it again as a new entry.")))
    except NotStoredYet as exc:
        return Outcome(mutation_id, REJECTED, None, exc.error)
    except Exception as exc:  # noqa: BLE001 - e.g. its outcome could not be recorded: nothing of it stays
        if fails_the_call(exc):
            raise
        log.exception("sync: mutation %s could not be recorded; rejected", mutation_id)
        return Outcome(mutation_id, REJECTED, None, item_error(500, UNSAVED))
    return Outcome(mutation_id, status, record_id, error)


def claim_many(user, claims: list[tuple[uuid.UUID, str, uuid.UUID]], device_id) -> set:
    """Claim many mutation ids at once, as applied, each naming the record it will make:
    claims are (mutation id, type, record id); the ids claimed. An id already taken (decided
    before, or by a concurrent call that commits meanwhile) is skipped, never raised for."""
    now = utcnow()
    return insert_new_rows(AppliedMutation.__table__, [
        {"mutation_id": mutation_id, "user_id": user.id, "type": kind, "status": APPLIED, "record_id": record_id,
         "error": None, "device_id": device_id, "created_at": now, "updated_at": now}
        for mutation_id, kind, record_id in claims], returning="mutation_id")


def give_back(mutation_ids: list) -> None:
    """Undo claims whose record could not be stored after all (they go one by one instead)."""
    if mutation_ids:
        db.session.execute(delete(AppliedMutation).where(AppliedMutation.mutation_id.in_(mutation_ids)))


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
