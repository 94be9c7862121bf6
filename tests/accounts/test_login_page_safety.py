"""The login and register pages: where they send the worker afterwards (`next`), and who may post them."""
import uuid

import pytest

from tests.support.forms import form_token, post_page_form

# `next` values that would leave the site: a browser drops tabs and newlines from a URL and reads
# a backslash as a slash, so each of these means another host (or breaks the Location header).
FOREIGN_NEXT = [
    "/\t/evil.example",
    "/%09/evil.example",
    "/\r\n/evil.example",
    "/%0d%0aSet-Cookie:%20stolen=1",
    "/\\evil.example",
    "/%5Cevil.example",
    "/\\/evil.example",
    "//evil.example",
    "https://evil.example",
    "/%2F%2Fevil.example",
    "%2F%2Fevil.example",
    "/%2F/evil.example",
    " //evil.example",
    "javascript:alert(1)",
]


def _new_phone() -> str:
    return "+6281" + str(uuid.uuid4().int)[:9]


def _login(client, create_user, **kwargs):
    user = create_user(phone=_new_phone())
    return post_page_form(client, kwargs.pop("path", "/login"), {"phone": user.phone, "password": "password123",
                                                                 **kwargs})


def _register(client, path="/register", **kwargs):
    return post_page_form(client, path, {"phone": _new_phone(), "password": "rahasia-123", "full_name": "Sri",
                                         **kwargs})


@pytest.mark.parametrize("target", FOREIGN_NEXT)
def test_open_redirect_after_login_is_refused(client, create_user, target):
    in_body = _login(client, create_user, next=target)
    in_query = _login(client, create_user, path="/login?next=" + target)
    for response in (in_body, in_query):
        assert response.status_code == 302, response.text
        assert response.headers["Location"] == "/"


@pytest.mark.parametrize("target", FOREIGN_NEXT)
def test_open_redirect_after_register_is_refused(client, target):
    in_body = _register(client, next=target)
    in_query = _register(client, path="/register?next=" + target)
    for response in (in_body, in_query):
        assert response.status_code == 302, response.text
        assert response.headers["Location"] == "/"


@pytest.mark.parametrize("target", FOREIGN_NEXT)
def test_login_and_register_pages_with_a_foreign_next_still_open(client, target):
    for path in ("/login", "/register"):
        raw = client.get(path + "?next=" + target)
        encoded = client.get(path, query_string={"next": target})
        for response in (raw, encoded):
            assert response.status_code == 200
            assert "evil" not in response.get_data(as_text=True)


def test_next_with_a_nul_is_refused_before_any_redirect(client, create_user):
    """A NUL anywhere in the address is refused in one place (app.web) before the page is asked."""
    for response in (_login(client, create_user, path="/login?next=/%00/evil.example"),
                     client.get("/login?next=/%00/evil.example")):
        assert response.status_code == 400
        assert "Location" not in response.headers


def test_open_redirect_with_tab_is_refused(client, create_user):
    response = _login(client, create_user, path="/login?next=/%09/evil.example")
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_open_redirect_with_crlf_is_not_a_server_error(client, create_user):
    response = _login(client, create_user, path="/login?next=/%0d%0aSet-Cookie:%20x=1")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert not any(c.startswith("x=") for c in response.headers.getlist("Set-Cookie"))


def test_a_path_on_this_site_is_kept_after_login(client, create_user):
    response = _login(client, create_user, next="/requests?status=new")
    assert response.headers["Location"] == "/requests?status=new"
    staff = create_user(role="staff")
    from urllib.parse import quote

    response = post_page_form(client, "/login?next=" + quote("/console?q=Sri%20Wahyuni"),
                              {"phone": staff.email, "password": "password123"})
    assert response.headers["Location"] == "/console?q=Sri%20Wahyuni"


def test_the_login_form_carries_a_same_site_next_only(client):
    kept = client.get("/login?next=/presence").get_data(as_text=True)
    assert 'name="next" value="/presence"' in kept
    dropped = client.get("/login?next=//evil.example").get_data(as_text=True)
    assert 'name="next" value=""' in dropped


def test_next_rides_from_login_through_register(client):
    """A worker sent to /login with a draft (issue 14 item 12) who has no account yet registers
    instead: the register link, the register form and the redirect after it keep `next`."""
    login_page = client.get("/login?next=/requests").get_data(as_text=True)
    assert 'href="/register?next=/requests"' in login_page
    assert 'name="next" value="/requests"' in client.get("/register?next=/requests").get_data(as_text=True)
    assert 'name="next" value=""' in client.get("/register?next=//evil.example").get_data(as_text=True)
    assert 'href="/register"' in client.get("/login").get_data(as_text=True)
    response = _register(client, next="/requests")
    assert response.status_code == 302 and response.headers["Location"] == "/requests"


# ------------------------------------------------------------------ login CSRF

FORM_EXPIRED_ID = "Formulir sudah kedaluwarsa"


def _auth_cookies(response) -> list[str]:
    return [c for c in response.headers.getlist("Set-Cookie")
            if c.split("=")[0] in ("access_token_cookie", "refresh_token_cookie", "csrf_access_token")]


def _assert_refused(response, text=FORM_EXPIRED_ID):
    assert response.status_code == 403, response.text
    assert text in response.get_data(as_text=True)
    assert response.mimetype == "text/html"
    assert _auth_cookies(response) == []


def test_login_form_posted_without_its_token_is_refused(client, create_user):
    user = create_user(phone=_new_phone())
    _assert_refused(client.post("/login", data={"phone": user.phone, "password": "password123"}))


def test_login_form_posted_with_a_wrong_token_is_refused(client, create_user):
    user = create_user(phone=_new_phone())
    form_token(client)  # the page was loaded: its cookie is there
    _assert_refused(client.post("/login", data={"phone": user.phone, "password": "password123",
                                                "form_token": "forged-" + "x" * 30}))


def test_login_form_token_of_another_browser_is_refused(app, client, create_user):
    """The attacker's own page gives him a token, but the victim's browser holds another cookie."""
    attacker = create_user(phone=_new_phone())
    attackers_token = form_token(app.test_client())
    form_token(client)
    _assert_refused(client.post("/login", data={"phone": attacker.phone, "password": "password123",
                                                "form_token": attackers_token}))


def test_login_form_token_without_its_cookie_is_refused(app, client, create_user):
    user = create_user(phone=_new_phone())
    token = form_token(app.test_client())
    _assert_refused(client.post("/login", data={"phone": user.phone, "password": "password123",
                                                "form_token": token}))


def test_login_form_posted_from_another_site_is_refused(client, create_user):
    user = create_user(phone=_new_phone())
    data = {"phone": user.phone, "password": "password123"}
    _assert_refused(post_page_form(client, "/login", data, headers={"Sec-Fetch-Site": "cross-site"}))
    _assert_refused(post_page_form(client, "/login", data, headers={"Origin": "https://evil.example"}))
    _assert_refused(post_page_form(client, "/login", data, headers={"Origin": "null"}))


def test_login_form_posted_from_its_own_page_logs_in(client, create_user):
    user = create_user(phone=_new_phone())
    data = {"phone": user.phone, "password": "password123"}
    response = post_page_form(client, "/login", data, headers={"Origin": "http://localhost",
                                                              "Sec-Fetch-Site": "same-origin"})
    assert response.status_code == 302
    assert any(c.startswith("access_token_cookie=") for c in response.headers.getlist("Set-Cookie"))


def test_register_form_posted_without_its_token_creates_no_account(client):
    from sqlalchemy import func, select

    from app.accounts.models import User
    from app.extensions import db

    phone = _new_phone()
    _assert_refused(client.post("/register", data={"phone": phone, "password": "rahasia-123", "full_name": "Sri"}))
    form_token(client, "/register")
    _assert_refused(client.post("/register", data={"phone": phone, "password": "rahasia-123", "full_name": "Sri",
                                                   "form_token": "wrong"}))
    _assert_refused(post_page_form(client, "/register", {"phone": phone, "password": "rahasia-123",
                                                         "full_name": "Sri"},
                                   headers={"Sec-Fetch-Site": "cross-site"}))
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_refused_login_form_answers_in_the_users_language(client, create_user):
    user = create_user(phone=_new_phone())
    response = client.post("/login?lang=en", data={"phone": user.phone, "password": "password123"})
    _assert_refused(response, "The form expired. Please reload the page and try again.")


def test_login_form_token_cookie_is_strict_and_hidden_from_scripts(client):
    response = client.get("/login")
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("form_token="))
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    # a second page load keeps the same token, so two open tabs both work
    assert form_token(client) == form_token(client, "/register")
