"""Pages renew an expired access cookie from the refresh cookie instead of asking for a login."""
import uuid
from datetime import timedelta

from flask_jwt_extended import create_access_token

from app.accounts.services import issue_tokens
from app.extensions import db


def expired_access(user, tokens):
    from flask_jwt_extended import decode_token

    sid = decode_token(tokens["refresh_token"])["sid"]
    return create_access_token(identity=user, additional_claims={"role": user.role, "sid": sid},
                               expires_delta=timedelta(seconds=-5))


def test_console_renews_an_expired_access_cookie_once(client, create_user):
    staff = create_user(role="staff")
    tokens = issue_tokens(staff)
    db.session.commit()
    client.set_cookie("access_token_cookie", expired_access(staff, tokens))
    client.set_cookie("refresh_token_cookie", tokens["refresh_token"])
    response = client.get("/console?status=new")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/console?status=new")
    assert any(c.startswith("access_token_cookie=") for c in response.headers.getlist("Set-Cookie"))
    assert client.get("/console?status=new").status_code == 200
    # the old refresh token was rotated: once its grace window is over, it cannot renew again
    from sqlalchemy import delete

    from app.accounts.models import RenewalGrace

    db.session.execute(delete(RenewalGrace))
    db.session.commit()
    client.set_cookie("access_token_cookie", expired_access(staff, tokens))
    client.set_cookie("refresh_token_cookie", tokens["refresh_token"])
    assert client.get("/console").headers["Location"].startswith("/login")


def test_without_a_refresh_cookie_the_page_asks_for_a_login(client, create_user):
    staff = create_user(role="staff")
    tokens = issue_tokens(staff)
    db.session.commit()
    client.set_cookie("access_token_cookie", expired_access(staff, tokens))
    response = client.get("/console")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_the_api_never_renews_silently(client, create_user):
    staff = create_user(role="staff")
    tokens = issue_tokens(staff)
    db.session.commit()
    client.set_cookie("access_token_cookie", expired_access(staff, tokens))
    client.set_cookie("refresh_token_cookie", tokens["refresh_token"])
    response = client.get("/api/v1/queue")
    assert response.status_code == 401 and response.is_json


# ------------------------------------------------------------------ two tabs renewing at once

def renewal(app, staff, tokens, path="/console", access=None):
    """One tab: its cookies (an expired access cookie, the refresh cookie) and a page GET."""
    tab = app.test_client()
    tab.set_cookie("access_token_cookie", access or expired_access(staff, tokens))
    tab.set_cookie("refresh_token_cookie", tokens["refresh_token"])
    return tab.get(path)


def new_cookie(response, name="refresh_token_cookie"):
    for header in response.headers.getlist("Set-Cookie"):
        if header.startswith(name + "="):
            return header.split(";", 1)[0].split("=", 1)[1]
    return None


def session_of(tokens):
    from flask_jwt_extended import decode_token

    from app.accounts.models import AuthSession

    session = db.session.get(AuthSession, uuid.UUID(decode_token(tokens["refresh_token"])["sid"]),
                             populate_existing=True)
    db.session.commit()  # the test's read ends, as a request's would (SQLite: no stale reader)
    return session


def test_two_tabs_renewing_with_one_cookie_get_the_same_successor(app, create_user):
    staff = create_user(role="staff")
    tokens = issue_tokens(staff)
    db.session.commit()
    first, second = renewal(app, staff, tokens), renewal(app, staff, tokens)
    assert first.status_code == second.status_code == 302
    assert second.headers["Location"].endswith("/console")
    successor = new_cookie(first)
    assert successor and new_cookie(second) == successor
    assert session_of(tokens).revoked_at is None
    # the successor is a live login for both tabs
    tab = app.test_client()
    tab.set_cookie("access_token_cookie", new_cookie(second, "access_token_cookie"))
    assert tab.get("/console").status_code == 200


def test_page_scripts_renewing_twice_with_one_cookie_get_the_same_successor(app, create_user):
    worker = create_user()
    tokens = issue_tokens(worker)
    db.session.commit()
    from flask_jwt_extended import decode_token

    csrf = decode_token(tokens["refresh_token"])["csrf"]
    answers = []
    for _ in range(2):
        tab = app.test_client()
        tab.set_cookie("refresh_token_cookie", tokens["refresh_token"])
        answers.append(tab.post("/session/refresh", headers={"X-CSRF-TOKEN": csrf}))
    assert [a.status_code for a in answers] == [204, 204]
    assert new_cookie(answers[0]) == new_cookie(answers[1]) is not None


def test_concurrent_renewals_all_succeed_with_one_successor(app, create_user):
    import threading

    staff = create_user(role="staff")
    tokens = issue_tokens(staff)
    db.session.commit()
    answers, access = [], expired_access(staff, tokens)

    def tab():
        try:
            answers.append(renewal(app, staff, tokens, access=access))
        except Exception as error:  # the test client raises what the app did not answer (a 500)
            answers.append(error)

    threads = [threading.Thread(target=tab) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert [getattr(a, "status_code", a) for a in answers] == [302] * 4
    assert all(a.headers["Location"].endswith("/console") for a in answers)
    assert len({new_cookie(a) for a in answers}) == 1
    assert session_of(tokens).revoked_at is None


def test_a_reused_refresh_cookie_after_the_grace_window_ends_the_session(app, create_user):
    from sqlalchemy import update

    from app.accounts.models import RenewalGrace
    from app.types import utcnow

    staff = create_user(role="staff")
    tokens = issue_tokens(staff)
    db.session.commit()
    successor = new_cookie(renewal(app, staff, tokens))
    assert db.session.query(RenewalGrace).count() == 1
    # the window (REFRESH_GRACE_SECONDS, 30 by default) has passed
    db.session.execute(update(RenewalGrace).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    again = renewal(app, staff, tokens)
    assert again.status_code == 302 and again.headers["Location"].startswith("/login")
    assert session_of(tokens).revoked_at is not None
    # the successor handed out earlier died with the session
    assert renewal(app, staff, {"refresh_token": successor}).headers["Location"].startswith("/login")
    # the next renewal anywhere sweeps what outlived its window: only its own successor is kept
    other = create_user(role="staff")
    other_tokens = issue_tokens(other)
    db.session.commit()
    assert renewal(app, other, other_tokens).headers["Location"].endswith("/console")
    assert [g.expires_at > utcnow() for g in db.session.query(RenewalGrace).populate_existing()] == [True]


def test_a_renewal_waits_for_another_writer_instead_of_failing(app, db_url, create_user):
    """SQLite: the rotation begins as a writer; a read turned writer would fail ("database is locked")."""
    import sqlite3
    import threading
    import time

    import pytest

    if not db_url.startswith("sqlite"):
        pytest.skip("PostgreSQL has no database-wide write lock")
    staff = create_user(role="staff")
    tokens = issue_tokens(staff)
    db.session.commit()
    other = sqlite3.connect(db_url[len("sqlite:///"):], isolation_level=None, timeout=5,
                            check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    other.execute("UPDATE users SET full_name = 'Renamed' WHERE id != ?", (staff.id.hex,))

    def finish_later():
        time.sleep(0.5)
        other.execute("COMMIT")

    writer = threading.Thread(target=finish_later)
    writer.start()
    try:
        response = renewal(app, staff, tokens)
    finally:
        writer.join(timeout=10)
        other.close()
    assert response.status_code == 302 and response.headers["Location"].endswith("/console")


def test_staff_sessions_end_after_staff_session_hours_whatever_the_rotations(app, client, create_user):
    from sqlalchemy import update

    from app.accounts.models import AuthSession
    from app.types import utcnow

    staff, worker = create_user(role="staff"), create_user()
    staff_tokens, worker_tokens = issue_tokens(staff), issue_tokens(worker)
    db.session.commit()
    rotated = client.post("/api/v1/auth/refresh", headers={"Authorization": f"Bearer {staff_tokens['refresh_token']}"})
    assert rotated.status_code == 200
    staff_tokens = rotated.json
    # both logins began 13 hours ago (STAFF_SESSION_HOURS is 12 by default)
    db.session.execute(update(AuthSession).values(created_at=utcnow() - timedelta(hours=13)))
    db.session.commit()
    assert app.config["STAFF_SESSION_HOURS"] == 12
    assert client.post("/api/v1/auth/refresh",
                       headers={"Authorization": f"Bearer {staff_tokens['refresh_token']}"}).status_code == 401
    assert client.post("/api/v1/auth/refresh",
                       headers={"Authorization": f"Bearer {worker_tokens['refresh_token']}"}).status_code == 200


def test_a_staff_page_is_not_renewed_after_staff_session_hours(app, create_user):
    from sqlalchemy import update

    from app.accounts.models import AuthSession
    from app.types import utcnow

    staff = create_user(role="admin")
    tokens = issue_tokens(staff)
    db.session.commit()
    db.session.execute(update(AuthSession).values(created_at=utcnow() - timedelta(hours=12, minutes=1)))
    db.session.commit()
    assert renewal(app, staff, tokens).headers["Location"].startswith("/login")


def test_logout_from_a_page_left_open_past_its_access_cookie_ends_the_login(client, create_user):
    """The footer's logout form, posted more than 15 minutes after the page loaded, still logs out."""
    from flask_jwt_extended import decode_token

    worker = create_user()
    tokens = issue_tokens(worker)
    db.session.commit()
    expired = expired_access(worker, tokens)
    client.set_cookie("access_token_cookie", expired)
    client.set_cookie("refresh_token_cookie", tokens["refresh_token"])
    forged = client.post("/logout", data={"csrf_token": "not-the-token"})
    assert forged.status_code == 401  # another site's form cannot end her login
    response = client.post("/logout", data={"csrf_token": decode_token(expired, allow_expired=True)["csrf"]})
    assert response.status_code == 302
    assert client.post("/api/v1/auth/refresh",
                       headers={"Authorization": f"Bearer {tokens['refresh_token']}"}).status_code == 401
