"""The worker's own data page (/account): summary, the export download, deletion through a CSRF-checked form."""
import uuid

import pytest
from sqlalchemy import select

from app.accounts.models import User
from app.extensions import db
from app.help.models import HelpRequest
from tests.builders import bare_presence_body, help_body
from tests.support.forms import csrf


@pytest.fixture
def worker_with_data(create_user, client, auth):
    """A worker with a presence report and a help request made through the API: (worker, help request json)."""
    worker = create_user(full_name="Siti Aminah")
    assert client.put("/api/v1/presence", json=bare_presence_body(), headers=auth(worker)).status_code == 201
    response = client.post("/api/v1/help-requests", json=help_body(), headers=auth(worker))
    assert response.status_code == 201, response.json
    return worker, response.json


@pytest.mark.parametrize("path", ["/account", "/account/export"])
def test_anonymous_is_sent_to_login(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize("role", ["staff", "admin"])
def test_only_workers_have_the_page(create_user, login_client, role):
    client = login_client(create_user(role=role))
    assert client.get("/account").status_code == 403
    assert client.get("/account/export").status_code == 403
    assert client.post("/account/delete", data={"csrf_token": csrf(client), "confirm": "yes"}).status_code == 403


def test_page_summarises_what_is_stored_in_both_languages(worker_with_data, login_client):
    worker, _request = worker_with_data
    client = login_client(worker)
    english = client.get("/account?lang=en")
    assert english.status_code == 200
    assert "Siti Aminah" in english.text and worker.phone in english.text
    assert 'data-count="presence_reports">1' in english.text and 'data-count="help_requests">1' in english.text
    assert 'name="csrf_token"' in english.text and 'name="confirm"' in english.text
    assert "Download my data" in english.text
    indonesian = client.get("/account?lang=id").text
    assert "Unduh data saya" in indonesian and "Download my data" not in indonesian
    # The footer links the page next to the worker's name.
    assert 'href="/account"' in client.get("/help").text


def test_export_download_equals_the_api_export(worker_with_data, login_client, client, auth):
    worker, _request = worker_with_data
    response = login_client(worker).get("/account/export")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="jembatan-my-data-')
    api = client.get("/api/v1/me/export", headers=auth(worker)).json
    page = response.get_json()
    assert page.pop("exported_at") and api.pop("exported_at")
    assert page == api
    assert page["presence_reports"][0]["passport_number"] == "X7654321"


def test_delete_without_confirm_is_refused(worker_with_data, login_client, client, auth):
    worker, _request = worker_with_data
    page_client = login_client(worker)
    response = page_client.post("/account/delete", data={"csrf_token": csrf(page_client)})
    assert response.status_code == 422
    assert 'role="alert"' in response.text
    assert page_client.post("/account/delete", data={"csrf_token": csrf(page_client), "confirm": "no"}
                            ).status_code == 422
    assert db.session.get(User, worker.id) is not None
    assert client.get("/api/v1/me", headers=auth(worker)).status_code == 200


def test_delete_without_csrf_is_refused(worker_with_data, login_client):
    worker, _request = worker_with_data
    page_client = login_client(worker)
    assert page_client.post("/account/delete", data={"confirm": "yes"}).status_code == 401
    assert page_client.post("/account/delete", data={"confirm": "yes", "csrf_token": "forged"}).status_code == 401
    db.session.expire_all()
    assert db.session.get(User, worker.id) is not None


def test_delete_with_confirm_and_csrf_removes_the_account(worker_with_data, login_client, create_user, auth, client):
    worker, request = worker_with_data
    phone, worker_id = worker.phone, worker.id
    page_client = login_client(worker)
    response = page_client.post("/account/delete", data={"csrf_token": csrf(page_client), "confirm": "yes"})
    assert response.status_code == 303 and response.headers["Location"] == "/"
    cleared = [h for h in response.headers.getlist("Set-Cookie") if h.startswith("access_token_cookie=")]
    assert cleared and "01 Jan 1970" in cleared[0]
    assert page_client.get_cookie("access_token_cookie") is None
    home = page_client.get("/?lang=en")
    assert "Your account and your data have been deleted." in home.text
    assert "Your account and your data have been deleted." not in page_client.get("/?lang=en").text

    db.session.expire_all()
    assert db.session.get(User, worker_id) is None
    assert client.post("/api/v1/auth/login", json={"phone": phone, "password": "password123"}).status_code == 401
    assert page_client.get("/account").status_code == 302
    # The mission still sees the request, anonymised.
    staff = create_user(role="staff", mission="KJRI-KOTAKINABALU")
    seen = client.get(f"/api/v1/queue/{request['id']}", headers=auth(staff))
    assert seen.status_code == 200
    stored = db.session.get(HelpRequest, uuid.UUID(request["id"]))
    assert stored.user_id is None and stored.contact_phone is None and stored.lat is None
    assert db.session.scalar(select(User).where(User.phone == phone)) is None
