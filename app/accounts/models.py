"""User accounts and the token records that make logout and rotation real."""
import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import DDL, ForeignKey, Index, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..i18n import Language
from ..types import IdMixin, TimestampMixin, UTCDateTime, one_of


class ResetCodeKind(StrEnum):
    SMS = "sms"
    STAFF = "staff"


class User(IdMixin, TimestampMixin, db.Model):
    __tablename__ = "users"
    # The queue finds a worker by part of her name (app.help.search): on PostgreSQL a trigram index
    # answers ILIKE '%…%' without reading every account (pg_trgm; on SQLite a plain index).
    __table_args__ = (Index("ix_users_full_name_trgm", "full_name", postgresql_using="gin",
                            postgresql_ops={"full_name": "gin_trgm_ops"}),
                      one_of("language", Language))

    # No CHECK: the roles are the rows of app.access.ROLES, and a new role is one row there.
    role: Mapped[str] = mapped_column(String(16), default="worker")
    full_name: Mapped[str] = mapped_column(String(120))
    phone: Mapped[str | None] = mapped_column(String(20), unique=True)
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    language: Mapped[str] = mapped_column(String(8), default=Language.ID)
    mission_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("missions.id"), index=True)
    is_active: Mapped[bool] = mapped_column(default=True)

    mission = relationship("Mission", lazy="joined")


# The trigram operator class comes from pg_trgm (a trusted extension: the database's owner may add it).
event.listen(User.__table__, "before_create",
             DDL("CREATE EXTENSION IF NOT EXISTS pg_trgm").execute_if(dialect="postgresql"))


class AuthSession(IdMixin, TimestampMixin, db.Model):
    """One login: the family of refresh tokens rotated from it."""

    __tablename__ = "auth_sessions"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class RefreshToken(TimestampMixin, db.Model):
    """Every refresh token issued; a used one is dead, and reusing it kills its family
    (except within a page renewal's grace window: RenewalGrace)."""

    __tablename__ = "refresh_tokens"

    jti: Mapped[str] = mapped_column(String(64), primary_key=True)
    session_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("auth_sessions.id", ondelete="CASCADE"), index=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class RenewalGrace(TimestampMixin, db.Model):
    """Two tabs renewing a page login with the same cookie at once: the refresh token the first
    renewal handed out, encrypted, so that the second gets the same one instead of ending the
    login as a replay. A row lives for `REFRESH_GRACE_SECONDS`; every renewal sweeps the old
    ones, so the table holds only the last moments' renewals."""

    __tablename__ = "renewal_graces"

    jti: Mapped[str] = mapped_column(ForeignKey("refresh_tokens.jti", ondelete="CASCADE"), primary_key=True)
    successor: Mapped[str] = mapped_column(Text)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class RevokedToken(TimestampMixin, db.Model):
    """Access tokens ended before their expiry (logout)."""

    __tablename__ = "revoked_tokens"

    jti: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PasswordResetCode(IdMixin, TimestampMixin, db.Model):
    """A one-time code that sets a new password: sent by SMS when the worker asks, or issued by
    staff who checked her identity by phone. Only a keyed hash of the code is stored; it works
    until `expires_at`, for a few wrong tries (`attempts`), and once."""

    __tablename__ = "password_reset_codes"
    __table_args__ = (one_of("kind", ResetCodeKind),)

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    code_hash: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(default=0)
    issued_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
