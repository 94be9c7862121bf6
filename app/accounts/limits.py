"""Rate limits on every call that checks a credential: login, register, refresh and password
reset, through the API and through the pages.

Two limits, both shared by all these calls: one bucket per client address (`RATELIMIT_AUTH`), so
API and page logins cannot be played against each other, and one per phone or email tried
(`RATELIMIT_IDENTIFIER`), so many addresses guessing one account's password are held back too.
The counts live in the limiter's storage: Redis (`REDIS_URL`) in production, so every app server
and gunicorn worker counts in the same place.
"""
import hashlib
import hmac
import json

from flask import current_app, request

from ..extensions import limiter
from .services import login_identifier


def auth_limit() -> str:
    return current_app.config["RATELIMIT_AUTH"]


def identifier_limit() -> str:
    return current_app.config.get("RATELIMIT_IDENTIFIER", "10 per hour")


def _sent_fields() -> dict:
    """The request's form or JSON object; anything else (malformed, a list) names nothing."""
    if not request.is_json:
        return request.form
    try:
        body = json.loads(request.get_data(cache=True))
    except (ValueError, RecursionError):
        return {}
    return body if isinstance(body, dict) else {}


def tried_identifier() -> str | None:
    """The phone (in E.164) or email (lower case) the request tries, or None."""
    fields = _sent_fields()
    raw = fields.get("email") or fields.get("phone")
    if not isinstance(raw, str) or not raw.strip():
        return None
    country = fields.get("phone_country")
    normalised = login_identifier(raw[:254], country if isinstance(country, str) and len(country) == 2 else None)
    # An unreadable number still counts, under what it is made of, so that spelling it in
    # other ways does not make a fresh bucket.
    return normalised or "".join(ch for ch in raw.lower() if ch.isalnum() or ch == "@")[:64]


def _identifier_key() -> str:
    # Keyed hash: the limiter's storage (Redis) never holds phone numbers or emails.
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, (tried_identifier() or "").encode(), hashlib.sha256).hexdigest()[:32]


_per_address = limiter.shared_limit(auth_limit, scope="credentials", methods=["POST"])
_per_identifier = limiter.shared_limit(identifier_limit, scope="credentials-identifier", methods=["POST"],
                                       key_func=_identifier_key, exempt_when=lambda: tried_identifier() is None)


def credential_limits(view):
    """Decorate a view that checks a credential (its POST) with both shared limits."""
    return _per_address(_per_identifier(view))
