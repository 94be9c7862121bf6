"""The console's statistics page (`/console/stats`) and its CSV (`/console/stats.csv`).

The figures are those of `GET /api/v1/stats`: the same function (`compute_stats`) over the
same scope (staff: own mission; admin: all, or one mission they pick). The charts are SVG
drawn by the template on the server: no chart script runs in the browser.
"""
import io

from flask import Blueprint, Response, render_template, request
from flask_babel import format_decimal, format_percent, get_locale
from flask_jwt_extended import current_user
from sqlalchemy import select

from .. import access
from ..extensions import db
from ..help.models import CATEGORIES, STATUSES
from ..help.outcomes import AGE_BUCKETS
from ..i18n import _l
from ..integration.stats import compute_stats, stats_scope
from ..missions.models import Mission
from ..spreadsheets import writer as csv_writer
from .views import CATEGORY_LABELS, DONE_MESSAGES, STATUS_LABELS

bp = Blueprint("console_stats", __name__, url_prefix="/console", template_folder="templates")

# The columns of the CSV: stable English keys (a spreadsheet or a script reads them), one figure a row.
CSV_COLUMNS = ["section", "key", "label", "measure", "value"]

AGE_LABELS = {"lt_1d": _l("Less than a day"), "d1_3": _l("1 to 3 days"), "d3_14": _l("3 to 14 days"),
              "gt_14d": _l("14 days or more")}
assert set(AGE_LABELS) == set(AGE_BUCKETS)


def outcome_rows(figures: dict) -> list[tuple[str, str, object]]:
    """The outcome figures of one scope as (key, measure, value), the order of the CSV and the page."""
    rows = []
    for key in ("first_response_hours", "resolution_hours"):
        rows += [(key, measure, figures[key][measure]) for measure in ("median", "p90")]
    rows += [(key, "share", figures[key]) for key in ("resolved_share", "deadline_met_share")]
    rows += [("open_by_age", bucket, figures["open_by_age"][bucket]) for bucket in AGE_BUCKETS]
    return rows


def _scope():
    """(mission_id or None, the Mission shown or None), decided as `GET /api/v1/stats` decides it."""
    code = request.args.get("mission", "")
    asked = db.session.scalar(select(Mission).where(Mission.code == code)) if code else None
    scope = stats_scope(current_user, asked.id if asked else None)
    return scope, (db.session.get(Mission, scope) if scope else None)


def country_name(code: str) -> str:
    return get_locale().territories.get(code, code) if code else ""


def _figures(stats: dict, missions: dict) -> dict:
    """The statistics as labelled rows, ready for both the charts and the tables."""
    help_stats = stats["help_requests"]
    lang = str(get_locale())

    def mission_label(code):
        mission = missions.get(code)
        if mission is None:
            return code or ""
        return mission.name_id if lang == "id" else mission.name_en

    return {
        "countries": [dict(row, key=row["country"], label=country_name(row["country"])) for row in stats["countries"]],
        "missions": [dict(row, key=row["code"], label=mission_label(row["code"])) for row in stats["missions"]],
        "by_category": [{"key": c, "label": str(CATEGORY_LABELS.get(c, c)), "count": help_stats["by_category"][c]}
                        for c in CATEGORIES if c in help_stats["by_category"]]
        + [{"key": c, "label": c, "count": n} for c, n in sorted(help_stats["by_category"].items())
           if c not in CATEGORIES],
        "by_status": [{"key": s, "label": str(STATUS_LABELS.get(s, s)), "count": help_stats["by_status"][s]}
                      for s in STATUSES if s in help_stats["by_status"]]
        + [{"key": s, "label": s, "count": n} for s, n in sorted(help_stats["by_status"].items())
           if s not in STATUSES],
        "median_hours": help_stats["median_hours_to_first_action"],
        "outcomes": help_stats,
        "open_by_age": [{"key": k, "label": str(AGE_LABELS[k]), "count": help_stats["open_by_age"][k]}
                        for k in AGE_BUCKETS],
        "behind": behind([dict(row, key=row["code"], label=mission_label(row["code"])) for row in stats["missions"]]),
    }


def behind(missions: list[dict]) -> list[dict]:
    """The missions with help requests, the one meeting the fewest deadlines first (none decided yet: last)."""
    with_requests = [m for m in missions if any(m["open_by_age"].values()) or m["resolved_share"] is not None
                     or m["deadline_met_share"] is not None or m["first_response_hours"]["median"] is not None]
    return sorted(with_requests, key=lambda m: (m["deadline_met_share"] is None, m["deadline_met_share"] or 0,
                                                m["key"]))


def _load():
    mission_id, mission = _scope()
    missions = {m.code: m for m in db.session.scalars(select(Mission).order_by(Mission.code))}
    return _figures(compute_stats(mission_id), missions), mission, missions


@bp.context_processor
def _helpers():
    return {"number": lambda value: format_decimal(value),
            "percent": lambda value: format_percent(value, "#,##0.#%"),
            "done_label": lambda key: str(DONE_MESSAGES.get(key, ""))}


@bp.get("/stats")
@access.requires(access.STATS)
def stats_page():
    """Workers placed and present per country and mission, and help-request figures, as charts and tables."""
    figures, mission, missions = _load()
    return render_template("console/stats.html", figures=figures, mission=mission,
                           missions=list(missions.values()) if access.sees_every_mission(current_user) else [])


@bp.get("/stats.csv")
@access.requires(access.STATS)
def stats_csv():
    """The same figures as a CSV file, one figure a row."""
    figures, mission, _missions = _load()
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(CSV_COLUMNS)
    for section, rows in (("country", figures["countries"]), ("mission", figures["missions"])):
        for row in rows:
            for measure in ("placed", "present", "both"):
                writer.writerow([section, row["key"], row["label"], measure, row[measure]])
    for section, rows in (("help_category", figures["by_category"]), ("help_status", figures["by_status"])):
        for row in rows:
            writer.writerow([section, row["key"], row["label"], "count", row["count"]])
    median = figures["median_hours"]
    writer.writerow(["help", "median_hours_to_first_action", "", "hours", "" if median is None else median])
    for key, measure, value in outcome_rows(figures["outcomes"]):
        writer.writerow(["help_outcome", key, "", measure, "" if value is None else value])
    for row in figures["behind"]:
        for key, measure, value in outcome_rows(row):
            writer.writerow(["mission_outcome", row["key"], row["label"], f"{key}.{measure}",
                             "" if value is None else value])
    name = f"jembatan-stats-{mission.code if mission else 'all'}.csv"
    return Response(out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
