"""A message whose request travels in another call still in flight (two calls of one phone at once,
or a resend racing the first try): the call holding the message may be served first and find no
request. That is answered `rejected` with `error.retry: true` and nothing is recorded, so the phone
keeps the message and sends it again, and it applies. Before, such a message was rejected for good
(25 of 30 in the review's test) and its resend answered `rejected` again."""
import threading

from app.extensions import db
from app.help.models import HelpMessage
from tests.builders import envelope, help_data, mutation
from tests.support.database import count

ROUNDS = 30


def test_a_message_racing_its_request_is_answered_retry_and_applies_when_sent_again(app, auth, create_user):
    worker = create_user(role="worker")
    headers = auth(worker)
    db.session.remove()
    messages, retried = [], 0
    for _round in range(ROUNDS):
        request = help_data()
        message = mutation("message.create", {"help_request_id": request["id"], "body": "Tolong saya"})
        messages.append(message)
        barrier, answers = threading.Barrier(2), {}

        def call(name, body):
            barrier.wait(timeout=30)
            response = app.test_client().post("/api/v1/sync", json=body, headers=headers)
            answers[name] = (response.status_code, response.get_json())

        threads = [threading.Thread(target=call, args=("message", envelope(message))),
                   threading.Thread(target=call, args=("request", envelope(mutation("help_request.create", request))))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert {name: code for name, (code, _body) in answers.items()} == {"message": 200, "request": 200}, answers
        [result] = answers["message"][1]["results"]
        if result["status"] == "rejected":
            assert result["error"]["retry"] is True, result
            retried += 1
        else:
            assert result["status"] == "applied", result

    # What the phone does: it kept every message answered `retry` and sends them again.
    client = app.test_client()
    resent = client.post("/api/v1/sync", json=envelope(*messages), headers=headers).get_json()["results"]
    assert {r["status"] for r in resent} <= {"applied", "duplicate"}, resent
    assert sum(r["status"] == "applied" for r in resent) == retried
    assert retried, "no message overtook its request: the race was not exercised"
    assert count(HelpMessage) == ROUNDS
