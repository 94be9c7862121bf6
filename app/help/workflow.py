"""The status workflow of a help request: one table, one check."""
OPEN = ("new", "triaged", "in_progress", "referred")

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

# Why staff closed a request (`closure_reason`); `duplicate` also names the request it repeats.
CLOSURE_REASONS = ("resolved", "duplicate", "unreachable", "no_clarification", "referred", "spam")


def can_move(current: str, target: str, *, by_worker: bool = False) -> bool:
    """True when the workflow allows `current` → `target` for this side: `withdrawn` is the
    worker's word alone, every other move is staff's."""
    return target in TRANSITIONS.get(current, set()) and (target in WORKER_MOVES) == by_worker


def staff_moves(current: str, order=None) -> list[str]:
    """The statuses staff may move a request in `current` to (for the console's choices)."""
    moves = [s for s in TRANSITIONS.get(current, ()) if can_move(current, s)]
    return sorted(moves, key=order.index) if order else sorted(moves)
