"""The two ways the contract's deployment runs, both answering in Indonesian.

From the wheel: built from a clean copy of the checkout, installed in a fresh virtualenv, run from
a directory outside the checkout: `flask db upgrade`, `flask seed`, gunicorn (the compiled catalogs
travel in the wheel). From a checkout that has never compiled its catalogs (`gunicorn wsgi:app`
run there imports the checkout's package): the app compiles them when it starts.

Offline: the wheel is built with the suite's own setuptools (`--no-build-isolation`), and the
fresh virtualenv borrows the suite's installed dependencies through a .pth file (the checkout is
not on its path: the app it runs is the installed one).
"""
import os
import shutil
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.core.test_migrations import empty_database  # noqa: F401 (a fixture)

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT_S = 120
# What a clone never has (mirrors .gitignore), for a checkout that is not a git work tree.
NOT_IN_A_CLONE = shutil.ignore_patterns(".git", ".venv", "instance", "*.mo", "__pycache__", "*.pyc", "build",
                                        "dist", "*.egg-info", ".pytest_cache")


def clean_copy(target: Path) -> Path:
    """The files a fresh clone of the checkout would have (plus files not committed yet): no
    compiled catalogs, no build leftovers."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            capture_output=True, timeout=60)
    if listed.returncode != 0:
        shutil.copytree(ROOT, target, ignore=NOT_IN_A_CLONE)
        return target
    for name in filter(None, listed.stdout.decode().split("\0")):
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


def run(*args, **kwargs) -> str:
    result = subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=TIMEOUT_S, **kwargs)
    assert result.returncode == 0, f"{args}\n{result.stdout[-2000:]}\n{result.stderr[-3000:]}"
    return result.stdout


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str, body: bytes | None = None, headers: dict | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.fixture
def installed(tmp_path):
    """(python of a fresh virtualenv with the wheel installed, its site-packages, its environment)."""
    source = clean_copy(tmp_path / "clone")
    assert not list(source.glob("translations/*/LC_MESSAGES/*.mo"))
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "--no-cache-dir",
        "-q", "-w", tmp_path / "dist", source)
    (wheel,) = (tmp_path / "dist").glob("jembatan-*.whl")

    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", venv)
    python = venv / "bin" / "python"
    run(sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index", "--no-cache-dir",
        "-q", wheel)
    site = Path(run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])").strip())
    ours = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (site / "suite_dependencies.pth").write_text("\n".join(sorted(ours)) + "\n")

    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "FLASK_APP", "REDIS_URL", "VIRTUAL_ENV")}
    env.update({"RATELIMIT_ENABLED": "false", "JEMBATAN_ENV": "development", "PYTHONDONTWRITEBYTECODE": "1"})
    return python, site, env


@pytest.mark.slow
def test_installed_wheel_migrates_seeds_and_answers_in_indonesian(installed, empty_database, tmp_path):  # noqa: F811
    python, site, env = installed
    env["DATABASE_URL"] = empty_database
    deploy = tmp_path / "deploy"  # outside the checkout: nothing there to import by accident
    deploy.mkdir()
    where = run(python, "-c", "import app, app.paths as p; print(app.__file__); print(p.INSTALLED)", cwd=deploy, env=env)
    assert where.split() == [str(site / "app" / "__init__.py"), "True"]

    run(python, "-m", "flask", "--app", "app.wsgi", "db", "upgrade", cwd=deploy, env=env)
    assert "missions" in run(python, "-m", "flask", "--app", "app.wsgi", "seed", cwd=deploy, env=env)

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with open(tmp_path / "gunicorn.log", "wb") as log:
        server = subprocess.Popen([str(python), "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "1",
                                   "app.wsgi:app"], cwd=deploy, env=env, stdout=log, stderr=subprocess.STDOUT,
                                  start_new_session=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                status, _body = fetch(base + "/api/v1/missions?limit=1")
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, (tmp_path / "gunicorn.log").read_text()
                time.sleep(0.2)

        status, body = fetch(base + "/api/v1/auth/register", b"{}")
        assert status == 422
        assert "Ada isian yang perlu diperbaiki." in body and "Isian ini wajib diisi." in body
        status, body = fetch(base + "/api/v1/nothing-here")
        assert status == 404 and "Tidak ditemukan." in body
        status, body = fetch(base + "/api/v1/auth/register", b"{}", {"Accept-Language": "en"})
        assert status == 422 and "Some fields are not valid." in body
        # Seed data, templates, static files and the service worker come from the wheel too.
        status, body = fetch(base + "/api/v1/missions/route?country=MY&region=MY-12")
        assert status == 200 and "KJRI-KOTAKINABALU" in body
        status, body = fetch(base + "/emergency")
        assert status == 200 and '<html lang="id"' in body
        assert fetch(base + "/static/css/app.css")[0] == 200
        assert fetch(base + "/sw.js")[0] == 200
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=15)


CHECKOUT_SCRIPT = """
from wsgi import app

response = app.test_client().post("/api/v1/auth/register", json={})
print(response.status_code, response.json["message"])
"""


def test_checkout_without_compiled_catalogs_answers_in_indonesian(tmp_path):
    source = clean_copy(tmp_path / "clone")
    catalogs = sorted(source.glob("translations/*/LC_MESSAGES/*.mo"))
    assert catalogs == []
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "FLASK_APP", "REDIS_URL")}
    env.update({"DATABASE_URL": f"sqlite:///{tmp_path / 'checkout.db'}", "RATELIMIT_ENABLED": "false"})
    out = run(sys.executable, "-c", CHECKOUT_SCRIPT, cwd=source, env=env)
    assert out.strip() == "422 Ada isian yang perlu diperbaiki."
    assert sorted(p.parent.parent.name for p in source.glob("translations/*/LC_MESSAGES/*.mo")) == ["en", "id"]
