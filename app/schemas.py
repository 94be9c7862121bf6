"""Base schemas and fields shared by the features' schemas."""
from datetime import datetime, timezone

from marshmallow import Schema, ValidationError, fields, validate

from .i18n import _l


class StrictSchema(Schema):
    """Input schemas refuse unknown fields (marshmallow's default) and trim text."""


class UTCDateTime(fields.AwareDateTime):
    """ISO 8601 with an offset in; UTC with `Z` out."""

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
        return result.astimezone(timezone.utc)


class Text(fields.String):
    """A human text: trimmed, no control characters except newline and tab."""

    def __init__(self, max_length: int, min_length: int = 1, **kwargs):
        super().__init__(validate=validate.Length(min=min_length, max=max_length), **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if any((ord(c) < 32 and c not in "\n\t\r") or ord(c) == 127 for c in text):
            raise ValidationError(str(_l("Must not contain control characters.")))
        return text.strip()


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


def now_utc() -> datetime:
    return datetime.now(timezone.utc)
