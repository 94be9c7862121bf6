"""`flask integration import-placements`: validation with line numbers, idempotence, large files."""
import json
import random

from sqlalchemy import func, select

from app.crypto import blind_index
from app.extensions import db
from app.integration.models import Person, Placement
from tests.builders import PLACES, placement_row, write_placements


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_twenty_thousand_rows_import_then_reimport_changes_nothing(tmp_path, import_file, create_worker):
    rng = random.Random(7)
    rows = [placement_row(i, rng) for i in range(20_000)]
    path = write_placements(tmp_path / "placements.csv", rows)

    first = import_file(path)
    assert first.exit_code == 0, first.output
    assert "created 20000, updated 0, unchanged 0, rejected 0" in first.output
    assert _count(Placement) == 20_000
    assert _count(Person) == 20_000  # every row a different human: one person each
    stored = db.session.scalar(select(Placement).where(Placement.external_id == "SKP-000003"))
    assert stored.passport_hash == blind_index("C1000003") and stored.passport_enc != "C1000003"
    assert stored.passport_number == "C1000003"
    assert stored.mission.code == PLACES[3][1]
    stamp = db.session.scalar(select(func.max(Placement.updated_at)))
    (country, region, city), _code = PLACES[11 % len(PLACES)]
    # Her passport, her name and her employer: the corroborated rule links her (docs/placements.md).
    create_worker(full_name=rows[10]["full_name"], passport_number=rows[10]["passport_number"],
                  employer_name=rows[10]["employer"], country="HK", region=None, city="Hong Kong")
    create_worker(full_name=rows[11]["full_name"] + "h", passport_number="B1234567", country=country,
                  region=region, city=city)

    second = import_file(path)
    assert second.exit_code == 0, second.output
    assert "created 0, updated 0, unchanged 20000, rejected 0" in second.output
    assert "matched: linked 1, proposed" in second.output and "proposed 0" not in second.output
    db.session.expire_all()
    # The corroborated match joined a placement's person; the proposed worker is a person of their own until confirmed.
    assert _count(Placement) == 20_000 and _count(Person) == 20_001
    assert db.session.scalar(select(func.max(Placement.updated_at))) == stamp


def test_changed_rows_are_updated_and_the_rest_unchanged(tmp_path, import_file):
    rows = [placement_row(i) for i in range(30)]
    assert import_file(write_placements(tmp_path / "a.csv", rows)).exit_code == 0
    rows[4]["employer"] = "Another Employer Ltd"
    rows[9]["contract_end"] = "2029-12-31"
    result = import_file(write_placements(tmp_path / "b.csv", rows))
    assert "created 0, updated 2, unchanged 28, rejected 0" in result.output
    assert db.session.scalar(select(Placement.employer).where(Placement.external_id == "SKP-000004")) \
        == "Another Employer Ltd"


def test_bad_rows_are_reported_by_line_and_the_good_ones_imported(tmp_path, import_file):
    rows = [placement_row(i) for i in range(6)]
    rows[1]["nik"] = "12345"                         # line 3
    rows[3]["birth_date"] = "31-12-1990"             # line 5
    rows[4].update(passport_number="", nik="")       # line 6
    rows[5]["country"] = "XX"                        # line 7
    path = write_placements(tmp_path / "bad.csv", rows)
    result = import_file(path)
    assert result.exit_code == 1
    assert "created 2, updated 0, unchanged 0, rejected 4" in result.output
    assert f"{path}:3: nik:" in result.output
    assert f"{path}:5: birth_date:" in result.output
    assert f"{path}:6: passport_number:" in result.output
    assert f"{path}:7: country:" in result.output
    assert "12345" not in result.output.replace(path, "")  # a rejected value is never echoed
    assert _count(Placement) == 2


def test_personal_numbers_never_printed(tmp_path, import_file):
    rows = [placement_row(i) for i in range(3)]
    rows[2]["region"] = "ID-JK"  # a region of another country: rejected
    result = import_file(write_placements(tmp_path / "p.csv", rows))
    for row in rows:
        assert row["passport_number"] not in result.output
        assert row["nik"] not in result.output


def test_json_lines_with_wrong_types_and_garbage(tmp_path, import_file):
    path = tmp_path / "p.jsonl"
    good = {k: v for k, v in placement_row(1).items() if v}
    lines = [
        json.dumps(good),
        "",
        json.dumps({**placement_row(2), "full_name": 42}),
        "{not json",
        json.dumps(["a list"]),
        json.dumps({**placement_row(3), "salary": 100}),
        json.dumps({**good, "placement_id": "SKP-X", "full_name": "<script>alert(1)</script> سلام 🙂",
                    "passport_number": "C7777777", "nik": None}),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = import_file(path)
    assert "created 2, updated 0, unchanged 0, rejected 4" in result.output, result.output
    assert f"{path}:3: full_name:" in result.output
    assert f"{path}:4: _row:" in result.output
    assert f"{path}:5: _row:" in result.output
    assert f"{path}:6: salary:" in result.output
    name = db.session.scalar(select(Placement.full_name).where(Placement.external_id == "SKP-X"))
    assert name == "<script>alert(1)</script> سلام 🙂"


def test_unknown_columns_or_extension_refuse_the_file(tmp_path, import_file):
    path = tmp_path / "x.csv"
    path.write_text("passport_number,shoe_size\nC1234567,42\n", encoding="utf-8")
    result = import_file(path)
    assert result.exit_code != 0 and "shoe_size" in result.output
    other = tmp_path / "x.xlsx"
    other.write_text("whatever")
    assert import_file(other).exit_code != 0
    binary = tmp_path / "b.csv"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    assert import_file(binary).exit_code != 0
    assert _count(Placement) == 0


def test_same_person_renewed_passport_is_one_person(tmp_path, import_file):
    first = placement_row(1)
    renewed = placement_row(1, placement_id="SKP-RENEW", passport_number="C9999999", country="HK", region="",
                            city="Hong Kong", departure_date="2026-03-01", contract_end="2028-03-01")
    result = import_file(write_placements(tmp_path / "r.csv", [first, renewed]))
    assert "created 2" in result.output
    persons = set(db.session.scalars(select(Placement.person_id)))
    assert len(persons) == 1 and _count(Person) == 1
