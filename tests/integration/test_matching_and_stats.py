"""Matching placements with workers (exact and proposed), the admin's decision, and the statistics."""
from collections import defaultdict

from sqlalchemy import func, select

from app.extensions import db
from app.integration.models import Person, PersonLink
from tests.builders import PLACES, placement_row, write_placements

MISSION_OF = {place: code for place, code in PLACES}


def _import(tmp_path, import_file, rows):
    result = import_file(write_placements(tmp_path / "p.csv", rows))
    assert result.exit_code == 0, result.output
    return result


def test_corroborated_by_passport_and_by_nik_after_a_renewed_passport(tmp_path, import_file, create_worker, runner):
    rows = [placement_row(i) for i in range(10)]
    _import(tmp_path, import_file, rows)
    # A number with the account's name and the employer: the corroborated rule (docs/placements.md).
    by_passport = create_worker(full_name=rows[0]["full_name"], passport_number=rows[0]["passport_number"],
                                employer_name=rows[0]["employer"])
    by_nik = create_worker(full_name=rows[1]["full_name"], passport_number="B7000001", nik=rows[1]["nik"],
                           employer_name=rows[1]["employer"])  # renewed passport, same NIK
    stranger = create_worker(full_name="Zulkarnain Batubara", passport_number="B7000002")

    result = runner.invoke(args=["integration", "match"])
    assert "linked 2" in result.output, result.output
    person_of = {link.user_id: link.person_id for link in db.session.scalars(select(PersonLink))}
    placement_person = dict(db.session.execute(select(Person.full_name, Person.id)).all())
    assert person_of[by_passport.id] == placement_person[rows[0]["full_name"]]
    assert person_of[by_nik.id] == placement_person[rows[1]["full_name"]]
    assert stranger.id in person_of  # a person of their own, matched with nothing
    persons = db.session.scalar(select(func.count()).select_from(Person))
    assert persons == 10 + 1  # never duplicated: two workers joined placements' persons

    again = runner.invoke(args=["integration", "match"])
    assert "linked" in again.output
    assert db.session.scalar(select(func.count()).select_from(Person)) == persons


def test_similar_name_is_proposed_then_confirmed_by_an_admin(tmp_path, import_file, create_worker, runner,
                                                             client, create_user, auth):
    rows = [placement_row(i) for i in range(40)]
    (country, region, city), _code = PLACES[2]
    _import(tmp_path, import_file, rows)
    name = rows[2]["full_name"]
    typo = name[:-1] + ("a" if name[-1] != "a" else "o")
    worker = create_worker(full_name=typo.upper(), passport_number="B7100001", country=country, region=region,
                           city=city, employer_name=rows[2]["employer"])
    assert "proposed" in runner.invoke(args=["integration", "match"]).output
    admin, staff = create_user(role="admin"), create_user(role="staff")

    assert client.get("/api/v1/integration/proposals").status_code == 401
    assert client.get("/api/v1/integration/proposals", headers=auth(staff)).status_code == 403
    assert client.get("/api/v1/integration/proposals", headers=auth(worker)).status_code == 403
    listed = client.get("/api/v1/integration/proposals", headers=auth(admin))
    assert listed.status_code == 200
    mine = [p for p in listed.json["items"] if p["worker"]["id"] == str(worker.id)]
    top = mine[0]
    assert top["placement"]["full_name"] == name and 0.8 <= top["score"] <= 1 and top["status"] == "proposed"
    assert "passport_number" not in str(listed.json) and rows[2]["passport_number"] not in str(listed.json)

    # Proposals are not applied by themselves.
    link = db.session.get(PersonLink, worker.id)
    assert link.how == "own"
    confirmed = client.post(f"/api/v1/integration/proposals/{top['id']}/confirm", headers=auth(admin))
    assert confirmed.status_code == 200 and confirmed.json["status"] == "confirmed"
    db.session.expire_all()
    link = db.session.get(PersonLink, worker.id)
    assert link.how == "confirmed"
    assert db.session.get(Person, link.person_id).full_name == name
    assert client.post(f"/api/v1/integration/proposals/{top['id']}/reject", headers=auth(admin)).status_code == 409
    assert client.post("/api/v1/integration/proposals/00000000-0000-0000-0000-000000000000/confirm",
                       headers=auth(admin)).status_code == 404
    assert client.post("/api/v1/integration/proposals/nope/confirm", headers=auth(admin)).status_code == 404


def test_rejected_pair_is_never_proposed_again(tmp_path, import_file, create_worker, runner, client, create_user,
                                               auth):
    rows = [placement_row(i) for i in range(8)]
    (country, region, city), _code = PLACES[3]
    _import(tmp_path, import_file, rows)
    create_worker(full_name=rows[3]["full_name"], passport_number="B7200001", country=country, region=region,
                  city=city)
    runner.invoke(args=["integration", "match"])
    admin = create_user(role="admin")
    items = client.get("/api/v1/integration/proposals", headers=auth(admin)).json["items"]
    assert items
    for item in items:
        assert client.post(f"/api/v1/integration/proposals/{item['id']}/reject", headers=auth(admin)).status_code \
            == 200
    runner.invoke(args=["integration", "match"])
    assert client.get("/api/v1/integration/proposals", headers=auth(admin)).json["items"] == []
    rejected = client.get("/api/v1/integration/proposals?status=rejected", headers=auth(admin)).json["items"]
    assert len(rejected) == len(items)
    assert client.get("/api/v1/integration/proposals?status=maybe", headers=auth(admin)).status_code == 422


def _expected(rows, workers):
    """Counts computed from the generated rows alone: a person is a NIK; a worker is matched by NIK."""
    placed_c, placed_m = defaultdict(set), defaultdict(set)
    for row in rows:
        place = (row["country"], row["region"] or None, row["city"])
        placed_c[row["country"]].add(row["nik"])
        placed_m[MISSION_OF[place]].add(row["nik"])
    present_c, present_m = defaultdict(set), defaultdict(set)
    for key, place in workers:
        present_c[place[0]].add(key)
        present_m[MISSION_OF[place]].add(key)

    def table(placed, present, name):
        return sorted(({name: k, "placed": len(placed[k]), "present": len(present[k]),
                        "both": len(placed[k] & present[k])} for k in set(placed) | set(present)),
                      key=lambda d: d[name])

    return table(placed_c, present_c, "country"), table(placed_m, present_m, "code")


def people(missions: list[dict]) -> list[dict]:
    """The workers-per-mission figures of the stats' mission rows (they also carry help-request outcomes)."""
    return [{k: m[k] for k in ("code", "placed", "present", "both")} for m in missions]


def test_statistics_match_counts_computed_independently(tmp_path, import_file, create_worker, runner, client,
                                                       create_user, auth, create_help_request_via_api):
    rows = [placement_row(i) for i in range(400)]
    # 20 people went a second time (same NIK, new passport), some to another country.
    for k in range(20):
        first = rows[k]
        place, _code = PLACES[(k * 3) % len(PLACES)]
        rows.append(placement_row(k, placement_id=f"SKP-2-{k}", passport_number=f"D{2000000 + k}",
                                  country=place[0], region=place[1] or "", city=place[2],
                                  departure_date="2026-05-01", contract_end="2028-05-01",
                                  full_name=first["full_name"], birth_date=first["birth_date"], nik=first["nik"]))
    _import(tmp_path, import_file, rows)
    workers = []  # (person key, place of the current presence report)
    for i in (0, 1, 5, 17, 33):  # matched by passport, name and employer; some report from a different place than placed
        place, _code = PLACES[(i + (i % 2)) % len(PLACES)]
        create_worker(full_name=rows[i]["full_name"], passport_number=rows[i]["passport_number"],
                      employer_name=rows[i]["employer"], country=place[0], region=place[1], city=place[2])
        workers.append((rows[i]["nik"], place))
    for n in range(3):  # unknown to SISKOP2MI
        place, _code = PLACES[n]
        create_worker(full_name=f"Orang Lain {n}", passport_number=f"E{3000000 + n}", country=place[0],
                      region=place[1], city=place[2])
        workers.append((f"unknown-{n}", place))
    runner.invoke(args=["integration", "match"])
    expected_countries, expected_missions = _expected(rows, workers)

    admin = create_user(role="admin")
    response = client.get("/api/v1/stats", headers=auth(admin))
    assert response.status_code == 200, response.json
    assert response.json["countries"] == expected_countries
    assert people(response.json["missions"]) == expected_missions

    staff = create_user(role="staff", mission="KJRI-KOTAKINABALU")
    own = client.get("/api/v1/stats", headers=auth(staff)).json
    assert [m["code"] for m in own["missions"]] == ["KJRI-KOTAKINABALU"]
    assert people(own["missions"])[0] == next(m for m in expected_missions if m["code"] == "KJRI-KOTAKINABALU")
    assert [c["country"] for c in own["countries"]] == ["MY"]


def test_stats_role_matrix(client, create_user, auth):
    assert client.get("/api/v1/stats").status_code == 401
    assert client.get("/api/v1/stats", headers=auth(create_user())).status_code == 403
    staff = client.get("/api/v1/stats", headers=auth(create_user(role="staff")))
    assert staff.status_code == 200
    empty = client.get("/api/v1/stats", headers=auth(create_user(role="admin"))).json
    assert empty == {"countries": [], "missions": [],
                     "help_requests": {"by_category": {}, "by_status": {}, "median_hours_to_first_action": None,
                                       "first_response_hours": {"median": None, "p90": None},
                                       "resolution_hours": {"median": None, "p90": None},
                                       "resolved_share": None, "deadline_met_share": None,
                                       "open_by_age": {"lt_1d": 0, "d1_3": 0, "d3_14": 0, "gt_14d": 0}}}


def test_help_request_statistics_and_median(client, create_user, auth, create_help_request_via_api):
    staff = create_user(role="staff", mission="KJRI-KOTAKINABALU")
    other_staff = create_user(role="staff", mission="KDEI-TAIPEI")
    ids = [create_help_request_via_api(category=c)["id"] for c in ("unpaid_wages", "unpaid_wages", "trafficking")]
    create_help_request_via_api(category="other", country="TW", region=None, city="Taipei")
    assert client.post(f"/api/v1/queue/{ids[0]}/claim", headers=auth(staff)).status_code == 200
    assert client.patch(f"/api/v1/queue/{ids[1]}", json={"status": "triaged"}, headers=auth(staff)).status_code == 200

    own = client.get("/api/v1/stats", headers=auth(staff)).json["help_requests"]
    assert own["by_category"] == {"unpaid_wages": 2, "trafficking": 1}
    assert own["by_status"] == {"new": 2, "triaged": 1}
    # created_at was 2026-01-10T00:15Z (the worker's time); the actions were just now.
    from app.help.models import HelpRequest

    stored = db.session.scalars(select(HelpRequest).where(HelpRequest.first_action_at.is_not(None))).all()
    hours = sorted((r.first_action_at - r.created_at).total_seconds() / 3600 for r in stored)
    assert len(hours) == 2
    assert own["median_hours_to_first_action"] == round(sum(hours) / 2, 2)
    everything = client.get("/api/v1/stats", headers=auth(create_user(role="admin"))).json["help_requests"]
    assert sum(everything["by_category"].values()) == 4
    taipei = client.get("/api/v1/stats", headers=auth(other_staff)).json["help_requests"]
    assert taipei["by_category"] == {"other": 1} and taipei["median_hours_to_first_action"] is None
