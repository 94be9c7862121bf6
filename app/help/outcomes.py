"""What became of help requests: how fast staff answered and resolved them, and the deadlines met.

The figures of `GET /api/v1/stats` (overall and per mission), computed in the database:

- `first_response_hours` {median, p90}: from the worker's `created_at` to the first staff message or
  status change she saw (`first_response_at`), over the requests that had one;
- `resolution_hours` {median, p90}: from `created_at` to `resolved_at`, over the resolved requests;
- `resolved_share`: resolved requests / all requests except those the worker withdrew;
- `deadline_met_share`: deadlines met / deadlines decided. A first-response deadline is decided
  once there was a first response (met if by the deadline) or, still without one, once it passed
  on an open request (missed); a resolution deadline once the request was resolved (met if by the
  deadline) or once it passed on a request still open (missed). Deadlines of requests finished
  otherwise (withdrawn, closed without resolution) before they passed are not counted;
- `open_by_age`: open requests by time since `created_at`: under a day, 1–3 days, 3–14 days, 14 days or more.
"""
from datetime import timedelta

from sqlalchemy import and_, case, func, or_, select

from ..extensions import db
from ..figures import hours_between, percentiles
from .deadlines import now
from .models import HelpRequest
from .workflow import OPEN

AGE_BUCKETS = ("lt_1d", "d1_3", "d3_14", "gt_14d")


def empty_outcomes() -> dict:
    return {"first_response_hours": {"median": None, "p90": None}, "resolution_hours": {"median": None, "p90": None},
            "resolved_share": None, "deadline_met_share": None, "open_by_age": dict.fromkeys(AGE_BUCKETS, 0)}


def _count(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _share(part: int, whole: int):
    return round(part / whole, 4) if whole else None


def _hours(values) -> dict:
    median, p90 = values if values else (None, None)
    return {"median": None if median is None else round(median, 2), "p90": None if p90 is None else round(p90, 2)}


def outcomes(where: list, by_mission: bool = False, at=None) -> dict:
    """{mission_id (or None when not `by_mission`): the figures} over the requests matching `where`."""
    at = at or now()
    r = HelpRequest
    group = r.mission_id if by_mission else None
    is_open = r.status.in_(OPEN)
    counts = [
        func.count(),
        _count(r.status != "withdrawn"),
        _count(and_(r.resolved_at.is_not(None), r.status != "withdrawn")),
        _count(and_(r.first_response_at.is_not(None), r.first_response_at <= r.first_response_due_at)),
        _count(or_(and_(r.first_response_at.is_not(None), r.first_response_due_at.is_not(None)),
                   and_(r.first_response_at.is_(None), is_open, r.first_response_due_at < at))),
        _count(and_(r.resolved_at.is_not(None), r.resolved_at <= r.due_at)),
        _count(or_(and_(r.resolved_at.is_not(None), r.due_at.is_not(None)),
                   and_(r.resolved_at.is_(None), is_open, r.due_at < at))),
        _count(and_(is_open, r.created_at > at - timedelta(days=1))),
        _count(and_(is_open, r.created_at <= at - timedelta(days=1), r.created_at > at - timedelta(days=3))),
        _count(and_(is_open, r.created_at <= at - timedelta(days=3), r.created_at > at - timedelta(days=14))),
        _count(and_(is_open, r.created_at <= at - timedelta(days=14))),
    ]
    stmt = select(*([group] if group is not None else []), *counts).where(*where)
    if group is not None:
        stmt = stmt.group_by(group)
    first = percentiles(hours_between(r.created_at, r.first_response_at), where, group)
    resolution = percentiles(hours_between(r.created_at, r.resolved_at), where, group)
    figures = {}
    for row in db.session.execute(stmt).all():
        key, row = (row[0], row[1:]) if group is not None else (None, row)
        total, received, resolved, first_met, first_decided, due_met, due_decided, *ages = (int(v) for v in row)
        if not total:
            continue
        figures[key] = {
            "first_response_hours": _hours(first.get(key)),
            "resolution_hours": _hours(resolution.get(key)),
            "resolved_share": _share(resolved, received),
            "deadline_met_share": _share(first_met + due_met, first_decided + due_decided),
            "open_by_age": dict(zip(AGE_BUCKETS, ages)),
        }
    return figures
