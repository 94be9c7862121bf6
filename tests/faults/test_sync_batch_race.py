"""Two phones of one worker send the same batch at once, in opposite orders (a resend after a
lost answer, reordered by the outbox): every call is answered 200 and each mutation applies once.

On PostgreSQL the two calls insert the same keys concurrently; taken in different orders, they
wait for each other (a deadlock). Help requests, written in bulk, insert in key order and never
deadlock; other mutations apply one by one in the call's order, so PostgreSQL breaks the deadlock
(after its deadlock_timeout, 1 s) by failing one call, which is run again (storage.committed).
Before these fixes both tests failed within a few rounds with a 503. SQLite runs one writer at
a time."""
import threading

import pytest

from app.extensions import db
from app.help.models import HelpRequest
from app.sync.models import AppliedMutation
from tests.builders import envelope, help_data, mutation, presence_data
from tests.support.database import count
from tests.support.live_server import FULL_STORM

# kind: (its data, mutations per call, rounds in CI); 200 rounds each with JEMBATAN_FULL_STORM=1.
KINDS = {"help_request.create": (help_data, 50, 30), "presence.upsert": (presence_data, 10, 5)}


@pytest.mark.parametrize("kind", KINDS)
def test_the_same_batch_sent_twice_at_once_in_opposite_orders(app, auth, create_user, kind):
    make_data, per_call, rounds = KINDS[kind]
    rounds = 200 if FULL_STORM else rounds
    worker = create_user(role="worker")
    headers = auth(worker)
    db.session.remove()
    for _round in range(rounds):
        batch = [mutation(kind, make_data()) for _ in range(per_call)]
        bodies = [envelope(*batch), envelope(*reversed(batch))]
        barrier, answers = threading.Barrier(2), []

        def call(body):
            barrier.wait(timeout=30)
            response = app.test_client().post("/api/v1/sync", json=body, headers=headers)
            answers.append((response.status_code, response.get_json()))

        threads = [threading.Thread(target=call, args=(body,)) for body in bodies]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert [code for code, _ in answers] == [200, 200], answers
        for _code, body in answers:
            assert {r["status"] for r in body["results"]} <= {"applied", "duplicate"}
        applied = [r["id"] for _c, body in answers for r in body["results"] if r["status"] == "applied"]
        assert sorted(applied) == sorted(m["id"] for m in batch)  # each once, by one call or the other
    if kind == "help_request.create":
        assert count(HelpRequest) == rounds * per_call
    assert count(AppliedMutation) == rounds * per_call


def test_a_staff_status_change_and_a_worker_message_on_one_request_at_once(app, auth, create_user):
    """Staff hold the request's row, then take the worker's feed lock; a worker's message needs
    the row too. Neither side may be failed for it (a staff 503 would be a lost action)."""
    worker, staff = create_user(role="worker"), create_user(role="staff")
    worker_headers, staff_headers = auth(worker), auth(staff)
    request_data = help_data()
    first = app.test_client().post("/api/v1/sync", json=envelope(mutation("help_request.create", request_data)),
                                   headers=worker_headers)
    assert first.status_code == 200
    path = f"/api/v1/queue/{request_data['id']}"
    assert app.test_client().patch(path, json={"status": "triaged"}, headers=staff_headers).status_code == 200
    db.session.remove()
    statuses = ["in_progress", "resolved"] * (100 if FULL_STORM else 10)
    for status in statuses:
        barrier, answers = threading.Barrier(2), {}

        def staff_acts(status=status):
            barrier.wait(timeout=30)
            answers["staff"] = app.test_client().patch(path, json={"status": status}, headers=staff_headers)

        def worker_writes():
            barrier.wait(timeout=30)
            message = mutation("message.create", {"help_request_id": request_data["id"], "body": "Ada kabar?"})
            answers["worker"] = app.test_client().post("/api/v1/sync", json=envelope(message), headers=worker_headers)

        threads = [threading.Thread(target=staff_acts), threading.Thread(target=worker_writes)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert answers["staff"].status_code == 200, answers["staff"].get_json()
        assert answers["worker"].status_code == 200, answers["worker"].get_json()
        assert answers["worker"].get_json()["results"][0]["status"] == "applied"
