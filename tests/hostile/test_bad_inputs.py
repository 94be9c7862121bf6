"""Bad input on every write endpoint: a 4xx in the JSON error shape, in the request's language, and nothing stored.

The table below names every POST/PUT/PATCH/DELETE operation of the OpenAPI document (a test
checks that it stays complete) with who may call it, a valid body and the kind of each field.
From it come the hostile variants: malformed JSON, duplicated keys, a body that is not an
object, unknown fields, 10 MB, wrong types, very long strings, control characters, SQL, HTML,
emoji and right-to-left text in fields with a format, and dates far in the past and future.
Each is sent with `?lang=en` and in the default language (Indonesian); the two messages differ.
"""
import json
import uuid
from dataclasses import dataclass, field
from typing import Callable

import pytest
from sqlalchemy import func, select

from app.extensions import db
from tests.builders import help_body, presence_body

SHAPE = {"code", "status", "message", "errors"}
SQL = "' OR 1=1; DROP TABLE users; --"
HTML = "<script>alert(1)</script><img src=x onerror=alert(1)>"
EMOJI = "🙂🔥👩🏽‍🔧"
RTL = "مرحبا \u202eabc\u202c עברית"
CONTROL = ["abc\x00def", "bell\x07", "esc\x1b[31mred"]
LONG = "x" * 100_001
SURROGATE = "abc\ud800def"  # half of a UTF-16 pair, alone: valid JSON ("\ud800"), unstorable as UTF-8
NESTED = b"[" * 100_000 + b"]" * 100_000
TEN_MB = b'{"body": "' + b"a" * (10 * 1024 * 1024) + b'"}'
FAR_DATES = {"date": ["0001-01-01", "9999-12-31", "1800-02-30"],
             "datetime": ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00", "1066-10-14T09:00:00Z",
                          "5000-01-01T00:00:00Z"]}
WRONG_TYPE = {"text": 12345, "strict": ["a"], "number": "many", "integer": 1.5, "bool": "yes", "object": "x",
              "list": {"a": 1}, "date": 20250101, "datetime": True, "uuid": 42}


@dataclass
class Endpoint:
    method: str
    path: str                        # as in the OpenAPI document
    role: str | None                 # worker | staff | admin | refresh | None (anonymous)
    body: Callable | None = None     # world → a valid body; None: the operation takes no body
    fields: dict = field(default_factory=dict)  # name → text | strict | number | ... (see WRONG_TYPE)
    also: tuple = ()                 # further 4xx codes this endpoint may answer bad input with


def job_order(_world):
    return {"number": f"JO-{uuid.uuid4().hex[:8]}", "employer": "Ladang Sawit Sdn Bhd", "country": "MY",
            "region": "MY-12", "sector": "plantation", "positions": 10, "salary_offered": 1500,
            "currency": "MYR", "agency_licence": "HOSTILE-001", "status": "verified"}


def register(_world):
    return {"phone": "+6281" + str(uuid.uuid4().int)[:9], "password": "password123", "full_name": "Siti Aminah",
            "language": "id"}


HELP_FIELDS = {"id": "uuid", "category": "strict", "urgency": "strict", "description": "text", "country": "strict",
               "region": "strict", "city": "text", "contact_phone": "strict", "location": "object",
               "created_at": "datetime"}
PRESENCE_FIELDS = {"id": "uuid", "passport_status": "strict", "passport_number": "strict", "nik": "strict",
                   "other_document": "text", "country": "strict",
                   "region": "strict", "city": "text", "address": "text", "employer_name": "text",
                   "employer_phone": "strict", "sector": "strict", "arrival_date": "date",
                   "contract_end_date": "date", "emergency_contact": "object", "created_at": "datetime"}

TABLE = [
    Endpoint("POST", "/api/v1/auth/register", None, register,
             {"phone": "strict", "password": "text", "full_name": "text", "language": "strict"}),
    Endpoint("POST", "/api/v1/auth/login", None, lambda w: {"phone": w.worker.phone, "password": "password123"},
             {"phone": "strict", "password": "text"}, also=(401,)),  # 401: the same answer for any unknown pair
    Endpoint("POST", "/api/v1/auth/refresh", "refresh"),
    Endpoint("POST", "/api/v1/auth/password-reset", None, lambda w: {"phone": "0812 9999 0000"},
             {"phone": "strict", "phone_country": "strict"}),
    Endpoint("POST", "/api/v1/auth/password-reset/confirm", None,
             lambda w: {"phone": "+6281299990000", "code": "123456", "password": "password123"},
             {"phone": "strict", "phone_country": "strict", "code": "text", "password": "text"},
             also=(400,)),  # 400: a wrong code
    Endpoint("POST", "/api/v1/auth/logout", "worker"),
    Endpoint("DELETE", "/api/v1/me", "worker", lambda w: {"confirm": True}, {"confirm": "bool"}),
    Endpoint("PUT", "/api/v1/presence", "worker", lambda w: presence_body(), PRESENCE_FIELDS),
    Endpoint("POST", "/api/v1/help-requests", "worker", lambda w: help_body(), HELP_FIELDS),
    Endpoint("POST", "/api/v1/help-requests/{help_request_id}/messages", "worker",
             lambda w: {"id": str(uuid.uuid4()), "body": "Terima kasih", "created_at": "2026-01-10T08:15:00+08:00"},
             {"id": "uuid", "body": "text", "created_at": "datetime"}),
    Endpoint("POST", "/api/v1/help-requests/{help_request_id}/withdraw", "worker"),
    Endpoint("PUT", "/api/v1/help-requests/{help_request_id}/family-pin", "worker", lambda w: {"pin": "482913"},
             {"pin": "strict"}),
    Endpoint("DELETE", "/api/v1/help-requests/{help_request_id}/family-pin", "worker"),
    Endpoint("PATCH", "/api/v1/queue/{help_request_id}", "staff", lambda w: {"status": "triaged"},
             {"status": "strict", "priority_override": "strict", "assignee_id": "uuid", "mission_code": "strict",
              "closure_reason": "strict", "duplicate_of": "uuid"}),
    Endpoint("POST", "/api/v1/queue/{help_request_id}/claim", "staff"),
    Endpoint("POST", "/api/v1/queue/{help_request_id}/notes", "staff", lambda w: {"body": "Sudah ditelepon."},
             {"body": "text"}),
    Endpoint("POST", "/api/v1/queue/{help_request_id}/messages", "staff",
             lambda w: {"id": str(uuid.uuid4()), "body": "Kami akan menghubungi Anda."},
             {"id": "uuid", "body": "text"}),
    Endpoint("POST", "/api/v1/sync", "worker",
             lambda w: {"device_id": str(uuid.uuid4()), "cursor": None,
                        "mutations": [{"id": str(uuid.uuid4()), "type": "help_request.create", "data": help_body(),
                                       "created_at": "2026-01-10T08:15:00+08:00"}]},
             {"device_id": "uuid", "cursor": "strict", "mutations": "list"}),
    Endpoint("POST", "/api/v1/job-orders", "staff", job_order,
             {"number": "text", "employer": "text", "country": "strict", "region": "strict", "sector": "strict",
              "positions": "integer", "salary_offered": "number", "currency": "strict", "agency_licence": "text",
              "status": "strict"}),
    Endpoint("POST", "/api/v1/integration/proposals/{proposal_id}/confirm", "admin"),
    Endpoint("POST", "/api/v1/integration/proposals/{proposal_id}/reject", "admin"),
    Endpoint("POST", "/api/v1/users/{user_id}/deactivate", "admin"),
    # A raw body, not JSON (tests/attachments test its bytes): a JSON body or none is not a file (415).
    Endpoint("PUT", "/api/v1/attachments/{attachment_id}", "worker", also=(415,)),
]


@dataclass
class Case:
    name: str
    body: bytes | None
    path: str | None = None
    headers: dict | None = None
    codes: tuple = (400, 422)


def cases_for(endpoint: Endpoint, world) -> list[Case]:
    if endpoint.body is None:
        return bodyless_cases(endpoint)
    valid = endpoint.body(world)
    cases = [
        Case("malformed JSON", b'{"broken": '),
        Case("duplicated keys", json.dumps(valid)[:-1].encode() + b', "' + next(iter(valid)).encode() + b'": null}',
             codes=(400,)),
        Case("NaN", json.dumps({**valid, "zz": float("nan")}).encode(), codes=(400,)),
        Case("not an object", b"[1, 2, 3]"),
        Case("unknown field", json.dumps({**valid, "is_admin": True}).encode(), codes=(422,)),
        Case("10 MB", TEN_MB, codes=(413,)),
        Case("not JSON at all", b"phone=1&password=2"),
        Case("nested 100,000 deep", NESTED, codes=(400,)),
        Case("an integer of 5,000 digits", json.dumps(valid)[:-1].encode() + b', "zz": ' + b"7" * 5000 + b"}",
             codes=(400,)),
        Case("a lone surrogate in a key", json.dumps({**valid, "zz" + SURROGATE: 1}).encode(), codes=(422,)),
    ]
    for name, kind in endpoint.fields.items():
        def variant(value, label, codes=(422,), name=name):
            cases.append(Case(f"{name}: {label}", json.dumps({**valid, name: value}).encode(), codes=codes))

        variant(WRONG_TYPE[kind], "wrong type", codes=(400, 422))
        if kind in ("text", "strict"):
            variant(LONG, "100k characters")
            for text in CONTROL:
                variant(text, f"control {text!r}", codes=(400, 422))
            variant(SURROGATE, "lone surrogate")
        if kind == "object":
            variant({"name": SURROGATE}, "lone surrogate inside")
            variant({"name": "abc\x00def"}, "NUL inside")
        if kind == "list":
            variant([SURROGATE], "lone surrogate inside")
        if kind in ("strict", "uuid"):
            for label, text in (("SQL", SQL), ("HTML", HTML), ("emoji", EMOJI), ("right-to-left", RTL)):
                variant(text, label, codes=(400, 422))
        if kind in FAR_DATES:
            for text in FAR_DATES[kind]:
                variant(text, f"date {text}")
    return cases


def bodyless_cases(endpoint: Endpoint) -> list[Case]:
    """No body to attack: the path (or the token) carries the hostile value; a 10 MB body is refused."""
    if "{" not in endpoint.path:
        tokens = [SQL, HTML, EMOJI, "a" * 5000, "eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0."]
        return [Case(f"token {t[:10]!r}", None, headers={"Authorization": f"Bearer {t}"}, codes=(401, 422))
                for t in tokens] + [Case("10 MB", TEN_MB, codes=(413, 401))]
    cases = []
    for label, value in (("SQL", SQL), ("HTML", HTML), ("emoji", EMOJI), ("right-to-left", RTL),
                         ("very long", "9" * 5000), ("unknown uuid", str(uuid.uuid4()))):
        path = endpoint.path.replace("{help_request_id}", value).replace("{proposal_id}", value).replace(
            "{user_id}", value).replace("{attachment_id}", value)
        cases.append(Case(f"path {label}", None, path=path, codes=(404,)))
    cases.append(Case("10 MB", TEN_MB, codes=(413,)))
    return cases


@dataclass
class World:
    worker: object
    headers: dict
    help_request_id: str


@pytest.fixture
def world(client, create_user, auth, tokens_for, app):
    from app.channels.services import upsert_agencies

    upsert_agencies([{"licence_number": "HOSTILE-001", "name": "PT Uji", "status": "active", "valid_until": None,
                      "address": None, "branches": []}])
    db.session.commit()
    worker = create_user(phone="+6281277788899")
    headers = {"worker": auth(worker), "staff": auth(create_user(role="staff")),
               "admin": auth(create_user(role="admin")),
               "refresh": {"Authorization": f"Bearer {tokens_for(worker)['refresh_token']}"}, None: {}}
    created = client.post("/api/v1/help-requests", json=help_body(), headers=headers["worker"])
    assert created.status_code == 201, created.json
    return World(worker, headers, created.json["id"])


def row_counts() -> dict[str, int]:
    db.session.remove()
    counts = {t.name: db.session.scalar(select(func.count()).select_from(t)) for t in db.metadata.sorted_tables}
    db.session.remove()
    return counts


def send(client, endpoint: Endpoint, world: World, case: Case, lang: str | None):
    path = case.path or endpoint.path.replace("{help_request_id}", world.help_request_id).replace(
        "{proposal_id}", str(uuid.uuid4())).replace("{user_id}", str(uuid.uuid4())).replace(
        "{attachment_id}", str(uuid.uuid4()))
    if lang:
        path += ("&" if "?" in path else "?") + f"lang={lang}"
    headers = {**world.headers[endpoint.role], **(case.headers or {})}
    return client.open(path, method=endpoint.method, data=case.body, headers=headers,
                       content_type="application/json" if case.body is not None else None)


def test_the_table_covers_every_write_endpoint(client):
    document = client.get("/api/v1/openapi.json").json
    writes = {(method.upper(), path) for path, operations in document["paths"].items()
              for method in operations if method in ("post", "put", "patch", "delete")}
    assert writes == {(e.method, e.path) for e in TABLE}


@pytest.mark.parametrize("endpoint", TABLE, ids=lambda e: f"{e.method} {e.path}")
def test_bad_input_is_refused_in_the_callers_language_and_stores_nothing(app, endpoint, world):
    before = row_counts()
    failures = []
    for case in cases_for(endpoint, world):
        # Fresh clients: `?lang=` is remembered in a cookie.
        english = send(app.test_client(), endpoint, world, case, "en")
        indonesian = send(app.test_client(), endpoint, world, case, None)
        for response in (english, indonesian):
            if response.status_code not in case.codes + endpoint.also or not response.is_json or set(response.json) != SHAPE:
                failures.append(f"{case.name}: {response.status_code} {response.get_data(as_text=True)[:200]}")
                break
        else:
            if english.json["message"] == indonesian.json["message"]:
                failures.append(f"{case.name}: the same message in both languages: {english.json['message']}")
    assert not failures, "\n".join(failures)
    assert row_counts() == before


@pytest.mark.parametrize("path", [
    "/api/v1/missions/route?country=M%00Y&region=MY-12",
    "/api/v1/missions?country=%00",
    "/api/v1/schemes?q=%00%07",
    "/api/v1/agencies?q=abc%00",
    "/api/v1/queue?status=%00",
    "/api/v1/queue?cursor=%00&limit=5",
    "/api/v1/missions/KJRI%00",
    "/api/v1/schemes/a%00b",
    "/api/v1/agencies/%00",
    "/api/v1/job-orders/%1b%00",
])
def test_control_characters_in_the_address_never_give_a_500(client, create_user, auth, path):
    """PostgreSQL cannot even compare a string holding NUL: it must never reach a query."""
    headers = auth(create_user(role="staff"))
    for lang in ("en", None):
        response = client.get(path + (f"&lang={lang}" if "?" in path else f"?lang={lang}") if lang else path,
                              headers=headers)
        # A search for garbage may simply find nothing (200); anything else is a 4xx in the error shape.
        assert response.status_code in (200, 400, 404, 422), response.get_data(as_text=True)[:200]
        assert response.is_json
        if response.status_code != 200:
            assert set(response.json) == SHAPE
