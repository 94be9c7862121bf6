"""Base schemas and fields shared by the features' schemas."""
import re
from datetime import timedelta, timezone

from collections.abc import Mapping

from marshmallow import Schema, ValidationError, fields, pre_load, validate

from .i18n import _l
from .types import utcnow


class StrictSchema(Schema):
    """Input schemas refuse unknown fields (marshmallow's default), trim text, and refuse text no
    database can store in every string they are given, keys and nested values included: control
    characters (PostgreSQL cannot even store NUL) and lone UTF-16 surrogates (JSON's `"\\ud800"`,
    which no UTF-8 encoder can write). One 422 naming the field, instead of a 500 at the write."""

    # Fields whose values another schema checks (sync hands each mutation's data to its own).
    UNCHECKED: tuple[str, ...] = ()

    @pre_load
    def _refuse_unstorable_text(self, data, **_kwargs):
        if not isinstance(data, Mapping):
            return data
        errors = {}
        for key, value in data.items():
            fault = unstorable_text(key) if isinstance(key, str) else None
            if fault is None and key not in self.UNCHECKED:
                fault = unstorable_text(value) if isinstance(value, str) else _first_unstorable(value)
            if fault is not None:
                errors[printable(key)] = [str(fault)]
        if errors:
            raise ValidationError(errors)
        return data


def _first_unstorable(value):
    """The fault of the first unstorable string in `value` (walked without recursion), or None."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            fault = unstorable_text(item)
            if fault is not None:
                return fault
        elif isinstance(item, Mapping):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
    return None


class UTCDateTimeField(fields.AwareDateTime):
    """ISO 8601 with an offset in; UTC with `Z` out (the column type is app.types.UTCDateTime)."""

    def __init__(self, **kwargs):
        super().__init__(format="iso", default_timezone=None, **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")

    def _deserialize(self, value, attr, data, **kwargs):
        result = super()._deserialize(value, attr, data, **kwargs)
        try:
            result = result.astimezone(timezone.utc)
        except OverflowError:  # e.g. 0001-01-01T00:00+14:00 lies before year 1 in UTC
            raise ValidationError(str(_l("Must be a date between %(first)s and %(last)s.") % PLAUSIBLE)) from None
        check_plausible(result.date())
        return result


# What a person can mean by a date in this system (arrival, contract end, when a request was made).
PLAUSIBLE = {"first": 1900, "last": 2100}


def check_plausible(value) -> None:
    """Refuse dates far in the past or the future: a typo or an attack, never a real event."""
    if not PLAUSIBLE["first"] <= value.year <= PLAUSIBLE["last"]:
        raise ValidationError(str(_l("Must be a date between %(first)s and %(last)s.") % PLAUSIBLE))


class CalendarDate(fields.Date):
    """A date (YYYY-MM-DD) within the plausible years."""

    def _deserialize(self, value, attr, data, **kwargs):
        result = super()._deserialize(value, attr, data, **kwargs)
        check_plausible(result)
        return result


FUTURE_DATE = _l("This day has not come yet. Choose today or an earlier day.")


class PastDate(CalendarDate):
    """A day that has already come (the day she arrived). The phone refuses one after its own
    today (app.forms.field_rules); the server one after tomorrow in UTC, since a phone east of
    UTC (up to +14:00) is already in tomorrow."""

    def _deserialize(self, value, attr, data, **kwargs):
        result = super()._deserialize(value, attr, data, **kwargs)
        if result > utcnow().date() + timedelta(days=1):
            raise ValidationError(self.future_message())
        return result

    def future_message(self) -> str:
        return str(FUTURE_DATE)


# C0 controls but newline, tab and carriage return; and DEL.
_CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# The same, and half of a UTF-16 pair standing alone.
_UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def unstorable_text(text: str):
    """Why `text` cannot be stored as it is (a translatable message), or None."""
    found = _UNSTORABLE.search(text)
    if found is None:
        return None
    if "\ud800" <= found.group() <= "\udfff":
        return _l("Contains a broken character. Type it again.")
    return _l("Must not contain control characters.")


def printable(text: str) -> str:
    """`text` with every unstorable character replaced by U+FFFD, fit to be answered and stored."""
    return _UNSTORABLE.sub("\ufffd", text)


def has_control_characters(text: str) -> bool:
    """Control characters other than newline, tab and carriage return."""
    return _CONTROL_CHARACTERS.search(text) is not None


def no_control_characters(text: str) -> None:
    """Validator: refuse control characters (see has_control_characters)."""
    if has_control_characters(text):
        raise ValidationError(str(_l("Must not contain control characters.")))


class Text(fields.String):
    """A human text: trimmed, no control characters except newline and tab."""

    def __init__(self, max_length: int, min_length: int = 1, **kwargs):
        # Two checks, so that each says its own ("may not be empty", "at most N"), not "between 1 and N".
        super().__init__(validate=[validate.Length(min=min_length), validate.Length(max=max_length)], **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        no_control_characters(text)
        return text.strip()


class StrictBoolean(fields.Boolean):
    """JSON `true` or `false` only. marshmallow's Boolean also takes 1, "yes", "on"... (and
    `truthy={True}` still takes 1, since 1 == True): too lenient where a yes must be meant."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


class PageArgs(Schema):
    """`cursor` and `limit` for every paginated list."""

    cursor = fields.String(load_default=None, validate=validate.Length(max=500))
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=100))


def page_schema(item_schema, name: str):
    """A `{items, next_cursor}` response schema around `item_schema`."""
    return Schema.from_dict(
        {"items": fields.List(fields.Nested(item_schema)), "next_cursor": fields.String(allow_none=True)},
        name=name,
    )

