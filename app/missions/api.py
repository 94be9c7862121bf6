"""`/api/v1/missions`: public reference data and the routing rule."""
from flask.views import MethodView
from flask_smorest import Blueprint, abort
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..i18n import _
from ..pagination import keyset_page
from ..schemas import page_schema
from .models import Mission
from .routing import route
from .services import get_by_code
from .schemas import MissionListArgs, MissionSchema, RouteArgs

blp = Blueprint("missions", __name__, url_prefix="/api/v1/missions", description="Indonesian missions abroad")

MissionPage = page_schema(MissionSchema, "MissionPage")


@blp.route("")
class Missions(MethodView):
    @blp.arguments(MissionListArgs, location="query")
    @blp.response(200, MissionPage)
    def get(self, args):
        """List missions, optionally for one country."""
        stmt = select(Mission).options(selectinload(Mission.jurisdictions))
        if args.get("country"):
            stmt = stmt.where(Mission.country == args["country"].upper())
        return keyset_page(stmt, [(Mission.code, "asc")], lambda m: (m.code,),
                           cursor=args["cursor"], limit=args["limit"], scope="missions")


@blp.route("/route")
class Route(MethodView):
    @blp.arguments(RouteArgs, location="query")
    @blp.response(200, MissionSchema)
    @blp.alt_response(404, description="No mission serves this place")
    def get(self, args):
        """The mission that serves a place (country, ISO 3166-2 region, city)."""
        mission = route(args["country"], args.get("region"), args.get("city"))
        if mission is None:
            abort(404, message=_("No Indonesian mission is listed for this place. Call the Kemlu hotline +62 812 9007 0027."))
        return mission


@blp.route("/<string:code>")
class MissionByCode(MethodView):
    @blp.response(200, MissionSchema)
    def get(self, code):
        """One mission by its code."""
        mission = get_by_code(code)
        if mission is None:
            abort(404, message=_("Unknown mission."))
        return mission
