"""The worker's rights over their own data (UU 27/2022): `GET /api/v1/me/export` and `DELETE /api/v1/me`.

Deletion removes the account, its logins, presence reports, change feed, device records and the
link to a matched person. Help requests stay for the mission that must keep them, anonymised
by the help feature's own rule (`app.help.services.anonymise_for_user`: no account link, no
contact phone, no location), and with them the voice notes and photos on them (no owner); any
other file she uploaded is deleted and its bytes removed from storage once that is committed
(`app.attachments.services.forget_user`). Placements stay: they are SISKOP2MI's records, not the worker's.
See docs/data-rights.md.
"""
from flask.views import MethodView
from flask_jwt_extended import current_user
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy import delete, select

from ..access import OWN_RECORDS, requires
from ..attachments import services as attachment_services
from ..attachments.schemas import OwnAttachmentSchema
from ..extensions import db
from ..family.services import forget_user as forget_family_pins
from ..help.models import HelpRequest
from ..help.services import anonymise_for_user
from ..help.schemas import HelpRequestSchema
from ..i18n import _l
from ..integration.services import forget_user, own_placements
from ..presence.models import PresenceReport
from ..presence.schemas import OwnPresenceSchema
from ..schemas import StrictBoolean, StrictSchema, UTCDateTimeField
from ..security import BEARER
from ..types import utcnow
from .models import AuthSession, User
from .schemas import UserSchema

blp = Blueprint("data_rights", __name__, url_prefix="/api/v1", description="The worker's own data (UU 27/2022)")


class DeleteMeSchema(StrictSchema):
    confirm = StrictBoolean(required=True, validate=validate.Equal(
        True, error=str(_l("Send confirm: true to delete your account and your data."))))


class OwnPlacementSchema(Schema):
    id = fields.UUID()
    passport_number = fields.String(allow_none=True)
    nik = fields.String(allow_none=True)
    full_name = fields.String()
    birth_date = fields.Date()
    country = fields.String()
    region = fields.String(allow_none=True)
    city = fields.String(allow_none=True)
    employer = fields.String()
    agency_licence = fields.String(allow_none=True)
    scheme = fields.String(allow_none=True)
    departure_date = fields.Date()
    contract_end = fields.Date(allow_none=True)


class AccountExportSchema(UserSchema):
    created_at = UTCDateTimeField()


class MeExportSchema(Schema):
    exported_at = UTCDateTimeField()
    account = fields.Nested(AccountExportSchema)
    person_id = fields.UUID(allow_none=True)
    presence_reports = fields.List(fields.Nested(OwnPresenceSchema))
    help_requests = fields.List(fields.Nested(HelpRequestSchema))
    placements = fields.List(fields.Nested(OwnPlacementSchema))
    attachments = fields.List(fields.Nested(OwnAttachmentSchema))


def export_user_data(user: User) -> dict:
    """Everything stored about the worker: account, every presence report (numbers in full, for
    the worker themself), help requests with messages and status history (never staff notes),
    the voice notes and photos they uploaded (with their bytes),
    and the SISKOP2MI placements verified as theirs (app.integration.services.own_placements)."""
    reports = list(db.session.scalars(select(PresenceReport).where(PresenceReport.user_id == user.id)
                                      .order_by(PresenceReport.created_at.desc(), PresenceReport.id)))
    requests = list(db.session.scalars(select(HelpRequest).where(HelpRequest.user_id == user.id)
                                       .order_by(HelpRequest.created_at, HelpRequest.id)))
    person_id, placements = own_placements(user)
    return {"exported_at": utcnow(), "account": user, "person_id": person_id,
            "presence_reports": reports, "help_requests": requests, "placements": placements,
            "attachments": attachment_services.export_of(user)}


def delete_user_data(user: User) -> None:
    """Delete the account and the worker's personal data; flushes, never commits."""
    user_id = user.id
    forget_family_pins(user_id)
    attachment_services.forget_user(user_id)  # before the requests lose their owner
    anonymise_for_user(user_id)
    forget_user(user_id)
    db.session.execute(delete(PresenceReport).where(PresenceReport.user_id == user_id))
    db.session.execute(delete(AuthSession).where(AuthSession.user_id == user_id))
    db.session.flush()
    db.session.expunge_all()
    # The rest (change feed, device mutations, refresh tokens) goes with the row, by the foreign keys.
    db.session.execute(delete(User).where(User.id == user_id))
    db.session.flush()


@blp.route("/me/export")
class MeExport(MethodView):
    decorators = [requires(OWN_RECORDS)]

    @blp.response(200, MeExportSchema)
    @blp.doc(security=BEARER)
    def get(self):
        """Everything stored about the logged-in worker, as JSON."""
        return export_user_data(current_user)


@blp.route("/me")
class MeDelete(MethodView):
    decorators = [requires(OWN_RECORDS)]

    @blp.arguments(DeleteMeSchema)
    @blp.response(204)
    @blp.doc(security=BEARER)
    def delete(self, _data):
        """Delete the worker's account and personal data (help requests stay, anonymised, for the mission)."""
        delete_user_data(current_user)
