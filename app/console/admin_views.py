"""An admin's console pages: the match proposals (`/console/proposals`) and the audit log (`/console/audit`).

Read-only views of what `GET /api/v1/integration/proposals` and `GET /api/v1/audit` answer, through
the same functions (app.integration.services.list_proposals, app.audit.services.list_entries).
Deciding a proposal stays with the API.
"""
from flask import Blueprint, render_template, request, url_for

from .. import access
from ..audit.services import list_entries
from ..channels.place_choices import country_label
from ..i18n import _l
from ..integration.services import list_proposals
from ..integration.models import CONFIRMED, PROPOSED, REJECTED
from .views import _who

bp = Blueprint("console_admin", __name__, url_prefix="/console", template_folder="templates")

PAGE_SIZE = 50

PROPOSAL_STATUSES = {PROPOSED: _l("Open"), CONFIRMED: _l("Confirmed"), REJECTED: _l("Rejected")}
AUDIT_ENTITIES = {"help_request": _l("Help request"), "presence": _l("Presence report"), "user": _l("Account")}
AUDIT_ACTIONS = {"read": _l("Read"), "reset_code": _l("Password code issued")}


@bp.context_processor
def _helpers():
    return {"country_label": country_label}


def _cursor() -> str | None:
    return (request.args.get("cursor") or "")[:500] or None


@bp.get("/proposals")
@access.requires(access.MATCHING)
def proposals():
    """Open (or decided) proposals, best score first."""
    status = request.args.get("status", PROPOSED)
    status = status if status in PROPOSAL_STATUSES else PROPOSED
    page = list_proposals(status, cursor=_cursor(), limit=PAGE_SIZE)
    next_url = url_for(".proposals", status=status, cursor=page["next_cursor"]) if page["next_cursor"] else None
    return render_template("console/proposals.html", items=page["items"], status=status, next_url=next_url,
                           statuses=PROPOSAL_STATUSES, later_page=_cursor() is not None)


@bp.get("/audit")
@access.requires(access.AUDIT)
def audit_log():
    """Who read which personal record, newest first; one kind of record at a time if asked."""
    entity = request.args.get("entity", "")
    entity = entity if entity in AUDIT_ENTITIES else ""
    page = list_entries(cursor=_cursor(), limit=PAGE_SIZE, entity=entity or None)
    args = {"entity": entity} if entity else {}
    next_url = url_for(".audit_log", cursor=page["next_cursor"], **args) if page["next_cursor"] else None
    return render_template("console/audit.html", items=page["items"], entity=entity, next_url=next_url,
                           entities=AUDIT_ENTITIES, actions=AUDIT_ACTIONS, later_page=_cursor() is not None,
                           who=_who(e.actor_id for e in page["items"] if e.actor_id))
