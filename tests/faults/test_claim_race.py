"""50 staff claim the same request at the same instant: exactly one wins each round (PostgreSQL)."""
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select

from app.extensions import db
from app.help.models import HelpRequest, HelpRequestEvent
from tests.builders import help_body
from tests.support.live_server import FULL_STORM

STAFF = 50
ROUNDS = 100 if FULL_STORM else 5


@pytest.fixture
def postgres_only(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("a real claim race needs concurrent writers; SQLite serialises all writes "
                    "(the single-writer case is covered by tests/help/test_queue_api.py)")


def test_exactly_one_of_fifty_staff_wins_each_claim(postgres_only, app, client, create_user, auth):
    staff = [create_user(role="staff") for _ in range(STAFF)]
    headers = [auth(member) for member in staff]
    worker = create_user()
    worker_headers = auth(worker)
    db.session.remove()  # no transaction left open in the test thread while the threads write

    with ThreadPoolExecutor(STAFF) as pool:
        for _round in range(ROUNDS):
            created = client.post("/api/v1/help-requests", json=help_body(), headers=worker_headers)
            assert created.status_code == 201, created.json
            request_id = created.json["id"]
            barrier = threading.Barrier(STAFF)

            def claim(n, request_id=request_id, barrier=barrier):
                barrier.wait(timeout=30)
                response = app.test_client().post(f"/api/v1/queue/{request_id}/claim", headers=headers[n])
                return n, response.status_code, response.get_json()

            answers = list(pool.map(claim, range(STAFF)))
            winners = [(n, body) for n, status, body in answers if status == 200]
            losers = [status for _n, status, _body in answers if status != 200]
            assert len(winners) == 1, [status for _n, status, _b in answers]
            assert losers == [409] * (STAFF - 1)
            assert all(body["code"] == 409 and body["message"] for _n, s, body in answers if s == 409)

            winner = staff[winners[0][0]]
            stored = db.session.get(HelpRequest, request_id)
            assert str(stored.assignee_id) == str(winner.id)
            claims = db.session.scalars(select(HelpRequestEvent).where(
                HelpRequestEvent.help_request_id == stored.id, HelpRequestEvent.kind == "claim")).all()
            assert len(claims) == 1
            db.session.remove()
