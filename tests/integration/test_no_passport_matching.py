"""A report without a passport number (her passport is not with her) is no passport number to
match on (issue 16, capability 1): placements are weighed on what she did give."""
from app.presence.models import PresenceReport
from tests.builders import bare_presence_body, placement_row, write_placements


def test_a_report_without_passport_never_matches_a_placement_by_passport(tmp_path, import_file, create_user,
                                                                         client, auth, runner):
    # A SISKOP2MI placement known by its NIK only, and a worker who gives that NIK and no passport.
    row = placement_row(0, passport_number="")
    assert import_file(write_placements(tmp_path / "p.csv", [row]), "--no-match").exit_code == 0
    worker = create_user(full_name="Orang Lain Sekali")
    body = bare_presence_body(passport_status="withheld", nik=row["nik"])
    body.pop("passport_number")
    assert client.put("/api/v1/presence", json=body, headers=auth(worker)).status_code == 201

    result = runner.invoke(args=["integration", "match"])
    assert result.exit_code == 0 and "proposed 1" in result.output, result.output
    admin = create_user(role="admin")
    [proposal] = client.get("/api/v1/integration/proposals?status=proposed", headers=auth(admin)).json["items"]
    reasons = proposal["reasons"] if isinstance(proposal["reasons"], list) else proposal["reasons"].split(",")
    assert "nik" in reasons and "passport" not in reasons


def test_corroboration_treats_a_missing_passport_as_no_number():
    from types import SimpleNamespace

    from app.integration.matching import corroborated

    placement = SimpleNamespace(nik_hash=None, passport_hash=None, name_key="siti aminah", employer="Ladang",
                                birth_date=None)
    report = PresenceReport(nik_hash=None, passport_hash=None, nik_enc=None, employer_name="Ladang")
    _strong, _score, reasons = corroborated(placement, report, "Siti Aminah", [], False)
    assert "passport" not in reasons and "nik" not in reasons
