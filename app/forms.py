"""Plain page forms (no JavaScript): run what a form asks through the same schemas and services
as the API, and turn a refusal into what the page shows again: every field's errors at once,
each under its own field (nested ones under `outer.inner`), and one summary at the top.

A refused form is not an error of the request: the page answers it (a 4xx with the form and its
messages), so the request's unit of work (app.storage.committed) would commit. What the refused
action wrote is therefore rolled back here, before the page is drawn again.

`field_rules` hands the same schema's rules to the phone (static/js/fields.js), which checks an
item with them before it enters the outbox: the rules and their words live in the schema only.
"""
from dataclasses import dataclass, field

from marshmallow import Schema, ValidationError, fields as ma, validate

from .errors import DomainError
from .extensions import db
from .i18n import _, translate_message
from .presence.schemas import Phone
from .schemas import PastDate

# The key of errors that belong to no field (a service's refusal, a schema-wide rule).
GENERAL = "_"


@dataclass
class Refusal:
    """Why a form was refused: the status to answer, a message, the field errors (flat: see
    `field_errors`); `invalid` when the schema refused it (rather than a rule of a service)."""
    code: int
    message: str
    errors: dict = field(default_factory=dict)
    invalid: bool = False


def run_form(action, raise_codes=()) -> tuple[object, Refusal | None]:
    """Run `action()`: (its result, None), or (None, the Refusal) with whatever it wrote rolled
    back. A DomainError whose code is in `raise_codes` (403, 404: the page itself is refused) is
    raised as it is, to the error page. A refusal without field errors keeps its message under
    GENERAL, so a page shows every refusal the same way (`page_errors`)."""
    try:
        return action(), None
    except ValidationError as exc:
        db.session.rollback()
        return None, Refusal(422, _("Some fields are not valid."), field_errors(exc.messages), invalid=True)
    except DomainError as exc:
        if exc.code in raise_codes:
            raise
        db.session.rollback()
        return None, Refusal(exc.code, str(exc.message), field_errors(exc.errors) or {GENERAL: [str(exc.message)]})


def field_errors(messages) -> dict[str, list[str]]:
    """marshmallow's (nested) messages, translated, as one flat map from the form's field names
    (`emergency_contact.phone`, as the page's inputs are named) to their messages. A nested
    field's errors stay its own: never shown as the word of a key ("phone")."""
    flat: dict[str, list[str]] = {}

    def walk(name: str, value) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                if key in ("_schema", GENERAL):  # a rule of the whole (nested) object: said at its name
                    walk(name, inner)
                else:
                    walk(f"{name}.{key}" if name else str(key), inner)
        elif isinstance(value, (list, tuple)):
            for item in value:
                walk(name, item)
        elif value is not None:
            flat.setdefault(name or GENERAL, []).append(str(value))

    walk("", translate_message(messages or {}))
    return flat


# ---------------------------------------------------------------- the same rules, for the phone

def _field(schema: Schema, name: str):
    outer, _dot, inner = name.partition(".")
    found = schema.fields.get(outer)
    if inner and isinstance(found, ma.Nested):
        return _field(found.schema, inner)
    return found


def _length_words(v: validate.Length) -> dict:
    """The messages marshmallow's Length gives (through translate_message: the server's words)."""
    words = {}
    if v.min:  # 0 or None: nothing to say
        template = v.error or (v.message_min if v.max is None else v.message_all)
        words["min"] = [v.min, translate_message(str(template).format(min=v.min, max=v.max, equal=v.equal))]
    if v.max is not None:
        template = v.error or (v.message_max if v.min is None else v.message_all)
        words["max"] = [v.max, translate_message(str(template).format(min=v.min, max=v.max, equal=v.equal))]
    return words


def field_rules(schema: Schema, names) -> dict:
    """What the phone checks for each named form field, with the words the server would answer:
    `required`, `min`/`max` length, `phone` (its shape: the server reads the number itself),
    `past` (a date not after today), and what the field's metadata adds (`required_if`, `after`)."""
    required = translate_message(str(ma.Field.default_error_messages["required"]))
    rules = {}
    for name in names:
        f = _field(schema, name)
        if f is None:
            continue
        rule = {}
        if f.required:
            rule["required"] = required
        for v in f.validators:
            if isinstance(v, validate.Length):
                rule.update(_length_words(v))
        if isinstance(f, Phone):
            rule["phone"] = f.shape_rule()
        if isinstance(f, PastDate):
            rule["past"] = f.future_message()
        if "required_unless" in f.metadata:  # [the other field that may stand instead, the words]
            rule["required_unless"] = [*f.metadata["required_unless"], required]
        for key in ("required_if", "after"):
            if key in f.metadata:  # [the other field, (its value,) the words]
                rule[key] = [str(part) for part in f.metadata[key]]
        if rule:
            rules[name] = rule
    return rules
