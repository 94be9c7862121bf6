"""Accounts: registration, password checks, token issue, rotation and revocation."""
import uuid
from datetime import datetime, timedelta, timezone
from functools import lru_cache

import phonenumbers
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_jwt_extended import create_access_token, create_refresh_token, decode_token
from sqlalchemy import bindparam, delete, exists, select, update

from .. import access
from ..audit.services import record_action
from ..crypto import InvalidToken, decrypt, encrypt
from ..errors import DomainError
from ..extensions import db
from ..i18n import _
from ..types import utcnow
from .models import AuthSession, PasswordResetCode, RefreshToken, RenewalGrace, RevokedToken, User



@lru_cache(maxsize=4)
def _hasher_for(time_cost: int, memory_cost: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_cost)


def _hasher() -> PasswordHasher:
    """argon2id with the library's defaults; the test suite lowers the cost to stay fast."""
    config = current_app.config
    return _hasher_for(config.get("ARGON2_TIME_COST", 3), config.get("ARGON2_MEMORY_COST", 65536))


@lru_cache(maxsize=4)
def _dummy_hash(time_cost: int, memory_cost: int) -> str:
    """Checked against when the user is unknown, so both failures cost the same time."""
    return _hasher_for(time_cost, memory_cost).hash("not-a-real-password")


class AccountError(Exception):
    """A rule about accounts was broken; `field` names the input at fault."""

    def __init__(self, message, field=None, code=422):
        super().__init__(str(message))
        self.message, self.field, self.code = message, field, code


# Where a number typed without its country code is read (contract: `phone_country`, default ID).
DEFAULT_PHONE_COUNTRY = "ID"


def normalise_phone(raw: str, country: str | None = None) -> str:
    """A phone number in E.164; one without a `+country code` is read as a national number of
    `country` (ISO alpha-2), or refused when no country is given."""
    try:
        number = phonenumbers.parse(raw, country.upper() if country else None)
    except phonenumbers.NumberParseException:
        raise ValueError("unparseable") from None
    if not phonenumbers.is_valid_number(number):
        raise ValueError("invalid")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(hashed: str | None, password: str) -> bool:
    """Whether `password` matches `hashed`; with no hash (no such record) a dummy one is checked,
    so that "unknown" and "wrong" cost the same time."""
    hasher = _hasher()
    try:
        return hasher.verify(hashed or _dummy_hash(hasher.time_cost, hasher.memory_cost), password) and bool(hashed)
    except (VerificationError, InvalidHashError):
        return False


def create_user(*, full_name, password, role="worker", phone=None, email=None, language="id", mission=None):
    """Create a user; phone and email must be unused."""
    if phone and db.session.scalar(select(User.id).where(User.phone == phone)):
        raise AccountError("phone_taken", field="phone", code=409)
    if email and db.session.scalar(select(User.id).where(User.email == email)):
        raise AccountError("email_taken", field="email", code=409)
    user = User(full_name=full_name, phone=phone, email=email, role=role, language=language,
                password_hash=hash_password(password), mission=mission)
    db.session.add(user)
    db.session.flush()
    return user


def login_identifier(identifier: str, phone_country: str | None = DEFAULT_PHONE_COUNTRY) -> str | None:
    """What a login names, in the form it is stored in: an email in lower case or a phone in
    E.164; None when it cannot name an account."""
    identifier = (identifier or "").strip()
    if "@" in identifier:
        return identifier.lower()
    try:
        return normalise_phone(identifier, phone_country or DEFAULT_PHONE_COUNTRY)
    except ValueError:
        return None


def find_login(identifier: str, phone_country: str | None = DEFAULT_PHONE_COUNTRY) -> User | None:
    normalised = login_identifier(identifier, phone_country)
    if normalised is None:
        return None
    column = User.email if "@" in normalised else User.phone
    return db.session.scalar(select(User).where(column == normalised))


def authenticate(identifier: str, password: str, phone_country: str | None = DEFAULT_PHONE_COUNTRY) -> User | None:
    """The user for this login pair, or None — the same cost whether the user exists or not."""
    user = find_login(identifier, phone_country)
    hasher = _hasher()
    try:
        hasher.verify(user.password_hash if user else _dummy_hash(hasher.time_cost, hasher.memory_cost), password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or not user.is_active:
        return None
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def _token_claims(user: User, session_id: uuid.UUID) -> dict:
    return {"role": user.role, "sid": str(session_id)}


def issue_tokens(user: User, session: AuthSession | None = None) -> dict:
    """A new access token and a new refresh token in `session` (a new login if None)."""
    if session is None:
        session = AuthSession(user_id=user.id)
        db.session.add(session)
        db.session.flush()
    claims = _token_claims(user, session.id)
    access = create_access_token(identity=user, additional_claims=claims)
    refresh = create_refresh_token(identity=user, additional_claims=claims)
    payload = decode_token(refresh)
    db.session.add(RefreshToken(jti=payload["jti"], session_id=session.id,
                                expires_at=datetime.fromtimestamp(payload["exp"], timezone.utc)))
    db.session.flush()
    return {"access_token": access, "refresh_token": refresh}


def rotate_refresh_token(payload: dict, user: User, *, grace: bool = False) -> dict | None:
    """Exchange a refresh token for a new pair, once.

    A token that was already used means it was stolen or replayed: the whole login (every token
    of the family) is ended, and None is returned. With `grace` (a page renewal, where two tabs
    send the same cookie at once), a token that such a renewal used less than
    `REFRESH_GRACE_SECONDS` ago hands out the same successor instead. A staff or admin login also
    ends `STAFF_SESSION_HOURS` after it began, however often it was renewed.
    """
    now = utcnow()
    marked = db.session.execute(
        update(RefreshToken)
        .where(RefreshToken.jti == payload["jti"], RefreshToken.used_at.is_(None))
        .values(used_at=now)
    ).rowcount
    session = db.session.get(AuthSession, uuid.UUID(payload["sid"]))
    if session is None or session.revoked_at is not None:
        return None
    successor = None if marked or not grace else _successor_in_grace(payload["jti"], now)
    if (not marked and successor is None) or _lifetime_over(user, session, now):
        session.revoked_at = now
        return None
    if successor is not None:
        access = create_access_token(identity=user, additional_claims=_token_claims(user, session.id))
        return {"access_token": access, "refresh_token": successor}
    tokens = issue_tokens(user, session)
    if grace:
        _keep_successor(payload["jti"], tokens["refresh_token"], now)
    return tokens


def _lifetime_over(user: User, session: AuthSession, now) -> bool:
    """Whether a login of an account that reads others' data has lived its `STAFF_SESSION_HOURS`."""
    if user.role == "worker":
        return False
    return now - session.created_at >= timedelta(hours=current_app.config["STAFF_SESSION_HOURS"])


def _grace() -> timedelta:
    return timedelta(seconds=current_app.config["REFRESH_GRACE_SECONDS"])


def _keep_successor(jti: str, refresh_token: str, now) -> None:
    """Keep the refresh token a page renewal handed out, encrypted, for the grace window; sweep
    what has outlived its own (the table holds only the last moments' renewals)."""
    db.session.execute(delete(RenewalGrace).where(RenewalGrace.expires_at < now))
    db.session.add(RenewalGrace(jti=jti, successor=encrypt(refresh_token), expires_at=now + _grace()))
    db.session.flush()


def _successor_in_grace(jti: str, now) -> str | None:
    """The refresh token a page renewal handed out for `jti`, if that was within the grace window."""
    stored = db.session.scalar(select(RenewalGrace.successor)
                               .where(RenewalGrace.jti == jti, RenewalGrace.expires_at >= now))
    try:
        return decrypt(stored) if stored else None
    except InvalidToken:  # encrypted under a key that is gone: no grace, a replay as any other
        return None


def revoke(payload: dict) -> None:
    """End this token and its whole login."""
    db.session.merge(RevokedToken(jti=payload["jti"],
                                  expires_at=datetime.fromtimestamp(payload["exp"], timezone.utc)))
    session = db.session.get(AuthSession, uuid.UUID(payload["sid"])) if payload.get("sid") else None
    if session is not None and session.revoked_at is None:
        session.revoked_at = utcnow()


# Built once: making the statement costs more than running it, and it runs on every request.
_TOKEN_HOLDER = select(
    User,
    (exists().where(RevokedToken.jti == bindparam("jti"))
     | exists().where(AuthSession.id == bindparam("sid"), AuthSession.revoked_at.is_not(None))).label("revoked"),
).where(User.id == bindparam("uid"))


def token_holder(payload: dict) -> tuple[User | None, bool]:
    """The token's user and whether the token or its login was ended.

    One query on every authenticated request: the user's row with the revocation check beside it.
    A malformed token counts as revoked; a user who no longer exists comes back as None.
    """
    sid = payload.get("sid")
    try:
        user_id = uuid.UUID(payload["sub"])
        session_id = uuid.UUID(sid) if sid else None
    except (KeyError, TypeError, ValueError):
        return None, True
    row = db.session.execute(_TOKEN_HOLDER, {"jti": payload["jti"], "sid": session_id, "uid": user_id}).first()
    if row is None:
        return None, False
    return row[0], bool(row[1])


def end_sessions(user: User) -> None:
    """End every login of `user`: its refresh tokens stop rotating and its access tokens are refused."""
    db.session.execute(update(AuthSession)
                       .where(AuthSession.user_id == user.id, AuthSession.revoked_at.is_(None))
                       .values(revoked_at=utcnow()))


def deactivate_user(user: User) -> None:
    """Close an account (off-boarded staff, an abusive account): no login, no session, at once.

    The row stays, so what the account did keeps its author; `is_active` is what every check reads.
    """
    user.is_active = False
    end_sessions(user)
    db.session.flush()


def deactivate_account(actor: User, user_id) -> User:
    """An admin closes an account (an abusive worker's, from the console or the API): audited.

    The worker's open requests then leave the mission's queue (app.help.services.in_queue).
    Deactivating twice changes nothing; nobody deactivates their own account this way.
    """
    access.require(actor, access.ACCOUNTS)
    user = db.session.get(User, user_id)
    if user is None:
        raise DomainError(404, _("Not found."))
    if user.id == actor.id:
        raise DomainError(409, _("You cannot deactivate your own account."))
    if user.is_active:
        deactivate_user(user)
        record_action(actor, "deactivate", "user", user.id)
    return user


def staff_accounts(actor: User, mission_id=None) -> list[User]:
    """The accounts that are not workers' (staff, admins), of one mission or of all, for an admin to manage."""
    access.require(actor, access.ACCOUNTS)
    stmt = select(User).where(User.role != access.WORKER)
    if mission_id is not None:
        stmt = stmt.where(User.mission_id == mission_id)
    return list(db.session.scalars(stmt.order_by(User.is_active.desc(), User.full_name, User.id)))


def purge_expired_tokens() -> int:
    """Drop token records and reset codes that have expired anyway (run from cron through the CLI)."""
    now = utcnow()
    n = db.session.execute(delete(PasswordResetCode).where(PasswordResetCode.expires_at < now)).rowcount
    n += db.session.query(RevokedToken).filter(RevokedToken.expires_at < now).delete()
    n += db.session.execute(delete(RenewalGrace).where(RenewalGrace.expires_at < now)).rowcount
    n += db.session.query(RefreshToken).filter(RefreshToken.expires_at < now).delete()
    return n
