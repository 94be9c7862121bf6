"""`flask sync purge`: old idempotency records go, and an old mutation sent again still applies once."""
import uuid
from datetime import timedelta

from sqlalchemy import select, update

from app.extensions import db
from app.help.models import HelpRequest
from app.sync.models import AppliedMutation
from app.types import utcnow
from tests.builders import envelope, help_data, mutation
from tests.support.database import count


def _age(mutation_id: str, days: int) -> None:
    db.session.execute(update(AppliedMutation).where(AppliedMutation.mutation_id == uuid.UUID(mutation_id))
                       .values(created_at=utcnow() - timedelta(days=days)))
    db.session.commit()


def _records() -> set:
    return {str(i) for i in db.session.scalars(select(AppliedMutation.mutation_id))}


def test_purge_drops_old_records_and_an_old_mutation_replayed_is_still_a_duplicate(sync, worker, runner):
    old, recent = mutation("help_request.create", help_data()), mutation("help_request.create", help_data())
    sync(worker, envelope(old, recent))
    _age(old["id"], 200)
    result = runner.invoke(args=["sync", "purge"])
    assert result.exit_code == 0 and "purged 1 " in result.output
    assert _records() == {recent["id"]}

    again = sync(worker, envelope(old)).get_json()["results"][0]
    assert again["status"] == "duplicate" and again["record_id"] == old["data"]["id"]
    assert count(HelpRequest) == 2


def test_purge_keeps_at_least_a_month(sync, worker, runner):
    m = mutation("help_request.create", help_data())
    sync(worker, envelope(m))
    _age(m["id"], 40)
    assert runner.invoke(args=["sync", "purge", "--older-than-days", "7"]).exit_code == 2
    assert runner.invoke(args=["sync", "purge"]).output.startswith("purged 0 ")
    assert runner.invoke(args=["sync", "purge", "--older-than-days", "30"]).output.startswith("purged 1 ")
