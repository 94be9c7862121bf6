"""One worker cannot bury a mission's queue: a daily limit on new requests and a cap on open ones,
counted per request created across REST, the pages and sync (app.help.limits); a genuine emergency
of a worker under the cap is never refused."""
import uuid

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.help.models import HelpRequest
from app.missions.services import get_by_code
from tests.builders import help_body
from tests.support.forms import post_page_form

PER_DAY, OPEN_CAP = 5, 3


@pytest.fixture(autouse=True)
def real_limits(app, monkeypatch):
    """The production defaults (the suite's own are high)."""
    monkeypatch.setitem(app.config, "WORKER_REQUESTS_PER_DAY", PER_DAY)
    monkeypatch.setitem(app.config, "WORKER_OPEN_REQUESTS", OPEN_CAP)


def post(client, headers, **fields):
    return client.post("/api/v1/help-requests", json=help_body(**fields), headers=headers)


def withdraw(client, headers, request_id):
    assert client.post(f"/api/v1/help-requests/{request_id}/withdraw", headers=headers).status_code == 200


def stored_for(worker) -> int:
    db.session.remove()
    return db.session.scalar(select(func.count()).select_from(HelpRequest).where(HelpRequest.user_id == worker.id))


def sync(client, headers, *datas):
    body = {"device_id": str(uuid.uuid4()), "cursor": None,
            "mutations": [{"id": str(uuid.uuid4()), "type": "help_request.create", "data": d,
                           "created_at": "2026-11-20T08:15:00+08:00"} for d in datas]}
    response = client.post("/api/v1/sync", json=body, headers=headers)
    assert response.status_code == 200, response.json
    return body, response.json["results"]


def test_open_requests_beyond_the_cap_are_refused_with_the_missions_number_in_her_language(client, create_user,
                                                                                          auth):
    worker = create_user()
    for _ in range(OPEN_CAP):
        assert post(client, auth(worker)).status_code == 201
    mission = get_by_code("KJRI-KOTAKINABALU")
    number = mission.hotline or mission.phone
    refused = post(client, auth(worker))
    assert refused.status_code == 409
    assert "permintaan yang masih terbuka" in refused.json["message"]  # Indonesian, the default
    assert number in refused.json["message"] and mission.name_id in refused.json["message"]
    assert stored_for(worker) == OPEN_CAP
    # A worker whose account speaks English is told in English.
    english_speaker = create_user(language="en")
    for _ in range(OPEN_CAP):
        post(client, auth(english_speaker))
    english = post(client, auth(english_speaker))
    assert english.status_code == 409
    assert "write in your open request" in english.json["message"]
    assert number in english.json["message"] and mission.name_en in english.json["message"]


def test_new_requests_beyond_the_daily_limit_are_429_with_retry_after(client, create_user, auth):
    worker = create_user(language="en")
    for _ in range(PER_DAY):
        withdraw(client, auth(worker), post(client, auth(worker)).json["id"])
    refused = post(client, auth(worker))
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 24 * 3600
    assert "many requests today" in refused.json["message"]
    assert stored_for(worker) == PER_DAY


def test_a_genuine_emergency_of_a_worker_under_the_cap_is_never_refused(client, create_user, auth):
    worker = create_user()
    for _ in range(PER_DAY):
        withdraw(client, auth(worker), post(client, auth(worker)).json["id"])
    assert post(client, auth(worker)).status_code == 429  # the daily limit holds for others ...
    for n in range(OPEN_CAP):  # ... but not for an emergency, until the cap
        assert post(client, auth(worker), urgency="emergency").status_code == 201, n
    assert post(client, auth(worker), urgency="emergency").status_code == 409


def test_requests_closed_as_spam_count_toward_the_cap(client, create_user, auth):
    worker, staff = create_user(), create_user(role="staff")
    ids = [post(client, auth(worker), urgency="emergency").json["id"] for _ in range(OPEN_CAP)]
    for request_id in ids:
        response = client.patch(f"/api/v1/queue/{request_id}", json={"status": "closed", "closure_reason": "spam"},
                                headers=auth(staff))
        assert response.status_code == 200
    assert post(client, auth(worker), urgency="emergency").status_code == 409
    # Closed for another reason, a request frees its place.
    other = create_user()
    for request_id in [post(client, auth(other)).json["id"] for _ in range(OPEN_CAP)]:
        client.patch(f"/api/v1/queue/{request_id}", json={"status": "closed", "closure_reason": "resolved"},
                     headers=auth(staff))
    assert post(client, auth(other), urgency="emergency").status_code == 201


def test_sync_counts_mutations_not_calls_and_rejects_the_rest_for_good(client, create_user, auth):
    worker = create_user()
    datas = [help_body(urgency="emergency") for _ in range(10)]
    body, results = sync(client, auth(worker), *datas)
    assert [r["status"] for r in results] == ["applied"] * OPEN_CAP + ["rejected"] * (10 - OPEN_CAP)
    assert "permintaan yang masih terbuka" in results[-1]["error"]["message"]
    assert not results[-1]["error"].get("retry")
    assert stored_for(worker) == OPEN_CAP
    # Sent again, the outcome stands: nothing more is stored, the refusals stay refusals.
    again = client.post("/api/v1/sync", json=body, headers=auth(worker)).json["results"]
    assert [r["status"] for r in again] == ["duplicate"] * OPEN_CAP + ["rejected"] * (10 - OPEN_CAP)
    assert stored_for(worker) == OPEN_CAP


def test_the_limits_hold_across_rest_pages_and_sync(client, create_user, auth, app):
    worker = create_user()
    assert post(client, auth(worker)).status_code == 201
    page = app.test_client()
    assert post_page_form(page, "/login", {"phone": worker.phone, "password": "password123"}).status_code == 302
    form = {k: v for k, v in help_body().items() if k not in ("location", "created_at")}
    csrf = page.get_cookie("csrf_access_token").value
    assert page.post("/help", data={**form, "csrf_token": csrf}).status_code == 302
    _body, results = sync(client, auth(worker), help_body(), help_body())
    assert [r["status"] for r in results] == ["applied", "rejected"]
    refused = page.post("/help?lang=en", data={**form, "id": str(uuid.uuid4()), "csrf_token": csrf})
    assert refused.status_code == 422 and "write in your open request" in refused.text
    assert stored_for(worker) == OPEN_CAP


def test_a_replay_is_never_refused_by_the_limits(client, create_user, auth):
    worker = create_user()
    bodies = [help_body() for _ in range(OPEN_CAP)]
    for body in bodies:
        assert client.post("/api/v1/help-requests", json=body, headers=auth(worker)).status_code == 201
    again = client.post("/api/v1/help-requests", json=bodies[0], headers=auth(worker))
    assert again.status_code == 200 and again.json["id"] == bodies[0]["id"]


def test_worker_limits_false_lifts_both(client, create_user, auth, app, monkeypatch):
    monkeypatch.setitem(app.config, "WORKER_LIMITS", False)
    worker = create_user()
    for _ in range(PER_DAY + OPEN_CAP):
        assert post(client, auth(worker)).status_code == 201
    _body, results = sync(client, auth(worker), *[help_body() for _ in range(5)])
    assert {r["status"] for r in results} == {"applied"}


def test_concurrent_requests_cannot_overrun_the_cap(app, create_user, auth):
    """Ten requests (five REST, five sync) at the same instant: the count is taken under a per-worker
    lock in the database, so exactly the cap is stored, as it would be across app servers."""
    import threading

    worker = create_user()
    headers = [auth(worker) for _ in range(10)]
    barrier, codes = threading.Barrier(10), [None] * 10

    def send(n):
        http = app.test_client()
        barrier.wait()
        if n % 2:
            codes[n] = http.post("/api/v1/help-requests", json=help_body(urgency="emergency"),
                                 headers=headers[n]).status_code
        else:
            body = {"device_id": str(uuid.uuid4()), "cursor": None, "mutations": [
                {"id": str(uuid.uuid4()), "type": "help_request.create", "data": help_body(urgency="emergency")}]}
            codes[n] = http.post("/api/v1/sync", json=body, headers=headers[n]).json["results"][0]["status"]

    threads = [threading.Thread(target=send, args=(n,)) for n in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert stored_for(worker) == OPEN_CAP
    assert sorted(map(str, codes)).count("201") + codes.count("applied") == OPEN_CAP
