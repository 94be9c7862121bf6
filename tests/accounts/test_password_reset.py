"""Password recovery: a one-time code by SMS (a real gateway on 127.0.0.1), the confirm call, its limits."""
import logging
from datetime import timedelta

import pytest
from sqlalchemy import update

from app import create_app
from app.accounts.models import PasswordResetCode
from app.accounts.sms import GatewaySender, NotDelivered, TextMessage
from app.extensions import db, limiter
from app.types import utcnow
from tests.support.settings import app_config
from tests.support.sms_gateway import code_in

PHONE = "+6281234567890"
NEW_PASSWORD = "baru-rahasia-123"


def confirm(client, code, phone=PHONE, password=NEW_PASSWORD, address="127.0.0.1", **body):
    return client.post("/api/v1/auth/password-reset/confirm",
                       json={"phone": phone, "code": code, "password": password, **body},
                       environ_base={"REMOTE_ADDR": address})


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def test_a_reset_code_goes_through_the_gateway_in_the_accounts_language(client, create_user, sms_gateway, ask_code):
    create_user(phone=PHONE, language="id")
    create_user(phone="+6281234567891", language="en")
    answer = ask_code(client, "0812-3456-7890")  # national format, read in Indonesia (phone_country default ID)
    assert answer.status_code == 202 and answer.json["message"]
    message = sms_gateway.next()
    assert message["content_type"].startswith("application/json")
    assert message["body"]["to"] == PHONE and set(message["body"]) == {"to", "text"}
    assert "kode" in message["body"]["text"].lower() and code_in(message)
    ask_code(client, "81234567891", phone_country="ID")
    english = sms_gateway.next()
    assert english["body"]["to"] == "+6281234567891" and "code" in english["body"]["text"]


def test_an_unknown_phone_gets_the_same_answer_and_no_message(client, create_user, sms_gateway, ask_code):
    create_user(phone=PHONE)
    known, unknown = ask_code(client, PHONE), ask_code(client, "+6281299999999")
    assert known.status_code == unknown.status_code == 202 and known.json == unknown.json
    assert sms_gateway.next()["body"]["to"] == PHONE
    assert sms_gateway.nothing_received()


def stored_codes() -> int:
    count = db.session.query(PasswordResetCode).count()
    db.session.commit()  # end the test's read: the next count sees what was written since
    return count


def test_the_answer_goes_out_before_anything_depends_on_the_account(client, create_user, sms_gateway):
    """The same timing shape for every phone: the code is made and sent after the answer has gone."""
    create_user(phone=PHONE)
    answer = client.post("/api/v1/auth/password-reset", json={"phone": PHONE})
    assert answer.status_code == 202
    assert stored_codes() == 0 and sms_gateway.nothing_received(wait=0.1)
    answer.close()  # what a WSGI server does once the answer is sent
    assert stored_codes() == 1 and sms_gateway.next()["body"]["to"] == PHONE


def test_the_code_sets_a_new_password_logs_in_and_ends_every_earlier_login(client, create_user, tokens_for,
                                                                            sms_gateway, ask_code):
    worker = create_user(phone=PHONE)
    old = tokens_for(worker)
    ask_code(client, PHONE)
    code = code_in(sms_gateway.next())
    answer = confirm(client, code[:3] + " " + code[3:])  # as it is read out
    assert answer.status_code == 200, answer.json
    assert answer.json["user"]["id"] == str(worker.id) and answer.json["access_token"] and answer.json["refresh_token"]
    assert client.get("/api/v1/me", headers=bearer(answer.json["access_token"])).status_code == 200
    assert client.get("/api/v1/me", headers=bearer(old["access_token"])).status_code == 401
    assert client.post("/api/v1/auth/refresh", headers=bearer(old["refresh_token"])).status_code == 401
    assert client.post("/api/v1/auth/login", json={"phone": PHONE, "password": "password123"}).status_code == 401
    assert client.post("/api/v1/auth/login", json={"phone": PHONE, "password": NEW_PASSWORD}).status_code == 200
    # one time only
    again = confirm(client, code, password="another-password-1")
    assert again.status_code == 400 and "code" in again.json["errors"]


def test_a_wrong_code_is_400_and_five_wrong_tries_end_the_code(client, create_user, sms_gateway, ask_code):
    create_user(phone=PHONE)
    ask_code(client, PHONE)
    code = code_in(sms_gateway.next())
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    first = confirm(client, wrong)
    assert first.status_code == 400 and first.json["code"] == 400 and "code" in first.json["errors"]
    for _ in range(4):
        assert confirm(client, wrong).status_code == 400
    assert confirm(client, code).status_code == 400
    assert client.post("/api/v1/auth/login", json={"phone": PHONE, "password": "password123"}).status_code == 200


def test_an_expired_code_is_400(client, create_user, sms_gateway, ask_code):
    create_user(phone=PHONE)
    ask_code(client, PHONE)
    code = code_in(sms_gateway.next())
    db.session.execute(update(PasswordResetCode).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert confirm(client, code).status_code == 400


def test_a_newer_code_replaces_the_older_one(client, create_user, sms_gateway, ask_code):
    create_user(phone=PHONE)
    ask_code(client, PHONE)
    first = code_in(sms_gateway.next())
    ask_code(client, PHONE)
    second = code_in(sms_gateway.next())
    if first != second:
        assert confirm(client, first).status_code == 400
    assert confirm(client, second).status_code == 200


def test_only_a_hash_of_the_code_is_stored(client, create_user, sms_gateway, ask_code):
    create_user(phone=PHONE)
    ask_code(client, PHONE)
    code = code_in(sms_gateway.next())
    row = db.session.query(PasswordResetCode).one()
    assert code not in row.code_hash and len(row.code_hash) == 64
    assert timedelta(minutes=14) < row.expires_at - utcnow() <= timedelta(minutes=15)


def test_a_deactivated_account_gets_no_code_and_its_code_stops_working(client, create_user, runner, sms_gateway,
                                                                       ask_code):
    create_user(phone=PHONE)
    ask_code(client, PHONE)
    code = code_in(sms_gateway.next())
    assert runner.invoke(args=["users", "deactivate", "--phone", PHONE]).exit_code == 0
    assert ask_code(client, PHONE).status_code == 202
    assert sms_gateway.nothing_received()
    assert confirm(client, code).status_code == 400


@pytest.mark.parametrize("body, field", [
    ({"phone": "12"}, "phone"),
    ({"phone_country": "XX"}, "phone_country"),
    ({"password": "short"}, "password"),
    ({"code": None}, "code"),
    ({"role": "admin"}, "role"),
])
def test_confirm_validation_errors_name_the_field(client, body, field):
    answer = client.post("/api/v1/auth/password-reset/confirm",
                         json={"phone": PHONE, "code": "123456", "password": NEW_PASSWORD, **body})
    assert answer.status_code == 422 and field in answer.json["errors"]


@pytest.fixture
def low_limits(app, monkeypatch):
    def set_limits(auth="100000 per minute", identifier="100000 per minute"):
        monkeypatch.setitem(app.config, "RATELIMIT_AUTH", auth)
        monkeypatch.setitem(app.config, "RATELIMIT_IDENTIFIER", identifier)
        limiter.reset()

    yield set_limits
    limiter.reset()


def test_confirm_attempts_are_limited_per_phone_whatever_the_address(client, create_user, low_limits):
    create_user(phone=PHONE)
    low_limits(identifier="3 per minute")
    codes = [confirm(client, f"{n:06d}", address=f"203.0.113.{n}").status_code
             for n in range(1, 5)]
    assert codes == [400, 400, 400, 429]
    limited = confirm(client, "000009", address="203.0.113.9")
    assert limited.status_code == 429 and 1 <= int(limited.headers["Retry-After"]) <= 60


def test_reset_calls_are_limited_per_address_with_every_other_credential_call(client, low_limits, ask_code):
    low_limits(auth="3 per minute")
    assert client.post("/api/v1/auth/login", json={"phone": PHONE, "password": "x"}).status_code == 401
    assert ask_code(client, "+6281299999991").status_code == 202
    assert confirm(client, "123456", phone="+6281299999992").status_code == 400
    assert ask_code(client, "+6281299999993").status_code == 429
    assert confirm(client, "123456", phone="+6281299999994").status_code == 429


def test_reset_codes_to_one_phone_are_limited_whatever_the_address(client, create_user, low_limits, sms_gateway,
                                                                  ask_code):
    create_user(phone=PHONE)
    low_limits(identifier="2 per minute")
    assert client.post("/api/v1/auth/password-reset", json={"phone": "0812 3456 7890"},
                       environ_base={"REMOTE_ADDR": "203.0.113.1"}).status_code == 202
    assert client.post("/api/v1/auth/password-reset", json={"phone": PHONE},
                       environ_base={"REMOTE_ADDR": "203.0.113.2"}).status_code == 202
    assert client.post("/api/v1/auth/password-reset", json={"phone": "+62 812 3456 7890"},
                       environ_base={"REMOTE_ADDR": "203.0.113.3"}).status_code == 429


# ------------------------------------------------------------------ the senders

def test_the_gateway_sender_posts_json_and_takes_any_2xx(sms_gateway):
    for status in (200, 202, 204):
        sms_gateway.status = status
        GatewaySender(sms_gateway.url).send(TextMessage(to=PHONE, text="Kode Anda 123456"))
        message = sms_gateway.next()
        assert message["path"] == "/messages" and message["body"] == {"to": PHONE, "text": "Kode Anda 123456"}


@pytest.mark.parametrize("status", [400, 500, 503])
def test_the_gateway_sender_reports_an_answer_other_than_2xx(sms_gateway, status):
    sms_gateway.status = status
    with pytest.raises(NotDelivered):
        GatewaySender(sms_gateway.url).send(TextMessage(to=PHONE, text="x"))


def test_an_unreachable_gateway_is_reported():
    with pytest.raises(NotDelivered):
        GatewaySender("http://127.0.0.1:9/messages", timeout=2).send(TextMessage(to=PHONE, text="x"))


def test_a_failing_gateway_never_fails_the_answer(client, create_user, sms_gateway, ask_code, caplog):
    create_user(phone=PHONE)
    sms_gateway.status = 500
    with caplog.at_level(logging.ERROR, logger="app.accounts.sms"):
        assert ask_code(client, PHONE).status_code == 202
    assert sms_gateway.next()["body"]["to"] == PHONE
    assert any("not delivered" in r.getMessage() for r in caplog.records)
    assert PHONE not in caplog.text  # the log names the phone only in part


def test_in_development_without_a_gateway_the_code_is_logged(app, client, create_user, ask_code, caplog,
                                                           monkeypatch):
    monkeypatch.setitem(app.config, "SMS_GATEWAY_URL", None)
    create_user(phone=PHONE)
    with caplog.at_level(logging.WARNING, logger="app.accounts.sms"):
        assert ask_code(client, PHONE).status_code == 202
    logged = [r.getMessage() for r in caplog.records if "SMS" in r.getMessage()]
    assert len(logged) == 1 and PHONE in logged[0]


def test_production_refuses_to_start_without_an_sms_gateway(db_url):
    with pytest.raises(RuntimeError, match="SMS_GATEWAY_URL"):
        create_app(app_config(db_url, ENV_NAME="production", REDIS_URL="redis://127.0.0.1:6379/0",
                              DATA_KEY="MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="))


# ------------------------------------------------------------------ phone_country on register and login

def test_register_and_login_read_a_national_number_in_phone_country(client):
    body = {"phone": "0812 3456 7890", "password": "rahasia-123", "full_name": "Siti"}
    registered = client.post("/api/v1/auth/register", json=body)
    assert registered.status_code == 201 and registered.json["user"]["phone"] == PHONE
    malaysian = client.post("/api/v1/auth/register", json={**body, "phone": "012-345 6789", "phone_country": "MY"})
    assert malaysian.status_code == 201 and malaysian.json["user"]["phone"] == "+60123456789"
    assert client.post("/api/v1/auth/login", json={"phone": "0812-3456-7890", "password": "rahasia-123"}).status_code == 200
    assert client.post("/api/v1/auth/login", json={"phone": "0123456789", "phone_country": "MY",
                                                   "password": "rahasia-123"}).status_code == 200
    bad = client.post("/api/v1/auth/register", json={**body, "phone_country": "XX"})
    assert bad.status_code == 422 and "phone_country" in bad.json["errors"]


def test_tokens_purge_drops_expired_codes(client, create_user, runner, sms_gateway, ask_code):
    create_user(phone=PHONE)
    create_user(phone="+6281234567891")
    ask_code(client, PHONE)
    ask_code(client, "+6281234567891")
    db.session.query(PasswordResetCode).first().expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert runner.invoke(args=["tokens", "purge"]).exit_code == 0
    assert stored_codes() == 1
