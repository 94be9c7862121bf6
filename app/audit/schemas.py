from marshmallow import Schema, fields, validate

from ..schemas import PageArgs, UTCDateTimeField, page_schema


class AuditEntrySchema(Schema):
    id = fields.UUID()
    actor_id = fields.UUID(allow_none=True)
    action = fields.String()
    entity = fields.String()
    entity_id = fields.UUID()
    at = UTCDateTimeField()


class AuditArgs(PageArgs):
    entity = fields.String(validate=validate.Length(max=40))
    entity_id = fields.UUID()
    actor_id = fields.UUID()


AuditPage = page_schema(AuditEntrySchema, "AuditPage")
