"""The console closes a request with a reason (spam and duplicates too), never offers "withdrawn",
and lets an admin deactivate an abusive worker's account, with a confirmation."""
from sqlalchemy import select

from app.accounts.models import User
from app.audit.models import AuditEntry
from app.extensions import db

from .test_console_pages import detail_url, status_choices, stored


def test_withdrawn_is_never_offered_to_staff(create_user, login_client, create_request, post_form):
    client = login_client(create_user(role="staff"))
    _w, request = create_request()
    url = detail_url(request["id"])
    for status in ("new", "triaged", "in_progress", "referred"):
        if status != "new":
            assert post_form(client, f"{url}/status", status=status).status_code == 303
        assert "withdrawn" not in status_choices(client.get(url).text)
        assert "closed" in status_choices(client.get(url).text)
    response = post_form(client, f"{url}/status?lang=en", status="withdrawn")
    assert response.status_code == 409
    assert stored(request["id"]).status == "referred"


def test_closing_as_spam_from_new_with_the_reason_select(create_user, login_client, create_request, post_form):
    client = login_client(create_user(role="staff"))
    _w, request = create_request()
    url = detail_url(request["id"])
    page = client.get(url + "?lang=en").text
    assert '<select name="closure_reason">' in page and "Spam or abuse of the service" in page
    refused = post_form(client, f"{url}/status?lang=en", status="closed", closure_reason="")
    assert refused.status_code == 422 and "Say why the request is closed." in refused.text
    assert stored(request["id"]).status == "new"
    assert post_form(client, f"{url}/status", status="closed", closure_reason="spam", confirm="yes").status_code == 303
    row = stored(request["id"])
    assert (row.status, row.closure_reason) == ("closed", "spam")
    page = client.get(url + "?lang=en").text
    assert 'id="closure-reason"' in page and "Spam or abuse of the service" in page


def test_closing_as_a_duplicate_by_reference(create_user, login_client, create_request, post_form):
    client = login_client(create_user(role="staff"))
    worker, original = create_request()
    _w, repeat = create_request(worker=worker)
    url = detail_url(repeat["id"])
    refused = post_form(client, f"{url}/status?lang=en", status="closed", closure_reason="duplicate",
                        duplicate_of="JBT-NOSUCH")
    assert refused.status_code == 422 and "No request of your mission has this reference." in refused.text
    response = post_form(client, f"{url}/status", status="closed", closure_reason="duplicate",
                         duplicate_of=original["reference"].lower(), confirm="yes")
    assert response.status_code == 303
    assert str(stored(repeat["id"]).duplicate_of_id) == original["id"]
    page = client.get(url).text
    assert original["reference"] in page and detail_url(original["id"]) in page


def test_the_worker_sees_why_in_plain_words(create_user, login_client, create_request, post_form):
    worker, request = create_request()
    staff_client = login_client(create_user(role="staff"))
    post_form(staff_client, f"{detail_url(request['id'])}/status", status="closed", closure_reason="unreachable",
              confirm="yes")
    page = login_client(worker).get("/requests?lang=en").text
    assert 'data-closure="unreachable"' in page
    assert "The mission has closed it because they could not reach you." in page


def test_an_admin_deactivates_the_worker_after_confirming(create_user, login_client, create_request, post_form):
    worker, request = create_request(urgency="emergency")
    admin = create_user(role="admin")
    client = login_client(admin)
    url = detail_url(request["id"])
    assert 'id="deactivate-form"' in client.get(url).text
    unconfirmed = post_form(client, f"{url}/deactivate-worker?lang=en")
    assert unconfirmed.status_code == 422 and "Tick the box" in unconfirmed.text
    db.session.remove()
    assert db.session.get(User, worker.id).is_active
    response = post_form(client, f"{url}/deactivate-worker", confirm="yes")
    assert response.status_code == 303
    db.session.remove()
    assert not db.session.get(User, worker.id).is_active
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "deactivate"))
    assert (entry.actor_id, entry.entity_id) == (admin.id, worker.id)
    assert request["id"] not in client.get("/console").text
    assert 'id="deactivated"' in client.get(url).text


def test_staff_cannot_deactivate_a_worker(create_user, login_client, create_request, post_form):
    worker, request = create_request()
    client = login_client(create_user(role="staff"))
    url = detail_url(request["id"])
    assert 'id="deactivate-form"' not in client.get(url).text
    assert post_form(client, f"{url}/deactivate-worker", confirm="yes").status_code == 403
    db.session.remove()
    assert db.session.get(User, worker.id).is_active
