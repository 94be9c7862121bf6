"""Attachments as answered: the facts of a file, never its bytes."""
from marshmallow import Schema, fields

from ..schemas import UTCDateTimeField
from .kinds import CONTENT_TYPES, KINDS


class AttachmentSchema(Schema):
    id = fields.UUID()
    kind = fields.String(metadata={"enum": list(KINDS)})
    content_type = fields.String(metadata={"enum": list(CONTENT_TYPES)})
    size = fields.Integer()
    sha256 = fields.String()


class RequestAttachmentSchema(AttachmentSchema):
    """A file of a request as staff see it listed (`GET /queue/{id}`): read it from its own audited
    address, `/api/v1/queue/{id}/attachments/{aid}`. `message_id`: the message it came with, if any."""

    message_id = fields.UUID(allow_none=True)
    created_at = UTCDateTimeField()


class OwnAttachmentSchema(RequestAttachmentSchema):
    """A file in the worker's export (app.accounts.data_rights): where it is, and its bytes."""

    help_request_id = fields.UUID(allow_none=True)
    content_base64 = fields.String(metadata={"description": "The file's bytes, base64"})
