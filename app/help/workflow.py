"""The status workflow of a help request: one table, one check."""
OPEN = ("new", "triaged", "in_progress", "referred")

# new → triaged → in_progress → resolved → closed; any open request may be referred
# (to another body) or withdrawn; a resolved one may be reopened.
TRANSITIONS = {
    "new": {"triaged", "referred", "withdrawn"},
    "triaged": {"in_progress", "referred", "withdrawn"},
    "in_progress": {"resolved", "referred", "withdrawn"},
    "referred": {"in_progress", "resolved", "closed", "withdrawn"},
    "resolved": {"closed", "in_progress"},
    "closed": set(),
    "withdrawn": set(),
}


def can_move(current: str, target: str) -> bool:
    """True when the workflow allows `current` → `target`."""
    return target in TRANSITIONS.get(current, set())
