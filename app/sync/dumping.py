"""Dumping the records a sync answer serves exactly as their features' schemas do, without
marshmallow's per-field machinery: a page of 100 requests with their messages and history is
some 2,000 field values, and looking each one up through `Field.serialize` cost as much as reading
the rows. `compiled(schema)` walks the schema's fields once and returns a function; the plain
fields (strings, ids, times, nested schemas) are read directly, anything else through the field
itself, so the output is the schema's own (tests/sync/test_sync_dumping.py compares them)."""
from collections.abc import Mapping

from marshmallow import Schema, fields, missing

from ..schemas import UTCDateTimeField

_PRE_DUMP, _POST_DUMP = "pre_dump", "post_dump"


def _plain(attr: str, convert):
    def dump(obj):
        value = getattr(obj, attr, missing)
        if value is missing:
            return missing
        return None if value is None else convert(value)
    return dump


def _through_field(name: str, field: fields.Field, schema: Schema):
    def dump(obj):
        return field.serialize(name, obj, accessor=schema.get_attribute)
    return dump


def _nested(attr: str, inner, many: bool):
    def dump(obj):
        value = getattr(obj, attr, missing)
        if value is missing:
            return missing
        if value is None:
            return None
        return [inner(each) for each in value] if many else inner(value)
    return dump


def _field_dumper(name: str, field: fields.Field, schema: Schema):
    attr = field.attribute or name
    if "." in attr or field.dump_default is not missing or not field._CHECK_ATTRIBUTE:
        return _through_field(name, field, schema)
    kind = type(field)
    if kind in (fields.String, fields.UUID, fields.Str):
        return _plain(attr, str)
    if kind is UTCDateTimeField:
        return _plain(attr, lambda value: field._serialize(value, attr, None))
    if kind is fields.Nested and isinstance(field.schema, Schema):
        return _nested(attr, compiled(field.schema), field.many or field.schema.many)
    if kind is fields.List and type(field.inner) is fields.Nested and isinstance(field.inner.schema, Schema) \
            and not (field.inner.many or field.inner.schema.many):
        return _nested(attr, compiled(field.inner.schema), True)
    return _through_field(name, field, schema)


def compiled(schema: Schema):
    """A function `obj -> dict` equal to `schema.dump(obj)` for one object (not a mapping)."""
    if schema._hooks[_PRE_DUMP] or schema._hooks[_POST_DUMP] or schema.many:
        return schema.dump
    steps = [(field.data_key if field.data_key is not None else name, _field_dumper(name, field, schema))
             for name, field in schema.dump_fields.items()]

    def dump(obj):
        if isinstance(obj, Mapping):
            return schema.dump(obj)
        out = {}
        for key, step in steps:
            value = step(obj)
            if value is not missing:
                out[key] = value
        return out
    return dump
