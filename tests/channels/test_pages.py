from datetime import date, timedelta

import pytest


def main(html):
    """The page's own content, without the shared layout (whose scripts only enhance)."""
    return html.split("<main", 1)[1].split("</main>", 1)[0]


def page(client, url, lang="id"):
    response = client.get(url, headers={"Accept-Language": lang})
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


@pytest.mark.parametrize("lang, title, name", [
    ("id", "Jalur resmi bekerja ke luar negeri", "Korea Selatan: EPS (G to G)"),
    ("en", "Legal ways to work abroad", "South Korea: EPS (government to government)"),
])
def test_channels_page_lists_schemes_in_the_language(client, seeded, lang, title, name):
    html = page(client, "/channels", lang)
    assert f'<html lang="{lang}"' in html and title in html and name in html
    assert '<form method="get" action="/channels"' in html and "<script" not in main(html)


def test_channels_page_filters_with_a_plain_get_form(client, seeded):
    html = page(client, "/channels?country=KR&sector=&q=", "en")
    assert "/channels/eps-korea-g2g" in html and 'value="KR" selected' in html
    assert "/channels/taiwan-p2p" not in page(client, "/channels?country=KR")
    assert "/channels/eps-korea-g2g" in page(client, "/channels?q=EPS-TOPIK")
    # Stray values are ignored, not an error page.
    assert "/channels/eps-korea-g2g" in page(client, "/channels?country=%3Cscript%3E&sector=mining&kind=x")


def test_channels_page_says_when_nothing_matches(client, seeded):
    html = page(client, "/channels?q=zzzzzz", "en")
    assert "No scheme matches" in html and "0-800-1000" in html


@pytest.mark.parametrize("lang, heads", [
    ("id", ["Persyaratan", "Dasar hukum", "Sumber", "Terakhir diperiksa", "Tanda bahaya"]),
    ("en", ["Requirements", "Legal basis", "Sources", "Last checked", "Red flags"]),
])
def test_scheme_page_shows_requirements_costs_basis_sources(client, seeded, lang, heads):
    html = page(client, "/channels/eps-korea-g2g", lang)
    for head in heads:
        assert head in html
    assert 'href="https://siskop2mi.bp2mi.go.id"' in html
    assert "2026" in html  # the date it was last checked


def test_scheme_page_states_costs_the_worker_must_never_pay(client, seeded):
    html = page(client, "/channels/zero-placement-cost-rule", "en")
    assert "must never pay" in html


def test_unknown_scheme_page_is_404_html(client, seeded):
    response = client.get("/channels/nope")
    assert response.status_code == 404 and response.mimetype == "text/html"


@pytest.mark.parametrize("licence, status, tone, title_id, title_en", [
    ("CONTOH-P3MI-001", "active", "ok", "Terdaftar dan aktif", "Registered and active"),
    ("CONTOH-P3MI-003", "suspended", "warn", "Izin dibekukan", "Licence suspended"),
    ("CONTOH-P3MI-004", "revoked", "bad", "Izin dicabut", "Licence revoked"),
    ("CONTOH-P3MI-005", "expired", "bad", "Izin sudah habis", "Licence expired"),
    ("NO-SUCH", "unknown", "warn", "Tidak ditemukan di daftar kami", "Not found in our list"),
])
def test_verify_agency_answers_with_a_banner_icon_and_headline(client, seeded, licence, status, tone, title_id,
                                                              title_en):
    for lang, title in (("id", title_id), ("en", title_en)):
        html = page(client, f"/verify?licence_number={licence}", lang)
        assert f'<section class="verdict-banner {tone}" data-status="{status}" role="status"' in html
        banner = html.split('class="verdict-banner', 1)[1].split("</section>", 1)[0]
        assert '<svg class="verdict-icon"' in banner and 'aria-hidden="true"' in banner
        assert f'<h2 id="agency-verdict">{title}</h2>' in banner
        assert "0-800-1000" in html and "+62 21 2924 4800" in html
    assert "<script" not in main(html)


def test_verify_page_has_two_get_forms(client):
    html = page(client, "/verify", "en")
    assert html.count('<form method="get" action="/verify"') == 2
    assert 'name="licence_number"' in html and 'name="number"' in html
    assert 'data-status' not in html


def test_verify_job_order(client, create_user, auth, create_agency):
    create_agency("P3MI-JO", name="PT Kirim", valid_until=date.today() + timedelta(days=400))
    staff = create_user(role="staff")
    client.post("/api/v1/job-orders", headers=auth(staff), json={
        "number": "JO-7", "employer": "Sabah Palm Sdn Bhd", "country": "MY", "region": "MY-12",
        "sector": "plantation", "positions": 3, "salary_offered": "1700", "currency": "MYR",
        "agency_licence": "P3MI-JO", "status": "verified"})
    html = page(client, "/verify?number=JO-7", "en")
    assert 'data-status="verified"' in html and "VERIFIED" in html and "Sabah Palm Sdn Bhd" in html
    assert "Kota Kinabalu" in html and "MYR" in html
    html = page(client, "/verify?number=JO-404", "id")
    assert 'data-status="unknown"' in html and "TIDAK DIKENAL" in html


def test_language_choice_sticks_across_pages(client, seeded):
    assert "Legal basis" in page(client, "/channels/eps-korea-g2g?lang=en", "id")
    # The ?lang= choice is kept in a cookie: the next page is in English too, whatever the browser says.
    html = page(client, "/verify?licence_number=CONTOH-P3MI-004", "id")
    assert '<html lang="en"' in html and "Licence revoked" in html
