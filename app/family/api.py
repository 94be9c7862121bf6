"""Family check: `PUT|DELETE /api/v1/help-requests/{id}/family-pin` (the worker) and
`GET /api/v1/status/{reference}?pin=` (anyone with the pair, strictly limited)."""
from flask import current_app, request
from flask.views import MethodView
from flask_babel import get_locale
from flask_jwt_extended import current_user
from flask_smorest import Blueprint, abort

from ..extensions import limiter
from ..i18n import _
from .. import access
from ..security import BEARER
from . import services
from .schemas import FamilyPinInSchema, FamilyPinSchema, FamilyStatusArgs, FamilyStatusSchema

blp = Blueprint("family", __name__, url_prefix="/api/v1", description="Family check: a request's status for her family")


def family_limit() -> str:
    return current_app.config["RATELIMIT_FAMILY"]


def family_reference_limit() -> str:
    return current_app.config["RATELIMIT_FAMILY_REFERENCE"]


def _reference_key() -> str:
    """The reference asked about, as stored: typing it otherwise is no way round its limit."""
    raw = str((request.view_args or {}).get("reference") or request.form.get("reference") or "")[:40]
    return "family:" + (services.normalise_reference(raw) or raw.strip().upper())


# Every guess counts, right or wrong, on the API and on the /status page alike (shared scopes):
# per address, against trying one PIN on many references; per reference, from any address,
# against trying many PINs on one (six digits are a million, the day's limit a few dozen).
per_address = limiter.shared_limit(family_limit, scope="family-address")
per_reference = limiter.shared_limit(family_reference_limit, scope="family-reference", key_func=_reference_key)


def not_found():
    abort(404, message=_("No request matches this reference and PIN."))


@blp.route("/help-requests/<uuid:help_request_id>/family-pin")
class FamilyPin(MethodView):
    decorators = [access.requires(access.OWN_RECORDS)]

    @blp.arguments(FamilyPinInSchema)
    @blp.response(200, FamilyPinSchema)
    @blp.alt_response(404, description="Not the worker's request")
    @blp.doc(security=BEARER)
    def put(self, data, help_request_id):
        """Set the family PIN of one of the worker's requests (6 digits; replaces an earlier one)."""
        help_request = services.set_pin(current_user, help_request_id, data["pin"])
        return {"reference": help_request.reference, "family_pin_set": True}

    @blp.response(204)
    @blp.alt_response(404, description="Not the worker's request")
    @blp.doc(security=BEARER)
    def delete(self, help_request_id):
        """Remove the family PIN: the request can no longer be checked with it."""
        services.remove_pin(current_user, help_request_id)


@blp.route("/status/<string:reference>")
class FamilyStatus(MethodView):
    decorators = [per_reference, per_address]

    @blp.arguments(FamilyStatusArgs, location="query")
    @blp.response(200, FamilyStatusSchema)
    @blp.alt_response(404, description="Unknown reference, no PIN set or a wrong PIN: always the same answer")
    @blp.alt_response(429, description="Too many checks from this address or of this reference; wait "
                                       "`Retry-After` seconds")
    def get(self, args, reference):
        """A request's status, last update and mission, for the family that has its reference and PIN."""
        answer = services.family_status(reference, args["pin"], str(get_locale() or "id"))
        if answer is None:
            not_found()
        return answer
