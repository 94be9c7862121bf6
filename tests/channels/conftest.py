import pytest

from app.channels.services import (
    get_agency,
    seed_sample_agencies,
    seed_schemes,
    upsert_agencies,
)
from app.extensions import db


@pytest.fixture
def seeded(app_ctx):
    """The real schemes and the sample agencies, committed."""
    seed_schemes()
    seed_sample_agencies()
    db.session.commit()


@pytest.fixture
def create_agency(app_ctx):
    """Factory: create_agency(licence_number=..., status=..., valid_until=...) → a committed Agency."""
    def factory(licence_number="TEST-001", name="PT Uji Coba", status="active", valid_until=None, address=None,
                branches=()):
        upsert_agencies([{"licence_number": licence_number, "name": name, "status": status,
                          "valid_until": valid_until, "address": address, "branches": list(branches)}])
        db.session.commit()
        return get_agency(licence_number)

    return factory
