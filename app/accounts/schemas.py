from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from ..i18n import _
from ..missions.schemas import MissionSchema
from ..schemas import StrictSchema, Text, no_control_characters
from .services import normalise_phone

LANGUAGE = validate.OneOf(["id", "en"])


def _known_country(value: str) -> None:
    from ..missions.services import valid_country

    if not valid_country(value):
        raise ValidationError(_("Choose the country from the list."))


class PhoneCountry(fields.String):
    """`phone_country`: where a phone number typed without its country code is read (ISO alpha-2)."""

    def __init__(self, **kwargs):
        super().__init__(load_default="ID", validate=[validate.Length(equal=2), _known_country], **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        return super()._deserialize(value, attr, data, **kwargs).upper()


class RegisterSchema(StrictSchema):
    phone = fields.String(required=True, validate=validate.Length(max=32))
    phone_country = PhoneCountry()
    password = fields.String(required=True, validate=[validate.Length(min=8, max=128), no_control_characters])
    full_name = Text(required=True, max_length=120)
    language = fields.String(load_default="id", validate=LANGUAGE)

    @validates_schema(skip_on_field_errors=False)  # shown with the other fields' errors, not after them
    def _phone(self, data, **_kwargs):
        if "phone" not in data or "phone_country" not in data:
            return  # missing or already refused
        try:
            normalise_phone(data["phone"], data["phone_country"])
        except ValueError:
            from ..presence.schemas import PHONE_INVALID

            raise ValidationError(str(PHONE_INVALID), "phone") from None

    @post_load
    def _e164(self, data, **_kwargs):
        """The number as stored and answered: E.164."""
        data["phone"] = normalise_phone(data["phone"], data.pop("phone_country", None))
        return data


class LoginSchema(StrictSchema):
    phone = fields.String(validate=validate.Length(max=32))
    phone_country = PhoneCountry()
    email = fields.String(validate=validate.Length(max=254))
    password = fields.String(required=True, validate=validate.Length(max=128))

    @validates_schema
    def _one_identifier(self, data, **_kwargs):
        if not data.get("phone") and not data.get("email"):
            raise ValidationError(_("Give a phone number or an email address."), "phone")

    @post_load
    def _e164(self, data, **_kwargs):
        """A phone typed as dialled at home is looked up in E.164; one that reads as no number
        stays as typed and simply matches no account (the same 401 as a wrong password)."""
        country = data.pop("phone_country", None)
        if data.get("phone"):
            try:
                data["phone"] = normalise_phone(data["phone"], country)
            except ValueError:
                pass
        return data


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
