"""Statistics per country and mission (placed, present, both) and of help requests.

"placed" counts persons with a placement to the country or mission; "present" counts
persons (workers) whose current presence report is there; "both" counts persons in both
sets. A worker not yet matched to a person counts as a person of their own.
Staff see only their own mission: the records routed to it.
"""
import statistics
from collections import defaultdict

from sqlalchemy import func, select

from .. import access
from ..extensions import db
from ..help.services import in_queue
from ..help.models import HelpRequest
from ..help.outcomes import empty_outcomes, outcomes
from ..missions.models import Mission
from ..presence.models import PresenceReport
from .models import PersonLink, Placement


def _sets(rows) -> dict:
    grouped = defaultdict(set)
    for key, person in rows:
        if key is not None:
            grouped[key].add(person)
    return grouped


def _table(placed: dict, present: dict, name: str) -> list[dict]:
    keys = sorted(set(placed) | set(present))
    return [{name: key, "placed": len(placed.get(key, ())), "present": len(present.get(key, ())),
             "both": len(placed.get(key, set()) & present.get(key, set()))} for key in keys]


def stats_scope(user, mission_id=None):
    """The mission whose figures `user` may see (None: all), as app.access decides it.

    `mission_id` narrows the view of those who see every mission; others always see their own.
    """
    return access.mission_scope(user, access.STATS, mission_id)


def compute_stats(mission_id=None) -> dict:
    """The statistics, over everything (mission_id None) or over one mission's records."""
    codes = dict(db.session.execute(select(Mission.id, Mission.code)).all())

    placement_rows = select(Placement.country, Placement.mission_id, Placement.person_id, Placement.id)
    presence_rows = (select(PresenceReport.country, PresenceReport.mission_id, PersonLink.person_id,
                            PresenceReport.user_id)
                     .outerjoin(PersonLink, PersonLink.user_id == PresenceReport.user_id)
                     .where(PresenceReport.is_current.is_(True)))
    if mission_id is not None:
        placement_rows = placement_rows.where(Placement.mission_id == mission_id)
        presence_rows = presence_rows.where(PresenceReport.mission_id == mission_id)
    placements = [(country, codes.get(mission), person or ("placement", pid))
                  for country, mission, person, pid in db.session.execute(placement_rows)]
    presences = [(country, codes.get(mission), person or ("user", uid))
                 for country, mission, person, uid in db.session.execute(presence_rows)]

    countries = _table(_sets((c, p) for c, _m, p in placements), _sets((c, p) for c, _m, p in presences), "country")
    missions = _table(_sets((m, p) for _c, m, p in placements), _sets((m, p) for _c, m, p in presences), "code")
    help_requests = help_stats(mission_id)
    return {"countries": countries, "missions": _with_outcomes(missions, help_requests.pop("per_mission"), codes),
            "help_requests": help_requests}


def _with_outcomes(missions: list[dict], per_mission: dict, codes: dict) -> list[dict]:
    """Each mission's row with the outcomes of its help requests; a mission with requests but no
    placed or present workers gets a row too."""
    rows = {row["code"]: row for row in missions}
    for mission_id in per_mission:
        code = codes.get(mission_id)
        if code is not None and code not in rows:
            rows[code] = {"code": code, "placed": 0, "present": 0, "both": 0}
    ids = {code: mission_id for mission_id, code in codes.items()}
    return [{**rows[code], **per_mission.get(ids[code], empty_outcomes())} for code in sorted(rows)]


def help_stats(mission_id=None) -> dict:
    """Help requests by category and status, the median hours from `created_at` to the first staff action,
    and their outcomes (app.help.outcomes), overall and `per_mission` ({mission id: outcomes})."""
    # Counted as the queue counts them: a deactivated account's open requests are not there.
    scope = [in_queue()] if mission_id is None else [HelpRequest.mission_id == mission_id, in_queue()]
    by_category = dict(db.session.execute(
        select(HelpRequest.category, func.count()).where(*scope).group_by(HelpRequest.category)).all())
    by_status = dict(db.session.execute(
        select(HelpRequest.status, func.count()).where(*scope).group_by(HelpRequest.status)).all())
    # The median in Python: the same answer on SQLite and PostgreSQL.
    hours = [(acted - created).total_seconds() / 3600 for created, acted in db.session.execute(
        select(HelpRequest.created_at, HelpRequest.first_action_at)
        .where(*scope, HelpRequest.first_action_at.is_not(None)))]
    median = round(statistics.median(hours), 2) if hours else None
    overall = outcomes(scope).get(None, empty_outcomes())
    return {"by_category": by_category, "by_status": by_status, "median_hours_to_first_action": median, **overall,
            "per_mission": outcomes(scope, by_mission=True)}
