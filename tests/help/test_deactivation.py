"""An admin deactivates an abusive account (`POST /api/v1/users/{id}/deactivate`): her sessions end,
and her open requests leave the queue, its counts and the statistics (app.help.services.in_queue)."""
import uuid

from sqlalchemy import select

from app.audit.models import AuditEntry
from app.extensions import db
from tests.builders import help_body


def new_request(client, auth, worker, **fields) -> str:
    response = client.post("/api/v1/help-requests", json=help_body(**fields), headers=auth(worker))
    assert response.status_code == 201, response.json
    return response.json["id"]


def deactivate(client, headers, user_id):
    return client.post(f"/api/v1/users/{user_id}/deactivate", headers=headers)


def queue_ids(client, headers, **query) -> list[str]:
    return [item["id"] for item in client.get("/api/v1/queue", query_string=query, headers=headers).json["items"]]


def test_only_an_admin_may_deactivate_an_account(client, create_user, auth):
    worker, staff, admin = create_user(), create_user(role="staff"), create_user(role="admin")
    assert deactivate(client, auth(staff), worker.id).status_code == 403
    assert deactivate(client, auth(create_user()), worker.id).status_code == 403
    assert deactivate(client, {}, worker.id).status_code == 401
    assert deactivate(client, auth(admin), uuid.uuid4()).status_code == 404
    assert deactivate(client, auth(admin), admin.id).status_code == 409
    response = deactivate(client, auth(admin), worker.id)
    assert response.status_code == 200
    assert response.json == {"id": str(worker.id), "role": "worker", "full_name": worker.full_name,
                             "is_active": False}
    assert deactivate(client, auth(admin), worker.id).status_code == 200  # twice changes nothing


def test_a_deactivated_worker_is_logged_out_and_the_action_is_audited(client, create_user, auth):
    worker, admin = create_user(), create_user(role="admin")
    headers = auth(worker)
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    assert deactivate(client, auth(admin), worker.id).status_code == 200
    assert client.get("/api/v1/me", headers=headers).status_code == 401
    login = client.post("/api/v1/auth/login", json={"phone": worker.phone, "password": "password123"})
    assert login.status_code == 401
    db.session.remove()
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "deactivate"))
    assert (entry.actor_id, entry.entity, entry.entity_id) == (admin.id, "user", worker.id)


def test_a_deactivated_workers_open_requests_leave_the_queue_its_counts_and_the_stats(client, create_user, auth):
    abuser, genuine = create_user(), create_user()
    staff, admin = create_user(role="staff"), create_user(role="admin")
    spam = [new_request(client, auth, abuser, urgency="emergency", created_at=f"2026-01-0{n + 1}T00:00:00Z")
            for n in range(3)]
    finished = new_request(client, auth, abuser)
    for status in ("triaged", "in_progress", "resolved"):
        client.patch(f"/api/v1/queue/{finished}", json={"status": status}, headers=auth(staff))
    real = new_request(client, auth, genuine, urgency="emergency")
    assert queue_ids(client, auth(staff))[:3] == spam
    by_status = client.get("/api/v1/stats", headers=auth(staff)).json["help_requests"]["by_status"]
    assert by_status["new"] == 4

    assert deactivate(client, auth(admin), abuser.id).status_code == 200
    # What staff already finished stays; what was open is gone, in every view of the queue.
    assert queue_ids(client, auth(staff)) == [real, finished]
    assert queue_ids(client, auth(admin), status="new") == [real]
    assert client.get("/api/v1/stats", headers=auth(staff)).json["help_requests"]["by_status"] == {
        "new": 1, "resolved": 1}
    page = client.get("/console?lang=en", headers=auth(staff))
    assert all(rid not in page.text for rid in spam) and real in page.text
    # The requests themselves stay readable by id (the history of what she did).
    assert client.get(f"/api/v1/queue/{spam[0]}", headers=auth(staff)).status_code == 200


def test_anonymised_requests_stay_in_the_queue(client, create_user, auth):
    worker, staff = create_user(), create_user(role="staff")
    rid = new_request(client, auth, worker)
    assert client.delete("/api/v1/me", json={"confirm": True}, headers=auth(worker)).status_code == 204
    assert queue_ids(client, auth(staff)) == [rid]
