"""The account pages: `/login`, `/register`, `/logout` and `/session/refresh` (the login
cookies); the worker's own data page (`/account`): what is stored, a download of all of it, and
deletion; and `/reset`, where a worker who forgot her password sets a new one with a one-time code.

The same functions as `GET /api/v1/me/export`, `DELETE /api/v1/me` (app.accounts.data_rights) and
the password-reset calls (app.accounts.password_reset): these pages only add the cookie login,
the CSRF-checked forms and the confirmation box.
"""
import hmac
import secrets

import phonenumbers
from flask import (Blueprint, Response, abort, current_app, flash, make_response, redirect, render_template, request,
                   session, url_for)
from flask_babel import get_locale
from flask_jwt_extended import (current_user, decode_token, get_jwt, set_access_cookies, set_refresh_cookies,
                                unset_jwt_cookies, verify_jwt_in_request)
from flask_jwt_extended.exceptions import JWTExtendedException
from jwt import ExpiredSignatureError
from jwt.exceptions import PyJWTError
from marshmallow import ValidationError

from .. import access, localtime
from ..forms import field_rules, run_form
from ..i18n import _, _l
from ..missions import places
from ..pwa.guards import check_form_post, keep_form_token, same_site_path
from ..security import auth_error
from ..storage import after_commit
from . import password_reset, services as accounts
from ..types import utcnow
from .api import wrong_code_message
from .data_rights import MeExportSchema, delete_user_data, export_user_data
from .limits import credential_limits
from .schemas import LoginSchema, PasswordResetConfirmSchema, PasswordResetSchema, RegisterSchema

bp = Blueprint("account_pages", __name__, url_prefix="/account", template_folder="templates")
# The login cookies: logging in, registering, logging out, renewing.
session_bp = Blueprint("session_pages", __name__, template_folder="templates")
session_bp.after_request(keep_form_token)  # the login and register forms carry the pre-session form token


# ---------------------------------------------------------------- the login cookies

def _login_response(user, target):
    tokens = accounts.issue_tokens(user)
    response = redirect(target)
    set_access_cookies(response, tokens["access_token"])
    set_refresh_cookies(response, tokens["refresh_token"])
    return response


def _next(default: str) -> str:
    return same_site_path(request.values.get("next"), default)


# The account forms' fields and their labels (said on the page and in its error summary).
PHONE_LABEL = _l("Phone number")
LOGIN_FIELDS = {"phone": _l("Phone number or email"), "password": _l("Password")}
REGISTER_FIELDS = {"full_name": _l("Full name (as in your passport)"), "phone": PHONE_LABEL,
                   "phone_country": _l("The number is from"), "password": _l("Password (at least 8 characters)"),
                   "language": _l("Language")}
RESET_FIELDS = {"phone": _l("Your phone number"), "phone_country": _l("The number is from"),
                "code": _l("The code (6 digits)"), "password": _l("New password (at least 8 characters)")}


def _form_context(schema, labels: dict, errors: dict) -> dict:
    """What templates/fields.html draws: the errors, each field's label, the schema's limits."""
    return {"errors": errors, "field_labels": {k: str(v) for k, v in labels.items()},
            "rules": field_rules(schema, labels)}


@session_bp.route("/login", methods=["GET", "POST"])
@credential_limits
def login():
    error, errors = None, {}
    if request.method == "POST":
        check_form_post()
        # A field left empty is said under it (both at once), not as a wrong password.
        identifier = (request.form.get("phone") or request.form.get("email") or "").strip()
        typed = {"email" if "@" in identifier else "phone": identifier, **_fields("phone_country", "password")}
        _data, refused = run_form(lambda: LoginSchema().load({k: v for k, v in typed.items() if v}))
        errors = refused.errors if refused else {}
        if identifier and "@" not in identifier:
            try:  # typed as dialled at home ("0812..."): looked up in E.164
                identifier = accounts.normalise_phone(identifier, request.form.get("phone_country") or "ID")
            except ValueError:
                pass
        user = None if errors else accounts.authenticate(identifier, request.form.get("password", ""))
        if user is not None:
            default = ("/console" if access.can(user, access.QUEUE)
                       else "/console/assist" if access.can(user, access.ASSIST) else url_for("pwa.home"))
            return _login_response(user, _next(default))
        error = None if errors else _("Wrong phone number, email or password.")
    return render_template("pwa/login.html", error=error, next_path=_next(""), phone_countries=_phone_countries(),
                           **_form_context(LoginSchema(), LOGIN_FIELDS, errors)), \
        422 if errors else 401 if error else 200


@session_bp.route("/register", methods=["GET", "POST"])
@credential_limits
def register():
    errors, form = {}, request.form
    if request.method == "POST":
        check_form_post()
        user, refused = run_form(lambda: _create_account(RegisterSchema().load(_fields(*REGISTER_FIELDS))))
        if refused is None:
            return _login_response(user, _next(url_for("pwa.home")))
        errors = refused.errors
    # `next` rides along from /login: a request written before logging in is shown there once sent.
    return render_template("pwa/register.html", form=form, phone_countries=_phone_countries(), next_path=_next(""),
                           **_form_context(RegisterSchema(), REGISTER_FIELDS, errors)), 422 if errors else 200


def _create_account(data: dict):
    """The worker's account from the register form's checked fields; a phone already registered is
    said under the phone field."""
    try:
        return accounts.create_user(full_name=data["full_name"], password=data["password"],
                                    phone=accounts.normalise_phone(data["phone"]), language=data["language"])
    except accounts.AccountError:
        raise ValidationError({"phone": [_("This phone number is already registered. Log in instead.")]}) from None


@session_bp.post("/logout")
def logout():
    """End the login; the CSRF token is required, so no other site can log a worker out.

    A page left open longer than the access cookie lives (15 minutes) still logs out: the expired
    cookie names its login, and the form's CSRF token must be the one it was issued with.
    """
    try:
        payload = get_jwt() if verify_jwt_in_request(optional=True) is not None else None
    except ExpiredSignatureError:
        payload = _expired_login_of_this_form()
    if payload is not None:
        accounts.revoke(payload)
    response = redirect(url_for("pwa.home"))
    unset_jwt_cookies(response)
    return response


def _expired_login_of_this_form() -> dict | None:
    """The claims of the expired access cookie when the posted CSRF token is its own, else a refusal."""
    try:
        payload = decode_token(request.cookies.get(current_app.config["JWT_ACCESS_COOKIE_NAME"], ""),
                               allow_expired=True)
    except Exception:  # forged or malformed: nothing to end
        return None
    sent = request.form.get("csrf_token", "") or request.headers.get("X-CSRF-TOKEN", "")
    if not hmac.compare_digest(str(payload.get("csrf", "")).encode(), sent.encode()):
        abort(auth_error(_l("The form expired. Please reload the page and try again.")))
    return payload



def _phone_countries() -> list[dict]:
    """Where a phone number typed without its country code may come from: home, then the main destinations."""
    lang = str(get_locale() or "id")
    return [{"code": code, "name": f"{places.country_name(code, lang)} (+{phonenumbers.country_code_for_region(code)})"}
            for code in ("ID", *places.main_destinations())]



@session_bp.post("/session/refresh")
@credential_limits
def refresh_session():
    """New access and refresh cookies from the refresh cookie (the page scripts call it on a 401)."""
    try:
        verify_jwt_in_request(refresh=True, locations=["cookies"])
    except (JWTExtendedException, PyJWTError):
        return {"code": 401, "message": _("Please log in again.")}, 401
    # Tabs of one browser share the cookie and may call this at once: the grace window.
    tokens = accounts.rotate_refresh_token(get_jwt(), current_user, grace=True)
    if tokens is None:
        response = current_app.response_class(status=401)
        unset_jwt_cookies(response)
        return response
    response = current_app.response_class(status=204)
    set_access_cookies(response, tokens["access_token"])
    set_refresh_cookies(response, tokens["refresh_token"])
    return response


# ---------------------------------------------------------------- /account: the worker's own data

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
    after_commit(lambda: flash("deleted", "account"))
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


def _reset_page(code=200, errors=None, failed=None, **context):
    """The page with its two forms; `errors` are drawn in the form that was sent (`failed`)."""
    context.setdefault("phone", request.values.get("phone", "")[:32])
    shown = _form_context(PasswordResetConfirmSchema(), RESET_FIELDS, errors if failed == "confirm" else {})
    response = make_response(render_template("accounts/reset.html", form_token=_form_token(), **shown,
                                             request_errors=errors if failed == "request" else {}, **context), code)
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
    data, refused = run_form(lambda: PasswordResetSchema().load(_fields("phone", "phone_country")))
    if refused:
        return _reset_page(422, errors=refused.errors, failed="request")
    password_reset.request_code_after_response(data["phone"])
    return _reset_page(sent=True, phone=data["phone"])


@reset_bp.post("/reset/confirm")
@credential_limits
def reset_confirm():
    """Set the new password with the code and log in; every earlier login ends."""
    if not _form_token_ok():
        return _reset_page(400, error=_("The form expired. Please try again."))
    data, refused = run_form(lambda: PasswordResetConfirmSchema().load(_fields("phone", "phone_country", "code",
                                                                               "password")))
    if refused:
        return _reset_page(422, errors=refused.errors, failed="confirm")
    user = password_reset.reset_password(data["phone"], data["code"], data["password"])
    if user is None:  # answered, not raised: the wrong try counts against the account's codes
        return _reset_page(400, errors={"code": [wrong_code_message()]}, failed="confirm", phone=data["phone"])
    tokens = accounts.issue_tokens(user)
    after_commit(lambda: flash("password_reset", "account"))
    response = redirect(url_for("pwa.home"), code=303)
    set_access_cookies(response, tokens["access_token"])
    set_refresh_cookies(response, tokens["refresh_token"])
    return response


def _fields(*names) -> dict:
    """The named form fields that were filled in (an empty optional field is left out)."""
    return {n: request.form[n].strip() for n in names if request.form.get(n, "").strip()}
