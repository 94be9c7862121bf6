"""Upload throughput and memory: 100 devices each sending a 1 MiB voice note (`PUT /api/v1/attachments/{id}`).

    .venv/bin/python bench/attachments.py                          # SQLite and PostgreSQL
    .venv/bin/python bench/attachments.py --databases sqlite --devices 100 --connections 10

For each database: a fresh database with the app's schema, missions and one worker account per
device (bench/sync.py's prepare_app_database); then gunicorn (2 sync workers) serves the app on
127.0.0.1 with rate limits off and its own attachments folder. `--connections` threads share the
devices; each device uploads its note once (raw bytes, `audio/webm`, a new id), then once more
(the same id and bytes: the idempotent 200 a phone gets after a lost answer). Every loop is
bounded: one pass over the devices, a timeout per call. While it runs the resident memory (RSS)
of the gunicorn master and workers is sampled every 20 ms; the peak of their sum and of the
largest worker are printed, with the RSS before the load (after a few small calls, so that the
workers have loaded the app).
"""
import argparse
import http.client
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

# The repository root replaces bench/ on the path: bench/queue.py must not shadow the standard `queue`.
sys.path[0] = str(Path(__file__).resolve().parent.parent)

from bench.harness import SECRETS, SERVERS, drop_database, fresh_database, gunicorn, print_table  # noqa: E402
from bench.sync import prepare_app_database  # noqa: E402

MiB = 1024 * 1024
WEBM_HEAD = b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01webm"


def voice_note(size: int = MiB) -> bytes:
    """`size` bytes that start as WebM does (the server checks the first bytes), the rest random."""
    return WEBM_HEAD + os.urandom(size - len(WEBM_HEAD))


def _rss_kib(pid: str) -> int:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0


def server_rss(port: int) -> tuple[int, int]:
    """(sum of RSS over master and workers, largest worker RSS), in KiB."""
    master = str(SERVERS[port])
    children = subprocess.run(["pgrep", "-P", master], capture_output=True, text=True).stdout.split()
    sizes = [_rss_kib(pid) for pid in children]
    return _rss_kib(master) + sum(sizes), max(sizes, default=0)


class Sampler(threading.Thread):
    """Samples server_rss every `interval` seconds until stopped (at most `limit` seconds)."""

    def __init__(self, port: int, interval: float = 0.02, limit: float = 600):
        super().__init__(daemon=True)
        self.port, self.interval, self.deadline = port, interval, time.monotonic() + limit
        self.peak_total = self.peak_worker = 0
        self.stopped = threading.Event()

    def run(self):
        while not self.stopped.is_set() and time.monotonic() < self.deadline:
            total, worker = server_rss(self.port)
            self.peak_total, self.peak_worker = max(self.peak_total, total), max(self.peak_worker, worker)
            time.sleep(self.interval)


def warm_up(port: int, token: str, calls: int = 20) -> None:
    """A few small calls, so that each worker has loaded the app before its idle memory is read."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    for _ in range(calls):
        conn.request("GET", "/api/v1/me", headers={"Authorization": f"Bearer {token}"})
        conn.getresponse().read()
    conn.close()


def upload_all(port: int, tokens: list[str], note: bytes, connections: int, ids: list[str]) -> dict:
    """PUT each device's note once, `connections` at a time; the figures."""
    latencies, statuses, lock = [], {}, threading.Lock()
    next_device = iter(range(len(tokens)))

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while True:
            with lock:
                index = next(next_device, None)
            if index is None:
                break
            start = time.perf_counter()
            try:
                conn.request("PUT", f"/api/v1/attachments/{ids[index]}", body=note,
                             headers={"Content-Type": "audio/webm", "Authorization": f"Bearer {tokens[index]}"})
                response = conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                status = 599
            elapsed = time.perf_counter() - start
            with lock:
                latencies.append(elapsed)
                statuses[status] = statuses.get(status, 0) + 1
        conn.close()

    started = time.monotonic()
    threads = [threading.Thread(target=worker, daemon=True) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    wall = time.monotonic() - started
    latencies.sort()
    return {"uploads": len(latencies), "statuses": " ".join(f"{k}×{v}" for k, v in sorted(statuses.items())),
            "wall_s": wall, "uploads_per_s": len(latencies) / wall if wall else 0,
            "MiB_per_s": len(latencies) * len(note) / MiB / wall if wall else 0,
            "p50_ms": 1000 * statistics.median(latencies) if latencies else 0,
            "p95_ms": 1000 * latencies[int(0.95 * (len(latencies) - 1))] if latencies else 0}


def run(kind: str, devices: int, connections: int) -> list[dict]:
    url = fresh_database(kind, label="attach")
    folder = Path(tempfile.mkdtemp(prefix="jembatan-bench-attachments-"))
    rows = []
    try:
        tokens, _mission, _users = prepare_app_database(url, devices)
        note = voice_note()
        ids = [str(uuid.uuid4()) for _ in tokens]
        env = {**SECRETS, "DATABASE_URL": url, "ATTACHMENTS_DIR": str(folder)}
        with gunicorn("wsgi:app", env) as port:
            warm_up(port, tokens[0])
            idle_total, idle_worker = server_rss(port)
            for label in ("first upload (201)", "same id again (200)"):
                sampler = Sampler(port)
                sampler.start()
                figures = upload_all(port, tokens, note, connections, ids)
                sampler.stopped.set()
                sampler.join(timeout=5)
                rows.append({"database": kind, "case": label, **figures,
                             "rss_idle_MiB": idle_total / 1024, "rss_peak_MiB": sampler.peak_total / 1024,
                             "worker_peak_MiB": sampler.peak_worker / 1024,
                             "worker_idle_MiB": idle_worker / 1024})
        stored = sum(1 for p in folder.rglob("*") if p.is_file())
        rows[-1]["files_stored"] = rows[0]["files_stored"] = stored
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        drop_database(url)
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgresql"], choices=["sqlite", "postgresql"])
    parser.add_argument("--devices", type=int, default=100)
    parser.add_argument("--connections", type=int, default=10)
    args = parser.parse_args()
    rows = []
    for kind in args.databases:
        rows += run(kind, min(args.devices, 1000), args.connections)
    print_table(rows, ["database", "case", "uploads", "statuses", "wall_s", "uploads_per_s", "MiB_per_s", "p50_ms",
                       "p95_ms", "rss_idle_MiB", "rss_peak_MiB", "worker_idle_MiB", "worker_peak_MiB", "files_stored"])


if __name__ == "__main__":
    main()
