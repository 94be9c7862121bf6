import phonenumbers
from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from ..i18n import LANGUAGES, _, _l
from ..missions.schemas import MissionSchema
from ..presence.schemas import PHONE_INVALID
from ..schemas import StrictSchema, Text, no_control_characters
from .services import DEFAULT_PHONE_COUNTRY, normalise_phone

LANGUAGE = validate.OneOf(LANGUAGES)
# Said as the worker counts: letters and digits, the shortest first.
PASSWORD = [validate.Length(min=8, error=_l("The password needs at least 8 letters or digits.")),
            validate.Length(max=128, error=_l("The password can have at most 128 letters or digits.")),
            no_control_characters]


def _known_country(value: str) -> None:
    if value.upper() not in phonenumbers.SUPPORTED_REGIONS:
        raise ValidationError(_("Give the country as two letters, e.g. ID or MY."))


def phone_country_field():
    """`phone_country`: where a number typed without `+country code` is read (contract: default ID)."""
    return fields.String(load_default=DEFAULT_PHONE_COUNTRY, validate=_known_country)


class PhoneSchema(StrictSchema):
    """A phone number as a worker types it, `0812…` or `+62 812…`; loaded as E.164."""

    phone = fields.String(required=True, validate=validate.Length(max=32))
    phone_country = phone_country_field()

    @validates_schema(skip_on_field_errors=False)  # shown with the other fields' errors, not after them
    def _phone(self, data, **_kwargs):
        if "phone" not in data or "phone_country" not in data:
            return  # missing or already refused
        try:
            normalise_phone(data["phone"], data["phone_country"])
        except ValueError:
            raise ValidationError(str(PHONE_INVALID), "phone") from None

    @post_load
    def _e164(self, data, **_kwargs):
        data["phone"] = normalise_phone(data["phone"], data.pop("phone_country"))
        return data


class RegisterSchema(PhoneSchema):
    password = fields.String(required=True, validate=PASSWORD)
    full_name = Text(required=True, max_length=120)
    language = fields.String(load_default="id", validate=LANGUAGE)


class PasswordResetSchema(PhoneSchema):
    """`POST /auth/password-reset`: the phone whose account gets a code."""


class PasswordResetConfirmSchema(PhoneSchema):
    """`POST /auth/password-reset/confirm`: the code that came by SMS or from staff, and the new password."""

    code = fields.String(required=True, validate=validate.Length(max=16))
    password = fields.String(required=True, validate=PASSWORD)


class AcceptedSchema(Schema):
    message = fields.String(required=True)


class LoginSchema(StrictSchema):
    phone = fields.String(validate=validate.Length(max=32))
    phone_country = phone_country_field()
    email = fields.String(validate=validate.Length(max=254))
    password = fields.String(required=True, validate=validate.Length(max=128))

    @validates_schema(skip_on_field_errors=False)  # with the password's error, not after it
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
