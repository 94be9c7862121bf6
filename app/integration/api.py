"""`/api/v1/stats` and `/api/v1/integration/proposals` (record matching decided by an admin)."""

from flask.views import MethodView
from flask_jwt_extended import current_user
from flask_smorest import Blueprint

from ..access import MATCHING, STATS, requires
from ..security import BEARER
from . import services
from .schemas import ProposalArgs, ProposalPageSchema, ProposalSchema, StatsSchema
from .stats import compute_stats, stats_scope

blp = Blueprint("integration", __name__, url_prefix="/api/v1/integration",
                description="Record matching between SISKOP2MI placements and workers")
stats_blp = Blueprint("stats", __name__, url_prefix="/api/v1", description="Statistics")


@stats_blp.route("/stats")
class Stats(MethodView):
    decorators = [requires(STATS)]

    @stats_blp.response(200, StatsSchema)
    @stats_blp.doc(security=BEARER)
    def get(self):
        """Workers placed and present per country and mission, and help-request figures (staff: own mission)."""
        return compute_stats(stats_scope(current_user))


@blp.route("/proposals")
class Proposals(MethodView):
    decorators = [requires(MATCHING)]

    @blp.arguments(ProposalArgs, location="query")
    @blp.response(200, ProposalPageSchema)
    @blp.doc(security=BEARER)
    def get(self, args):
        """Match proposals (default: open ones), best score first."""
        return services.list_proposals(args["status"], cursor=args["cursor"], limit=args["limit"])


@blp.route("/proposals/<uuid:proposal_id>/confirm")
class ConfirmProposal(MethodView):
    decorators = [requires(MATCHING)]

    @blp.response(200, ProposalSchema)
    @blp.alt_response(409, description="Already decided")
    @blp.doc(security=BEARER)
    def post(self, proposal_id):
        """Confirm a proposal: the worker and the placement become one person."""
        return services.decide_proposal(current_user, proposal_id, True)


@blp.route("/proposals/<uuid:proposal_id>/reject")
class RejectProposal(MethodView):
    decorators = [requires(MATCHING)]

    @blp.response(200, ProposalSchema)
    @blp.alt_response(409, description="Already decided")
    @blp.doc(security=BEARER)
    def post(self, proposal_id):
        """Reject a proposal: the pair is never proposed again."""
        return services.decide_proposal(current_user, proposal_id, False)
