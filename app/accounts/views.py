"""The worker's own data page (`/account`): what is stored, a download of all of it, and deletion.

The same functions as `GET /api/v1/me/export` and `DELETE /api/v1/me` (app.accounts.data_rights):
this page only adds the cookie login, the CSRF-checked form and the confirmation box.
"""
from datetime import datetime, timezone

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_jwt_extended import current_user, unset_jwt_cookies

from .. import access
from ..extensions import db
from ..i18n import _
from .data_rights import MeExportSchema, delete_user_data, export_user_data

bp = Blueprint("account_pages", __name__, url_prefix="/account", template_folder="templates")


# A worker's page: the login cookie (and, on a POST, its CSRF token); anonymous → the login page
# (failures go through the JWT loaders: a GET is sent to /login?next=..., a POST gets an error page).
worker_page = access.requires(access.OWN_RECORDS, locations=["cookies"])


def _render(error=None, code=200):
    data = export_user_data(current_user)
    current = next((r for r in data["presence_reports"] if r.is_current), None)
    created = format_date(current_user.created_at, "long") if current_user.created_at else ""
    return render_template("accounts/account.html", user=current_user, data=data, current=current,
                           created=created, error=error), code


@bp.get("")
@worker_page
def account():
    """What Jembatan stores about the worker, the download and the delete form."""
    return _render()


@bp.get("/export")
@worker_page
def export():
    """Everything stored about the worker, as the JSON of `GET /api/v1/me/export`, as a file."""
    body = current_app.json.dumps(MeExportSchema().dump(export_user_data(current_user)))
    name = f"jembatan-my-data-{datetime.now(timezone.utc):%Y%m%d}.json"
    return Response(body, mimetype="application/json",
                    headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})


@bp.post("/delete")
@worker_page
def delete():
    """Delete the account and personal data (as `DELETE /api/v1/me`), end the login, go home."""
    if request.form.get("confirm") != "yes":
        return _render(error=_("Tick the box to confirm that you want to delete your account."), code=422)
    delete_user_data(current_user)
    db.session.commit()
    flash("deleted", "account")
    response = redirect(url_for("pwa.home"), code=303)
    unset_jwt_cookies(response)
    return response
