"""`/api/v1/attachments/{id}` (the worker's own files) and `/api/v1/queue/{id}/attachments/{aid}`
(staff of the request's mission, audited)."""
from flask import Response, request
from flask.views import MethodView
from flask_jwt_extended import current_user
from flask_smorest import Blueprint

from ..access import OWN_RECORDS, QUEUE, requires
from ..security import BEARER
from . import services
from .kinds import CONTENT_TYPES, LARGEST
from .schemas import AttachmentSchema

blp = Blueprint("attachments", __name__, url_prefix="/api/v1/attachments",
                description="Voice notes and photos a worker adds to her requests and messages")
queue_blp = Blueprint("queue_attachments", __name__, url_prefix="/api/v1/queue",
                      description="The files of a request, for the mission's staff")

_BINARY = {"schema": {"type": "string", "format": "binary"}}
FILE_BODY = {"required": True, "content": {ct: _BINARY for ct in CONTENT_TYPES}}
FILE_ANSWER = {"200": {"description": "The file's bytes, in its own content type",
                       "content": {ct: _BINARY for ct in CONTENT_TYPES}}}


def file_response(attachment) -> Response:
    """The file's bytes as they were uploaded; never cached (no-store comes from app.web)."""
    response = Response(services.content(attachment), mimetype=attachment.content_type)
    response.headers["Content-Disposition"] = "inline"
    return response


@blp.route("/<uuid:attachment_id>")
class AttachmentItem(MethodView):
    decorators = [requires(OWN_RECORDS)]
    # The raw body of a voice note may be larger than the 1 MiB every JSON body is held to (app.web).
    max_body = LARGEST

    @blp.response(201, AttachmentSchema)
    @blp.alt_response(200, schema=AttachmentSchema, description="The same id and bytes again")
    @blp.alt_response(409, description="The id is taken by other bytes (or by another worker)")
    @blp.alt_response(413, description="Larger than the kind allows: voice 2 MiB, photo 1 MiB")
    @blp.alt_response(415, description="Not one of the accepted types, or the bytes are not that type")
    @blp.alt_response(422, description="An empty body")
    @blp.doc(security=BEARER, requestBody=FILE_BODY)
    def put(self, attachment_id):
        """Upload a voice note or photo under an id minted on the phone (raw bytes; idempotent by id)."""
        attachment, created = services.store(current_user, attachment_id, request.headers.get("Content-Type"),
                                             request.get_data())  # kept: a deadlock runs the request again
        return attachment, 201 if created else 200

    @blp.doc(security=BEARER, responses=FILE_ANSWER)
    def get(self, attachment_id):
        """One of the worker's own files (another user's is 404)."""
        return file_response(services.get_own(current_user, attachment_id))


@queue_blp.route("/<uuid:help_request_id>/attachments/<uuid:attachment_id>")
class QueueAttachment(MethodView):
    decorators = [requires(QUEUE)]

    @queue_blp.doc(security=BEARER, responses=FILE_ANSWER)
    def get(self, help_request_id, attachment_id):
        """A file of a request of the caller's mission (the read is audited; another mission's is 404)."""
        attachment = services.get_for_staff(current_user, help_request_id, attachment_id)
        response = file_response(attachment)  # the audit row commits with the request's unit of work
        return response
