"""pouchdb-server, the peer of bench/sync.py: what an offline-first team would put behind the phone instead.

npm `pouchdb-server@4` is installed by the benchmark into bench/.peer/ (ignored by git) the first
time; it then runs as one node process on 127.0.0.1 with its defaults (leveldb, no authentication,
its request log file), its databases in a temporary folder removed afterwards.
"""
import contextlib
import http.client
import json
import shutil
import subprocess
import tempfile
from pathlib import Path

from bench.harness import ROOT, free_port, serve

PEER_DIR = ROOT / "bench" / ".peer"
PACKAGE = "pouchdb-server@4"
SCRIPT = PEER_DIR / "node_modules" / "pouchdb-server" / "bin" / "pouchdb-server"
DATABASE = "help"


def install(timeout: float = 600) -> str | None:
    """Install pouchdb-server into bench/.peer/ unless it is there; None when ready, else why not."""
    if SCRIPT.exists():
        return None
    npm, node = shutil.which("npm"), shutil.which("node")
    if not npm or not node:
        return "node or npm is not installed"
    PEER_DIR.mkdir(parents=True, exist_ok=True)
    try:
        done = subprocess.run([npm, "install", "--prefix", str(PEER_DIR), "--no-audit", "--no-fund", PACKAGE],
                              capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return f"npm install {PACKAGE} took more than {timeout:.0f} s"
    if done.returncode != 0 or not SCRIPT.exists():
        return f"npm install {PACKAGE} failed: {(done.stderr or done.stdout).strip()[-500:]}"
    return None


@contextlib.contextmanager
def pouchdb_server():
    """Run pouchdb-server on a free loopback port with one empty database, `DATABASE`; yield the port."""
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="jembatan-bench-pouchdb-") as tmp:
        cmd = [shutil.which("node"), str(SCRIPT), "--port", str(port), "--host", "127.0.0.1", "--dir", tmp,
               "--config", str(Path(tmp) / "config.json"), "--no-stdout-logs"]
        with serve(cmd, port, cwd=Path(tmp), label="pouchdb-server"):
            status, body = call(port, "PUT", f"/{DATABASE}")
            if status != 201:
                raise RuntimeError(f"pouchdb-server did not create its database: {status} {body}")
            yield port


def document_count(port: int) -> int:
    """How many documents the database holds: to check that what was answered 201 was stored."""
    _status, body = call(port, "GET", f"/{DATABASE}")
    return json.loads(body)["doc_count"]


def call(port: int, method: str, path: str) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()
