"""The records a sync answer serves are dumped by compiled schemas (app.sync.dumping): the output
must be exactly what the features' own schemas give."""
import uuid

import pytest
from sqlalchemy import event

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


@pytest.mark.parametrize("per_call", [1, 3])
def test_what_a_call_stores_is_answered_from_memory_exactly_as_read_back(sync, worker, client, auth, per_call):
    """A call's new requests are answered from what it wrote (app.storage.hold_stored), without
    reading them back: the answer must be what a fresh read of the database gives, to the byte
    (times in UTC whatever offset the device sent, codes as stored, the first history event)."""
    first = sync(worker, envelope()).get_json()
    items = [help_data(created_at="2026-11-20T08:15:00+08:00", region="my-12",
                       location={"lat": 5.98, "lng": 116.07}) for _ in range(per_call)]
    statements = []

    def seen(_conn, _cursor, sql, *_args):
        statements.append(" ".join(sql.split()))

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        answer = sync(worker, envelope(*[mutation("help_request.create", item) for item in items],
                                       cursor=first["cursor"])).get_json()
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
    read_again = ("SELECT help_requests.id, help_requests.reference", "FROM help_request_events", "FROM help_messages")
    assert not [sql for sql in statements if sql.startswith("SELECT") and any(part in sql for part in read_again)]
    assert [r["status"] for r in answer["results"]] == ["applied"] * per_call
    from_memory = {c["id"]: c["data"] for c in answer["changes"]}
    assert set(from_memory) == {item["id"] for item in items}
    db.session.remove()
    read_back = {c["id"]: c["data"] for c in sync(worker, envelope()).get_json()["changes"]
                 if c["entity"] == "help_request"}
    assert from_memory == read_back
    assert all(data["created_at"] == "2026-11-20T00:15:00Z" and data["region"] == "MY-12"
               and [h["status"] for h in data["history"]] == ["new"] for data in from_memory.values())
    rest = client.get(f"/api/v1/help-requests/{items[0]['id']}", headers=auth(worker)).get_json()
    assert {k: rest[k] for k in from_memory[items[0]["id"]]} == from_memory[items[0]["id"]]


def test_a_changed_mission_is_answered_changed_once_the_missions_are_read_again(sync, worker):
    """Missions are kept per process as long as the routing table (app.missions.routing.generation):
    a seed that changes one (forget_table, in this process) is answered at once."""
    from app.missions.services import forget_table, get_by_code

    first = sync(worker, envelope(mutation("help_request.create", help_data()))).get_json()
    [served] = [c["data"]["mission"] for c in first["changes"] if c["entity"] == "help_request"]
    assert served["code"] == "KJRI-KOTAKINABALU"
    mission = get_by_code("KJRI-KOTAKINABALU")
    seeded, mission.email = mission.email, "baru@example.org"
    db.session.commit()
    forget_table()
    try:
        again = sync(worker, envelope()).get_json()
        assert {c["data"]["mission"]["email"] for c in again["changes"] if c["entity"] == "help_request"} \
            == {"baru@example.org"}
    finally:
        get_by_code("KJRI-KOTAKINABALU").email = seeded  # the missions are the whole suite's
        db.session.commit()
        forget_table()
