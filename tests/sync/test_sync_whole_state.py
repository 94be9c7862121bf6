"""A call without a cursor answers the worker's whole current state (contract, "Additions of
2026-11-29": Sync): a new or reset phone sees every request of hers, whichever device made it."""
import uuid

import pytest

from tests.builders import envelope, help_data, mutation, presence_data


def _pull_all(sync, worker, cursor=None, device_id=None):
    """Every change from `cursor` on, page after page: (changes, calls, the last cursor)."""
    changes, calls = [], 0
    while True:
        body = sync(worker, envelope(cursor=cursor, device_id=device_id)).get_json()
        calls += 1
        changes += body["changes"]
        cursor = body["cursor"]
        if not body["has_more"]:
            return changes, calls, cursor
        assert calls < 20


@pytest.fixture
def made_on_phone_a(sync, worker, client, auth, create_user):
    """A presence report and three requests sent by device A; the mission answered one of them."""
    phone_a = uuid.uuid4()
    report = presence_data()
    requests = [help_data(description=f"Permintaan {n}") for n in range(3)]
    body = sync(worker, envelope(mutation("presence.upsert", report),
                                 *[mutation("help_request.create", r) for r in requests],
                                 device_id=phone_a)).get_json()
    assert [r["status"] for r in body["results"]] == ["applied"] * 4
    staff = create_user(role="staff")
    answered = requests[1]["id"]
    assert client.patch(f"/api/v1/queue/{answered}", json={"status": "triaged"},
                        headers=auth(staff)).status_code == 200
    assert client.post(f"/api/v1/queue/{answered}/messages", json={"body": "Kami sedang memeriksa."},
                       headers=auth(staff)).status_code == 201
    return {"presence": report["id"], "requests": [r["id"] for r in requests], "answered": answered,
            "staff": staff}


def test_a_new_phone_without_a_cursor_gets_the_whole_state_made_on_another(sync, worker, made_on_phone_a):
    changes, _calls, _cursor = _pull_all(sync, worker, device_id=uuid.uuid4())
    keys = [(c["entity"], c["id"]) for c in changes]
    assert sorted(keys) == sorted([("presence", made_on_phone_a["presence"])]
                                  + [("help_request", rid) for rid in made_on_phone_a["requests"]])
    assert len(keys) == len(set(keys))  # each once
    presence = next(c["data"] for c in changes if c["entity"] == "presence")
    assert presence["mission"]["code"] == "KJRI-KOTAKINABALU"
    answered = next(c["data"] for c in changes if c["id"] == made_on_phone_a["answered"])
    assert answered["status"] == "triaged"
    assert [m["body"] for m in answered["messages"]] == ["Kami sedang memeriksa."]
    assert [h["status"] for h in answered["history"]] == ["new", "triaged"]


def test_the_whole_state_pages_with_has_more_and_each_record_comes_once(sync, worker, made_on_phone_a,
                                                                         monkeypatch):
    from app.sync import pull

    monkeypatch.setattr(pull, "PAGE_SIZE", 1)
    changes, calls, _cursor = _pull_all(sync, worker, device_id=uuid.uuid4())
    ids = [c["id"] for c in changes]
    assert sorted(ids) == sorted([made_on_phone_a["presence"], *made_on_phone_a["requests"]])
    assert calls == 4 and len(ids) == len(set(ids))


def test_after_the_whole_state_the_cursor_gives_only_newer_changes(sync, worker, made_on_phone_a, client, auth,
                                                                    monkeypatch):
    from app.sync import pull

    monkeypatch.setattr(pull, "PAGE_SIZE", 2)
    _changes, _calls, cursor = _pull_all(sync, worker, device_id=uuid.uuid4())
    assert sync(worker, envelope(cursor=cursor)).get_json()["changes"] == []
    moved = made_on_phone_a["requests"][0]
    assert client.patch(f"/api/v1/queue/{moved}", json={"status": "triaged"},
                        headers=auth(made_on_phone_a["staff"])).status_code == 200
    changes, _calls, _cursor = _pull_all(sync, worker, cursor=cursor)
    assert [(c["entity"], c["id"], c["data"]["status"]) for c in changes] == [("help_request", moved, "triaged")]


def test_what_one_phone_sends_reaches_the_other_through_its_cursor(sync, worker, made_on_phone_a):
    """Device B, up to date, hears of a request and a message device A sends later."""
    _changes, _calls, cursor_b = _pull_all(sync, worker, device_id=uuid.uuid4())
    new = help_data(description="Permintaan baru")
    note = {"id": str(uuid.uuid4()), "body": "Saya masih menunggu.", "help_request_id": made_on_phone_a["answered"]}
    sync(worker, envelope(mutation("help_request.create", new), mutation("message.create", note)))
    changes, _calls, _cursor = _pull_all(sync, worker, cursor=cursor_b)
    assert [(c["entity"], c["id"]) for c in changes] == [("help_request", new["id"]), ("message", note["id"])]


def test_a_request_made_while_the_state_is_paged_is_not_lost(sync, worker, made_on_phone_a, monkeypatch):
    from app.sync import pull

    monkeypatch.setattr(pull, "PAGE_SIZE", 1)
    first = sync(worker, envelope()).get_json()
    assert first["has_more"]
    new = help_data(id=str(uuid.UUID(int=1)), description="Dibuat di tengah")  # sorts before every other id
    sync(worker, envelope(mutation("help_request.create", new)))
    changes, _calls, _cursor = _pull_all(sync, worker, cursor=first["cursor"])
    assert new["id"] in [c["id"] for c in changes]
