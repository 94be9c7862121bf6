"""The one answer to a record id that arrives again (a phone's retry, a replayed outbox).

Every record a worker creates carries the id her device gave it, so sending it twice must not make
two. What the second arrival is told is decided here, for help requests, messages and presence
reports alike, whichever way they come in (REST, sync, pages)."""
from .errors import DomainError
from .i18n import _


def stored_again(existing, same: bool):
    """(the stored record, False) when the id arrives again from its owner with the same content;
    otherwise (other content, or another user's id) a 409 that reveals nothing about the record."""
    if not same:
        raise DomainError(409, _("This id is already in use. Save it again as a new entry."))
    return existing, False
