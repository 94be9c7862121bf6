from flask_babel import get_locale
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from ..i18n import _
from .phones import PHONE_KINDS
from .places import infer_region
from .services import valid_country, valid_region


def lang() -> str:
    """The request's language code (`id` by default)."""
    return str(get_locale() or "id")


class JurisdictionSchema(Schema):
    country = fields.String()
    region = fields.String(allow_none=True)
    cities = fields.List(fields.String())


class PhoneSchema(Schema):
    number = fields.String(metadata={"description": "One dialable number in E.164, e.g. +6088219110"})
    kind = fields.String(metadata={"enum": list(PHONE_KINDS)})
    label = fields.String(allow_none=True)


class MissionSchema(Schema):
    code = fields.String()
    name = fields.Method("_name")
    kind = fields.String(metadata={"enum": ["embassy", "consulate_general", "consulate", "economic_office"]})
    country = fields.String()
    city = fields.String()
    address = fields.String(allow_none=True)
    phone = fields.String(allow_none=True, metadata={"description": "One number in E.164, or null"})
    hotline = fields.String(allow_none=True, metadata={"description": "One number in E.164, or null"})
    phones = fields.List(fields.Nested(PhoneSchema))
    timezone = fields.String(allow_none=True, metadata={"description": "IANA time zone, e.g. Asia/Kuching"})
    email = fields.String(allow_none=True)
    jurisdiction = fields.List(fields.Nested(JurisdictionSchema), attribute="jurisdictions")
    sources = fields.List(fields.String())

    def _name(self, mission):
        return mission.name(lang())


class MissionListArgs(Schema):
    country = fields.String(validate=validate.Length(equal=2))
    cursor = fields.String(load_default=None, validate=validate.Length(max=500))
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=100))


class RouteArgs(Schema):
    country = fields.String(required=True, validate=validate.Length(equal=2))
    region = fields.String(validate=validate.Length(min=4, max=10))
    city = fields.String(validate=validate.Length(max=100))

    @validates_schema
    def _codes(self, data, **_kwargs):
        errors = place_errors(data)
        if errors:
            raise ValidationError(errors)


def place_errors(data: dict) -> dict:
    """Errors for an unknown country or a region of another country (every place taken checks this)."""

    if not valid_country(data.get("country")):
        return {"country": [_("Choose the country from the list.")]}
    if not valid_region(data["country"], data.get("region")):
        return {"region": [_("This region is not in the chosen country. Choose the region again.")]}
    return {}


def complete_place(data: dict) -> dict:
    """A place given by its city alone gets the city's region, which is then stored and answered."""

    if not data.get("region") and data.get("city"):
        data["region"] = infer_region(data["country"], data["city"])
    return data


class PlaceSchema(Schema):
    code = fields.String(metadata={"description": "ISO 3166-1 alpha-2 (a country) or ISO 3166-2 (a region)"})
    name = fields.String()


class PlaceListSchema(Schema):
    items = fields.List(fields.Nested(PlaceSchema))


class PlaceCountrySchema(PlaceSchema):
    regions = fields.List(fields.Nested(PlaceSchema))
