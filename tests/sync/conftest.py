"""Fixtures of the sync tests (envelopes and mutation bodies a device would send: tests/builders.py)."""
import pytest

# The features sync applies through; their tables must exist in the test schema.
import app.help.models  # noqa: F401
import app.presence.models  # noqa: F401


@pytest.fixture
def worker(create_user):
    return create_user(role="worker")


@pytest.fixture
def sync(client, auth):
    """sync(user, body, **headers) → the response of POST /api/v1/sync."""

    def call(user, body, query="", **headers):
        return client.post("/api/v1/sync" + query, json=body, headers=auth(user, **headers))

    return call
