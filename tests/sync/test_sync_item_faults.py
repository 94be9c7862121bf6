"""One item's fault is that item's `rejected`, never the call's 500 (the PWA resends a failed call,
so one such item used to hold the phone's outbox for good); and a mutation refused only because
what it refers to is not stored yet is answered `retry: true` and applies when sent again."""
import uuid

import pytest
from sqlalchemy import insert

from app.extensions import db
from app.help.models import HelpMessage, HelpRequest
from app.presence.models import PresenceReport
from app.sync.models import AppliedMutation, Change
from tests.builders import envelope, help_data, mutation, presence_data
from tests.support.database import count

SURROGATE = "Gaji belum dibayar \ud800"  # a lone UTF-16 surrogate: "\ud800" in the JSON text


def statuses(response) -> list[str]:
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return [r["status"] for r in response.get_json()["results"]]


def test_a_lone_surrogate_in_one_item_rejects_that_item_and_the_others_apply(sync, worker):
    request = help_data()
    batch = [
        mutation("help_request.create", help_data()),
        mutation("help_request.create", help_data(description=SURROGATE)),  # among the bulk-written ones
        mutation("help_request.create", request),
        mutation("presence.upsert", presence_data(address="Jalan \udfff 12")),
        mutation("message.create", {"help_request_id": request["id"], "body": "Tolong \ud83d"}),
        mutation("message.create", {"help_request_id": request["id"], "body": "Tolong saya"}),
    ]
    response = sync(worker, envelope(*batch), query="?lang=en")
    assert statuses(response) == ["applied", "rejected", "applied", "rejected", "rejected", "applied"]
    results = response.get_json()["results"]
    assert results[1]["error"]["errors"] == {"description": ["Contains a broken character. Type it again."]}
    assert "address" in results[3]["error"]["errors"] and "body" in results[4]["error"]["errors"]
    assert all("retry" not in results[i]["error"] for i in (1, 3, 4))  # final: the text itself is at fault
    assert (count(HelpRequest), count(PresenceReport), count(HelpMessage)) == (2, 0, 1)
    # Sent again (the same ids): the same answers, nothing more stored.
    assert statuses(sync(worker, envelope(*batch))) == ["duplicate", "rejected", "duplicate", "rejected",
                                                        "rejected", "duplicate"]
    assert (count(HelpRequest), count(PresenceReport), count(HelpMessage)) == (2, 0, 1)


@pytest.mark.parametrize("fault", ["type", "key", "created_at", "nested key"])
def test_nul_or_a_lone_surrogate_anywhere_in_an_item_rejects_only_that_item(sync, worker, fault):
    """PostgreSQL refuses NUL in text and JSON; no UTF-8 encoder writes a lone surrogate."""
    bad = mutation("help_request.create", help_data())
    if fault == "type":
        bad["type"] = "help_request.create\x00"
    elif fault == "key":
        bad["data"]["descr\ud800iption"] = bad["data"].pop("description")
    elif fault == "created_at":
        bad["created_at"] = "2026-11-20T08:15:00\x00"
        del bad["data"]["created_at"]
    else:
        bad["data"]["location"] = {"lat": 5.9, "lng": 116.0, "\x00": 1}
    good = mutation("presence.upsert", presence_data())
    assert statuses(sync(worker, envelope(bad, good))) == ["rejected", "applied"]
    assert count(HelpRequest) == 0 and count(PresenceReport) == 1
    assert statuses(sync(worker, envelope(bad, good))) == ["rejected", "duplicate"]


def test_an_unexpected_error_while_applying_one_mutation_rejects_it_and_the_others_commit(sync, worker,
                                                                                           monkeypatch):
    from app.presence import services as presence_services

    real = presence_services.submit_presence

    def submit(user, data):
        if data["address"] == "boom":
            real(user, data)  # it may have written something first: none of it may stay
            raise RuntimeError("a bug met by this one item")
        return real(user, data)

    monkeypatch.setattr(presence_services, "submit_presence", submit)
    request = help_data()
    batch = [mutation("presence.upsert", presence_data(address="boom")),
             mutation("help_request.create", request),
             mutation("message.create", {"help_request_id": request["id"], "body": "Tolong saya"}),
             mutation("presence.upsert", presence_data())]
    response = sync(worker, envelope(*batch), query="?lang=en")
    assert statuses(response) == ["rejected", "applied", "applied", "applied"]
    error = response.get_json()["results"][0]["error"]
    assert error["message"].startswith("This entry could not be saved") and "retry" not in error
    db.session.remove()
    assert (count(PresenceReport), count(HelpRequest), count(HelpMessage)) == (1, 1, 1)  # committed
    assert statuses(sync(worker, envelope(batch[0]))) == ["rejected"]  # final


def test_a_failing_bulk_insert_falls_back_to_one_by_one_and_rejects_only_the_faulty_item(sync, worker,
                                                                                          monkeypatch):
    """The bulk path writes a run of requests in one statement; when it fails (here: the statement
    after it breaks a foreign key, which aborts the statement on PostgreSQL) nothing of it stays,
    and the requests go one by one, each in its own savepoint."""
    from app.help import services as help_services

    real_bulk, real_one = help_services.insert_help_requests, help_services.create_help_request
    calls = []

    def bulk(user, items):
        calls.append(len(items))
        stored = real_bulk(user, items)
        if any(item["description"] == "boom" for item in items):
            db.session.execute(insert(Change).values(user_id=uuid.uuid4(), entity="help_request",
                                                     entity_id=uuid.uuid4()))  # no such user
        return stored

    def one(user, data, **kwargs):
        if data["description"] == "boom":
            raise ValueError("this one cannot be stored")
        return real_one(user, data, **kwargs)

    monkeypatch.setattr(help_services, "insert_help_requests", bulk)
    monkeypatch.setattr(help_services, "create_help_request", one)
    batch = [mutation("help_request.create", help_data(description=d)) for d in ("satu", "boom", "tiga", "empat")]
    assert statuses(sync(worker, envelope(*batch))) == ["applied", "rejected", "applied", "applied"]
    assert calls == [4]
    assert count(HelpRequest) == 3 and count(AppliedMutation) == 4
    db.session.remove()
    assert sorted(db.session.scalars(db.select(HelpRequest.description))) == ["empat", "satu", "tiga"]
    assert statuses(sync(worker, envelope(*batch))) == ["duplicate", "rejected", "duplicate", "duplicate"]


# ---------------------------------------------------------------- retry: what it refers to is not stored yet


def test_a_message_whose_request_is_not_stored_yet_is_answered_retry_and_applies_when_sent_again(sync, worker):
    request = help_data()
    message = mutation("message.create", {"id": str(uuid.uuid4()), "help_request_id": request["id"],
                                          "body": "Tolong saya"})
    first = sync(worker, envelope(message), query="?lang=en").get_json()["results"][0]
    assert first["status"] == "rejected" and first["error"]["retry"] is True
    assert first["error"]["message"] == ("The request this message belongs to has not arrived yet. "
                                         "The message will be sent again.")
    assert count(AppliedMutation) == 0  # not decided: the same id may still apply
    assert statuses(sync(worker, envelope(mutation("help_request.create", request)))) == ["applied"]
    again = sync(worker, envelope(message)).get_json()["results"][0]
    assert again["status"] == "applied" and again["record_id"] == message["data"]["id"]
    assert count(HelpMessage) == 1


def test_a_message_on_another_workers_request_is_answered_as_one_not_stored_yet(sync, worker, create_user):
    """The same answer as for a request not stored yet: nothing tells that the request exists."""
    request = help_data()
    assert statuses(sync(worker, envelope(mutation("help_request.create", request)))) == ["applied"]
    other = create_user(role="worker")
    foreign = sync(other, envelope(mutation("message.create", {"help_request_id": request["id"], "body": "x"})))
    unknown = sync(other, envelope(mutation("message.create", {"help_request_id": str(uuid.uuid4()), "body": "x"})))
    assert foreign.get_json()["results"][0]["error"] == unknown.get_json()["results"][0]["error"]
    assert count(HelpMessage) == 0


def test_every_other_rejection_is_final(sync, worker):
    request = help_data()
    sync(worker, envelope(mutation("help_request.create", request)))
    bad = mutation("message.create", {"help_request_id": request["id"], "body": ""})
    for _attempt in range(2):
        [result] = sync(worker, envelope(bad)).get_json()["results"]
        assert result["status"] == "rejected" and "retry" not in result["error"]
