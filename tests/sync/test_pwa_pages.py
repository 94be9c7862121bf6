"""The worker's PWA pages without JavaScript, the manifest, the service worker and the cookie refresh."""
import json

from sqlalchemy import func, select

from app.extensions import db
from app.help.models import HelpRequest
from tests.builders import envelope, presence_data
from tests.support.forms import post_page_form


def login(client, user):
    r = post_page_form(client, "/login", {"phone": user.phone, "password": "password123"})
    assert r.status_code == 302
    return client.get_cookie("csrf_access_token").value


HELP_FORM = {"category": "unpaid_wages", "urgency": "normal", "description": "Gaji belum dibayar 3 bulan.",
             "country": "MY", "region": "MY-12", "city": "", "contact_phone": ""}


def test_pages_open_for_anyone(client):
    for path in ("/help", "/requests", "/presence", "/emergency", "/offline"):
        r = client.get(path)
        assert r.status_code == 200, path
        assert b'name="jembatan-user" content=""' in r.data


def test_help_form_posts_without_javascript(client, worker):
    csrf = login(client, worker)
    r = client.post("/help", data={**HELP_FORM, "csrf_token": csrf})
    assert r.status_code == 302 and r.headers["Location"].endswith("/requests")
    db.session.remove()
    assert db.session.scalar(select(func.count()).select_from(HelpRequest)) == 1
    page = client.get("/requests").get_data(as_text=True)
    assert "Gaji belum dibayar 3 bulan." in page and 'data-sync-state="synced"' in page


def test_help_form_errors_are_shown_in_the_page(client, worker):
    csrf = login(client, worker)
    r = client.post("/help?lang=en", data={**HELP_FORM, "category": "", "region": "MY-99", "csrf_token": csrf})
    assert r.status_code == 422
    assert "This field is required." in r.get_data(as_text=True)


def test_help_form_needs_a_login_and_its_csrf_token(client, worker):
    r = client.post("/help", data=HELP_FORM)
    assert r.status_code == 302 and "/login" in r.headers["Location"]
    login(client, worker)
    r = client.post("/help", data=HELP_FORM)  # no csrf_token
    assert r.status_code == 302 and "/login" in r.headers["Location"]
    db.session.remove()
    assert db.session.scalar(select(func.count()).select_from(HelpRequest)) == 0


def test_presence_form_posts_without_javascript(client, worker):
    csrf = login(client, worker)
    data = presence_data()
    form = {k: v for k, v in data.items() if k not in ("emergency_contact", "created_at")}
    form.update({f"emergency_contact.{k}": v for k, v in data["emergency_contact"].items()}, csrf_token=csrf)
    r = client.post("/presence", data=form)
    assert r.status_code == 302
    page = client.get("/presence?lang=en").get_data(as_text=True)
    assert 'data-sync-state="synced"' in page and "Kota Kinabalu" in page


def test_emergency_card_speaks_the_destination_language(client, worker):
    from app.presence.schemas import PresenceInSchema
    from app.presence.services import submit_presence

    submit_presence(worker, PresenceInSchema().load(presence_data(country="SA", region="SA-01", city="Riyadh")))
    db.session.commit()
    login(client, worker)
    page = client.get("/emergency").get_data(as_text=True)
    assert '<section class="card ecard" lang="ar" dir="rtl" data-card="ar">' in page
    assert "0-800-1000" in page  # national hotline
    assert "*****567" in page and "X1234567" not in page  # the passport, masked


def test_emergency_page_without_login_shows_hotlines_and_cards(client):
    page = client.get("/emergency").get_data(as_text=True)
    assert 'data-card="en"' in page and 'data-card="ms"' in page and 'dir="rtl"' in page
    assert "+62 812 9007 0027" in page


def test_manifest_is_installable(client):
    r = client.get("/manifest.webmanifest")
    assert r.mimetype == "application/manifest+json"
    manifest = json.loads(r.data)
    assert manifest["display"] == "standalone" and manifest["start_url"] == "/"
    sizes = {(i["sizes"], i["purpose"]) for i in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    for icon in manifest["icons"]:
        with client.get(icon["src"]) as response:
            assert response.data[:8] == b"\x89PNG\r\n\x1a\n"


def test_service_worker_is_served_at_the_root_with_a_version(client):
    r = client.get("/sw.js")
    body = r.get_data(as_text=True)
    assert r.status_code == 200 and r.mimetype == "text/javascript"
    assert r.headers["Service-Worker-Allowed"] == "/" and "no-cache" in r.headers["Cache-Control"]
    assert "__VERSION__" not in body and "__SHELL__" not in body
    assert '"/emergency"' in body and '"/static/js/sync.js"' in body


def test_session_refresh_rotates_the_cookies(client, worker):
    assert client.post("/session/refresh").status_code == 401
    login(client, worker)
    old = client.get_cookie("refresh_token_cookie").value
    csrf = client.get_cookie("csrf_refresh_token").value
    assert client.post("/session/refresh").status_code == 401  # no CSRF header
    r = client.post("/session/refresh", headers={"X-CSRF-TOKEN": csrf})
    assert r.status_code == 204
    assert client.get_cookie("refresh_token_cookie").value != old


def test_page_scripts_sync_with_the_login_cookie_and_its_csrf_header(client, worker):
    csrf = login(client, worker)
    assert client.post("/api/v1/sync", json=envelope()).status_code == 401  # cookie without CSRF header
    r = client.post("/api/v1/sync", json=envelope(), headers={"X-CSRF-TOKEN": csrf})
    assert r.status_code == 200 and r.get_json()["results"] == []
