"""Shared pieces of the benchmarks: servers on loopback (gunicorn, or any command), their CPU and memory
from /proc, and a bounded load generator.

Every load loop is bounded in count and in time and stops by itself; traffic goes to 127.0.0.1 only.
"""
import contextlib
import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
# Fixed secrets for the served app (never used anywhere else); no rate or per-worker limits while measuring.
SECRETS = {"SECRET_KEY": "bench-secret-key-0123456789-0123456789", "JWT_SECRET_KEY": "bench-jwt-key-0123456789-0123456789",
           "RATELIMIT_ENABLED": "false", "WORKER_LIMITS": "false"}


def fresh_database(kind: str, tmp: Path = Path("/tmp"), label: str = "bench") -> str:
    """A new empty database: a file for SQLite, a new PostgreSQL database on 127.0.0.1."""
    import uuid

    from sqlalchemy import create_engine, text

    if kind == "sqlite":
        return f"sqlite:///{tmp / f'jembatan-{label}-{uuid.uuid4().hex[:8]}.db'}"
    name = f"jembatan_{label}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"


def drop_database(url: str) -> None:
    """Remove what fresh_database made."""
    from sqlalchemy import create_engine, text

    if url.startswith("sqlite:///"):
        path = Path(url[len("sqlite:///"):])
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                Path(str(path) + suffix).unlink()
        return
    name = url.rsplit("/", 1)[1]
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def database_kind(url: str) -> str:
    return url.split(":")[0].split("+")[0]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# port → the pid of the process serving it (gunicorn's master, or a single node process), for the
# CPU and memory figures below.
SERVERS: dict[int, int] = {}


def server_processes(port: int) -> tuple[int, list[int]]:
    """The process serving `port` and its workers (its children; itself when it has none)."""
    main = SERVERS[port]
    children = [int(pid) for pid in
                subprocess.run(["pgrep", "-P", str(main)], capture_output=True, text=True).stdout.split()]
    return main, children or [main]


def server_cpu_seconds(port: int) -> float:
    """CPU time (user + system) used so far by the server on `port`: the main process and its workers."""
    main, workers = server_processes(port)
    total = 0.0
    for pid in {main, *workers}:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def server_peak_rss_mib(port: int) -> float:
    """The largest peak resident set (VmHWM, since the worker started) among the server's workers, MiB."""
    _main, workers = server_processes(port)
    peak = 0
    for pid in workers:
        try:
            with open(f"/proc/{pid}/status") as status:
                for line in status:
                    if line.startswith("VmHWM:"):
                        peak = max(peak, int(line.split()[1]))
        except FileNotFoundError:
            continue
    return peak / 1024


@contextlib.contextmanager
def gunicorn(app_spec: str, env: dict, workers: int = 2, port: int | None = None):
    """Run `gunicorn app_spec` on 127.0.0.1 and yield its port; stopped on exit."""
    port = port or free_port()
    cmd = [str(VENV_BIN / "gunicorn"), "-w", str(workers), "-b", f"127.0.0.1:{port}", "--log-level", "warning",
           "--timeout", "60", app_spec]
    with serve(cmd, port, env=env, label=app_spec):
        yield port


@contextlib.contextmanager
def serve(cmd: list[str], port: int, *, env: dict | None = None, cwd: Path = ROOT, label: str = ""):
    """Run the server `cmd` (which must listen on 127.0.0.1:`port`) in its own session; yield its port
    once it accepts connections; stop it (TERM, then KILL) on exit and print its tracebacks, if any."""
    log = open(f"/tmp/jembatan-bench-server-{port}.log", "w+b")  # a file, never a pipe that could fill up
    proc = subprocess.Popen(cmd, cwd=cwd, env={**os.environ, **(env or {})}, stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)
    proc.log = log
    SERVERS[port] = proc.pid
    try:
        wait_until_up(port, proc)
        yield port
    finally:
        SERVERS.pop(port, None)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)
        log.seek(0)
        errors = log.read().decode(errors="replace")
        log.close()
        os.unlink(log.name)
        if "Traceback" in errors or "Error:" in errors:
            print(f"server errors ({label or cmd[0]}):\n{errors[-3000:]}", file=sys.stderr)


def wait_until_up(port: int, proc, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            proc.log.seek(0)
            raise RuntimeError(f"server exited: {proc.log.read().decode(errors='replace')[-2000:]}")
        with contextlib.suppress(OSError):
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        time.sleep(0.1)
    raise RuntimeError("server did not start in time")


def request(conn, method: str, path: str, body=None, headers=None):
    payload = json.dumps(body).encode() if body is not None else None
    hdrs = {"Content-Type": "application/json", **(headers or {})}
    conn.request(method, path, body=payload, headers=hdrs)
    response = conn.getresponse()
    data = response.read()
    return response.status, data


def drive(port: int, make_call, *, connections: int = 16, seconds: float = 20, max_requests: int = 1_000_000,
          on_answer=None):
    """Run `make_call(worker_index, n) -> (method, path, body, headers, records)` from `connections` threads;
    `on_answer(worker_index, status, body)`, if given, sees every answer (a client keeping its cursor).

    Stops after `seconds` or `max_requests`, whichever comes first. Returns the figures.
    """
    latencies, records, errors = [], [0], [0]
    lock = threading.Lock()
    count = [0]
    deadline = time.monotonic() + seconds

    def worker(index: int):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        n = 0
        while time.monotonic() < deadline:
            with lock:
                if count[0] >= max_requests:
                    break
                count[0] += 1
            method, path, body, headers, rec = make_call(index, n)
            n += 1
            start = time.perf_counter()
            try:
                status, data = request(conn, method, path, body, headers)
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                status, data = 599, b""
            elapsed = time.perf_counter() - start
            if on_answer:
                on_answer(index, status, data)
            with lock:
                latencies.append(elapsed)
                if status < 300:
                    records[0] += rec
                else:
                    errors[0] += 1
        conn.close()

    started = time.monotonic()
    cpu = time.process_time()  # this process's CPU, every thread: what the load generator itself costs
    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 60)
    wall = time.monotonic() - started
    driver_cpu = time.process_time() - cpu
    latencies.sort()
    return {
        "requests": len(latencies),
        "errors": errors[0],
        "records": records[0],
        "req_per_s": len(latencies) / wall if wall else 0,
        "rec_per_s": records[0] / wall if wall else 0,
        "p50_ms": 1000 * statistics.median(latencies) if latencies else 0,
        "p95_ms": 1000 * latencies[int(0.95 * (len(latencies) - 1))] if latencies else 0,
        "driver_cpu_ms": 1000 * driver_cpu / max(len(latencies), 1),
    }


def print_table(rows: list[dict], columns: list[str]) -> None:
    widths = {c: max(len(c), *(len(fmt(r.get(c))) for r in rows)) for c in columns}
    print(" | ".join(c.ljust(widths[c]) for c in columns))
    print("-|-".join("-" * widths[c] for c in columns))
    for row in rows:
        print(" | ".join(fmt(row.get(c)).ljust(widths[c]) for c in columns))


def fmt(value) -> str:
    if isinstance(value, float):
        return f"{value:,.2f}"
    return "" if value is None else str(value)
