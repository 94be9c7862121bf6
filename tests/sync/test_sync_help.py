"""Sync through the help feature: ordering within a call, and staff actions coming back as changes."""
import uuid

from app.extensions import db
from app.help import services as help_services
from tests.builders import envelope, help_data, mutation
from tests.support.database import count


def test_a_message_may_refer_to_a_request_created_earlier_in_the_same_call(sync, worker):
    data = help_data()
    create = mutation("help_request.create", data)
    msg = mutation("message.create", {"id": str(uuid.uuid4()), "help_request_id": data["id"], "body": "Tolong cepat"})
    results = sync(worker, envelope(create, msg)).get_json()["results"]
    assert [r["status"] for r in results] == ["applied", "applied"]
    assert results[0]["record_id"] == data["id"] and results[1]["record_id"] == msg["data"]["id"]


def test_a_message_before_its_request_is_rejected_and_the_request_still_applies(sync, worker):
    data = help_data()
    msg = mutation("message.create", {"help_request_id": data["id"], "body": "Halo"})
    results = sync(worker, envelope(msg, mutation("help_request.create", data))).get_json()["results"]
    assert [r["status"] for r in results] == ["rejected", "applied"]
    assert results[0]["error"]["message"]


def test_a_message_on_another_workers_request_is_rejected(sync, worker, create_user):
    data = help_data()
    sync(worker, envelope(mutation("help_request.create", data)))
    other = create_user(role="worker")
    r = sync(other, envelope(mutation("message.create", {"help_request_id": data["id"], "body": "x"})))
    assert r.get_json()["results"][0]["status"] == "rejected"


def test_help_request_replay_with_a_new_mutation_id_names_the_same_record(sync, worker):
    data = help_data()
    first = sync(worker, envelope(mutation("help_request.create", data))).get_json()["results"][0]
    again = sync(worker, envelope(mutation("help_request.create", data))).get_json()["results"][0]
    assert first["status"] == "applied" and again["status"] == "duplicate"
    assert again["record_id"] == first["record_id"]


def test_a_help_request_the_service_refuses_is_rejected_among_good_ones(sync, worker):
    good, bad = help_data(), help_data(category="alien_abduction", description="")
    results = sync(worker, envelope(mutation("help_request.create", good), mutation("help_request.create", bad),
                                    mutation("help_request.create", help_data()))).get_json()["results"]
    assert [r["status"] for r in results] == ["applied", "rejected", "applied"]
    assert {"category", "description"} <= set(results[1]["error"]["errors"])


def test_a_device_clock_in_the_future_is_clamped(sync, worker, client, auth):
    data = help_data(created_at="2099-01-01T00:00:00+00:00")
    sync(worker, envelope(mutation("help_request.create", data)))
    stored = client.get(f"/api/v1/help-requests/{data['id']}", headers=auth(worker)).get_json()
    assert stored["created_at"] < "2099"


def test_staff_status_changes_and_messages_reach_the_worker(sync, worker, create_user):
    data = help_data()
    body = sync(worker, envelope(mutation("help_request.create", data))).get_json()
    cursor = body["cursor"]
    staff = create_user(role="staff", mission="KJRI-KOTAKINABALU")
    help_services.update(staff, uuid.UUID(data["id"]), status="triaged")
    message, _ = help_services.add_staff_message(staff, uuid.UUID(data["id"]), "Kami akan menghubungi Anda.")
    db.session.commit()
    changes = sync(worker, envelope(cursor=cursor)).get_json()["changes"]
    by_entity = {c["entity"]: c for c in changes}
    assert by_entity["help_request"]["data"]["status"] == "triaged"
    assert by_entity["message"]["data"]["body"] == "Kami akan menghubungi Anda."
    assert by_entity["message"]["data"]["help_request_id"] == data["id"]
    assert by_entity["message"]["data"]["direction"] == "to_worker"


def test_a_replayed_batch_of_requests_is_answered_duplicate_and_stores_nothing_twice(sync, worker):
    from app.help.models import HelpRequest, HelpRequestEvent
    from app.sync.models import AppliedMutation

    body = envelope(*[mutation("help_request.create", help_data()) for _ in range(5)])
    first = sync(worker, body).get_json()["results"]
    again = sync(worker, body).get_json()["results"]
    assert [r["status"] for r in first] == ["applied"] * 5 and [r["status"] for r in again] == ["duplicate"] * 5
    assert [r["record_id"] for r in again] == [r["record_id"] for r in first]
    assert count(HelpRequest) == 5 and count(HelpRequestEvent) == 5 and count(AppliedMutation) == 5


def test_in_a_batch_a_taken_id_or_record_is_answered_alone_and_the_rest_apply(sync, worker, create_user):
    from app.help.models import HelpRequest, HelpRequestEvent
    from app.sync.models import AppliedMutation

    stored = help_data()
    theirs = mutation("help_request.create", help_data())
    intruder = create_user(role="worker")
    sync(worker, envelope(mutation("help_request.create", stored), theirs))
    same_record = mutation("help_request.create", stored)  # a new mutation id naming the stored request
    other_content = mutation("help_request.create", dict(stored, description="Lain sama sekali."))
    fresh = mutation("help_request.create", help_data())
    stolen = mutation("help_request.create", help_data(), mutation_id=theirs["id"])
    results = sync(intruder, envelope(fresh, stolen, mutation("help_request.create", help_data()))).get_json()["results"]
    assert [r["status"] for r in results] == ["applied", "rejected", "applied"]
    assert results[1]["record_id"] is None and results[1]["error"]["errors"] == {}
    results = sync(worker, envelope(same_record, other_content)).get_json()["results"]
    assert [r["status"] for r in results] == ["duplicate", "rejected"]
    assert results[0]["record_id"] == stored["id"] and results[1]["error"]["message"]
    assert count(HelpRequest) == 4 and count(HelpRequestEvent) == 4
    assert count(AppliedMutation, mutation_id=uuid.UUID(theirs["id"]), user_id=intruder.id) == 0


def test_a_reference_drawn_twice_is_drawn_again(sync, worker, monkeypatch):
    from app.help.models import HelpRequest

    draws = iter(["JBT-AAAAAA", "JBT-AAAAAA", "JBT-BBBBBB"])
    monkeypatch.setattr(help_services, "_random_reference", lambda: next(draws))
    first, second = help_data(), help_data()
    assert sync(worker, envelope(mutation("help_request.create", first))).get_json()["results"][0]["status"] == "applied"
    result = sync(worker, envelope(mutation("help_request.create", second))).get_json()["results"][0]
    assert result["status"] == "applied" and result["record_id"] == second["id"]
    references = {str(r.id): r.reference for r in db.session.scalars(db.select(HelpRequest))}
    assert references == {first["id"]: "JBT-AAAAAA", second["id"]: "JBT-BBBBBB"}
