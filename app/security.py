"""JWT loaders and the answers to a missing, expired or revoked login.

Who may do what is decided in one place, app.access (roles, capabilities, the `requires` decorator).
"""
import uuid
from urllib.parse import quote

from flask import current_app, has_request_context, redirect, render_template, request
from flask_jwt_extended import decode_token, set_access_cookies, set_refresh_cookies
from sqlalchemy.exc import InterfaceError, OperationalError

from .accounts.models import User
from .accounts.services import rotate_refresh_token, token_holder
from .errors import error_response, handle_database_unavailable, wants_json
from .extensions import db, jwt
from .i18n import _l
from .storage import read_before_writing, write_transaction

# Documented on every protected operation of the OpenAPI document.
BEARER = [{"bearerAuth": []}]


def auth_error(message, code=401):
    """JSON for the API; for pages, a GET goes to the login page and anything else gets an error page."""
    if wants_json():
        return error_response(code, message)
    if request.method == "GET":
        return redirect("/login?next=" + quote(request.full_path.rstrip("?")))
    return render_template("error.html", code=code, message=str(message)), code


def renew_page_session(expired_payload: dict):
    """A page GET whose access cookie expired, with a live refresh cookie: rotate the pair and
    come back to the same page, so staff at a busy desk are not sent to the login page every
    15 minutes. Returns None when there is nothing to renew (the caller asks for a login).

    Two tabs often renew with the same cookie at once: the rotation runs in a write transaction
    of its own (a GET's read transaction cannot safely turn into a writer on SQLite), and the
    second tab gets the first one's successor (the grace window of rotate_refresh_token)."""
    if wants_json() or request.method != "GET" or expired_payload.get("type") != "access":
        return None
    token = request.cookies.get(current_app.config["JWT_REFRESH_COOKIE_NAME"])
    try:
        payload = decode_token(token) if token else None
        if payload is None or payload.get("type") != "refresh" or not payload.get("sid") \
                or payload.get("sub") != expired_payload.get("sub"):
            return None
        user_id = uuid.UUID(payload["sub"])
    except Exception:  # expired, forged or malformed refresh cookie: log in again
        return None
    try:
        with write_transaction():
            user = db.session.get(User, user_id)
            tokens = rotate_refresh_token(payload, user, grace=True) if user is not None and user.is_active else None
    except (OperationalError, InterfaceError) as error:
        # Inside a JWT callback an exception would be a bare 500: answer as any request would.
        return handle_database_unavailable(error)
    if tokens is None:
        return None
    response = redirect(request.full_path.rstrip("?"))
    set_access_cookies(response, tokens["access_token"])
    set_refresh_cookies(response, tokens["refresh_token"])
    return response


def init_jwt_callbacks():
    @jwt.user_identity_loader
    def _identity(user):
        return str(user.id) if hasattr(user, "id") else str(user)

    # flask-jwt-extended asks "revoked?" and then "whose?"; one query answers both (token_holder),
    # kept for this request only (in its WSGI environ), under the token's jti.
    def _holder(payload):
        if not has_request_context():
            return token_holder(payload)
        known = request.environ.setdefault("jembatan.token_holder", {})
        key = payload.get("jti")
        if key not in known:
            with read_before_writing():
                known[key] = token_holder(payload)
        return known[key]

    @jwt.user_lookup_loader
    def _lookup(_header, payload):
        user, _revoked = _holder(payload)
        return user if user is not None and user.is_active else None

    @jwt.token_in_blocklist_loader
    def _revoked(_header, payload):
        return _holder(payload)[1]

    @jwt.user_lookup_error_loader
    def _lookup_error(_header, _payload):
        return auth_error(_l("Your session has ended. Please log in again."))

    @jwt.unauthorized_loader
    def _missing(reason):
        if "CSRF" in reason:
            return auth_error(_l("The form expired. Please reload the page and try again."))
        return auth_error(_l("Please log in first."))

    @jwt.invalid_token_loader
    def _invalid(_reason):
        return auth_error(_l("Your login token is not valid. Please log in again."))

    @jwt.expired_token_loader
    def _expired(_header, payload):
        renewed = renew_page_session(payload)
        return renewed or auth_error(_l("Your session has expired. Please log in again."))

    @jwt.revoked_token_loader
    def _revoked_response(_header, _payload):
        return auth_error(_l("Your session has ended. Please log in again."))

    @jwt.token_verification_failed_loader
    def _failed(_header, _payload):
        return auth_error(_l("Your login token is not valid. Please log in again."))

    @jwt.needs_fresh_token_loader
    def _needs_fresh(_header, _payload):
        return auth_error(_l("Please log in again to do this."))
