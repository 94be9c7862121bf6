"""Issue 15 item 8: one console menu on every console page (admins also reach proposals and the audit
log, read-only pages of their own); the job-order page is a console page that picks places from lists."""
import re
import uuid
from datetime import date, timedelta

import pytest

from app.audit.services import record_read
from app.extensions import db
from app.integration.models import MatchProposal, Placement

MISSION_MENU = ["/console", "/console/stats", "/console/job-orders"]
# Filing for workers who cannot use a phone (docs/partners.md): staff's and partners', not admins'.
ASSIST_MENU = ["/console/assist", "/console/assist/register"]
STAFF_MENU = MISSION_MENU + ASSIST_MENU
ADMIN_MENU = MISSION_MENU + ["/console/proposals", "/console/audit", "/console/staff"]


def header(html: str) -> str:
    return html.split('<header class="bar">', 1)[1].split("</header>", 1)[0]


def menu(html: str) -> list[tuple[str, str]]:
    """[(href, aria-current or "")] of the console menu's links, in order."""
    return [(href, current) for href, current in
            re.findall(r'<a class="console-link" href="([^"]+)"(?: aria-current="([^"]+)")?>', header(html))]


@pytest.fixture
def pages(create_request):
    """Every console page, with a request for the detail page."""
    _worker, request = create_request()
    return {"/console": "/console", "/console/stats": "/console/stats", "/console/job-orders": "/console/job-orders",
            "detail": f"/console/requests/{request['id']}"}


@pytest.mark.parametrize("page", ["/console", "/console/stats", "/console/job-orders", "detail"])
def test_staff_see_the_console_menu_on_every_console_page_with_the_current_one_marked(
        pages, page, create_user, login_client):
    client = login_client(create_user(role="staff"))
    response = client.get(pages[page] + "?lang=en")
    assert response.status_code == 200
    links = menu(response.text)
    assert [href for href, _current in links] == STAFF_MENU  # no proposals, no audit log for staff
    current = {href: mark for href, mark in links if mark}
    assert current == ({"/console": "true"} if page == "detail" else {page: "page"})
    assert "Ask for help" not in header(response.text)  # the console's header, not the worker's


@pytest.mark.parametrize("page", ["/console", "/console/stats", "/console/job-orders", "/console/proposals",
                                  "/console/audit", "/console/staff"])
def test_admins_see_proposals_and_audit_log_in_the_menu(page, create_user, login_client):
    response = login_client(create_user(role="admin")).get(page + "?lang=en")
    assert response.status_code == 200
    links = menu(response.text)
    assert [href for href, _current in links] == ADMIN_MENU
    assert [href for href, mark in links if mark == "page"] == [page]
    assert "Match proposals" in header(response.text) and "Audit log" in header(response.text)


def test_job_order_page_uses_the_console_layout(create_user, login_client):
    html = login_client(create_user(role="staff")).get("/console/job-orders").text
    assert '<body class="console">' in html and "css/console.css" in html
    assert "ISO" not in html.split("<main", 1)[1]  # places are picked from lists, not typed as codes


def test_menu_links_are_tap_targets_of_at_least_44_px():
    from pathlib import Path

    css = (Path(__file__).resolve().parents[2] / "static" / "css" / "console.css").read_text()
    rule = re.search(r"a\.console-link \{([^}]*)\}", css).group(1)
    assert "min-height: 2.75rem" in rule and "min-width: 2.75rem" in rule  # 44 px at the default 16 px


@pytest.mark.parametrize("page", ["/console/proposals", "/console/audit"])
def test_admin_pages_are_for_admins_only(page, client, create_user, login_client):
    assert client.get(page).status_code == 302  # to the login page
    assert login_client(create_user(role="staff")).get(page).status_code == 403
    assert login_client(create_user()).get(page).status_code == 403


# ---------------------------------------------------------------- job orders: places from lists

def options(html: str, name: str) -> list[tuple[str, str]]:
    select = html.split(f'<select name="{name}"', 1)[1].split("</select>", 1)[0]
    return [(value, text.strip()) for value, text in re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select)]


def test_staff_pick_their_mission_s_country_and_regions_by_name(create_user, login_client):
    html = login_client(create_user(role="staff", mission="KJRI-KOTAKINABALU")).get("/console/job-orders").text
    assert options(html, "country") == [("MY", "Malaysia")]
    assert 'value="MY" selected' in html
    assert ("MY-12", "Sabah") in options(html, "region") and ("MY-01", "Johor") not in options(html, "region")


def test_admin_picks_a_country_by_its_indonesian_name_then_its_regions(create_user, login_client, post_form):
    client = login_client(create_user(role="admin"))
    html = client.get("/console/job-orders?lang=id").text
    countries = dict(options(html, "country"))
    assert countries["SA"] == "Arab Saudi" and countries["KR"] == "Korea Selatan" and countries["TW"] == "Taiwan"
    assert options(html, "region") == [("", "Tidak diisi")]  # no country chosen yet
    # Without JavaScript: the form's second button lists the regions of the chosen country, records nothing.
    response = post_form(client, "/console/job-orders?lang=id", country="SA", step="regions", number="JO-SA-1")
    assert response.status_code == 200
    regions = dict(options(response.text, "region"))
    assert regions["SA-02"] == "Makkah al Mukarramah" and "MY-12" not in regions
    assert 'value="SA" selected' in response.text and 'value="JO-SA-1"' in response.text
    assert "Belum ada yang disimpan" in response.text
    from app.channels.models import JobOrder

    assert db.session.query(JobOrder).count() == 0


def test_job_order_recorded_from_the_lists_shows_the_region_by_name(create_user, login_client, post_form):
    from app.channels.services import upsert_agencies

    upsert_agencies([{"licence_number": "P3MI-C", "name": "PT Konsol", "status": "active", "address": None,
                      "valid_until": date.today() + timedelta(days=300), "branches": []}])
    db.session.commit()
    client = login_client(create_user(role="staff", mission="KJRI-KOTAKINABALU"))
    response = post_form(client, "/console/job-orders?lang=en", number="JO-C-9", employer="Tawau Estate",
                         country="MY", region="MY-12", sector="plantation", positions="4", agency_licence="p3mi-c",
                         status="verified")
    assert response.status_code == 303
    html = client.get(response.headers["Location"]).text
    assert "Job order JO-C-9 recorded." in html and "Malaysia · Sabah" in html


# ---------------------------------------------------------------- proposals and audit log

def make_proposals(count: int, user) -> None:
    for i in range(count):
        placement = Placement(source_key=uuid.uuid4().hex, row_hash="x", full_name=f"Siti Placement {i}",
                              name_key=f"siti placement {i}", birth_date=date(1990, 1, 1 + i % 28), country="MY",
                              city="Tawau", employer="Ladang Sawit", departure_date=date(2024, 1, 1))
        db.session.add(placement)
        db.session.flush()
        db.session.add(MatchProposal(placement_id=placement.id, user_id=user.id, score=0.80 + i / 100,
                                     reasons="name:0.91,country"))
    db.session.commit()


def test_admin_reads_proposals_best_first_page_by_page(create_user, login_client, monkeypatch):
    from app.console import admin_views

    monkeypatch.setattr(admin_views, "PAGE_SIZE", 2)
    make_proposals(3, create_user(full_name="Siti Pekerja"))
    client = login_client(create_user(role="admin"))
    first = client.get("/console/proposals?lang=en")
    assert first.status_code == 200
    assert first.text.count("data-proposal=") == 2 and "Siti Placement 2" in first.text
    assert "Siti Pekerja" in first.text and "0.80" not in first.text
    next_url = re.search(r'<a href="([^"]+)" rel="next">', first.text).group(1).replace("&amp;", "&")
    second = client.get(next_url)
    assert second.text.count("data-proposal=") == 1 and "Siti Placement 0" in second.text
    assert 'rel="next"' not in second.text
    assert "No proposals with this status." in client.get("/console/proposals?status=rejected&lang=en").text
    assert client.get("/console/proposals?cursor=forged").status_code == 400


def test_admin_reads_the_audit_log_with_who_read_what(create_user, login_client, create_request, monkeypatch):
    from app.console import admin_views

    monkeypatch.setattr(admin_views, "PAGE_SIZE", 1)
    staff = create_user(role="staff", full_name="Dewi Petugas")
    _worker, request = create_request()
    record_read(staff, "presence", uuid.uuid4())
    record_read(staff, "help_request", uuid.UUID(request["id"]))
    db.session.commit()
    client = login_client(create_user(role="admin"))
    first = client.get("/console/audit?lang=en")
    assert first.status_code == 200 and first.text.count("data-entry=") == 1
    assert "Dewi Petugas" in first.text and f'href="/console/requests/{request["id"]}"' in first.text
    second = client.get(re.search(r'<a href="([^"]+)" rel="next">', first.text).group(1).replace("&amp;", "&"))
    assert "Presence report" in second.text
    only = client.get("/console/audit?entity=presence&lang=en").text
    assert only.count("data-entry=") == 1 and "Presence report" in only
