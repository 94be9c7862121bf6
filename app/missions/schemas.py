from flask_babel import get_locale
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from ..i18n import _
from .phones import PHONE_KINDS


def _lang() -> str:
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
        return mission.name(_lang())


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
        from .services import valid_country, valid_region

        if not valid_country(data["country"]):
            raise ValidationError(_("Unknown country code (use ISO 3166-1 alpha-2, e.g. MY)."), "country")
        if not valid_region(data["country"], data.get("region")):
            raise ValidationError(_("Unknown region code for this country (use ISO 3166-2, e.g. MY-12)."), "region")
