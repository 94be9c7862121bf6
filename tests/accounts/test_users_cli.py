from app.accounts.models import User
from app.extensions import db


def test_users_create_staff_bound_to_mission(runner):
    result = runner.invoke(args=["users", "create", "--role", "staff", "--mission", "KJRI-KOTAKINABALU",
                                 "--email", "Staf@Example.org", "--password", "password123"])
    assert result.exit_code == 0, result.output
    user = db.session.query(User).filter_by(email="staf@example.org").one()
    assert user.role == "staff" and user.mission.code == "KJRI-KOTAKINABALU"


def test_users_create_prompts_for_password(runner):
    result = runner.invoke(args=["users", "create", "--role", "admin", "--email", "a@example.org"],
                           input="password123\npassword123\n")
    assert result.exit_code == 0, result.output
    assert db.session.query(User).filter_by(email="a@example.org", role="admin").count() == 1


def test_staff_needs_a_known_mission(runner):
    assert runner.invoke(args=["users", "create", "--role", "staff", "--email", "s@example.org",
                               "--password", "password123"]).exit_code != 0
    assert runner.invoke(args=["users", "create", "--role", "staff", "--mission", "NOPE", "--email",
                               "s@example.org", "--password", "password123"]).exit_code != 0
    assert db.session.query(User).count() == 0


def test_worker_role_cannot_be_made_by_cli(runner):
    result = runner.invoke(args=["users", "create", "--role", "worker", "--email", "w@example.org",
                                 "--password", "password123"])
    assert result.exit_code != 0


def test_users_deactivate_ends_every_session_and_login(runner, client, create_user, tokens_for):
    staff = create_user(role="staff", email="leaver@example.org")
    worker = create_user(phone="+6281234567890")
    staff_tokens, worker_tokens = tokens_for(staff), tokens_for(worker)
    for args in (["--email", "Leaver@Example.org"], ["--phone", "+62 812-3456-7890"]):
        result = runner.invoke(args=["users", "deactivate", *args])
        assert result.exit_code == 0, result.output
    for tokens, login in ((staff_tokens, "leaver@example.org"), (worker_tokens, "+6281234567890")):
        me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {tokens['access_token']}"})
        assert me.status_code == 401
        refresh = client.post("/api/v1/auth/refresh",
                              headers={"Authorization": f"Bearer {tokens['refresh_token']}"})
        assert refresh.status_code == 401
        answer = client.post("/api/v1/auth/login", json={"phone": login, "password": "password123"}
                             if login.startswith("+") else {"email": login, "password": "password123"})
        assert answer.status_code == 401


def test_users_deactivate_needs_one_known_account(runner):
    assert runner.invoke(args=["users", "deactivate"]).exit_code != 0
    assert runner.invoke(args=["users", "deactivate", "--email", "nobody@example.org"]).exit_code != 0
    assert runner.invoke(args=["users", "deactivate", "--phone", "12"]).exit_code != 0
