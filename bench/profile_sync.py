"""Profile `POST /api/v1/sync` in one process with pyinstrument (`pip install -e .[bench]`).

    .venv/bin/python bench/profile_sync.py                         # SQLite, 10 calls of 100 mutations
    .venv/bin/python bench/profile_sync.py --database postgresql --per-call 1 --calls 300
    .venv/bin/python bench/profile_sync.py --no-profile --cursor      # CPU ms per call, a phone's cursor passed back

Prints the CPU time and SQL statements per call, and the call tree. Every call sends `cursor: null`
(as bench/sync.py does: each answer then carries the worker's whole state, a page of it) unless
--cursor, which passes each answer's cursor back as a phone does.
"""
import argparse
import cProfile
import os
import pstats
import sys
import time
import uuid
from pathlib import Path

# The repository root replaces bench/ on the path: bench/queue.py must not shadow the standard `queue`.
sys.path[0] = str(Path(__file__).resolve().parent.parent)

from bench.harness import SECRETS, drop_database, fresh_database  # noqa: E402
from bench.sync import mutation, prepare_app_database  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", default="sqlite", choices=["sqlite", "postgresql"])
    parser.add_argument("--per-call", type=int, default=100)
    parser.add_argument("--calls", type=int, default=10)
    parser.add_argument("--no-profile", action="store_true", help="only count time and queries")
    parser.add_argument("--trace", action="store_true", help="print the SQL statements of one more call")
    parser.add_argument("--cursor", action="store_true", help="pass each answer's cursor back, as a phone does")
    parser.add_argument("--cpu", action="store_true",
                        help="profile CPU time (cProfile on process time) instead of wall time: what counts on a busy machine")
    args = parser.parse_args()
    from pyinstrument import Profiler
    from sqlalchemy import event

    url = fresh_database(args.database, label="profile")
    try:
        tokens, _mission, _users = prepare_app_database(url, 1)
        os.environ.update({**SECRETS, "DATABASE_URL": url})
        from app import create_app
        from app.extensions import db

        app = create_app({"SQLALCHEMY_DATABASE_URI": url})
        client = app.test_client()
        headers = {"Authorization": f"Bearer {tokens[0]}"}
        device = str(uuid.uuid4())
        statements, trace, cursor = [0], [], [None]

        def count(_conn, _cursor, sql, *_args, **_kwargs):
            statements[0] += 1
            trace.append(" ".join(sql.split())[:110])

        with app.app_context():
            event.listen(db.engine, "before_cursor_execute", count)

        def call(n):
            body = {"device_id": device, "cursor": cursor[0],
                    "mutations": [mutation(n * args.per_call + k) for k in range(args.per_call)]}
            response = client.post("/api/v1/sync", json=body, headers=headers)
            assert response.status_code == 200, response.get_data(as_text=True)
            if args.cursor:
                cursor[0] = response.get_json()["cursor"]
            assert all(r["status"] == "applied" for r in response.get_json()["results"]), response.get_json()

        call(0)  # warm-up
        statements[0] = 0
        profiler = None if args.no_profile or args.cpu else Profiler(interval=0.0005)
        cpu_profiler = cProfile.Profile(time.process_time) if args.cpu else None
        started, cpu_started = time.perf_counter(), time.process_time()
        if profiler:
            profiler.start()
        if cpu_profiler:
            cpu_profiler.enable()
        for n in range(1, args.calls + 1):
            call(n)
        if profiler:
            profiler.stop()
        if cpu_profiler:
            cpu_profiler.disable()
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        records = args.calls * args.per_call
        # CPU time is the figure to compare on a loaded machine (wall time waits for other work);
        # it includes the test client's own share (building bodies, reading answers).
        print(f"{args.calls} calls x {args.per_call} mutations: {elapsed:.2f} s, {records / elapsed:,.0f} records/s, "
              f"{1000 * elapsed / args.calls:.1f} ms per call, CPU {1000 * cpu / args.calls:.1f} ms per call, "
              f"{statements[0] / args.calls:.1f} SQL statements per call")
        if cpu_profiler:
            pstats.Stats(cpu_profiler).sort_stats(os.environ.get("PROFILE_SORT", "cumulative")).print_stats(int(os.environ.get("PROFILE_LINES", "60")))
        if profiler:
            print(profiler.output_text(unicode=True, color=False, show_all=os.environ.get("PROFILE_ALL") == "1"))
        if args.trace:
            trace.clear()
            call(args.calls + 1)
            print("\n".join(trace))
        with app.app_context():
            db.engine.dispose()
    finally:
        drop_database(url)


if __name__ == "__main__":
    main()
