"""Helpers for the sync tests: envelopes and mutation bodies a device would send."""
import uuid

import pytest
from sqlalchemy import func, select

# The features sync applies through; their tables must exist in the test schema.
import app.help.models  # noqa: F401
import app.presence.models  # noqa: F401
from app.extensions import db


def count(model, **where) -> int:
    """Rows of `model` matching `where`, read afresh (the test's session forgets what it had)."""
    db.session.remove()
    return db.session.scalar(select(func.count()).select_from(model).filter_by(**where))


def presence_data(**overrides) -> dict:
    data = {
        "id": str(uuid.uuid4()), "passport_number": "X1234567", "country": "MY", "region": "MY-12",
        "city": "Kota Kinabalu", "address": "Jalan Lintas 12", "employer_name": "Ladang Sawit Sdn Bhd",
        "sector": "plantation", "arrival_date": "2025-03-01",
        "emergency_contact": {"name": "Siti", "phone": "+6281234567890", "relation": "ibu"},
        "created_at": "2026-11-20T08:15:00+08:00",
    }
    data.update(overrides)
    return data


def help_data(**overrides) -> dict:
    data = {
        "id": str(uuid.uuid4()), "category": "document_withheld", "urgency": "high",
        "description": "Majikan menahan paspor saya.", "country": "MY", "region": "MY-12",
        "city": "Kota Kinabalu", "created_at": "2026-11-20T08:15:00+08:00",
    }
    data.update(overrides)
    return data


def mutation(type_: str, data: dict, mutation_id=None) -> dict:
    return {"id": str(mutation_id or uuid.uuid4()), "type": type_, "data": data,
            "created_at": "2026-11-20T08:15:00+08:00"}


def envelope(*mutations, cursor=None, device_id=None) -> dict:
    return {"device_id": str(device_id or uuid.uuid4()), "cursor": cursor, "mutations": list(mutations)}


@pytest.fixture
def worker(create_user):
    return create_user(role="worker")


@pytest.fixture
def sync(client, auth):
    """sync(user, body, **headers) → the response of POST /api/v1/sync."""

    def call(user, body, query="", **headers):
        return client.post("/api/v1/sync" + query, json=body, headers=auth(user, **headers))

    return call
