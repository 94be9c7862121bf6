"""Where a request sent through sync goes when no mission serves its place (app.missions.routing)."""
import uuid

import pycountry
import pytest

from app.extensions import db
from app.help.models import HelpRequest
from app.missions.models import Mission
from app.missions.routing import route_id, route_id_for_worker
from tests.builders import envelope, help_data, mutation, presence_data



@pytest.fixture
def nowhere(app):
    """A place (a whole country) that no mission lists."""
    with app.app_context():
        country = next(c.alpha_2 for c in pycountry.countries if route_id(c.alpha_2) is None)
    return {"country": country, "region": None, "city": None}


def _mission_of(request_id) -> str | None:
    request = db.session.get(HelpRequest, uuid.UUID(request_id))
    return db.session.get(Mission, request.mission_id).code if request.mission_id else None


@pytest.mark.parametrize("per_call", [1, 3], ids=["alone", "in a batch"])
def test_a_request_from_a_place_no_mission_serves_goes_to_the_mission_of_her_presence_report(sync, worker, nowhere,
                                                                                             per_call):
    sync(worker, envelope(mutation("presence.upsert", presence_data())))  # Kota Kinabalu
    requests = [help_data(**nowhere) for _ in range(per_call)]
    results = sync(worker, envelope(*[mutation("help_request.create", r) for r in requests])).get_json()["results"]
    assert [r["status"] for r in results] == ["applied"] * per_call
    db.session.remove()
    assert {_mission_of(r["id"]) for r in requests} == {"KJRI-KOTAKINABALU"}


def test_without_a_presence_report_such_a_request_is_stored_for_no_mission(sync, worker, nowhere):
    request = help_data(**nowhere)
    assert sync(worker, envelope(mutation("help_request.create", request))).get_json()["results"][0]["status"] == \
        "applied"
    db.session.remove()
    assert _mission_of(request["id"]) is None
    assert route_id_for_worker(worker.id, nowhere["country"]) is None


def test_a_place_a_mission_serves_wins_over_her_presence_report(sync, worker):
    sync(worker, envelope(mutation("presence.upsert", presence_data())))  # Kota Kinabalu
    request = help_data(country="HK", region=None, city="Hong Kong")
    sync(worker, envelope(mutation("help_request.create", request)))
    db.session.remove()
    assert _mission_of(request["id"]) == "KJRI-HONGKONG"
