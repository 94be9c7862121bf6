"""app.access, the one place access is decided: the findings it closed, and that a role is one row."""
import pytest

from app import access
from app.accounts.services import create_user as make_user
from app.errors import DomainError
from app.extensions import db
from app.missions.services import get_by_code
from tests.builders import bare_presence_body, help_body


@pytest.fixture
def staff_without_mission():
    """A staff account attached to no mission (the conftest factory always gives staff one)."""
    user = make_user(full_name="Staf Tanpa Misi", password="password123", role="staff",
                     email="nomission@example.org")
    db.session.commit()
    return user


def _cookie_client(app, user, tokens_for):
    from flask_jwt_extended import get_csrf_token

    tokens = tokens_for(user)
    client = app.test_client()
    client.set_cookie("access_token_cookie", tokens["access_token"])
    return client, {"X-CSRF-TOKEN": get_csrf_token(tokens["access_token"])}


def test_staff_without_a_mission_gets_403_for_job_orders_not_an_empty_list(app, staff_without_mission, tokens_for):
    from app.channels.services import job_orders_for

    with pytest.raises(DomainError) as refused:
        job_orders_for(staff_without_mission)
    assert refused.value.code == 403
    client, _headers = _cookie_client(app, staff_without_mission, tokens_for)
    response = client.get("/console/job-orders?lang=en")
    assert response.status_code == 403
    assert "not attached to a mission" in response.get_data(as_text=True)


def test_staff_without_a_mission_is_refused_in_the_api(client, staff_without_mission, auth):
    headers = auth(staff_without_mission)
    for path in ("/api/v1/queue", "/api/v1/stats"):
        response = client.get(path + "?lang=en", headers=headers)
        assert response.status_code == 403, path
        assert response.json["message"] == "Your account is not attached to a mission."


@pytest.mark.parametrize("role", ["staff", "admin"])
def test_staff_and_admins_cannot_file_help_requests_or_presence_through_the_worker_forms(
        app, create_user, tokens_for, role):
    from app.help.models import HelpRequest
    from app.presence.models import PresenceReport

    client, headers = _cookie_client(app, create_user(role=role), tokens_for)
    form = {k: v for k, v in help_body().items() if not isinstance(v, dict)}
    assert client.post("/help", data=form, headers=headers).status_code == 403
    body = bare_presence_body()
    form = {k: v for k, v in body.items() if not isinstance(v, dict)}
    form.update({f"emergency_contact.{k}": v for k, v in body["emergency_contact"].items()})
    assert client.post("/presence", data=form, headers=headers).status_code == 403
    assert db.session.query(HelpRequest).count() == 0 and db.session.query(PresenceReport).count() == 0


def test_a_new_role_is_one_row_in_app_access(client, monkeypatch, auth, create_user):
    """A `partner` of one mission that may read its statistics and nothing else: one row, and every
    endpoint answers accordingly (its mission's figures, 403 elsewhere, 403 without a mission)."""
    monkeypatch.setitem(access.ROLES, "partner", access.Role("partner", access.MISSION, frozenset({access.STATS})))
    kk = get_by_code("KJRI-KOTAKINABALU")
    partner = make_user(full_name="Mitra", password="password123", role="partner", email="p@example.org", mission=kk)
    lost = make_user(full_name="Mitra Lain", password="password123", role="partner", email="q@example.org")
    db.session.commit()
    worker = create_user()
    assert client.post("/api/v1/help-requests", json=help_body(), headers=auth(worker)).status_code == 201
    assert client.post("/api/v1/help-requests", json=help_body(region="MY-14", city="Kuala Lumpur"),
                       headers=auth(worker)).status_code == 201

    stats = client.get("/api/v1/stats", headers=auth(partner))
    assert stats.status_code == 200
    assert [m["code"] for m in stats.json["missions"]] in ([], ["KJRI-KOTAKINABALU"])
    assert sum(stats.json["help_requests"]["by_status"].values()) == 1
    for path in ("/api/v1/queue", "/api/v1/audit", "/api/v1/help-requests", "/api/v1/presence"):
        assert client.get(path, headers=auth(partner)).status_code == 403, path
    assert client.get("/api/v1/stats", headers=auth(lost)).status_code == 403
    assert access.needs_mission("partner") and "partner" in access.cli_roles()


def test_mission_scope_follows_the_role_table(create_user):
    staff = create_user(role="staff", mission="KJRI-KOTAKINABALU")
    admin = create_user(role="admin")
    worker = create_user()
    kl = get_by_code("KBRI-KUALALUMPUR")
    # Staff see their own mission whatever they ask for; an admin sees all, or the mission asked for.
    assert access.mission_scope(staff, access.QUEUE, kl.id) == staff.mission_id
    assert access.mission_scope(admin, access.QUEUE) is None
    assert access.mission_scope(admin, access.QUEUE, kl.id) == kl.id
    with pytest.raises(DomainError):
        access.mission_scope(worker, access.QUEUE)
    assert access.may_act_for_mission(staff, access.QUEUE, staff.mission_id)
    assert not access.may_act_for_mission(staff, access.QUEUE, kl.id)
    assert not access.may_act_for_mission(staff, access.AUDIT, staff.mission_id)
    assert access.may_act_for_mission(admin, access.JOB_ORDERS, None)
    staff.is_active = False
    assert not access.can(staff, access.QUEUE)
