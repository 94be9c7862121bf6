"""Presence report: the PUT body and the answer."""
import re
from collections.abc import Mapping

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates, validates_schema

from ..accounts.services import normalise_phone
from ..assist.filed_by import FiledBySchema
from ..crypto import normalise_identifier
from ..i18n import _, _l
from ..missions.schemas import MissionSchema, complete_place, place_errors
from ..schemas import CalendarDate, PastDate, StrictSchema, Text, UTCDateTimeField
from .models import PASSPORT_STATUSES, SECTORS
from .services import shared_numbers_of

# Indonesian passports: one letter (sometimes two) then 6-7 digits, e.g. X1234567, AB123456.
PASSPORT_RE = re.compile(r"^[A-Z]{1,2}[0-9]{6,7}$")
NIK_RE = re.compile(r"^[0-9]{16}$")
OTHER_DOCUMENT_MAX = 200
# Rules between two fields, said the same on the phone (field metadata, app.forms.field_rules) and here.
PASSPORT_NUMBER_NEEDED = _l("Enter the passport number, or say why your passport is not with you.")
ENDS_AFTER_ARRIVAL = _l("The contract must end after the arrival date.")


PHONE_INVALID = _l("This phone number is not right. Check the digits, e.g. 0812 3456 7890 or +60 12 345 6789.")
# What a phone number looks like as a worker types it: 7 to 15 digits, `+` first for a country code,
# spaces, dashes, dots, brackets or a slash between. The phone checks this much (app.forms.field_rules);
# the server then reads the number itself (phonenumbers), which only it can.
PHONE_SHAPE = r"^\+?[ (]*[0-9](?:[ ()./-]*[0-9]){6,14}[ )]*$"


def e164(value: str, country: str | None = None) -> str:
    """A phone number in E.164, or a ValidationError (one rule, shared by help requests).

    `country` (ISO alpha-2) is where a number without its country code is read, as the
    worker types it there ("012-345 6789" in Malaysia).
    """
    try:
        if not re.match(PHONE_SHAPE, value):
            raise ValueError("shape")
        return normalise_phone(value, country)
    except ValueError:
        raise ValidationError(str(PHONE_INVALID)) from None


class Phone(fields.String):
    """A phone number, loaded as E.164. One without its country code is read in the country
    named by the sibling field `country_field` (e.g. the place's `country`), else in `country`."""

    def __init__(self, country: str | None = None, country_field: str | None = None, **kwargs):
        self.country, self.country_field = country, country_field
        super().__init__(validate=validate.Length(max=32), **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        country = self.country
        given = data.get(self.country_field) if self.country_field and isinstance(data, Mapping) else None
        if isinstance(given, str) and len(given.strip()) == 2:
            country = given.strip().upper()
        return e164(super()._deserialize(value, attr, data, **kwargs), country)

    @staticmethod
    def shape_rule() -> list[str]:
        """[the shape of a number, the words when it is not one] for the phone's own check."""
        return [PHONE_SHAPE, str(PHONE_INVALID)]


class EmergencyContactSchema(StrictSchema):
    name = Text(required=True, max_length=120)
    phone = Phone(required=True, country="ID")  # the emergency contact lives in Indonesia
    relation = Text(required=True, max_length=40)


class PresenceInSchema(StrictSchema):
    """`PUT /api/v1/presence` and sync's `presence.upsert`."""

    id = fields.UUID(load_default=None)
    passport_status = fields.String(load_default="held", validate=validate.OneOf(PASSPORT_STATUSES))
    passport_number = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=20),
                                    metadata={"required_if": ("passport_status", "held", PASSPORT_NUMBER_NEEDED)})
    nik = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=24))
    other_document = Text(load_default=None, allow_none=True, max_length=OTHER_DOCUMENT_MAX, metadata={
        "description": "Any other document she has or knows the number of (a KTP, an old passport, a work "
                       "permit), in her own words; stored encrypted."})
    country = fields.String(required=True, validate=validate.Length(equal=2))
    region = fields.String(load_default=None, allow_none=True, validate=validate.Length(min=4, max=10))
    city = Text(load_default=None, allow_none=True, max_length=100)
    address = Text(required=True, max_length=500)
    employer_name = Text(required=True, max_length=200)
    employer_phone = Phone(load_default=None, allow_none=True, country_field="country")
    sector = fields.String(required=True, validate=validate.OneOf(SECTORS))
    scheme = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=100))
    arrival_date = PastDate(required=True)
    contract_end_date = CalendarDate(load_default=None, allow_none=True,
                                     metadata={"after": ("arrival_date", ENDS_AFTER_ARRIVAL)})
    emergency_contact = fields.Nested(EmergencyContactSchema, required=True)
    created_at = UTCDateTimeField(load_default=None)

    @validates("passport_number")
    def _passport(self, value, **_kwargs):
        # Blank is "no number" (left to `_consistent`); anything else must look like a passport number.
        if normalise_identifier(value) and not PASSPORT_RE.match(normalise_identifier(value)):
            raise ValidationError(_("Enter the passport number as printed, e.g. X1234567."))

    @validates("nik")
    def _nik(self, value, **_kwargs):
        if value is not None and not NIK_RE.match(normalise_identifier(value)):
            raise ValidationError(_("The NIK has 16 digits."))

    @validates_schema(pass_original=True, skip_on_field_errors=False)
    def _passport_needed(self, data, original, **_kwargs):
        """Only a passport in hand (`held`, the default) needs its number; the field's own check
        judges a number that is given. Said along with the other missing fields."""
        original = original if isinstance(original, Mapping) else {}
        if original.get("passport_status", "held") == "held" and not normalise_identifier(
                str(original.get("passport_number") or "")):
            raise ValidationError(str(PASSPORT_NUMBER_NEEDED), "passport_number")

    @validates_schema(skip_on_field_errors=False)  # said with the other fields' errors, not after them
    def _consistent(self, data, **_kwargs):
        errors = place_errors(data) if "country" in data else {}
        end, arrival = data.get("contract_end_date"), data.get("arrival_date")
        if end and arrival and end <= arrival:
            errors["contract_end_date"] = [str(ENDS_AFTER_ARRIVAL)]
        if errors:
            raise ValidationError(errors)

    @post_load
    def _place(self, data, **_kwargs):
        return complete_place(data)


def mask(value: str | None) -> str | None:
    """All but the last three characters hidden: enough for the worker to recognise the number."""
    if not value:
        return value
    return "*" * max(len(value) - 3, 0) + value[-3:]


def mask_digits(text: str | None) -> str | None:
    """Free text with every digit but the last three hidden: the worker still reads which
    document she named ("KTP ************123"), a borrowed phone does not show its number."""
    if not text:
        return text
    digits = sum(c.isdigit() for c in text)
    seen, out = 0, []
    for c in text:
        if c.isdigit():
            seen += 1
            out.append(c if seen > digits - 3 else "*")
        else:
            out.append(c)
    return "".join(out)


class EmergencyContactOutSchema(Schema):
    name = fields.String()
    phone = fields.String()
    relation = fields.String()


class PresenceSchema(Schema):
    """The stored report as the worker sees it: identifiers masked, the mission with its hotline."""

    id = fields.UUID()
    passport_status = fields.String(metadata={"enum": list(PASSPORT_STATUSES)})
    passport_number = fields.Function(lambda r: mask(r.passport_number), allow_none=True)
    nik = fields.Function(lambda r: mask(r.nik), allow_none=True)
    other_document = fields.Function(lambda r: mask_digits(r.other_document), allow_none=True)
    country = fields.String()
    region = fields.String(allow_none=True)
    city = fields.String(allow_none=True)
    address = fields.String()
    employer_name = fields.String()
    employer_phone = fields.String(allow_none=True)
    sector = fields.String()
    scheme = fields.String(allow_none=True)
    arrival_date = fields.Date()
    contract_end_date = fields.Date(allow_none=True)
    emergency_contact = fields.Nested(EmergencyContactOutSchema)
    is_current = fields.Boolean()
    mission = fields.Nested(MissionSchema, allow_none=True)
    filed_by = fields.Nested(FiledBySchema, attribute="filing", allow_none=True,
                             metadata={"description": "Who filed it on the worker's behalf, with her consent; "
                                                      "null when she filed it herself"})
    created_at = UTCDateTimeField()
    received_at = UTCDateTimeField()


class OwnPresenceSchema(PresenceSchema):
    """A report with its identifiers in full: for the worker's own export and for staff."""

    passport_number = fields.String(allow_none=True)
    nik = fields.String(allow_none=True)
    other_document = fields.String(allow_none=True)


def _shared_numbers(report) -> list[str]:
    return shared_numbers_of(report)


class StaffPresenceSchema(OwnPresenceSchema):
    """What staff of the worker's mission see (the read is audited): identifiers in full, and
    which of them another account declared too (never shown to the worker: it would confirm a guess)."""

    shared_numbers = fields.Function(_shared_numbers, metadata={
        "type": "array", "items": {"type": "string", "enum": ["passport_number", "nik"]},
        "description": "The numbers of this report that another account declared too."})
