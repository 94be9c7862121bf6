"""Worker pages. Forms post plainly (no JavaScript needed); the PWA layers the outbox on top."""
from flask import Blueprint, redirect, render_template, request, url_for
from flask_jwt_extended import (current_user, get_jwt, set_access_cookies, set_refresh_cookies, unset_jwt_cookies,
                                verify_jwt_in_request)

from marshmallow import ValidationError

from ..accounts import services as accounts
from ..accounts.api import auth_limit
from ..accounts.schemas import RegisterSchema
from ..extensions import db, limiter
from ..i18n import _, translate_message

bp = Blueprint("pwa", __name__, template_folder="templates")


def page_user():
    """The logged-in user for a page, or None (an expired cookie just means anonymous)."""
    try:
        verify_jwt_in_request(optional=True)
        return current_user if current_user else None
    except Exception:
        return None


@bp.app_context_processor
def _page_globals():
    return {"page_user": page_user, "csrf_token": lambda: request.cookies.get("csrf_access_token", "")}


@bp.get("/")
def home():
    return render_template("pwa/home.html")


def _login_response(user, target):
    tokens = accounts.issue_tokens(user)
    db.session.commit()
    response = redirect(target)
    set_access_cookies(response, tokens["access_token"])
    set_refresh_cookies(response, tokens["refresh_token"])
    return response


def _safe_next(default: str) -> str:
    target = request.values.get("next") or default
    return target if target.startswith("/") and not target.startswith("//") else default


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(auth_limit, methods=["POST"])
def login():
    error = None
    if request.method == "POST":
        identifier = (request.form.get("phone") or request.form.get("email") or "").strip()
        user = accounts.authenticate(identifier, request.form.get("password", ""))
        if user is not None:
            default = "/console" if user.role in ("staff", "admin") else url_for("pwa.home")
            return _login_response(user, _safe_next(default))
        error = _("Wrong phone number, email or password.")
    return render_template("pwa/login.html", error=error), 401 if error else 200


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(auth_limit, methods=["POST"])
def register():
    errors, form = {}, request.form
    if request.method == "POST":
        data = {k: v for k, v in form.items() if k in ("phone", "password", "full_name", "language") and v}
        try:
            data = RegisterSchema().load(data)
        except ValidationError as exc:
            errors = translate_message(exc.messages)
        else:
            try:
                user = accounts.create_user(full_name=data["full_name"], password=data["password"],
                                            phone=accounts.normalise_phone(data["phone"]), language=data["language"])
            except accounts.AccountError:
                errors = {"phone": [_("This phone number is already registered. Log in instead.")]}
            else:
                return _login_response(user, _safe_next(url_for("pwa.home")))
    return render_template("pwa/register.html", errors=errors, form=form), 422 if errors else 200


@bp.post("/logout")
def logout():
    """End the login; the CSRF token is required, so no other site can log a worker out."""
    if verify_jwt_in_request(optional=True) is not None:
        accounts.revoke(get_jwt())
        db.session.commit()
    response = redirect(url_for("pwa.home"))
    unset_jwt_cookies(response)
    return response
