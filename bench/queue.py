"""Queue latency against queue size: p50/p95 of the first page and of a deep page.

    .venv/bin/python bench/queue.py                      # SQLite and PostgreSQL, 10k requests
    .venv/bin/python bench/queue.py --sizes 10000 1000000 --databases postgresql

Rows are bulk-inserted with SQLAlchemy Core (not through the API), then gunicorn serves
GET /api/v1/queue on 127.0.0.1 and one client asks for each page a bounded number of times.
The deep page starts 90% of the way down the queue, through a real signed cursor.
"""
import argparse
import os
import random
import sys
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

# The repository root replaces bench/ on the path: bench/queue.py must not shadow the standard `queue`.
sys.path[0] = str(Path(__file__).resolve().parent.parent)

from bench.harness import drive, gunicorn, print_table  # noqa: E402
from sqlalchemy import create_engine, insert, text  # noqa: E402

SECRETS = {"SECRET_KEY": "bench-secret-key-0123456789-0123456789", "JWT_SECRET_KEY": "bench-jwt-key-0123456789-0123456789",
           "RATELIMIT_ENABLED": "false", "WORKER_LIMITS": "false"}
CATEGORIES = ["unpaid_wages", "abuse_violence", "document_withheld", "contract_dispute", "other"]
URGENCIES = ["low", "normal", "high", "emergency"]


def fresh_database(kind: str, tmp: Path) -> str:
    if kind == "sqlite":
        path = tmp / f"queue-{uuid.uuid4().hex[:6]}.db"
        return f"sqlite:///{path}"
    name = f"jembatan_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine("postgresql+psycopg://postgres@127.0.0.1:5432/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"


def drop_database(url: str) -> None:
    if not url.startswith("postgresql"):
        return
    name = url.rsplit("/", 1)[1]
    admin = create_engine("postgresql+psycopg://postgres@127.0.0.1:5432/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def prepare(url: str, size: int) -> dict:
    """Schema, missions, one staff member, `size` help requests in that mission; a token and a deep cursor."""
    os.environ.update({**SECRETS, "DATABASE_URL": url})
    from app import create_app
    from app.accounts.services import create_user, issue_tokens
    from app.extensions import db
    from app.help.models import HelpRequest
    from app.help.priority import priority_band
    from app.missions.services import get_by_code, seed_missions
    from app.pagination import encode_cursor

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "ARGON2_TIME_COST": 1, "ARGON2_MEMORY_COST": 1024})
    with app.app_context():
        db.create_all()
        seed_missions()
        mission = get_by_code("KJRI-KOTAKINABALU")
        staff = create_user(full_name="Bench staff", password="bench-password", role="staff",
                            email=f"bench-{uuid.uuid4().hex[:6]}@example.org", mission=mission)
        token = issue_tokens(staff)["access_token"]
        db.session.commit()
        rng = random.Random(7)
        start = datetime.now(timezone.utc) - timedelta(days=60)
        batch = []
        table = HelpRequest.__table__
        for i in range(size):
            category, urgency = rng.choice(CATEGORIES), rng.choice(URGENCIES)
            created = start + timedelta(seconds=rng.randrange(60 * 86400))
            batch.append({
                "id": uuid.uuid4(), "reference": f"B{i:011d}", "mission_id": mission.id, "category": category,
                "urgency": urgency, "description": "bench", "country": "MY", "region": "MY-12",
                "status": "new", "band": priority_band(category, urgency), "created_at": created,
                "received_at": created, "updated_at": created,
            })
            if len(batch) == 10_000:
                db.session.execute(insert(table), batch)
                db.session.commit()
                batch = []
        if batch:
            db.session.execute(insert(table), batch)
            db.session.commit()
        if url.startswith("postgresql"):
            db.session.execute(text("ANALYZE help_requests"))
            db.session.commit()
        row = db.session.execute(
            text("SELECT band, created_at, id FROM help_requests WHERE mission_id = :m "
                 "ORDER BY band, created_at, id LIMIT 1 OFFSET :o"),
            {"m": mission.id if url.startswith("postgresql") else mission.id.hex, "o": int(size * 0.9)},
        ).one()
        created_at = row[1] if isinstance(row[1], datetime) else datetime.fromisoformat(str(row[1]))
        if created_at.tzinfo is None:
            created_at = created_at.replace(tzinfo=timezone.utc)
        with app.test_request_context():
            cursor = encode_cursor((row[0], created_at, uuid.UUID(str(row[2]))), scope=f"queue:{mission.id}")
        db.session.remove()
        db.engine.dispose()
    return {"token": token, "cursor": cursor}


def measure(url: str, size: int, requests: int) -> list[dict]:
    started = time.monotonic()
    setup = prepare(url, size)
    load_s = time.monotonic() - started
    headers = {"Authorization": f"Bearer {setup['token']}"}
    rows = []
    with gunicorn("wsgi:app", {**SECRETS, "DATABASE_URL": url}, workers=2) as port:
        for label, path in (("first page", "/api/v1/queue?limit=50"),
                            ("deep page (90%)", f"/api/v1/queue?limit=50&cursor={setup['cursor']}")):
            drive(port, lambda i, n: ("GET", path, None, headers, 1), connections=1, seconds=5, max_requests=20)
            figures = drive(port, lambda i, n: ("GET", path, None, headers, 1), connections=1, seconds=60,
                            max_requests=requests)
            rows.append({"database": url.split(":")[0].split("+")[0], "requests in queue": f"{size:,}",
                         "page": label, "calls": figures["requests"], "errors": figures["errors"],
                         "p50 ms": figures["p50_ms"], "p95 ms": figures["p95_ms"], "load s": load_s})
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000])
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"], choices=["sqlite", "postgresql"])
    parser.add_argument("--requests", type=int, default=200, help="calls per page (bounded; 60 s at most)")
    args = parser.parse_args()
    tmp = Path("/tmp")
    rows = []
    for kind in args.databases:
        for size in args.sizes:
            url = fresh_database(kind, tmp)
            try:
                rows += measure(url, size, args.requests)
            finally:
                drop_database(url)
    print_table(rows, ["database", "requests in queue", "page", "calls", "errors", "p50 ms", "p95 ms", "load s"])
    by_page = {}
    for row in rows:
        by_page.setdefault((row["database"], row["page"]), []).append(row)
    for (database, page), group in by_page.items():
        if len(group) > 1:
            print(f"{database} {page}: p95 ratio largest/smallest queue = {group[-1]['p95 ms'] / group[0]['p95 ms']:.2f}")


if __name__ == "__main__":
    main()
