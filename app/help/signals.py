"""Protection signals: what staff must see at a glance on a request, though the worker did not
write it there. Today one: her current presence report says her passport is `withheld` (kept by
an employer or agent), a classic sign of forced labour (ILO indicator "retention of identity
documents"), whatever category she chose for the request.
"""
from sqlalchemy import select

from ..extensions import db
from ..presence.models import PresenceReport

PASSPORT_WITHHELD = "passport_withheld"
SIGNALS = (PASSPORT_WITHHELD,)


def passport_statuses(user_ids) -> dict:
    """{user id: passport_status of her current presence report}, in one query."""

    ids = {i for i in user_ids if i is not None}
    if not ids:
        return {}
    return dict(db.session.execute(select(PresenceReport.user_id, PresenceReport.passport_status).where(
        PresenceReport.user_id.in_(ids), PresenceReport.is_current.is_(True))).all())


def mark_signals(help_requests) -> list:
    """Set `passport_status` and `signals` on each request (not stored: they follow the worker's
    current report), for a whole page at once; returns the requests."""
    help_requests = [r for r in help_requests if r is not None]
    pending = [r for r in help_requests if "signals" not in vars(r)]
    statuses = passport_statuses(r.user_id for r in pending)
    for help_request in pending:
        status = statuses.get(help_request.user_id)
        help_request.passport_status = status
        help_request.signals = [PASSPORT_WITHHELD] if status == "withheld" else []
    return help_requests
