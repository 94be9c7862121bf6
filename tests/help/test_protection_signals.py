"""A withheld passport is a protection signal in the queue (issue 16, capability 1)."""
from tests.builders import help_body, presence_body


def report_presence(client, auth, worker, **fields):
    response = client.put("/api/v1/presence", json=presence_body(**fields), headers=auth(worker))
    assert response.status_code in (200, 201), response.json


def ask(client, auth, worker, **fields) -> str:
    response = client.post("/api/v1/help-requests", json=help_body(**fields), headers=auth(worker))
    assert response.status_code == 201, response.json
    return response.json["id"]


def test_withheld_passport_is_a_signal_on_queue_items_and_detail(client, create_user, auth):
    kept, free, silent = create_user(), create_user(), create_user()
    staff = create_user(role="staff")
    report_presence(client, auth, kept, passport_status="withheld", passport_number=None)
    report_presence(client, auth, free)
    ids = {"kept": ask(client, auth, kept), "free": ask(client, auth, free), "silent": ask(client, auth, silent)}

    items = {i["id"]: i for i in client.get("/api/v1/queue", headers=auth(staff)).json["items"]}
    assert items[ids["kept"]]["passport_withheld"] is True
    assert items[ids["kept"]]["signals"] == ["passport_withheld"]
    assert items[ids["kept"]]["passport_status"] == "withheld"
    assert (items[ids["free"]]["passport_withheld"], items[ids["free"]]["signals"]) == (False, [])
    assert items[ids["free"]]["passport_status"] == "held"
    assert (items[ids["silent"]]["passport_withheld"], items[ids["silent"]]["passport_status"]) == (False, None)

    detail = client.get(f"/api/v1/queue/{ids['kept']}", headers=auth(staff)).json
    assert detail["signals"] == ["passport_withheld"] and detail["presence"]["passport_status"] == "withheld"


def test_the_signal_follows_her_current_report(client, create_user, auth):
    worker, staff = create_user(), create_user(role="staff")
    report_presence(client, auth, worker, passport_status="withheld", passport_number=None,
                    created_at="2026-01-10T08:00:00+08:00")
    request_id = ask(client, auth, worker)
    report_presence(client, auth, worker, passport_status="held", created_at="2026-02-10T08:00:00+08:00")
    [item] = client.get("/api/v1/queue", headers=auth(staff)).json["items"]
    assert item["id"] == request_id and item["passport_withheld"] is False


def test_claim_and_patch_answers_carry_the_signal_too(client, create_user, auth):
    worker, staff = create_user(), create_user(role="staff")
    report_presence(client, auth, worker, passport_status="withheld", passport_number=None)
    request_id = ask(client, auth, worker)
    assert client.post(f"/api/v1/queue/{request_id}/claim", headers=auth(staff)).json["passport_withheld"] is True
    patched = client.patch(f"/api/v1/queue/{request_id}", json={"status": "triaged"}, headers=auth(staff))
    assert patched.json["signals"] == ["passport_withheld"]


def test_a_queue_page_reads_the_signals_in_one_query(client, create_user, auth):
    from sqlalchemy import event

    from app.extensions import db

    staff = create_user(role="staff")
    for _ in range(5):
        worker = create_user()
        report_presence(client, auth, worker, passport_status="withheld", passport_number=None)
        ask(client, auth, worker)
    headers = auth(staff)
    statements = []

    def remember(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", remember)
    try:
        items = client.get("/api/v1/queue", headers=headers).json["items"]
    finally:
        event.remove(db.engine, "before_cursor_execute", remember)
    assert [i["passport_withheld"] for i in items] == [True] * 5
    assert sum("presence_reports" in s for s in statements) == 1
