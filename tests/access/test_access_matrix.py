"""The access matrix: every role × every route of `app.url_map` × own and other mission, against
the answers written out below (not derived from app.access).

A route without a row fails `test_every_route_has_a_row`: a new endpoint is not done until
someone has written down who may call it. Adding a row is one line of `ROWS`.

The actors, seen from the "own" side: `worker` (at KJRI Kota Kinabalu), `other_worker` (at the
embassy in Kuala Lumpur), `staff` of Kota Kinabalu, `other_staff` of Kuala Lumpur, `no_mission`
(staff attached to no mission), `admin`, and `anonymous`. The "own" side addresses the records of
Kota Kinabalu and of `worker`; the "other" side those of Kuala Lumpur and of `other_worker`.

Expected answers, one slot per actor in ACTORS order (or one code for all): a status code, or
`own|other` where the side matters; `login` is a redirect to the login page, `302`/`303` any
other redirect.
"""
import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import Callable

import pytest
from flask_jwt_extended import get_csrf_token
from sqlalchemy import select

from app.extensions import db
from tests.builders import bare_presence_body, flat_form, help_body
from tests.support.database import wipe
from tests.support.forms import form_token

ACTORS = ("anonymous", "worker", "other_worker", "staff", "other_staff", "no_mission", "admin")
SIDES = ("own", "other")
MISSION = {"own": "KJRI-KOTAKINABALU", "other": "KBRI-KUALALUMPUR"}
PLACE = {"own": {"country": "MY", "region": "MY-12", "city": "Kota Kinabalu"},
         "other": {"country": "MY", "region": "MY-14", "city": "Kuala Lumpur"}}
PASSPORT = {"worker": "A1234567", "other_worker": "B7654321"}
PASSWORD = "password123"
LICENCE = "KEP.ACCESS/2026"
VOICE = b"OggS" + b"\x00" * 60  # an Ogg voice note, as far as its first bytes say


# --------------------------------------------------------------------------- the request of a row

def _fresh_request(ctx):
    return {"help_request_id": ctx.world.new_help_request(ctx.side)}


def _disposable_request(ctx):
    return {"help_request_id": ctx.world.new_help_request(ctx.side, owner=ctx.world.new_actor("worker"))}


def _disposable_worker(ctx):
    return {"user_id": ctx.world.new_actor("worker").id}


def _assisted_worker(ctx):
    """A worker registered (with her consent) by the staff of `side`'s mission, for the assist pages."""
    from app.assist.services import register_worker

    helper = ctx.world.user("staff" if ctx.side == "own" else "other_staff")
    worker, _filing = register_worker(helper, {"full_name": "Dibantu", "consent": "spoken_in_person",
                                               "recorded_by": "Ani", "agreed": True})
    db.session.commit()
    return {"worker_id": worker.id}


CONSENT = {"consent": "spoken_in_person", "recorded_by": "Ani", "agreed": "yes"}


def _filed_help(ctx):
    return {**flat_form({k: v for k, v in _help(ctx).items() if k not in ("location", "created_at")}), **CONSENT}


def _filed_presence(ctx):
    return {**flat_form({k: v for k, v in _presence(ctx).items() if k != "created_at"}), **CONSENT}


def _disposable_staff(ctx):
    return {"user_id": ctx.world.new_actor("staff").id}


def _fresh_proposal(ctx):
    return {"proposal_id": ctx.world.new_proposal()}


def _help(ctx):
    return help_body(**PLACE[ctx.side])


def _presence(ctx):
    return bare_presence_body(passport_number=PASSPORT.get(ctx.actor, "C1111111"), **PLACE[ctx.side])


def _job_order(ctx):
    return {"number": f"JO-{uuid.uuid4().hex[:10]}", "employer": "Ladang Uji Sdn Bhd", "sector": "plantation",
            "positions": 3, "agency_licence": LICENCE, "status": "verified",
            "country": "MY", "region": PLACE[ctx.side]["region"]}


def _register(_ctx):
    return {"phone": "+6281" + str(uuid.uuid4().int)[:9], "password": PASSWORD, "full_name": "Pendaftar Baru"}




@dataclass
class Row:
    """One method of one route: the answers per actor, and how to build a meaningful request."""
    method: str
    rule: str
    expect: str
    json: dict | Callable | None = None
    form: dict | Callable | None = None
    query: str = ""
    values: Callable | None = None  # URL values made for this one call (a record it will change)
    fresh_actor: bool = False  # the call ends the account: a new one of the same role each time
    token: str = "access"  # or "refresh"
    page: str | None = None  # a page form: load this page first and send its hidden form token
    raw: tuple[str, bytes] | None = None  # a raw body: (content type, bytes)

    @property
    def id(self) -> str:
        return f"{self.method} {self.rule}"


def row(spec: str, expect: str, **kwargs) -> Row:
    method, rule = spec.split(" ", 1)
    return Row(method, rule, expect, **kwargs)


#                                                                anonymous worker other_w staff  other_s no_m admin
ROWS = [
    row("GET /", "200"),
    row("GET /account", "login 200 200 403 403 403 403"),
    row("POST /account/delete", "401 303 303 403 403 403 403", form={"confirm": "yes"}, fresh_actor=True),
    row("GET /account/export", "login 200 200 403 403 403 403"),
    row("GET /api/v1/agencies", "200"),
    row("GET /api/v1/agencies/<path:licence_number>", "200"),
    row("PUT /api/v1/attachments/<uuid:attachment_id>", "401 201 201 403 403 403 403", raw=("audio/ogg", VOICE),
        values=lambda ctx: {"attachment_id": uuid.uuid4()}),
    row("GET /api/v1/attachments/<uuid:attachment_id>", "401 200|404 404|200 403 403 403 403"),
    row("GET /api/v1/audit", "401 403 403 403 403 403 200"),
    row("POST /api/v1/auth/login", "200", json=lambda ctx: {"phone": ctx.world.phone["worker"], "password": PASSWORD}),
    row("POST /api/v1/auth/password-reset", "202", json=lambda ctx: {"phone": ctx.world.phone["worker"]}),
    row("POST /api/v1/auth/password-reset/confirm", "400",
        json=lambda ctx: {"phone": ctx.world.phone["worker"], "code": "000000", "password": "baru-rahasia-1"}),
    row("POST /api/v1/auth/logout", "401 204 204 204 204 204 204"),
    row("POST /api/v1/auth/refresh", "401 200 200 200 200 200 200", token="refresh"),
    row("POST /api/v1/auth/register", "201", json=_register),
    row("GET /api/v1/docs", "200"),
    row("GET /api/v1/docs/swagger-ui-4.15.5/<any('swagger-ui.css', 'swagger-ui-bundle.js'):filename>", "200",
        values=lambda ctx: {"filename": "swagger-ui.css"}),
    row("GET /api/v1/help-requests", "401 200 200 403 403 403 403"),
    row("POST /api/v1/help-requests", "401 201 201 403 403 403 403", json=_help),
    row("GET /api/v1/help-requests/<uuid:help_request_id>", "401 200|404 404|200 403 403 403 403"),
    row("PUT /api/v1/help-requests/<uuid:help_request_id>/family-pin", "401 200|404 404|200 403 403 403 403",
        json={"pin": "204816"}),
    row("DELETE /api/v1/help-requests/<uuid:help_request_id>/family-pin", "401 204|404 404|204 403 403 403 403"),
    row("POST /api/v1/help-requests/<uuid:help_request_id>/messages", "401 201|404 404|201 403 403 403 403",
        json=lambda ctx: {"id": str(uuid.uuid4()), "body": "Ada kabar?", "created_at": "2026-01-11T08:00:00+08:00"}),
    row("POST /api/v1/help-requests/<uuid:help_request_id>/withdraw", "401 200|404 404|200 403 403 403 403",
        values=_fresh_request),
    row("GET /api/v1/integration/proposals", "401 403 403 403 403 403 200"),
    row("POST /api/v1/integration/proposals/<uuid:proposal_id>/confirm", "401 403 403 403 403 403 200",
        values=_fresh_proposal),
    row("POST /api/v1/integration/proposals/<uuid:proposal_id>/reject", "401 403 403 403 403 403 200",
        values=_fresh_proposal),
    row("POST /api/v1/job-orders", "401 403 403 201|403 403|201 403 201", json=_job_order),
    row("GET /api/v1/job-orders/<path:number>", "200"),
    row("GET /api/v1/me", "401 200 200 200 200 200 200"),
    row("DELETE /api/v1/me", "401 204 204 403 403 403 403", json={"confirm": True}, fresh_actor=True),
    row("GET /api/v1/me/export", "401 200 200 403 403 403 403"),
    row("GET /api/v1/missions", "200"),
    row("GET /api/v1/missions/<string:code>", "200"),
    row("GET /api/v1/missions/route", "200", query="country=MY&region=MY-12"),
    row("GET /api/v1/openapi.json", "200"),
    row("GET /api/v1/places", "200"),
    row("GET /api/v1/places/<string:country>", "200", values=lambda ctx: {"country": "MY"}),
    row("GET /api/v1/presence", "401 200 200 403 403 403 403"),
    row("PUT /api/v1/presence", "401 200 200 403 403 403 403", json=_presence),  # replaces the current report
    row("GET /api/v1/queue", "401 403 403 200 200 403 200"),
    row("GET /api/v1/queue/<uuid:help_request_id>", "401 403 403 200|404 404|200 403 200"),
    row("GET /api/v1/queue/<uuid:help_request_id>/attachments/<uuid:attachment_id>",
        "401 403 403 200|404 404|200 403 200"),
    row("PATCH /api/v1/queue/<uuid:help_request_id>", "401 403 403 200|404 404|200 403 200",
        json={"status": "triaged"}, values=_fresh_request),
    row("POST /api/v1/queue/<uuid:help_request_id>/claim", "401 403 403 200|404 404|200 403 200",
        values=_fresh_request),
    row("POST /api/v1/queue/<uuid:help_request_id>/messages", "401 403 403 201|404 404|201 403 201",
        json={"body": "Kami sudah menerima permintaan Anda."}),
    row("POST /api/v1/queue/<uuid:help_request_id>/notes", "401 403 403 201|404 404|201 403 201",
        json={"body": "Called the employer."}),
    row("GET /api/v1/schemes", "200"),
    row("GET /api/v1/schemes/<string:slug>", "200"),
    row("POST /api/v1/users/<uuid:user_id>/deactivate", "401 403 403 403 403 403 200", values=_disposable_worker),
    row("GET /api/v1/status/<string:reference>", "404", query="pin=204816",
        values=lambda ctx: {"reference": "JBT-NOSUCH"}),
    row("GET /api/v1/stats", "401 403 403 200 200 403 200"),
    row("POST /api/v1/sync", "401 200 200 403 403 403 403",
        json=lambda ctx: {"device_id": str(uuid.uuid4()), "cursor": None, "mutations": []}),
    row("GET /channels", "200"),
    row("GET /channels/<slug>", "200"),
    row("GET /cleared", "200"),
    row("GET /console", "login 403 403 200 200 403 200"),
    row("GET /console/assist", "login 403 403 200 200 403 403"),
    row("GET /console/assist/register", "login 403 403 200 200 403 403"),
    row("POST /console/assist/register", "401 403 403 303 303 403 403",
        form=lambda ctx: {"full_name": "Pekerja Dibantu", **CONSENT}),
    row("GET /console/assist/workers/<uuid:worker_id>", "login 403 403 200|404 404|200 403 403",
        values=_assisted_worker),
    row("GET /console/assist/workers/<uuid:worker_id>/help", "login 403 403 200|404 404|200 403 403",
        values=_assisted_worker),
    row("POST /console/assist/workers/<uuid:worker_id>/help", "401 403 403 303|404 404|303 403 403",
        form=_filed_help, values=_assisted_worker),
    row("GET /console/assist/workers/<uuid:worker_id>/presence", "login 403 403 200|404 404|200 403 403",
        values=_assisted_worker),
    row("POST /console/assist/workers/<uuid:worker_id>/presence", "401 403 403 303|404 404|303 403 403",
        form=_filed_presence, values=_assisted_worker),
    row("POST /console/assist/workers/<uuid:worker_id>/handover", "401 403 403 200|404 404|200 403 403",
        form=lambda ctx: {"phone": "+6281" + str(uuid.uuid4().int)[:9]}, values=_assisted_worker),
    row("GET /console/audit", "login 403 403 403 403 403 200"),
    row("GET /console/proposals", "login 403 403 403 403 403 200"),
    row("GET /console/job-orders", "login 403 403 200 200 403 200"),
    row("GET /console/queue.csv", "login 403 403 200 200 403 200"),
    # Counts and ids of the reader's own mission only (tests/console/test_queue_updates.py).
    row("GET /console/queue/updates", "login 403 403 200 200 403 200", query="since=2026-01-01T00:00:00%2B00:00"),
    # A request of the other side is refused on its line of the report, not by the status code
    # (tests/console/test_bulk_actions.py).
    row("POST /console/queue/bulk", "401 403 403 200 200 403 200",
        form=lambda ctx: {"ids": str(ctx.world.new_help_request(ctx.side)), "action": "close",
                          "closure_reason": "spam", "confirm": "yes"}),
    row("POST /console/job-orders", "401 403 403 303|403 403|303 403 303", form=lambda ctx: flat_form(_job_order(ctx))),
    row("GET /console/requests/<uuid:help_request_id>", "login 403 403 200|404 404|200 403 200"),
    row("POST /console/requests/<uuid:help_request_id>/claim", "401 403 403 303|404 404|303 403 303",
        values=_fresh_request),
    row("POST /console/requests/<uuid:help_request_id>/deactivate-worker", "401 403 403 403 403 403 303",
        form={"confirm": "yes"}, values=_disposable_request),
    row("POST /console/requests/<uuid:help_request_id>/messages", "401 403 403 303|404 404|303 403 303",
        form={"body": "Kami akan menelepon Anda besok."}),
    row("POST /console/requests/<uuid:help_request_id>/notes", "401 403 403 303|404 404|303 403 303",
        form={"body": "Waiting for the employer."}),
    row("POST /console/requests/<uuid:help_request_id>/priority", "401 403 403 303|404 404|303 403 303",
        form={"priority_override": "high"}, values=_fresh_request),
    row("POST /console/requests/<uuid:help_request_id>/reset-code", "401 403 403 200|404 404|200 403 200"),
    row("POST /console/requests/<uuid:help_request_id>/status", "401 403 403 303|404 404|303 403 303",
        form={"status": "triaged"}, values=_fresh_request),
    row("POST /console/requests/<uuid:help_request_id>/transfer", "401 403 403 303|404 404|303 403 303",
        form={"mission_code": "KJRI-KUCHING"}, values=_fresh_request),
    row("GET /console/staff", "login 403 403 403 403 403 200"),
    row("POST /console/staff/<uuid:user_id>/deactivate", "401 403 403 403 403 403 303",
        form={"confirm": "yes"}, values=_disposable_staff),
    row("GET /console/stats", "login 403 403 200 200 403 200"),
    row("GET /console/stats.csv", "login 403 403 200 200 403 200"),
    row("GET /discreet.webmanifest", "200"),
    row("GET /emergency", "200"),
    row("GET /help", "200"),
    row("POST /help", "login 302 302 403 403 403 403", form=lambda ctx: flat_form(_help(ctx))),
    row("GET /login", "200"),
    row("POST /login", "302", form=lambda ctx: {"phone": ctx.world.phone["worker"], "password": PASSWORD}, page="/login"),
    row("POST /logout", "302"),
    row("GET /manifest.webmanifest", "200"),
    row("GET /offline", "200"),
    row("GET /phone", "200"),
    row("POST /phone/discreet", "303", form={"discreet": "1"}, page="/phone"),
    row("GET /presence", "200"),
    row("POST /presence", "login 302 302 403 403 403 403", form=lambda ctx: flat_form(_presence(ctx))),
    row("GET /register", "200"),
    row("POST /register", "302", form=_register, page="/register"),
    row("GET /reset", "200"),
    row("POST /reset", "200", form=lambda ctx: {"phone": ctx.world.phone["worker"]}, page="/reset"),
    row("POST /reset/confirm", "400", page="/reset",
        form=lambda ctx: {"phone": ctx.world.phone["worker"], "code": "000000", "password": "baru-rahasia-1"}),
    row("GET /requests", "200"),
    row("GET /requests/<uuid:help_request_id>/family", "login 200|404 404|200 403 403 403 403"),
    row("POST /requests/<uuid:help_request_id>/family", "401 303|404 404|303 403 403 403 403", form={"pin": "204816"}),
    row("POST /requests/<uuid:help_request_id>/family/remove", "401 303|404 404|303 403 403 403 403"),
    row("GET /resep", "200"),
    row("POST /session/refresh", "401 204 204 204 204 204 204", token="refresh"),
    row("GET /static/<path:filename>", "200"),
    row("GET /status", "200"),
    row("POST /status", "404", form={"reference": "JBT-NOSUCH", "pin": "204816"}),
    row("GET /sw.js", "200"),
    row("GET /verify", "200", query="licence_number=" + LICENCE),
    # Methods a route does not take: refused before anyone is asked who is calling.
    row("DELETE /api/v1/help-requests/<uuid:help_request_id>", "405"),
    row("GET /logout", "405"),
]

IGNORED_METHODS = {"HEAD", "OPTIONS"}


def expected(entry: Row, actor: str, side: str) -> str:
    slots = entry.expect.split()
    slot = slots[0] if len(slots) == 1 else slots[ACTORS.index(actor)]
    own, _, other = slot.partition("|")
    return other if side == "other" and other else own


# --------------------------------------------------------------------------- the world

@dataclass
class World:
    """The records every call is aimed at, built once for the module (ids and plain values only)."""
    users: dict = field(default_factory=dict)  # actor → user id
    phone: dict = field(default_factory=dict)
    mission: dict = field(default_factory=dict)  # side → mission id
    help_request: dict = field(default_factory=dict)  # side → help request id
    attachment: dict = field(default_factory=dict)  # side → the id of a voice note on that request
    job_order: dict = field(default_factory=dict)  # side → number
    scheme: str = ""

    def user(self, actor):
        from app.accounts.models import User

        return db.session.get(User, self.users[actor])

    def new_help_request(self, side, owner=None) -> uuid.UUID:
        """A request of `side`'s worker (or of `owner`) at `side`'s mission, for a call that changes it."""
        from app.help.schemas import HelpRequestInSchema
        from app.help.services import create_help_request

        owner = owner or self.user("worker" if side == "own" else "other_worker")
        help_request, _created = create_help_request(owner, HelpRequestInSchema().load(help_body(**PLACE[side])))
        db.session.commit()
        assert help_request.mission_id == self.mission[side]
        return help_request.id

    def new_proposal(self) -> uuid.UUID:
        """An open match proposal between a placement and `worker`, for an admin to decide."""
        from app.integration.models import MatchProposal, Placement

        key = uuid.uuid4().hex
        placement = Placement(source_key=key, row_hash=key, full_name="Siti Aminah", name_key="siti aminah",
                              birth_date=date(1990, 5, 17), country="MY", region="MY-12", city="Kota Kinabalu",
                              employer="Ladang Sawit Sdn Bhd", departure_date=date(2024, 3, 1),
                              mission_id=self.mission["own"])
        db.session.add(placement)
        db.session.flush()
        proposal = MatchProposal(placement_id=placement.id, user_id=self.users["worker"], score=0.9,
                                 reasons="name, birth date")
        db.session.add(proposal)
        db.session.commit()
        return proposal.id

    def new_actor(self, actor):
        """Another account like `actor` (same role and mission), for a call that deletes its caller."""
        from app.accounts.services import create_user

        model = self.user(actor)
        user = create_user(full_name=model.full_name, password=PASSWORD, role=model.role, mission=model.mission,
                           phone="+6281" + str(uuid.uuid4().int)[:9] if model.phone else None,
                           email=f"{uuid.uuid4().hex[:10]}@example.org" if model.email else None)
        db.session.commit()
        return user


def build_world() -> World:
    from app.accounts.services import create_user
    from app.attachments.services import attach, store as store_attachment
    from app.channels.models import Scheme
    from app.channels.services import create_job_order, seed_schemes, upsert_agencies
    from app.help.schemas import HelpRequestInSchema
    from app.help.services import add_note, add_staff_message, create_help_request
    from app.missions.services import get_by_code
    from app.presence.schemas import PresenceInSchema
    from app.presence.services import submit_presence

    world = World()
    missions = {side: get_by_code(code) for side, code in MISSION.items()}
    world.mission = {side: m.id for side, m in missions.items()}
    accounts = {
        "worker": dict(role="worker", phone="+6281200000001"),
        "other_worker": dict(role="worker", phone="+6281200000002"),
        "staff": dict(role="staff", email="staff.kk@example.org", mission=missions["own"]),
        "other_staff": dict(role="staff", email="staff.kl@example.org", mission=missions["other"]),
        "no_mission": dict(role="staff", email="staff.none@example.org"),
        "admin": dict(role="admin", email="admin@example.org"),
    }
    for actor, spec in accounts.items():
        user = create_user(full_name=actor.replace("_", " ").title(), password=PASSWORD, **spec)
        world.users[actor], world.phone[actor] = user.id, user.phone
    upsert_agencies([{"licence_number": LICENCE, "name": "PT Uji Akses", "status": "active", "valid_until": None,
                      "address": "Jakarta", "branches": []}])
    seed_schemes()
    world.scheme = db.session.scalar(select(Scheme.slug).order_by(Scheme.slug).limit(1))
    admin = world.user("admin")
    for side, worker in (("own", "worker"), ("other", "other_worker")):
        owner = world.user(worker)
        body = bare_presence_body(passport_number=PASSPORT[worker], **PLACE[side])
        submit_presence(owner, PresenceInSchema().load(body))
        help_request, _ = create_help_request(owner, HelpRequestInSchema().load(help_body(**PLACE[side])))
        assert help_request.mission_id == world.mission[side]
        world.help_request[side] = help_request.id
        voice, _ = store_attachment(owner, uuid.uuid4(), "audio/ogg", VOICE)
        attach(owner, [voice.id], help_request_id=help_request.id)
        world.attachment[side] = voice.id
        add_note(admin, help_request.id, "Checked the worker's presence report.")
        add_staff_message(admin, help_request.id, "Kami sudah menerima permintaan Anda.")
        order = create_job_order(admin, {"number": f"JO-{side.upper()}-1", "employer": "Ladang", "country": "MY",
                                         "region": PLACE[side]["region"], "sector": "plantation", "positions": 2,
                                         "agency_licence": LICENCE, "status": "verified"})
        assert order.mission_id == world.mission[side]
        world.job_order[side] = order.number
    db.session.commit()
    return world


@pytest.fixture(autouse=True)
def app_ctx(app):
    """Overrides the suite's wipe after every test: the world of this module is built once."""
    with app.app_context():
        yield app
        db.session.rollback()
        db.session.remove()


@pytest.fixture(scope="module")
def world(app):
    with app.app_context():
        try:
            yield build_world()
        finally:
            db.session.rollback()
            wipe()
            db.session.remove()


# --------------------------------------------------------------------------- one call

@dataclass
class Call:
    world: World
    actor: str
    side: str


def _url_values(entry: Row, ctx: Call) -> dict:
    made = entry.values(ctx) if entry.values else {}
    shared = {"help_request_id": ctx.world.help_request[ctx.side], "attachment_id": ctx.world.attachment[ctx.side],
              "number": ctx.world.job_order[ctx.side],
              "code": MISSION[ctx.side], "licence_number": LICENCE, "slug": ctx.world.scheme, "filename": "css/app.css"}
    return {**shared, **made}


def _path(rule: str, values: dict) -> str:
    import re

    return re.sub(r"<(?:[a-z]+(?:\([^)]*\))?:)?([a-z_]+)>", lambda m: str(values[m.group(1)]), rule)


def _value(spec, ctx):
    return spec(ctx) if callable(spec) else spec


def call(app, entry: Row, ctx: Call):
    """Make the call as `ctx.actor`: a bearer token for /api/, login cookies (and CSRF) for pages."""
    from app.accounts.services import issue_tokens

    client = app.test_client()
    headers, kwargs = {}, {}
    if ctx.actor != "anonymous":
        user = ctx.world.new_actor(ctx.actor) if entry.fresh_actor else ctx.world.user(ctx.actor)
        tokens = issue_tokens(user)
        db.session.commit()
        token = tokens[f"{entry.token}_token"]
        if entry.rule.startswith("/api/"):
            headers["Authorization"] = f"Bearer {token}"
        else:
            client.set_cookie("access_token_cookie", tokens["access_token"])
            client.set_cookie("refresh_token_cookie", tokens["refresh_token"])
            headers["X-CSRF-TOKEN"] = get_csrf_token(token)
    if entry.json is not None:
        kwargs["json"] = _value(entry.json, ctx)
    if entry.form is not None:
        kwargs["data"] = _value(entry.form, ctx)
    if entry.raw is not None:
        headers["Content-Type"], kwargs["data"] = entry.raw
    if entry.page is not None:
        kwargs["data"] = {"form_token": form_token(client, entry.page), **kwargs.get("data", {})}
    path = _path(entry.rule, _url_values(entry, ctx)) + ("?" + entry.query if entry.query else "")
    return client.open(path, method=entry.method, headers=headers, **kwargs)


def answer(response) -> str:
    """The status as the table writes it: a redirect to the login page is `login`."""
    if response.status_code in (302, 303) and response.headers.get("Location", "").startswith("/login"):
        return "login"
    return str(response.status_code)


# --------------------------------------------------------------------------- the tests

def test_every_route_has_a_row(app):
    """Every method of every route is in the table, and the table names no route that is gone."""
    served = {(method, rule.rule) for rule in app.url_map.iter_rules()
              for method in rule.methods - IGNORED_METHODS}
    rules = {rule.rule for rule in app.url_map.iter_rules()}
    rows = {(entry.method, entry.rule) for entry in ROWS}
    missing = sorted(served - rows)
    assert not missing, "routes without a row in the access matrix (add one line each to ROWS):\n" + "\n".join(
        f"    {method} {rule}" for method, rule in missing)
    # A row for a method the route does not take must say so (405); any other row must name a served route.
    refused = {(e.method, e.rule) for e in ROWS if e.expect == "405" and e.rule in rules}
    stale = sorted(rows - served - refused)
    assert not stale, f"rows for routes that do not exist: {stale}"
    assert len(rows) == len(ROWS), "a route has two rows"


@pytest.mark.parametrize("entry", ROWS, ids=lambda entry: entry.id)
def test_access_matrix(app, world, entry):
    """Each actor on each side gets the answer the table says."""
    wrong = []
    for side in SIDES:
        for actor in ACTORS:
            response = call(app, entry, Call(world, actor, side))
            got, want = answer(response), expected(entry, actor, side)
            if got != want:
                wrong.append(f"    {actor:>12} {side:>5}: {got} (want {want}) {response.get_data(as_text=True)[:160]!r}")
            response.close()
    assert not wrong, f"{entry.id}:\n" + "\n".join(wrong)
