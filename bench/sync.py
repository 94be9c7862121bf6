"""Sync throughput: `POST /api/v1/sync` against a baseline that only inserts the same rows.

    .venv/bin/python bench/sync.py                                   # SQLite and PostgreSQL, 20 s per case
    .venv/bin/python bench/sync.py --seconds 10 --databases postgresql

For each database: a fresh database with the app's schema, missions and one worker account
(with a token) per connection, made through the app's services; then gunicorn (2 sync
workers) serves the app on 127.0.0.1 with rate limits off. The baselines (bench/baseline_app.py:
Flask + SQLAlchemy Core, `INSERT ... ON CONFLICT DO NOTHING`, one transaction per request,
nothing else) are served the same way, each on its own fresh database. All get the same load:
16 connections for `--seconds` (at most `--max-requests` calls), each call carrying
(a) a batch of 100 `help_request.create` mutations or (b) a single one, every mutation new.

Two baselines are measured in the same run: `baseline` stores the same rows as the sync path
(the request, its history event, the idempotency record); `requests only` stores the request
alone, a stricter reference. Targets: sync/baseline records/s >= 0.5 for (a) and >= 0.4 for (b);
the ratio to each baseline is printed (`sync/this`).
"""
import argparse
import os
import sys
import uuid
from datetime import datetime, timezone
from pathlib import Path

# The repository root replaces bench/ on the path: bench/queue.py must not shadow the standard `queue`.
sys.path[0] = str(Path(__file__).resolve().parent.parent)

from bench.harness import (SECRETS, database_kind, drive, drop_database, fresh_database, gunicorn,  # noqa: E402
                           print_table, server_cpu_seconds)

CASES = {"a": ("(a) 100 per call", 100, 0.5), "b": ("(b) 1 per call", 1, 0.4)}
CATEGORIES = ["unpaid_wages", "abuse_violence", "document_withheld", "contract_dispute", "other"]
URGENCIES = ["low", "normal", "high", "emergency"]


def prepare_app_database(url: str, workers: int) -> tuple[list[str], str, list[str]]:
    """Schema, missions and `workers` worker accounts: their access tokens, the Sabah mission's id
    and the workers' ids."""
    os.environ.update({**SECRETS, "DATABASE_URL": url})
    from app import create_app
    from app.accounts.services import create_user, issue_tokens
    from app.extensions import db
    from app.missions.services import get_by_code, seed_missions

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "ARGON2_TIME_COST": 1, "ARGON2_MEMORY_COST": 1024})
    with app.app_context():
        db.create_all()
        seed_missions()
        tokens, user_ids = [], []
        for i in range(workers):
            user = create_user(full_name=f"Bench worker {i}", password="bench-password", role="worker",
                               phone=f"+6281200{i:05d}")
            tokens.append(issue_tokens(user)["access_token"])
            user_ids.append(str(user.id))
        mission_id = str(get_by_code("KJRI-KOTAKINABALU").id)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return tokens, mission_id, user_ids


def mutation(n: int) -> dict:
    now = datetime.now(timezone.utc).isoformat()
    return {"id": str(uuid.uuid4()), "type": "help_request.create", "created_at": now,
            "data": {"category": CATEGORIES[n % len(CATEGORIES)], "urgency": URGENCIES[n % len(URGENCIES)],
                     "description": f"Bench request {n}: my employer has not paid my wages for three months.",
                     "country": "MY", "region": "MY-12", "city": "Kota Kinabalu"}}


def make_call(path: str, tokens: list[str], devices: list[str], per_call: int):
    def call(index: int, n: int):
        body = {"device_id": devices[index], "cursor": None,
                "mutations": [mutation(n * per_call + k) for k in range(per_call)]}
        headers = {"Authorization": f"Bearer {tokens[index]}"} if tokens else {}
        return "POST", path, body, headers, per_call
    return call


# The servers of one run: the app, then the two baselines (bench/baseline_app.py).
SERVERS = {"sync": None, "baseline": "all", "requests only": "requests"}


def run(kind: str, cases: list[str], seconds: float, connections: int, max_requests: int) -> list[dict]:
    rows = []
    app_url = fresh_database(kind, label="sync")
    base_urls = {name: fresh_database(kind, label="baseline") for name in SERVERS if SERVERS[name]}
    try:
        tokens, _mission_id, _users = prepare_app_database(app_url, connections)
        devices = [str(uuid.uuid4()) for _ in range(connections)]
        figures = {}
        with gunicorn("wsgi:app", {**SECRETS, "DATABASE_URL": app_url}) as port:
            for case in cases:
                figures[("sync", case)] = measure(port, "/api/v1/sync", tokens, devices, case, seconds, connections,
                                                  max_requests)
        for name, base_url in base_urls.items():
            # The same schema and missions, and one worker who owns every row.
            _none, mission_id, (user_id,) = prepare_app_database(base_url, 1)
            env = {"BASELINE_DATABASE_URL": base_url, "BASELINE_MISSION_ID": mission_id,
                   "BASELINE_USER_ID": user_id, "BASELINE_ROWS": SERVERS[name]}
            with gunicorn("bench.baseline_app:app", env) as port:
                for case in cases:
                    figures[(name, case)] = measure(port, "/sync", [], devices, case, seconds, connections,
                                                    max_requests)
    finally:
        for url in [app_url, *base_urls.values()]:
            drop_database(url)
    for case in cases:
        label, _per_call, target = CASES[case]
        sync = figures[("sync", case)]["rec_per_s"]
        for server in SERVERS:
            f = figures[(server, case)]
            row = {"database": database_kind(app_url), "case": label, "server": server,
                   "requests": f["requests"], "errors": f["errors"], "records/s": f["rec_per_s"],
                   "requests/s": f["req_per_s"], "p50 ms": f["p50_ms"], "p95 ms": f["p95_ms"],
                   "CPU ms/call": f["cpu_ms"]}
            if server != "sync":
                ratio = sync / f["rec_per_s"] if f["rec_per_s"] else 0.0
                row.update({"sync/this": ratio, "target": f">= {target} " + ("met" if ratio >= target else "MISSED")})
            rows.append(row)
    return rows


def measure(port: int, path: str, tokens, devices, case: str, seconds, connections, max_requests) -> dict:
    """A short warm-up, then the measured run of one case."""
    _label, per_call, _target = CASES[case]
    drive(port, make_call(path, tokens, devices, per_call), connections=2, seconds=2, max_requests=10)
    cpu = server_cpu_seconds(port)
    figures = drive(port, make_call(path, tokens, devices, per_call), connections=connections, seconds=seconds,
                    max_requests=max_requests)
    # Server CPU per call: with 2 cores, a run that uses less than both is waiting, not computing
    # (SQLite's single write lock), and the ratio then measures the lock, not the code.
    figures["cpu_ms"] = 1000 * (server_cpu_seconds(port) - cpu) / max(figures["requests"], 1)
    return figures


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=20, help="length of each measured run (default 20)")
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"], choices=["sqlite", "postgresql"])
    parser.add_argument("--cases", nargs="+", default=["a", "b"], choices=sorted(CASES))
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--max-requests", type=int, default=200_000, help="upper bound on calls per run")
    args = parser.parse_args()
    rows = []
    for kind in args.databases:
        rows += run(kind, args.cases, args.seconds, args.connections, args.max_requests)
    print_table(rows, ["database", "case", "server", "requests", "errors", "records/s", "requests/s", "p50 ms",
                       "p95 ms", "CPU ms/call", "sync/this", "target"])
    return 0 if all(r["errors"] == 0 for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
