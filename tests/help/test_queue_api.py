"""The consulate's side: queue order and paging, claim, workflow, notes, messages, isolation, audit."""
import threading
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.extensions import db
from app.help.models import HelpRequest
from app.sync.models import Change
from tests.builders import help_body, presence_body


def iso(days_ago: float) -> str:
    return (datetime.now(timezone.utc) - timedelta(days=days_ago)).isoformat()


def new_request(client, auth, worker, **fields):
    response = client.post("/api/v1/help-requests", json=help_body(**fields), headers=auth(worker))
    assert response.status_code == 201, response.json
    return response.json["id"]


def all_pages(client, headers, **query):
    seen, cursor = [], None
    while True:
        params = {**query, **({"cursor": cursor} if cursor else {})}
        response = client.get("/api/v1/queue", query_string=params, headers=headers)
        assert response.status_code == 200, response.json
        seen += response.json["items"]
        cursor = response.json["next_cursor"]
        if not cursor:
            return seen


def test_queue_order_critical_first_then_longest_waiting(client, create_user, auth):
    worker, staff = create_user(), create_user(role="staff")
    old_normal = new_request(client, auth, worker, category="unpaid_wages", urgency="high", created_at=iso(5))
    newer_normal = new_request(client, auth, worker, category="contract_dispute", urgency="low", created_at=iso(1))
    new_critical = new_request(client, auth, worker, category="trafficking", urgency="normal", created_at=iso(0.1))
    old_critical = new_request(client, auth, worker, category="other", urgency="emergency", created_at=iso(2))
    items = all_pages(client, auth(staff))
    assert [i["id"] for i in items] == [old_critical, new_critical, old_normal, newer_normal]
    assert [i["priority"] for i in items] == ["critical", "critical", "normal", "normal"]
    assert items[0]["waiting_since"] == client.get(
        f"/api/v1/help-requests/{old_critical}", headers=auth(worker)).json["created_at"]


def test_staff_override_wins(client, create_user, auth):
    worker, staff = create_user(), create_user(role="staff")
    critical = new_request(client, auth, worker, category="abuse_violence", created_at=iso(3))
    normal = new_request(client, auth, worker, category="other", created_at=iso(1))
    response = client.patch(f"/api/v1/queue/{normal}", json={"priority_override": "critical"}, headers=auth(staff))
    assert response.status_code == 200 and response.json["priority"] == "critical"
    client.patch(f"/api/v1/queue/{critical}", json={"priority_override": "low"}, headers=auth(staff))
    assert [i["id"] for i in all_pages(client, auth(staff))] == [normal, critical]
    client.patch(f"/api/v1/queue/{critical}", json={"priority_override": None}, headers=auth(staff))
    assert [i["id"] for i in all_pages(client, auth(staff))] == [critical, normal]


def test_keyset_paging_loses_and_repeats_nothing(client, create_user, auth):
    worker, staff = create_user(), create_user(role="staff")
    same_time = iso(1)
    ids = set()
    for n in range(23):
        category = "trafficking" if n % 4 == 0 else "unpaid_wages"
        # Several share a created_at: the id breaks the tie.
        ids.add(new_request(client, auth, worker, category=category,
                            created_at=same_time if n % 3 == 0 else iso(n / 10)))
    items = all_pages(client, auth(staff), limit=4)
    assert len(items) == 23 and {i["id"] for i in items} == ids
    keys = [({"critical": 0, "normal": 2}[i["priority"]], i["waiting_since"], i["id"]) for i in items]
    assert keys == sorted(keys)


def test_bad_cursor_and_limit_are_4xx(client, create_user, auth):
    staff = create_user(role="staff")
    assert client.get("/api/v1/queue?cursor=garbage", headers=auth(staff)).status_code == 400
    assert client.get("/api/v1/queue?limit=101", headers=auth(staff)).status_code == 422
    assert client.get("/api/v1/queue?limit=abc", headers=auth(staff)).status_code == 422
    assert client.get("/api/v1/queue?status=lost", headers=auth(staff)).status_code == 422
    assert client.get("/api/v1/queue?assignee=bob", headers=auth(staff)).status_code == 422


def test_filters_status_category_assignee(client, create_user, auth):
    worker = create_user()
    staff, other_staff = create_user(role="staff"), create_user(role="staff")
    a = new_request(client, auth, worker, category="unpaid_wages")
    b = new_request(client, auth, worker, category="repatriation")
    c = new_request(client, auth, worker, category="repatriation")
    client.post(f"/api/v1/queue/{b}/claim", headers=auth(staff))
    client.post(f"/api/v1/queue/{c}/claim", headers=auth(other_staff))
    client.patch(f"/api/v1/queue/{c}", json={"status": "triaged"}, headers=auth(staff))
    ids = lambda **q: {i["id"] for i in all_pages(client, auth(staff), **q)}  # noqa: E731
    assert ids(category="repatriation") == {b, c}
    assert ids(status="new") == {a, b}
    assert ids(status="new,triaged") == {a, b, c}
    assert ids(assignee="me") == {b}
    assert ids(category="repatriation", status="triaged") == {c}


# ---------------------------------------------------------------- claim

def test_twenty_concurrent_claims_exactly_one_wins(app, client, create_user, auth):
    worker = create_user()
    rid = new_request(client, auth, worker)
    staff = [create_user(role="staff") for _ in range(20)]
    headers = [auth(s) for s in staff]
    db.session.commit()
    db.session.remove()
    barrier = threading.Barrier(20)
    codes = [None] * 20

    def claim(n):
        http = app.test_client()
        barrier.wait()
        codes[n] = http.post(f"/api/v1/queue/{rid}/claim", headers=headers[n]).status_code

    threads = [threading.Thread(target=claim, args=(n,)) for n in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(codes) == [200] + [409] * 19
    winner = staff[codes.index(200)]
    stored = db.session.get(HelpRequest, uuid.UUID(rid))
    assert stored.assignee_id == winner.id
    assert stored.status == "new"  # a claim leaves the status as it was


def test_claim_keeps_status_and_others_may_still_act(client, create_user, auth):
    worker, first, second = create_user(), create_user(role="staff"), create_user(role="staff")
    rid = new_request(client, auth, worker)
    response = client.post(f"/api/v1/queue/{rid}/claim", headers=auth(first))
    assert response.status_code == 200
    assert response.json["assignee_id"] == str(first.id) and response.json["status"] == "new"
    assert client.post(f"/api/v1/queue/{rid}/claim", headers=auth(first)).status_code == 200
    assert client.post(f"/api/v1/queue/{rid}/claim", headers=auth(second)).status_code == 409
    assert client.patch(f"/api/v1/queue/{rid}", json={"status": "triaged"}, headers=auth(second)).status_code == 200
    assert client.post(f"/api/v1/queue/{rid}/notes", json={"body": "n"}, headers=auth(second)).status_code == 201
    # Unassigning lets someone claim again.
    assert client.patch(f"/api/v1/queue/{rid}", json={"assignee_id": None}, headers=auth(first)).status_code == 200
    assert client.post(f"/api/v1/queue/{rid}/claim", headers=auth(second)).status_code == 200


# ---------------------------------------------------------------- workflow

def test_workflow_happy_path_and_history(client, create_user, auth):
    worker, staff = create_user(), create_user(role="staff")
    rid = new_request(client, auth, worker)
    for status in ("triaged", "in_progress", "resolved", "closed"):
        body = {"status": status, **({"closure_reason": "resolved"} if status == "closed" else {})}
        response = client.patch(f"/api/v1/queue/{rid}", json=body, headers=auth(staff))
        assert response.status_code == 200, (status, response.json)
        assert response.json["status"] == status
    history = client.get(f"/api/v1/help-requests/{rid}", headers=auth(worker)).json["history"]
    assert [h["status"] for h in history] == ["new", "triaged", "in_progress", "resolved", "closed"]
    feed = db.session.scalars(select(Change).where(Change.user_id == worker.id,
                                                   Change.entity == "help_request")).all()
    assert len(feed) == 5  # its creation (for the worker's other devices), then four moves


@pytest.mark.parametrize("path, target", [
    ([], "resolved"), ([], "in_progress"), (["triaged"], "new"),
    (["triaged", "in_progress", "resolved", "closed"], "in_progress"),
    (["closed"], "triaged"),
    (["triaged", "in_progress"], "triaged"),
])
def test_disallowed_moves_are_409(client, create_user, auth, path, target):
    worker, staff = create_user(), create_user(role="staff")
    rid = new_request(client, auth, worker)
    for status in path:
        body = {"status": status, **({"closure_reason": "resolved"} if status == "closed" else {})}
        assert client.patch(f"/api/v1/queue/{rid}", json=body, headers=auth(staff)).status_code == 200
    body = {"status": target, **({"closure_reason": "resolved"} if target == "closed" else {})}
    response = client.patch(f"/api/v1/queue/{rid}", json=body, headers=auth(staff))
    assert response.status_code == 409
    assert response.json["code"] == 409


@pytest.mark.parametrize("body", [{}, {"status": "done"}, {"priority_override": "urgent"}, {"assignee_id": "x"},
                                  {"status": None}, {"nope": 1}])
def test_bad_patch_bodies_are_422(client, create_user, auth, body):
    worker, staff = create_user(), create_user(role="staff")
    rid = new_request(client, auth, worker)
    assert client.patch(f"/api/v1/queue/{rid}", json=body, headers=auth(staff)).status_code == 422


def test_assignee_must_be_staff_of_the_mission(client, create_user, auth):
    worker, staff = create_user(), create_user(role="staff")
    colleague = create_user(role="staff")
    outsider = create_user(role="staff", mission="KJRI-KUCHING")
    rid = new_request(client, auth, worker)
    for bad in (outsider.id, worker.id, uuid.uuid4()):
        response = client.patch(f"/api/v1/queue/{rid}", json={"assignee_id": str(bad)}, headers=auth(staff))
        assert response.status_code == 422 and "assignee_id" in response.json["errors"]
    response = client.patch(f"/api/v1/queue/{rid}", json={"assignee_id": str(colleague.id)}, headers=auth(staff))
    assert response.status_code == 200 and response.json["assignee_id"] == str(colleague.id)


def test_transfer_moves_request_to_the_other_missions_queue(client, create_user, auth):
    worker = create_user()
    kk, kuching = create_user(role="staff"), create_user(role="staff", mission="KJRI-KUCHING")
    rid = new_request(client, auth, worker)
    client.post(f"/api/v1/queue/{rid}/claim", headers=auth(kk))
    assert client.patch(f"/api/v1/queue/{rid}", json={"mission_code": "NOPE"}, headers=auth(kk)).status_code == 422
    response = client.patch(f"/api/v1/queue/{rid}", json={"mission_code": "KJRI-KUCHING"}, headers=auth(kk))
    assert response.status_code == 200
    assert response.json["mission"]["code"] == "KJRI-KUCHING" and response.json["assignee_id"] is None
    assert client.get(f"/api/v1/queue/{rid}", headers=auth(kk)).status_code == 404
    assert [i["id"] for i in all_pages(client, auth(kuching))] == [rid]
    assert client.get(f"/api/v1/help-requests/{rid}", headers=auth(worker)).json["mission"]["code"] == "KJRI-KUCHING"


# ---------------------------------------------------------------- detail, notes, messages, audit

def test_detail_has_presence_history_messages_notes_and_is_audited(client, create_user, auth):
    worker, staff = create_user(), create_user(role="staff")
    client.put("/api/v1/presence", json=presence_body(passport_number="B7654321"), headers=auth(worker))
    rid = new_request(client, auth, worker)
    client.post(f"/api/v1/queue/{rid}/notes", json={"body": "Called employer"}, headers=auth(staff))
    client.post(f"/api/v1/queue/{rid}/messages", json={"body": "Kami sudah menelepon majikan."}, headers=auth(staff))
    client.post(f"/api/v1/help-requests/{rid}/messages", json={"id": str(uuid.uuid4()), "body": "Terima kasih"},
                headers=auth(worker))
    detail = client.get(f"/api/v1/queue/{rid}", headers=auth(staff))
    assert detail.status_code == 200
    data = detail.json
    assert data["presence"]["passport_number"] == "B7654321"
    assert data["worker"]["id"] == str(worker.id)
    assert [n["body"] for n in data["notes"]] == ["Called employer"]
    assert [m["direction"] for m in data["messages"]] == ["to_worker", "from_worker"]
    assert data["history"][0]["kind"] == "status"
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.actor_id == staff.id)).all()
    assert {(e.entity, e.action) for e in entries} == {("help_request", "read"), ("presence", "read")}


def test_first_staff_action_sets_first_action_at(client, create_user, auth):
    worker, staff = create_user(), create_user(role="staff")
    rid = new_request(client, auth, worker)
    client.get(f"/api/v1/queue/{rid}", headers=auth(staff))  # reading is not acting
    assert db.session.get(HelpRequest, uuid.UUID(rid)).first_action_at is None
    client.post(f"/api/v1/queue/{rid}/notes", json={"body": "looking"}, headers=auth(staff))
    db.session.expire_all()
    first = db.session.get(HelpRequest, uuid.UUID(rid)).first_action_at
    assert first is not None
    client.patch(f"/api/v1/queue/{rid}", json={"status": "triaged"}, headers=auth(staff))
    db.session.expire_all()
    assert db.session.get(HelpRequest, uuid.UUID(rid)).first_action_at == first


def test_staff_message_reaches_worker_feed_and_is_idempotent(client, create_user, auth):
    worker, staff = create_user(), create_user(role="staff")
    rid = new_request(client, auth, worker)
    mid = str(uuid.uuid4())
    first = client.post(f"/api/v1/queue/{rid}/messages", json={"id": mid, "body": "Halo"}, headers=auth(staff))
    again = client.post(f"/api/v1/queue/{rid}/messages", json={"id": mid, "body": "Halo"}, headers=auth(staff))
    assert (first.status_code, again.status_code) == (201, 200)
    feed = db.session.scalars(select(Change).where(Change.user_id == worker.id, Change.entity == "message")).all()
    assert [str(c.entity_id) for c in feed] == [mid]


@pytest.mark.parametrize("text", ["<b>bold</b><script>x()</script>", "Robert'); DROP TABLE help_notes;--",
                                  "👍🏽 siap", "سنتصل بك غداً"])
def test_staff_hostile_text_verbatim(client, create_user, auth, text):
    worker, staff = create_user(), create_user(role="staff")
    rid = new_request(client, auth, worker)
    assert client.post(f"/api/v1/queue/{rid}/notes", json={"body": text}, headers=auth(staff)).json["body"] == text
    client.post(f"/api/v1/queue/{rid}/messages", json={"body": text}, headers=auth(staff))
    assert client.get(f"/api/v1/help-requests/{rid}", headers=auth(worker)).json["messages"][0]["body"] == text


def test_audit_list_is_admin_only_and_paginated(client, create_user, auth):
    worker, staff, admin = create_user(), create_user(role="staff"), create_user(role="admin")
    rid = new_request(client, auth, worker)
    for _ in range(3):
        client.get(f"/api/v1/queue/{rid}", headers=auth(staff))
    assert client.get("/api/v1/audit", headers=auth(staff)).status_code == 403
    assert client.get("/api/v1/audit", headers=auth(worker)).status_code == 403
    assert client.get("/api/v1/audit").status_code == 401
    first = client.get("/api/v1/audit?limit=2", headers=auth(admin)).json
    second = client.get(f"/api/v1/audit?limit=2&cursor={first['next_cursor']}", headers=auth(admin)).json
    items = first["items"] + second["items"]
    assert len(items) == 3 and len({i["id"] for i in items}) == 3
    assert all(i["actor_id"] == str(staff.id) and i["entity_id"] == rid for i in items)
    assert second["next_cursor"] is None


# ---------------------------------------------------------------- isolation matrix

def staff_calls(rid):
    return [
        ("get", f"/api/v1/queue/{rid}", None),
        ("post", f"/api/v1/queue/{rid}/claim", None),
        ("patch", f"/api/v1/queue/{rid}", {"status": "triaged"}),
        ("patch", f"/api/v1/queue/{rid}", {"mission_code": "KJRI-KUCHING"}),
        ("post", f"/api/v1/queue/{rid}/notes", {"body": "x"}),
        ("post", f"/api/v1/queue/{rid}/messages", {"body": "x"}),
    ]


def test_staff_of_another_mission_get_404_everywhere(client, create_user, auth):
    worker = create_user()
    outsider = create_user(role="staff", mission="KBRI-KUALALUMPUR")
    rid = new_request(client, auth, worker)
    for method, path, body in staff_calls(rid):
        response = getattr(client, method)(path, json=body, headers=auth(outsider))
        assert response.status_code == 404, (method, path, response.status_code)
    assert all_pages(client, auth(outsider)) == []
    stored = db.session.get(HelpRequest, uuid.UUID(rid))
    assert (stored.status, stored.assignee_id, stored.first_action_at) == ("new", None, None)
    assert db.session.scalars(select(AuditEntry)).all() == []


def test_unknown_ids_are_404_for_staff(client, create_user, auth):
    staff = create_user(role="staff")
    for method, path, body in staff_calls(uuid.uuid4()):
        assert getattr(client, method)(path, json=body, headers=auth(staff)).status_code == 404


def test_workers_and_anonymous_cannot_use_the_queue(client, create_user, auth):
    worker = create_user()
    rid = new_request(client, auth, worker)
    assert client.get("/api/v1/queue", headers=auth(worker)).status_code == 403
    assert client.get("/api/v1/queue").status_code == 401
    for method, path, body in staff_calls(rid):
        assert getattr(client, method)(path, json=body, headers=auth(worker)).status_code == 403
        assert getattr(client, method)(path, json=body).status_code == 401


def test_admin_sees_every_mission(client, create_user, auth):
    worker, admin = create_user(), create_user(role="admin")
    kk = new_request(client, auth, worker, region="MY-12", city="Kota Kinabalu")
    kl = new_request(client, auth, worker, region="MY-14", city="Kuala Lumpur")
    assert {i["id"] for i in all_pages(client, auth(admin))} == {kk, kl}
    for method, path, body in staff_calls(kl)[:-2]:
        assert getattr(client, method)(path, json=body, headers=auth(admin)).status_code == 200
