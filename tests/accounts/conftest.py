import pytest

from tests.support.sms_gateway import SmsGateway


@pytest.fixture
def sms_gateway(app, monkeypatch):
    """A real HTTP gateway on 127.0.0.1, configured as SMS_GATEWAY_URL for the test."""
    gateway = SmsGateway().start()
    monkeypatch.setitem(app.config, "SMS_GATEWAY_URL", gateway.url)
    yield gateway
    gateway.stop()


@pytest.fixture
def ask_code():
    """ask_code(client, phone, **body) → the 202 answer, closed (a message leaves when the answer has gone)."""

    def do(client, phone, **body):
        response = client.post("/api/v1/auth/password-reset", json={"phone": phone, **body})
        response.close()
        return response

    return do
