"""Two phones of one worker send the same batch at once, in opposite orders (a resend after a
lost answer, reordered by the outbox): every call is answered 200 and each mutation applies once.

On PostgreSQL the two calls insert the same keys concurrently; taken in different orders, they
would wait for each other (a deadlock, answered 503): 200 rounds found one within 2 s before the
inserts were put in key order. SQLite runs one writer at a time."""
import threading

from sqlalchemy import func, select

from app.extensions import db
from app.help.models import HelpRequest
from app.sync.models import AppliedMutation
from tests.sync.conftest import envelope, help_data, mutation

from .conftest import FULL

ROUNDS = 200 if FULL else 30
PER_CALL = 50


def test_the_same_batch_sent_twice_at_once_in_opposite_orders(app, auth, create_user):
    worker = create_user(role="worker")
    headers = auth(worker)
    db.session.remove()
    for _round in range(ROUNDS):
        batch = [mutation("help_request.create", help_data()) for _ in range(PER_CALL)]
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
    assert db.session.scalar(select(func.count()).select_from(HelpRequest)) == ROUNDS * PER_CALL
    assert db.session.scalar(select(func.count()).select_from(AppliedMutation)) == ROUNDS * PER_CALL
