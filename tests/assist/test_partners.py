"""Registration and requests made with someone's help (issue 16, capability 3): a partner
organisation of one mission (or the mission's staff) registers a worker, files her lapor diri and
help requests with her consent, and hands the account over; everything says who filed it."""
import re
import uuid

from sqlalchemy import select

from app.accounts.models import User
from app.assist.models import Filing
from app.audit.models import AuditEntry
from app.extensions import db
from app.help.models import HelpRequest
from app.presence.models import PresenceReport
from tests.builders import ORGANISATION, consent, flat_form, help_body, presence_body
from tests.support.forms import post_page_form


def _fresh():
    """End the test's read transaction, so it sees what the requests committed since."""
    db.session.rollback()


def _register(client, post_form, **fields):
    body = {"full_name": "Sri Wahyuni", **consent(), **fields}
    return post_form(client, "/console/assist/register", **body)


def _worker_id(response) -> uuid.UUID:
    assert response.status_code == 303, response.text
    return uuid.UUID(re.search(r"/console/assist/workers/([0-9a-f-]{36})", response.headers["Location"]).group(1))


def _help_form(**overrides):
    body = help_body(**overrides)
    body.pop("location"), body.pop("created_at")
    return {**flat_form(body), **consent()}


def _presence_form(**overrides):
    body = presence_body(**overrides)
    body.pop("created_at")
    return {**flat_form(body), **consent()}


def test_cli_creates_a_partner_of_one_mission(runner):
    result = runner.invoke(args=["users", "create", "--role", "partner", "--mission", "KJRI-KOTAKINABALU",
                                 "--email", "Shelter@Example.org", "--name", ORGANISATION, "--password", "password123"])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "shelter@example.org"))
    assert user.role == "partner" and user.mission.code == "KJRI-KOTAKINABALU" and user.full_name == ORGANISATION


def test_cli_refuses_a_partner_without_a_known_mission(runner):
    without = runner.invoke(args=["users", "create", "--role", "partner", "--email", "p@example.org",
                                  "--password", "password123"])
    assert without.exit_code != 0 and "partner accounts need --mission CODE" in without.output
    unknown = runner.invoke(args=["users", "create", "--role", "partner", "--mission", "NOPE", "--email",
                                  "p@example.org", "--password", "password123"])
    assert unknown.exit_code != 0 and "unknown mission NOPE" in unknown.output
    assert db.session.query(User).count() == 0


def test_a_partner_logs_in_to_its_filings_and_never_sees_the_queue(app, create_partner, login_client, auth, client):
    partner = create_partner()
    page = app.test_client()
    response = post_page_form(page, "/login", {"phone": partner.email, "password": "password123"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/console/assist")
    assert page.get("/console").status_code == 403
    assert client.get("/api/v1/queue", headers=auth(partner)).status_code == 403
    assert client.get("/api/v1/stats", headers=auth(partner)).status_code == 403
    assert client.get("/api/v1/help-requests", headers=auth(partner)).status_code == 403
    menu = page.get("/console/assist").text
    assert "/console/assist/register" in menu and 'href="/console"' not in menu


def test_partner_registers_a_worker_and_files_for_her_into_the_right_queue(
        create_partner, create_user, login_client, post_form, client, auth):
    partner = create_partner()
    desk = login_client(partner)
    worker_id = _worker_id(_register(desk, post_form))
    worker = db.session.get(User, worker_id)
    assert worker.role == "worker" and worker.phone is None and worker.full_name == "Sri Wahyuni"

    assert post_form(desk, f"/console/assist/workers/{worker_id}/presence",
                     **_presence_form(passport_status="withheld", passport_number="")).status_code == 303
    assert post_form(desk, f"/console/assist/workers/{worker_id}/help", **_help_form()).status_code == 303

    _fresh()
    report = db.session.scalar(select(PresenceReport).where(PresenceReport.user_id == worker_id))
    help_request = db.session.scalar(select(HelpRequest).where(HelpRequest.user_id == worker_id))
    assert report.mission.code == help_request.mission.code == "KJRI-KOTAKINABALU"
    filings = {f.entity: f for f in db.session.scalars(select(Filing).where(Filing.worker_id == worker_id))}
    assert set(filings) == {"account", "presence", "help_request"}
    assert {f.helper_id for f in filings.values()} == {partner.id}
    assert filings["help_request"].consent == "spoken_in_person" and filings["help_request"].recorded_by == "Ani Lestari"
    actions = set(db.session.scalars(select(AuditEntry.action).where(AuditEntry.actor_id == partner.id)))
    assert {"file_account", "file_presence", "file_help_request"} <= actions

    # Staff of the mission see it in their queue, marked as filed on her behalf.
    staff = create_user(role="staff", mission="KJRI-KOTAKINABALU")
    item = client.get("/api/v1/queue", headers=auth(staff)).json["items"][0]
    assert item["id"] == str(help_request.id)
    assert item["filed_by"]["organisation"] == ORGANISATION and item["filed_by"]["name"] == "Ani Lestari"
    assert item["filed_by"]["consent"] == "spoken_in_person" and item["filed_by"]["at"].endswith("Z")
    detail = client.get(f"/api/v1/queue/{help_request.id}", headers=auth(staff)).json
    assert detail["filed_by"]["organisation"] == ORGANISATION
    assert detail["presence"]["filed_by"]["name"] == "Ani Lestari"
    console = login_client(staff)
    assert 'data-filed-by="Rumah Singgah Sabah"' in console.get("/console").text
    assert 'id="filed-by"' in console.get(f"/console/requests/{help_request.id}").text

    # The partner's own list shows what it filed.
    listing = desk.get("/console/assist").text
    assert listing.count("Sri Wahyuni") == 3
    page = desk.get(f"/console/assist/workers/{worker_id}").text
    assert help_request.reference in page


def test_a_self_filed_request_says_nobody_filed_it(create_request, client, auth):
    worker, body = create_request()
    assert body["filed_by"] is None
    assert client.get(f"/api/v1/help-requests/{body['id']}", headers=auth(worker)).json["filed_by"] is None


def test_nothing_is_filed_without_her_consent(create_partner, login_client, post_form):
    desk = login_client(create_partner())
    refused = _register(desk, post_form, agreed="")
    assert refused.status_code == 422 and "agreed" in refused.text
    assert _register(desk, post_form, consent="guessed").status_code == 422
    assert _register(desk, post_form, recorded_by="").status_code == 422
    _fresh()
    assert db.session.query(User).filter_by(role="worker").count() == 0
    worker_id = _worker_id(_register(desk, post_form))
    no_consent = {k: v for k, v in _help_form().items() if k != "agreed"}
    assert post_form(desk, f"/console/assist/workers/{worker_id}/help", **no_consent).status_code == 422
    _fresh()
    assert db.session.query(HelpRequest).count() == 0


def test_bad_filings_are_refused_with_the_services_own_rules(create_partner, login_client, post_form):
    desk = login_client(create_partner())
    worker_id = _worker_id(_register(desk, post_form, phone="0812 3456 7890"))
    _fresh()
    assert db.session.get(User, worker_id).phone == "+6281234567890"
    taken = _register(desk, post_form, full_name="Another", phone="+62 812-3456-7890")
    assert taken.status_code == 409
    bad = post_form(desk, f"/console/assist/workers/{worker_id}/help", **_help_form(category="nonsense"))
    assert bad.status_code == 422
    held_without_number = post_form(desk, f"/console/assist/workers/{worker_id}/presence",
                                    **_presence_form(passport_number=""))
    assert held_without_number.status_code == 422


def test_a_partner_sees_only_its_own_filings(create_partner, create_user, login_client, post_form, client, auth):
    desk_a = login_client(create_partner(full_name="Shelter A"))
    desk_b = login_client(create_partner(full_name="Shelter B"))
    worker_id = _worker_id(_register(desk_a, post_form))
    assert post_form(desk_a, f"/console/assist/workers/{worker_id}/help", **_help_form()).status_code == 303
    _fresh()
    help_request = db.session.scalar(select(HelpRequest).where(HelpRequest.user_id == worker_id))

    assert desk_b.get(f"/console/assist/workers/{worker_id}").status_code == 404
    assert desk_b.get(f"/console/assist/workers/{worker_id}/help").status_code == 404
    assert post_form(desk_b, f"/console/assist/workers/{worker_id}/help", **_help_form()).status_code == 404
    assert post_form(desk_b, f"/console/assist/workers/{worker_id}/presence", **_presence_form()).status_code == 404
    assert post_form(desk_b, f"/console/assist/workers/{worker_id}/handover", phone="+6281299990000").status_code == 404
    assert desk_b.get(f"/console/requests/{help_request.id}").status_code == 403
    assert "Sri Wahyuni" not in desk_b.get("/console/assist").text
    _fresh()
    assert db.session.query(HelpRequest).count() == 1

    # Staff of another mission cannot reach her either; staff of the partner's mission may file for her.
    other_staff = login_client(create_user(role="staff", mission="KBRI-KUALALUMPUR"))
    assert other_staff.get(f"/console/assist/workers/{worker_id}").status_code == 404
    own_staff = login_client(create_user(role="staff", mission="KJRI-KOTAKINABALU"))
    assert own_staff.get(f"/console/assist/workers/{worker_id}").status_code == 200
    assert post_form(own_staff, f"/console/assist/workers/{worker_id}/presence", **_presence_form()).status_code == 303
    _fresh()
    report = db.session.scalar(select(PresenceReport).where(PresenceReport.user_id == worker_id))
    assert report.filing.helper_id != report.filing.worker_id and report.filing.organisation == report.mission.name_id


def test_hand_over_then_she_logs_in_and_sees_who_filed_for_her(
        create_partner, login_client, post_form, client, auth):
    partner = create_partner()
    desk = login_client(partner)
    worker_id = _worker_id(_register(desk, post_form))
    assert post_form(desk, f"/console/assist/workers/{worker_id}/presence", **_presence_form()).status_code == 303
    assert post_form(desk, f"/console/assist/workers/{worker_id}/help", **_help_form()).status_code == 303
    _fresh()
    help_request = db.session.scalar(select(HelpRequest).where(HelpRequest.user_id == worker_id))

    needs_phone = post_form(desk, f"/console/assist/workers/{worker_id}/handover")
    assert needs_phone.status_code == 422
    handed = post_form(desk, f"/console/assist/workers/{worker_id}/handover", phone="0812 7777 6666")
    assert handed.status_code == 200 and handed.headers["Cache-Control"] == "no-store"
    code = re.search(r'id="code"><strong>(\d{3}) (\d{3})</strong>', handed.text)
    code = code.group(1) + code.group(2)
    _fresh()
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.actor_id == partner.id,
                                                      AuditEntry.action == "hand_over")) is not None

    confirmed = client.post("/api/v1/auth/password-reset/confirm",
                            json={"phone": "+6281277776666", "code": code, "password": "punya-saya-sendiri"})
    assert confirmed.status_code == 200, confirmed.json
    login = client.post("/api/v1/auth/login", json={"phone": "+6281277776666", "password": "punya-saya-sendiri"})
    assert login.status_code == 200
    headers = {"Authorization": f"Bearer {login.json['access_token']}"}
    mine = client.get("/api/v1/help-requests", headers=headers).json["items"]
    assert mine[0]["filed_by"] == {"name": "Ani Lestari", "organisation": ORGANISATION,
                                   "consent": "spoken_in_person", "at": mine[0]["filed_by"]["at"]}
    assert client.get(f"/api/v1/help-requests/{help_request.id}", headers=headers).json["filed_by"]["name"] == "Ani Lestari"
    assert client.get("/api/v1/presence", headers=headers).json["filed_by"]["organisation"] == ORGANISATION
    pages = client  # her own pages, with her login cookies
    assert post_page_form(pages, "/login", {"phone": "+6281277776666", "password": "punya-saya-sendiri"}).status_code == 302
    assert 'class="filed-by' in pages.get("/requests").text
    assert 'id="filed-by"' in pages.get("/presence").text

    # The partner keeps its list, but no longer the status, and files nothing more for her.
    page = desk.get(f"/console/assist/workers/{worker_id}").text
    assert 'id="handed-over"' in page and help_request.reference not in page
    assert post_form(desk, f"/console/assist/workers/{worker_id}/help", **_help_form()).status_code == 409
    assert post_form(desk, f"/console/assist/workers/{worker_id}/handover", phone="+6281277776666").status_code == 409
    assert "Sri Wahyuni" in desk.get("/console/assist").text


def test_her_deletion_takes_the_filings_about_her_too(create_partner, login_client, post_form, client):
    desk = login_client(create_partner())
    worker_id = _worker_id(_register(desk, post_form, phone="+6281255554444"))
    assert post_form(desk, f"/console/assist/workers/{worker_id}/help", **_help_form()).status_code == 303
    handed = post_form(desk, f"/console/assist/workers/{worker_id}/handover")
    code = "".join(re.search(r'id="code"><strong>(\d{3}) (\d{3})</strong>', handed.text).groups())
    tokens = client.post("/api/v1/auth/password-reset/confirm",
                         json={"phone": "+6281255554444", "code": code, "password": "punya-saya-sendiri"}).json
    deleted = client.delete("/api/v1/me", json={"confirm": True},
                            headers={"Authorization": f"Bearer {tokens['access_token']}"})
    assert deleted.status_code == 204
    _fresh()
    assert db.session.query(Filing).count() == 0
    assert desk.get(f"/console/assist/workers/{worker_id}").status_code == 404
    assert "Sri Wahyuni" not in desk.get("/console/assist").text


def test_an_admin_sees_partner_accounts_among_the_staff(create_partner, create_user, login_client):
    create_partner()
    page = login_client(create_user(role="admin")).get("/console/staff").text
    assert ORGANISATION in page and "Organisasi mitra" in page


def test_a_partners_menu_holds_only_its_filing_pages(create_partner, login_client):
    html = login_client(create_partner()).get("/console/assist/register?lang=en").text
    header = html.split('<header class="bar">', 1)[1].split("</header>", 1)[0]
    links = re.findall(r'<a class="console-link" href="([^"]+)"(?: aria-current="([^"]+)")?>', header)
    assert links == [("/console/assist", ""), ("/console/assist/register", "page")]


def test_the_same_form_sent_twice_files_once(create_partner, login_client, post_form):
    desk = login_client(create_partner())
    worker_id = _worker_id(_register(desk, post_form))
    form = _help_form()
    for _ in range(2):
        assert post_form(desk, f"/console/assist/workers/{worker_id}/help", **form).status_code == 303
    _fresh()
    assert db.session.query(HelpRequest).count() == 1
    assert db.session.query(Filing).filter_by(entity="help_request").count() == 1
