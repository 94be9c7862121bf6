"""Family check: the PIN the worker sets, and the only answer her family gets."""
from marshmallow import Schema, fields, validate

from ..help.models import STATUSES
from ..i18n import _l
from ..schemas import StrictSchema, UTCDateTimeField

PIN_PATTERN = r"^[0-9]{6}$"


class FamilyPinInSchema(StrictSchema):
    """`PUT /api/v1/help-requests/{id}/family-pin`."""

    pin = fields.String(required=True, validate=validate.Regexp(PIN_PATTERN, error=str(_l("The PIN has 6 digits."))),
                        metadata={"example": "482913", "description": "6 digits, given to her family"})


class FamilyPinSchema(Schema):
    reference = fields.String()
    family_pin_set = fields.Boolean()


class FamilyStatusArgs(Schema):
    pin = fields.String(load_default="", metadata={"description": "The 6-digit family PIN the worker set"})


class FamilyMissionSchema(Schema):
    code = fields.String()
    name = fields.String()


class FamilyStatusSchema(Schema):
    """Exactly what her family may know: never the description, messages, place or her name."""

    reference = fields.String()
    status = fields.String(metadata={"enum": list(STATUSES)})
    updated_at = UTCDateTimeField()
    mission = fields.Nested(FamilyMissionSchema, allow_none=True)
