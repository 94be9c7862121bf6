"""Help requests: the worker's bodies and views, the queue's items and detail."""

from marshmallow import Schema, ValidationError, fields, post_load, pre_dump, validate, validates_schema

from ..assist.filed_by import FiledBySchema
from ..attachments.schemas import RequestAttachmentSchema
from ..attachments.services import of_request
from ..i18n import _
from ..missions.schemas import MissionSchema, complete_place, place_errors
from ..presence.models import PASSPORT_STATUSES
from ..presence.schemas import Phone, StaffPresenceSchema
from ..schemas import PageArgs, StrictSchema, Text, UTCDateTimeField, page_schema
from .deadlines import is_overdue
from .models import CATEGORIES, STATUSES, URGENCIES
from .priority import BANDS, band_name
from .signals import PASSPORT_WITHHELD, SIGNALS, mark_signals
from .workflow import CLOSURE_REASONS

BODY_MAX = 5000
MAX_ATTACHMENTS = 5


class LocationSchema(StrictSchema):
    lat = fields.Float(required=True, validate=validate.Range(min=-90, max=90))
    lng = fields.Float(required=True, validate=validate.Range(min=-180, max=180))


def attachment_ids(**kwargs):
    """`attachments: [id, ...]`: files the worker uploaded (app.attachments), at most five."""
    return fields.List(fields.UUID(), load_default=list, validate=validate.Length(max=MAX_ATTACHMENTS), **kwargs)


def text_or_attachments(field: str):
    """A schema check: `field` (the words) may be left out only when files are given (a voice note
    with no text at all); without files it is required and not empty, as before."""

    @validates_schema(pass_original=True, skip_on_field_errors=False)
    def _check(self, data, original, **_kwargs):
        if data.get("attachments") or not isinstance(original, dict):
            return
        if field not in original:
            raise ValidationError({field: [str(fields.Field.default_error_messages["required"])]})
        if not data.get(field):
            raise ValidationError({field: [str(validate.Length.message_min.format(min=1))]})

    return _check


class HelpRequestInSchema(StrictSchema):
    """`POST /api/v1/help-requests` and sync's `help_request.create`."""

    id = fields.UUID(load_default=None)
    category = fields.String(required=True, validate=validate.OneOf(CATEGORIES))
    urgency = fields.String(required=True, validate=validate.OneOf(URGENCIES))
    # Needed unless files say it instead (the phone checks this too: app.forms.field_rules).
    description = Text(load_default="", min_length=0, max_length=BODY_MAX, metadata={"required_unless": ("attachments",)})
    attachments = attachment_ids()
    _description_or_attachments = text_or_attachments("description")
    country = fields.String(required=True, validate=validate.Length(equal=2))
    region = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=4, max=10))
    city = Text(load_default=None, allow_none=True, max_length=100)
    contact_phone = Phone(load_default=None, allow_none=True, country_field="country")
    location = fields.Nested(LocationSchema, load_default=None, allow_none=True)
    created_at = UTCDateTimeField(load_default=None)

    @validates_schema(skip_on_field_errors=False)  # said with the other fields' errors, not after them
    def _place(self, data, **_kwargs):
        errors = place_errors(data) if "country" in data else {}
        if errors:
            raise ValidationError(errors)

    @post_load
    def _region_from_city(self, data, **_kwargs):
        return complete_place(data)


class MessageInSchema(StrictSchema):
    """A message: from the worker `{id, body, created_at}`, from staff `{id?, body}`."""

    id = fields.UUID(load_default=None)
    body = Text(load_default="", min_length=0, max_length=BODY_MAX)
    created_at = UTCDateTimeField(load_default=None)
    attachments = attachment_ids()
    _body_or_attachments = text_or_attachments("body")


class StaffMessageInSchema(StrictSchema):
    id = fields.UUID(load_default=None)
    body = Text(required=True, max_length=BODY_MAX)


class NoteInSchema(StrictSchema):
    body = Text(required=True, max_length=BODY_MAX)


class QueueUpdateSchema(StrictSchema):
    """`PATCH /api/v1/queue/{id}`: only the fields given change; null clears an override or an assignee.
    Moving to `closed` takes `closure_reason`, and `duplicate` also `duplicate_of` (app.help.services.update)."""

    status = fields.String(validate=validate.OneOf(STATUSES))
    closure_reason = fields.String(validate=validate.OneOf(CLOSURE_REASONS))
    duplicate_of = fields.UUID(metadata={"description": "The request of the same mission this one repeats"})
    priority_override = fields.String(allow_none=True, validate=validate.OneOf(list(BANDS)))
    assignee_id = fields.UUID(allow_none=True)
    mission_code = fields.String(validate=validate.Length(min=2, max=40))

    @validates_schema
    def _something(self, data, **_kwargs):
        if not data:
            raise ValidationError(_("Give at least one field to change."))


class CommaList(fields.String):
    """`a,b` in a query string → ["a", "b"], each checked against `choices`."""

    def __init__(self, choices, **kwargs):
        self.choices = choices
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        items = [v.strip() for v in super()._deserialize(value, attr, data, **kwargs).split(",") if v.strip()]
        bad = [v for v in items if v not in self.choices]
        if bad or not items:
            raise ValidationError(_("Must be one of: %(choices)s.", choices=", ".join(self.choices)))
        return items


class QueueArgs(PageArgs):
    status = CommaList(STATUSES, validate=validate.Length(max=200))
    category = CommaList(CATEGORIES, validate=validate.Length(max=400))
    assignee = fields.String(validate=validate.OneOf(["me"]))
    urgency = CommaList(URGENCIES, validate=validate.Length(max=100))
    unassigned = fields.Boolean(metadata={"description": "true: nobody is handling it; false: someone is"})
    overdue = fields.Boolean(metadata={"description": "true: open and past a deadline (first response or resolution)"})
    q = Text(max_length=100, min_length=0, metadata={
        "description": "A reference code, the worker's name or phone, or an exact passport number"})


class MessageSchema(Schema):
    id = fields.UUID()
    direction = fields.String(metadata={"enum": ["to_worker", "from_worker"]})
    body = fields.String()
    created_at = UTCDateTimeField()
    received_at = UTCDateTimeField()


class StaffMessageSchema(MessageSchema):
    author_id = fields.UUID(allow_none=True)


class StatusEventSchema(Schema):
    status = fields.String()
    reason = fields.String(allow_none=True, metadata={"enum": list(CLOSURE_REASONS)})
    at = UTCDateTimeField(attribute="created_at")


class EventSchema(Schema):
    kind = fields.String()
    from_value = fields.String(data_key="from", allow_none=True)
    to_value = fields.String(data_key="to", allow_none=True)
    actor_id = fields.UUID(allow_none=True)
    reason = fields.String(allow_none=True, metadata={"enum": list(CLOSURE_REASONS)})
    at = UTCDateTimeField(attribute="created_at")


class NoteSchema(Schema):
    id = fields.UUID()
    author_id = fields.UUID(allow_none=True)
    body = fields.String()
    created_at = UTCDateTimeField()


class HelpRequestSchema(Schema):
    """The worker's view: status, mission, messages (never notes) and the status history."""

    id = fields.UUID()
    reference = fields.String()
    category = fields.String()
    urgency = fields.String()
    description = fields.String()
    country = fields.String()
    region = fields.String(allow_none=True)
    city = fields.String(allow_none=True)
    contact_phone = fields.String(allow_none=True)
    location = fields.Dict(allow_none=True)
    status = fields.String()
    closure_reason = fields.String(allow_none=True, metadata={"enum": list(CLOSURE_REASONS)})
    mission = fields.Nested(MissionSchema, allow_none=True)
    messages = fields.List(fields.Nested(MessageSchema))
    history = fields.List(fields.Nested(StatusEventSchema), attribute="status_history")
    filed_by = fields.Nested(FiledBySchema, attribute="filing", allow_none=True,
                             metadata={"description": "Who filed it on the worker's behalf, with her consent; "
                                                      "null when she filed it herself"})
    created_at = UTCDateTimeField()
    received_at = UTCDateTimeField()
    updated_at = UTCDateTimeField()


class HelpRequestSummarySchema(HelpRequestSchema):
    """A list item for the worker (messages and history are on the detail)."""

    class Meta:
        exclude = ("messages", "history")


class AssigneeSchema(Schema):
    id = fields.UUID()
    full_name = fields.String()


class MissionRefSchema(Schema):
    code = fields.String()
    name_en = fields.String()
    name_id = fields.String()
    hotline = fields.String(allow_none=True)


class QueueItemSchema(Schema):
    id = fields.UUID()
    reference = fields.String()
    category = fields.String()
    urgency = fields.String()
    status = fields.String()
    closure_reason = fields.String(allow_none=True, metadata={"enum": list(CLOSURE_REASONS)})
    duplicate_of = fields.UUID(attribute="duplicate_of_id", allow_none=True)
    priority = fields.Function(lambda r: band_name(r.band), metadata={"enum": list(BANDS)})
    priority_override = fields.String(allow_none=True)
    waiting_since = fields.Function(lambda r: UTCDateTimeField()._serialize(r.created_at, None, r),
                                    metadata={"format": "date-time"})
    first_response_due_at = UTCDateTimeField(allow_none=True)
    due_at = UTCDateTimeField(allow_none=True)
    overdue = fields.Function(lambda r: is_overdue(r), metadata={"type": "boolean"})
    description = fields.String()
    country = fields.String()
    region = fields.String(allow_none=True)
    city = fields.String(allow_none=True)
    mission = fields.Nested(MissionRefSchema, allow_none=True)
    assignee_id = fields.UUID(allow_none=True)
    assignee = fields.Nested(AssigneeSchema, allow_none=True)
    created_at = UTCDateTimeField()
    received_at = UTCDateTimeField()
    first_action_at = UTCDateTimeField(allow_none=True)
    first_response_at = UTCDateTimeField(allow_none=True)
    updated_at = UTCDateTimeField()
    # Protection signals (app.help.signals), from the worker's current presence report.
    passport_status = fields.String(allow_none=True, metadata={
        "enum": list(PASSPORT_STATUSES), "description": "Where her passport is, per her current presence report"})
    passport_withheld = fields.Function(lambda r: PASSPORT_WITHHELD in r.signals, metadata={"type": "boolean"})
    signals = fields.List(fields.String(metadata={"enum": list(SIGNALS)}))
    filed_by = fields.Nested(FiledBySchema, attribute="filing", allow_none=True,
                             metadata={"description": "Who filed it on the worker's behalf (a partner or staff), "
                                                      "with her consent; null when she filed it herself"})

    @pre_dump(pass_collection=True)
    def _signals(self, data, many, **_kwargs):
        mark_signals(data if many else [data])
        return data


class WorkerRefSchema(Schema):
    id = fields.UUID()
    full_name = fields.String()
    phone = fields.String(allow_none=True)
    language = fields.String()


class QueueDetailSchema(QueueItemSchema):
    """Everything staff need: the worker, their current presence (audited), history, messages, notes."""

    contact_phone = fields.String(allow_none=True)
    location = fields.Dict(allow_none=True)
    worker = fields.Nested(WorkerRefSchema, attribute="user", allow_none=True)
    presence = fields.Nested(StaffPresenceSchema, attribute="worker_presence", allow_none=True)
    history = fields.List(fields.Nested(EventSchema))
    messages = fields.List(fields.Nested(StaffMessageSchema))
    notes = fields.List(fields.Nested(NoteSchema))
    # The voice notes and photos of the request and its messages (their facts; each read is audited).
    attachments = fields.Function(lambda r: _request_files.dump(of_request(r.id)),
                                  metadata={"type": "array", "items": {"type": "object"}})


_request_files = RequestAttachmentSchema(many=True)
HelpRequestPage = page_schema(HelpRequestSummarySchema, "HelpRequestPage")
class QueuePage(page_schema(QueueItemSchema, "QueuePageBase")):
    @pre_dump
    def _signals(self, page, **_kwargs):
        mark_signals(page["items"])  # one query for the page; each item would otherwise ask alone
        return page
WorkerListArgs = PageArgs
