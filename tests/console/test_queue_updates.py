"""The queue page's "3 new" (issue 15, item 5): `GET /console/queue/updates` counts what the server
received after the page was shown, with the page's filters, within the reader's mission only."""
import re
from datetime import timedelta

from app.types import utcnow

KL = {"region": "MY-14", "city": "Kuala Lumpur"}


def updates(client, since, **args):
    return client.get("/console/queue/updates", query_string={"since": since.isoformat(), **args})


def test_counts_the_requests_received_since_the_page_was_shown(create_user, login_client, create_request):
    client = login_client(create_user(role="staff"))
    create_request()
    page = client.get("/console")
    since = re.search(r'data-since="([^"]+)"', page.text).group(1)
    assert client.get("/console/queue/updates", query_string={"since": since}).json["new"] == 0
    _w, first = create_request(urgency="normal")
    _w, second = create_request(category="abuse_violence", urgency="emergency")
    answer = client.get("/console/queue/updates", query_string={"since": since})
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"
    body = answer.json
    assert (body["new"], body["urgent"], body["more"]) == (2, 1, False)
    assert set(body["ids"]) == {first["id"], second["id"]} and body["urgent_ids"] == [second["id"]]
    # Counts and ids only: nothing of the worker or her request travels in the poll.
    assert first["reference"] not in answer.text and "description" not in answer.text


def test_the_page_filters_apply_to_the_count(create_user, login_client, create_request):
    client = login_client(create_user(role="staff"))
    since = utcnow() - timedelta(seconds=1)
    create_request(category="unpaid_wages")
    create_request(category="trafficking", urgency="emergency")
    assert updates(client, since).json["new"] == 2
    assert updates(client, since, category="trafficking").json["new"] == 1
    assert updates(client, since, status="triaged").json["new"] == 0
    assert updates(client, since, mine="1").json["new"] == 0


def test_staff_of_another_mission_learn_nothing_of_them(create_user, login_client, create_request):
    since = utcnow() - timedelta(seconds=1)
    _w, request = create_request()
    other = login_client(create_user(role="staff", mission="KBRI-KUALALUMPUR"))
    body = updates(other, since).json
    assert (body["new"], body["ids"]) == (0, [])
    # An admin sees every mission, or the one picked.
    admin = login_client(create_user(role="admin"))
    assert updates(admin, since).json["ids"] == [request["id"]]
    assert updates(admin, since, mission="KBRI-KUALALUMPUR").json["new"] == 0
    create_request(**KL)
    assert updates(other, since).json["new"] == 1


def test_a_worker_and_a_visitor_are_turned_away(create_user, login_client, client):
    since = utcnow()
    worker = login_client(create_user())
    assert updates(worker, since).status_code == 403
    anonymous = updates(client, since)
    assert anonymous.status_code in (302, 303) and "/login" in anonymous.headers["Location"]


def test_a_missing_or_naive_since_is_a_clear_400(create_user, login_client):
    client = login_client(create_user(role="staff", language="en"))
    for since in ("", "yesterday", "2026-11-29T10:00:00"):
        answer = client.get("/console/queue/updates", query_string={"since": since, "lang": "en"})
        assert answer.status_code == 400
        assert "time the page was shown" in answer.json["message"]


def test_the_page_carries_its_poll_settings_and_the_notice_is_silent_without_script(
        app, create_user, login_client):
    app.config["CONSOLE_POLL_SECONDS"] = 7
    client = login_client(create_user(role="staff"))
    page = client.get("/console?category=trafficking&q=Siti").text
    assert 'data-poll-seconds="7' in page
    assert 'data-url="/console/queue/updates?' in page and "category=trafficking" in page
    assert re.search(r'<button type="button" id="queue-news" hidden></button>', page)
    assert 'src="/static/js/console-queue.js' in page
