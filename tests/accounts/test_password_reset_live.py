"""The whole recovery through gunicorn: the code leaves for a real gateway on 127.0.0.1 after the
answer, in the worker's language, and sets the new password."""
import re

import pytest

from tests.support.live_server import LiveServer


@pytest.fixture
def server(tmp_path, gateway):
    server = LiveServer(tmp_path, env={"SMS_GATEWAY_URL": gateway.url}, workers=2, threads=2)
    server.setup_database()
    server.start()
    yield server
    server.stop()


def test_gunicorn_sends_the_code_to_the_gateway_and_the_code_sets_the_password(server, gateway):
    worker = server.create_worker()
    status, body = server.api("POST", "/api/v1/auth/password-reset", {"phone": worker["phone"]})
    assert status == 202, body
    message = gateway.next(timeout=15)["body"]
    assert message["to"] == worker["phone"] and "kode" in message["text"].lower()
    code = re.search(r"\b(\d{6})\b", message["text"]).group(1)
    status, body = server.api("POST", "/api/v1/auth/password-reset/confirm",
                              {"phone": worker["phone"], "code": code, "password": "baru-rahasia-1"})
    assert status == 200, body
    assert server.api("GET", "/api/v1/me", token=worker["access_token"])[0] == 401
    assert server.api("GET", "/api/v1/me", token=body["access_token"])[0] == 200
