"""Family check: the worker sets or removes a PIN on her own request; anyone with the request's
reference and that PIN learns its status, last update and mission, nothing else.

Services flush, never commit. The limits on guessing live with the routes (app.family.api).
"""
from datetime import datetime

from sqlalchemy import delete, func, select

from ..accounts.services import hash_password, verify_password
from ..extensions import db
from ..help.models import TO_WORKER, HelpMessage, HelpRequest
from ..help.services import REFERENCE_ALPHABET, get_for_worker
from ..types import utcnow
from .models import FamilyPin

REFERENCE_PREFIX = "JBT"
REFERENCE_LENGTH = 6


def normalise_reference(text: str | None) -> str | None:
    """The reference as stored ("JBT-7K3Q9M") from what a relative types ("jbt 7k3q9m",
    "7K3Q9M"), or None when it cannot be one."""
    code = "".join(c for c in (text or "")[:40].upper() if c.isalnum())
    if code.startswith(REFERENCE_PREFIX) and len(code) == len(REFERENCE_PREFIX) + REFERENCE_LENGTH:
        code = code[len(REFERENCE_PREFIX):]
    if len(code) != REFERENCE_LENGTH or any(c not in REFERENCE_ALPHABET for c in code):
        return None
    return f"{REFERENCE_PREFIX}-{code}"


def set_pin(user, help_request_id, pin: str) -> HelpRequest:
    """Set (or replace) the family PIN of the worker's own request; anyone else's is 404."""
    help_request = get_for_worker(user, help_request_id)
    row = db.session.get(FamilyPin, help_request.id)
    if row is None:
        db.session.add(FamilyPin(help_request_id=help_request.id, pin_hash=hash_password(pin)))
    else:
        row.pin_hash, row.updated_at = hash_password(pin), utcnow()
    db.session.flush()
    return help_request


def remove_pin(user, help_request_id) -> HelpRequest:
    """Her family can no longer check the request (she may have given the PIN to the wrong person)."""
    help_request = get_for_worker(user, help_request_id)
    db.session.execute(delete(FamilyPin).where(FamilyPin.help_request_id == help_request.id))
    db.session.flush()
    return help_request


def requests_with_pin(user) -> set:
    """The ids of the worker's requests that have a family PIN."""
    return set(db.session.scalars(select(FamilyPin.help_request_id).join(
        HelpRequest, HelpRequest.id == FamilyPin.help_request_id).where(HelpRequest.user_id == user.id)))


def forget_user(user_id) -> None:
    """Before an account is deleted: its requests stay (anonymised), their family PINs go."""
    mine = select(HelpRequest.id).where(HelpRequest.user_id == user_id)
    db.session.execute(delete(FamilyPin).where(FamilyPin.help_request_id.in_(mine)))
    db.session.flush()


def last_update(help_request) -> datetime:
    """When the mission last did something her family should know of: a change to the request
    (status, claim, transfer…) or a message to her. Never her own messages: the answer tells
    nothing of what she does."""
    last_message = db.session.scalar(select(func.max(HelpMessage.created_at)).where(
        HelpMessage.help_request_id == help_request.id, HelpMessage.direction == TO_WORKER))
    return max(filter(None, (help_request.updated_at, last_message)))


def family_status(reference: str | None, pin: str | None, lang: str = "id") -> dict | None:
    """{reference, status, updated_at, mission: {code, name}} for the right pair, else None.

    Every wrong pair (unknown reference, no PIN set, wrong PIN, an account since deleted) is the
    same None after the same work (one argon2 check), so the answer tells nothing about which.
    """
    code = normalise_reference(reference)
    row = None
    if code is not None:
        row = db.session.execute(
            select(HelpRequest, FamilyPin.pin_hash).join(FamilyPin, FamilyPin.help_request_id == HelpRequest.id)
            .where(HelpRequest.reference == code, HelpRequest.user_id.is_not(None))).first()
    pin = pin if isinstance(pin, str) and len(pin) <= 64 else ""
    if not verify_password(row.pin_hash if row else None, pin) or row is None:
        return None
    help_request = row.HelpRequest
    mission = help_request.mission
    return {"reference": help_request.reference, "status": help_request.status,
            "updated_at": last_update(help_request),
            "mission": {"code": mission.code, "name": mission.name(lang)} if mission else None}
