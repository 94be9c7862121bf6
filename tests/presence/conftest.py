import uuid

import pytest


def presence_body(**overrides) -> dict:
    body = {
        "id": str(uuid.uuid4()),
        "passport_number": "X1234567",
        "nik": "3201234567890123",
        "country": "MY",
        "region": "MY-12",
        "city": "Kota Kinabalu",
        "address": "Jalan Tuaran 12",
        "employer_name": "Ladang Sawit Sdn Bhd",
        "employer_phone": "+60 12-345 6789",
        "sector": "plantation",
        "scheme": None,
        "arrival_date": "2025-01-15",
        "contract_end_date": "2027-01-14",
        "emergency_contact": {"name": "Siti", "phone": "+62 812 3456 7890", "relation": "ibu"},
        "created_at": "2026-01-10T08:15:00+08:00",
    }
    body.update(overrides)
    return body


@pytest.fixture
def make_presence_body():
    return presence_body
