"""Password recovery with a one-time code, the way a worker without email can use it.

A code is six digits. It comes by SMS when the worker asks (`request_code`), or from staff of the
mission handling her request, who read it to her by phone after checking who she is
(`issue_staff_code`, audited). `reset_password` sets the new password with it and ends every
earlier login of the account.

Only a keyed hash of a code is stored (HMAC-SHA256 with SECRET_KEY, bound to the account). A code
works for CODE_LIFETIME, once, and not after MAX_ATTEMPTS wrong tries on the account; a newer
code of the same kind replaces the older one. Asking for a code answers the same whether or not
the phone has an account, so the call cannot tell who uses Jembatan.
"""
import hashlib
import hmac
import logging
import secrets
from datetime import timedelta

from flask import after_this_request, current_app
from flask_babel import force_locale
from sqlalchemy import delete, select

from ..errors import DomainError
from ..extensions import db
from ..i18n import _
from ..audit.services import record_read
from .. import access
from ..storage import after_commit, committed
from ..types import utcnow
from .models import PasswordResetCode, User
from .services import end_sessions, hash_password
from .sms import TextMessage, send

log = logging.getLogger(__name__)
CODE_LIFETIME = timedelta(minutes=15)
MAX_ATTEMPTS = 5


def _new_code() -> str:
    return f"{secrets.randbelow(1_000_000):06d}"


def _digest(user_id, code: str) -> str:
    key = current_app.config["SECRET_KEY"].encode("utf-8")
    return hmac.new(key, f"{user_id}:{code}".encode("utf-8"), hashlib.sha256).hexdigest()


def _account(phone: str) -> User | None:
    """The active account with this phone (E.164), or None."""
    return db.session.scalar(select(User).where(User.phone == phone, User.is_active.is_(True)))


def _store(user: User, kind: str, code: str, issued_by: User | None = None) -> None:
    db.session.execute(delete(PasswordResetCode)
                       .where(PasswordResetCode.user_id == user.id, PasswordResetCode.kind == kind))
    db.session.add(PasswordResetCode(user_id=user.id, kind=kind, code_hash=_digest(user.id, code),
                                     expires_at=utcnow() + CODE_LIFETIME,
                                     issued_by_id=issued_by.id if issued_by else None))
    db.session.flush()


def request_code_after_response(phone: str) -> None:
    """Send a new code to the account of `phone` (E.164), if there is one, once this request's
    answer has gone out: the answer then takes the same time whether or not the phone has an
    account (nothing it waits for depends on that), and a slow gateway never holds it.

    Arranged once the request's unit of work has committed (after_commit), so a request run
    again after a deadlock still stores and sends one code."""
    app = current_app._get_current_object()

    def work():
        with app.app_context():
            try:
                message = committed(lambda: request_code(phone))
            except Exception:
                log.exception("password-reset code not stored")
                return
            finally:
                db.session.remove()
            if message is not None:
                send(message)

    def after_the_answer():
        @after_this_request
        def _after(response):
            response.call_on_close(work)
            return response

    after_commit(after_the_answer)


def request_code(phone: str) -> TextMessage | None:
    """A new code for the account of `phone` (E.164), as the text message to send in the
    account's language; None when no active account has that phone."""
    user = _account(phone)
    if user is None:
        return None
    code = _new_code()
    _store(user, "sms", code)
    minutes = int(CODE_LIFETIME.total_seconds() // 60)
    with force_locale(user.language):
        text = _("Jembatan: your code for a new password is %(code)s. It works for %(minutes)s minutes. "
                 "Never give it to anyone.", code=code, minutes=minutes)
    return TextMessage(to=user.phone, text=str(text))


def issue_staff_code(staff: User, help_request) -> tuple[User, str]:
    """A code for the worker of `help_request`, which staff of its mission (or an admin) read to
    her by phone after checking who she is: (the worker, the code). Audited; shown only once."""
    if help_request is None or not access.may_act_for_mission(staff, access.QUEUE, help_request.mission_id):
        raise DomainError(404, _("Not found."))
    worker = db.session.get(User, help_request.user_id) if help_request.user_id else None
    if worker is None or worker.role != "worker" or not worker.is_active or not worker.phone:
        raise DomainError(409, _("This worker's account is closed or deleted: no code can be issued."))
    code = _new_code()
    _store(worker, "staff", code, issued_by=staff)
    record_read(staff, "user", worker.id, action="reset_code")
    return worker, code


def issue_handover_code(helper: User, worker: User) -> str:
    """A code with which a worker registered with someone's help sets her own password at hand-over
    (app.assist decides who may ask, and audits it); shown once to the helper, who gives it to her."""
    code = _new_code()
    _store(worker, "staff", code, issued_by=helper)
    return code


def reset_password(phone: str, code: str, password: str) -> User | None:
    """Set a new password for the account of `phone` with a live code, and end every earlier login.

    None when the code is wrong, expired, used or tried too often; a wrong try counts against
    the account's live codes (the caller answers, rather than raises, so that it is kept).
    """
    user = _account(phone)
    code = "".join(code.split())  # "123 456", as it was read out
    live = list(db.session.scalars(
        select(PasswordResetCode)
        .where(PasswordResetCode.user_id == (user.id if user else None),
               PasswordResetCode.expires_at > utcnow(), PasswordResetCode.attempts < MAX_ATTEMPTS)
        .with_for_update()))
    digest = _digest(user.id if user else "nobody", code)
    if user is None or not any(hmac.compare_digest(row.code_hash, digest) for row in live):
        for row in live:
            row.attempts += 1
        db.session.flush()
        return None
    db.session.execute(delete(PasswordResetCode).where(PasswordResetCode.user_id == user.id))
    user.password_hash = hash_password(password)
    end_sessions(user)
    db.session.flush()
    return user

