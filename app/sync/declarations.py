"""What a feature declares for each kind of mutation a device may send (`POST /api/v1/sync`).

A feature lists its types in its own `mutations.py`, next to its services; sync only routes each
mutation to its declaration and records the outcome once (sync.ledger)."""
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from marshmallow import Schema

from ..errors import error_body


@dataclass(frozen=True)
class MutationType:
    """One kind of mutation.

    `schema` loads `data` (the body of the matching REST call); the device's `created_at` and the
    mutation id fill its `created_at` and `id` when `data` leaves them out. `load`, when given,
    replaces `schema().load` (a type whose `data` carries more than the REST body).
    `apply(user, loaded) -> (record id, created)` stores one through the feature's services and
    raises DomainError to refuse it. `apply_many(user, [loaded, ...]) -> ids stored`, optional,
    stores a run of valid ones at once, skipping (never raising for) any it cannot store: those go
    through `apply` one by one. `entity`: what the worker's feed hears of when one is applied
    (sync.push records it at the end of the call); None when `apply` records it itself.
    """

    name: str
    schema: type[Schema]
    apply: Callable[..., tuple[uuid.UUID, bool]]
    apply_many: Callable[..., set] | None = None
    load: Callable[[dict], dict] | None = None
    entity: str | None = None


def item_error(code: int, message, errors=None) -> dict:
    """The `error` of one item's result: the API's error body without its code."""
    body = error_body(code, message, errors)
    return {"message": body["message"], "errors": body["errors"]}


class NotStoredYet(Exception):
    """A mutation names a record not stored yet (a message whose request travels in another call
    still in flight): answered `rejected` with `error.retry: true` and not recorded, so the
    device keeps it and sends it again (contract, "Additions of 2026-11-29": Sync)."""

    def __init__(self, message):
        super().__init__(str(message))
        self.error = {**item_error(422, message), "retry": True}
