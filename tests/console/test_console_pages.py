"""The staff console: who may see what, every action through its form, CSRF, languages, escaping."""
import uuid

import pytest
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.extensions import db
from app.help.models import HelpMessage, HelpRequest, InternalNote
from tests.support.forms import post_page_form

HOSTILE = "<script>alert('x')</script><img src=x onerror=alert(1)> '; DROP TABLE users; -- 🙏 مرحبا"


def detail_url(request_id) -> str:
    return f"/console/requests/{request_id}"


def status_choices(page: str) -> list[str]:
    """The values offered by the detail page's "Move to" select."""
    import re

    select = re.search(r'<select name="status"[^>]*>(.*?)</select>', page, re.S).group(1)
    return re.findall(r'value="([^"]+)"', select)


def stored(request_id) -> HelpRequest:
    """The row as committed now (ending the test's transaction, so its snapshot is not stale)."""
    db.session.commit()
    db.session.expire_all()
    return db.session.get(HelpRequest, uuid.UUID(str(request_id)))


# ---------------------------------------------------------------- access

@pytest.mark.parametrize("path", ["/console", "/console/requests/" + str(uuid.uuid4())])
def test_anonymous_is_sent_to_login(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=" + path.replace("/", "%2F")) or \
        response.headers["Location"].startswith("/login?next=" + path)


def test_login_as_staff_lands_on_the_console(app, create_user):
    staff = create_user(role="staff")
    response = post_page_form(app.test_client(), "/login", {"phone": staff.email, "password": "password123"})
    assert response.status_code == 302 and response.headers["Location"] == "/console"


def test_worker_gets_403(create_user, login_client, create_request):
    worker, request = create_request()
    client = login_client(worker)
    assert client.get("/console").status_code == 403
    assert client.get(detail_url(request["id"])).status_code == 403
    response = client.post(f"{detail_url(request['id'])}/claim",
                           data={"csrf_token": client.get_cookie("csrf_access_token").value})
    assert response.status_code == 403
    assert stored(request["id"]).assignee_id is None


def test_staff_cannot_see_other_missions_requests(create_user, login_client, create_request, post_form):
    _worker, request = create_request()
    other = login_client(create_user(role="staff", mission="KBRI-KUALALUMPUR"))
    assert other.get(detail_url(request["id"])).status_code == 404
    assert request["reference"] not in other.get("/console").text
    for action, fields in [("claim", {}), ("status", {"status": "triaged"}), ("notes", {"body": "x"}),
                           ("messages", {"body": "x"}), ("priority", {"priority_override": "low"}),
                           ("transfer", {"mission_code": "KBRI-KUALALUMPUR"})]:
        assert post_form(other, f"{detail_url(request['id'])}/{action}", **fields).status_code == 404, action
    row = stored(request["id"])
    assert row.status == "new" and row.assignee_id is None and row.mission.code == "KJRI-KOTAKINABALU"


def test_unknown_request_is_404(create_user, login_client):
    client = login_client(create_user(role="staff"))
    assert client.get(detail_url(uuid.uuid4())).status_code == 404
    assert client.get("/console/requests/not-a-uuid").status_code == 404


def test_admin_sees_every_mission_and_filters_by_mission(create_user, login_client, create_request):
    _w, kk = create_request(description="Sabah case")
    _w, kl = create_request(description="Selangor case", region="MY-10", city="Shah Alam")
    admin = login_client(create_user(role="admin"))
    page = admin.get("/console").text
    assert kk["reference"] in page and kl["reference"] in page
    page = admin.get("/console?mission=KJRI-KOTAKINABALU").text
    assert kk["reference"] in page and kl["reference"] not in page
    assert admin.get(detail_url(kl["id"])).status_code == 200


def test_staff_queue_shows_own_mission_with_counts(create_user, login_client, create_request):
    _w, mine = create_request(category="document_withheld", urgency="high")
    _w, theirs = create_request(region="MY-10", city="Shah Alam")
    client = login_client(create_user(role="staff"))
    response = client.get("/console?lang=en")
    assert response.status_code == 200
    page = response.text
    assert mine["reference"] in page and theirs["reference"] not in page
    assert 'data-status="new">1<' in page
    assert "Documents withheld" in page
    assert "Overdue" in page  # created 2026-01-10, far beyond the SLA
    assert 'href="/static/css/console.css?v=' in page


def test_queue_filters_and_pagination(create_user, login_client, create_request, post_form, monkeypatch):
    staff = create_user(role="staff")
    client = login_client(staff)
    made = [create_request(created_at=f"2026-01-{10 + i:02d}T08:00:00+00:00")[1] for i in range(3)]
    post_form(client, f"{detail_url(made[0]['id'])}/claim")
    assert post_form(client, f"{detail_url(made[1]['id'])}/status", status="triaged").status_code == 303
    page = client.get("/console?status=triaged").text
    assert made[1]["reference"] in page and made[0]["reference"] not in page
    page = client.get("/console?mine=1").text
    assert made[0]["reference"] in page and made[1]["reference"] not in page
    page = client.get("/console?category=trafficking").text
    assert all(m["reference"] not in page for m in made)
    # A stray filter value is ignored, not an error.
    assert client.get("/console?status=<b>&category=nope").status_code == 200

    monkeypatch.setattr("app.console.views.PAGE_SIZE", 2)
    first = client.get("/console").text
    assert made[0]["reference"] in first and made[2]["reference"] not in first
    import re

    next_url = re.search(r'href="([^"]+)" rel="next"', first).group(1).replace("&amp;", "&")
    second = client.get(next_url).text
    assert made[2]["reference"] in second and made[0]["reference"] not in second
    assert 'rel="next"' not in second
    assert client.get("/console?cursor=forged").status_code == 400


# ---------------------------------------------------------------- detail and actions

def test_detail_shows_presence_and_audits_the_read(create_user, login_client, create_request):
    staff = create_user(role="staff")
    _worker, request = create_request(presence=True)
    response = login_client(staff).get(detail_url(request["id"]) + "?lang=en")
    assert response.status_code == 200
    page = response.text
    assert "X1234567" in page and "3201234567890123" in page and "Ladang Sawit Sdn Bhd" in page
    assert "Siti Aminah" in page
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.actor_id == staff.id)).all()
    assert {e.entity for e in entries} == {"help_request", "presence"}


def test_claim_status_priority_note_message_through_forms(create_user, login_client, create_request, post_form):
    staff = create_user(role="staff", full_name="Dewi Staff")
    worker, request = create_request()
    client = login_client(staff)
    url = detail_url(request["id"])

    response = post_form(client, f"{url}/claim")
    assert response.status_code == 303 and response.headers["Location"].endswith(url)
    page = client.get(url + "?lang=en").text
    assert "You have claimed this request." in page and "Dewi Staff" in page
    assert stored(request["id"]).assignee_id == staff.id

    for status in ("triaged", "in_progress", "resolved"):
        assert post_form(client, f"{url}/status", status=status, confirm="yes").status_code == 303
    assert stored(request["id"]).status == "resolved"

    assert post_form(client, f"{url}/priority", priority_override="critical").status_code == 303
    assert stored(request["id"]).priority_override == "critical"
    assert post_form(client, f"{url}/priority", priority_override="").status_code == 303
    assert stored(request["id"]).priority_override is None

    assert post_form(client, f"{url}/notes", body="Called the employer").status_code == 303
    message_id = str(uuid.uuid4())
    assert post_form(client, f"{url}/messages", body="We are on it", id=message_id).status_code == 303
    # The same form sent twice (a double click) stores one message.
    assert post_form(client, f"{url}/messages", body="We are on it", id=message_id).status_code == 303
    db.session.commit()
    notes = db.session.scalars(select(InternalNote)).all()
    messages = db.session.scalars(select(HelpMessage)).all()
    assert [n.body for n in notes] == ["Called the employer"]
    assert [(m.body, m.direction) for m in messages] == [("We are on it", "to_worker")]
    page = client.get(url + "?lang=en").text
    assert "Called the employer" in page and "We are on it" in page
    # The worker sees the message but never the note.
    worker_client = login_client(worker)
    assert "Called the employer" not in worker_client.get(f"/api/v1/help-requests/{request['id']}").text


def test_disallowed_move_is_refused_with_409(create_user, login_client, create_request, post_form):
    client = login_client(create_user(role="staff"))
    _w, request = create_request()
    response = post_form(client, f"{detail_url(request['id'])}/status?lang=en", status="resolved")
    assert response.status_code == 409
    assert "cannot move" in response.text
    assert stored(request["id"]).status == "new"
    # Only the moves the workflow allows staff are offered.
    page = client.get(detail_url(request["id"])).text
    assert status_choices(page) == ["triaged", "closed", "referred"]


def test_claimed_by_someone_else_is_409(create_user, login_client, create_request, post_form):
    _w, request = create_request()
    first, second = login_client(create_user(role="staff")), login_client(create_user(role="staff"))
    assert post_form(first, f"{detail_url(request['id'])}/claim").status_code == 303
    response = post_form(second, f"{detail_url(request['id'])}/claim?lang=en")
    assert response.status_code == 409 and "already claimed" in response.text


def test_bad_form_input_is_422_not_500(create_user, login_client, create_request, post_form):
    client = login_client(create_user(role="staff"))
    _w, request = create_request()
    url = detail_url(request["id"])
    assert post_form(client, f"{url}/notes", body="   ").status_code == 422
    assert post_form(client, f"{url}/notes", body="x" * 5001).status_code == 422
    assert post_form(client, f"{url}/notes", body="bad\x07byte").status_code == 422
    assert post_form(client, f"{url}/notes", body="bad\x00byte").status_code == 400  # NUL: refused by app.web
    assert post_form(client, f"{url}/notes").status_code == 422
    assert post_form(client, f"{url}/messages", body="hi", id="not-a-uuid").status_code == 422
    assert post_form(client, f"{url}/status", status="<script>").status_code == 422
    assert post_form(client, f"{url}/priority", priority_override="urgent!!").status_code == 422
    assert post_form(client, f"{url}/transfer", mission_code="NOWHERE").status_code == 422
    assert post_form(client, f"{url}/transfer", mission_code="").status_code == 422
    assert db.session.scalars(select(InternalNote)).all() == []


def test_transfer_moves_the_request_to_another_mission(create_user, login_client, create_request, post_form):
    _w, request = create_request()
    staff = login_client(create_user(role="staff"))
    response = post_form(staff, f"{detail_url(request['id'])}/transfer", mission_code="KBRI-KUALALUMPUR")
    assert response.status_code == 303 and response.headers["Location"].endswith("/console")
    assert stored(request["id"]).mission.code == "KBRI-KUALALUMPUR"
    assert staff.get(detail_url(request["id"])).status_code == 404
    kl = login_client(create_user(role="staff", mission="KBRI-KUALALUMPUR"))
    assert request["reference"] in kl.get("/console").text


def test_post_without_csrf_token_is_refused(create_user, login_client, create_request):
    client = login_client(create_user(role="staff"))
    _w, request = create_request()
    url = detail_url(request["id"])
    for action, fields in [("claim", {}), ("status", {"status": "triaged"}), ("notes", {"body": "x"})]:
        response = client.post(f"{url}/{action}", data=fields)
        assert response.status_code == 401, action
        response = client.post(f"{url}/{action}", data={"csrf_token": "forged", **fields})
        assert response.status_code == 401, action
    row = stored(request["id"])
    assert row.assignee_id is None and row.status == "new"
    assert db.session.scalars(select(InternalNote)).all() == []


def test_every_form_carries_the_csrf_token(create_user, login_client, create_request):
    client = login_client(create_user(role="staff"))
    _w, request = create_request()
    page = client.get(detail_url(request["id"])).text
    token = client.get_cookie("csrf_access_token").value
    assert page.count('<form method="post"') == page.count(f'name="csrf_token" value="{token}"')
    assert page.count('<form method="post"') >= 6


# ---------------------------------------------------------------- languages and escaping

def test_pages_in_indonesian_and_english(create_user, login_client, create_request):
    client = login_client(create_user(role="staff"))
    _w, request = create_request()
    id_queue, en_queue = client.get("/console?lang=id").text, client.get("/console?lang=en").text
    assert '<html lang="id"' in id_queue and "Antrean" in id_queue and "Terlambat" in id_queue
    assert '<html lang="en"' in en_queue and "Queue" in en_queue and "Overdue" in en_queue
    id_detail = client.get(detail_url(request["id"]) + "?lang=id").text
    en_detail = client.get(detail_url(request["id"]) + "?lang=en").text
    assert "Ambil permintaan ini" in id_detail and "Claim this request" in en_detail
    assert "Catatan internal" in id_detail and "Internal notes" in en_detail


def test_hostile_text_is_shown_verbatim_but_escaped(create_user, login_client, create_request, post_form):
    staff = create_user(role="staff")
    client = login_client(staff)
    _w, request = create_request(description=HOSTILE)
    url = detail_url(request["id"])
    assert post_form(client, f"{url}/notes", body=HOSTILE).status_code == 303
    assert post_form(client, f"{url}/messages", body=HOSTILE).status_code == 303
    for page in (client.get(url).text, client.get("/console").text):
        assert "<script>alert" not in page and "<img src=x" not in page
        assert "&lt;script&gt;alert(" in page
    detail = client.get(url).text
    assert detail.count("&lt;img src=x onerror=alert(1)&gt;") == 3
    assert "🙏 مرحبا" in detail and "DROP TABLE users" in detail
    assert db.session.scalar(select(InternalNote.body)) == HOSTILE
