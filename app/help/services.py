"""Help requests: the worker's side (create, message, withdraw) and the mission's (queue, claim,
workflow, notes, messages). Services flush, never commit; the caller commits once."""
import secrets
import uuid

from sqlalchemy import exists, func, select, update as sql_update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased, joinedload, selectinload

from ..accounts.models import User
from ..attachments.services import attach
from ..audit.services import record_read
from ..errors import DomainError
from ..extensions import db
from ..i18n import _
from ..idempotency import stored_again
from ..missions.models import Jurisdiction, Mission
from ..missions.routing import route_id_for_worker
from ..missions.services import get_by_code
from ..pagination import keyset_page
from .. import access
from ..presence.services import current_presence
from ..storage import hold_stored, insert_new_rows
from ..sync.feed import record_change
from ..types import clamp_device_time, utcnow
from .deadlines import deadline_columns, overdue_clause, record_response, record_status, set_deadlines
from .limits import allowance
from .models import FROM_WORKER, TO_WORKER, HelpMessage, HelpRequest, HelpRequestEvent, InternalNote
from .priority import priority_band
from .search import search_clause
from .workflow import OPEN, can_move

REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: easy to read out on the phone


class _Unset:
    def __repr__(self):
        return "UNSET"


UNSET = _Unset()

# Fields compared when a request id arrives again (the worker's clock is not content).
CONTENT_FIELDS = ("category", "urgency", "description", "country", "region", "city", "contact_phone", "lat", "lng")


def _not_found():
    return DomainError(404, _("Help request not found."))


def _random_reference() -> str:
    """JBT- and six characters of the alphabet, each equally likely: one draw from the system's
    randomness (not one per character: a call of 100 requests made 600)."""
    number, characters = secrets.randbelow(len(REFERENCE_ALPHABET) ** 6), []
    for _position in range(6):
        number, digit = divmod(number, len(REFERENCE_ALPHABET))
        characters.append(REFERENCE_ALPHABET[digit])
    return "JBT-" + "".join(characters)


# ---------------------------------------------------------------- worker side

def _content(data: dict) -> dict:
    location = data.get("location") or {}
    return {
        "category": data["category"], "urgency": data["urgency"], "description": data["description"],
        "country": data["country"].upper(), "region": (data.get("region") or "").upper() or None,
        "city": data.get("city"), "contact_phone": data.get("contact_phone"),
        "lat": location.get("lat"), "lng": location.get("lng"),
    }


def _same_request_again(user, existing: HelpRequest, content: dict) -> tuple[HelpRequest, bool]:
    return stored_again(existing, existing.user_id == user.id
                        and all(getattr(existing, k) == v for k, v in content.items()))


def _new_row(user, data: dict, now, standards: dict | None = None) -> dict:
    """The columns of a new request (`data` loaded by HelpRequestInSchema, with its `id`): its place
    routed (app.missions.routing), its priority band and deadlines (`standards`: see
    deadline_columns), the device's time clamped."""
    content = _content(data)
    mission_id = route_id_for_worker(user.id, content["country"], content["region"], content["city"])
    row = dict(id=data["id"], reference=_random_reference(), user_id=user.id, mission_id=mission_id,
               status="new", band=priority_band(content["category"], content["urgency"]),
               created_at=clamp_device_time(data.get("created_at"), user, now), received_at=now,
               updated_at=now, **content)
    return {**row, **deadline_columns(mission_id, row["band"], row["category"], row["created_at"],
                                      standards=standards)}


def _first_events(user, rows: list[dict], now) -> list[dict]:
    """The first history event of new requests (status → new, at the request's own time): the one
    place it is written. The rows written."""
    events = [{"id": uuid.uuid4(), "help_request_id": row["id"], "kind": "status", "from_value": None,
               "to_value": "new", "reason": None, "actor_id": user.id, "created_at": row["created_at"],
               "updated_at": now} for row in rows]
    if events:
        db.session.execute(HelpRequestEvent.__table__.insert(), events)
    return events


def _store_new(user, rows: list[dict], now) -> set:
    """The one way requests are stored, one or many: one INSERT per table. A row whose id or
    reference is already taken is skipped, not stored (nothing raises, so no savepoint is needed);
    the ids stored. What was stored stays in the session as written (storage.hold_stored): the
    answer that follows reads nothing back."""
    stored = insert_new_rows(HelpRequest.__table__, rows, returning="id")
    rows = [row for row in rows if row["id"] in stored]
    events = {event.help_request_id: [event] for event in hold_stored(HelpRequestEvent, _first_events(user, rows, now))}
    hold_stored(HelpRequest, rows, messages=lambda _row: [], filing=None, history=lambda row: events[row["id"]])
    return stored


def _announce(user, entity: str, record_id, announce: bool) -> None:
    """A record the worker made goes into her change feed, so that her other devices (a new or
    reset phone among them) hear of it, and the one that sent it hears of a device time the server
    clamped. A sync call passes announce=False and records its applied items at its end, in one go
    (sync.feed.record_changes)."""
    if announce:
        record_change(user.id, entity, record_id)


def insert_help_requests(user, items: list[dict]) -> set:
    """Store many new requests (each loaded by HelpRequestInSchema, each with an `id`); the ids stored.

    A request whose id or reference is already taken, or that the worker's limits refuse
    (app.help.limits), is skipped, not stored: the caller creates it alone (create_help_request),
    which tells a replay from a conflict and answers the refusal. Not announced in the feed: the
    sync call that stores them does it.
    """
    now = utcnow()
    allowed = allowance(user, now)
    standards = {}
    # A request with files is left to create_help_request, which links them (or finds them not uploaded yet).
    rows = [row for row in (_new_row(user, data, now, standards) for data in items if not data.get("attachments"))
            if allowed.admits(row["urgency"])]
    return _store_new(user, rows, now)


def create_help_request(user, data: dict, *, announce: bool = True) -> tuple[HelpRequest, bool]:
    """Create a request loaded by HelpRequestInSchema; (request, created).

    Idempotent by `id` (app.idempotency): the same id with the same content returns the stored
    request and False; the same id with other content, or another user's id, is a 409.

    The insert itself decides (no look-up first): a taken id or reference skips the insert; a
    taken id is then a replay, a taken reference is drawn again. The worker's limits
    (app.help.limits) refuse a new request, never a replay.
    """
    data = {**data, "id": data.get("id") or uuid.uuid4()}
    in_session = db.session.identity_map.get(db.session.identity_key(HelpRequest, data["id"]))
    if in_session is not None:
        return _same_request_again(user, in_session, _content(data))
    now = utcnow()
    row = _new_row(user, data, now)
    refused = allowance(user, now).refusal(row["urgency"], row["mission_id"])
    if refused is not None:
        existing = db.session.get(HelpRequest, data["id"])
        if existing is not None:
            return _same_request_again(user, existing, _content(data))
        raise refused
    while not _store_new(user, [row], now):
        existing = db.session.get(HelpRequest, data["id"], populate_existing=True)
        if existing is not None:
            return _same_request_again(user, existing, _content(data))
        if db.session.scalar(select(HelpRequest.id).where(HelpRequest.reference == row["reference"])) is None:
            raise RuntimeError(f"help request {data['id']} was not stored, and neither its id nor its reference is taken")
        row["reference"] = _random_reference()  # the reference was taken (1 in ~10^9): draw another
    attach(user, data.get("attachments"), help_request_id=data["id"])
    _announce(user, "help_request", data["id"], announce)
    return db.session.get(HelpRequest, data["id"]), True


def get_for_worker(user, help_request_id) -> HelpRequest:
    """The worker's own request; anyone else's is 404."""
    help_request = db.session.get(HelpRequest, help_request_id)
    if help_request is None or help_request.user_id != user.id:
        raise _not_found()
    return help_request


def list_for_worker(user, cursor: str | None = None, limit: int = 50) -> dict:
    """The worker's requests, newest first: {items, next_cursor}."""
    stmt = select(HelpRequest).where(HelpRequest.user_id == user.id).options(selectinload(HelpRequest.filing))
    return keyset_page(stmt, [(HelpRequest.created_at, "desc"), (HelpRequest.id, "desc")],
                       lambda r: (r.created_at, r.id), cursor=cursor, limit=limit, scope="my-help-requests")


def add_worker_message(user, help_request_id, data: dict, *, announce: bool = True) -> tuple[HelpMessage, bool]:
    """A message from the worker on their own request; idempotent by the message id."""
    help_request = get_for_worker(user, help_request_id)
    message_id = data.get("id") or uuid.uuid4()
    message, created = _add_message(help_request, user, message_id, data["body"], FROM_WORKER,
                                    clamp_device_time(data.get("created_at"), user))
    if created:
        attach(user, data.get("attachments"), help_request_id=help_request.id, message_id=message.id)
        _announce(user, "message", message.id, announce)
    return message, created


def withdraw(user, help_request_id) -> HelpRequest:
    """The worker takes an open request back (her word alone); withdrawing twice changes nothing."""
    help_request = get_for_worker(user, help_request_id)
    if help_request.status != "withdrawn":
        _set_status(help_request, user, "withdrawn", by_worker=True)
    db.session.flush()
    return help_request


def _add_message(help_request, author, message_id, body, direction, created_at) -> tuple[HelpMessage, bool]:
    existing = db.session.get(HelpMessage, message_id)
    if existing is not None:
        return _same_message_again(existing, help_request, author, body, direction)
    message = HelpMessage(id=message_id, help_request_id=help_request.id, author_id=author.id, direction=direction,
                          body=body, created_at=created_at, received_at=utcnow())
    try:
        with db.session.begin_nested():
            db.session.add(message)
            db.session.flush()
    except IntegrityError:
        existing = db.session.get(HelpMessage, message_id, populate_existing=True)
        if existing is None:
            raise
        return _same_message_again(existing, help_request, author, body, direction)
    return message, True


def _same_message_again(existing, help_request, author, body, direction):
    return stored_again(existing, existing.help_request_id == help_request.id and existing.author_id == author.id
                        and existing.direction == direction and existing.body == body)


def anonymise_for_user(user_id) -> int:
    """Before an account is deleted: keep its requests for the mission, without the person."""
    rows = db.session.scalars(select(HelpRequest).where(HelpRequest.user_id == user_id)).all()
    for help_request in rows:
        help_request.user_id = None
        help_request.contact_phone = None
        help_request.lat = help_request.lng = None
    db.session.flush()
    return len(rows)


# ---------------------------------------------------------------- staff side

def _scope(user, mission_id=None):
    """The mission id a reader of the queue sees (None: all), as app.access decides it."""
    return access.mission_scope(user, access.QUEUE, mission_id)


def in_queue():
    """The condition a request meets to be in a mission's queue and its counts: every request
    except the open ones of a deactivated account (an abusive worker's requests leave the queue
    with her; what staff already finished stays). Anonymised requests (no account) stay."""
    deactivated = exists().where(User.id == HelpRequest.user_id, User.is_active.is_(False))
    return ~(HelpRequest.status.in_(OPEN) & deactivated)


def _staff_get(user, help_request_id, *, for_update: bool = False) -> HelpRequest:
    """A request the caller may act on; another mission's is 404 (its existence must not leak)."""
    access.require(user, access.QUEUE)
    stmt = select(HelpRequest).where(HelpRequest.id == help_request_id)
    if for_update:
        stmt = stmt.with_for_update(of=HelpRequest)
    help_request = db.session.scalar(stmt.execution_options(populate_existing=True))
    if help_request is None or not access.may_act_for_mission(user, access.QUEUE, help_request.mission_id):
        raise _not_found()
    return help_request


def queue(user, status=None, category=None, assignee_me: bool = False, cursor: str | None = None,
          limit: int = 50, mission_id=None, urgency=None, unassigned: bool | None = None,
          overdue: bool | None = None, q: str | None = None, received_after=None) -> dict:
    """The mission's requests, highest priority band first, then the longest waiting: {items, next_cursor}.

    `status`, `category` and `urgency` take one value or a list; `unassigned` and `overdue` True or
    False (None: either); `q` searches (app.help.search); `mission_id` narrows an admin's view;
    `received_after` keeps the requests the server received later (the console's "3 new").
    Every filter is a WHERE on stored columns, so the keyset cursor stays a position in the same order.
    """
    scope = _scope(user, mission_id)
    stmt = select(HelpRequest).where(in_queue())
    if scope is not None:
        stmt = stmt.where(HelpRequest.mission_id == scope)
    if status:
        stmt = stmt.where(HelpRequest.status.in_([status] if isinstance(status, str) else list(status)))
    if category:
        stmt = stmt.where(HelpRequest.category.in_([category] if isinstance(category, str) else list(category)))
    if assignee_me:
        stmt = stmt.where(HelpRequest.assignee_id == user.id)
    if urgency:
        stmt = stmt.where(HelpRequest.urgency.in_([urgency] if isinstance(urgency, str) else list(urgency)))
    if unassigned is not None:
        stmt = stmt.where(HelpRequest.assignee_id.is_(None) if unassigned else HelpRequest.assignee_id.is_not(None))
    if overdue is not None:
        stmt = stmt.where(overdue_clause(overdue))
    if received_after is not None:
        stmt = stmt.where(HelpRequest.received_at > received_after)
    row = HelpRequest
    if q and q.strip():
        # A search finds a few requests by their own indexes, then sorts them: OFFSET 0 keeps PostgreSQL
        # from walking the queue's index from a cursor instead (it underestimates that walk badly).
        found = stmt.where(search_clause(q, lambda: _countries_served(scope)))
        row = aliased(HelpRequest, found.offset(0).subquery())
        stmt = select(row)
    stmt = stmt.options(joinedload(row.assignee), selectinload(row.filing))
    order = [(row.band, "asc"), (row.created_at, "asc"), (row.id, "asc")]
    return keyset_page(stmt, order, lambda r: (r.band, r.created_at, r.id), cursor=cursor, limit=limit,
                       scope=f"queue:{scope}")


def _countries_served(mission_id) -> tuple[str, ...]:
    """The countries a mission serves (to read a local phone number typed without its country code)."""
    if mission_id is None:
        return ()
    rows = db.session.scalars(select(Jurisdiction.country).where(Jurisdiction.mission_id == mission_id)
                              .union(select(Mission.country).where(Mission.id == mission_id)))
    return tuple(sorted(set(rows)))


def counts_by_status(user, mission_id=None) -> dict:
    """{status: count} for the staff member's mission (admin: all, or `mission_id`)."""
    scope = _scope(user, mission_id)
    stmt = select(HelpRequest.status, func.count()).where(in_queue()).group_by(HelpRequest.status)
    if scope is not None:
        stmt = stmt.where(HelpRequest.mission_id == scope)
    return dict(db.session.execute(stmt).all())


def worker_of(user, help_request_id):
    """The account id of the request's worker (None once deleted), for staff who may act on it."""
    return _staff_get(user, help_request_id).user_id


def get_for_staff(user, help_request_id) -> HelpRequest:
    """The request with the worker's current presence (`worker_presence`); the read is audited."""
    help_request = _staff_get(user, help_request_id)
    presence = current_presence(help_request.user_id) if help_request.user_id else None
    help_request.worker_presence = presence
    record_read(user, "help_request", help_request.id)
    if presence is not None:
        record_read(user, "presence", presence.id)
    return help_request


def _first_action(help_request, now=None) -> None:
    if help_request.first_action_at is None:
        help_request.first_action_at = now or utcnow()


def _event(help_request, actor, kind, from_value, to_value, reason=None) -> None:
    db.session.add(HelpRequestEvent(help_request_id=help_request.id, kind=kind, from_value=from_value,
                                    to_value=to_value, actor_id=actor.id, reason=reason))


def _check_move(help_request, status, by_worker: bool = False) -> None:
    if not can_move(help_request.status, status, by_worker=by_worker):
        raise DomainError(409, _("A request in status “%(current)s” cannot move to “%(target)s”.",
                                 current=help_request.status, target=status))


def _set_status(help_request, actor, status, *, by_worker: bool = False, closure_reason=None,
                duplicate_of=None) -> None:
    """The one place a status changes: the workflow check, the history, the worker's feed.

    Closing stores why (`closure_reason`, and for a duplicate the original) on the request and
    in its history; the caller has checked them (_closure).
    """
    _check_move(help_request, status, by_worker)
    _event(help_request, actor, "status", help_request.status, status, reason=closure_reason)
    help_request.status = status
    if status == "closed":
        help_request.closure_reason, help_request.closed_at = closure_reason, utcnow()
        if duplicate_of is not None:
            help_request.duplicate_of_id = duplicate_of.id
            _event(help_request, actor, "duplicate", None, str(duplicate_of.id))
    if help_request.user_id:
        record_change(help_request.user_id, "help_request", help_request.id)
    record_status(help_request, actor, status)


def claim(user, help_request_id) -> HelpRequest:
    """Make the caller the assignee; exactly one of several concurrent claimers wins, the rest get 409.

    A conditional UPDATE (… WHERE assignee_id IS NULL) decides: the database serialises the
    writers on the row, so only one sees a row to change, on SQLite and PostgreSQL alike.
    """
    help_request = _staff_get(user, help_request_id)
    if help_request.assignee_id == user.id:
        return help_request
    now = utcnow()
    result = db.session.execute(
        sql_update(HelpRequest)
        .where(HelpRequest.id == help_request.id, HelpRequest.assignee_id.is_(None))
        .values(assignee_id=user.id, first_action_at=func.coalesce(HelpRequest.first_action_at, now),
                updated_at=now)
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise DomainError(409, _("Someone else has already claimed this request."))
    db.session.refresh(help_request)
    _event(help_request, user, "claim", None, str(user.id))
    db.session.flush()
    return help_request


def _check_assignee(help_request, assignee_id):
    if assignee_id is None:
        return None
    assignee = db.session.get(User, assignee_id)
    if assignee is None or not access.may_act_for_mission(assignee, access.QUEUE, help_request.mission_id):
        raise DomainError(422, _("Some fields are not valid."),
                          {"assignee_id": [_("Choose a staff member of the request's mission.")]})
    return assignee.id


def _invalid(field: str, message) -> DomainError:
    return DomainError(422, _("Some fields are not valid."), {field: [message]})


def _closure(help_request, status, closure_reason, duplicate_of_id):
    """Check the reason a close needs: (reason, the original request or None); 422 when missing or
    misplaced. A duplicate names another request of the same mission."""
    if status != "closed":
        for name, value in (("closure_reason", closure_reason), ("duplicate_of", duplicate_of_id)):
            if value is not None:
                raise _invalid(name, _("Give this only when closing the request."))
        return None, None
    if closure_reason is None:
        raise _invalid("closure_reason", _("Say why the request is closed."))
    if closure_reason != "duplicate":
        if duplicate_of_id is not None:
            raise _invalid("duplicate_of", _("Give this only for a duplicate."))
        return closure_reason, None
    if duplicate_of_id is None:
        raise _invalid("duplicate_of", _("Name the request this one repeats."))
    original = db.session.get(HelpRequest, duplicate_of_id)
    if original is None or original.id == help_request.id or original.mission_id != help_request.mission_id:
        raise _invalid("duplicate_of", _("Choose another request of the same mission."))
    return closure_reason, original


def find_reference(user, reference: str):
    """The id of the request with this reference (e.g. JBT-7K3Q9M) that `user` may act on, or None."""
    help_request = db.session.scalar(select(HelpRequest).where(HelpRequest.reference == reference.strip().upper()))
    if help_request is None or not access.may_act_for_mission(user, access.QUEUE, help_request.mission_id):
        return None
    return help_request.id


def update(user, help_request_id, status=UNSET, priority_override=UNSET, assignee_id=UNSET,
           mission_code=UNSET, closure_reason=None, duplicate_of=None) -> HelpRequest:
    """Change what staff may change; a field left UNSET stays, None clears it.

    `status` follows the workflow (409 otherwise; `withdrawn` is the worker's alone); moving to
    `closed` takes `closure_reason` (app.help.workflow.CLOSURE_REASONS) and, for `duplicate`,
    `duplicate_of` (422 otherwise); `priority_override` is a band name (app.help.priority.BANDS)
    or None; `assignee_id` a staff member of the mission or None; `mission_code` transfers the
    request to another mission (its assignee is cleared).
    """
    help_request = _staff_get(user, help_request_id, for_update=True)
    changed = False
    moving = status is not UNSET and status != help_request.status
    if moving:
        _check_move(help_request, status)
    reason, original = _closure(help_request, status if moving else None, closure_reason, duplicate_of)
    if moving:
        _set_status(help_request, user, status, closure_reason=reason, duplicate_of=original)
        changed = True
    if priority_override is not UNSET and priority_override != help_request.priority_override:
        _event(help_request, user, "priority", help_request.priority_override, priority_override)
        help_request.priority_override = priority_override
        help_request.band = priority_band(help_request.category, help_request.urgency, priority_override)
        set_deadlines(help_request)
        changed = True
    if mission_code is not UNSET and mission_code is not None:
        mission = get_by_code(mission_code)
        if mission is None:
            raise DomainError(422, _("Some fields are not valid."), {"mission_code": [_("Unknown mission.")]})
        if mission.id != help_request.mission_id:
            _event(help_request, user, "transfer", help_request.mission.code if help_request.mission else None,
                   mission.code)
            help_request.mission_id, help_request.mission = mission.id, mission
            help_request.assignee_id = None
            set_deadlines(help_request)
            if help_request.user_id:
                record_change(help_request.user_id, "help_request", help_request.id)
            changed = True
    if assignee_id is not UNSET:
        new_assignee = _check_assignee(help_request, assignee_id)
        if new_assignee != help_request.assignee_id:
            _event(help_request, user, "assign", str(help_request.assignee_id or "") or None,
                   str(new_assignee) if new_assignee else None)
            help_request.assignee_id = new_assignee
            changed = True
    if changed:
        _first_action(help_request)
    db.session.flush()
    return help_request


def add_note(user, help_request_id, body: str) -> InternalNote:
    """An internal note, never shown to the worker."""
    help_request = _staff_get(user, help_request_id)
    note = InternalNote(help_request_id=help_request.id, author_id=user.id, body=body)
    db.session.add(note)
    _first_action(help_request)
    db.session.flush()
    return note


def add_staff_message(user, help_request_id, body: str, message_id=None) -> tuple[HelpMessage, bool]:
    """A message to the worker; idempotent by `message_id`; the worker hears of it through sync."""
    help_request = _staff_get(user, help_request_id)
    message, created = _add_message(help_request, user, message_id or uuid.uuid4(), body, TO_WORKER, utcnow())
    if created:
        _first_action(help_request)
        record_response(help_request)
        if help_request.user_id:
            record_change(help_request.user_id, "message", message.id)
        db.session.flush()
    return message, created
