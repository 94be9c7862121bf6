"""Demo accounts for a local trial (`flask seed --sample`); refused in production."""
from sqlalchemy import select

from ..extensions import db
from ..missions.services import get_by_code
from .models import User
from .services import create_user

SAMPLE_PASSWORD = "jembatan-demo"
SAMPLE_ACCOUNTS = [
    {"role": "admin", "email": "admin@example.org", "full_name": "Admin (sample)"},
    {"role": "staff", "email": "staff.kotakinabalu@example.org", "full_name": "Staf KJRI Kota Kinabalu (sample)",
     "mission": "KJRI-KOTAKINABALU"},
    {"role": "staff", "email": "staff.kualalumpur@example.org", "full_name": "Staf KBRI Kuala Lumpur (sample)",
     "mission": "KBRI-KUALALUMPUR"},
    {"role": "worker", "phone": "+60123456789", "full_name": "Siti Pekerja (sample)"},
]


def seed_sample_accounts() -> dict:
    """Create the demo accounts that do not exist yet (password: jembatan-demo)."""
    created = 0
    for spec in SAMPLE_ACCOUNTS:
        column, value = ("email", spec["email"]) if "email" in spec else ("phone", spec["phone"])
        if db.session.scalar(select(User.id).where(getattr(User, column) == value)):
            continue
        create_user(full_name=spec["full_name"], password=SAMPLE_PASSWORD, role=spec["role"],
                    mission=get_by_code(spec["mission"]) if "mission" in spec else None, **{column: value})
        created += 1
    return {"created": created, "password": SAMPLE_PASSWORD}
