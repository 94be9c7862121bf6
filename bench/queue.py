"""Queue latency against queue size: p50/p95 of the first page and of a deep page, unfiltered, with
the filters (overdue; unassigned and urgency) and with each kind of search (reference, worker name,
phone, passport number).

    .venv/bin/python bench/queue.py                      # SQLite and PostgreSQL, 10k requests
    .venv/bin/python bench/queue.py --sizes 10000 1000000 --databases postgresql

Rows are bulk-inserted with SQLAlchemy Core (not through the API), then gunicorn serves
GET /api/v1/queue on 127.0.0.1 and one client asks for each page a bounded number of times.
The deep page starts 90% of the way down the queue as each filter lists it, through a real signed
cursor (what a client paging through that list sends).
"""
import argparse
import os
import random
import sys
import time
import uuid
from datetime import date, datetime, timedelta, timezone
from urllib.parse import urlencode
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


# One worker for every REQUESTS_PER_WORKER requests: a search by name, phone or passport finds as
# many requests at 10k as at 1M, so the figures compare the cost of the queue's size alone.
REQUESTS_PER_WORKER = 50
FIRST_NAMES = ["Siti", "Dewi", "Sri", "Nur", "Ani", "Rina", "Wati", "Yuni", "Budi", "Agus"]
LAST_NAMES = ["Aminah", "Lestari", "Rahayu", "Hidayah", "Susanti", "Wulandari", "Santoso", "Saputra"]


def worker_name(i: int) -> str:
    """A name of its own, letters only (a search with digits is a number, not a name)."""
    code = "".join("abcdefghijklmnopqrstuvwxyz"[i // 26 ** k % 26] for k in range(4))
    return f"{FIRST_NAMES[i % 10]} {LAST_NAMES[i % 8]} {code.capitalize()}"


def worker_phone(i: int) -> str:
    return f"+62813{i:08d}"


def worker_passport(i: int) -> str:
    return f"C{i:07d}"


def _insert(db, table, rows):
    for start in range(0, len(rows), 10_000):
        db.session.execute(insert(table), rows[start:start + 10_000])
        db.session.commit()


def _workers(db, mission, count: int, now) -> list:
    """`count` worker accounts, each with a current presence report (passport encrypted, keyed hash)."""
    from app.accounts.models import User
    from app.crypto import blind_index, encrypt
    from app.presence.models import PresenceReport

    ids = [uuid.uuid4() for _ in range(count)]
    _insert(db, User.__table__, [
        {"id": ids[i], "role": "worker", "full_name": worker_name(i), "phone": worker_phone(i),
         "password_hash": "bench-no-login", "language": "id", "is_active": True, "created_at": now,
         "updated_at": now} for i in range(count)])
    _insert(db, PresenceReport.__table__, [
        {"id": uuid.uuid4(), "user_id": ids[i], "is_current": True, "passport_enc": encrypt(worker_passport(i)),
         "passport_hash": blind_index(worker_passport(i)), "country": "MY", "region": "MY-12",
         "city": "Kota Kinabalu", "address": "bench", "employer_name": "bench", "sector": "plantation",
         "arrival_date": date(2025, 1, 1), "emergency_name": "bench", "emergency_phone": "+6281200000000",
         "emergency_relation": "ibu", "mission_id": mission.id, "created_at": now, "updated_at": now,
         "received_at": now} for i in range(count)])
    return ids


def prepare(url: str, size: int) -> dict:
    """Schema, missions, one staff member, workers, `size` help requests in that mission (30% new,
    10% in progress, 60% resolved, with their deadlines); a token, and each filter with its deep cursor."""
    os.environ.update({**SECRETS, "DATABASE_URL": url})
    from app import create_app
    from app.accounts.services import create_user, issue_tokens
    from app.extensions import db
    from app.help.deadlines import due_times, next_due, standard_of
    from app.help.models import HelpRequest
    from app.help.priority import priority_band
    from app.missions.services import get_by_code, seed_missions

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "ARGON2_TIME_COST": 1, "ARGON2_MEMORY_COST": 1024})
    with app.app_context():
        db.create_all()
        seed_missions()
        mission = get_by_code("KJRI-KOTAKINABALU")
        staff = create_user(full_name="Bench staff", password="bench-password", role="staff",
                            email=f"bench-{uuid.uuid4().hex[:6]}@example.org", mission=mission)
        token = issue_tokens(staff)["access_token"]
        db.session.commit()
        now = datetime.now(timezone.utc)
        workers = _workers(db, mission, max(size // REQUESTS_PER_WORKER, 10), now)
        standard = standard_of(mission)
        rng = random.Random(7)
        start = now - timedelta(days=60)
        batch = []
        table = HelpRequest.__table__
        for i in range(size):
            category, urgency = rng.choice(CATEGORIES), rng.choice(URGENCIES)
            created = start + timedelta(seconds=rng.randrange(60 * 86400))
            band = priority_band(category, urgency)
            first_due, due = due_times(standard, band, category, created)
            fate = rng.random()
            status = "new" if fate < 0.3 else "in_progress" if fate < 0.4 else "resolved"
            responded = None if status == "new" else min(created + timedelta(hours=rng.uniform(0.5, 96)), now)
            resolved = min(responded + timedelta(hours=rng.uniform(1, 500)), now) if status == "resolved" else None
            batch.append({
                "id": uuid.uuid4(), "reference": f"B{i:011d}", "mission_id": mission.id, "category": category,
                "urgency": urgency, "description": "bench", "country": "MY", "region": "MY-12",
                "status": status, "band": band, "created_at": created, "received_at": created, "updated_at": created,
                "user_id": workers[i % len(workers)], "assignee_id": None if status == "new" else staff.id,
                "first_response_due_at": first_due, "due_at": due, "first_response_at": responded,
                "resolved_at": resolved, "next_due_at": next_due(first_due, due, responded, status),
            })
            if len(batch) == 10_000:
                db.session.execute(insert(table), batch)
                db.session.commit()
                batch = []
        if batch:
            db.session.execute(insert(table), batch)
            db.session.commit()
        if url.startswith("postgresql"):
            db.session.execute(text("ANALYZE"))
            db.session.commit()
        middle = len(workers) // 2
        queries = [
            ("all", {}),
            ("overdue", {"overdue": "true"}),
            ("unassigned emergency", {"unassigned": "true", "urgency": "emergency"}),
            ("q reference", {"q": f"B{size // 2:011d}"}),
            ("q name", {"q": worker_name(middle).split(" ", 1)[1]}),
            ("q phone", {"q": worker_phone(middle)}),
            ("q passport", {"q": worker_passport(middle)}),
        ]
        with app.test_request_context():
            cursors = {name: deep_cursor(db, mission, args) for name, args in queries}
        db.session.remove()
        db.engine.dispose()
    return {"token": token, "queries": [(name, urlencode(args), cursors[name]) for name, args in queries]}


def deep_cursor(db, mission, args: dict) -> str | None:
    """The signed cursor of the row 90% of the way down the queue as filtered by `args` (what a
    client paging through that filtered list would send), or None when nothing matches."""
    from sqlalchemy import func, select

    from app.help.deadlines import overdue_clause
    from app.help.models import HelpRequest
    from app.help.search import search_clause
    from app.pagination import encode_cursor

    r = HelpRequest
    where = [r.mission_id == mission.id]
    if args.get("overdue"):
        where.append(overdue_clause(True))
    if args.get("unassigned"):
        where.append(r.assignee_id.is_(None))
    if args.get("urgency"):
        where.append(r.urgency == args["urgency"])
    if args.get("q"):
        where.append(search_clause(args["q"], lambda: (mission.country,)))
    count = db.session.scalar(select(func.count()).select_from(r).where(*where))
    if not count:
        return None
    key = db.session.execute(select(r.band, r.created_at, r.id).where(*where)
                             .order_by(r.band, r.created_at, r.id).offset(int(count * 0.9)).limit(1)).one()
    return encode_cursor(tuple(key), scope=f"queue:{mission.id}")


def measure(url: str, size: int, requests: int, only: set | None = None) -> list[dict]:
    started = time.monotonic()
    setup = prepare(url, size)
    load_s = time.monotonic() - started
    headers = {"Authorization": f"Bearer {setup['token']}"}
    rows = []
    with gunicorn("wsgi:app", {**SECRETS, "DATABASE_URL": url}, workers=2) as port:
        for name, query, cursor in setup["queries"]:
            if only and name not in only:
                continue
            base = "/api/v1/queue?limit=50" + (f"&{query}" if query else "")
            pages = [("first page", base)] + ([("deep page (90%)", f"{base}&cursor={cursor}")] if cursor else [])
            for label, path in pages:
                drive(port, lambda i, n: ("GET", path, None, headers, 1), connections=1, seconds=5, max_requests=20)
                figures = drive(port, lambda i, n: ("GET", path, None, headers, 1), connections=1, seconds=60,
                                max_requests=requests)
                rows.append({"database": url.split(":")[0].split("+")[0], "requests in queue": f"{size:,}",
                             "filter": name, "page": label, "calls": figures["requests"],
                             "errors": figures["errors"], "p50 ms": figures["p50_ms"], "p95 ms": figures["p95_ms"],
                             "load s": load_s})
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000])
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"], choices=["sqlite", "postgresql"])
    parser.add_argument("--requests", type=int, default=200, help="calls per page (bounded; 60 s at most)")
    parser.add_argument("--only", nargs="+", help="measure only these filters (e.g. all overdue 'q name')")
    args = parser.parse_args()
    tmp = Path("/tmp")
    rows = []
    for kind in args.databases:
        for size in args.sizes:
            url = fresh_database(kind, tmp)
            try:
                rows += measure(url, size, args.requests, set(args.only or ()))
            finally:
                drop_database(url)
    print_table(rows, ["database", "requests in queue", "filter", "page", "calls", "errors", "p50 ms", "p95 ms",
                       "load s"])
    by_page = {}
    for row in rows:
        by_page.setdefault((row["database"], row["filter"], row["page"]), []).append(row)
    for (database, name, page), group in by_page.items():
        if len(group) > 1:
            print(f"{database} {name}, {page}: p95 ratio largest/smallest queue = "
                  f"{group[-1]['p95 ms'] / group[0]['p95 ms']:.2f}")


if __name__ == "__main__":
    main()
