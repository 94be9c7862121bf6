"""The app served by gunicorn in its own process group on 127.0.0.1, for tests that need a real server.

`LiveServer(directory, database_url=None, env=None)` runs `gunicorn wsgi:app` against a fresh
SQLite file (or the given database); a test may `stop()` it, `kill()` it with SIGKILL (the whole
process group, as a power cut would) and `start()` it again on the same port. Every wait is bounded.
"""
import atexit
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
START_TIMEOUT_S = 30
STOP_TIMEOUT_S = 10
# JEMBATAN_FULL_STORM=1: the fault tests run their full number of rounds, devices and mutations.
FULL_STORM = os.environ.get("JEMBATAN_FULL_STORM") == "1"

SETUP_SCRIPT = """
from app import create_app
from app.extensions import db
from app.missions.services import seed_missions

app = create_app()
with app.app_context():
    db.create_all()
    seed_missions()
    db.session.commit()
    db.engine.dispose()  # SQLite: the last connection closed merges the WAL into the file copied
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# Each live server's database is a copy of one made once per run (schema and missions, by
# SETUP_SCRIPT): making it took 1.5 s a server. A used PostgreSQL database is dropped in the
# background (DROP DATABASE waits for a checkpoint, 2 s) while the next test runs.
_prepared: set[str] = set()  # database URLs already set up
_templates: dict[str, str] = {}  # "sqlite" → template file; a cluster's URL → template database name
_dropper = ThreadPoolExecutor(max_workers=1, thread_name_prefix="drop-database")


def app_env(database_url: str, **extra: str) -> dict:
    """The environment the app runs in for these tests: this one's, but its own database, test
    secrets and no rate limits (nor Redis)."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update({"DATABASE_URL": database_url, "SECRET_KEY": "browser-test-secret-key-0123456789abcdef",
                "JWT_SECRET_KEY": "browser-test-jwt-key-0123456789abcdef", "RATELIMIT_ENABLED": "false",
                "JEMBATAN_ENV": "development", **extra})
    return env


def _set_up(url: str) -> None:
    """Schema and missions in the database at `url`, by the app itself in another process."""
    subprocess.run([sys.executable, "-c", SETUP_SCRIPT], cwd=ROOT, env=app_env(url), check=True,
                   capture_output=True, timeout=120)


def _sqlite_template() -> Path:
    if "sqlite" not in _templates:
        folder = Path(tempfile.mkdtemp(prefix="jembatan-live-template-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        _set_up(f"sqlite:///{folder / 'template.db'}")
        _templates["sqlite"] = str(folder / "template.db")
    return Path(_templates["sqlite"])


def _admin(url):
    return create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")


def _postgresql_template(url) -> str:
    key = url.set(database="postgres").render_as_string(hide_password=False)
    if key not in _templates:
        _drop_left_behind(url)
        name = f"jembatan_template_{os.getpid()}_{uuid.uuid4().hex[:8]}"
        admin = _admin(url)
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        atexit.register(_drop, url, name)  # at exit; copies do not depend on their template
        _set_up(url.set(database=name).render_as_string(hide_password=False))
        _templates[key] = name
    return _templates[key]


def _drop(url, name: str) -> None:
    admin = _admin(url)
    try:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    except Exception as error:  # noqa: BLE001 - said, not raised: the run's result is the tests'
        print(f"live_server: could not drop database {name}: {error}", file=sys.stderr)
    finally:
        admin.dispose()


def _drop_left_behind(url) -> None:
    """The databases of earlier runs killed before they could drop them (their names carry the
    pid of the run that made them, no longer alive)."""
    admin = _admin(url)
    with admin.connect() as connection:
        names = connection.scalars(text(
            "SELECT datname FROM pg_database WHERE datname LIKE 'jembatan\\_template\\_%' "
            "OR datname LIKE 'jembatan\\_live\\_%'")).all()
    admin.dispose()
    for name in names:
        pid = name.split("_")[2]
        if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
            _drop(url, name)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


atexit.register(_dropper.shutdown, wait=True)


@contextmanager
def fresh_database(suite_url: str):
    """A fresh database for a live server of the suite's kind, schema and missions in it: a new
    PostgreSQL database on the suite's cluster (dropped afterwards), so that killing the server
    never disturbs the suite's own; None on SQLite (the server gets a copy of the template file)."""
    url = make_url(suite_url)
    if url.get_backend_name() != "postgresql":
        yield None
        return
    template = _postgresql_template(url)
    name = f"jembatan_live_{os.getpid()}_{uuid.uuid4().hex[:12]}"
    admin = _admin(url)
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    admin.dispose()
    fresh = url.set(database=name).render_as_string(hide_password=False)
    _prepared.add(fresh)
    try:
        yield fresh
    finally:
        _prepared.discard(fresh)
        _dropper.submit(_drop, url, name)


@contextmanager
def running(directory: Path, database_url: str | None = None, **options):
    """A running server with its own fresh database; stopped at the end whatever happened."""
    server = LiveServer(directory, database_url=database_url, **options)
    server.setup_database()
    server.start()
    try:
        yield server
    finally:
        server.stop()


class LiveServer:
    """The app in a separate process; `url`, `start()`, `stop()`, `api(...)`, `flask(...)`."""

    def __init__(self, directory: Path, database_url: str | None = None, env: dict | None = None,
                 workers: int = 2, threads: int = 4):
        self.directory = directory
        self.db_path = directory / "live.db"
        self.database_url = database_url or f"sqlite:///{self.db_path}"
        self.workers, self.threads = workers, threads
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = directory / "server.log"
        self.process: subprocess.Popen | None = None
        self.env = app_env(self.database_url, **{
            "WORKER_LIMITS": "false",  # load and fault tests send many requests from one worker
            "PYTHONUNBUFFERED": "1", "ATTACHMENTS_DIR": str(directory / "attachments"), **(env or {})})

    # ---- process

    def setup_database(self) -> None:
        """Schema and missions: a copy of the run's template (see fresh_database)."""
        if self.database_url in _prepared:
            return
        if self.database_url == f"sqlite:///{self.db_path}":
            shutil.copyfile(_sqlite_template(), self.db_path)
            return
        _set_up(self.database_url)

    def start(self) -> None:
        assert self.process is None, "already running"
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{self.port}", "--workers", str(self.workers),
                 "--threads", str(self.threads), "--graceful-timeout", "2", "--timeout", "60", "wsgi:app"],
                cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {self.log()[-3000:]}")
            try:
                with urllib.request.urlopen(self.url + "/offline", timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"server did not start in {START_TIMEOUT_S}s: {self.log()[-3000:]}")

    def stop(self) -> None:
        """Stop the server (its whole process group) and wait until the port is closed."""
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            self.process.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=STOP_TIMEOUT_S)
        self.process = None

    def kill(self) -> None:
        """SIGKILL the master and its workers at once: no graceful shutdown, no cleanup."""
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait(timeout=STOP_TIMEOUT_S)
        self.process = None

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    # ---- helpers for tests

    def flask(self, *args: str) -> subprocess.CompletedProcess:
        """Run a `flask --app wsgi ...` command against this server's database."""
        return subprocess.run([str(BIN / "flask"), "--app", "wsgi", *args], cwd=ROOT, env=self.env, check=True,
                              capture_output=True, text=True, timeout=120)

    def api(self, method: str, path: str, body=None, token: str | None = None,
            timeout: float = 15) -> tuple[int, dict | None]:
        """Call the JSON API: (status, body)."""
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.url + path, data=data, method=method)
        request.add_header("Content-Type", "application/json")
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                raw = response.read()
                return response.status, json.loads(raw) if raw else None
        except urllib.error.HTTPError as error:
            raw = error.read()
            error.close()
            return error.code, json.loads(raw) if raw else None

    def create_worker(self, password: str = "password123", full_name: str = "Siti Aminah",
                      timeout: float = 15) -> dict:
        """Register a worker through the API: {phone, password, access_token, user, ...}."""
        phone = "+6281" + str(uuid.uuid4().int)[:9]
        # A 503 (the database busy past its wait on a loaded machine) asks the client to try again,
        # as the app does; registration is not what these tests are about. At most 3 tries.
        for _attempt in range(3):
            status, body = self.api("POST", "/api/v1/auth/register",
                                    {"phone": phone, "password": password, "full_name": full_name}, timeout=timeout)
            if status != 503:
                break
            time.sleep(1)
        assert status == 201, body
        return {"phone": phone, "password": password, **body}

    def create_staff(self, mission: str = "KJRI-KOTAKINABALU", password: str = "password123") -> dict:
        """A staff account made with the CLI, as in production: {email, password}."""
        email = f"staff-{uuid.uuid4().hex[:8]}@example.org"
        self.flask("users", "create", "--role", "staff", "--mission", mission, "--email", email,
                   "--password", password)
        return {"email": email, "password": password}


