"""Filing for someone: the console's cookie-login and form fixtures, and a partner organisation."""
import pytest

from tests.console.conftest import login_client, post_form  # noqa: F401 (fixtures)
from tests.help.conftest import create_help_request  # noqa: F401 (fixture)

ORGANISATION = "Rumah Singgah Sabah"


@pytest.fixture
def create_partner(create_user):
    """create_partner(mission="KJRI-KOTAKINABALU", full_name=ORGANISATION) → a partner account of one mission."""

    def factory(mission="KJRI-KOTAKINABALU", full_name=ORGANISATION):
        return create_user(role="partner", mission=mission, full_name=full_name)

    return factory


def consent(**overrides) -> dict:
    return {"consent": "spoken_in_person", "recorded_by": "Ani Lestari", "agreed": "yes", **overrides}
