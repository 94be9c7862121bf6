import uuid

import pytest


def help_body(**overrides) -> dict:
    body = {
        "id": str(uuid.uuid4()),
        "category": "unpaid_wages",
        "urgency": "normal",
        "description": "Gaji saya belum dibayar tiga bulan.",
        "country": "MY",
        "region": "MY-12",
        "city": "Kota Kinabalu",
        "contact_phone": "+60 12-345 6789",
        "location": {"lat": 5.98, "lng": 116.07},
        "created_at": "2026-01-10T08:15:00+08:00",
    }
    body.update(overrides)
    return body


@pytest.fixture
def make_help_body():
    return help_body


@pytest.fixture
def create_help_request(client, create_user, auth):
    """Factory: create_help_request(worker=None, **fields) → (worker, response json)."""

    def factory(worker=None, **fields):
        worker = worker or create_user()
        response = client.post("/api/v1/help-requests", json=help_body(**fields), headers=auth(worker))
        assert response.status_code == 201, response.json
        return worker, response.json

    return factory


class Clock:
    """The clock deadlines are read against (app.help.deadlines.now), held by a test."""

    def __init__(self):
        self.at = None

    def set(self, at):
        self.at = at
        return at

    def forward(self, **delta):
        from datetime import timedelta

        from app.types import utcnow

        self.at = (self.at or utcnow()) + timedelta(**delta)
        return self.at


@pytest.fixture
def clock(monkeypatch):
    """clock.set(datetime) / clock.forward(hours=3): staff actions, overdue and stats read this time."""
    from app.help import deadlines
    from app.types import utcnow

    held = Clock()
    monkeypatch.setattr(deadlines, "utcnow", lambda: held.at or utcnow())
    return held
