"""Filing for someone: a partner organisation of one mission."""
import pytest

from tests.builders import ORGANISATION


@pytest.fixture
def create_partner(create_user):
    """create_partner(mission="KJRI-KOTAKINABALU", full_name=ORGANISATION) → a partner account of one mission."""

    def factory(mission="KJRI-KOTAKINABALU", full_name=ORGANISATION):
        return create_user(role="partner", mission=mission, full_name=full_name)

    return factory
