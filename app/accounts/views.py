"""The worker's own data page (`/account`): what is stored, a download of all of it, and deletion;
and `/reset`, where a worker who forgot her password sets a new one with a one-time code.

The same functions as `GET /api/v1/me/export`, `DELETE /api/v1/me` (app.accounts.data_rights) and
the password-reset calls (app.accounts.password_reset): these pages only add the cookie login,
the CSRF-checked forms and the confirmation box.
"""
import hmac
import secrets

from flask import (Blueprint, Response, current_app, flash, make_response, redirect, render_template, request, session,
                   url_for)
from flask_jwt_extended import current_user, set_access_cookies, set_refresh_cookies, unset_jwt_cookies
from marshmallow import ValidationError

from .. import access, localtime
from ..extensions import db
from ..i18n import _, translate_message
from ..types import utcnow
from . import password_reset
from .api import wrong_code_message
from .data_rights import MeExportSchema, delete_user_data, export_user_data
from .limits import credential_limits
from .schemas import PasswordResetConfirmSchema, PasswordResetSchema
from .services import issue_tokens

bp = Blueprint("account_pages", __name__, url_prefix="/account", template_folder="templates")


# A worker's page: the login cookie (and, on a POST, its CSRF token); anonymous → the login page
# (failures go through the JWT loaders: a GET is sent to /login?next=..., a POST gets an error page).
worker_page = access.requires(access.OWN_RECORDS, locations=["cookies"])


def _render(error=None, code=200):
    data = export_user_data(current_user)
    current = next((r for r in data["presence_reports"] if r.is_current), None)
    # The day in the worker's own mission's zone (where she lives), not in UTC.
    mission_of = current or next((r for r in reversed(data["help_requests"]) if r.mission), None)
    created = localtime.local_date(current_user.created_at, mission_of)
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
    name = f"jembatan-my-data-{utcnow():%Y%m%d}.json"
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


# ---------------------------------------------------------------- /reset: a new password with a code

reset_bp = Blueprint("password_reset_pages", __name__, template_folder="templates")

_FORM_TOKEN = "reset_form_token"


def _form_token() -> str:
    """A token in the (SameSite) session cookie that the page's forms carry back: a form posted
    from another site has no session cookie, so it cannot log a worker into someone else's account."""
    token = session.get(_FORM_TOKEN)
    if not token:
        token = session[_FORM_TOKEN] = secrets.token_urlsafe(32)
    return token


def _form_token_ok() -> bool:
    kept, sent = session.get(_FORM_TOKEN), request.form.get("form_token", "")
    return bool(kept) and hmac.compare_digest(kept.encode(), sent.encode())


def _reset_page(code=200, **context):
    context.setdefault("errors", {})
    context.setdefault("phone", request.values.get("phone", "")[:32])
    response = make_response(render_template("accounts/reset.html", form_token=_form_token(), **context), code)
    response.headers["Cache-Control"] = "no-store"
    return response


@reset_bp.get("/reset")
def reset():
    """Forgot the password: ask for a code by SMS, or type the code (from the SMS or from staff)."""
    return _reset_page()


@reset_bp.post("/reset")
@credential_limits
def reset_request():
    """Send a code by SMS to the phone's account (the page says the same whether or not there is one)."""
    if not _form_token_ok():
        return _reset_page(400, error=_("The form expired. Please try again."))
    try:
        data = PasswordResetSchema().load(_fields("phone", "phone_country"))
    except ValidationError as exc:
        return _reset_page(422, errors=translate_message(exc.messages))
    password_reset.request_code_after_response(data["phone"])
    return _reset_page(sent=True, phone=data["phone"])


@reset_bp.post("/reset/confirm")
@credential_limits
def reset_confirm():
    """Set the new password with the code and log in; every earlier login ends."""
    if not _form_token_ok():
        return _reset_page(400, error=_("The form expired. Please try again."))
    try:
        data = PasswordResetConfirmSchema().load(_fields("phone", "phone_country", "code", "password"))
    except ValidationError as exc:
        return _reset_page(422, errors=translate_message(exc.messages))
    user = password_reset.reset_password(data["phone"], data["code"], data["password"])
    if user is None:
        db.session.commit()  # the wrong try counts against the account's codes
        return _reset_page(400, errors={"code": [wrong_code_message()]}, phone=data["phone"])
    tokens = issue_tokens(user)
    db.session.commit()
    flash("password_reset", "account")
    response = redirect(url_for("pwa.home"), code=303)
    set_access_cookies(response, tokens["access_token"])
    set_refresh_cookies(response, tokens["refresh_token"])
    return response


def _fields(*names) -> dict:
    """The named form fields that were filled in (an empty optional field is left out)."""
    return {n: request.form[n].strip() for n in names if request.form.get(n, "").strip()}
