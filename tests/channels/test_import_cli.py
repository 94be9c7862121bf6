from sqlalchemy import select

from app.channels.models import Agency
from app.extensions import db

GOOD = """licence_number,name,status,valid_until,address,branches
KEP-001,PT Satu,active,2030-01-31,"Jl. Satu 1, Jakarta",Indramayu|Cirebon
KEP-002,PT Dua,suspended,,Jl. Dua 2,
KEP-003,PT Tiga,active,2020-01-01,,
"""


def write(tmp_path, text, name="agencies.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def agencies():
    db.session.remove()
    return {a.licence_number: a for a in db.session.scalars(select(Agency))}


def test_import_creates_then_changes_nothing(runner, tmp_path):
    path = write(tmp_path, GOOD)
    first = runner.invoke(args=["channels", "import-agencies", path])
    assert first.exit_code == 0, first.output
    assert "created 3, updated 0, unchanged 0" in first.output
    stored = agencies()
    assert stored["KEP-001"].branches == ["Indramayu", "Cirebon"] and stored["KEP-002"].valid_until is None
    assert not stored["KEP-001"].is_sample
    stamps = {k: a.updated_at for k, a in stored.items()}
    second = runner.invoke(args=["channels", "import-agencies", path])
    assert second.exit_code == 0 and "created 0, updated 0, unchanged 3" in second.output
    assert {k: a.updated_at for k, a in agencies().items()} == stamps


def test_import_updates_changed_rows(runner, tmp_path):
    runner.invoke(args=["channels", "import-agencies", write(tmp_path, GOOD)])
    changed = GOOD.replace("KEP-002,PT Dua,suspended", "KEP-002,PT Dua,revoked")
    result = runner.invoke(args=["channels", "import-agencies", write(tmp_path, changed, "b.csv")])
    assert "created 0, updated 1, unchanged 2" in result.output
    assert agencies()["KEP-002"].status == "revoked"


def test_a_bad_row_imports_nothing_and_names_its_line(runner, tmp_path):
    bad = GOOD + "KEP-004,PT Empat,maybe,2030-13-40,,\n,No Number,active,,,\nKEP-001,Duplicate,active,,,\n"
    result = runner.invoke(args=["channels", "import-agencies", write(tmp_path, "# a comment\n" + bad)])
    assert result.exit_code != 0
    assert "agencies.csv:6: status must be one of" in result.output
    assert "agencies.csv:6: valid_until must be a date" in result.output
    assert "agencies.csv:7: licence_number is required" in result.output
    assert "agencies.csv:8: licence_number KEP-001 already on line 3" in result.output
    assert "nothing was imported" in result.output
    assert agencies() == {}


def test_wrong_columns_are_refused(runner, tmp_path):
    result = runner.invoke(args=["channels", "import-agencies", write(tmp_path, "licence,name\nX,Y\n")])
    assert result.exit_code != 0 and "unknown columns: licence" in result.output
    assert "missing columns: licence_number, status" in result.output
    result = runner.invoke(args=["channels", "import-agencies", write(tmp_path, "", "empty.csv")])
    assert result.exit_code != 0 and "no header" in result.output


def test_row_with_wrong_cell_count_names_its_line(runner, tmp_path):
    result = runner.invoke(args=["channels", "import-agencies", write(tmp_path, GOOD + "KEP-9,Too,active,,,,extra\n")])
    assert result.exit_code != 0 and "agencies.csv:5: expected 6 cells, found 7" in result.output
    assert agencies() == {}


def test_help_documents_the_columns(runner):
    result = runner.invoke(args=["channels", "import-agencies", "--help"])
    for column in ["licence_number", "name", "status", "valid_until", "address", "branches", "nothing is imported"]:
        assert column in result.output


def test_seed_command_twice_changes_nothing(runner):
    first = runner.invoke(args=["seed"])
    assert first.exit_code == 0, first.output
    assert "schemes: {'created': 16" in first.output
    second = runner.invoke(args=["seed"])
    assert "schemes: {'created': 0, 'updated': 0, 'unchanged': 16}" in second.output
    assert "{'created': 0, 'updated': 0, 'unchanged': 5}" in second.output
