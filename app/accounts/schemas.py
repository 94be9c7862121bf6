from marshmallow import Schema, ValidationError, fields, validate, validates, validates_schema

from ..i18n import _
from ..missions.schemas import MissionSchema
from ..schemas import StrictSchema, Text, no_control_characters
from .services import normalise_phone

LANGUAGE = validate.OneOf(["id", "en"])


class RegisterSchema(StrictSchema):
    phone = fields.String(required=True, validate=validate.Length(max=32))
    password = fields.String(required=True, validate=[validate.Length(min=8, max=128), no_control_characters])
    full_name = Text(required=True, max_length=120)
    language = fields.String(load_default="id", validate=LANGUAGE)

    @validates("phone")
    def _phone(self, value, **_kwargs):
        try:
            normalise_phone(value)
        except ValueError:
            raise ValidationError(_("Enter a valid phone number with its country code, e.g. +62 812 3456 7890.")) from None


class LoginSchema(StrictSchema):
    phone = fields.String(validate=validate.Length(max=32))
    email = fields.String(validate=validate.Length(max=254))
    password = fields.String(required=True, validate=validate.Length(max=128))

    @validates_schema
    def _one_identifier(self, data, **_kwargs):
        if not data.get("phone") and not data.get("email"):
            raise ValidationError(_("Give a phone number or an email address."), "phone")


class UserSchema(Schema):
    id = fields.UUID()
    role = fields.String()
    full_name = fields.String()
    phone = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    language = fields.String()
    mission = fields.Nested(MissionSchema, allow_none=True)


class TokensSchema(Schema):
    access_token = fields.String(required=True)
    refresh_token = fields.String(required=True)


class AuthResultSchema(TokensSchema):
    user = fields.Nested(UserSchema)
