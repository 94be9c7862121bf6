"""`/api/v1/users/{id}/deactivate`: an admin closes an account (an abusive worker's, an off-boarded colleague's)."""
from flask.views import MethodView
from flask_jwt_extended import current_user
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from .. import access
from ..security import BEARER
from . import services

blp = Blueprint("users", __name__, url_prefix="/api/v1/users", description="Accounts, for admins")


class DeactivatedUserSchema(Schema):
    id = fields.UUID()
    role = fields.String()
    full_name = fields.String()
    is_active = fields.Boolean()


@blp.route("/<uuid:user_id>/deactivate")
class DeactivateUser(MethodView):
    decorators = [access.requires(access.ACCOUNTS)]

    @blp.response(200, DeactivatedUserSchema)
    @blp.alt_response(409, description="The admin's own account")
    @blp.doc(security=BEARER)
    def post(self, user_id):
        """Deactivate an account: its sessions end at once, login answers 401, a worker's open requests leave the queue."""
        user = services.deactivate_account(current_user, user_id)
        return user
