"""Settings, read from the environment.

Every secret has a development default so that `make serve` works on a fresh
machine; `create_app` refuses to start in production with any of them.
"""
import os
from datetime import timedelta

from .crypto import key_errors
from .paths import INSTANCE_DIR

DEV_SECRET = "dev-only-secret-change-me-before-production"
# 32 zero bytes, urlsafe-base64: a development key that must never reach production.
DEV_DATA_KEY = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="


def _bool(value: str | None, default: bool) -> bool:
    if value is None:
        return default
    return value.strip().lower() not in {"0", "false", "no", "off", ""}


def from_environment() -> dict:
    """Build the configuration mapping from environment variables."""
    env = os.environ
    database_url = env.get("DATABASE_URL") or f"sqlite:///{INSTANCE_DIR / 'jembatan.db'}"
    return {
        "ENV_NAME": env.get("JEMBATAN_ENV", "development"),
        "SECRET_KEY": env.get("SECRET_KEY", DEV_SECRET),
        "JWT_SECRET_KEY": env.get("JWT_SECRET_KEY", DEV_SECRET),
        "DATA_KEY": env.get("DATA_KEY", DEV_DATA_KEY),
        # Key rotation (app.crypto): old keys that still decrypt, comma-separated; the blind index's own key.
        "DATA_KEY_OLD": env.get("DATA_KEY_OLD"),
        "INDEX_KEY": env.get("INDEX_KEY"),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "REDIS_URL": env.get("REDIS_URL"),
        "RATELIMIT_ENABLED": _bool(env.get("RATELIMIT_ENABLED"), True),
        "RATELIMIT_STORAGE_URI": env.get("REDIS_URL") or "memory://",
        "RATELIMIT_HEADERS_ENABLED": True,
        # One bucket per client address for every call that checks a credential (app.accounts.limits),
        # and one per phone or email tried, whatever the address.
        "RATELIMIT_AUTH": env.get("RATELIMIT_AUTH", "10 per minute;100 per hour"),
        "RATELIMIT_IDENTIFIER": env.get("RATELIMIT_IDENTIFIER", "10 per hour"),
        # Per worker (keyed by the token's identity): the PWA sends its outbox in batches of 100.
        "RATELIMIT_SYNC": env.get("RATELIMIT_SYNC", "60 per minute"),
        # Family check (`GET /api/v1/status/{reference}` and the /status page), every check counted:
        # per client address, and per reference whatever the address (a PIN has only six digits).
        "RATELIMIT_FAMILY": env.get("RATELIMIT_FAMILY", "10 per minute;60 per hour"),
        "RATELIMIT_FAMILY_REFERENCE": env.get("RATELIMIT_FAMILY_REFERENCE", "5 per 15 minutes;20 per day"),
        # 1 MiB: the sync contract's per-call limit; nothing a worker sends is larger.
        "MAX_CONTENT_LENGTH": 1024 * 1024,
        # Reverse proxies in front of the app (TLS ends there): trust that many X-Forwarded-* hops, so
        # HTTPS is seen as HTTPS (HSTS, Secure cookies) and rate limits key on the client's address.
        "PROXY_HOPS": int(env.get("PROXY_HOPS", "0")),
        "JWT_ACCESS_TOKEN_EXPIRES": timedelta(minutes=15),
        # A staff or admin login ends this long after it began, however often it was renewed.
        "STAFF_SESSION_HOURS": float(env.get("STAFF_SESSION_HOURS", "12")),
        # How often an open queue page asks for new requests (app.console.queue_updates).
        "CONSOLE_POLL_SECONDS": float(env.get("CONSOLE_POLL_SECONDS", "30")),
        # Two tabs renewing a page login with one cookie within this many seconds get the same new token.
        "REFRESH_GRACE_SECONDS": int(env.get("REFRESH_GRACE_SECONDS", "30")),
        "JWT_REFRESH_TOKEN_EXPIRES": timedelta(days=30),
        "JWT_TOKEN_LOCATION": ["headers", "cookies"],
        # Cookies travel only over HTTPS in production (COOKIE_SECURE overrides either way).
        "JWT_COOKIE_SECURE": _bool(env.get("COOKIE_SECURE"), env.get("JEMBATAN_ENV") == "production"),
        "JWT_COOKIE_SAMESITE": "Lax",
        "JWT_COOKIE_CSRF_PROTECT": True,
        "JWT_CSRF_CHECK_FORM": True,
        "JWT_ACCESS_COOKIE_PATH": "/",
        "JWT_REFRESH_COOKIE_PATH": "/",
        "SESSION_COOKIE_SAMESITE": "Lax",
        "BABEL_DEFAULT_LOCALE": "id",
        "BABEL_DEFAULT_TIMEZONE": "UTC",
        "API_TITLE": "Jembatan API",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api/v1",
        "OPENAPI_JSON_PATH": "openapi.json",
        # /api/v1/docs is app.api_docs (Swagger UI from its pip package), not flask-smorest's CDN page.
        # One-time codes go here as POST {"to", "text"} (app.accounts.sms); unset: to the log, development only.
        "SMS_GATEWAY_URL": env.get("SMS_GATEWAY_URL"),
        # How far back a device's `created_at` may go (app.types.clamp_device_time).
        "OFFLINE_WINDOW_DAYS": int(env.get("OFFLINE_WINDOW_DAYS", "30")),
        # Per-worker limits on new help requests (app.help.limits); `false` lifts them, for load tests only.
        "WORKER_LIMITS": _bool(env.get("WORKER_LIMITS"), True),
        "WORKER_REQUESTS_PER_DAY": int(env.get("WORKER_REQUESTS_PER_DAY", "5")),
        "WORKER_OPEN_REQUESTS": int(env.get("WORKER_OPEN_REQUESTS", "3")),
        # Voice notes and photos (app.attachments.storage): the backend (`filesystem`, the only one
        # yet) and its folder (default: `attachments` in the instance folder). Files are encrypted
        # with DATA_KEY before they get there.
        "ATTACHMENTS_STORAGE": env.get("ATTACHMENTS_STORAGE", "filesystem"),
        "ATTACHMENTS_DIR": env.get("ATTACHMENTS_DIR"),
    }


def check_production_secrets(config: dict) -> None:
    """Refuse to run with keys that cannot work, and in production with a development secret."""
    errors = key_errors(config)
    if errors:
        raise RuntimeError("Refusing to start: " + " ".join(errors))
    if config.get("ENV_NAME") != "production":
        return
    weak = [
        name
        for name, dev in (("SECRET_KEY", DEV_SECRET), ("JWT_SECRET_KEY", DEV_SECRET), ("DATA_KEY", DEV_DATA_KEY))
        if not config.get(name) or config.get(name) == dev
    ]
    if weak:
        raise RuntimeError(f"Refusing to start in production with default secrets: {', '.join(weak)}")
    if config.get("RATELIMIT_ENABLED") and not config.get("REDIS_URL"):
        # Memory storage counts per process: four gunicorn workers would allow four times the limit.
        raise RuntimeError("Refusing to start in production with rate limits on and no REDIS_URL: set REDIS_URL "
                           "(shared rate-limit storage) or RATELIMIT_ENABLED=false.")
    if not config.get("SMS_GATEWAY_URL") and config.get("SMS_SENDER") is None:
        raise RuntimeError("Refusing to start in production without SMS_GATEWAY_URL: password-reset codes "
                           "would go to the log instead of the worker's phone.")
