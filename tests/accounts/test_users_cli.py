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
