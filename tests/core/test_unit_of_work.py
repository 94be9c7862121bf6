"""Every request is one unit of work (app.storage.committed, run by app.Jembatan.dispatch_request):
its writes are committed once when it answers, all rolled back when it raises (API and pages), run
again when PostgreSQL breaks a deadlock; a side effect outside the database happens once, after
the commit."""
import uuid

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.exc import OperationalError

from app.accounts.models import PasswordResetCode
from app.audit.models import AuditEntry
from app.errors import DomainError
from app.extensions import db
from app.family.models import FamilyPin
from app.help import services as help_services
from app.help.models import HelpRequest
from app.pwa import views as pwa_views
from app.storage import after_commit, committed
from tests.builders import help_body
from tests.support.forms import post_page_form

PASSWORD = "password123"


class DriverError(Exception):
    """What the driver raises, with the SQLSTATE PostgreSQL sent."""

    def __init__(self, sqlstate):
        super().__init__(sqlstate)
        self.sqlstate = sqlstate


def stored(model, **where) -> int:
    """Rows of `model` as another connection sees them now (committed ones)."""
    db.session.rollback()  # a new snapshot: what the requests committed
    return db.session.scalar(select(func.count()).select_from(model).filter_by(**where))


@pytest.fixture
def write_commits():
    """The database commits of transactions that wrote something, counted while the test runs (a
    test clears it once its own setup is done)."""
    commits = []

    def executed(conn, _cursor, statement, _parameters, _context, _many):
        if statement.lstrip().split(None, 1)[0].upper() in ("INSERT", "UPDATE", "DELETE"):
            conn.info["wrote"] = True

    def ended(conn):
        if conn.info.pop("wrote", False):
            commits.append(1)

    def rolled_back(conn):
        conn.info.pop("wrote", None)

    listeners = [("before_cursor_execute", executed), ("commit", ended), ("rollback", rolled_back)]
    for name, listener in listeners:
        event.listen(db.engine, name, listener)
    yield commits
    for name, listener in listeners:
        event.remove(db.engine, name, listener)


def write_then(error):
    """A create_help_request that writes the request, then raises `error`."""
    real = help_services.create_help_request

    def create(user, data):
        real(user, data)
        raise error
    return create


def page_login(client, user) -> str:
    identity = {"email": user.email} if user.email else {"phone": user.phone}
    assert post_page_form(client, "/login", {**identity, "password": PASSWORD}).status_code == 302
    return client.get_cookie("csrf_access_token").value


# ---------------------------------------------------------------- the API

def test_a_write_request_commits_once(client, auth, create_user, write_commits):
    headers = auth(create_user())
    write_commits.clear()  # the test's own
    body = help_body()
    assert client.post("/api/v1/help-requests", json=body, headers=headers).status_code == 201
    assert len(write_commits) == 1
    assert stored(HelpRequest, id=uuid.UUID(body["id"])) == 1


@pytest.mark.parametrize("error, status", [(DomainError(409, "refused after the write"), 409),
                                           (RuntimeError("crashed after the write"), 500)])
def test_an_api_error_raised_after_a_write_rolls_everything_back(client, auth, create_user, monkeypatch,
                                                                 write_commits, error, status):
    headers = auth(create_user())
    write_commits.clear()
    monkeypatch.setattr(help_services, "create_help_request", write_then(error))
    body = help_body()
    r = client.post("/api/v1/help-requests", json=body, headers=headers)
    assert r.status_code == status and r.get_json()["code"] == status
    assert write_commits == [] and stored(HelpRequest, id=uuid.UUID(body["id"])) == 0


def test_a_deadlock_runs_the_request_again_and_it_commits_once(client, auth, create_user, monkeypatch, write_commits):
    headers = auth(create_user())
    write_commits.clear()
    runs, real = [], help_services.create_help_request

    def deadlocked_once(user, data):
        runs.append(1)
        result = real(user, data)
        if len(runs) == 1:
            raise OperationalError("INSERT ...", {}, DriverError("40P01"))
        return result

    monkeypatch.setattr(help_services, "create_help_request", deadlocked_once)
    body = help_body()
    assert client.post("/api/v1/help-requests", json=body, headers=headers).status_code == 201
    assert len(runs) == 2 and len(write_commits) == 1
    assert stored(HelpRequest, id=uuid.UUID(body["id"])) == 1


def test_a_get_stores_its_audit_row(client, auth, create_user):
    worker, staff = create_user(), create_user(role="staff")
    body = help_body()
    assert client.post("/api/v1/help-requests", json=body, headers=auth(worker)).status_code == 201
    assert client.get(f"/api/v1/queue/{body['id']}", headers=auth(staff)).status_code == 200
    assert stored(AuditEntry, actor_id=staff.id, entity="help_request", entity_id=uuid.UUID(body["id"])) == 1


# ---------------------------------------------------------------- the pages

def test_a_console_get_stores_its_audit_row(client, auth, create_user):
    worker, staff = create_user(), create_user(role="staff")
    body = help_body()
    assert client.post("/api/v1/help-requests", json=body, headers=auth(worker)).status_code == 201
    page_login(client, staff)
    assert client.get(f"/console/requests/{body['id']}").status_code == 200
    assert stored(AuditEntry, actor_id=staff.id, entity="help_request", entity_id=uuid.UUID(body["id"])) == 1


def test_a_page_form_commits_once(client, create_user, write_commits):
    csrf = page_login(client, create_user())
    write_commits.clear()  # the login's own
    form = {k: v for k, v in help_body().items() if isinstance(v, str)}
    r = client.post("/help", data={**form, "csrf_token": csrf})
    assert r.status_code == 302 and len(write_commits) == 1
    assert stored(HelpRequest, id=uuid.UUID(form["id"])) == 1


def test_a_refused_page_form_rolls_back_what_it_wrote(client, create_user, monkeypatch, write_commits):
    csrf = page_login(client, create_user())
    write_commits.clear()
    monkeypatch.setattr(pwa_views, "create_help_request", write_then(DomainError(409, "refused after the write")))
    form = {k: v for k, v in help_body().items() if isinstance(v, str)}
    r = client.post("/help", data={**form, "csrf_token": csrf})
    assert r.status_code == 422 and "refused after the write" in r.get_data(as_text=True)
    assert write_commits == [] and stored(HelpRequest, id=uuid.UUID(form["id"])) == 0


def test_a_page_error_raised_after_a_write_rolls_everything_back(client, auth, create_user, monkeypatch,
                                                                 write_commits):
    worker = create_user()
    body = help_body()
    assert client.post("/api/v1/help-requests", json=body, headers=auth(worker)).status_code == 201
    csrf = page_login(client, worker)
    write_commits.clear()
    from app.family import services as family_services

    real = family_services.set_pin

    def set_then_fail(*args, **kwargs):
        real(*args, **kwargs)
        raise DomainError(409, "refused after the write")

    monkeypatch.setattr(family_services, "set_pin", set_then_fail)
    r = client.post(f"/requests/{body['id']}/family", data={"csrf_token": csrf, "pin": "482915"})
    assert r.status_code == 409 and "refused after the write" in r.get_data(as_text=True)
    assert write_commits == [] and stored(FamilyPin) == 0
    # Nothing flashed either: what a page says was done is said once it is stored.
    assert 'data-family-pin="none"' in client.get(f"/requests/{body['id']}/family").get_data(as_text=True)


# ---------------------------------------------------------------- side effects outside the database

class Recorder:
    def __init__(self):
        self.sent = []

    def send(self, message):
        self.sent.append(message)


def test_a_text_message_is_sent_once_after_the_commit_even_when_the_request_runs_again(
        app, client, create_user, monkeypatch):
    from app.accounts import api as accounts_api

    worker = create_user()
    sender = Recorder()
    monkeypatch.setitem(app.config, "SMS_SENDER", sender)
    runs, real = [], accounts_api.password_reset.request_code_after_response

    def deadlocked_once(phone):
        runs.append(1)
        real(phone)
        if len(runs) == 1:
            raise OperationalError("UPDATE ...", {}, DriverError("40001"))

    monkeypatch.setattr(accounts_api.password_reset, "request_code_after_response", deadlocked_once)
    r = client.post("/api/v1/auth/password-reset", json={"phone": worker.phone})
    r.close()
    assert r.status_code == 202 and len(runs) == 2
    assert [m.to for m in sender.sent] == [worker.phone]
    assert stored(PasswordResetCode, user_id=worker.id) == 1


def test_after_commit_runs_once_and_never_for_work_rolled_back(app):
    done, runs = [], []

    def work():
        runs.append(1)
        after_commit(lambda: done.append(len(runs)))
        if len(runs) < 3:
            raise OperationalError("UPDATE ...", {}, DriverError("40P01"))

    with app.test_request_context():
        committed(work)
        assert done == [3]

        def failing():
            after_commit(lambda: done.append("never"))
            raise DomainError(409, "refused")
        with pytest.raises(DomainError):
            committed(failing)
        assert done == [3]
