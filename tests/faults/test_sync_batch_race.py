"""Two phones of one worker send the same batch at once, in opposite orders (a resend after a
lost answer, reordered by the outbox): every call is answered 200 and each mutation applies once.

On PostgreSQL the two calls insert the same keys concurrently; taken in different orders, they
wait for each other (a deadlock). Help requests, written in bulk, insert in key order; other
mutations apply one by one in the call's order, so PostgreSQL breaks the deadlock and the call
is run again (storage.committed). Before either fix these tests failed within a few rounds with
a 503. SQLite runs one writer at a time."""
import threading

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.help.models import HelpRequest
from app.sync.models import AppliedMutation
from tests.sync.conftest import envelope, help_data, mutation, presence_data

from .conftest import FULL

# kind: (its data, mutations per call, rounds in CI); 200 rounds each with JEMBATAN_FULL_STORM=1.
KINDS = {"help_request.create": (help_data, 50, 30), "presence.upsert": (presence_data, 10, 10)}


@pytest.mark.parametrize("kind", KINDS)
def test_the_same_batch_sent_twice_at_once_in_opposite_orders(app, auth, create_user, kind):
    make_data, per_call, rounds = KINDS[kind]
    rounds = 200 if FULL else rounds
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
        assert db.session.scalar(select(func.count()).select_from(HelpRequest)) == rounds * per_call
    assert db.session.scalar(select(func.count()).select_from(AppliedMutation)) == rounds * per_call
