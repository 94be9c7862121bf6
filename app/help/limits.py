"""How many new help requests one worker may send: the rule that keeps one account from burying
a mission's queue under requests of its own.

Counted from the database (so it holds across app servers) for every request created, whatever
the way in: REST, the pages, each mutation of a sync call. Two limits, both lifted by
WORKER_LIMITS=false (load tests and benchmarks only):

- at most WORKER_REQUESTS_PER_DAY new requests in 24 hours (by the server's received time);
  an `emergency` request is never refused by this one;
- at most WORKER_OPEN_REQUESTS open requests at once, counting those staff closed as `spam` in
  the last SPAM_MEMORY_DAYS days. It applies to every request, and the refusal tells the worker
  to write in her open request or call her mission.

So a genuine emergency of a worker under the cap is never refused.
"""
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import format_timedelta, get_locale
from sqlalchemy import func, or_, select, text

from ..errors import DomainError
from ..extensions import db
from ..i18n import _
from ..missions.models import Mission
from .models import HelpRequest
from .workflow import OPEN

SPAM_MEMORY_DAYS = 30
DAY = timedelta(days=1)
# One worker's creators take this transaction lock on PostgreSQL, so two app servers cannot both
# count the same free place. (Two-key advisory locks never clash with sync.feed's one-key ones.)
_LOCK_SPACE = 0x4A42
_LOCK = text("SELECT pg_advisory_xact_lock(:space, :key)")


@dataclass
class Allowance:
    """What one worker may still send, read once per unit of work; ask `admits` or `refusal` for each new
    request in turn (an admitted one is counted)."""

    user_id: uuid.UUID
    now: datetime
    open_count: int = 0
    # The received times of the latest requests of the last 24 hours, newest first (at most per_day).
    recent: list = field(default_factory=list)
    enabled: bool = True

    def refusal(self, urgency: str, mission_id=None) -> DomainError | None:
        """Why a new request of this urgency cannot be stored now, or None (and it is counted)."""
        blocked = self._blocked(urgency)
        if blocked == "open":
            return _too_many_open(self.user_id, mission_id)
        if blocked == "today":
            wait = self.recent[current_app.config["WORKER_REQUESTS_PER_DAY"] - 1] + DAY - self.now
            return _too_many_today(self.user_id, mission_id, max(wait, timedelta(seconds=1)))
        return None

    def admits(self, urgency: str) -> bool:
        """Whether a new request of this urgency may be stored now (then it is counted); no message made."""
        return self._blocked(urgency) is None

    def _blocked(self, urgency: str) -> str | None:
        if not self.enabled:
            return None
        config = current_app.config
        if self.open_count >= config["WORKER_OPEN_REQUESTS"]:
            return "open"
        if urgency != "emergency" and len(self.recent) >= config["WORKER_REQUESTS_PER_DAY"]:
            return "today"
        self.open_count += 1
        self.recent.insert(0, self.now)
        return None


def allowance(user, now: datetime) -> Allowance:
    """Read what `user` may still send (and, on PostgreSQL, hold it until the transaction ends)."""
    if not current_app.config["WORKER_LIMITS"]:
        return Allowance(user.id, now, enabled=False)
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(_LOCK, {"space": _LOCK_SPACE, "key": int.from_bytes(user.id.bytes[:4], "big", signed=True)})
    # SQLite: a request that may write holds the database's write lock from its first statement.
    mine = HelpRequest.user_id == user.id
    open_count = db.session.scalar(select(func.count()).select_from(HelpRequest).where(mine, or_(
        HelpRequest.status.in_(OPEN),
        (HelpRequest.closure_reason == "spam") & (HelpRequest.closed_at >= now - timedelta(days=SPAM_MEMORY_DAYS)))))
    recent = list(db.session.scalars(
        select(HelpRequest.received_at).where(mine, HelpRequest.received_at > now - DAY)
        .order_by(HelpRequest.received_at.desc()).limit(current_app.config["WORKER_REQUESTS_PER_DAY"])))
    return Allowance(user.id, now, open_count, recent)


def _mission_to_call(user_id, mission_id):
    """The mission the worker should call: the one her new request goes to, else her latest open one's."""

    if mission_id is None:
        mission_id = db.session.scalar(
            select(HelpRequest.mission_id).where(HelpRequest.user_id == user_id, HelpRequest.status.in_(OPEN),
                                                 HelpRequest.mission_id.is_not(None))
            .order_by(HelpRequest.received_at.desc()).limit(1))
    return db.session.get(Mission, mission_id) if mission_id is not None else None


def _hotline(user_id, mission_id) -> dict | None:
    """{mission, phone} to call, the number from the mission record, in the reader's language; or None."""
    mission = _mission_to_call(user_id, mission_id)
    number = mission and (mission.hotline or mission.phone)
    return {"mission": mission.name(str(get_locale() or "id")), "phone": number} if number else None


def _too_many_open(user_id, mission_id) -> DomainError:
    call = _hotline(user_id, mission_id)
    if call:
        message = _("You already have open requests. Please write in your open request (under “My requests”), "
                    "or call %(mission)s: %(phone)s.", **call)
    else:
        message = _("You already have open requests. Please write in your open request (under “My requests”), "
                    "or call your embassy or consulate.")
    return DomainError(409, message)


def _too_many_today(user_id, mission_id, wait: timedelta) -> DomainError:
    call, later = _hotline(user_id, mission_id), format_timedelta(wait, threshold=1.1)
    if call:
        message = _("You have sent many requests today. Please write in your open request or try again in "
                    "%(wait)s. If you are in danger, call %(mission)s: %(phone)s.", wait=later, **call)
    else:
        message = _("You have sent many requests today. Please write in your open request or try again in "
                    "%(wait)s. If you are in danger, call your embassy or consulate.", wait=later)
    return DomainError(429, message, headers={"Retry-After": str(int(wait.total_seconds()) + 1)})
