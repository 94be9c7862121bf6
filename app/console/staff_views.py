"""An admin's staff page (`/console/staff`): the accounts of a mission's staff, and ending one of them.

When a colleague leaves a mission, an admin closes the account here (or with `flask users
deactivate`): through app.accounts.services.deactivate_account, the same audited call as the API's
`POST /api/v1/users/{id}/deactivate`. Every session ends at once. A tick box confirms it.
"""
import uuid

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_jwt_extended import current_user
from sqlalchemy import select

from .. import access
from ..accounts.models import User
from ..accounts.services import deactivate_account, staff_accounts
from ..errors import DomainError
from ..extensions import db
from ..forms import run_form
from ..i18n import _, _l
from ..missions.models import Mission
from ..storage import after_commit

bp = Blueprint("console_staff", __name__, url_prefix="/console", template_folder="templates")

admin_only = access.requires(access.ACCOUNTS)

ROLE_LABELS = {"staff": _l("Staff"), "admin": _l("Administrator"), "partner": _l("Partner organisation")}
DONE = {"staff_deactivated": _l("The account has been deactivated: its sessions have ended and it can no longer log in.")}


@bp.context_processor
def _helpers():
    return {"done_label": lambda key: str(DONE.get(key, "")),
            "role_label": lambda role: str(ROLE_LABELS.get(role, role))}


def _render(mission_code: str, error=None, errors=None, code=200):
    missions = list(db.session.scalars(select(Mission).order_by(Mission.code)))
    mission = next((m for m in missions if m.code == mission_code), None)
    accounts = staff_accounts(current_user, mission.id if mission else None)
    return render_template("console/staff.html", accounts=accounts, missions=missions, mission=mission,
                           error=error, errors=errors or {}), code


@bp.get("/staff")
@admin_only
def staff():
    """The staff accounts of the mission picked (all missions when none is), the closed ones last."""
    return _render(request.args.get("mission", ""))


@bp.post("/staff/<uuid:user_id>/deactivate")
@admin_only
def deactivate(user_id: uuid.UUID):
    """Close a staff account, once the admin has ticked the confirmation; a worker's account is not on this page."""
    back = request.args.get("mission", "")
    user = db.session.get(User, user_id)
    if user is None or user.role == access.WORKER:
        raise DomainError(404, _("Not found."))

    def action():
        if request.form.get("confirm") != "yes":
            raise DomainError(422, _("Some fields are not valid."),
                              {"confirm": [_("Tick the box to confirm that this account must be closed.")]})
        deactivate_account(current_user, user.id)

    _result, refused = run_form(action)
    if refused is not None:
        return _render(back, error=refused.message, errors=refused.errors, code=refused.code)
    mission_code = user.mission.code if user.mission else ""
    after_commit(lambda: flash("staff_deactivated"))
    return redirect(url_for("console_staff.staff", mission=mission_code or None), code=303)
