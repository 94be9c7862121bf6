"""The shape of the data: closed sets checked by the database, readable constraint names,
migrations that sort in the order they run, numbers written once."""
import ast
import json
import re
import uuid
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.help.models import HelpRequest
from app.help.workflow import Status
from app.missions.models import Mission

ROOT = Path(__file__).resolve().parents[2]
VERSIONS = ROOT / "migrations" / "versions"


def _checked_columns():
    """(table, column) of every CHECK that names one column's closed set (`ck_<table>_<column>`)."""
    for table in db.metadata.sorted_tables:
        for constraint in table.constraints:
            if constraint.__class__.__name__ == "CheckConstraint" and " IN (" in str(constraint.sqltext):
                yield table.name, str(constraint.sqltext).split(" IN (")[0]


def test_the_closed_sets_are_checked_by_the_database():
    checked = set(_checked_columns())
    for column in [("help_requests", "status"), ("help_requests", "category"), ("help_requests", "urgency"),
                   ("help_requests", "closure_reason"), ("job_orders", "sector"), ("presence_reports", "sector"),
                   ("users", "language"), ("missions", "kind"), ("agencies", "status")]:
        assert column in checked, column


def test_a_value_outside_its_set_is_refused_by_the_database(create_user):
    worker = create_user()
    mission = db.session.scalars(db.select(Mission)).first()
    request = HelpRequest(id=uuid.uuid4(), reference="JBT-CHECK1", user_id=worker.id,
                          mission_id=mission.id if mission else None, category="other", urgency="normal",
                          description="x", country="MY", status=Status.NEW, band=2)
    db.session.add(request)
    db.session.flush()
    assert db.session.scalar(text("SELECT status FROM help_requests WHERE reference = 'JBT-CHECK1'")) == "new"
    with pytest.raises(IntegrityError):
        with db.session.begin_nested():
            db.session.execute(text("UPDATE help_requests SET status = 'lost' WHERE reference = 'JBT-CHECK1'"))
    db.session.rollback()


def test_every_unique_and_foreign_key_name_lists_all_its_columns():
    for table in db.metadata.sorted_tables:
        for item in table.constraints:
            if item.__class__.__name__ in ("UniqueConstraint", "ForeignKeyConstraint"):
                columns = [column.name for column in item.columns]
                assert "_".join(columns) in item.name, (item.name, columns)
    names = {c.name for t in db.metadata.sorted_tables for c in t.constraints}
    assert "uq_applied_mutations_user_id_mutation_id" in names
    assert "uq_match_proposals_placement_id_user_id" in names


def _revision_and_parent(path: Path) -> tuple[str, str | None]:
    values = {}
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            if node.targets[0].id in ("revision", "down_revision"):
                values[node.targets[0].id] = ast.literal_eval(node.value)
    return values["revision"], values["down_revision"]


def test_migration_files_sort_in_the_order_they_run():
    files = sorted(VERSIONS.glob("*.py"))
    assert all(re.match(r"^\d{8}_\d{4}_[0-9a-f]{12}_", f.name) for f in files), [f.name for f in files]
    parents = dict(_revision_and_parent(f) for f in files)
    order = [_revision_and_parent(f)[0] for f in files]
    for position, revision in enumerate(order):
        parent = parents[revision]
        assert parent is None or order.index(parent) < position, (revision, parent)


def test_the_kp2mi_numbers_are_written_once_in_the_hotline_data():
    hotlines = json.loads((ROOT / "app" / "missions" / "seed" / "hotlines.json").read_text())
    numbers = [item["number"] for item in hotlines if item["key"].startswith("kp2mi-callcentre")]
    assert numbers
    with open(ROOT / "translations" / "messages.pot", "rb") as handle:
        catalog = read_po(handle)
    for message in catalog:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        for number in numbers:
            assert not any(number in msgid for msgid in ids if msgid), message.id
