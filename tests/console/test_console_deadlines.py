"""The console's queue and detail: deadlines as a countdown, overdue in words and colour, and the
search box and filters as a plain GET form (issue 15, items 1 and 3)."""
import re
from datetime import datetime, timedelta, timezone


def row_of(page: str, reference: str) -> str:
    """The queue table's row of a request."""
    start = page.index(reference)
    return page[page.rindex("<tr", 0, start):page.index("</tr>", start)]


def test_queue_and_detail_count_down_and_say_overdue_in_indonesian(create_user, login_client, create_request,
                                                                    clock):  # noqa: F811
    start = clock.set(datetime.now(timezone.utc).replace(microsecond=0) - timedelta(hours=1))
    _w, critical = create_request(category="abuse_violence", created_at=start.isoformat())
    _w, normal = create_request(category="unpaid_wages", created_at=start.isoformat())
    client = login_client(create_user(role="staff"))

    clock.set(start + timedelta(minutes=30))
    page = client.get("/console?lang=id").text
    assert "Tenggat" in page
    row = row_of(page, critical["reference"])
    assert "Tanggapan pertama: 2 jam lagi" in row and "due-ok" in row and "TERLAMBAT" not in row.upper()
    clock.set(start + timedelta(hours=1, minutes=45))
    assert "due-soon" in row_of(client.get("/console?lang=id").text, critical["reference"])

    clock.set(start + timedelta(hours=5))  # a five-hour-old beating case is flagged
    page = client.get("/console?lang=id").text
    row = row_of(page, critical["reference"])
    assert "Tanggapan pertama terlambat 3 jam" in row and "due-overdue" in row and 'class="flag overdue"' in row
    row = row_of(page, normal["reference"])
    assert "Tanggapan pertama: 3 hari lagi" in row and "flag overdue" not in row

    detail = client.get(f"/console/requests/{critical['id']}?lang=id").text
    assert 'id="deadline"' in detail and "Tanggapan pertama terlambat 3 jam" in detail
    assert "Batas tanggapan pertama" in detail and "Batas penyelesaian" in detail
    assert "pilihan Jembatan sendiri" in detail  # the critical band's numbers are the project's own
    english = client.get(f"/console/requests/{normal['id']}?lang=en").text
    assert "First response due in 3 days" in english and "SP4N-LAPOR!" in english


def test_queue_page_search_box_and_filters_work_without_javascript(create_user, login_client, create_request,
                                                                   post_form, monkeypatch):
    siti, dewi = create_user(full_name="Siti Aminah"), create_user(full_name="Dewi Lestari")
    _w, hers = create_request(worker=siti, urgency="emergency", category="other")
    made = [create_request(worker=dewi, category="unpaid_wages", urgency="low")[1] for _ in range(3)]
    staff = create_user(role="staff")
    client = login_client(staff)
    post_form(client, f"/console/requests/{made[0]['id']}/claim")

    page = client.get("/console?lang=id").text
    form = page[page.index('role="search"'):page.index("</form>", page.index('role="search"'))]
    assert 'method="get"' in page[page.rindex("<form", 0, page.index('role="search"')):page.index('role="search"')]
    for name in ('name="q"', 'name="urgency"', 'name="unassigned"', 'name="overdue"', 'name="status"',
                 'name="category"', 'name="mine"'):
        assert name in form, name

    def shown(query):
        page = client.get("/console?" + query).text
        return {r["reference"] for r in [hers, *made] if r["reference"] in page}

    assert shown("q=siti") == {hers["reference"]}
    assert shown("q=" + made[1]["reference"]) == {made[1]["reference"]}
    assert shown("urgency=low") == {m["reference"] for m in made}
    assert shown("unassigned=1&urgency=low") == {made[1]["reference"], made[2]["reference"]}
    assert shown("overdue=1") == {hers["reference"], *(m["reference"] for m in made)}  # made in January
    assert shown("q=nobody") == set()
    assert 'value="siti"' in client.get("/console?q=siti").text  # the box keeps what was typed
    # Stray values are ignored, never an error.
    assert client.get("/console?urgency=panic&overdue=maybe&unassigned=x").status_code == 200
    assert client.get("/console?q=%00").status_code == 400  # a NUL is refused in one place (app.web)

    # The pager keeps every filter.
    monkeypatch.setattr("app.console.views.PAGE_SIZE", 1)
    first = client.get("/console?urgency=low&unassigned=1&q=Dewi").text
    next_url = re.search(r'href="([^"]+)" rel="next"', first).group(1).replace("&amp;", "&")
    assert "urgency=low" in next_url and "unassigned=1" in next_url and "q=Dewi" in next_url
    second = client.get(next_url).text
    assert 'rel="next"' not in second
    seen = {r["reference"] for r in made if r["reference"] in first or r["reference"] in second}
    assert seen == {made[1]["reference"], made[2]["reference"]}
    back = re.search(r'href="([^"]+)">(?:Halaman pertama|First page)', second).group(1).replace("&amp;", "&")
    assert "urgency=low" in back and "cursor" not in back
