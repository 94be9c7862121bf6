"""Bulk actions on the queue (issue 15, item 7): several requests assigned to a colleague or closed
as duplicates or spam, each through the single-request service, each refusal reported on its line."""
import uuid

from sqlalchemy import select

from app.extensions import db
from app.help.models import HelpRequestEvent

from .test_console_pages import stored

KL = {"region": "MY-14", "city": "Kuala Lumpur"}


def bulk(client, post_form, *ids, **fields):
    # A form sends a repeated field as a list.
    return post_form(client, "/console/queue/bulk?lang=en", ids=list(ids), **fields)


def events(help_request_id, kind):
    return db.session.scalars(select(HelpRequestEvent).where(
        HelpRequestEvent.help_request_id == uuid.UUID(help_request_id), HelpRequestEvent.kind == kind)
        .order_by(HelpRequestEvent.created_at)).all()


def test_the_queue_offers_boxes_and_the_colleagues_of_the_mission(create_user, login_client, create_request):
    staff = create_user(role="staff", full_name="Dewi Lestari")
    create_user(role="staff", full_name="Rina Kolega")
    create_user(role="staff", full_name="Bukan Kolega", mission="KBRI-KUALALUMPUR")
    _w, request = create_request()
    page = login_client(staff).get("/console?lang=en&category=unpaid_wages").text
    assert f'name="ids" value="{request["id"]}"' in page and 'id="select-all"' in page
    assert "Rina Kolega" in page and "Bukan Kolega" not in page
    assert 'name="back" value="/console?lang=en&amp;category=unpaid_wages"' in page
    assert 'value="duplicate"' in page and 'value="spam"' in page


def test_bulk_assign_moves_each_and_records_each_in_its_history(create_user, login_client, create_request, post_form):
    staff = create_user(role="staff")
    colleague = create_user(role="staff", full_name="Rina Kolega")
    client = login_client(staff)
    ids = [create_request()[1]["id"] for _ in range(3)]
    response = bulk(client, post_form, *ids, action="assign", assignee_id=str(colleague.id),
                    back="/console?status=new")
    assert response.status_code == 200, response.text
    assert "3 of 3 changed." in response.text and 'href="/console?status=new"' in response.text
    for help_request_id in ids:
        assert stored(help_request_id).assignee_id == colleague.id
        [event] = events(help_request_id, "assign")
        assert (event.actor_id, event.to_value) == (staff.id, str(colleague.id))


def test_bulk_assign_refuses_a_colleague_of_another_mission_per_item(create_user, login_client, create_request,
                                                                     post_form):
    client = login_client(create_user(role="staff"))
    stranger = create_user(role="staff", mission="KBRI-KUALALUMPUR")
    _w, request = create_request()
    response = bulk(client, post_form, request["id"], action="assign", assignee_id=str(stranger.id))
    assert "0 of 1 changed." in response.text and "Choose a staff member of the request" in response.text
    assert stored(request["id"]).assignee_id is None
    refused = bulk(client, post_form, request["id"], action="assign", assignee_id="")
    assert refused.status_code == 422 and "Choose a colleague." in refused.text


def test_bulk_close_asks_first_then_closes_with_the_reason(create_user, login_client, create_request, post_form):
    staff = create_user(role="staff")
    client = login_client(staff)
    ids = [create_request()[1]["id"] for _ in range(2)]
    asked = bulk(client, post_form, *ids, action="close", closure_reason="spam")
    assert asked.status_code == 200 and 'id="bulk-confirm"' in asked.text
    assert "Yes, close 2 requests" in asked.text and "Spam or abuse of the service" in asked.text
    assert [stored(i).status for i in ids] == ["new", "new"]  # nothing moved yet
    done = bulk(client, post_form, *ids, action="close", closure_reason="spam", confirm="yes")
    assert done.status_code == 200 and "2 of 2 changed." in done.text
    for help_request_id in ids:
        row = stored(help_request_id)
        assert (row.status, row.closure_reason) == ("closed", "spam")
        [event] = [e for e in events(help_request_id, "status") if e.to_value == "closed"]
        assert (event.actor_id, event.from_value, event.reason) == (staff.id, "new", "spam")


def test_bulk_close_as_duplicate_needs_the_original(create_user, login_client, create_request, post_form):
    client = login_client(create_user(role="staff"))
    worker, original = create_request()
    repeats = [create_request(worker=worker)[1]["id"] for _ in range(2)]
    missing = bulk(client, post_form, *repeats, action="close", closure_reason="duplicate", confirm="yes")
    assert missing.status_code == 422 and "Name the request these repeat." in missing.text
    unknown = bulk(client, post_form, *repeats, action="close", closure_reason="duplicate",
                   duplicate_of="JBT-NOSUCH", confirm="yes")
    assert unknown.status_code == 422 and "No request of your mission has this reference." in unknown.text
    # The original itself in the selection cannot be its own duplicate: refused on its line, the others close.
    done = bulk(client, post_form, *repeats, original["id"], action="close", closure_reason="duplicate",
                duplicate_of=original["reference"], confirm="yes")
    assert "2 of 3 changed." in done.text and "Choose another request of the same mission." in done.text
    assert stored(original["id"]).status == "new"
    for help_request_id in repeats:
        row = stored(help_request_id)
        assert (row.status, row.closure_reason, str(row.duplicate_of_id)) == ("closed", "duplicate", original["id"])
        [event] = events(help_request_id, "duplicate")
        assert event.to_value == original["id"]


def test_requests_that_cannot_move_are_reported_and_the_others_move(create_user, login_client, create_request,
                                                                    post_form):
    client = login_client(create_user(role="staff"))
    _w, done_already = create_request()
    _w, fine = create_request()
    _w, elsewhere = create_request(**KL)
    assert bulk(client, post_form, done_already["id"], action="close", closure_reason="spam",
                confirm="yes").status_code == 200
    asked = bulk(client, post_form, done_already["id"], fine["id"], elsewhere["id"], "not-an-id",
                 action="close", closure_reason="spam")
    assert "This request is already closed." in asked.text
    # The confirmation only carries the ones that can move.
    assert asked.text.count('type="hidden" name="ids"') == 1 and "Yes, close 1 request" in asked.text
    response = bulk(client, post_form, done_already["id"], fine["id"], elsewhere["id"], "not-an-id",
                    action="close", closure_reason="spam", confirm="yes")
    assert response.status_code == 200 and "1 of 4 changed." in response.text
    assert response.text.count("Not found in your mission") == 2
    # Another mission's request: not even its reference is shown.
    assert elsewhere["reference"] not in response.text
    assert stored(fine["id"]).status == "closed" and stored(elsewhere["id"]).status == "new"


def test_an_admin_acts_on_every_mission(create_user, login_client, create_request, post_form):
    admin = create_user(role="admin")
    kl_staff = create_user(role="staff", mission="KBRI-KUALALUMPUR")
    _w, elsewhere = create_request(**KL)
    client = login_client(admin)
    response = bulk(client, post_form, elsewhere["id"], action="assign", assignee_id=str(kl_staff.id))
    assert "1 of 1 changed." in response.text and stored(elsewhere["id"]).assignee_id == kl_staff.id


def test_a_worker_cannot_bulk_anything_and_the_form_needs_its_token(create_user, login_client, create_request,
                                                                    post_form):
    worker, request = create_request()
    worker_client = login_client(worker)
    assert bulk(worker_client, post_form, request["id"], action="close", closure_reason="spam",
                confirm="yes").status_code == 403
    staff_client = login_client(create_user(role="staff"))
    no_token = staff_client.post("/console/queue/bulk", data={"ids": [request["id"]], "action": "close",
                                                              "closure_reason": "spam", "confirm": "yes"})
    assert no_token.status_code in (400, 401, 403)
    assert stored(request["id"]).status == "new"


def test_bad_bulk_forms_are_clear_4xx(create_user, login_client, create_request, post_form):
    client = login_client(create_user(role="staff"))
    _w, request = create_request()
    assert "Select at least one request." in bulk(client, post_form, action="assign", assignee_id="x").text
    assert bulk(client, post_form, request["id"], action="explode").status_code == 422
    too_many = bulk(client, post_form, *[str(uuid.uuid4()) for _ in range(51)], action="close",
                    closure_reason="spam")
    assert too_many.status_code == 422 and "at most 50" in too_many.text
    wrong_reason = bulk(client, post_form, request["id"], action="close", closure_reason="resolved")
    assert wrong_reason.status_code == 422 and "Say why the requests are closed." in wrong_reason.text
    outside = bulk(client, post_form, request["id"], action="assign", assignee_id="x", back="https://evil.example/")
    assert 'href="https://evil.example/"' not in outside.text
