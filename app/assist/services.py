"""Registering a worker and filing her lapor diri and help requests on her behalf, with her consent.

The records themselves go through the one creation path of each feature (accounts, presence,
help): a filing only adds who acted for her, when and how she agreed (`Filing`), and an audit
entry. Who may file for whom is decided in app.access (`may_file_for`, `may_read_filing`).

Hand-over: the account is hers. Her registering helper (or staff of that mission) gives her a
one-time code once; from then she holds the account and nobody files for her any more. The
helper keeps its own list of what it filed (what, when, the reference) but no longer sees the
requests' status: her consent covered filing for her until she could act herself.
"""
import secrets

from sqlalchemy import select

from .. import access
from ..accounts import password_reset
from ..accounts.models import User
from ..accounts.services import AccountError, create_user
from ..audit.services import record_action, record_read
from ..errors import DomainError
from ..extensions import db
from ..help.models import HelpRequest
from ..help.services import create_help_request
from ..i18n import _
from ..pagination import keyset_page
from ..presence.models import PresenceReport
from ..presence.services import submit_presence
from ..types import utcnow
from .models import ACCOUNT, HELP_REQUEST, PRESENCE, Filing


def _not_found():
    return DomainError(404, _("Not found."))


def organisation_of(helper: User) -> str:
    """Whom the worker and staff are told acted: a partner account is its organisation (its name);
    staff act for their mission."""
    if helper.role == access.PARTNER or helper.mission is None:
        return helper.full_name
    return helper.mission.name_id


def _file(helper: User, worker: User, entity: str, entity_id, consent: dict) -> Filing:
    filing = Filing(helper_id=helper.id, worker_id=worker.id, mission_id=helper.mission_id, entity=entity,
                    entity_id=entity_id, recorded_by=consent["recorded_by"], organisation=organisation_of(helper),
                    consent=consent["consent"])
    db.session.add(filing)
    db.session.flush()
    record_action(helper, f"file_{entity}", "user" if entity == ACCOUNT else entity, entity_id)
    return filing


def register_worker(helper: User, data: dict) -> tuple[User, Filing]:
    """Make the account of a worker who has no phone or cannot use one (loaded by RegisterWorkerSchema).

    Nobody knows its password (a random one): she gets the account with a code at hand-over.
    A phone, if she has one, must be unused (409 otherwise).
    """
    access.require(helper, access.ASSIST)
    try:
        worker = create_user(full_name=data["full_name"], password=secrets.token_urlsafe(32),
                             phone=data.get("phone"), language=data.get("language") or "id")
    except AccountError:
        raise DomainError(409, _("Some fields are not valid."),
                          {"phone": [_("This phone number already has an account: she can log in herself, "
                                       "or staff can give her a password code.")]}) from None
    return worker, _file(helper, worker, ACCOUNT, worker.id, data)


def _registration(worker_id) -> Filing | None:
    return db.session.scalar(select(Filing).where(Filing.entity == ACCOUNT, Filing.entity_id == worker_id))


def assisted_worker(helper: User, worker_id) -> tuple[User, Filing]:
    """A worker `helper` may file for: one it registered (or, for staff, that their mission's
    partners registered) and who does not hold her account yet; anyone else's is 404."""
    access.require(helper, access.ASSIST)
    registration = _registration(worker_id)
    if registration is None or not access.may_file_for(helper, registration.helper_id, registration.mission_id):
        raise _not_found()
    worker = db.session.get(User, worker_id)
    if worker is None or not worker.is_active:
        raise _not_found()
    return worker, registration


def _still_assisted(registration: Filing) -> None:
    if registration.handed_over_at is not None:
        raise DomainError(409, _("She holds her account now: she files for herself, or asks the mission."))


def _file_with(create, entity: str, helper: User, worker_id, data: dict, consent: dict):
    """Make her record through its feature's own service (`create(worker, data)`), then say who filed it."""
    worker, registration = assisted_worker(helper, worker_id)
    _still_assisted(registration)
    record, created = create(worker, data)
    if created:  # the same form sent twice (its `id` again) is a replay, filed once
        _file(helper, worker, entity, record.id, consent)
    return record


def file_presence(helper: User, worker_id, data: dict, consent: dict) -> PresenceReport:
    """Her lapor diri (loaded by PresenceInSchema), filed for her through the presence service."""
    return _file_with(submit_presence, PRESENCE, helper, worker_id, data, consent)


def file_help_request(helper: User, worker_id, data: dict, consent: dict) -> HelpRequest:
    """Her help request (loaded by HelpRequestInSchema), filed for her through the help service: it
    routes, counts against her limits and enters the queue as any other."""
    return _file_with(create_help_request, HELP_REQUEST, helper, worker_id, data, consent)


def my_filings(helper: User, cursor: str | None = None, limit: int = 50) -> dict:
    """What `helper` filed, newest first: {items, next_cursor}. Only its own (app.access.may_read_filing)."""
    access.require(helper, access.ASSIST)
    stmt = select(Filing).where(Filing.helper_id == helper.id)
    return keyset_page(stmt, [(Filing.created_at, "desc"), (Filing.id, "desc")], lambda f: (f.created_at, f.id),
                       cursor=cursor, limit=limit, scope=f"filings:{helper.id}")


def worker_page(helper: User, worker_id) -> dict:
    """What `helper` may see of one worker it filed for (audited): her name and phone, what it filed
    for her, and — until she holds her account — the status of the requests it filed."""
    access.require(helper, access.ASSIST)
    filings = list(db.session.scalars(select(Filing).where(Filing.worker_id == worker_id)
                                      .order_by(Filing.created_at.desc(), Filing.id.desc())))
    registration = next((f for f in filings if f.entity == ACCOUNT), None)
    mine = [f for f in filings if access.may_read_filing(helper, f.helper_id)]
    may_file = registration is not None and access.may_file_for(helper, registration.helper_id,
                                                                 registration.mission_id)
    worker = db.session.get(User, worker_id)
    if worker is None or not (mine or may_file):
        raise _not_found()
    handed_over = registration is not None and registration.handed_over_at is not None
    requests = {}
    if not handed_over:
        ids = [f.entity_id for f in mine if f.entity == HELP_REQUEST]
        requests = {r.id: r for r in db.session.scalars(select(HelpRequest).where(HelpRequest.id.in_(ids)))} if ids else {}
    record_read(helper, "user", worker.id)
    return {"worker": worker, "registration": registration, "filings": mine, "requests": requests,
            "may_file": may_file and not handed_over, "handed_over": handed_over}


def hand_over(helper: User, worker_id, phone: str | None) -> tuple[User, str]:
    """Give her the account: a one-time code (shown once) with which she sets her own password on
    the phone she will log in with. Once only: after it, only staff issue codes (from her request)."""
    worker, registration = assisted_worker(helper, worker_id)
    _still_assisted(registration)
    if worker.phone is None:
        if not phone:
            raise DomainError(422, _("Some fields are not valid."),
                              {"phone": [_("She needs a phone number to log in: give the one she will use.")]})
        if db.session.scalar(select(User.id).where(User.phone == phone)) is not None:
            raise DomainError(409, _("Some fields are not valid."),
                              {"phone": [_("This phone number already has another account.")]})
        worker.phone = phone
    code = password_reset.issue_handover_code(helper, worker)
    registration.handed_over_at = utcnow()
    record_action(helper, "hand_over", "user", worker.id)
    db.session.flush()
    return worker, code
