"""The status workflow of a help request: one table, one check."""
from enum import StrEnum


class Status(StrEnum):
    NEW = "new"
    TRIAGED = "triaged"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    CLOSED = "closed"
    REFERRED = "referred"
    WITHDRAWN = "withdrawn"


class ClosureReason(StrEnum):
    """Why staff closed a request (`closure_reason`); `duplicate` also names the request it repeats."""

    RESOLVED = "resolved"
    DUPLICATE = "duplicate"
    UNREACHABLE = "unreachable"
    NO_CLARIFICATION = "no_clarification"
    REFERRED = "referred"
    SPAM = "spam"


STATUSES = tuple(Status)
CLOSURE_REASONS = tuple(ClosureReason)
# Still waiting for the mission: the deadlines run and the open-request cap counts them.
OPEN = (Status.NEW, Status.TRIAGED, Status.IN_PROGRESS, Status.REFERRED)

# new → triaged → in_progress → resolved → closed; any open request may be referred (to another
# body), closed (spam arrives as `new`) or withdrawn; a resolved one may be reopened.
TRANSITIONS = {
    "new": {"triaged", "referred", "closed", "withdrawn"},
    "triaged": {"in_progress", "referred", "closed", "withdrawn"},
    "in_progress": {"resolved", "referred", "closed", "withdrawn"},
    "referred": {"in_progress", "resolved", "closed", "withdrawn"},
    "resolved": {"closed", "in_progress"},
    "closed": set(),
    "withdrawn": set(),
}
# Moves only the worker makes (POST /help-requests/{id}/withdraw); staff make all the others.
WORKER_MOVES = frozenset({"withdrawn"})


def can_move(current: str, target: str, *, by_worker: bool = False) -> bool:
    """True when the workflow allows `current` → `target` for this side: `withdrawn` is the
    worker's word alone, every other move is staff's."""
    return target in TRANSITIONS.get(current, set()) and (target in WORKER_MOVES) == by_worker


def staff_moves(current: str, order=None) -> list[str]:
    """The statuses staff may move a request in `current` to (for the console's choices)."""
    moves = [s for s in TRANSITIONS.get(current, ()) if can_move(current, s)]
    return sorted(moves, key=order.index) if order else sorted(moves)
