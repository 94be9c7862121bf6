"""The records a sync answer serves are dumped by compiled schemas (app.sync.dumping): the output
must be exactly what the features' own schemas give."""
import uuid

import pytest

from app.extensions import db
from app.help.models import HelpMessage, HelpRequest
from app.help.schemas import HelpRequestSchema, MessageSchema
from app.missions.schemas import MissionSchema
from app.presence.models import PresenceReport
from app.presence.schemas import PresenceSchema
from app.sync.dumping import compiled
from tests.builders import envelope, help_data, mutation, presence_data


@pytest.fixture
def stored(sync, worker, create_user, client, auth):
    """A presence report, a request with a worker's and a staff message and a status change, and a
    request for no mission (a place no mission serves, no report yet: made first)."""
    nowhere = help_data(country="AQ", region=None, city=None)
    sync(worker, envelope(mutation("help_request.create", nowhere)))
    request = help_data(contact_phone="+60123456789", location={"lat": 5.98, "lng": 116.07})
    sync(worker, envelope(mutation("presence.upsert", presence_data(nik="3201234567890001")),
                          mutation("help_request.create", request),
                          mutation("message.create", {"help_request_id": request["id"], "body": "Tolong"})))
    staff = create_user(role="staff", mission="KJRI-KOTAKINABALU")
    headers = auth(staff)
    assert client.post(f"/api/v1/queue/{request['id']}/messages", json={"body": "Kami bantu"},
                       headers=headers).status_code in (200, 201)
    assert client.patch(f"/api/v1/queue/{request['id']}", json={"status": "triaged"},
                        headers=headers).status_code == 200
    db.session.remove()
    return uuid.UUID(request["id"]), uuid.UUID(nowhere["id"])


@pytest.mark.parametrize("lang", ["id", "en"])
def test_compiled_dumps_equal_the_schemas_own(app, stored, lang):
    with app.test_request_context(f"/?lang={lang}"):
        requests = db.session.scalars(db.select(HelpRequest)).all()
        assert {r.id for r in requests} == set(stored)
        assert any(r.mission is None for r in requests) and any(r.messages for r in requests)
        for request in requests:
            assert compiled(HelpRequestSchema())(request) == HelpRequestSchema().dump(request)
            if request.mission is not None:
                assert compiled(MissionSchema())(request.mission) == MissionSchema().dump(request.mission)
        messages = db.session.scalars(db.select(HelpMessage)).all()
        assert len(messages) == 2
        for message in messages:
            assert compiled(MessageSchema())(message) == MessageSchema().dump(message)
        report = db.session.scalars(db.select(PresenceReport)).one()
        assert compiled(PresenceSchema())(report) == PresenceSchema().dump(report)


def test_the_whole_state_serves_what_the_schemas_dump(sync, worker, app, stored):
    changes = sync(worker, envelope()).get_json()["changes"]
    with app.test_request_context("/"):
        expected = {str(r.id): HelpRequestSchema().dump(r) for r in db.session.scalars(db.select(HelpRequest))}
    served = {c["id"]: c["data"] for c in changes if c["entity"] == "help_request"}
    assert served == expected
