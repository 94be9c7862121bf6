"""Deadlines from the mission's service standard: per band, a mission's override, the first response,
and the overdue flag as the clock moves (issue 15, item 1)."""
import json
import uuid
from datetime import datetime, timedelta, timezone

import pytest

from app.extensions import db
from app.help.deadlines import DEFAULT_STANDARD, standard_errors
from app.missions.services import get_by_code
from tests.builders import help_body


def at_hour(days_ago: float = 0) -> datetime:
    """A time on the hour, `days_ago` before now (whole hours keep the expected figures exact)."""
    now = datetime.now(timezone.utc).replace(minute=0, second=0, microsecond=0)
    return now - timedelta(days=days_ago)


def parse(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def hours_after_creation(item: dict, field: str) -> float:
    return (parse(item[field]) - parse(item["created_at"])).total_seconds() / 3600


def new_request(client, auth, worker, **fields) -> str:
    response = client.post("/api/v1/help-requests", json=help_body(**fields), headers=auth(worker))
    assert response.status_code == 201, response.json
    return response.json["id"]


def queue_item(client, headers, request_id) -> dict:
    response = client.get(f"/api/v1/queue/{request_id}", headers=headers)
    assert response.status_code == 200, response.json
    return response.json


def overdue_ids(client, headers, **query) -> set:
    items = client.get("/api/v1/queue", query_string={"limit": 100, **query}, headers=headers).json["items"]
    return {i["id"] for i in items if i["overdue"]}


@pytest.fixture
def mission_standard(app):
    """set(code, overrides): a mission's service standard for one test (missions outlive tests)."""
    from app.help.deadlines import set_standard

    touched = []

    def apply(code, overrides):
        mission = get_by_code(code)
        touched.append(code)
        set_standard(mission, overrides)
        db.session.commit()

    yield apply
    for code in touched:
        get_by_code(code).service_standard = None
    db.session.commit()


# ---------------------------------------------------------------- the standard

@pytest.mark.parametrize("category, urgency, band, first_hours, due_hours", [
    # Normal band: SP4N-LAPOR! (3 days; information 5, dispute 14, field examination 60 days).
    ("unpaid_wages", "normal", "normal", 72, 14 * 24),
    ("contract_dispute", "high", "normal", 72, 14 * 24),
    ("other", "low", "normal", 72, 5 * 24),
    ("lost_contact", "normal", "normal", 72, 14 * 24),
    # Critical band: the project's own (2 hours; 7 days, or sooner when the kind says so).
    ("trafficking", "normal", "critical", 2, 7 * 24),
    ("abuse_violence", "low", "critical", 2, 7 * 24),
    ("other", "emergency", "critical", 2, 5 * 24),
])
def test_deadlines_per_band_from_the_standard(client, create_user, auth, category, urgency, band, first_hours,
                                             due_hours):
    worker, staff = create_user(), create_user(role="staff")
    rid = new_request(client, auth, worker, category=category, urgency=urgency,
                      created_at=at_hour(1).isoformat())
    item = queue_item(client, auth(staff), rid)
    assert item["priority"] == band
    assert hours_after_creation(item, "first_response_due_at") == first_hours
    assert hours_after_creation(item, "due_at") == due_hours
    listed = client.get("/api/v1/queue", headers=auth(staff)).json["items"][0]
    assert (listed["first_response_due_at"], listed["due_at"]) == (item["first_response_due_at"], item["due_at"])


def test_field_examination_kind_in_a_band_overridden_to_normal_gets_sixty_days(client, create_user, auth):
    worker, staff = create_user(), create_user(role="staff")
    rid = new_request(client, auth, worker, category="trafficking", created_at=at_hour(1).isoformat())
    response = client.patch(f"/api/v1/queue/{rid}", json={"priority_override": "normal"}, headers=auth(staff))
    assert response.status_code == 200
    assert hours_after_creation(response.json, "first_response_due_at") == 72
    assert hours_after_creation(response.json, "due_at") == 60 * 24


def test_priority_override_and_transfer_recompute_deadlines(client, create_user, auth, mission_standard):
    mission_standard("KDEI-TAIPEI", {"first_response_hours": {"normal": 48}, "resolution_hours": {"dispute": 240}})
    worker, staff, admin = create_user(), create_user(role="staff"), create_user(role="admin")
    rid = new_request(client, auth, worker, category="unpaid_wages", created_at=at_hour(1).isoformat())
    high = client.patch(f"/api/v1/queue/{rid}", json={"priority_override": "high"}, headers=auth(staff)).json
    assert (hours_after_creation(high, "first_response_due_at"), hours_after_creation(high, "due_at")) == (24, 336)
    client.patch(f"/api/v1/queue/{rid}", json={"priority_override": None}, headers=auth(staff))
    moved = client.patch(f"/api/v1/queue/{rid}", json={"mission_code": "KDEI-TAIPEI"}, headers=auth(admin)).json
    assert moved["mission"]["code"] == "KDEI-TAIPEI"
    assert (hours_after_creation(moved, "first_response_due_at"), hours_after_creation(moved, "due_at")) == (48, 240)


def test_mission_override_sets_the_deadlines_of_its_requests(client, create_user, auth, mission_standard):
    worker, staff = create_user(), create_user(role="staff")
    before = new_request(client, auth, worker, category="abuse_violence", created_at=at_hour(1).isoformat())
    mission_standard("KJRI-KOTAKINABALU", {"first_response_hours": {"critical": 1},
                                           "critical_resolution_hours": 72})
    after = new_request(client, auth, worker, category="abuse_violence", created_at=at_hour(1).isoformat())
    for rid in (before, after):  # the open request made before the change follows the new standard too
        item = queue_item(client, auth(staff), rid)
        assert (hours_after_creation(item, "first_response_due_at"), hours_after_creation(item, "due_at")) == (1, 72)
    # Another mission keeps the defaults.
    other = new_request(client, auth, worker, category="abuse_violence", country="TW", region=None, city="Taipei",
                        created_at=at_hour(1).isoformat())
    item = queue_item(client, auth(create_user(role="staff", mission="KDEI-TAIPEI")), other)
    assert (hours_after_creation(item, "first_response_due_at"), hours_after_creation(item, "due_at")) == (2, 168)


def test_standard_cli_shows_sets_and_resets(runner, client, create_user, auth):
    try:
        result = runner.invoke(args=["missions", "standard", "KJRI-KOTAKINABALU", "--set",
                                     "first_response_hours.critical=1", "--set", "resolution_hours.dispute=240"])
        assert result.exit_code == 0, result.output
        shown = json.loads(result.output[result.output.index("{"):])
        assert shown["overrides"] == {"first_response_hours": {"critical": 1}, "resolution_hours": {"dispute": 240}}
        assert shown["standard"]["first_response_hours"] == {**DEFAULT_STANDARD["first_response_hours"], "critical": 1}
        worker, staff = create_user(), create_user(role="staff")
        rid = new_request(client, auth, worker, category="unpaid_wages", created_at=at_hour(1).isoformat())
        assert hours_after_creation(queue_item(client, auth(staff), rid), "due_at") == 240
        bad = runner.invoke(args=["missions", "standard", "KJRI-KOTAKINABALU", "--set", "resolution_hours.forever=1"])
        assert bad.exit_code != 0 and "unknown key 'forever'" in bad.output
        late_first = runner.invoke(args=["missions", "standard", "KJRI-KOTAKINABALU", "--set",
                                         "first_response_hours.normal=500"])
        assert late_first.exit_code != 0 and "first_response_hours.normal" in late_first.output
        assert runner.invoke(args=["missions", "standard", "NOPE", "--reset"]).exit_code != 0
    finally:
        result = runner.invoke(args=["missions", "standard", "KJRI-KOTAKINABALU", "--reset"])
    assert result.exit_code == 0 and get_by_code("KJRI-KOTAKINABALU").service_standard is None


@pytest.mark.parametrize("overrides", [
    {"first_response_hours": {"critical": 0}}, {"first_response_hours": {"critical": "2"}},
    {"first_response_hours": {"urgent": 2}}, {"resolution_hours": 5}, {"critical_resolution_hours": True},
    {"whatever": 1}, ["first_response_hours"], {"resolution_hours": {"information": 1}},
])
def test_bad_overrides_are_refused(overrides):
    assert standard_errors(overrides)


# ---------------------------------------------------------------- first response and overdue

def test_overdue_flag_with_the_clock_moved_forward(client, create_user, auth, clock):
    worker, staff = create_user(), create_user(role="staff")
    start = clock.set(at_hour(0))
    critical = new_request(client, auth, worker, category="abuse_violence", created_at=start.isoformat())
    normal = new_request(client, auth, worker, category="unpaid_wages", created_at=start.isoformat())
    headers = auth(staff)
    assert overdue_ids(client, headers) == set()

    clock.set(start + timedelta(hours=1, minutes=59))
    assert overdue_ids(client, headers) == set()
    clock.set(start + timedelta(hours=3))  # a 3-hour-old beating case is late; a wage claim is not
    assert overdue_ids(client, headers) == {critical}
    assert queue_item(client, headers, critical)["overdue"] is True
    assert queue_item(client, headers, normal)["overdue"] is False

    # A message to the worker is the first response: the resolution deadline (7 days) is next.
    assert client.post(f"/api/v1/queue/{critical}/messages", json={"body": "Kami segera datang."},
                       headers=headers).status_code == 201
    item = queue_item(client, headers, critical)
    assert item["overdue"] is False and parse(item["first_response_at"]) == start + timedelta(hours=3)

    clock.set(start + timedelta(hours=73))
    assert overdue_ids(client, headers) == {normal}
    clock.set(start + timedelta(days=7, hours=1))
    assert overdue_ids(client, headers) == {critical, normal}
    for status in ("triaged", "in_progress", "resolved"):
        assert client.patch(f"/api/v1/queue/{critical}", json={"status": status}, headers=headers).status_code == 200
    assert overdue_ids(client, headers) == {normal}
    assert parse(queue_item(client, headers, critical)["first_response_at"]) == start + timedelta(hours=3)
    # Reopened after its deadline: late again.
    assert client.patch(f"/api/v1/queue/{critical}", json={"status": "in_progress"}, headers=headers).status_code == 200
    assert overdue_ids(client, headers) == {critical, normal}


def test_notes_claims_and_the_workers_own_words_are_not_a_first_response(client, create_user, auth, clock):
    worker, staff = create_user(), create_user(role="staff")
    start = clock.set(at_hour(0))
    rid = new_request(client, auth, worker, category="trafficking", created_at=start.isoformat())
    headers = auth(staff)
    clock.set(start + timedelta(hours=1))
    assert client.post(f"/api/v1/queue/{rid}/claim", headers=headers).status_code == 200
    assert client.post(f"/api/v1/queue/{rid}/notes", json={"body": "Cek majikan."}, headers=headers).status_code == 201
    assert client.post(f"/api/v1/help-requests/{rid}/messages",
                       json={"id": str(uuid.uuid4()), "body": "Tolong!", "created_at": start.isoformat()},
                       headers=auth(worker)).status_code == 201
    item = queue_item(client, headers, rid)
    assert item["first_response_at"] is None
    assert item["assignee"] == {"id": str(staff.id), "full_name": staff.full_name}
    clock.set(start + timedelta(hours=2, minutes=1))
    assert queue_item(client, headers, rid)["overdue"] is True
    # A status change the worker sees is a response.
    assert client.patch(f"/api/v1/queue/{rid}", json={"status": "triaged"}, headers=headers).status_code == 200
    item = queue_item(client, headers, rid)
    assert parse(item["first_response_at"]) == start + timedelta(hours=2, minutes=1) and item["overdue"] is False


def test_a_withdrawn_request_is_neither_answered_nor_overdue(client, create_user, auth, clock):
    worker, staff = create_user(), create_user(role="staff")
    start = clock.set(at_hour(0))
    rid = new_request(client, auth, worker, category="trafficking", created_at=start.isoformat())
    assert client.post(f"/api/v1/help-requests/{rid}/withdraw", headers=auth(worker)).status_code == 200
    clock.set(start + timedelta(days=30))
    item = queue_item(client, auth(staff), rid)
    assert item["first_response_at"] is None and item["overdue"] is False


def test_requests_made_through_sync_get_deadlines(client, create_user, auth):
    worker, staff = create_user(), create_user(role="staff")
    created = at_hour(1)
    body = help_body(category="health_emergency", created_at=created.isoformat())
    response = client.post("/api/v1/sync", json={
        "device_id": str(uuid.uuid4()), "cursor": None,
        "mutations": [{"id": str(uuid.uuid4()), "type": "help_request.create", "data": body,
                       "created_at": created.isoformat()}]}, headers=auth(worker))
    assert response.status_code == 200 and response.json["results"][0]["status"] == "applied", response.json
    item = queue_item(client, auth(staff), body["id"])
    assert (hours_after_creation(item, "first_response_due_at"), hours_after_creation(item, "due_at")) == (2, 168)
