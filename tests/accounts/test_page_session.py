"""Pages renew an expired access cookie from the refresh cookie instead of asking for a login."""
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
    # the old refresh token was rotated: it cannot renew a second time
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
