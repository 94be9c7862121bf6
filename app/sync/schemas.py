"""The sync envelope and its answer (`POST /api/v1/sync`)."""
from marshmallow import Schema, fields, validate

from ..i18n import _l
from ..schemas import StrictSchema
from .registry import MUTATION_TYPES

MAX_MUTATIONS = 100


class MutationSchema(StrictSchema):
    """One write made on the device. Only `id` is checked here: whatever else is wrong with an
    item makes that item `rejected`, never the whole call."""

    UNCHECKED = ("type", "data", "created_at")  # the item's own schema checks them (sync.push)

    id = fields.UUID(required=True)
    type = fields.Raw(required=True, metadata={"enum": list(MUTATION_TYPES)})
    data = fields.Raw(load_default=None, metadata={"type": "object"})
    created_at = fields.Raw(load_default=None, metadata={"type": "string", "format": "date-time"})


class SyncRequestSchema(StrictSchema):
    UNCHECKED = ("mutations",)  # each one is a MutationSchema, which checks what it must

    device_id = fields.UUID(required=True)
    cursor = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=500))
    mutations = fields.List(
        fields.Nested(MutationSchema), load_default=list,
        validate=validate.Length(max=MAX_MUTATIONS, error=_l("At most 100 mutations per call.")))


class ItemErrorSchema(Schema):
    message = fields.String()
    errors = fields.Dict()
    retry = fields.Boolean(metadata={"description": "True: refused only because what it refers to is not "
                                                    "stored yet; keep it and send it again. Absent: final."})


class ResultSchema(Schema):
    id = fields.UUID()
    status = fields.String(metadata={"enum": ["applied", "duplicate", "rejected"]})
    record_id = fields.UUID(allow_none=True)
    error = fields.Nested(ItemErrorSchema, allow_none=True)


class ChangeSchema(Schema):
    entity = fields.String(metadata={"enum": ["help_request", "message", "presence"]})
    id = fields.UUID()
    data = fields.Dict(allow_none=True, metadata={"description": "The entity's current state; null if deleted"})


class SyncResponseSchema(Schema):
    results = fields.List(fields.Nested(ResultSchema))
    changes = fields.List(fields.Nested(ChangeSchema))
    cursor = fields.String()
    has_more = fields.Boolean()
