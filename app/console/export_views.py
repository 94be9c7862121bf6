"""The queue as a spreadsheet (`/console/queue.csv`): the rows of the queue page, every page of them.

Same reader scope as the page (staff: their own mission; admin: all, or the mission picked), the
same filters from the same query string, the same order (app.help.services.queue, walked page by
page). Cells go through app.spreadsheets, so a description that starts with "=" stays text.
Times are on the clock of each request's mission (app.localtime), with the zone in its own column.
The file holds what the queue page shows, not the worker's personal data.
"""
import io
import tempfile

from flask import Blueprint, request, send_file, url_for
from flask_jwt_extended import current_user
from sqlalchemy import select

from .. import access, localtime
from ..extensions import db
from ..help import services as help_services
from ..help.models import CATEGORIES, STATUSES
from ..help.priority import band_name
from ..missions.models import Mission
from ..spreadsheets import writer as csv_writer
from ..types import utcnow
from .views import _who

bp = Blueprint("console_export", __name__, url_prefix="/console")

# Stable English keys (a spreadsheet or a script reads them); values are the API's keys too.
CSV_COLUMNS = ["reference", "created_at", "timezone", "mission", "status", "category", "urgency", "priority",
               "assignee", "closure_reason", "summary"]
# The queue page's filters a link to this file carries over (the queue's search and filters of issue 15 too).
FILTER_ARGS = ("status", "category", "mine", "mission", "q", "urgency", "unassigned", "overdue")
BATCH = 500
SPOOL_IN_MEMORY = 1 << 20
SUMMARY_LENGTH = 90  # as much of the description as the queue page shows


@bp.app_context_processor
def _link():
    def queue_csv_url() -> str:
        """This file, with the filters of the queue page being shown."""
        return url_for("console_export.queue_csv",
                       **{k: v for k, v in request.args.items() if k in FILTER_ARGS and v})

    return {"queue_csv_url": queue_csv_url}


def _filters() -> dict:
    """The queue page's filters from the query string (a stray value is ignored, as the page does)."""
    status, category = request.args.get("status", ""), request.args.get("category", "")
    mission_id, code = None, request.args.get("mission", "")
    if code and access.sees_every_mission(current_user):
        mission_id = db.session.scalar(select(Mission.id).where(Mission.code == code))
    return {"status": status if status in STATUSES else None,
            "category": category if category in CATEGORIES else None,
            "assignee_me": request.args.get("mine") == "1", "mission_id": mission_id}


def _summary(text: str) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= SUMMARY_LENGTH else text[:SUMMARY_LENGTH - 3].rstrip() + "..."


def _write(out, filters: dict) -> None:
    """Every page of the queue, in the queue's order, as CSV rows."""
    rows = csv_writer(out)
    rows.writerow(CSV_COLUMNS)
    cursor = None
    while True:
        page = help_services.queue(current_user, cursor=cursor, limit=BATCH, **filters)
        who = _who(r.assignee_id for r in page["items"] if r.assignee_id)
        for r in page["items"]:
            zone = localtime.page_zone(r)
            rows.writerow([r.reference, r.created_at.astimezone(zone).strftime("%Y-%m-%d %H:%M"), zone.key,
                           r.mission.code if r.mission else "", r.status, r.category, r.urgency, band_name(r.band),
                           who(r.assignee_id), r.closure_reason or "", _summary(r.description)])
            db.session.expunge(r)  # written: the session need not hold every row of a long export
        cursor = page["next_cursor"]
        if not cursor:
            return


@bp.get("/queue.csv")
@access.requires(access.QUEUE)
def queue_csv():
    """The queue with the page's filters, as a CSV file (every row, not one page)."""
    filters = _filters()
    scope = access.mission_scope(current_user, access.QUEUE, filters["mission_id"])
    mission = db.session.get(Mission, scope) if scope else None
    today = utcnow().astimezone(localtime.page_zone(mission)).strftime("%Y%m%d")
    # Written whole while the request (and its database session) lasts, into memory up to a size and
    # then into a temporary file, which is sent and closed: an admin's export of every mission fits too.
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)
    text = io.TextIOWrapper(spool, encoding="utf-8", newline="")
    _write(text, filters)
    text.flush()
    text.detach()
    spool.seek(0)
    return send_file(spool, mimetype="text/csv", as_attachment=True,
                     download_name=f"jembatan-queue-{mission.code if mission else 'all'}-{today}.csv")
