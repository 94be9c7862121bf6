"""The one rule for a device's clock: trusted unless it runs ahead or was reset."""
from datetime import datetime, timedelta, timezone

from app.types import clamp_device_time, utcnow


def test_a_time_written_offline_days_ago_is_kept():
    three_days_ago = utcnow() - timedelta(days=3)
    assert clamp_device_time(three_days_ago) == three_days_ago


def test_a_clock_running_ahead_becomes_now():
    clamped = clamp_device_time(utcnow() + timedelta(days=2))
    assert abs((clamped - utcnow()).total_seconds()) < 5


def test_a_reset_clock_becomes_now():
    clamped = clamp_device_time(datetime(1970, 1, 1, tzinfo=timezone.utc))
    assert abs((clamped - utcnow()).total_seconds()) < 5


def test_help_request_from_a_reset_clock_does_not_jump_the_queue(client, create_user, auth):
    import uuid

    worker = create_user()
    body = {"id": str(uuid.uuid4()), "category": "other", "urgency": "normal", "description": "jam rusak",
            "country": "MY", "region": "MY-12", "created_at": "1970-01-01T00:00:00+00:00"}
    response = client.post("/api/v1/help-requests", json=body, headers=auth(worker))
    assert response.status_code == 201
    assert response.json["created_at"].startswith(str(utcnow().year))
