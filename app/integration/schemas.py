"""Schemas of the integration feature: a placement row, proposals, statistics."""
from datetime import date

from marshmallow import Schema, ValidationError, fields, pre_load, validate, validates, validates_schema

from ..crypto import normalise_identifier
from ..i18n import _l
from ..missions.services import valid_country, valid_region
from ..presence.schemas import NIK_RE, PASSPORT_RE
from ..presence.services import shared_numbers_of
from ..schemas import StrictSchema, Text, UTCDateTimeField

PLACEMENT_COLUMNS = ("placement_id", "passport_number", "nik", "full_name", "birth_date", "country", "region",
                     "city", "employer", "agency_licence", "scheme", "departure_date", "contract_end")


class PlacementRowSchema(StrictSchema):
    """One row of a SISKOP2MI placement file (CSV or JSON Lines); see docs/placements.md."""

    placement_id = Text(max_length=64, load_default=None)
    passport_number = fields.String(load_default=None)
    nik = fields.String(load_default=None)
    full_name = Text(max_length=200, required=True)
    birth_date = fields.Date(required=True)
    country = fields.String(required=True)
    region = fields.String(load_default=None)
    city = Text(max_length=100, load_default=None)
    employer = Text(max_length=200, required=True)
    agency_licence = Text(max_length=60, load_default=None)
    scheme = Text(max_length=100, load_default=None)
    departure_date = fields.Date(required=True)
    contract_end = fields.Date(load_default=None)

    @pre_load
    def _blank_is_missing(self, data, **kwargs):
        # CSV has no null: an empty cell means "not given".
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if not (isinstance(v, str) and v.strip() == "") and v is not None}
        return data

    @validates("passport_number")
    def _passport(self, value, **kwargs):
        if value is None:
            return
        if not PASSPORT_RE.match(normalise_identifier(value)):
            raise ValidationError(str(_l("Not an Indonesian passport number (e.g. X1234567).")))

    @validates("nik")
    def _nik(self, value, **kwargs):
        if value is None:
            return
        if not NIK_RE.match(normalise_identifier(value)):
            raise ValidationError(str(_l("A NIK has 16 digits.")))

    @validates("country")
    def _country(self, value, **kwargs):
        if not valid_country(value):
            raise ValidationError(str(_l("Unknown country code: two letters, e.g. MY.")))

    @validates("birth_date")
    def _birth(self, value, **kwargs):
        if value > date.today() or value.year < 1900:
            raise ValidationError(str(_l("Not a plausible date of birth.")))

    @validates_schema
    def _whole_row(self, data, **kwargs):
        errors = {}
        if not data.get("passport_number") and not data.get("nik"):
            errors["passport_number"] = [str(_l("A passport number or a NIK is required."))]
        if data.get("region") and data.get("country") and not valid_region(data["country"], data["region"]):
            errors["region"] = [str(_l("Unknown region code for this country, e.g. MY-12."))]
        end, start = data.get("contract_end"), data.get("departure_date")
        if end and start and end < start:
            errors["contract_end"] = [str(_l("The contract cannot end before the departure."))]
        if errors:
            raise ValidationError(errors)


class ProposalArgs(Schema):
    status = fields.String(load_default="proposed", validate=validate.OneOf(("proposed", "confirmed", "rejected")))
    cursor = fields.String(load_default=None, validate=validate.Length(max=500))
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=100))


class ProposalPlacementSchema(Schema):
    id = fields.UUID()
    full_name = fields.String()
    birth_date = fields.Date()
    country = fields.String()
    region = fields.String(allow_none=True)
    city = fields.String(allow_none=True)
    employer = fields.String()
    departure_date = fields.Date()


class ProposalWorkerSchema(Schema):
    id = fields.UUID()
    full_name = fields.String()


class ProposalSchema(Schema):
    id = fields.UUID()
    score = fields.Float()
    reasons = fields.Method("_reasons")
    shared_numbers = fields.Method("_shared_numbers", metadata={
        "type": "array", "items": {"type": "string", "enum": ["passport_number", "nik"]},
        "description": "Numbers of the worker's report that another account declared too: never linked by itself."})
    status = fields.String()
    placement = fields.Nested(ProposalPlacementSchema)
    worker = fields.Nested(ProposalWorkerSchema, attribute="user")
    presence_report_id = fields.UUID(allow_none=True)
    created_at = UTCDateTimeField()
    updated_at = UTCDateTimeField()

    def _reasons(self, obj):
        return [r for r in obj.reasons.split(",") if r]

    def _shared_numbers(self, obj):
        return shared_numbers_of(obj.presence_report)


class ProposalPageSchema(Schema):
    items = fields.List(fields.Nested(ProposalSchema))
    next_cursor = fields.String(allow_none=True)


class CountryStatsSchema(Schema):
    country = fields.String()
    placed = fields.Integer()
    present = fields.Integer()
    both = fields.Integer()


class HoursSchema(Schema):
    median = fields.Float(allow_none=True)
    p90 = fields.Float(allow_none=True)


class OpenByAgeSchema(Schema):
    lt_1d = fields.Integer()
    d1_3 = fields.Integer()
    d3_14 = fields.Integer()
    gt_14d = fields.Integer()


class OutcomesSchema(Schema):
    """What became of the help requests (app.help.outcomes says how each figure is counted)."""

    first_response_hours = fields.Nested(HoursSchema)
    resolution_hours = fields.Nested(HoursSchema)
    resolved_share = fields.Float(allow_none=True)
    deadline_met_share = fields.Float(allow_none=True)
    open_by_age = fields.Nested(OpenByAgeSchema)


class MissionStatsSchema(OutcomesSchema):
    code = fields.String()
    placed = fields.Integer()
    present = fields.Integer()
    both = fields.Integer()


class HelpStatsSchema(OutcomesSchema):
    by_category = fields.Dict(keys=fields.String(), values=fields.Integer())
    by_status = fields.Dict(keys=fields.String(), values=fields.Integer())
    median_hours_to_first_action = fields.Float(allow_none=True)


class StatsSchema(Schema):
    countries = fields.List(fields.Nested(CountryStatsSchema))
    missions = fields.List(fields.Nested(MissionStatsSchema))
    help_requests = fields.Nested(HelpStatsSchema)
