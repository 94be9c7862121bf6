"""The worker's side: creating, replaying, reading, messaging and withdrawing help requests."""
import re
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.help.models import HelpMessage, HelpRequest
from app.sync.models import Change
from tests.builders import help_body


def test_create_is_201_and_routed_with_reference(client, create_user, auth):
    worker = create_user()
    response = client.post("/api/v1/help-requests", json=help_body(), headers=auth(worker))
    assert response.status_code == 201, response.json
    data = response.json
    assert re.fullmatch(r"JBT-[2-9A-HJKMNP-Z]{6}", data["reference"])
    assert data["status"] == "new"
    assert data["mission"]["code"] == "KJRI-KOTAKINABALU"
    assert data["created_at"] == "2026-01-10T00:15:00Z"  # the worker's time, in UTC
    assert data["received_at"] != data["created_at"]
    assert data["messages"] == []
    assert [h["status"] for h in data["history"]] == ["new"]
    assert data["location"] == {"lat": 5.98, "lng": 116.07}


def test_same_id_same_content_is_200_with_same_record(client, create_user, auth):
    worker = create_user()
    body = help_body()
    first = client.post("/api/v1/help-requests", json=body, headers=auth(worker))
    again = client.post("/api/v1/help-requests", json=body, headers=auth(worker))
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json["id"] == first.json["id"] and again.json["reference"] == first.json["reference"]
    assert db.session.scalar(select(func.count()).select_from(HelpRequest)) == 1


def test_same_id_other_content_is_409(client, create_user, auth):
    worker = create_user()
    body = help_body()
    client.post("/api/v1/help-requests", json=body, headers=auth(worker))
    response = client.post("/api/v1/help-requests", json={**body, "description": "other"}, headers=auth(worker))
    assert response.status_code == 409


def test_another_users_id_is_409_and_reveals_nothing(client, create_user, auth):
    alice, bob = create_user(), create_user()
    body = help_body(description="Alice's private story")
    client.post("/api/v1/help-requests", json=body, headers=auth(alice))
    response = client.post("/api/v1/help-requests", json=body, headers=auth(bob))
    assert response.status_code == 409
    assert "Alice" not in response.get_data(as_text=True)
    assert "JBT-" not in response.get_data(as_text=True)


def test_server_mints_id_and_time_when_missing(client, create_user, auth):
    body = help_body()
    del body["id"], body["created_at"]
    response = client.post("/api/v1/help-requests", json=body, headers=auth(create_user()))
    assert response.status_code == 201
    uuid.UUID(response.json["id"])


def test_future_created_at_is_clamped(client, create_user, auth):
    future = (datetime.now(timezone.utc) + timedelta(days=2)).isoformat()
    response = client.post("/api/v1/help-requests", json=help_body(created_at=future), headers=auth(create_user()))
    created = datetime.fromisoformat(response.json["created_at"].replace("Z", "+00:00"))
    assert created <= datetime.now(timezone.utc)


@pytest.mark.parametrize("overrides, field", [
    ({"category": "gossip"}, "category"),
    ({"urgency": "extreme"}, "urgency"),
    ({"description": ""}, "description"),
    ({"description": "x" * 5001}, "description"),
    ({"country": "ZZ"}, "country"),
    ({"region": "AU-VIC"}, "region"),
    ({"contact_phone": "call me"}, "contact_phone"),
    ({"location": {"lat": 95, "lng": 0}}, "location"),
    ({"location": {"lat": "north", "lng": 0}}, "location"),
    ({"created_at": "2026-01-10T08:15:00"}, "created_at"),
    ({"description": 42}, "description"),
    ({"extra": True}, "extra"),
])
def test_invalid_requests_are_422(client, create_user, auth, overrides, field):
    response = client.post("/api/v1/help-requests", json=help_body(**overrides), headers=auth(create_user()))
    assert response.status_code == 422, response.json
    assert field in response.json["errors"]


def test_body_that_is_not_an_object_is_4xx(client, create_user, auth):
    for payload in ("[1, 2]", '"text"', "null", "{bad json"):
        response = client.post("/api/v1/help-requests", data=payload, content_type="application/json",
                               headers=auth(create_user()))
        assert response.status_code in (400, 422), payload
        assert response.json["code"] == response.status_code


@pytest.mark.parametrize("text", [
    "<img src=x onerror=alert(1)>", "1' OR '1'='1'; DROP TABLE help_requests; --", "Tolong 🙏😢", "ساعدني من فضلك",
])
def test_hostile_text_is_stored_and_returned_verbatim(client, create_user, auth, text):
    worker = create_user()
    created = client.post("/api/v1/help-requests", json=help_body(description=text), headers=auth(worker)).json
    message = client.post(f"/api/v1/help-requests/{created['id']}/messages",
                          json={"id": str(uuid.uuid4()), "body": text}, headers=auth(worker))
    assert message.status_code == 201
    got = client.get(f"/api/v1/help-requests/{created['id']}", headers=auth(worker)).json
    assert got["description"] == text
    assert got["messages"][0]["body"] == text


def test_worker_sees_only_own_requests(client, create_user, auth):
    alice, bob = create_user(), create_user()
    mine = client.post("/api/v1/help-requests", json=help_body(), headers=auth(alice)).json
    client.post("/api/v1/help-requests", json=help_body(), headers=auth(bob))
    listed = client.get("/api/v1/help-requests", headers=auth(alice)).json
    assert [i["id"] for i in listed["items"]] == [mine["id"]]
    rid = mine["id"]
    assert client.get(f"/api/v1/help-requests/{rid}", headers=auth(bob)).status_code == 404
    assert client.post(f"/api/v1/help-requests/{rid}/messages", json={"body": "hi"},
                       headers=auth(bob)).status_code == 404
    assert client.post(f"/api/v1/help-requests/{rid}/withdraw", headers=auth(bob)).status_code == 404
    unknown = uuid.uuid4()
    assert client.get(f"/api/v1/help-requests/{unknown}", headers=auth(alice)).status_code == 404
    assert client.get("/api/v1/help-requests/not-a-uuid", headers=auth(alice)).status_code == 404


def test_staff_and_anonymous_cannot_use_worker_endpoints(client, create_user, auth):
    staff = create_user(role="staff")
    assert client.get("/api/v1/help-requests").status_code == 401
    assert client.post("/api/v1/help-requests", json=help_body()).status_code == 401
    assert client.get("/api/v1/help-requests", headers=auth(staff)).status_code == 403
    assert client.post("/api/v1/help-requests", json=help_body(), headers=auth(staff)).status_code == 403


def test_worker_list_pages_newest_first(client, create_user, auth):
    worker = create_user()
    ids = []
    for day in range(1, 6):
        ids.append(client.post("/api/v1/help-requests", json=help_body(created_at=f"2026-01-0{day}T00:00:00Z"),
                               headers=auth(worker)).json["id"])
    seen, cursor = [], None
    while True:
        page = client.get("/api/v1/help-requests", query_string={"limit": 2, **({"cursor": cursor} if cursor else {})},
                          headers=auth(worker)).json
        seen += [i["id"] for i in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == list(reversed(ids))


def test_worker_message_is_idempotent_by_id(client, create_user, auth):
    worker = create_user()
    rid = client.post("/api/v1/help-requests", json=help_body(), headers=auth(worker)).json["id"]
    body = {"id": str(uuid.uuid4()), "body": "Majikan mengambil paspor saya", "created_at": "2026-01-11T09:00:00+08:00"}
    first = client.post(f"/api/v1/help-requests/{rid}/messages", json=body, headers=auth(worker))
    again = client.post(f"/api/v1/help-requests/{rid}/messages", json=body, headers=auth(worker))
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json["direction"] == "from_worker"
    assert first.json["created_at"] == "2026-01-11T01:00:00Z"
    assert db.session.scalar(select(func.count()).select_from(HelpMessage)) == 1
    changed = client.post(f"/api/v1/help-requests/{rid}/messages", json={**body, "body": "other"},
                          headers=auth(worker))
    assert changed.status_code == 409


def test_message_id_of_another_worker_is_409(client, create_user, auth):
    alice, bob = create_user(), create_user()
    a = client.post("/api/v1/help-requests", json=help_body(), headers=auth(alice)).json["id"]
    b = client.post("/api/v1/help-requests", json=help_body(), headers=auth(bob)).json["id"]
    body = {"id": str(uuid.uuid4()), "body": "hello"}
    client.post(f"/api/v1/help-requests/{a}/messages", json=body, headers=auth(alice))
    assert client.post(f"/api/v1/help-requests/{b}/messages", json=body, headers=auth(bob)).status_code == 409


def test_withdraw_then_staff_cannot_move_it(client, create_user, auth):
    worker, staff = create_user(), create_user(role="staff")
    rid = client.post("/api/v1/help-requests", json=help_body(), headers=auth(worker)).json["id"]
    response = client.post(f"/api/v1/help-requests/{rid}/withdraw", headers=auth(worker))
    assert response.status_code == 200
    assert response.json["status"] == "withdrawn"
    assert [h["status"] for h in response.json["history"]] == ["new", "withdrawn"]
    assert client.post(f"/api/v1/help-requests/{rid}/withdraw", headers=auth(worker)).status_code == 200
    assert client.patch(f"/api/v1/queue/{rid}", json={"status": "triaged"}, headers=auth(staff)).status_code == 409
    change = db.session.scalar(select(Change).where(Change.user_id == worker.id, Change.entity == "help_request"))
    assert str(change.entity_id) == rid


def test_closed_request_cannot_be_withdrawn(client, create_user, auth):
    worker, staff = create_user(), create_user(role="staff")
    rid = client.post("/api/v1/help-requests", json=help_body(), headers=auth(worker)).json["id"]
    for status in ("triaged", "in_progress", "resolved"):
        assert client.patch(f"/api/v1/queue/{rid}", json={"status": status}, headers=auth(staff)).status_code == 200
    assert client.post(f"/api/v1/help-requests/{rid}/withdraw", headers=auth(worker)).status_code == 409
    body = {"status": "closed", "closure_reason": "resolved"}
    assert client.patch(f"/api/v1/queue/{rid}", json=body, headers=auth(staff)).status_code == 200
    assert client.post(f"/api/v1/help-requests/{rid}/withdraw", headers=auth(worker)).status_code == 409


def test_worker_never_sees_internal_notes(client, create_user, auth):
    worker, staff = create_user(), create_user(role="staff")
    rid = client.post("/api/v1/help-requests", json=help_body(), headers=auth(worker)).json["id"]
    client.post(f"/api/v1/queue/{rid}/notes", json={"body": "NOTE-SECRET suspected trafficking ring"},
                headers=auth(staff))
    client.post(f"/api/v1/queue/{rid}/messages", json={"body": "Kami akan menghubungi Anda."}, headers=auth(staff))
    text = client.get(f"/api/v1/help-requests/{rid}", headers=auth(worker)).get_data(as_text=True)
    assert "NOTE-SECRET" not in text
    assert "Kami akan menghubungi Anda." in text
    listed = client.get("/api/v1/help-requests", headers=auth(worker)).get_data(as_text=True)
    assert "NOTE-SECRET" not in listed
