"""Family check (issue 16, capability 5): a PIN on her own request, the status answer with exactly
four keys, one 404 for every wrong pair, limits per address and per reference, and the pages."""
import uuid

import pytest
from sqlalchemy import select, text

from app.extensions import db, limiter
from app.family.models import FamilyPin
from tests.builders import help_body
from tests.support.forms import post_page_form

PIN = "482913"
SECRET_WORDS = "Majikan memukul saya di Jalan Tuaran"


@pytest.fixture
def ask(client, create_user, auth):
    """ask(worker=None) → (worker, help request json) with a description her family must never see."""

    def factory(worker=None):
        worker = worker or create_user(full_name="Siti Aminah")
        response = client.post("/api/v1/help-requests", json=help_body(description=SECRET_WORDS, city="Sandakan"),
                               headers=auth(worker))
        assert response.status_code == 201, response.json
        return worker, response.json

    return factory


def set_pin(client, auth, worker, request_id, pin=PIN):
    return client.put(f"/api/v1/help-requests/{request_id}/family-pin", json={"pin": pin}, headers=auth(worker))


def check(client, reference, pin=PIN, address="198.51.100.1", **kwargs):
    query = {"pin": pin} if pin is not None else {}
    return client.get(f"/api/v1/status/{reference}", query_string={**query, **kwargs},
                      environ_base={"REMOTE_ADDR": address})


@pytest.fixture
def limits(app, monkeypatch):
    """limits(per_address, per_reference): low family limits for one test, counters fresh."""

    def lower(per_address="100 per minute", per_reference="100 per minute"):
        monkeypatch.setitem(app.config, "RATELIMIT_FAMILY", per_address)
        monkeypatch.setitem(app.config, "RATELIMIT_FAMILY_REFERENCE", per_reference)
        limiter.reset()

    yield lower
    limiter.reset()


def test_family_sees_status_update_and_mission_and_nothing_else(client, create_user, auth, ask):
    worker, request = ask()
    answer = set_pin(client, auth, worker, request["id"])
    assert answer.status_code == 200, answer.json
    assert answer.json == {"reference": request["reference"], "family_pin_set": True}

    response = check(client, request["reference"], lang="id")
    assert response.status_code == 200, response.json
    body = response.json
    assert set(body) == {"reference", "status", "updated_at", "mission"}
    assert set(body["mission"]) == {"code", "name"}
    assert body["reference"] == request["reference"] and body["status"] == "new"
    assert body["mission"] == {"code": "KJRI-KOTAKINABALU", "name": request["mission"]["name"]}
    assert body["updated_at"].endswith("Z")
    raw = response.get_data(as_text=True)
    for private in (SECRET_WORDS, "Siti", "Sandakan", "MY-12", "+60", request["id"], "Jalan", "5.98"):
        assert private not in raw


def test_the_answer_follows_staff_action(client, create_user, auth, ask):
    worker, request = ask()
    staff = create_user(role="staff")
    set_pin(client, auth, worker, request["id"])
    before = check(client, request["reference"]).json
    assert client.patch(f"/api/v1/queue/{request['id']}", json={"status": "triaged"},
                        headers=auth(staff)).status_code == 200
    after = check(client, request["reference"]).json
    assert after["status"] == "triaged" and after["updated_at"] >= before["updated_at"]


def test_reference_may_be_typed_loosely(client, auth, ask):
    worker, request = ask()
    set_pin(client, auth, worker, request["id"])
    loose = request["reference"].lower().replace("-", " ")
    assert check(client, loose).json["reference"] == request["reference"]


def test_every_wrong_pair_is_the_same_404(client, create_user, auth, ask):
    worker, with_pin = ask()
    _, without_pin = ask(worker)
    set_pin(client, auth, worker, with_pin["id"])
    wrong = [check(client, with_pin["reference"], pin="000000"),
             check(client, with_pin["reference"], pin=None),
             check(client, with_pin["reference"], pin="48291"),
             check(client, without_pin["reference"], pin=PIN),
             check(client, "JBT-ZZZZZZ", pin=PIN),
             check(client, "no-such-thing", pin=PIN)]
    assert {r.status_code for r in wrong} == {404}
    assert len({r.get_data(as_text=True) for r in wrong}) == 1
    assert wrong[0].json["code"] == 404


def test_pin_is_hashed_and_can_be_changed_and_removed(client, create_user, auth, ask):
    worker, request = ask()
    set_pin(client, auth, worker, request["id"])
    stored = db.session.execute(text("SELECT pin_hash FROM family_pins")).scalar_one()
    assert stored.startswith("$argon2") and PIN not in stored

    assert set_pin(client, auth, worker, request["id"], pin="135790").status_code == 200
    assert check(client, request["reference"]).status_code == 404
    assert check(client, request["reference"], pin="135790").status_code == 200

    removed = client.delete(f"/api/v1/help-requests/{request['id']}/family-pin", headers=auth(worker))
    assert removed.status_code == 204
    assert check(client, request["reference"], pin="135790").status_code == 404


@pytest.mark.parametrize("pin", ["12345", "1234567", "12345a", "", 482913, None, "４８２９１３"])
def test_a_pin_that_is_not_six_digits_is_422(client, auth, ask, pin):
    worker, request = ask()
    response = set_pin(client, auth, worker, request["id"], pin=pin)
    assert response.status_code == 422 and "pin" in response.json["errors"]


def test_only_her_own_request(client, create_user, auth, ask):
    _, request = ask()
    stranger, staff = create_user(), create_user(role="staff")
    assert set_pin(client, auth, stranger, request["id"]).status_code == 404
    assert set_pin(client, auth, stranger, uuid.uuid4()).status_code == 404
    assert client.delete(f"/api/v1/help-requests/{request['id']}/family-pin",
                         headers=auth(stranger)).status_code == 404
    assert set_pin(client, auth, staff, request["id"]).status_code == 403
    assert client.put(f"/api/v1/help-requests/{request['id']}/family-pin", json={"pin": PIN}).status_code == 401
    assert db.session.scalar(select(FamilyPin)) is None


def test_checks_are_limited_per_address(client, auth, ask, limits):
    limits(per_address="3 per minute")
    worker, request = ask()
    set_pin(client, auth, worker, request["id"])
    codes = [check(client, request["reference"], pin=pin).status_code for pin in ("000000", "111111", PIN)]
    assert codes == [404, 404, 200]
    limited = check(client, request["reference"])
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) > 0
    assert limited.json["code"] == 429
    # Spraying other references from the same address is held back too...
    assert check(client, "JBT-ZZZZZZ").status_code == 429
    # ...while another address is not.
    assert check(client, request["reference"], address="203.0.113.9").status_code == 200


def test_checks_of_one_reference_are_limited_across_addresses(client, auth, ask, limits):
    limits(per_reference="3 per minute")
    worker, request = ask()
    _, other = ask(worker)
    set_pin(client, auth, worker, request["id"])
    set_pin(client, auth, worker, other["id"])
    codes = [check(client, request["reference"], pin="00000" + str(i), address=f"198.51.100.{i}").status_code
             for i in range(3)]
    assert codes == [404, 404, 404]
    limited = check(client, request["reference"], address="192.0.2.77")  # the right PIN, a fresh address
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) > 0
    # Typing the reference otherwise is no way round it.
    assert check(client, request["reference"].lower(), address="192.0.2.78").status_code == 429
    # Another reference is not held back.
    assert check(client, other["reference"], address="192.0.2.79").status_code == 200


def test_the_status_page_counts_against_the_same_limits(client, auth, ask, limits):
    limits(per_reference="2 per minute")
    worker, request = ask()
    set_pin(client, auth, worker, request["id"])
    assert check(client, request["reference"], pin="000000").status_code == 404
    page = client.post("/status", data={"reference": request["reference"], "pin": "111111"},
                       environ_base={"REMOTE_ADDR": "192.0.2.10"})
    assert page.status_code == 404
    assert check(client, request["reference"], address="192.0.2.11").status_code == 429
    blocked = client.post("/status", data={"reference": request["reference"], "pin": PIN},
                          environ_base={"REMOTE_ADDR": "192.0.2.12"})
    assert blocked.status_code == 429 and "Retry-After" in blocked.headers


def test_status_page_works_without_javascript_in_both_languages(client, auth, ask):
    worker, request = ask()
    set_pin(client, auth, worker, request["id"])
    form = client.get(f"/status?reference={request['reference']}&lang=en")
    html = form.get_data(as_text=True)
    assert form.status_code == 200 and 'method="post"' in html and 'name="pin"' in html
    assert f'value="{request["reference"]}"' in html

    answer = client.post("/status?lang=en", data={"reference": request["reference"], "pin": PIN})
    html = answer.get_data(as_text=True)
    assert answer.status_code == 200 and 'id="family-answer"' in html and "Received" in html
    assert request["reference"] in html
    for private in (SECRET_WORDS, "Siti", "Sandakan", "+60"):
        assert private not in html

    indonesian = client.post("/status?lang=id", data={"reference": request["reference"], "pin": PIN})
    assert indonesian.status_code == 200 and "Diterima" in indonesian.get_data(as_text=True)

    wrong = client.post("/status?lang=en", data={"reference": request["reference"], "pin": "000000"})
    assert wrong.status_code == 404 and 'id="family-not-found"' in wrong.get_data(as_text=True)


def login(client, worker):
    assert post_page_form(client, "/login", {"phone": worker.phone, "password": "password123"}).status_code == 302
    return client.get_cookie("csrf_access_token").value


def test_worker_sets_the_pin_on_her_request_page_without_javascript(app, client, create_user, auth, ask):
    worker, request = ask()
    csrf = login(client, worker)
    listing = client.get("/requests").get_data(as_text=True)
    assert f'/requests/{request["id"]}/family' in listing

    page = client.get(f"/requests/{request['id']}/family?lang=en")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and request["reference"] in html and 'name="pin"' in html
    assert "They do not see what you wrote" in html and "/status?reference=" in html
    assert 'data-family-pin="none"' in html

    refused = client.post(f"/requests/{request['id']}/family", data={"csrf_token": csrf, "pin": "12"})
    assert refused.status_code == 422
    assert client.post(f"/requests/{request['id']}/family", data={"pin": PIN}).status_code in (401, 403)

    saved = client.post(f"/requests/{request['id']}/family", data={"csrf_token": csrf, "pin": PIN})
    assert saved.status_code == 303
    assert 'data-family-pin="set"' in client.get(saved.headers["Location"]).get_data(as_text=True)
    assert check(client, request["reference"]).status_code == 200

    removed = client.post(f"/requests/{request['id']}/family/remove", data={"csrf_token": csrf})
    assert removed.status_code == 303
    assert check(client, request["reference"]).status_code == 404

    stranger_client = app.test_client()
    login(stranger_client, create_user())
    assert stranger_client.get(f"/requests/{request['id']}/family").status_code == 404


def test_deleting_her_account_ends_the_family_check(client, auth, ask):
    worker, request = ask()
    set_pin(client, auth, worker, request["id"])
    assert client.delete("/api/v1/me", json={"confirm": True}, headers=auth(worker)).status_code == 204
    assert db.session.scalar(select(FamilyPin)) is None
    assert check(client, request["reference"]).status_code == 404


def test_openapi_documents_the_family_calls(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    assert "put" in paths["/api/v1/help-requests/{help_request_id}/family-pin"]
    status = paths["/api/v1/status/{reference}"]["get"]
    assert {"200", "404", "429"} <= set(status["responses"])
