"""`/api/v1/auth/*` and `/api/v1/me`."""
from flask.views import MethodView
from flask_jwt_extended import current_user, get_jwt, jwt_required
from flask_smorest import Blueprint, abort

from ..errors import error_response
from ..i18n import _
from ..security import BEARER
from . import password_reset, services
from .limits import auth_limit, credential_limits  # noqa: F401  (auth_limit: for other callers)
from .schemas import (AcceptedSchema, AuthResultSchema, LoginSchema, PasswordResetConfirmSchema, PasswordResetSchema,
                      RegisterSchema, TokensSchema, UserSchema)

blp = Blueprint("auth", __name__, url_prefix="/api/v1/auth", description="Accounts and tokens")
me_blp = Blueprint("me", __name__, url_prefix="/api/v1", description="The logged-in user")


def login_failed():
    abort(401, message=_("Wrong phone number, email or password."))


@blp.route("/register")
class Register(MethodView):
    decorators = [credential_limits]

    @blp.arguments(RegisterSchema)
    @blp.response(201, AuthResultSchema)
    @blp.alt_response(409, description="Phone number already registered")
    @blp.alt_response(429, description="Too many attempts from this address or on this account; wait `Retry-After` seconds")
    def post(self, data):
        """Create a worker account and log in."""
        try:
            user = services.create_user(full_name=data["full_name"], password=data["password"], phone=data["phone"],
                                        language=data["language"], role="worker")
        except services.AccountError:
            abort(409, message=_("This phone number is already registered. Log in instead."),
                  errors={"phone": [_("Already registered.")]})
        tokens = services.issue_tokens(user)
        return {**tokens, "user": user}


@blp.route("/login")
class Login(MethodView):
    decorators = [credential_limits]

    @blp.arguments(LoginSchema)
    @blp.response(200, AuthResultSchema)
    @blp.alt_response(401, description="Wrong login pair")
    @blp.alt_response(429, description="Too many attempts from this address or on this account; wait `Retry-After` seconds")
    def post(self, data):
        """Log in with a phone number or email and a password."""
        user = services.authenticate(data.get("phone") or data.get("email"), data["password"], data["phone_country"])
        if user is None:
            login_failed()
        tokens = services.issue_tokens(user)
        return {**tokens, "user": user}


@blp.route("/refresh")
class Refresh(MethodView):
    decorators = [credential_limits]

    @jwt_required(refresh=True, locations=["headers"])
    @blp.response(200, TokensSchema)
    @blp.alt_response(429, description="Too many attempts from this address or on this account; wait `Retry-After` seconds")
    @blp.doc(security=BEARER)
    def post(self):
        """Exchange a refresh token for a new pair; the old refresh token stops working."""
        tokens = services.rotate_refresh_token(get_jwt(), current_user)
        if tokens is None:
            # Answered, not raised: a replayed token has ended its whole login, and that is kept.
            return error_response(401, _("Your session has ended. Please log in again."))
        return tokens


@blp.route("/password-reset")
class PasswordReset(MethodView):
    decorators = [credential_limits]

    @blp.arguments(PasswordResetSchema)
    @blp.response(202, AcceptedSchema)
    @blp.alt_response(429, description="Too many attempts from this address or for this phone; wait `Retry-After` seconds")
    def post(self, data):
        """Send a one-time code by SMS to the phone's account; the answer is the same whether or not there is one."""
        password_reset.request_code_after_response(data["phone"])
        return {"message": _("If this number has an account, a code is on its way by SMS.")}


@blp.route("/password-reset/confirm")
class PasswordResetConfirm(MethodView):
    decorators = [credential_limits]

    @blp.arguments(PasswordResetConfirmSchema)
    @blp.response(200, AuthResultSchema)
    @blp.alt_response(400, description="Wrong, expired or used code")
    @blp.alt_response(429, description="Too many attempts from this address or for this phone; wait `Retry-After` seconds")
    def post(self, data):
        """Set a new password with a one-time code and log in; every earlier login of the account ends."""
        user = password_reset.reset_password(data["phone"], data["code"], data["password"])
        if user is None:
            # Answered, not raised: the wrong try counts against the account's codes, and that is kept.
            return error_response(400, wrong_code_message(), {"code": [wrong_code_message()]})
        tokens = services.issue_tokens(user)
        return {**tokens, "user": user}


def wrong_code_message() -> str:
    return _("This code is wrong, used or expired. Ask for a new code.")


@blp.route("/logout")
class Logout(MethodView):
    @jwt_required(locations=["headers"])
    @blp.response(204)
    @blp.doc(security=BEARER)
    def post(self):
        """End this login: the access token and its refresh tokens stop working."""
        services.revoke(get_jwt())


@me_blp.route("/me")
class Me(MethodView):
    @jwt_required()
    @me_blp.response(200, UserSchema)
    @me_blp.doc(security=BEARER)
    def get(self):
        """The logged-in user."""
        return current_user
