"""Plain page forms (no JavaScript): run what a form asks through the same schemas and services
as the API, and turn a refusal into what the page shows again.

A refused form is not an error of the request: the page answers it (a 4xx with the form and its
messages), so the request's unit of work (app.storage.committed) would commit. What the refused
action wrote is therefore rolled back here, before the page is drawn again.
"""
from dataclasses import dataclass, field

from marshmallow import ValidationError

from .errors import DomainError
from .extensions import db
from .i18n import _, translate_message


@dataclass
class Refusal:
    """Why a form was refused: the status to answer, a message, the field errors; `invalid` when
    the schema refused it (rather than a rule of a service)."""
    code: int
    message: str
    errors: dict = field(default_factory=dict)
    invalid: bool = False


def run_form(action, raise_codes=()) -> tuple[object, Refusal | None]:
    """Run `action()`: (its result, None), or (None, the Refusal) with whatever it wrote rolled
    back. A DomainError whose code is in `raise_codes` (403, 404: the page itself is refused) is
    raised as it is, to the error page."""
    try:
        return action(), None
    except ValidationError as exc:
        db.session.rollback()
        return None, Refusal(422, _("Some fields are not valid."), translate_message(exc.messages), invalid=True)
    except DomainError as exc:
        if exc.code in raise_codes:
            raise
        db.session.rollback()
        return None, Refusal(exc.code, str(exc.message), translate_message(exc.errors))
