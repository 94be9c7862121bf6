"""The queue page's "3 new" (`GET /console/queue/updates`): what arrived since the page was shown.

The open queue page (static/js/console-queue.js) asks every CONSOLE_POLL_SECONDS while its tab is
visible, with the page's own filters and the time the page was shown (`since`, the server's clock).
The answer holds counts and ids only, never a name or a description: the page fetches itself again
when the staff member asks to see them. Same reader scope and filters as the page
(app.help.services.queue through app.console.views), so staff of another mission learn nothing.
"""
from datetime import datetime, timezone

from flask import Blueprint, current_app, jsonify, request, url_for
from flask_jwt_extended import current_user

from ..help import services as help_services
from ..help.priority import band_name
from ..i18n import _, ngettext
from ..types import utcnow
from .views import queue_arguments, queue_selection, staff_only

bp = Blueprint("console_updates", __name__, url_prefix="/console")

# At most this many new requests are counted ("50+" beyond): the page reloads to see them anyway.
MAX_COUNTED = 50
# Announced more prominently: a request in the critical band or marked an emergency by the worker.
URGENT_BAND = "critical"


def _since(value: str) -> datetime | None:
    """The page's `since` (ISO 8601 with its zone), or None when it is not one."""
    try:
        when = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None
    return when.astimezone(timezone.utc) if when.tzinfo else None


def is_urgent(help_request) -> bool:
    return band_name(help_request.band) == URGENT_BAND or help_request.urgency == "emergency"


@bp.app_context_processor
def _poll_settings():
    def queue_updates_url() -> str:
        """This endpoint with the filters of the queue page being shown (not its cursor)."""
        return url_for("console_updates.updates", **{k: v for k, v in request.args.items() if k != "cursor" and v})

    return {"queue_updates_url": queue_updates_url, "queue_news_texts": news_texts,
            "queue_poll_seconds": lambda: current_app.config["CONSOLE_POLL_SECONDS"]}


def news_texts() -> dict:
    """The notice's words in the page's language, singular and plural, `{n}` standing for the count."""
    return {"news": {n: ngettext("%(count)s new request — show", "%(count)s new requests — show",
                                 number, count="{n}") for n, number in (("one", 1), ("other", 2))},
            "urgent": {n: ngettext("%(count)s of them is an emergency or critical: show it now",
                                   "%(count)s of them are emergencies or critical: show them now",
                                   number, count="{n}") for n, number in (("one", 1), ("other", 2))}}


@bp.get("/queue/updates")
@staff_only
def updates():
    """{new, urgent, more, ids, urgent_ids, checked_at}: requests received after `since` that the page's filters show."""
    since = _since(request.args.get("since", ""))
    if since is None:
        return jsonify(message=_("The address needs the time the page was shown (since), with its time zone.")), 400
    checked_at = utcnow()
    filters, _missions, mission = queue_selection(request.args)
    page = help_services.queue(current_user, limit=MAX_COUNTED, received_after=since,
                               **queue_arguments(filters, mission.id if mission else None))
    items = page["items"]
    return jsonify(new=len(items), urgent=sum(1 for r in items if is_urgent(r)), more=page["next_cursor"] is not None,
                   ids=[str(r.id) for r in items], urgent_ids=[str(r.id) for r in items if is_urgent(r)],
                   checked_at=checked_at.isoformat())
