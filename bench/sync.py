"""Sync throughput: `POST /api/v1/sync` against pouchdb-server and two baselines, in the same run.

    .venv/bin/python bench/sync.py                                   # SQLite and PostgreSQL, 20 s per case
    .venv/bin/python bench/sync.py --seconds 10 --databases postgresql
    .venv/bin/python bench/sync.py --no-peer                         # without pouchdb-server

For each database: a fresh database with the app's schema, missions and one worker account
(with a token) per connection, made through the app's services; then gunicorn (2 sync
workers) serves the app on 127.0.0.1 with rate limits off. Each connection is one device that
passes back the cursor of its last answer, as a phone does.

The peer, pouchdb-server 4 (bench/pouchdb_peer.py: npm, installed into bench/.peer/ on the first
run; leveldb in a temporary folder, no authentication, one node process on 127.0.0.1), gets the
same help requests as documents through `POST /help/_bulk_docs`. If it cannot be installed the
others still run and its rows say why it was skipped.

The baselines (bench/baseline_app.py: Flask + SQLAlchemy Core, `INSERT ... ON CONFLICT DO
NOTHING`, one transaction per request, nothing else) are served like the app, each on its own
fresh database: `baseline` stores the same rows as the sync path (the request, its history
event, the idempotency record); `requests only` stores the request alone.

All get the same load: 16 connections for `--seconds` (at most `--max-requests` calls), each call
carrying (a) 100 new help requests or (b) one. Targets, sync's records/s over the server's
(`sync/this`): pouchdb-server (a) >= 1.2, (b) >= 0.8 (issue 13); the baselines (a) >= 0.5,
(b) >= 0.4 (session 2). Also printed per server: CPU ms per call (its processes, from /proc),
the peak RSS of its largest worker, and the load generator's own CPU per call.
"""
import argparse
import json
import os
import sys
import uuid
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

# The repository root replaces bench/ on the path: bench/queue.py must not shadow the standard `queue`.
sys.path[0] = str(Path(__file__).resolve().parent.parent)

from bench import pouchdb_peer  # noqa: E402
from bench.harness import (SECRETS, database_kind, drive, drop_database, fmt, fresh_database, gunicorn,  # noqa: E402
                           print_table, server_cpu_seconds, server_peak_rss_mib)

CASES = {"a": ("(a) 100 per call", 100), "b": ("(b) 1 per call", 1)}
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


class SyncCalls:
    """Calls of `POST /api/v1/sync` (or the baselines' `/sync`), one device per connection, each passing back
    the cursor its last answer gave, as a phone does (without one, every answer would be the worker's
    whole state)."""

    def __init__(self, path: str, tokens: list[str], devices: list[str], per_call: int):
        self.path, self.tokens, self.devices, self.per_call = path, tokens, devices, per_call
        self.cursors = [None] * len(devices)

    def __call__(self, index: int, n: int):
        body = {"device_id": self.devices[index], "cursor": self.cursors[index],
                "mutations": [mutation(n * self.per_call + k) for k in range(self.per_call)]}
        headers = {"Authorization": f"Bearer {self.tokens[index]}"} if self.tokens else {}
        return "POST", self.path, body, headers, self.per_call

    def answered(self, index: int, status: int, data: bytes) -> None:
        if status == 200 and self.tokens:
            self.cursors[index] = json.loads(data)["cursor"]


def document(n: int) -> dict:
    """The same help request as `mutation(n)`, as a pouchdb document (its id is the mutation's)."""
    item = mutation(n)
    return {"_id": item["id"], "type": "help_request", "created_at": item["created_at"], **item["data"]}


def make_pouchdb_call(per_call: int):
    """`POST /help/_bulk_docs` with `per_call` new documents: 100 for (a), one for (b). One document goes the
    same way rather than `PUT /help/{id}`: PouchDB's replicator, what a phone running PouchDB uses, always
    pushes through `_bulk_docs`, so (a) and (b) differ only in batch size, as they do for the sync path
    (measured on this machine: the same calls/s within the noise, slightly less CPU per call than the PUT)."""
    def call(index: int, n: int):
        body = {"docs": [document(n * per_call + k) for k in range(per_call)]}
        return "POST", f"/{pouchdb_peer.DATABASE}/_bulk_docs", body, {}, per_call
    return call


# The servers of one run: the app, its peer, then the two baselines (bench/baseline_app.py).
SERVERS = {"sync": None, "pouchdb-server": None, "baseline": "all", "requests only": "requests"}
# Targets of sync's records/s against each server, per case: issue 13 (pouchdb-server), session 2 (baseline).
TARGETS = {"pouchdb-server": {"a": 1.2, "b": 0.8}, "baseline": {"a": 0.5, "b": 0.4},
           "requests only": {"a": 0.5, "b": 0.4}}


def run(kind: str, cases: list[str], seconds: float, connections: int, max_requests: int,
        peer_missing: str | None) -> list[dict]:
    rows = []
    app_url = fresh_database(kind, label="sync")
    base_urls = {name: fresh_database(kind, label="baseline") for name in SERVERS if SERVERS[name]}
    try:
        tokens, _mission_id, _users = prepare_app_database(app_url, connections)
        devices = [str(uuid.uuid4()) for _ in range(connections)]
        figures = {}
        with gunicorn("wsgi:app", {**SECRETS, "DATABASE_URL": app_url}) as port:
            for case in cases:
                figures[("sync", case)] = measure(port, SyncCalls("/api/v1/sync", tokens, devices, CASES[case][1]),
                                                  seconds, connections, max_requests)
        if not peer_missing:
            with pouchdb_peer.pouchdb_server() as port:
                for case in cases:
                    figures[("pouchdb-server", case)] = measure(port, make_pouchdb_call(CASES[case][1]), seconds,
                                                                connections, max_requests)
                stored = pouchdb_peer.document_count(port)
                sent = sum(figures[("pouchdb-server", case)]["records"] for case in cases)
                if stored < sent:
                    raise RuntimeError(f"pouchdb-server answered {sent} documents stored but holds {stored}")
        for name, base_url in base_urls.items():
            # The same schema and missions, and one worker who owns every row.
            _none, mission_id, (user_id,) = prepare_app_database(base_url, 1)
            env = {"BASELINE_DATABASE_URL": base_url, "BASELINE_MISSION_ID": mission_id,
                   "BASELINE_USER_ID": user_id, "BASELINE_ROWS": SERVERS[name]}
            with gunicorn("bench.baseline_app:app", env) as port:
                for case in cases:
                    figures[(name, case)] = measure(port, SyncCalls("/sync", [], devices, CASES[case][1]), seconds,
                                                    connections, max_requests)
    finally:
        for url in [app_url, *base_urls.values()]:
            drop_database(url)
    for case in cases:
        label, _per_call = CASES[case]
        sync = figures[("sync", case)]["rec_per_s"]
        for server in SERVERS:
            row = {"database": database_kind(app_url), "case": label, "server": server}
            f = figures.get((server, case))
            if f is None:
                rows.append({**row, "target": "skipped (see below)"})
                continue
            row.update({"requests": f["requests"], "errors": f["errors"], "records/s": f["rec_per_s"],
                        "requests/s": f["req_per_s"], "p50 ms": f["p50_ms"], "p95 ms": f["p95_ms"],
                        "CPU ms/call": f["cpu_ms"], "peak RSS MiB": f["rss_mib"],
                        "driver CPU ms/call": f["driver_cpu_ms"]})
            if server != "sync":
                target = TARGETS[server][case]
                ratio = sync / f["rec_per_s"] if f["rec_per_s"] else 0.0
                row.update({"sync/this": ratio, "target": f">= {target} " + ("met" if ratio >= target else "MISSED")})
            rows.append(row)
    return rows


def measure(port: int, make: Callable, seconds, connections, max_requests) -> dict:
    """A short warm-up, then the measured run of one case: the load's figures, the server's CPU per call
    and its workers' peak memory."""
    on_answer = getattr(make, "answered", None)
    drive(port, make, connections=2, seconds=2, max_requests=10, on_answer=on_answer)
    cpu = server_cpu_seconds(port)
    figures = drive(port, make, connections=connections, seconds=seconds, max_requests=max_requests,
                    on_answer=on_answer)
    # Server CPU per call: with 2 cores, a run that uses less than both is waiting, not computing
    # (SQLite's single write lock), and the ratio then measures the lock, not the code.
    figures["cpu_ms"] = 1000 * (server_cpu_seconds(port) - cpu) / max(figures["requests"], 1)
    figures["rss_mib"] = server_peak_rss_mib(port)
    return figures


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=20, help="length of each measured run (default 20)")
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"], choices=["sqlite", "postgresql"])
    parser.add_argument("--cases", nargs="+", default=["a", "b"], choices=sorted(CASES))
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--no-peer", action="store_true", help="leave pouchdb-server out")
    parser.add_argument("--max-requests", type=int, default=200_000, help="upper bound on calls per run")
    args = parser.parse_args()
    peer_missing = "--no-peer" if args.no_peer else pouchdb_peer.install()
    if peer_missing:
        print(f"pouchdb-server skipped: {peer_missing}", file=sys.stderr)
    rows = []
    for kind in args.databases:
        rows += run(kind, args.cases, args.seconds, args.connections, args.max_requests, peer_missing)
    print_table(rows, ["database", "case", "server", "requests", "errors", "records/s", "requests/s", "p50 ms",
                       "p95 ms", "CPU ms/call", "peak RSS MiB", "driver CPU ms/call", "sync/this", "target"])
    print("CPU ms/call: the server's processes (gunicorn master and workers; pouchdb-server's node process), "
          "from /proc. peak RSS MiB: the largest worker's peak resident memory. driver CPU ms/call: the load "
          "generator's own CPU (this process), on the same 2 cores.")
    if peer_missing:
        print(f"pouchdb-server skipped: {' '.join(peer_missing.split())}")
    for row in rows:
        if row["server"] == "pouchdb-server" and not peer_missing:
            print(f"{row['database']} {row['case']}: sync/pouchdb-server {fmt(row.get('sync/this'))} "
                  f"(target {row['target']})")
    return 0 if all(r.get("errors", 0) == 0 for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
