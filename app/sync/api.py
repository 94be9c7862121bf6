"""`POST /api/v1/sync`: the device pushes its outbox and pulls what changed for its worker."""
import orjson
from flask import current_app
from flask.views import MethodView
from flask_jwt_extended import current_user, get_jwt_identity
from flask_smorest import Blueprint, abort

from ..access import OWN_RECORDS, requires
from ..extensions import limiter
from ..i18n import _
from ..security import BEARER
from . import pull, push
from .schemas import SyncRequestSchema, SyncResponseSchema

blp = Blueprint("sync", __name__, url_prefix="/api/v1", description="Offline sync for the worker's app")


def sync_limit() -> str:
    return current_app.config["RATELIMIT_SYNC"]


def _worker_key() -> str:
    # Runs after requires, so the identity is known: the limit follows the worker, not the IP.
    return f"sync:{get_jwt_identity()}"


@blp.route("/sync")
class Sync(MethodView):
    # The last decorator runs first: authenticate, then count the call against the worker.
    decorators = [limiter.limit(sync_limit, key_func=_worker_key), requires(OWN_RECORDS)]

    @blp.arguments(SyncRequestSchema)
    @blp.response(200, SyncResponseSchema)
    @blp.alt_response(400, description="Malformed JSON or a cursor that is not this user's")
    @blp.alt_response(413, description="More than 1 MiB")
    @blp.alt_response(422, description="Envelope invalid, or more than 100 mutations")
    @blp.alt_response(429, description="Too many calls from this worker; wait `Retry-After` seconds")
    @blp.doc(security=BEARER)
    def post(self, envelope):
        """Apply the device's mutations exactly once, then return the changes since its cursor."""
        user = current_user
        try:
            position = pull.decode_cursor(user, envelope["cursor"])
        except pull.CursorError:
            abort(400, message=_("The cursor is not valid. Start again without it."),
                  errors={"cursor": [_("Not a valid cursor for this account.")]})

        outcomes = push.apply_mutations(user, envelope["mutations"], envelope["device_id"])
        # Read in the same transaction: what it wrote is seen, and pull_changes waits for any
        # other writer of this worker's feed still in flight (see sync.feed.lock_feed).
        changes, position_next, has_more = pull.pull_changes(user, position)
        # The request's unit of work (app.storage.committed) commits before the answer: nothing is
        # reported applied that is not stored. Two calls of one worker may take the same ids in
        # other orders: a deadlock runs the whole call again, not a 503.
        return _json({"results": [o.as_dict() for o in outcomes], "changes": changes,
                      "cursor": pull.encode_cursor(user, position_next), "has_more": has_more})


# The answer is made of plain values already (the records dumped by their features' schemas), so it
# is encoded as it stands, by orjson: SyncResponseSchema documents it; dumping it through that schema
# again, then encoding with the standard library, was a fifth of a call's time. Sorted keys and a
# final newline, as Flask's own encoder writes them; a lazy (translated) string as its text.
_JSON_OPTIONS = orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS


def _json(body: dict):
    return current_app.response_class(orjson.dumps(body, default=str, option=_JSON_OPTIONS) + b"\n",
                                      mimetype="application/json")
