"""Channels: request and response schemas (texts follow the request's language)."""
from flask_babel import get_locale
from marshmallow import Schema, ValidationError, fields, post_load, validate, validates, validates_schema

from ..i18n import _l
from ..missions.services import valid_country, valid_region
from ..schemas import PageArgs, StrictSchema, Text, UTCDateTimeField
from .lookup import number_key
from .models import AGENCY_STATUSES, JOB_ORDER_STATUSES, SCHEME_KINDS, SECTORS
from .services import effective_status


def _lang() -> str:
    return str(get_locale() or "id")


class SourceSchema(Schema):
    title = fields.String()
    url = fields.String()


def _text(name):
    return fields.Function(lambda scheme: scheme.text(_lang()).get(name))


def _texts(name):
    return fields.Function(lambda scheme: scheme.text(_lang()).get(name) or [],
                           metadata={"type": "array", "items": {"type": "string"}})


class SchemeSchema(Schema):
    slug = fields.String()
    name = _text("name")
    kind = fields.String(metadata={"enum": list(SCHEME_KINDS)})
    countries = fields.List(fields.String(), metadata={"description": "ISO 3166-1 alpha-2; empty means every destination"})
    sectors = fields.List(fields.String())
    summary = _text("summary")
    requirements = _texts("requirements")
    documents = _texts("documents")
    worker_costs = _texts("worker_costs")
    employer_costs = _texts("employer_costs")
    legal_basis = _text("legal_basis")
    sources = fields.List(fields.Nested(SourceSchema))
    red_flags = _texts("red_flags")
    updated_at = UTCDateTimeField()


def _country(value, **_kwargs):
    if not valid_country(value):
        raise ValidationError(str(_l("Choose the country from the list.")))


class SchemeListArgs(PageArgs):
    country = fields.String(validate=_country)
    sector = fields.String(validate=validate.OneOf(SECTORS))
    kind = fields.String(validate=validate.OneOf(SCHEME_KINDS))
    q = fields.String(validate=validate.Length(max=200))


class AgencySchema(Schema):
    licence_number = fields.String()
    name = fields.String()
    status = fields.Function(lambda agency: _effective(agency), metadata={"enum": list(AGENCY_STATUSES)})
    registered_status = fields.String(attribute="status",
                                      metadata={"description": "The status on record, before the expiry rule"})
    valid_until = fields.Date(allow_none=True)
    address = fields.String(allow_none=True)
    branches = fields.List(fields.String())
    is_sample = fields.Boolean(metadata={"description": "True for sample data, not the official registry"})


def _effective(agency):
    return effective_status(agency)


class AgencyListArgs(PageArgs):
    q = fields.String(validate=validate.Length(max=200))


class JobOrderSchema(Schema):
    number = fields.String()
    employer = fields.String()
    country = fields.String()
    region = fields.String(allow_none=True)
    sector = fields.String(metadata={"enum": list(SECTORS)})
    positions = fields.Integer()
    salary_offered = fields.Decimal(places=2, as_string=True, allow_none=True)
    currency = fields.String(allow_none=True)
    agency_licence = fields.Function(lambda order: order.agency.licence_number)
    agency_name = fields.Function(lambda order: order.agency.name)
    status = fields.String(metadata={"enum": list(JOB_ORDER_STATUSES)})
    verified_by = fields.Function(lambda order: order.mission.code if order.mission else None,
                                  metadata={"type": "string", "nullable": True,
                                            "description": "Code of the mission that checked the job order"})
    verified_by_name = fields.Function(lambda order: order.mission.name(_lang()) if order.mission else None,
                                       metadata={"type": "string", "nullable": True})
    verified_at = UTCDateTimeField(allow_none=True)


class JobOrderCreateSchema(StrictSchema):
    number = Text(max_length=100, required=True)
    employer = Text(max_length=200, required=True)
    country = fields.String(required=True, validate=_country)
    region = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=4, max=10))
    sector = fields.String(required=True, validate=validate.OneOf(SECTORS))
    positions = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=100000))
    # The bounds are restated for OpenAPI: apispec would print the Decimal bounds as strings.
    salary_offered = fields.Decimal(load_default=None, allow_none=True, places=2, allow_nan=False,
                                    validate=validate.Range(min=0, max=10**10),
                                    metadata={"minimum": 0, "maximum": 10**10})
    currency = fields.String(load_default=None, allow_none=True, validate=validate.Regexp(
        r"^[A-Za-z]{3}$", error=str(_l("Use a three-letter ISO 4217 currency code, e.g. MYR."))))
    agency_licence = Text(max_length=100, required=True)
    status = fields.String(required=True, validate=validate.OneOf(JOB_ORDER_STATUSES))

    @validates("number")
    def _number(self, value, **_kwargs):
        if not number_key(value):
            raise ValidationError(str(_l("A job order number has letters or digits.")))

    @validates_schema
    def _place(self, data, **_kwargs):
        if data.get("country") and data.get("region") and not valid_region(data["country"], data["region"]):
            raise ValidationError(str(_l("This region is not in the chosen country. Choose the region again.")),
                                  "region")
        if data.get("salary_offered") is not None and not data.get("currency"):
            raise ValidationError(str(_l("Give the currency of the salary.")), "currency")

    @post_load
    def _normalise(self, result, **_kwargs):
        result["country"] = result["country"].upper()
        if result.get("region"):
            result["region"] = result["region"].upper()
        if result.get("currency"):
            result["currency"] = result["currency"].upper()
        return result
