"""`/api/v1/missions`: public reference data and the routing rule; `/api/v1/places`: countries and regions."""
from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint, abort
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..i18n import _
from ..pagination import keyset_page
from ..schemas import page_schema
from . import places
from .models import Mission
from .routing import route
from .services import get_by_code
from .schemas import MissionListArgs, MissionSchema, PlaceCountrySchema, PlaceListSchema, RouteArgs, lang

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
        region = args.get("region") or places.infer_region(args["country"], args.get("city"))
        mission = route(args["country"], region, args.get("city"))
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


places_blp = Blueprint("places", __name__, url_prefix="/api/v1/places",
                       description="Countries and their regions, named in the reader's language")
# Reference data that changes only with a release: phones and the service worker keep it for
# offline forms. The language follows ?lang=, the lang cookie, the login or Accept-Language.
PLACES_MAX_AGE = 24 * 3600


@places_blp.after_request
def _cacheable(response):
    if response.status_code == 200:
        response.headers["Cache-Control"] = f"public, max-age={PLACES_MAX_AGE}, stale-while-revalidate={7 * PLACES_MAX_AGE}"
        response.headers["Content-Language"] = lang()
        response.vary.update(("Accept-Language", "Cookie", "Authorization"))
        response.add_etag()
        response.make_conditional(request)
    return response


@places_blp.route("")
class Places(MethodView):
    @places_blp.response(200, PlaceListSchema)
    def get(self):
        """Every country, named in the reader's language; the main destinations of Indonesian workers first."""
        return {"items": places.countries(lang())}


@places_blp.route("/<string:country>")
class Place(MethodView):
    @places_blp.response(200, PlaceCountrySchema)
    @places_blp.alt_response(404, description="Unknown country")
    def get(self, country):
        """One country with its ISO 3166-2 regions, named in the reader's language where a name exists."""
        found = places.country(country, lang())
        if found is None:
            abort(404, message=_("Unknown country. Choose one from the list."))
        return found
