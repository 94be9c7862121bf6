"""The pull half of `POST /api/v1/sync`: what changed for the worker since the device's cursor
(the change feed, sync.feed), or her whole current state when it has none; and the cursor itself."""
import base64
import binascii
import os
import uuid
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..help.models import HelpMessage, HelpRequest
from ..help.schemas import HelpRequestSchema, MessageSchema
from ..missions import routing
from ..missions.schemas import MissionSchema, lang
from ..presence.models import PresenceReport
from ..presence.schemas import PresenceSchema
from ..presence.services import current_presence
from .dumping import compiled
from .feed import lock_feed
from .models import Change

PAGE_SIZE = 100


class CursorError(Exception):
    """The cursor was not made by us for this user."""


_FEED_PAGE = (select(Change.seq, Change.entity, Change.entity_id)
              .where(Change.user_id == bindparam("user_id"), Change.seq > bindparam("after"))
              .order_by(Change.seq).limit(bindparam("limit")))


# A cursor is a position in the worker's feed, encrypted and authenticated (AES-GCM) with a key
# derived from SECRET_KEY, the user's id as associated data. `seq` counts every worker's changes,
# so in clear it would show system-wide activity; sealed, it shows nothing, and it is good for its
# own user only. Plain text: the last `seq` seen (8 bytes), and while the whole state is still being
# served (a call without a cursor, paged) the last help request id served (16 more bytes).
_CURSOR_INFO = b"jembatan sync cursor v2"
_NONCE, _SEQ, _ID, _TAG = 12, 8, 16, 16
# A snapshot position whose presence report is served and whose requests start from the first.
_BEFORE_FIRST = uuid.UUID(int=0)


@dataclass(frozen=True)
class Position:
    """Where a device is in its worker's feed. `snapshot`: it is still being sent the whole current
    state (requests in id order after `after_request`; None: nothing sent yet, the presence report
    first), after which it goes on from `seq`, the feed's end when the snapshot began."""

    seq: int = 0
    snapshot: bool = False
    after_request: uuid.UUID | None = None


START = Position(0, snapshot=True)


@lru_cache(maxsize=4)
def _cursor_cipher(secret_key: str) -> AESGCM:
    """Made once per key: deriving it costs more than a sync call's whole cursor work."""
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_CURSOR_INFO).derive(secret_key.encode())
    return AESGCM(key)


def encode_cursor(user, position) -> str:
    if isinstance(position, int):
        position = Position(position)
    plain = int(position.seq).to_bytes(_SEQ, "big")
    if position.snapshot:
        plain += (position.after_request or _BEFORE_FIRST).bytes
    nonce = os.urandom(_NONCE)
    sealed = _cursor_cipher(current_app.config["SECRET_KEY"]).encrypt(nonce, plain, user.id.bytes)
    return base64.urlsafe_b64encode(nonce + sealed).decode("ascii")


def decode_cursor(user, cursor: str | None) -> Position:
    """Where the device is; no cursor is the start (the whole state). A forged or old-format cursor,
    or another user's, is refused."""
    if not cursor:
        return START
    try:
        raw = base64.urlsafe_b64decode(cursor.encode("ascii"))
        if len(raw) not in (_NONCE + _SEQ + _TAG, _NONCE + _SEQ + _ID + _TAG):
            raise CursorError
        plain = _cursor_cipher(current_app.config["SECRET_KEY"]).decrypt(raw[:_NONCE], raw[_NONCE:], user.id.bytes)
        seq = int.from_bytes(plain[:_SEQ], "big")
        if len(plain) == _SEQ:
            return Position(seq)
        return Position(seq, snapshot=True, after_request=uuid.UUID(bytes=plain[_SEQ:]))
    except (InvalidTag, binascii.Error, UnicodeEncodeError, ValueError, CursorError):
        raise CursorError from None


def _reading(model, *related: str) -> tuple:
    """(model, loader options of a page, what a record held in the session must have loaded to be
    served as it is: its columns and the related records a page loads)."""
    columns = {attr.key for attr in db.inspect(model).column_attrs}
    return model, tuple(selectinload(getattr(model, name)) for name in related), frozenset(columns | set(related))


# How each entity is read: its model and the loader options of a page (a request is served with
# its messages and history, loaded for the whole page at once).
_READ = {
    "help_request": _reading(HelpRequest, "messages", "history", "filing"),
    "message": _reading(HelpMessage),
    "presence": _reading(PresenceReport, "filing"),
}


@lru_cache(maxsize=None)
def _schemas() -> dict:
    """Each feature's own schema dumps its records (sync.dumping compiles it once). A request's
    mission is dumped apart (_Dumper), once per page."""
    return {"help_request": compiled(HelpRequestSchema(exclude=("mission",))), "message": compiled(MessageSchema()),
            "presence": compiled(PresenceSchema()), "mission": compiled(MissionSchema())}


# A request's mission as answered, per (mission, language): missions are reference data, kept by
# each process as long as its routing table (app.missions.routing.generation).
_missions: dict = {}


class _Dumper:
    """Dumps the records of one page as their features' schemas do. Pages of one worker's requests
    name the same mission again and again: it is dumped once per process and language (it is the
    larger half of a request), and its record is not read then."""

    def __init__(self):
        self.schemas = _schemas()
        generation = routing.generation()
        if _missions.get("generation") != generation:
            _missions.clear()
            _missions["generation"] = generation
        self.missions = _missions.setdefault(lang(), {})

    def __call__(self, entity: str, record):
        if record is None:
            return None  # deleted since the change was recorded
        data = self.schemas[entity](record)
        if entity == "help_request":
            data["mission"] = self._mission(record)
        elif entity == "message":
            data.setdefault("help_request_id", str(record.help_request_id))
        return data

    def _mission(self, record):
        if record.mission_id is None:
            return None
        if record.mission_id not in self.missions:
            self.missions[record.mission_id] = self.schemas["mission"](record.mission)
        return self.missions[record.mission_id]


def _current_records(keys) -> dict:
    """{(entity, id): record} for the changed records still stored, one query per kind of entity.
    A record the session holds with what a page needs loaded (one this call just stored:
    storage.hold_stored) is served as it is."""
    wanted = defaultdict(set)
    for entity, entity_id in keys:
        wanted[entity].add(entity_id)
    found = {}
    for entity, ids in wanted.items():
        model, options, needed = _READ[entity]
        for entity_id in list(ids):
            held = db.session.identity_map.get(db.session.identity_key(model, entity_id))
            if held is not None and db.inspect(held).unloaded.isdisjoint(needed):
                found[(entity, entity_id)] = held
                ids.discard(entity_id)
        if ids:
            for record in db.session.scalars(select(model).where(model.id.in_(ids)).options(*options)):
                found[(entity, record.id)] = record
    return found


def _feed_page(user, after_seq: int, limit: int) -> tuple[list[dict], int, bool]:
    """The worker's changes after `after_seq`: (changes, last seq served, whether more wait).
    Several changes of one record in a page are served once, with its current state."""
    rows = db.session.execute(_FEED_PAGE, {"user_id": user.id, "after": after_seq, "limit": limit + 1}).all()
    has_more = len(rows) > limit
    rows = rows[:limit]
    last = rows[-1].seq if rows else after_seq
    dump = _Dumper()
    latest = {}
    for row in rows:
        latest.pop((row.entity, row.entity_id), None)
        latest[(row.entity, row.entity_id)] = row
    records = _current_records(latest)
    changes = [{"entity": entity, "id": entity_id, "data": dump(entity, records.get((entity, entity_id)))}
               for (entity, entity_id) in latest]
    return changes, last, has_more


_FEED_END = select(func.max(Change.seq)).where(Change.user_id == bindparam("user_id"))


def _snapshot_page(user, position: Position, limit: int) -> tuple[list[dict], Position, bool]:
    """The worker's whole current state, a page at a time: her current presence report, then every
    request of hers (with its messages and history) in id order; then the feed from where it stood
    when the snapshot began. A change made meanwhile is in the feed after that point, so nothing is
    lost; a record it touches may come twice, each time with its current state."""
    dump = _Dumper()
    changes = []
    if position.after_request is None:
        position = Position(db.session.scalar(_FEED_END, {"user_id": user.id}) or 0, True, _BEFORE_FIRST)
        presence = current_presence(user)
        if presence is not None:
            changes.append({"entity": "presence", "id": presence.id, "data": dump("presence", presence)})
    room = max(limit - len(changes), 0)
    requests = list(db.session.scalars(
        select(HelpRequest).where(HelpRequest.user_id == user.id, HelpRequest.id > position.after_request)
        .order_by(HelpRequest.id).limit(room + 1).options(*_READ["help_request"][1])))
    if len(requests) > room:
        requests = requests[:room]
        changes += [{"entity": "help_request", "id": r.id, "data": dump("help_request", r)}
                    for r in requests]
        after = requests[-1].id if requests else position.after_request
        return changes, Position(position.seq, True, after), True
    changes += [{"entity": "help_request", "id": r.id, "data": dump("help_request", r)} for r in requests]
    served = {(c["entity"], c["id"]) for c in changes}
    more, last, has_more = _feed_page(user, position.seq, limit - len(changes))
    return changes + [c for c in more if (c["entity"], c["id"]) not in served], Position(last), has_more


def pull_changes(user, position: Position | int, limit: int | None = None) -> tuple[list[dict], Position, bool]:
    """What the device at `position` has not seen yet: (changes, its next position, whether more wait).
    From the start (no cursor), the worker's whole current state comes first (_snapshot_page)."""
    if isinstance(position, int):
        position = Position(position)
    limit = PAGE_SIZE if limit is None else limit
    lock_feed(user.id, shared=True)  # no change of this worker still in flight can be skipped
    if position.snapshot:
        return _snapshot_page(user, position, limit)
    changes, last, has_more = _feed_page(user, position.seq, limit)
    return changes, Position(last), has_more
