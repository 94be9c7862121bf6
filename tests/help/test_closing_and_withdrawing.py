"""Why a request ends: staff close it with a `closure_reason` (spam and duplicates too, from any open
status); `withdrawn` is the worker's word alone."""
import uuid

import pytest

from app.help.workflow import CLOSURE_REASONS, OPEN
from tests.builders import help_body

# How staff bring a fresh request into each open status.
TO_STATUS = {"new": [], "triaged": ["triaged"], "in_progress": ["triaged", "in_progress"], "referred": ["referred"]}


def new_request(client, auth, worker, **fields) -> str:
    response = client.post("/api/v1/help-requests", json=help_body(**fields), headers=auth(worker))
    assert response.status_code == 201, response.json
    return response.json["id"]


def patch(client, auth, staff, request_id, **body):
    return client.patch(f"/api/v1/queue/{request_id}", json=body, headers=auth(staff))


@pytest.fixture
def people(create_user):
    return create_user(), create_user(role="staff")


# ---------------------------------------------------------------- closing

@pytest.mark.parametrize("status", OPEN)
def test_staff_can_close_as_spam_from_any_open_status(client, auth, people, status):
    worker, staff = people
    rid = new_request(client, auth, worker)
    for step in TO_STATUS[status]:
        assert patch(client, auth, staff, rid, status=step).status_code == 200
    response = patch(client, auth, staff, rid, status="closed", closure_reason="spam")
    assert response.status_code == 200, response.json
    assert response.json["status"] == "closed" and response.json["closure_reason"] == "spam"


def test_closing_without_a_reason_is_422(client, auth, people):
    worker, staff = people
    rid = new_request(client, auth, worker)
    response = patch(client, auth, staff, rid, status="closed")
    assert response.status_code == 422
    assert "closure_reason" in response.json["errors"]
    assert patch(client, auth, staff, rid, status="closed", closure_reason="because").status_code == 422
    # A reason without a close is refused too, and nothing changed.
    assert patch(client, auth, staff, rid, status="triaged", closure_reason="spam").status_code == 422
    assert client.get(f"/api/v1/queue/{rid}", headers=auth(staff)).json["status"] == "new"


def test_the_reason_is_stored_answered_and_in_the_history(client, auth, people):
    worker, staff = people
    rid = new_request(client, auth, worker)
    assert patch(client, auth, staff, rid, status="closed", closure_reason="unreachable").status_code == 200
    detail = client.get(f"/api/v1/queue/{rid}", headers=auth(staff)).json
    assert detail["closure_reason"] == "unreachable" and detail["duplicate_of"] is None
    assert detail["history"][-1]["to"] == "closed" and detail["history"][-1]["reason"] == "unreachable"
    mine = client.get(f"/api/v1/help-requests/{rid}", headers=auth(worker)).json
    assert mine["closure_reason"] == "unreachable"
    assert mine["history"][-1] == {"status": "closed", "reason": "unreachable", "at": mine["history"][-1]["at"]}


def test_a_duplicate_names_another_request_of_the_same_mission(client, auth, people, create_user):
    worker, staff = people
    original = new_request(client, auth, worker)
    repeat = new_request(client, auth, worker)
    elsewhere = new_request(client, auth, create_user(), country="MY", region="MY-13", city="Kuching")
    refused = [
        {"closure_reason": "duplicate"},
        {"closure_reason": "duplicate", "duplicate_of": repeat},
        {"closure_reason": "duplicate", "duplicate_of": elsewhere},
        {"closure_reason": "duplicate", "duplicate_of": str(uuid.uuid4())},
        {"closure_reason": "spam", "duplicate_of": original},
    ]
    for body in refused:
        response = patch(client, auth, staff, repeat, status="closed", **body)
        assert response.status_code == 422, body
        assert "duplicate_of" in response.json["errors"], body
    response = patch(client, auth, staff, repeat, status="closed", closure_reason="duplicate", duplicate_of=original)
    assert response.status_code == 200
    assert response.json["closure_reason"] == "duplicate" and response.json["duplicate_of"] == original
    history = client.get(f"/api/v1/queue/{repeat}", headers=auth(staff)).json["history"]
    assert {"kind": "duplicate", "to": original}.items() <= history[-1].items()


def test_every_reason_of_the_contract_is_accepted(client, auth, people):
    worker, staff = people
    original = new_request(client, auth, worker)
    for reason in CLOSURE_REASONS:
        rid = new_request(client, auth, worker)
        extra = {"duplicate_of": original} if reason == "duplicate" else {}
        assert patch(client, auth, staff, rid, status="closed", closure_reason=reason, **extra).status_code == 200


# ---------------------------------------------------------------- withdrawing: the worker's word alone

@pytest.mark.parametrize("status", OPEN)
def test_staff_moving_a_request_to_withdrawn_is_409(client, auth, people, status):
    worker, staff = people
    rid = new_request(client, auth, worker)
    for step in TO_STATUS[status]:
        assert patch(client, auth, staff, rid, status=step).status_code == 200
    response = patch(client, auth, staff, rid, status="withdrawn")
    assert response.status_code == 409
    assert client.get(f"/api/v1/queue/{rid}", headers=auth(staff)).json["status"] == status


@pytest.mark.parametrize("status", OPEN)
def test_the_worker_withdraws_her_request_from_any_open_status(client, auth, people, status):
    worker, staff = people
    rid = new_request(client, auth, worker)
    for step in TO_STATUS[status]:
        assert patch(client, auth, staff, rid, status=step).status_code == 200
    response = client.post(f"/api/v1/help-requests/{rid}/withdraw", headers=auth(worker))
    assert response.status_code == 200 and response.json["status"] == "withdrawn"


def test_withdrawing_a_resolved_or_another_workers_request_is_refused(client, auth, people, create_user):
    worker, staff = people
    rid = new_request(client, auth, worker)
    assert client.post(f"/api/v1/help-requests/{rid}/withdraw", headers=auth(create_user())).status_code == 404
    assert client.post(f"/api/v1/help-requests/{rid}/withdraw", headers=auth(staff)).status_code == 403
    for step in ("triaged", "in_progress", "resolved"):
        assert patch(client, auth, staff, rid, status=step).status_code == 200
    assert client.post(f"/api/v1/help-requests/{rid}/withdraw", headers=auth(worker)).status_code == 409
