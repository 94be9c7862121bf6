"""`filed_by` in the answers about a record made on the worker's behalf (presence, help requests).

Its own module: the presence and help schemas use it, and the assist forms use theirs.
"""
from marshmallow import Schema, fields

from ..schemas import UTCDateTimeField
from .models import CONSENT_WAYS


class FiledBySchema(Schema):
    """`filed_by` of a record made on the worker's behalf (null when she made it herself)."""

    name = fields.String(attribute="recorded_by", metadata={"description": "Who recorded her consent and filed it"})
    organisation = fields.String(metadata={"description": "The partner organisation, or the mission"})
    consent = fields.String(metadata={"enum": list(CONSENT_WAYS), "description": "How she agreed"})
    at = UTCDateTimeField(attribute="created_at")
