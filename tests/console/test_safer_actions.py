"""Safer actions on the request page: no status chosen for the staff member, resolve and close asked
twice, phones as call and WhatsApp links, consular note templates."""
import re
import uuid

from sqlalchemy import func, select

from app.extensions import db
from app.help.models import HelpRequestEvent

from .test_console_pages import detail_url, stored


def status_select(page: str) -> str:
    return re.search(r'<select name="status"[^>]*>.*?</select>', page, re.S).group(0)


def status_events(request_id) -> int:
    db.session.commit()
    return db.session.scalar(select(func.count()).select_from(HelpRequestEvent).where(
        HelpRequestEvent.help_request_id == uuid.UUID(request_id), HelpRequestEvent.kind == "status"))


def test_move_to_has_no_preselected_status(create_user, login_client, create_request, post_form):
    client = login_client(create_user(role="staff"))
    _w, request = create_request()
    url = detail_url(request["id"])
    assert post_form(client, f"{url}/status", status="triaged").status_code == 303
    assert post_form(client, f"{url}/status", status="in_progress").status_code == 303
    select_html = status_select(client.get(url + "?lang=en").text)
    # A required select whose first option is empty: the browser sends nothing until a status is picked.
    assert re.match(r'<select name="status" required>\s*<option value="">Choose a status</option>', select_html)
    assert "selected" not in select_html
    assert 'value="resolved"' in select_html


def test_an_empty_status_is_refused(create_user, login_client, create_request, post_form):
    client = login_client(create_user(role="staff"))
    _w, request = create_request()
    response = post_form(client, f"{detail_url(request['id'])}/status?lang=en", status="")
    assert response.status_code == 422
    assert stored(request["id"]).status == "new"


def test_a_status_form_without_a_status_is_refused(create_user, login_client, create_request, post_form):
    client = login_client(create_user(role="staff"))
    _w, request = create_request()
    response = post_form(client, f"{detail_url(request['id'])}/status?lang=en", closure_reason="spam", confirm="yes")
    assert response.status_code == 422
    assert stored(request["id"]).status == "new"


def test_closing_asks_for_confirmation_first(create_user, login_client, create_request, post_form):
    client = login_client(create_user(role="staff"))
    _w, request = create_request()
    url = detail_url(request["id"])
    asked = post_form(client, f"{url}/status?lang=en", status="closed", closure_reason="spam")
    assert asked.status_code == 200
    assert f"Close {request['reference']}?" in asked.text
    assert 'name="confirm" value="yes"' in asked.text and 'name="closure_reason" value="spam"' in asked.text
    assert stored(request["id"]).status == "new" and status_events(request["id"]) == 1  # only "new"

    done = post_form(client, f"{url}/status", status="closed", closure_reason="spam", confirm="yes")
    assert done.status_code == 303
    row = stored(request["id"])
    assert (row.status, row.closure_reason) == ("closed", "spam")


def test_resolving_asks_for_confirmation_first(create_user, login_client, create_request, post_form):
    client = login_client(create_user(role="staff"))
    _w, request = create_request()
    url = detail_url(request["id"])
    for status in ("triaged", "in_progress"):
        assert post_form(client, f"{url}/status", status=status).status_code == 303  # no question for these
    asked = post_form(client, f"{url}/status?lang=en", status="resolved")
    assert asked.status_code == 200 and f"Mark {request['reference']} as resolved?" in asked.text
    assert stored(request["id"]).status == "in_progress"
    # The detail page carries the question for the dialog too (static/js/console-detail.js).
    assert 'data-confirm="Mark' in client.get(url + "?lang=en").text
    assert post_form(client, f"{url}/status", status="resolved", confirm="yes").status_code == 303
    assert stored(request["id"]).status == "resolved"


def test_a_close_that_would_fail_is_refused_before_asking(create_user, login_client, create_request, post_form):
    client = login_client(create_user(role="staff"))
    _w, request = create_request()
    response = post_form(client, f"{detail_url(request['id'])}/status?lang=en", status="closed", closure_reason="")
    assert response.status_code == 422 and "Say why the request is closed." in response.text
    assert 'name="confirm" value="yes"' not in response.text


def test_staff_cannot_withdraw_even_when_confirming(create_user, login_client, create_request, post_form):
    client = login_client(create_user(role="staff"))
    _w, request = create_request()
    url = detail_url(request["id"])
    assert 'value="withdrawn"' not in status_select(client.get(url).text)
    assert post_form(client, f"{url}/status", status="withdrawn", confirm="yes").status_code == 409
    assert stored(request["id"]).status == "new"


def test_phones_are_call_and_whatsapp_links(create_user, login_client, create_request):
    worker = create_user(phone="+6281234500099")
    _w, request = create_request(worker=worker, presence=True)
    page = login_client(create_user(role="staff")).get(detail_url(request["id"]) + "?lang=en").text
    # The worker's own phone, her emergency contact's, and the request's contact phone.
    for number in ("+6281234500099", "+6281234567890", "+60123456789"):
        assert f'href="tel:{number}"' in page, number
        assert f'href="https://wa.me/{number[1:]}"' in page, number
    contact = re.search(r'<dd id="emergency-contact">(.*?)</dd>', page, re.S).group(1)
    assert 'class="phone-links"' in contact and "https://wa.me/6281234567890" in contact


def test_a_consular_note_template_is_offered(create_user, login_client, create_request):
    _w, request = create_request()
    page = login_client(create_user(role="staff")).get(detail_url(request["id"]) + "?lang=en").text
    notes = re.search(r'<section class="panel notes[^"]*" id="notes">.*?</section>', page, re.S).group(0)
    assert 'data-fills="note-body"' in notes and 'id="note-body"' in notes
    assert re.search(r'<option value="referral" data-text="Referred to \[', notes)
    assert 'src="/static/js/console-detail.js?v=' in page
