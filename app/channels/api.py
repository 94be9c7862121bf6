"""`/api/v1/schemes`, `/api/v1/agencies`, `/api/v1/job-orders`: the legal channels, public reference data."""
from flask.views import MethodView
from flask_jwt_extended import current_user
from flask_smorest import Blueprint, abort
from sqlalchemy.exc import IntegrityError

from ..access import JOB_ORDERS, requires
from ..i18n import _
from ..pagination import keyset_page
from ..schemas import page_schema
from ..security import BEARER
from . import services
from .models import Agency, Scheme
from .schemas import (AgencyListArgs, AgencySchema, JobOrderCreateSchema, JobOrderSchema, SchemeListArgs,
                      SchemeSchema)

blp = Blueprint("channels", __name__, url_prefix="/api/v1", description="Legal channels: schemes, agencies, job orders")

SchemePage = page_schema(SchemeSchema, "SchemePage")
AgencyPage = page_schema(AgencySchema, "AgencyPage")


@blp.route("/schemes")
class Schemes(MethodView):
    @blp.arguments(SchemeListArgs, location="query")
    @blp.response(200, SchemePage)
    def get(self, args):
        """List legal placement schemes, filtered by destination country, sector, kind or words."""
        stmt = services.scheme_query(args.get("country"), args.get("sector"), args.get("kind"), args.get("q"))
        return keyset_page(stmt, [(Scheme.slug, "asc")], lambda s: (s.slug,),
                           cursor=args["cursor"], limit=args["limit"], scope="schemes")


@blp.route("/schemes/<string:slug>")
class SchemeBySlug(MethodView):
    @blp.response(200, SchemeSchema)
    @blp.alt_response(404, description="Unknown scheme")
    def get(self, slug):
        """One scheme: requirements, costs, legal basis, sources and red flags."""
        scheme = services.get_scheme(slug)
        if scheme is None:
            abort(404, message=_("Unknown scheme. See the list of legal schemes."))
        return scheme


@blp.route("/agencies")
class Agencies(MethodView):
    @blp.arguments(AgencyListArgs, location="query")
    @blp.response(200, AgencyPage)
    def get(self, args):
        """Search placement agencies (P3MI) by licence number, name or address."""
        return keyset_page(services.agency_query(args.get("q")), [(Agency.licence_number, "asc")],
                           lambda a: (a.licence_number,), cursor=args["cursor"], limit=args["limit"],
                           scope="agencies")


@blp.route("/agencies/<path:licence_number>")
class AgencyByLicence(MethodView):
    @blp.response(200, AgencySchema)
    @blp.alt_response(404, description="No agency has this licence number: a warning")
    def get(self, licence_number):
        """Check an agency licence: active, suspended, revoked or expired."""
        agency = services.get_agency(licence_number)
        if agency is None:
            abort(404, message=str(services.UNKNOWN_AGENCY))
        return agency


@blp.route("/job-orders")
class JobOrders(MethodView):
    @requires(JOB_ORDERS)
    @blp.arguments(JobOrderCreateSchema)
    @blp.response(201, JobOrderSchema)
    @blp.alt_response(401, description="Not logged in")
    @blp.alt_response(403, description="Not staff of the mission covering the employer's place")
    @blp.alt_response(409, description="A job order with this number exists")
    @blp.doc(security=BEARER)
    def post(self, data):
        """Record a job order checked by the mission covering the employer's country and region."""
        try:
            order = services.create_job_order(current_user, data)
        except IntegrityError:
            # Another request recorded the same number between our check and our insert (the
            # unit of work rolls the rest back).
            abort(409, message=_("A job order with this number already exists."),
                  errors={"number": [_("Already recorded.")]})
        return order


@blp.route("/job-orders/<path:number>")
class JobOrderByNumber(MethodView):
    @blp.response(200, JobOrderSchema)
    @blp.alt_response(404, description="No verified job order has this number: a warning")
    def get(self, number):
        """Check a job order by its number."""
        order = services.get_job_order(number)
        if order is None:
            abort(404, message=str(services.UNKNOWN_JOB_ORDER))
        return order
