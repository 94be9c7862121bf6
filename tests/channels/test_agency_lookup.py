"""Issue 14 item 15: a licence or job-order number is found however it is typed, an agency by its name,
and the verdict is a banner that warns without calling an unknown agency illegal."""
from datetime import date, timedelta
from urllib.parse import quote

import pytest
from sqlalchemy import select

from app.channels.lookup import fold, number_key
from app.channels.models import Agency, JobOrder
from app.extensions import db

TYPED = ["contoh-p3mi-001", "Contoh-P3mi-001", "  CONTOH-P3MI-001  ", "contoh p3mi 001", "CONTOH – P3MI — 001",
         "contohp3mi001", "ＣＯＮＴＯＨ－Ｐ３ＭＩ－００１", "CONTOH/P3MI/001", "CONTOH.P3MI.001"]


def html_of(client, url, lang="en"):
    response = client.get(url, headers={"Accept-Language": lang})
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def test_number_key_ignores_case_spaces_dashes_and_full_width_forms():
    assert {number_key(t) for t in TYPED} == {"CONTOHP3MI001"}
    assert number_key("KEP.12/2024") == "KEP122024" and number_key("- / .") == ""
    assert fold("PT Sejahtéra  ABADI") == "pt sejahtera abadi" and fold("a–b") == "a-b"


@pytest.mark.parametrize("typed", TYPED)
def test_licence_typed_in_lowercase_or_with_other_dashes_is_found_by_the_api(client, seeded, typed):
    response = client.get("/api/v1/agencies/" + quote(typed, safe=""))
    assert response.status_code == 200, typed
    assert response.json["licence_number"] == "CONTOH-P3MI-001" and response.json["status"] == "active"


def test_lowercase_licence_on_the_verify_page_reads_registered_and_active(client, seeded):
    html = html_of(client, "/verify?licence_number=contoh-p3mi-001", "id")
    assert 'data-status="active"' in html and "Terdaftar dan aktif" in html
    assert "TIDAK DIKENAL" not in html and 'data-status="unknown"' not in html
    html = html_of(client, "/verify?" + "licence_number=" + quote(" contoh – p3mi 004 "))
    assert 'data-status="revoked"' in html and "Licence revoked" in html


def test_api_search_finds_a_licence_however_it_is_typed(client, seeded):
    for q in ["contoh-p3mi-003", "CONTOHP3MI003", "contoh–p3mi–003"]:
        found = client.get("/api/v1/agencies", query_string={"q": q}).json["items"]
        assert [a["licence_number"] for a in found] == ["CONTOH-P3MI-003"], q


def test_agency_search_by_name_ignores_case_and_accents_and_takes_parts_of_words(client, create_agency):
    create_agency("KEP-9/2025", name="PT Sejahtéra Karya Abadi", address="Jl. Melati 9, Indramayu")
    create_agency("KEP-10/2025", name="PT Maju Bersama")
    for q in ["sejahtera", "SEJAHTÉRA", "jahter abad", "karya sejah", "INDRAMAYU"]:
        found = client.get("/api/v1/agencies", query_string={"q": q}).json["items"]
        assert [a["licence_number"] for a in found] == ["KEP-9/2025"], q
    assert client.get("/api/v1/agencies", query_string={"q": "sejahtera maju"}).json["items"] == []


def test_verify_page_searches_by_name_and_lists_each_match_with_its_status(client, seeded):
    html = html_of(client, "/verify?licence_number=contoh", "en")
    assert "Agencies with a name like “contoh”: 5" in html
    for licence, status in [("CONTOH-P3MI-001", "active"), ("CONTOH-P3MI-003", "suspended"),
                            ("CONTOH-P3MI-004", "revoked"), ("CONTOH-P3MI-005", "expired")]:
        assert f'<li data-status="{status}"><a href="/verify?licence_number={licence}">' in html
    assert 'class="badge bad">REVOKED</span>' in html and 'class="badge ok">ACTIVE</span>' in html
    assert "verdict-banner" not in html  # a list to choose from, not a verdict on a guess
    html = html_of(client, "/verify?licence_number=sejahtera%20MANDIRI", "id")
    assert "CONTOH-P3MI-002" in html and "AKTIF" in html and "CONTOH-P3MI-001" not in html


def test_unknown_agency_is_a_warning_that_does_not_call_it_illegal(client, seeded):
    for query in ["PT Tidak Ada Di Daftar", "KEP-404/2099"]:
        html = html_of(client, "/verify?licence_number=" + quote(query), "en")
        assert '<section class="verdict-banner warn" data-status="unknown"' in html
        assert "Not found in our list" in html and "This does not yet mean the agency is illegal" in html
        assert "kp2mi.go.id" in html and "0-800-1000" in html
    html = html_of(client, "/verify?licence_number=KEP-404", "id")
    assert "Ini belum berarti agensinya ilegal" in html and "Tidak ditemukan di daftar kami" in html


def test_importer_reads_a_number_written_differently_as_the_same_licence(runner, tmp_path, seeded):
    path = tmp_path / "agencies.csv"
    path.write_text("licence_number,name,status\ncontoh p3mi 001,PT Contoh Jaya Abadi,suspended\n", encoding="utf-8")
    result = runner.invoke(args=["channels", "import-agencies", str(path)])
    assert result.exit_code == 0, result.output
    assert "created 0, updated 1" in result.output
    db.session.remove()
    rows = list(db.session.scalars(select(Agency).where(Agency.licence_key == "CONTOHP3MI001")))
    assert len(rows) == 1 and rows[0].status == "suspended" and rows[0].licence_number == "contoh p3mi 001"


def test_importer_refuses_two_rows_that_differ_only_in_spelling(runner, tmp_path):
    path = tmp_path / "agencies.csv"
    path.write_text("licence_number,name,status\nKEP-1/2024,PT Satu,active\nkep 1 2024,PT Dua,active\n---,PT Tiga,active\n",
                    encoding="utf-8")
    result = runner.invoke(args=["channels", "import-agencies", str(path)])
    assert result.exit_code != 0
    assert ":3: licence_number kep 1 2024 is the same as KEP-1/2024 on line 2" in result.output
    assert ":4: licence_number has no letter or digit" in result.output
    assert db.session.scalar(select(Agency.id).limit(1)) is None


@pytest.fixture
def staff_and_agency(create_user, create_agency):
    create_agency("P3MI-JO", name="PT Kirim", valid_until=date.today() + timedelta(days=400))
    return create_user(role="staff", mission="KJRI-KOTAKINABALU")


def job_order(**overrides):
    return {"number": "JO-7/2026", "employer": "Sabah Palm Sdn Bhd", "country": "MY", "region": "MY-12",
            "sector": "plantation", "positions": 3, "agency_licence": "p3mi jo", "status": "verified", **overrides}


def test_job_order_number_is_found_however_it_is_typed(client, auth, staff_and_agency):
    response = client.post("/api/v1/job-orders", json=job_order(), headers=auth(staff_and_agency))
    assert response.status_code == 201, response.json  # the agency's licence typed in lowercase, too
    for typed in ["jo-7/2026", "JO 7 2026", "jo–7–2026"]:
        found = client.get("/api/v1/job-orders/" + quote(typed, safe=""))
        assert found.status_code == 200 and found.json["number"] == "JO-7/2026", typed
    html = html_of(client, "/verify?number=" + quote("jo 7/2026"), "en")
    assert 'data-status="verified"' in html and "Checked by a mission" in html


def test_same_job_order_number_in_another_spelling_is_a_conflict(client, auth, staff_and_agency):
    assert client.post("/api/v1/job-orders", json=job_order(), headers=auth(staff_and_agency)).status_code == 201
    again = client.post("/api/v1/job-orders", json=job_order(number="jo 7 2026"), headers=auth(staff_and_agency))
    assert again.status_code == 409
    assert db.session.query(JobOrder).count() == 1


def test_job_order_number_without_letters_or_digits_is_refused(client, auth, staff_and_agency):
    response = client.post("/api/v1/job-orders?lang=en", json=job_order(number="- / -"),
                           headers=auth(staff_and_agency))
    assert response.status_code == 422 and "number" in response.json["errors"]
