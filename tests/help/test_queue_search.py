"""The queue's search (`q`) and filters (urgency, unassigned, overdue, with status, category, assignee),
and keyset paging through filtered results (issue 15, item 3)."""
import uuid
from datetime import datetime, timedelta, timezone

import pytest

from tests.builders import help_body, presence_body


def new_request(client, auth, worker, **fields) -> str:
    response = client.post("/api/v1/help-requests", json=help_body(**fields), headers=auth(worker))
    assert response.status_code == 201, response.json
    return response.json["id"]


def found(client, headers, **query) -> list[str]:
    """Every id the queue answers for `query`, through all its pages."""
    ids, cursor = [], None
    while True:
        params = {**query, **({"cursor": cursor} if cursor else {})}
        response = client.get("/api/v1/queue", query_string=params, headers=headers)
        assert response.status_code == 200, response.json
        ids += [i["id"] for i in response.json["items"]]
        cursor = response.json["next_cursor"]
        if not cursor:
            return ids


def report_presence(client, auth, worker, passport_number):
    body = presence_body(passport_number=passport_number)
    assert client.put("/api/v1/presence", json=body, headers=auth(worker)).status_code == 201


@pytest.fixture
def people(client, create_user, auth):
    """Two workers of Kota Kinabalu with a request each (one with a contact phone), and a staff member."""
    siti = create_user(full_name="Siti Aminah", phone="+6281234500001")
    dewi = create_user(full_name="Dewi Lestari", phone="+6281234500002")
    report_presence(client, auth, siti, "A1234567")
    report_presence(client, auth, dewi, "B7654321")
    return {
        "siti": new_request(client, auth, siti, contact_phone=None),
        "dewi": new_request(client, auth, dewi, contact_phone="+60 12-345 6789"),
        "staff": create_user(role="staff"),
    }


def test_search_by_reference(client, auth, people):
    headers = auth(people["staff"])
    reference = client.get(f"/api/v1/queue/{people['dewi']}", headers=headers).json["reference"]
    assert found(client, headers, q=reference) == [people["dewi"]]
    assert found(client, headers, q=f"  {reference.lower()} ") == [people["dewi"]]
    assert found(client, headers, q=reference.removeprefix("JBT-")) == [people["dewi"]]


@pytest.mark.parametrize("q", ["Siti Aminah", "siti", "AMINAH", "ti ami"])
def test_search_by_worker_name(client, auth, people, q):
    assert found(client, auth(people["staff"]), q=q) == [people["siti"]]


@pytest.mark.parametrize("q", ["+6281234500001", "+62 812-3450-0001", "081234500001", "0812 3450 0001"])
def test_search_by_worker_phone(client, auth, people, q):
    assert found(client, auth(people["staff"]), q=q) == [people["siti"]]


@pytest.mark.parametrize("q", ["+60123456789", "012-345 6789"])
def test_search_by_contact_phone_in_the_missions_country(client, auth, people, q):
    assert found(client, auth(people["staff"]), q=q) == [people["dewi"]]


def test_search_by_exact_passport_number_through_the_keyed_hash(client, auth, people, monkeypatch):
    import app.crypto

    def refuse(_token):
        raise AssertionError("the search decrypted a passport number")

    monkeypatch.setattr(app.crypto, "decrypt", refuse)
    headers = auth(people["staff"])
    assert found(client, headers, q="A1234567") == [people["siti"]]
    assert found(client, headers, q="a 1234-567") == [people["siti"]]  # written as a person may type it
    assert found(client, headers, q="A123456") == []  # exact numbers only
    assert found(client, headers, q="B7654321") == [people["dewi"]]


def test_search_stays_within_the_staff_members_mission(client, create_user, auth, people):
    taipei_staff = create_user(role="staff", mission="KDEI-TAIPEI")
    headers = auth(taipei_staff)
    assert found(client, headers, q="Siti") == []
    assert found(client, headers, q="A1234567") == []
    admin = create_user(role="admin")
    assert found(client, auth(admin), q="Siti") == [people["siti"]]


@pytest.mark.parametrize("q", ["%", "_", "nobody", "JBT-ZZZZZZ", "\\"])
def test_search_matches_nothing_else(client, auth, people, q):
    assert found(client, auth(people["staff"]), q=q) == []


def test_empty_search_is_no_filter(client, auth, people):
    assert set(found(client, auth(people["staff"]), q="")) == {people["siti"], people["dewi"]}


def test_bad_filter_values_are_422(client, create_user, auth):
    headers = auth(create_user(role="staff"))
    for query in ({"urgency": "panic"}, {"overdue": "maybe"}, {"unassigned": "perhaps"}, {"q": "x" * 101}):
        response = client.get("/api/v1/queue", query_string=query, headers=headers)
        assert response.status_code == 422, (query, response.json)


def test_filters_urgency_unassigned_and_overdue_with_the_others(client, create_user, auth, clock):
    worker = create_user()
    staff, other_staff = create_user(role="staff"), create_user(role="staff")
    now = clock.set(datetime.now(timezone.utc))
    created = (now - timedelta(hours=1)).isoformat()
    emergency = new_request(client, auth, worker, category="other", urgency="emergency", created_at=created)
    high = new_request(client, auth, worker, category="repatriation", urgency="high", created_at=created)
    low = new_request(client, auth, worker, category="repatriation", urgency="low", created_at=created)
    old = new_request(client, auth, worker, category="unpaid_wages", urgency="normal",
                      created_at=(now - timedelta(days=4)).isoformat())
    headers = auth(staff)
    assert client.post(f"/api/v1/queue/{high}/claim", headers=headers).status_code == 200
    assert client.post(f"/api/v1/queue/{low}/claim", headers=auth(other_staff)).status_code == 200
    ids = lambda **q: set(found(client, headers, **q))  # noqa: E731

    assert ids(urgency="emergency") == {emergency}
    assert ids(urgency="high,low") == {high, low}
    assert ids(unassigned="true") == {emergency, old}
    assert ids(unassigned="false") == {high, low}
    assert ids(overdue="true") == {old}  # four days without a first response
    assert ids(overdue="false") == {emergency, high, low}
    clock.forward(hours=2)  # the emergency is three hours old now, still unanswered
    assert ids(overdue="true") == {emergency, old}
    assert ids(overdue="true", unassigned="true", urgency="emergency") == {emergency}
    assert ids(assignee="me", category="repatriation") == {high}
    assert ids(unassigned="true", category="repatriation") == set()
    assert ids(status="new", urgency="low") == {low}
    assert ids(status="triaged", urgency="low") == set()


def test_keyset_paging_through_filtered_results_loses_and_repeats_nothing(client, create_user, auth):
    worker, staff = create_user(full_name="Rina Wati"), create_user(role="staff")
    other = create_user(full_name="Someone Else")
    base = datetime.now(timezone.utc) - timedelta(days=2)
    wanted = []
    for n in range(17):
        category = "trafficking" if n % 3 == 0 else "unpaid_wages"
        created = (base + timedelta(minutes=n * 7 if n % 4 else 0)).isoformat()  # some share a time
        wanted.append(new_request(client, auth, worker, category=category, urgency="high", created_at=created))
        new_request(client, auth, other, category=category, urgency="high", created_at=created)
        new_request(client, auth, worker, category=category, urgency="low", created_at=created)
    headers = auth(staff)
    every = found(client, headers, q="Rina", urgency="high", limit=100)
    assert sorted(every) == sorted(wanted)
    for limit in (1, 3, 5):
        assert found(client, headers, q="Rina", urgency="high", limit=limit) == every
    # In the queue's order: critical first, then the longest waiting.
    assert found(client, headers, limit=100, urgency="high", q="Rina") == [
        i for i in found(client, headers, limit=100) if i in set(wanted)]


def test_queue_items_carry_assignee_and_deadlines(client, create_user, auth):
    worker, staff = create_user(), create_user(role="staff", full_name="Budi Santoso")
    rid = new_request(client, auth, worker)
    headers = auth(staff)
    item = client.get("/api/v1/queue", headers=headers).json["items"][0]
    assert item["assignee"] is None and isinstance(item["overdue"], bool)
    assert item["first_response_due_at"].endswith("Z") and item["due_at"].endswith("Z")
    client.post(f"/api/v1/queue/{rid}/claim", headers=headers)
    item = client.get("/api/v1/queue", headers=headers).json["items"][0]
    assert item["assignee"] == {"id": str(staff.id), "full_name": "Budi Santoso"}
    assert uuid.UUID(item["id"]) and client.get(f"/api/v1/queue/{rid}", headers=headers).json["assignee"] == {
        "id": str(staff.id), "full_name": "Budi Santoso"}
