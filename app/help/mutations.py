"""The sync mutations of help requests: `help_request.create` and `message.create` (app.sync)."""
import uuid

from marshmallow import ValidationError

from ..errors import DomainError
from ..i18n import _l
from ..sync.declarations import MutationType, NotStoredYet
from . import services
from .schemas import HelpRequestInSchema, MessageInSchema


def _create_request(user, loaded: dict):
    help_request, created = services.create_help_request(user, loaded, announce=False)
    return help_request.id, created


def _create_requests(user, items: list[dict]) -> set:
    return services.insert_help_requests(user, items)


_MESSAGE_SCHEMA = MessageInSchema()


def _load_message(data: dict) -> dict:
    """The REST body of a message, plus the `{id}` of its REST path as `help_request_id`."""
    data = dict(data)
    raw_id = data.pop("help_request_id", None)
    try:
        help_request_id = uuid.UUID(str(raw_id)) if raw_id is not None else None
    except ValueError:
        help_request_id = None
    errors = {}
    if raw_id is None:
        errors["help_request_id"] = [str(_l("This field is required."))]
    elif help_request_id is None:
        errors["help_request_id"] = [str(_l("Must be a UUID."))]
    try:
        loaded = _MESSAGE_SCHEMA.load(data)
    except ValidationError as exc:
        errors.update(exc.messages if isinstance(exc.messages, dict) else {"data": exc.messages})
    if errors:
        raise ValidationError(errors)
    return {**loaded, "help_request_id": help_request_id}


def _create_message(user, loaded: dict):
    loaded = dict(loaded)
    help_request_id = loaded.pop("help_request_id")
    try:
        message, created = services.add_worker_message(user, help_request_id, loaded, announce=False)
    except DomainError as exc:
        if exc.code != 404:
            raise
        # Not this worker's request, or not stored yet: the same answer, so nothing leaks.
        raise NotStoredYet(_l("The request this message belongs to has not arrived yet. "
                              "The message will be sent again.")) from None
    return message.id, created


MUTATIONS = (
    MutationType("help_request.create", HelpRequestInSchema, _create_request, apply_many=_create_requests,
                 entity="help_request"),
    MutationType("message.create", MessageInSchema, _create_message, load=_load_message, entity="message"),
)
