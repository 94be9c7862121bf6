"""Accounts: registration, password checks, token issue, rotation and revocation."""
import uuid
from datetime import datetime, timezone
from functools import lru_cache

import phonenumbers
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_jwt_extended import create_access_token, create_refresh_token, decode_token
from sqlalchemy import bindparam, exists, select, update

from ..extensions import db
from ..types import utcnow
from .models import AuthSession, RefreshToken, RevokedToken, User



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


def normalise_phone(raw: str) -> str:
    """Parse a phone number given with its country code and return it in E.164."""
    try:
        number = phonenumbers.parse(raw, None)
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


def find_login(identifier: str) -> User | None:
    identifier = identifier.strip()
    if "@" in identifier:
        return db.session.scalar(select(User).where(User.email == identifier.lower()))
    try:
        phone = normalise_phone(identifier)
    except ValueError:
        return None
    return db.session.scalar(select(User).where(User.phone == phone))


def authenticate(identifier: str, password: str) -> User | None:
    """The user for this login pair, or None — the same cost whether the user exists or not."""
    user = find_login(identifier)
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


def rotate_refresh_token(payload: dict, user: User) -> dict | None:
    """Exchange a refresh token for a new pair, once.

    A token that was already used means it was stolen or replayed: the whole
    login (every token of the family) is ended, and None is returned.
    """
    now = utcnow()
    marked = db.session.execute(
        update(RefreshToken)
        .where(RefreshToken.jti == payload["jti"], RefreshToken.used_at.is_(None))
        .values(used_at=now)
    ).rowcount
    session = db.session.get(AuthSession, uuid.UUID(payload["sid"]))
    if not marked or session is None or session.revoked_at is not None:
        if session is not None:
            session.revoked_at = session.revoked_at or now
        return None
    return issue_tokens(user, session)


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


def purge_expired_tokens() -> int:
    """Drop token records that have expired anyway (run from cron through the CLI)."""
    now = utcnow()
    n = db.session.query(RevokedToken).filter(RevokedToken.expires_at < now).delete()
    n += db.session.query(RefreshToken).filter(RefreshToken.expires_at < now).delete()
    return n


def default_language() -> str:
    return current_app.config["BABEL_DEFAULT_LOCALE"]
