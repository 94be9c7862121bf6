"""The test app's settings: a real database (a SQLite file, or PostgreSQL when DATABASE_URL names
one; CI runs the suite on both) and limits that stay on but high."""
import os


def database_url(tmp_path_factory) -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


def app_config(url: str, **extra) -> dict:
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": url,
        # Limits stay on (their storage too) but high; tests that check them lower them.
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_AUTH": "100000 per minute",
        "RATELIMIT_IDENTIFIER": "100000 per minute",
        "RATELIMIT_SYNC": "100000 per minute",
        # The same for a worker's new and open help requests; and device times from fixed dates of
        # 2026 are kept as written (accounts are made as of ACCOUNTS_SINCE). Tests of the clamp and
        # of the worker limits set the real values (tests/help/test_worker_limits.py).
        "WORKER_REQUESTS_PER_DAY": 100000,
        "WORKER_OPEN_REQUESTS": 100000,
        "OFFLINE_WINDOW_DAYS": 3650,
        "RATELIMIT_FAMILY": "100000 per minute",
        "RATELIMIT_FAMILY_REFERENCE": "100000 per minute",
        "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
        "JWT_SECRET_KEY": "test-jwt-key-that-is-long-enough-0123456789",
        # argon2id at its cheapest: the suite creates hundreds of accounts.
        "ARGON2_TIME_COST": 1,
        "ARGON2_MEMORY_COST": 1024,
        **extra,
    }
