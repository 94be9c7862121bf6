"""`/api/v1/presence`: the worker's presence report (lapor diri)."""
from flask.views import MethodView
from flask_jwt_extended import current_user
from flask_smorest import Blueprint, abort

from ..access import OWN_RECORDS, requires
from ..i18n import _
from ..security import BEARER
from . import services
from .schemas import PresenceInSchema, PresenceSchema

blp = Blueprint("presence", __name__, url_prefix="/api/v1/presence", description="Presence reports (lapor diri)")


@blp.route("")
class Presence(MethodView):
    decorators = [requires(OWN_RECORDS)]

    @blp.response(200, PresenceSchema)
    @blp.alt_response(404, description="No report yet")
    @blp.doc(security=BEARER)
    def get(self):
        """The worker's current presence report with its mission."""
        report = services.current_presence(current_user)
        if report is None:
            abort(404, message=_("You have not reported your presence yet."))
        return report

    @blp.arguments(PresenceInSchema)
    @blp.response(200, PresenceSchema, description="Replaced the current report, or a replay")
    @blp.alt_response(201, schema=PresenceSchema, description="The first report")
    @blp.doc(security=BEARER)
    def put(self, data):
        """Report presence; a newer report replaces the current one (the old one is kept)."""
        first = services.current_presence(current_user) is None
        report, created = services.submit_presence(current_user, data)
        return report, 201 if created and first else 200
