"""A number a worker typed into lapor diri is a claim, not a proof (issue 12, item 1).

An outside review linked a worker to another worker's SISKOP2MI placement by typing the
victim's NIK, then read the victim's passport, NIK, name, birth date, employer and agency in
`GET /api/v1/me/export`. These tests pin the rules that replaced the exact match on the number
alone (docs/placements.md, "Matching").
"""
import uuid
from datetime import date

from sqlalchemy import select

from app.extensions import db
from app.integration.models import Person, PersonLink, Placement
from tests.builders import bare_presence_body, nik_for, placement_row, write_placements
from tests.support.forms import post_page_form


def _import(tmp_path, import_file, rows, name="p.csv"):
    result = import_file(write_placements(tmp_path / name, rows), "--no-match")
    assert result.exit_code == 0, result.output


def _match(runner):
    result = runner.invoke(args=["integration", "match"])
    assert result.exit_code == 0, result.output
    return result.output


def _put(client, auth, worker, **fields):
    response = client.put("/api/v1/presence", json=bare_presence_body(**fields), headers=auth(worker))
    assert response.status_code in (200, 201), response.json
    return response.json


def _export(client, auth, worker):
    response = client.get("/api/v1/me/export", headers=auth(worker))
    assert response.status_code == 200, response.json
    return response


def _victim_secrets(row) -> list[str]:
    return [row["passport_number"], row["nik"], row["full_name"], row["birth_date"], row["employer"],
            row["agency_licence"]]


def _proposals(client, auth, admin, status="proposed"):
    response = client.get(f"/api/v1/integration/proposals?status={status}", headers=auth(admin))
    assert response.status_code == 200, response.json
    return response.json["items"]


def _link(user):
    db.session.expire_all()
    return db.session.get(PersonLink, user.id)


def test_a_hundred_guessed_niks_in_one_sync_call_reveal_no_placement(tmp_path, import_file, create_user, client,
                                                                       auth, runner):
    victim = placement_row(0)
    _import(tmp_path, import_file, [victim])
    attacker = create_user(full_name="Penyerang")
    guesses = [str(int(victim["nik"]) + k) for k in range(-1, 99)]  # the victim's NIK is the second guess
    assert victim["nik"] in guesses
    mutations = [{"id": str(uuid.uuid4()), "type": "presence.upsert",
                  "data": _without_time(bare_presence_body(nik=nik))} for nik in guesses]
    response = client.post("/api/v1/sync", json={"device_id": str(uuid.uuid4()), "cursor": None,
                                                 "mutations": mutations}, headers=auth(attacker))
    assert response.status_code == 200, response.json

    _match(runner)

    export = _export(client, auth, attacker)
    assert export.json["placements"] == []
    text = export.get_data(as_text=True)
    for secret in _victim_secrets(victim):
        assert secret not in text or secret == victim["nik"] and _declared_in_history(export.json, secret)
    assert _link(attacker).how == "own"
    placement_person = db.session.scalar(select(Placement.person_id))
    assert _link(attacker).person_id != placement_person


def _without_time(body: dict) -> dict:
    """Reports in the order the server receives them (the device's time left out)."""
    return {k: v for k, v in body.items() if k != "created_at"}


def _declared_in_history(export: dict, nik: str) -> bool:
    """The attacker typed the NIK herself: it may appear in her own reports, never through a placement."""
    return any(r["nik"] == nik for r in export["presence_reports"])


def test_old_reports_never_propose_or_link(tmp_path, import_file, create_user, client, auth, runner):
    victim = placement_row(0)
    _import(tmp_path, import_file, [victim])
    worker = create_user(full_name=victim["full_name"])  # even with the victim's name
    _put(client, auth, worker, nik=victim["nik"], employer_name=victim["employer"],
         created_at="2026-01-10T08:00:00Z")
    _put(client, auth, worker, nik="3212010101900001", employer_name=victim["employer"],
         created_at="2026-01-11T08:00:00Z")  # the current report carries another NIK

    _match(runner)

    admin = create_user(role="admin")
    assert [p for p in _proposals(client, auth, admin) if "nik" in p["reasons"]] == []
    assert _link(worker).how == "own"
    assert _export(client, auth, worker).json["placements"] == []


def test_a_declared_number_alone_is_only_proposed_to_an_admin(tmp_path, import_file, create_user, client, auth,
                                                               runner):
    victim = placement_row(0)
    _import(tmp_path, import_file, [victim])
    worker = create_user(full_name="Orang Lain Sekali")
    _put(client, auth, worker, nik=victim["nik"])

    output = _match(runner)

    assert "linked 0" in output and "proposed 1" in output
    assert _link(worker).how == "own"
    admin = create_user(role="admin")
    [proposal] = _proposals(client, auth, admin)
    assert proposal["worker"]["id"] == str(worker.id) and "nik" in proposal["reasons"]
    assert proposal["placement"]["full_name"] == victim["full_name"]
    assert victim["nik"] not in str(proposal) and victim["passport_number"] not in str(proposal)
    assert _export(client, auth, worker).json["placements"] == []
    # Matching again neither links nor proposes the pair twice.
    assert "linked 0, proposed 0" in _match(runner)
    assert len(_proposals(client, auth, admin)) == 1


def test_export_shows_a_placement_only_after_an_admin_confirmed_it(tmp_path, import_file, create_user, client,
                                                                   auth, runner):
    row = placement_row(0)
    _import(tmp_path, import_file, [row])
    worker = create_user(full_name="Siti")  # her account name is short: the strong rule does not apply
    _put(client, auth, worker, nik=row["nik"])
    _match(runner)
    assert _export(client, auth, worker).json["placements"] == []

    admin = create_user(role="admin")
    [proposal] = _proposals(client, auth, admin)
    confirmed = client.post(f"/api/v1/integration/proposals/{proposal['id']}/confirm", headers=auth(admin))
    assert confirmed.status_code == 200, confirmed.json

    [placement] = _export(client, auth, worker).json["placements"]
    assert placement["full_name"] == row["full_name"] and placement["nik"] == row["nik"]
    assert _link(worker).how == "confirmed"


def test_export_never_shows_a_number_the_worker_did_not_give(tmp_path, import_file, create_user, client, auth,
                                                             runner):
    row = placement_row(0)
    _import(tmp_path, import_file, [row])
    worker = create_user(full_name=row["full_name"])
    _put(client, auth, worker, passport_number=row["passport_number"], employer_name=row["employer"])
    _match(runner)
    assert _link(worker).how == "corroborated"

    export = _export(client, auth, worker)
    [placement] = export.json["placements"]
    assert placement["passport_number"] == row["passport_number"]  # she gave it
    assert placement["nik"] is None  # she never gave a NIK
    assert row["nik"] not in export.get_data(as_text=True)


def test_number_name_and_employer_together_link_automatically(tmp_path, import_file, create_user, client, auth,
                                                              runner):
    row = placement_row(0, full_name="Siti Nur Aminah", employer="Ladang Sawit Sdn Bhd")
    _import(tmp_path, import_file, [row])
    # Case, accents, punctuation and word order do not matter; the passport she holds now is a new one.
    worker = create_user(full_name="AMINAH, Sití Nur")
    _put(client, auth, worker, passport_number="B7000001", nik=row["nik"], employer_name="Ladang Sawit Sdn. Bhd.")

    assert "linked 1" in _match(runner)

    assert _link(worker).how == "corroborated"
    [placement] = _export(client, auth, worker).json["placements"]
    assert placement["nik"] == row["nik"] and placement["passport_number"] is None


def test_passport_name_and_the_birth_date_in_her_nik_link_automatically(tmp_path, import_file, create_user, client,
                                                                         auth, runner):
    row = placement_row(0, nik="")  # SISKOP2MI knows only the passport
    _import(tmp_path, import_file, [row])
    worker = create_user(full_name=row["full_name"])
    birth = date.fromisoformat(row["birth_date"])
    _put(client, auth, worker, passport_number=row["passport_number"], nik=nik_for(4242, birth),
         employer_name="A new employer")

    assert "linked 1" in _match(runner)
    assert _link(worker).how == "corroborated"


def test_number_and_name_without_a_second_attribute_are_only_proposed(tmp_path, import_file, create_user, client,
                                                                      auth, runner):
    rows = [placement_row(0), placement_row(1)]
    _import(tmp_path, import_file, rows)
    # The NIK is the matched number, so the birth date it encodes proves nothing more.
    by_nik = create_user(full_name=rows[0]["full_name"])
    _put(client, auth, by_nik, nik=rows[0]["nik"], employer_name="Another employer")
    # A NIK that disagrees with the placement's rules the automatic link out.
    by_passport = create_user(full_name=rows[1]["full_name"])
    _put(client, auth, by_passport, passport_number=rows[1]["passport_number"], nik=nik_for(4242, date(1990, 1, 1)),
         employer_name=rows[1]["employer"])

    assert "linked 0, proposed 2" in _match(runner)
    assert _link(by_nik).how == "own" and _link(by_passport).how == "own"
    admin = create_user(role="admin")
    reasons = {p["worker"]["id"]: p["reasons"] for p in _proposals(client, auth, admin)}
    assert "nik" in reasons[str(by_nik.id)] and "passport" in reasons[str(by_passport.id)]
    assert "nik_differs" in reasons[str(by_passport.id)]


def test_a_number_declared_by_two_accounts_is_stored_flagged_and_never_matched(
        tmp_path, import_file, create_user, client, auth, runner, create_help_request_via_api):
    row = placement_row(0)
    _import(tmp_path, import_file, [row])
    squatter = create_user(full_name="Penyerang")
    _put(client, auth, squatter, nik=row["nik"])
    # The real owner comes later, with everything the strong rule wants: she is not locked out...
    owner = create_user(full_name=row["full_name"])
    _put(client, auth, owner, nik=row["nik"], passport_number=row["passport_number"], employer_name=row["employer"])

    assert "linked 0, proposed 2" in _match(runner)

    # ...but neither account is matched automatically, and the admin sees why.
    assert _link(squatter).how == "own" and _link(owner).how == "own"
    admin = create_user(role="admin")
    shared = {p["worker"]["id"]: p["shared_numbers"] for p in _proposals(client, auth, admin)}
    assert shared == {str(squatter.id): ["nik"], str(owner.id): ["nik"]}

    # Staff see the flag with the presence report of the request.
    request = create_help_request_via_api(owner)
    staff = create_user(role="staff", mission="KJRI-KOTAKINABALU")
    detail = client.get(f"/api/v1/queue/{request['id']}", headers=auth(staff))
    assert detail.status_code == 200 and detail.json["presence"]["shared_numbers"] == ["nik"]

    # The worker is never told that someone else declared the number (it would confirm a guess).
    for worker in (squatter, owner):
        export = _export(client, auth, worker)
        assert "shared_numbers" not in export.get_data(as_text=True) and export.json["placements"] == []


def test_a_shared_number_is_flagged_in_the_console_request_detail(tmp_path, create_user, client, auth,
                                                                  create_help_request_via_api, app):
    first, second = create_user(full_name="Satu"), create_user(full_name="Dua")
    _put(client, auth, first, passport_number="C7777777")
    _put(client, auth, second, passport_number="C 777-7777")  # the same number, typed otherwise
    request = create_help_request_via_api(second)
    staff = create_user(role="staff", mission="KJRI-KOTAKINABALU")

    console = app.test_client()
    assert post_page_form(console, "/login", {"phone": staff.email, "password": "password123"}).status_code == 302
    page = console.get(f"/console/requests/{request['id']}?lang=en")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'data-shared-number="passport_number"' in html
    assert "Another account declared this number too" in html


def test_an_open_proposal_goes_when_the_worker_changes_the_number(tmp_path, import_file, create_user, client, auth,
                                                                  runner):
    row = placement_row(0)
    _import(tmp_path, import_file, [row])
    worker = create_user(full_name="Orang Lain")
    _put(client, auth, worker, nik=row["nik"], created_at="2026-01-10T08:00:00Z")
    _match(runner)
    admin = create_user(role="admin")
    assert len(_proposals(client, auth, admin)) == 1

    _put(client, auth, worker, nik="3212010101900001", created_at="2026-01-11T08:00:00Z")
    _match(runner)

    assert _proposals(client, auth, admin) == []


def test_a_new_placement_never_joins_a_worker_through_her_declared_number(tmp_path, import_file, create_user,
                                                                          client, auth, runner):
    row = placement_row(0)
    worker = create_user(full_name="Orang Lain")
    _put(client, auth, worker, nik=row["nik"])
    _match(runner)  # the worker gets a person of her own
    own_person = _link(worker).person_id

    _import(tmp_path, import_file, [row])
    _match(runner)

    placement = db.session.scalar(select(Placement))
    assert placement.person_id != own_person
    assert _link(worker).person_id == own_person
    assert _export(client, auth, worker).json["placements"] == []


def test_links_made_by_the_old_number_only_rule_are_released(tmp_path, import_file, create_user, client, auth,
                                                             runner):
    row = placement_row(0)
    _import(tmp_path, import_file, [row])
    _match(runner)
    worker = create_user(full_name="Orang Lain")
    _put(client, auth, worker, nik=row["nik"])
    placement_person = db.session.scalar(select(Placement.person_id))
    # What the old `match` left behind: a link made on the number alone.
    db.session.add(PersonLink(user_id=worker.id, person_id=placement_person, how="exact"))
    db.session.commit()

    assert _export(client, auth, worker).json["placements"] == []  # not shown even before `match` runs

    _match(runner)
    link = _link(worker)
    assert link.how == "own" and link.person_id != placement_person
    assert db.session.get(Person, placement_person) is not None
    admin = create_user(role="admin")
    assert [p["worker"]["id"] for p in _proposals(client, auth, admin)] == [str(worker.id)]
