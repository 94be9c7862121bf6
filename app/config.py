"""Settings, read from the environment.

Every secret has a development default so that `make serve` works on a fresh
machine; `create_app` refuses to start in production with any of them.
"""
import os
from datetime import timedelta
from pathlib import Path

INSTANCE_DIR = Path(__file__).resolve().parent.parent / "instance"

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
        "RATELIMIT_AUTH": env.get("RATELIMIT_AUTH", "10 per minute;100 per hour"),
        # Per worker (keyed by the token's identity): the PWA sends its outbox in batches of 100.
        "RATELIMIT_SYNC": env.get("RATELIMIT_SYNC", "60 per minute"),
        # 1 MiB: the sync contract's per-call limit; nothing a worker sends is larger.
        "MAX_CONTENT_LENGTH": 1024 * 1024,
        # Reverse proxies in front of the app (TLS ends there): trust that many X-Forwarded-* hops, so
        # HTTPS is seen as HTTPS (HSTS, Secure cookies) and rate limits key on the client's address.
        "PROXY_HOPS": int(env.get("PROXY_HOPS", "0")),
        "JWT_ACCESS_TOKEN_EXPIRES": timedelta(minutes=15),
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
        "LANGUAGES": ["id", "en"],
        "API_TITLE": "Jembatan API",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api/v1",
        "OPENAPI_JSON_PATH": "openapi.json",
        "OPENAPI_SWAGGER_UI_PATH": "docs",
        "OPENAPI_SWAGGER_UI_URL": "https://cdn.jsdelivr.net/npm/swagger-ui-dist/",
    }


def check_production_secrets(config: dict) -> None:
    """Refuse to run with keys that cannot work, and in production with a development secret."""
    from .crypto import key_errors

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
