"""Deadlines of a help request, from its mission's service standard (docs/service-standards.md).

Each request carries two deadlines, counted from the worker's `created_at` (the time she asked,
which is also what the queue's waiting time counts from):

- `first_response_due_at`: by then staff must have answered in a way the worker sees — a
  message to her or a status change (`first_response_at`);
- `due_at`: by then the request must be resolved.

Both are stored, computed when the request is made and again when its band or mission changes,
beside `next_due_at`, the deadline still to meet (none once the request is finished). "Overdue"
is then one indexed range (`overdue_clause`), the same rule as `is_overdue` in Python.

The normal (and low) band follows SP4N-LAPOR! (KemenPAN-RB): first response within 3 days;
resolution by kind of request: information 5 days, a dispute without a field examination 14,
with one 60. The critical and high bands' numbers are the project's own choice (no published
standard gives one for a worker in danger abroad). A mission may override any of them
(`Mission.service_standard`, set with `flask --app wsgi missions standard`).
"""
import copy
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select

from ..extensions import db
from ..missions.models import Mission
from ..types import utcnow
from .models import HelpRequest
from .priority import band_name
from .workflow import OPEN

HOUR = timedelta(hours=1)

# The kinds of request of the SP4N ladder, and which one each category is (docs/service-standards.md).
KINDS = ("information", "dispute", "field_check")
CATEGORY_KINDS = {
    "unpaid_wages": "dispute",
    "abuse_violence": "field_check",
    "document_withheld": "dispute",
    "detention_legal": "field_check",
    "trafficking": "field_check",
    "health_emergency": "dispute",
    "contract_dispute": "dispute",
    "repatriation": "dispute",
    "lost_contact": "dispute",
    "other": "information",
}

# In hours. Keep docs/service-standards.md in step with these numbers.
DEFAULT_STANDARD = {
    # SP4N-LAPOR!: 3 days for normal and low; critical and high: the project's own.
    "first_response_hours": {"critical": 2, "high": 24, "normal": 72, "low": 72},
    # SP4N-LAPOR!: information 5 days, dispute 14 days, with field examination 60 days.
    "resolution_hours": {"information": 5 * 24, "dispute": 14 * 24, "field_check": 60 * 24},
    # The project's own: a critical request is resolved within 7 days, or sooner if its kind says so.
    "critical_resolution_hours": 7 * 24,
}

# Most a mission may set any of them to: a year.
MAX_HOURS = 24 * 366


def now() -> datetime:
    """The clock every deadline is read against (tests move it forward by patching `utcnow` here)."""
    return utcnow()


# ---------------------------------------------------------------- the standard

def standard_errors(overrides) -> list[str]:
    """What is wrong with a mission's overrides (a part of DEFAULT_STANDARD's shape); empty if nothing."""
    if overrides is None:
        return []
    if not isinstance(overrides, dict):
        return ["the service standard must be an object"]
    errors = []
    for key, value in overrides.items():
        default = DEFAULT_STANDARD.get(key)
        if default is None:
            errors.append(f"unknown setting {key!r}")
        elif isinstance(default, dict):
            if not isinstance(value, dict):
                errors.append(f"{key} must be an object")
                continue
            for name, hours in value.items():
                if name not in default:
                    errors.append(f"{key}: unknown key {name!r} (one of {', '.join(default)})")
                elif not _valid_hours(hours):
                    errors.append(f"{key}.{name}: hours must be a number above 0 and at most {MAX_HOURS}")
        elif not _valid_hours(value):
            errors.append(f"{key}: hours must be a number above 0 and at most {MAX_HOURS}")
    if not errors:
        merged = merge_standard(overrides)
        quickest = min(merged["resolution_hours"].values())
        for band, hours in merged["first_response_hours"].items():
            limit = min(quickest, merged["critical_resolution_hours"]) if band == "critical" else quickest
            if hours > limit:
                errors.append(f"first_response_hours.{band}: due after the quickest resolution ({limit} hours)")
    return errors


def _valid_hours(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and 0 < value <= MAX_HOURS


def merge_standard(overrides: dict | None) -> dict:
    """DEFAULT_STANDARD with a mission's overrides laid over it."""
    merged = copy.deepcopy(DEFAULT_STANDARD)
    for key, value in (overrides or {}).items():
        if isinstance(merged.get(key), dict):
            merged[key].update(value)
        elif key in merged:
            merged[key] = value
    return merged


def standard_of(mission) -> dict:
    """The service standard a mission works to (the defaults when it has no overrides, or no mission)."""
    return merge_standard(getattr(mission, "service_standard", None))


def due_times(standard: dict, band: int, category: str, start: datetime) -> tuple[datetime, datetime]:
    """(first response due, resolution due) of a request of `band` and `category` made at `start`."""
    name = band_name(band)
    resolution = standard["resolution_hours"][CATEGORY_KINDS.get(category, "information")]
    if name == "critical":
        resolution = min(resolution, standard["critical_resolution_hours"])
    return start + standard["first_response_hours"][name] * HOUR, start + resolution * HOUR


def next_due(first_response_due_at, due_at, first_response_at, status: str = "new"):
    """The deadline still to meet: the first response's until there is one, then the resolution's;
    none once the request is finished (so the overdue index holds open requests only)."""
    if status not in OPEN:
        return None
    if first_response_at is None and first_response_due_at is not None:
        return min(first_response_due_at, due_at) if due_at is not None else first_response_due_at
    return due_at


def deadline_columns(mission_id, band: int, category: str, created_at: datetime, first_response_at=None,
                     status: str = "new", standards: dict | None = None) -> dict:
    """The deadline columns of a request (for a new row, or to store again after a change).
    `standards` ({mission id: its standard}), when given, keeps each mission's standard for the
    next rows (many new requests at once): the session holds a Mission only while it is used."""
    standard = standards.get(mission_id) if standards is not None else None
    if standard is None:
        standard = standard_of(db.session.get(Mission, mission_id) if mission_id is not None else None)
        if standards is not None:
            standards[mission_id] = standard
    first, due = due_times(standard, band, category, created_at)
    return {"first_response_due_at": first, "due_at": due,
            "next_due_at": next_due(first, due, first_response_at, status)}


def set_deadlines(help_request) -> None:
    """Compute a request's deadlines again (after a new band or mission), from its `created_at`."""
    for name, value in deadline_columns(help_request.mission_id, help_request.band, help_request.category,
                                        help_request.created_at, help_request.first_response_at,
                                        help_request.status).items():
        setattr(help_request, name, value)


def set_standard(mission, overrides: dict | None) -> int:
    """Store a mission's overrides (None or {}: back to the defaults) and give its open requests new
    deadlines; the number of requests changed. A ValueError lists what is wrong with the overrides."""
    errors = standard_errors(overrides)
    if errors:
        raise ValueError("; ".join(errors))
    mission.service_standard = overrides or None
    db.session.flush()
    return recompute_open(mission.id)


def recompute_open(mission_id) -> int:
    """After a mission's standard changed: new deadlines for its open requests (finished ones keep theirs)."""
    changed = 0
    stmt = select(HelpRequest).where(HelpRequest.mission_id == mission_id, HelpRequest.status.in_(OPEN))
    for help_request in db.session.scalars(stmt.execution_options(yield_per=500)):
        set_deadlines(help_request)
        changed += 1
    db.session.flush()
    return changed


# ---------------------------------------------------------------- what staff did

def record_status(help_request, actor, status: str, at: datetime | None = None) -> None:
    """After a status change: a change made by anyone but the worker is a first response she sees;
    `resolved` (or closing as resolved) marks the resolution, reopening takes it back."""
    at = at or now()
    if actor is None or actor.id != help_request.user_id:
        record_response(help_request, at)
    # `closure_reason` arrives with closing reasons (issue 15, item 2); until then it is absent.
    resolved_by_closing = status == "closed" and getattr(help_request, "closure_reason", None) == "resolved"
    if status == "resolved" or (resolved_by_closing and help_request.resolved_at is None):
        help_request.resolved_at = at
    elif status in OPEN:
        help_request.resolved_at = None
    _refresh_next_due(help_request)


def record_response(help_request, at: datetime | None = None) -> None:
    """Staff answered the worker (a message or a status change): the first time meets the first deadline."""
    if help_request.first_response_at is None:
        help_request.first_response_at = at or now()
        _refresh_next_due(help_request)


def _refresh_next_due(help_request) -> None:
    help_request.next_due_at = next_due(help_request.first_response_due_at, help_request.due_at,
                                        help_request.first_response_at, help_request.status)


# ---------------------------------------------------------------- overdue

def is_overdue(help_request, at: datetime | None = None) -> bool:
    """Still open and past the deadline it has yet to meet (the first response, then the resolution)."""
    at = at or now()
    return help_request.status in OPEN and help_request.next_due_at is not None and help_request.next_due_at < at


def overdue_clause(overdue: bool = True, at: datetime | None = None):
    """The SQL of `is_overdue` (or of its opposite), for the queue's filter: a range on `next_due_at`."""
    at = at or now()
    late = and_(HelpRequest.status.in_(OPEN), HelpRequest.next_due_at < at)
    if overdue:
        return late
    return or_(HelpRequest.status.not_in(OPEN), HelpRequest.next_due_at.is_(None), HelpRequest.next_due_at >= at)


def deadline_state(help_request, at: datetime | None = None) -> dict:
    """What the console shows of the deadlines: which one is next, how long is left (negative: late)."""
    at = at or now()
    if help_request.status not in OPEN or help_request.next_due_at is None:
        return {"which": None, "due_at": None, "left": None, "overdue": False, "soon": False}
    which = "first_response" if help_request.first_response_at is None and (
        help_request.next_due_at == help_request.first_response_due_at) else "resolution"
    left = help_request.next_due_at - at
    # "Soon": less than a quarter of the time the standard gave is left.
    soon = left < (help_request.next_due_at - help_request.created_at) / 4
    return {"which": which, "due_at": help_request.next_due_at, "left": left, "overdue": left < timedelta(0),
            "soon": soon}


def standard_source(help_request) -> str:
    """Whose numbers a request's deadlines are: `mission` (its own overrides), `sp4n` (the national
    standard: normal and low bands) or `project` (Jembatan's own choice: critical and high bands)."""
    if help_request.mission is not None and help_request.mission.service_standard:
        return "mission"
    return "project" if band_name(help_request.band) in ("critical", "high") else "sp4n"
