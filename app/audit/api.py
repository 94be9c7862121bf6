"""`/api/v1/audit`: the trail of reads of personal data (admin only)."""
from flask.views import MethodView
from flask_smorest import Blueprint

from ..access import AUDIT, requires
from ..security import BEARER
from . import services
from .schemas import AuditArgs, AuditPage

blp = Blueprint("audit", __name__, url_prefix="/api/v1/audit", description="Audit trail")


@blp.route("")
class Audit(MethodView):
    decorators = [requires(AUDIT)]

    @blp.arguments(AuditArgs, location="query")
    @blp.response(200, AuditPage)
    @blp.doc(security=BEARER)
    def get(self, args):
        """List audit entries, newest first."""
        return services.list_entries(**args)
