"""Bulk actions on the queue (`POST /console/queue/bulk`): assign several requests to a colleague, or
close them as duplicates or spam, with a reason.

Each request moves through the same service as on its own page (app.help.services.update: the
workflow, the closure rules, the history with the actor), each in a savepoint of its own: a
request that cannot move (already closed, another mission's, gone) is reported on its line and
the others still move; the request commits once. Closing is asked twice (`confirm=yes`): the first
post runs every move and rolls it back, so the confirmation page already says which would fail.
"""
import uuid
from dataclasses import dataclass

from flask import Blueprint, render_template, request, url_for
from flask_jwt_extended import current_user
from sqlalchemy import select

from .. import access
from ..accounts.models import User
from ..errors import DomainError
from ..extensions import db
from ..help import services as help_services
from ..help.models import HelpRequest
from ..help.workflow import CLOSURE_REASONS
from ..i18n import _
from .views import CLOSURE_LABELS, PAGE_SIZE, _duplicate_of, staff_only

bp = Blueprint("console_bulk", __name__, url_prefix="/console", template_folder="templates")

# The reasons a whole selection is closed for (issue 15, item 7); a real outcome is closed one by one.
BULK_CLOSURE_REASONS = ("duplicate", "spam")
assert set(BULK_CLOSURE_REASONS) <= set(CLOSURE_REASONS)
ACTIONS = ("assign", "close")


@dataclass
class Outcome:
    """One selected request: its id, its reference (None when the reader may not know it), moved or why not."""
    id: str
    reference: str | None
    moved: bool
    reason: str = ""


def colleagues(mission_id=None) -> list[User]:
    """The accounts a selection may be assigned to: active staff who may work the queue of the
    mission the reader sees (an admin looking at every mission: every one of them)."""
    scope = access.mission_scope(current_user, access.QUEUE, mission_id)
    stmt = select(User).where(User.is_active.is_(True), User.role != access.WORKER)
    if scope is not None:
        stmt = stmt.where((User.mission_id == scope) | (User.role == access.ADMIN))
    people = db.session.scalars(stmt.order_by(User.full_name, User.id))
    return [u for u in people if access.can(u, access.QUEUE)
            and (scope is None or access.may_act_for_mission(u, access.QUEUE, scope))]


@bp.app_context_processor
def _choices():
    def bulk_choices(mission=None) -> dict:
        """What the queue page's bulk form offers (colleagues, reasons), for the mission it shows."""
        return {"colleagues": colleagues(mission.id if mission else None), "reasons": BULK_CLOSURE_REASONS}

    return {"bulk_choices": bulk_choices}


@bp.context_processor
def _labels():
    return {"closure_label": lambda c: str(CLOSURE_LABELS.get(c, c))}


def _back() -> str:
    """The queue address the form came from (its filters, search and page), or the queue itself."""
    back = request.form.get("back", "")
    if back.startswith("/console") and "//" not in back and "\\" not in back:
        return back
    return url_for("console.queue")


def _selected() -> list[str]:
    ids = list(dict.fromkeys(v.strip() for v in request.form.getlist("ids") if v.strip()))
    if not ids:
        raise DomainError(422, _("Some fields are not valid."), {"ids": [_("Select at least one request.")]})
    if len(ids) > PAGE_SIZE:
        raise DomainError(422, _("Some fields are not valid."),
                          {"ids": [_("Select at most %(n)s requests at once.", n=PAGE_SIZE)]})
    return ids


def _assignee():
    try:
        return uuid.UUID(request.form.get("assignee_id", ""))
    except ValueError:
        raise DomainError(422, _("Some fields are not valid."), {"assignee_id": [_("Choose a colleague.")]}) from None


def _closure() -> tuple[str, uuid.UUID | None]:
    reason = request.form.get("closure_reason", "")
    if reason not in BULK_CLOSURE_REASONS:
        raise DomainError(422, _("Some fields are not valid."), {"closure_reason": [_("Say why the requests are closed.")]})
    duplicate_of = request.form.get("duplicate_of", "").strip()
    if reason == "duplicate" and not duplicate_of:
        raise DomainError(422, _("Some fields are not valid."), {"duplicate_of": [_("Name the request these repeat.")]})
    return reason, _duplicate_of(duplicate_of) if reason == "duplicate" else None


def _why(exc: DomainError, help_request_id) -> str:
    """A refusal in words for one line of the report (a request of another mission is simply not found)."""
    if exc.code == 404:
        return _("Not found in your mission's queue.")
    current = db.session.get(HelpRequest, help_request_id)
    if current is not None and current.status in ("closed", "withdrawn"):
        return _("This request is already closed.")
    details = [str(m) for messages in exc.errors.values()
               for m in (messages if isinstance(messages, list) else [messages])]
    return " ".join([str(exc.message), *details])


def _reference(help_request_id) -> str | None:
    """The reference of a request the reader may act on (never another mission's)."""
    row = db.session.get(HelpRequest, help_request_id)
    return row.reference if row and access.may_act_for_mission(current_user, access.QUEUE, row.mission_id) else None


def apply(ids: list[str], move) -> list[Outcome]:
    """Run `move(help_request_id)` for each id in a savepoint of its own; one Outcome per id."""
    outcomes = []
    for value in ids:
        try:
            help_request_id = uuid.UUID(value)
        except ValueError:
            outcomes.append(Outcome(value, None, False, _("Not found in your mission's queue.")))
            continue
        try:
            with db.session.begin_nested():
                help_request = move(help_request_id)
            outcomes.append(Outcome(value, help_request.reference, True))
        except DomainError as exc:
            outcomes.append(Outcome(value, _reference(help_request_id), False, _why(exc, help_request_id)))
    return outcomes


@bp.post("/queue/bulk")
@staff_only
def bulk():
    """Assign or close the selected requests; a page reports each one (moved, or why not)."""
    action = request.form.get("action", "")
    try:
        if action not in ACTIONS:
            raise DomainError(422, _("Some fields are not valid."), {"action": [_("Choose what to do with them.")]})
        ids = _selected()
        if action == "assign":
            assignee = _assignee()
            outcomes = apply(ids, lambda i: help_services.update(current_user, i, assignee_id=assignee))
        else:
            reason, original = _closure()
            outcomes = apply(ids, lambda i: help_services.update(current_user, i, status="closed",
                                                                  closure_reason=reason, duplicate_of=original))
    except DomainError as exc:
        db.session.rollback()
        if exc.code == 403:
            raise
        return render_template("console/bulk_result.html", outcomes=[], back=_back(), action=action,
                               error=str(exc.message), errors=exc.errors), exc.code
    if action == "close" and request.form.get("confirm") != "yes":
        db.session.rollback()
        return render_template("console/bulk_confirm.html", outcomes=outcomes, back=_back(), closure_reason=reason,
                               duplicate_of=request.form.get("duplicate_of", "").strip())
    return render_template("console/bulk_result.html", outcomes=outcomes, back=_back(), action=action)
