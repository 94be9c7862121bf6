"""Outcomes counted (issue 15, item 11): first-response and resolution hours (median, p90), the shares
resolved and of deadlines met, and open requests by age, overall and per mission — on a known set
of requests whose every time is set, so each expected figure is worked out by hand below."""
import csv
import io
from datetime import datetime, timedelta, timezone

import pytest

from tests.builders import help_body

HOUR = timedelta(hours=1)


@pytest.fixture
def known_requests(client, create_user, auth, clock):  # noqa: F811
    """Kota Kinabalu: A..G; Taipei: H. `now` is T + 480 h (20 days); every staff action at a set hour."""
    T = datetime.now(timezone.utc).replace(minute=0, second=0, microsecond=0) - timedelta(days=21)
    worker = create_user()
    kk, tw = auth(create_user(role="staff")), auth(create_user(role="staff", mission="KDEI-TAIPEI"))

    def make(category, created, **fields):
        body = help_body(category=category, urgency="normal", created_at=created.isoformat(), **fields)
        response = client.post("/api/v1/help-requests", json=body, headers=auth(worker))
        assert response.status_code == 201, response.json
        return response.json["id"]

    def message(headers, rid, at):
        clock.set(at)
        assert client.post(f"/api/v1/queue/{rid}/messages", json={"body": "Kami bantu."},
                           headers=headers).status_code == 201

    def move(headers, rid, at, *statuses):
        clock.set(at)
        for status in statuses:
            assert client.patch(f"/api/v1/queue/{rid}", json={"status": status}, headers=headers).status_code == 200

    clock.set(T)
    a = make("unpaid_wages", T)      # dispute: first response by 72 h, resolution by 336 h
    message(kk, a, T + 10 * HOUR)    # first response 10 h (met)
    move(kk, a, T + 20 * HOUR, "triaged", "in_progress")
    move(kk, a, T + 100 * HOUR, "resolved")  # resolved in 100 h (met)
    b = make("unpaid_wages", T)
    move(kk, b, T + 80 * HOUR, "triaged")    # first response 80 h (missed)
    move(kk, b, T + 400 * HOUR, "in_progress", "resolved")  # resolved in 400 h (missed)
    c = make("trafficking", T)       # critical: 2 h, 168 h
    message(kk, c, T + HOUR)         # first response 1 h (met)
    move(kk, c, T + 2 * HOUR, "triaged", "in_progress")  # still open at 480 h: resolution missed
    make("other", T + 468 * HOUR)    # D: 12 h old, nothing due yet
    make("contract_dispute", T + 432 * HOUR)  # E: 2 days old, nothing due yet
    make("unpaid_wages", T + 240 * HOUR)      # F: 10 days old, first response missed, resolution not due
    g = make("abuse_violence", T)    # G: withdrawn by the worker, never answered: counted nowhere
    clock.set(T + HOUR)
    assert client.post(f"/api/v1/help-requests/{g}/withdraw", headers=auth(worker)).status_code == 200
    h = make("other", T, country="TW", region=None, city="Taipei")  # information: 72 h, 120 h
    message(tw, h, T + 5 * HOUR)
    move(tw, h, T + 50 * HOUR, "triaged", "in_progress", "resolved")
    clock.set(T + 480 * HOUR)
    return {"kk": kk, "tw": tw}


KOTA_KINABALU = {
    # First responses 1, 10, 80 h: median 10; p90 at 0.9 × 2 = 1.8 → 10 + 0.8 × 70 = 66.
    "first_response_hours": {"median": 10.0, "p90": 66.0},
    # Resolutions 100, 400 h: median 250; p90 at 0.9 → 100 + 0.9 × 300 = 370.
    "resolution_hours": {"median": 250.0, "p90": 370.0},
    # 2 resolved of 6 (G withdrawn).
    "resolved_share": 0.3333,
    # First response: A met, B missed, C met, F missed; resolution: A met, B missed, C missed → 3 of 7.
    "deadline_met_share": 0.4286,
    "open_by_age": {"lt_1d": 1, "d1_3": 1, "d3_14": 1, "gt_14d": 1},
}
TAIPEI = {
    "first_response_hours": {"median": 5.0, "p90": 5.0},
    "resolution_hours": {"median": 50.0, "p90": 50.0},
    "resolved_share": 1.0,
    "deadline_met_share": 1.0,
    "open_by_age": {"lt_1d": 0, "d1_3": 0, "d3_14": 0, "gt_14d": 0},
}
EVERYWHERE = {
    # 1, 5, 10, 80: median 7.5; p90 at 2.7 → 10 + 0.7 × 70 = 59.
    "first_response_hours": {"median": 7.5, "p90": 59.0},
    # 50, 100, 400: median 100; p90 at 1.8 → 100 + 0.8 × 300 = 340.
    "resolution_hours": {"median": 100.0, "p90": 340.0},
    "resolved_share": 0.4286,    # 3 of 7
    "deadline_met_share": 0.5556,  # 5 of 9
    "open_by_age": {"lt_1d": 1, "d1_3": 1, "d3_14": 1, "gt_14d": 1},
}
OUTCOME_KEYS = tuple(EVERYWHERE)


def outcome_part(figures: dict) -> dict:
    return {k: figures[k] for k in OUTCOME_KEYS}


def test_stats_count_outcomes_overall_and_per_mission(known_requests, client, create_user, auth):
    admin = client.get("/api/v1/stats", headers=auth(create_user(role="admin"))).json
    assert outcome_part(admin["help_requests"]) == EVERYWHERE
    missions = {m["code"]: m for m in admin["missions"]}
    # Missions with help requests are listed even with nobody placed or present there.
    assert outcome_part(missions["KJRI-KOTAKINABALU"]) == KOTA_KINABALU
    assert outcome_part(missions["KDEI-TAIPEI"]) == TAIPEI
    assert missions["KDEI-TAIPEI"]["placed"] == 0

    staff = client.get("/api/v1/stats", headers=known_requests["kk"]).json
    assert outcome_part(staff["help_requests"]) == KOTA_KINABALU
    assert [m["code"] for m in staff["missions"]] == ["KJRI-KOTAKINABALU"]
    assert outcome_part(staff["missions"][0]) == KOTA_KINABALU
    assert outcome_part(client.get("/api/v1/stats", headers=known_requests["tw"]).json["help_requests"]) == TAIPEI


def test_stats_page_shows_outcomes_and_the_missions_falling_behind_first(known_requests, create_user,
                                                                         login_client):  # noqa: F811
    page = login_client(create_user(role="admin")).get("/console/stats?lang=id")
    assert page.status_code == 200
    html = page.text
    behind = html[html.index('id="missions-behind"'):]
    assert behind.index('data-key="KJRI-KOTAKINABALU"') < behind.index('data-key="KDEI-TAIPEI"')
    assert 'data-series="deadline_met_share" data-value="0.4286"' in behind
    assert "42,9%" in behind and "Tenggat terpenuhi" in html
    outcomes = html[html.index('id="outcomes"'):html.index('id="open-by-age"')]
    assert 'data-series="median" data-value="7.5"' in outcomes and 'data-series="p90" data-value="340.0"' in outcomes


def test_stats_csv_has_the_outcome_figures(known_requests, create_user, login_client):  # noqa: F811
    response = login_client(create_user(role="admin")).get("/console/stats.csv?lang=en")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    overall = {(r["key"], r["measure"]): r["value"] for r in rows if r["section"] == "help_outcome"}
    assert overall[("first_response_hours", "median")] == "7.5"
    assert overall[("deadline_met_share", "share")] == "0.5556"
    assert overall[("open_by_age", "gt_14d")] == "1"
    per_mission = [(r["key"], r["measure"], r["value"]) for r in rows if r["section"] == "mission_outcome"]
    assert per_mission[0][0] == "KJRI-KOTAKINABALU"  # falling behind: first
    assert ("KDEI-TAIPEI", "resolution_hours.p90", "50.0") in per_mission
    assert ("KJRI-KOTAKINABALU", "resolved_share.share", "0.3333") in per_mission
