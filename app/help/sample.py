"""Sample cases for a local trial (`flask seed --sample`): the demo worker in Sabah and a few requests.

Ids are fixed (uuid5), and the services are idempotent by id, so running it twice changes nothing.
"""
import uuid
from datetime import timedelta

from sqlalchemy import select

from ..accounts.models import User
from ..extensions import db
from ..presence.schemas import PresenceInSchema
from ..presence.services import submit_presence
from ..types import utcnow
from .schemas import HelpRequestInSchema
from .services import create_help_request

NAMESPACE = uuid.UUID("0b8f5b1e-3d2a-4c1e-9f57-6a0c2f1d9e11")
SAMPLE_WORKER_PHONE = "+60123456789"

SAMPLE_REQUESTS = [
    ("document_withheld", "high", "(CONTOH) Majikan menahan paspor saya sejak saya tiba.", 72),
    ("unpaid_wages", "normal", "(CONTOH) Gaji tiga bulan belum dibayar.", 30),
    ("abuse_violence", "emergency", "(CONTOH) Saya dipukul oleh mandor kemarin malam.", 5),
]


def _sample_id(name: str) -> str:
    return str(uuid.uuid5(NAMESPACE, name))


def seed_sample_cases() -> dict:
    """A presence report in Kota Kinabalu and three help requests for the demo worker."""
    worker = db.session.scalar(select(User).where(User.phone == SAMPLE_WORKER_PHONE))
    if worker is None:
        return {"created": 0}
    created = 0
    now = utcnow()
    presence = PresenceInSchema().load({
        "id": _sample_id("presence"), "passport_number": "C9876543", "country": "MY", "region": "MY-12",
        "city": "Kota Kinabalu", "address": "(CONTOH) Ladang 3, Jalan Tuaran", "employer_name": "(CONTOH) Ladang Sawit",
        "sector": "plantation", "arrival_date": "2025-03-01", "contract_end_date": "2027-03-01",
        "emergency_contact": {"name": "Ibu Sari", "phone": "+6281234567890", "relation": "ibu"},
        "created_at": (now - timedelta(days=10)).isoformat()})
    created += submit_presence(worker, presence)[1]
    for category, urgency, description, hours_ago in SAMPLE_REQUESTS:
        data = HelpRequestInSchema().load({
            "id": _sample_id(category), "category": category, "urgency": urgency, "description": description,
            "country": "MY", "region": "MY-12", "city": "Kota Kinabalu",
            "created_at": (now - timedelta(hours=hours_ago)).isoformat()})
        created += create_help_request(worker, data)[1]
    return {"created": created}
