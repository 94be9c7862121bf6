"""The forms of filing for someone: her consent, her registration, handing her account over."""
from marshmallow import ValidationError, fields, post_load, validate, validates

from ..i18n import _
from ..presence.schemas import Phone
from ..schemas import StrictSchema, Text
from .models import CONSENT_WAYS


class ConsentSchema(StrictSchema):
    """What every filing on someone's behalf records: how she agreed, and who at the desk heard it."""

    consent = fields.String(required=True, validate=validate.OneOf(CONSENT_WAYS))
    recorded_by = Text(required=True, max_length=120)
    agreed = fields.Boolean(required=True)

    @validates("agreed")
    def _agreed(self, value, **_kwargs):
        if value is not True:
            raise ValidationError(_("File this only when she has agreed: tick the box to say she did."))


class RegisterWorkerSchema(ConsentSchema):
    """A worker registered with someone's help: her name, and her phone only if she has one."""

    full_name = Text(required=True, max_length=120)
    phone = Phone(country="ID", country_field="phone_country", load_default=None, allow_none=True)
    phone_country = fields.String(load_default="ID", validate=validate.Length(equal=2))
    language = fields.String(load_default="id", validate=validate.OneOf(["id", "en"]))

    @post_load
    def _drop_country(self, data, **_kwargs):
        data.pop("phone_country", None)
        return data


class HandoverSchema(StrictSchema):
    """Handing her account over: the phone she will log in with (kept if the account has one)."""

    phone = Phone(country="ID", country_field="phone_country", load_default=None, allow_none=True)
    phone_country = fields.String(load_default="ID", validate=validate.Length(equal=2))

    @post_load
    def _drop_country(self, data, **_kwargs):
        data.pop("phone_country", None)
        return data
