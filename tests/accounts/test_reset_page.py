"""/reset: a worker who forgot her password gets a code by SMS (or from staff) and sets a new one,
with plain forms (no JavaScript); /login links to it."""
import re

from tests.support.sms_gateway import code_in

PHONE = "+6281234567890"


def form_token(page) -> str:
    return re.search(r'name="form_token" value="([^"]+)"', page.text).group(1)


def test_the_login_page_links_to_the_reset_page(client):
    login = client.get("/login")
    assert 'href="/reset"' in login.text
    page = client.get("/reset")
    assert page.status_code == 200 and 'action="/reset"' in page.text and 'action="/reset/confirm"' in page.text
    assert "<script>" not in page.text.split("<main", 1)[1]  # plain forms


def test_a_worker_sets_a_new_password_with_a_code_from_the_page(client, create_user, sms_gateway):
    create_user(phone=PHONE, language="id")
    token = form_token(client.get("/reset"))
    sent = client.post("/reset", data={"form_token": token, "phone": "0812 3456 7890"})
    sent.close()
    assert sent.status_code == 200 and 'value="+6281234567890"' in sent.text
    code = code_in(sms_gateway.next())
    done = client.post("/reset/confirm", data={"form_token": token, "phone": PHONE, "code": code,
                                               "password": "baru-rahasia-1"})
    assert done.status_code == 303 and done.headers["Location"] == "/"
    assert any(c.startswith("access_token_cookie=") for c in done.headers.getlist("Set-Cookie"))
    assert client.post("/api/v1/auth/login", json={"phone": PHONE, "password": "baru-rahasia-1"}).status_code == 200


def test_a_wrong_code_on_the_page_is_400_in_the_workers_language(client, create_user):
    create_user(phone=PHONE)
    token = form_token(client.get("/reset?lang=en"))
    wrong = client.post("/reset/confirm", data={"form_token": token, "phone": PHONE, "code": "000000",
                                                "password": "baru-rahasia-1"})
    assert wrong.status_code == 400 and "This code is wrong" in wrong.text
    short = client.post("/reset/confirm", data={"form_token": token, "phone": PHONE, "code": "000000",
                                                "password": "short"})
    assert short.status_code == 422


def test_a_reset_form_posted_from_another_site_is_refused(app, create_user, sms_gateway):
    create_user(phone=PHONE)
    # another site's form: no session cookie of ours, whatever token it copies
    token = form_token(app.test_client().get("/reset"))
    stranger = app.test_client()
    refused = stranger.post("/reset/confirm", data={"form_token": token, "phone": PHONE, "code": "123456",
                                                    "password": "baru-rahasia-1"})
    assert refused.status_code == 400
    assert not any(c.startswith("access_token_cookie=") for c in refused.headers.getlist("Set-Cookie"))
    asked = stranger.post("/reset", data={"form_token": token, "phone": PHONE})
    asked.close()
    assert asked.status_code == 400 and sms_gateway.nothing_received()
