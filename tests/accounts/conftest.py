import pytest


@pytest.fixture
def sms_gateway(app, monkeypatch, gateway):
    """The test's SMS gateway on 127.0.0.1, configured as SMS_GATEWAY_URL of the suite's app."""
    monkeypatch.setitem(app.config, "SMS_GATEWAY_URL", gateway.url)
    return gateway


@pytest.fixture
def ask_code():
    """ask_code(client, phone, **body) → the 202 answer, closed (a message leaves when the answer has gone)."""

    def do(client, phone, **body):
        response = client.post("/api/v1/auth/password-reset", json={"phone": phone, **body})
        response.close()
        return response

    return do
