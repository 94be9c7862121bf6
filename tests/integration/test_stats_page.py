"""The console statistics page (/console/stats) and its CSV: the figures of GET /api/v1/stats, as SVG and tables."""
import csv
import io
from html.parser import HTMLParser

import pytest

from tests.builders import placement_row, write_placements

SECTIONS = {"countries": "country", "missions": "code"}


class Figures(HTMLParser):
    """Collects every figure the page shows: (section, 'svg' | 'table', key, series) → value."""

    def __init__(self):
        super().__init__()
        self.section = self.key = None
        self.figures = {}
        self.svg_titles = []
        self._in_svg_title = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section":
            self.section = attrs.get("id")
        if attrs.get("data-key") is not None and tag in ("g", "tr"):
            self.key = attrs["data-key"]
        if tag == "svg":
            assert attrs.get("role") == "img" and attrs.get("aria-labelledby")
        if tag == "title" and self.section:
            self._in_svg_title = True
        if "data-value" in attrs and tag in ("rect", "td"):
            where = "svg" if tag == "rect" else "table"
            spot = (self.section, where, self.key, attrs["data-series"])
            assert spot not in self.figures, spot
            self.figures[spot] = float(attrs["data-value"])
        if tag == "span" and "data-value" in attrs and self.section == "response-time":
            self.figures[("response-time", "table", "median", "hours")] = float(attrs["data-value"])

    def handle_data(self, data):
        if self._in_svg_title and data.strip():
            self.svg_titles.append(data.strip())
            self._in_svg_title = False


def page_figures(html: str) -> Figures:
    parser = Figures()
    parser.feed(html)
    return parser


def api_figures(stats: dict, where: str) -> dict:
    """What the page must show, in the parser's terms, from the API's answer."""
    expected = {}
    for section, key_name in SECTIONS.items():
        for row in stats[section]:
            for series in ("placed", "present", "both"):
                expected[(section, where, row[key_name], series)] = row[series]
    for section, field in (("by-category", "by_category"), ("by-status", "by_status")):
        for key, count in stats["help_requests"][field].items():
            expected[(section, where, key, "count")] = count
    if where in ("svg", "table"):
        expected.update(outcome_figures(stats, where))
    return expected


def outcome_figures(stats: dict, where: str) -> dict:
    """The outcome figures the page shows (tables; the open-by-age chart when there are open requests)."""
    help_stats, expected = stats["help_requests"], {}
    ages = help_stats["open_by_age"]
    if where == "table" or any(ages.values()):
        expected.update({("open-by-age", where, bucket, "count"): count for bucket, count in ages.items()})
    if where == "svg":
        return expected
    for key in ("first_response_hours", "resolution_hours"):
        for measure in ("median", "p90"):
            if help_stats[key][measure] is not None:
                expected[("outcomes", where, key, measure)] = help_stats[key][measure]
    for key in ("resolved_share", "deadline_met_share"):
        if help_stats[key] is not None:
            expected[("outcomes", where, key, "share")] = help_stats[key]
    for row in stats["missions"]:
        if not (any(row["open_by_age"].values()) or row["resolved_share"] is not None
                or row["deadline_met_share"] is not None or row["first_response_hours"]["median"] is not None):
            continue  # no help requests there
        values = {"deadline_met_share": row["deadline_met_share"], "resolved_share": row["resolved_share"],
                  **{f"{k}.{m}": row[k][m] for k in ("first_response_hours", "resolution_hours")
                     for m in ("median", "p90")},
                  **{f"open_by_age.{b}": n for b, n in row["open_by_age"].items()}}
        expected.update({("missions-behind", where, row["code"], series): value
                         for series, value in values.items() if value is not None})
    return expected


def by_place(figures: dict, where: str) -> dict:
    return {k: v for k, v in figures.items() if k[1] == where}


@pytest.fixture
def stats_data(tmp_path, import_file, create_worker, create_help_request_via_api, create_user, client, auth, runner):
    """Placements in several countries, workers who reported presence (one matched), help requests with actions."""
    rows = [placement_row(i) for i in range(16)]  # two per place of conftest.PLACES
    assert import_file(write_placements(tmp_path / "p.csv", rows)).exit_code == 0
    create_worker(full_name=rows[0]["full_name"], passport_number=rows[0]["passport_number"],
                  employer_name=rows[0]["employer"])  # placed in Kota Kinabalu and present there: "both"
    create_worker(passport_number="X1000001")
    create_worker(passport_number="X1000002", country="HK", region=None, city="Hong Kong")
    runner.invoke(args=["integration", "match"])
    staff = create_user(role="staff", mission="KJRI-KOTAKINABALU")
    ids = [create_help_request_via_api(category=c)["id"] for c in ("unpaid_wages", "unpaid_wages", "trafficking")]
    create_help_request_via_api(category="other", country="HK", region=None, city="Hong Kong")
    assert client.post(f"/api/v1/queue/{ids[0]}/claim", headers=auth(staff)).status_code == 200
    assert client.patch(f"/api/v1/queue/{ids[1]}", json={"status": "triaged"}, headers=auth(staff)).status_code == 200
    return staff


@pytest.mark.parametrize("path", ["/console/stats", "/console/stats.csv"])
def test_anonymous_is_sent_to_login(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")
    assert "stats" in response.headers["Location"]


@pytest.mark.parametrize("path", ["/console/stats", "/console/stats.csv"])
def test_worker_gets_403(create_user, login_client, path):
    response = login_client(create_user()).get(path)
    assert response.status_code == 403
    assert "<html" in response.text


def test_staff_sees_only_their_mission(stats_data, login_client, client, auth):
    staff = stats_data
    page = login_client(staff).get("/console/stats?lang=en&mission=KJRI-HONGKONG")
    assert page.status_code == 200
    api = client.get("/api/v1/stats", headers=auth(staff)).json
    assert [m["code"] for m in api["missions"]] == ["KJRI-KOTAKINABALU"]
    figures = page_figures(page.text).figures
    # `?mission=` is an admin's choice only: staff still see their own mission, exactly as the API.
    assert by_place(figures, "svg") == api_figures(api, "svg")
    assert {k[2] for k in figures if k[0] == "missions"} == {"KJRI-KOTAKINABALU"}
    assert ("by-category", "table", "other", "count") not in figures  # the Hong Kong request
    # (The language links repeat the page's own query; the page's content never names that mission.)
    assert "KJRI-HONGKONG" not in page.text.split("<main", 1)[1]


def test_svg_and_table_carry_the_figures_of_the_api(stats_data, create_user, login_client, client, auth):
    admin = create_user(role="admin")
    api = client.get("/api/v1/stats", headers=auth(admin)).json
    assert {m["code"] for m in api["missions"]} >= {"KJRI-KOTAKINABALU", "KJRI-HONGKONG", "KDEI-TAIPEI"}
    assert next(c for c in api["countries"] if c["country"] == "MY")["both"] == 1
    response = login_client(admin).get("/console/stats?lang=en")
    assert response.status_code == 200
    parsed = page_figures(response.text)
    assert by_place(parsed.figures, "svg") == api_figures(api, "svg")
    assert by_place(parsed.figures, "table") == {
        **api_figures(api, "table"),
        ("response-time", "table", "median", "hours"): api["help_requests"]["median_hours_to_first_action"]}
    assert "Workers per country" in parsed.svg_titles and "Help requests by status" in parsed.svg_titles
    # Server-drawn charts only: no script of their own, no inline style (the CSP forbids both).
    assert "<rect" in response.text and "<text" in response.text
    assert "style=" not in response.text and "<script>" not in response.text
    assert "chart.js" not in response.text.lower()


def test_admin_can_narrow_to_one_mission(stats_data, create_user, login_client):
    from sqlalchemy import select

    from app.extensions import db
    from app.integration.stats import compute_stats
    from app.missions.models import Mission

    admin_client = login_client(create_user(role="admin"))
    response = admin_client.get("/console/stats?lang=en&mission=KJRI-HONGKONG")
    hong_kong = db.session.scalar(select(Mission).where(Mission.code == "KJRI-HONGKONG"))
    expected = compute_stats(hong_kong.id)
    assert by_place(page_figures(response.text).figures, "svg") == api_figures(expected, "svg")
    # An unknown mission code is ignored (all missions), never an error.
    assert admin_client.get("/console/stats?mission=<script>").status_code == 200


def test_page_in_indonesian_and_english(stats_data, login_client):
    staff_client = login_client(stats_data)
    english = staff_client.get("/console/stats?lang=en").text
    indonesian = staff_client.get("/console/stats?lang=id").text
    assert 'lang="en"' in english and "Workers per country" in english and "Unpaid wages" in english
    assert 'lang="id"' in indonesian and "Pekerja per negara" in indonesian and "Workers per country" not in indonesian
    assert page_figures(english).figures == page_figures(indonesian).figures


def test_csv_download_has_the_same_figures(stats_data, create_user, login_client, client, auth):
    for user in (stats_data, create_user(role="admin")):
        api = client.get("/api/v1/stats", headers=auth(user)).json
        response = login_client(user).get("/console/stats.csv?lang=en")
        assert response.status_code == 200
        assert response.mimetype == "text/csv"
        assert response.headers["Content-Disposition"].startswith("attachment; filename=")
        rows = list(csv.DictReader(io.StringIO(response.text)))
        got = {}
        for row in rows:
            section = {"country": "countries", "mission": "missions", "help_category": "by-category",
                       "help_status": "by-status"}.get(row["section"])
            if section:
                got[(section, "csv", row["key"], row["measure"])] = int(row["value"])
        assert got == api_figures(api, "csv")
        median = next(r for r in rows if r["key"] == "median_hours_to_first_action")
        assert float(median["value"]) == api["help_requests"]["median_hours_to_first_action"]
        assert next(r for r in rows if r["key"] == "unpaid_wages")["label"] == "Unpaid wages"


def test_empty_statistics_render(create_user, login_client):
    response = login_client(create_user(role="admin")).get("/console/stats?lang=en")
    assert response.status_code == 200 and "No figures yet." in response.text
    csv_rows = list(csv.reader(io.StringIO(login_client(create_user(role="admin")).get("/console/stats.csv").text)))
    assert csv_rows[:2] == [["section", "key", "label", "measure", "value"],
                            ["help", "median_hours_to_first_action", "", "hours", ""]]
    # The outcome figures follow, empty or zero; no mission has any.
    assert {tuple(r[:2]) for r in csv_rows[2:]} >= {("help_outcome", "first_response_hours"),
                                                    ("help_outcome", "open_by_age")}
    assert all(r[0] == "help_outcome" and r[4] in ("", "0") for r in csv_rows[2:])
