"""The one rule for a device's clock (app.types.clamp_device_time): a record's `created_at` is never
before the worker's account existed, never more than OFFLINE_WINDOW_DAYS before the server received
it, never after that moment; for every record a worker creates, whatever the way in."""
import uuid
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import pytest

from app.types import clamp_device_time, utcnow
from tests.builders import help_body, presence_body


def parse(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def near(a: datetime, b: datetime, seconds: float = 5) -> bool:
    return abs((a - b).total_seconds()) < seconds


@pytest.fixture
def real_window(app, monkeypatch):
    """The production window (the suite's default keeps fixed 2026 dates as written)."""
    monkeypatch.setitem(app.config, "OFFLINE_WINDOW_DAYS", 30)


OLD_ACCOUNT = SimpleNamespace(created_at=datetime(2025, 1, 1, tzinfo=timezone.utc))


def test_a_time_written_offline_days_ago_is_kept(real_window):
    three_days_ago = utcnow() - timedelta(days=3)
    assert clamp_device_time(three_days_ago, OLD_ACCOUNT) == three_days_ago


def test_a_clock_running_ahead_becomes_the_received_time(real_window):
    received = utcnow()
    assert clamp_device_time(received + timedelta(days=2), OLD_ACCOUNT, received) == received


def test_a_reset_clock_becomes_the_received_time(real_window):
    received = utcnow()
    assert clamp_device_time(datetime(1970, 1, 1, tzinfo=timezone.utc), OLD_ACCOUNT, received) == received


def test_a_time_beyond_the_offline_window_is_clamped_to_its_start(real_window):
    received = utcnow()
    clamped = clamp_device_time(datetime(2020, 6, 1, tzinfo=timezone.utc), OLD_ACCOUNT, received)
    assert clamped == received - timedelta(days=30)


def test_a_time_before_the_account_existed_is_clamped_to_its_creation(real_window):
    received = utcnow()
    account = SimpleNamespace(created_at=received - timedelta(hours=2))
    assert clamp_device_time(received - timedelta(days=10), account, received) == account.created_at


def test_the_window_is_a_setting(app, monkeypatch):
    monkeypatch.setitem(app.config, "OFFLINE_WINDOW_DAYS", 7)
    received = utcnow()
    assert clamp_device_time(received - timedelta(days=20), OLD_ACCOUNT, received) == received - timedelta(days=7)


# ---------------------------------------------------------------- every way in, over HTTP

BACKDATED = "2020-03-01T00:00:00+00:00"


def test_backdated_emergency_of_a_new_account_does_not_jump_the_queue(client, create_user, auth, real_window):
    """The review's attack: `emergency` written "in 2020" by a fresh account lands above every real case."""
    staff = create_user(role="staff")
    genuine = client.post("/api/v1/help-requests", headers=auth(create_user()), json=help_body(
        urgency="emergency", created_at=(utcnow() - timedelta(hours=1)).isoformat())).json
    attacker = create_user(created_at=None)  # the account is made now
    response = client.post("/api/v1/help-requests", headers=auth(attacker),
                           json=help_body(urgency="emergency", created_at=BACKDATED))
    assert response.status_code == 201
    # The clamped value is answered: the account's creation, not 2020.
    assert near(parse(response.json["created_at"]), attacker.created_at)
    queue = client.get("/api/v1/queue", headers=auth(staff)).json["items"]
    assert [item["id"] for item in queue] == [genuine["id"], response.json["id"]]
    # Neither is past its first-response deadline (two hours for the critical band, app.help.deadlines).
    assert [item["overdue"] for item in queue] == [False, False]


def test_backdating_an_old_account_gains_at_most_the_offline_window(client, create_user, auth, real_window):
    response = client.post("/api/v1/help-requests", headers=auth(create_user()),
                           json=help_body(urgency="emergency", created_at=BACKDATED))
    assert near(parse(response.json["created_at"]), utcnow() - timedelta(days=30))


def _sync(client, auth, user, type_, data, cursor=None):
    envelope = {"device_id": str(uuid.uuid4()), "cursor": cursor,
                "mutations": [{"id": str(uuid.uuid4()), "type": type_, "data": data, "created_at": BACKDATED}]}
    return client.post("/api/v1/sync", json=envelope, headers=auth(user)).json


def _changed(answer, entity, record_id):
    return next(c["data"] for c in answer["changes"] if c["entity"] == entity and c["id"] == str(record_id))


def test_sync_clamps_every_record_a_worker_creates_and_answers_the_clamped_value(client, create_user, auth,
                                                                                 real_window):
    worker = create_user(created_at=None)
    for type_, entity, data in [
        ("presence.upsert", "presence", presence_body()),
        ("help_request.create", "help_request", help_body(urgency="emergency")),
    ]:
        data = {k: v for k, v in data.items() if k != "created_at"}  # the mutation's created_at counts
        answer = _sync(client, auth, worker, type_, data)
        result = answer["results"][0]
        assert result["status"] == "applied", result
        assert near(parse(_changed(answer, entity, result["record_id"])["created_at"]), worker.created_at)
    request_id = answer["results"][0]["record_id"]
    # With a cursor: without one, the message would come inside its request (the whole state).
    answer = _sync(client, auth, worker, "message.create", {"help_request_id": request_id, "body": "Tolong"},
                   cursor=answer["cursor"])
    message = _changed(answer, "message", answer["results"][0]["record_id"])
    assert near(parse(message["created_at"]), worker.created_at)


def test_rest_clamps_messages_and_presence_reports_too(client, create_user, auth, real_window):
    worker = create_user(created_at=None)
    presence = client.put("/api/v1/presence", json=presence_body(created_at=BACKDATED), headers=auth(worker))
    assert presence.status_code == 201 and near(parse(presence.json["created_at"]), worker.created_at)
    request_id = client.post("/api/v1/help-requests", json=help_body(), headers=auth(worker)).json["id"]
    message = client.post(f"/api/v1/help-requests/{request_id}/messages", headers=auth(worker),
                          json={"id": str(uuid.uuid4()), "body": "Tolong", "created_at": BACKDATED})
    assert message.status_code == 201 and near(parse(message.json["created_at"]), worker.created_at)

