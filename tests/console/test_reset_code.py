"""Staff of the worker's mission issue a one-time password code from the request page: shown once,
audited, and the worker sets a new password with it (API or /reset)."""
import re

from sqlalchemy import select

from app.audit.models import AuditEntry
from app.extensions import db


def issue(post_form, client, request_id):
    return post_form(client, f"/console/requests/{request_id}/reset-code")


def shown_code(response) -> str:
    return re.sub(r"\s", "", re.search(r'id="code"><strong>([\d ]+)</strong>', response.text).group(1))


def test_staff_of_the_mission_issue_a_code_shown_once_and_audited(client, create_user, login_client,
                                                                  create_request, post_form):
    worker, request = create_request()
    staff = create_user(role="staff")
    console = login_client(staff)
    assert 'id="issue-reset-code"' in console.get(f"/console/requests/{request['id']}").text
    answer = issue(post_form, console, request["id"])
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"
    code = shown_code(answer)
    assert len(code) == 6 and worker.phone in answer.text
    db.session.commit()
    audited = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "reset_code")).all()
    assert [(a.actor_id, a.entity, a.entity_id) for a in audited] == [(staff.id, "user", worker.id)]
    confirm = client.post("/api/v1/auth/password-reset/confirm",
                          json={"phone": worker.phone, "code": code, "password": "baru-rahasia-1"})
    assert confirm.status_code == 200 and confirm.json["user"]["id"] == str(worker.id)
    # once only
    again = client.post("/api/v1/auth/password-reset/confirm",
                        json={"phone": worker.phone, "code": code, "password": "baru-rahasia-2"})
    assert again.status_code == 400


def test_an_admin_may_issue_a_code(create_user, login_client, create_request, post_form):
    _worker, request = create_request()
    assert issue(post_form, login_client(create_user(role="admin")), request["id"]).status_code == 200


def test_staff_of_another_mission_get_404_and_no_code(create_user, login_client, create_request, post_form):
    _worker, request = create_request()
    other = login_client(create_user(role="staff", mission="KBRI-KUALALUMPUR"))
    assert issue(post_form, other, request["id"]).status_code == 404
    db.session.commit()
    assert db.session.scalars(select(AuditEntry).where(AuditEntry.action == "reset_code")).all() == []


def test_a_worker_cannot_issue_a_code(login_client, create_request, post_form):
    worker, request = create_request()
    assert issue(post_form, login_client(worker), request["id"]).status_code == 403


def test_a_code_needs_the_staff_members_csrf_token(create_user, login_client, create_request):
    _worker, request = create_request()
    console = login_client(create_user(role="staff"))
    assert console.post(f"/console/requests/{request['id']}/reset-code").status_code in (400, 401)


def test_no_code_for_a_deactivated_worker(runner, create_user, login_client, create_request, post_form):
    worker, request = create_request()
    assert runner.invoke(args=["users", "deactivate", "--phone", worker.phone]).exit_code == 0
    answer = issue(post_form, login_client(create_user(role="staff")), request["id"])
    assert answer.status_code == 409 and 'id="code"' not in answer.text
