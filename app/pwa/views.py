"""Worker pages. Forms post plainly (no JavaScript needed); the PWA layers the outbox on top."""
import hashlib
import json
import uuid
from functools import lru_cache
from pathlib import Path

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_jwt_extended import current_user, verify_jwt_in_request
from sqlalchemy import select

from .. import access, localtime, paths
from ..extensions import db
from ..channels.models import SECTOR_LABELS
from ..forms import field_rules, run_form
from ..help.priority import CRITICAL_CATEGORIES
from ..help.schemas import HelpRequestInSchema, HelpRequestSchema
from ..help.services import create_help_request, list_for_worker
from ..i18n import _, _l, ngettext
from ..missions import calls, places
from ..missions.models import SHORT_KINDS_ID, Mission
from ..presence.schemas import PresenceInSchema
from ..presence.services import current_presence, submit_presence
from ..web import asset
from .guards import form_token, keep_form_token

bp = Blueprint("pwa", __name__, template_folder="templates")
bp.after_request(keep_form_token)
# Call buttons (templates/calls.html) on every page that shows a number.
bp.add_app_template_filter(calls.dial_href, "dial_href")
bp.add_app_template_filter(calls.phone_label, "phone_label")
bp.add_app_template_filter(calls.services_text, "services_text")
bp.add_app_template_filter(calls.display, "phone_display")


def page_user():
    """The logged-in user for a page, or None (an expired cookie just means anonymous)."""
    try:
        verify_jwt_in_request(optional=True)
        return current_user if current_user else None
    except Exception:
        return None


@bp.app_context_processor
def _page_globals():
    return {"page_user": page_user, "csrf_token": lambda: request.cookies.get("csrf_access_token", ""),
            "form_token": form_token, "may": access.can, "outbox_banner": outbox_banner}


def outbox_banner() -> dict:
    """The words of the banner on every worker page (static/js/states.js fills it in): no signal,
    and how many items wait on the phone, in the singular and plural forms of the page's language
    (the script picks one with Intl.PluralRules and puts the count where `%(count)s` is)."""
    def waiting(n):
        return ngettext("%(count)s item waiting to be sent", "%(count)s items waiting to be sent", n,
                        count="%(count)s")

    return {"no_signal": _("No signal"), "one": waiting(1), "other": waiting(2)}


@bp.get("/")
def home():
    return render_template("pwa/home.html")


# ---------------------------------------------------------------- the offline-first worker pages

CATEGORY_LABELS = {
    "unpaid_wages": _l("Wages not paid"), "abuse_violence": _l("Abuse or violence"),
    "document_withheld": _l("Passport or documents held by someone else"),
    "detention_legal": _l("Arrested or legal trouble"), "trafficking": _l("Trafficking or forced work"),
    "health_emergency": _l("Health emergency"), "contract_dispute": _l("Contract dispute"),
    "repatriation": _l("I want to go home"), "lost_contact": _l("Lost contact with family"), "other": _l("Other"),
}
URGENCY_LABELS = {"low": _l("Low"), "normal": _l("Normal"), "high": _l("High"),
                  "emergency": _l("Emergency: I am in danger now")}
STATUS_LABELS = {
    "new": _l("Received"), "triaged": _l("Being reviewed"), "in_progress": _l("Being handled"),
    "resolved": _l("Resolved"), "closed": _l("Closed"), "referred": _l("Referred to another office"),
    "withdrawn": _l("Withdrawn"),
}
# Why the mission closed a request, in the worker's words (the console has the staff's).
CLOSURE_LABELS = {
    "resolved": _l("The mission has closed it: your problem was solved."),
    "duplicate": _l("The mission has closed it because it repeats another request. That one is being handled."),
    "unreachable": _l("The mission has closed it because they could not reach you. You can ask for help again."),
    "no_clarification": _l("The mission has closed it because the details they asked you for did not come. "
                           "You can ask for help again."),
    "referred": _l("The mission has closed it and passed it on to another office."),
    "spam": _l("The mission has closed it because it is not a request for help."),
}
# What became of something the worker wrote (the contract's `data-sync-state`), in one word each.
STATE_LABELS = {"pending": _l("Waiting to be sent"), "synced": _l("Sent"), "rejected": _l("Refused")}
# What each state means, said once where she writes (the legend of /help).
STATE_MEANINGS = {
    "pending": _l("It is kept on your phone and goes by itself when there is signal."),
    "synced": _l("It has reached the mission."),
    "rejected": _l("The mission's system did not take it: read why, correct it and send it again."),
}
CARD_FILE = Path(__file__).with_name("emergency_card.json")
STATIC_DIR = paths.STATIC_DIR
# What the service worker keeps for offline use; its version is a hash of these files.
SHELL_PAGES = ["/", "/help", "/requests", "/presence", "/emergency", "/channels", "/offline", "/resep"]
SHELL_STATIC = ["css/app.css", "js/app.js", "js/store.js", "js/sync.js", "js/attachments.js", "js/calls.js",
                "js/places.js", "js/fields.js", "js/states.js",
                "icons/icon-192.png", "js/privacy.js", "js/privacy-head.js", "icons/notes-192.png"]
# Imported by module path, so kept under their plain URLs; the rest under the versioned URLs the
# pages use, which the service worker's install then finds in the HTTP cache.
UNVERSIONED = {"js/store.js", "js/sync.js", "js/attachments.js", "js/fields.js", "js/states.js"}


def _labels() -> dict:
    """Texts the page scripts show, translated here so that they work offline in the page's language."""
    return {
        # One word per state, the same on every page and in the banner (base.html), each with its
        # icon (css/app.css `.state`): never the colour alone.
        "state": {k: str(v) for k, v in STATE_LABELS.items()},
        "received": _("Received by the mission."),
        "written": _("Written"),
        "changed": _("Last change"),
        "status": {k: str(v) for k, v in STATUS_LABELS.items()},
        "closure": {k: str(v) for k, v in CLOSURE_LABELS.items()},
        "category": {k: str(v) for k, v in CATEGORY_LABELS.items()},
        "urgency": {k: str(v) for k, v in URGENCY_LABELS.items()},
        "correct": _("Correct and send again"),
        "messages": _("Messages"),
        "from_mission": _("Mission"),
        "from_me": _("Me"),
        "send": _("Send message"),
        "empty": _("You have not asked for help yet."),
        "login": _("Log in so that your saved items can be sent."),
        "reference": _("Reference"),
        "call": calls.script_labels(),
        "sent_to": _("Sent to %(mission)s"),
        # A request someone filed for her (app.assist): `filed_by` of the API's answer.
        "filed_by": _("Sent for you by %(name)s (%(organisation)s) on %(day)s, as you agreed."),
        "received_by": _("Received by %(mission)s"),
        # Missions as workers name them ("KJRI Kota Kinabalu"); in English by their full name.
        "mission_kinds": {} if str(get_locale()) == "en" else SHORT_KINDS_ID,
        "family": _("Family check: let your family see the status"),
        # Items the phone gave up sending (static/js/sync.js giveUp).
        "unsendable": _("This could not be sent: our system fails on it. Please write it again, "
                        "or call the mission."),
        "too_large": _("This is too large to send. Please make it shorter and save it again."),
        # The voice note and photo picker of the help form (static/js/attachments.js).
        "files": {"voice": _("Voice note"), "photo": _("Photo"), "record": _("Record voice"),
                  "stop": _("Stop recording"), "remove": _("Remove"),
                  "max": _("You can add at most 5 voice notes or photos."),
                  "too_large": _("This file is too large. Record a shorter voice note or choose another photo."),
                  "no_microphone": _("The microphone cannot be used. You can write, or add a photo."),
                  "not_a_photo": _("This is not a photo we can read. Choose another one."),
                  "attached": _("%(count)s voice note(s) or photo(s)")},
    }


def _mission_countries() -> list[str]:
    """The countries with an Indonesian mission (the "Call now" card has numbers for each)."""
    return sorted(db.session.scalars(select(Mission.country).distinct()))


def _place_choices(country: str | None) -> dict:
    """The country and region lists of a place form, in the page's language.

    The regions are those of the chosen country, rendered here so that the form works
    without JavaScript; with it, the page script refills them from /api/v1/places.
    """
    lang = str(get_locale() or "id")
    main = set(places.main_destinations())
    everything = places.countries(lang)
    chosen = places.country(country or "", lang) or places.country("MY", lang)
    return {"main_countries": [c for c in everything if c["code"] in main],
            "other_countries": [c for c in everything if c["code"] not in main],
            "chosen_country": chosen["code"], "regions": chosen["regions"]}


def _current_presence(user):
    if user is None:
        return None
    return current_presence(user)


def _page(template: str, status: int = 200, **context):
    user = page_user()
    context.setdefault("presence", _current_presence(user))
    return render_template(template, user=user, labels=_labels(), **context), status


def _form_data(form, fields) -> dict:
    """A plain form as the API body: empty optional fields left out, `a.b` names nested (the
    nested object kept even when all of it is empty, so that each of its fields says it is needed)."""
    data = {}
    for name in fields:
        value = (form.get(name) or "").strip()
        outer, _dot, inner = name.partition(".")
        if inner:
            data.setdefault(outer, {})
        if not value:
            continue
        if inner:
            data[outer][inner] = value
        else:
            data[name] = value
    return data


def _require_login():
    """A plain form POST needs a worker's login (and its CSRF token); anonymous → the login page,
    another role → 403 (app.access)."""
    try:
        verify_jwt_in_request(locations=["cookies"])
    except Exception:
        return redirect("/login?next=" + request.path)
    access.require(current_user, access.OWN_RECORDS)
    return None


def _submit(schema, service, fields) -> dict:
    """A plain (no-JavaScript) form post through the same schema and service as the API.

    Returns the field errors to show again, all at once (what the service wrote rolled back), or {}.
    """
    _result, refused = run_form(lambda: service(current_user, schema.load(_form_data(request.form, fields))))
    if refused is None:
        return {}
    order = list(fields)  # the summary lists them as the form does, top to bottom (a group where its fields are)
    place = {name: next((i for i, known in enumerate(order) if known == name or known.startswith(name + ".")), -1)
             for name in refused.errors}
    return dict(sorted(refused.errors.items(), key=lambda item: place[item[0]]))


def _form_context(schema, labels: dict, groups: dict | None = None) -> dict:
    """What fields.html needs: each field's label (for the summary) and the schema's rules, which
    the phone also checks before an item enters the outbox (static/js/fields.js)."""
    return {"field_labels": {k: str(v) for k, v in {**labels, **(groups or {})}.items() if v},
            "rules": field_rules(schema, labels)}


def _form_country() -> str | None:
    """The country the form shows: as posted, else the current report's, else Malaysia."""
    if request.form.get("country"):
        return request.form["country"]
    presence = _current_presence(page_user())
    return presence.country if presence else None


# The form's fields and their labels (said on the page and in its error summary).
PLACE_LABELS = {"region": _l("Region, state or province (optional)")}
HELP_FIELDS = {
    "id": None, "category": _l("What happened?"), "urgency": _l("How urgent is it?"),
    "description": _l("Tell us what happened"), "country": _l("Country where you are now"), **PLACE_LABELS,
    "city": _l("City or town (optional)"), "contact_phone": _l("Phone number where we can reach you (optional)"),
}


@bp.route("/help", methods=["GET", "POST"])
def help_page():
    """A new help request. With JavaScript it goes to the outbox; without, it is posted here."""
    errors = {}
    if request.method == "POST":
        refused = _require_login()
        if refused:
            return refused
        errors = _submit(HelpRequestInSchema(), create_help_request, HELP_FIELDS)
        if not errors:
            return redirect(url_for("pwa.requests_page"))
    presence = _current_presence(page_user())
    here = request.form.get("country") or (presence.country if presence else "MY")
    critical = request.form.get("urgency") == "emergency" or request.form.get("category") in CRITICAL_CATEGORIES
    return _page("pwa/help.html", 422 if errors else 200, errors=errors, form=request.form,
                 new_id=str(uuid.uuid4()), presence=presence, state_meanings=STATE_MEANINGS,
                 categories=CATEGORY_LABELS, urgencies=URGENCY_LABELS, critical_categories=CRITICAL_CATEGORIES,
                 call=_call_now(here, presence), call_shown=critical,
                 call_table=calls.call_table(_mission_countries(), presence), **_place_choices(_form_country()),
                 **_form_context(HelpRequestInSchema(), HELP_FIELDS))


def _call_now(country: str | None, presence) -> dict:
    """The "Call now" card for a place: the worker's own mission where her presence report is there."""
    mine = presence is not None and presence.country == country and presence.mission is not None
    return calls.call_now(country, presence.mission if mine else None)


def card_dates(help_request) -> list[tuple[str, str, str]]:
    """[(label key, ISO time, shown)] of a request card: when she wrote it and, if it shows another
    minute, its last change; short, on its mission's clock. The page script draws the same on the
    phone's clock (static/js/states.js `cardDates`)."""
    shown = [(key, at, localtime.short_datetime(at, help_request))
             for key, at in (("written", help_request.created_at), ("changed", help_request.updated_at)) if at]
    return [(key, at.isoformat(), text) for i, (key, at, text) in enumerate(shown) if i == 0 or text != shown[0][2]]


@bp.get("/requests")
def requests_page():
    """The worker's requests: the server's list, which the page script merges with the outbox."""
    user = page_user()
    requests, items, missions, dates = [], [], {}, {}
    if user is not None:
        requests = list_for_worker(user, limit=100)["items"]
        items = HelpRequestSchema(many=True).dump(requests)
        missions = {str(r.id): r.mission for r in requests}
        dates = {str(r.id): card_dates(r) for r in requests}
    presence = _current_presence(user)
    # The newest open emergency keeps its "Call now" card, with the numbers of the mission it went to.
    urgent = next((r for r in requests if r.status not in ("resolved", "closed", "withdrawn")
                   and (r.urgency == "emergency" or r.category in CRITICAL_CATEGORIES)), None)
    call = (calls.call_now(urgent.country, urgent.mission) if urgent is not None
            else _call_now(presence.country if presence else None, presence))
    return _page("pwa/requests.html", items=items, missions=missions, dates=dates, status_labels=STATUS_LABELS, categories=CATEGORY_LABELS,
                 presence=presence, call=call, call_shown=urgent is not None, critical_categories=CRITICAL_CATEGORIES,
                 call_table=calls.call_table(_mission_countries(), presence))


PASSPORT_STATUS_LABELS = {
    "held": _l("It is with me"), "withheld": _l("My employer or agent keeps it"), "lost": _l("It is lost"),
    "expired": _l("It has expired"), "unknown": _l("I do not know"),
}
PRESENCE_FIELDS = {
    "id": None, "passport_status": _l("Where is your passport now?"),
    "passport_number": _l("Passport number (needed if the passport is with you)"),
    "nik": _l("NIK (optional, 16 digits)"),
    "other_document": _l("Other document (optional): KTP, an old passport, a work permit number, anything you know"),
    "country": _l("Country where you live now"), **PLACE_LABELS, "city": _l("City or town"),
    "address": _l("Address"), "employer_name": _l("Employer"), "employer_phone": _l("Employer's phone (optional)"),
    "sector": _l("Sector"), "scheme": _l("Placement scheme (optional)"), "arrival_date": _l("Arrival date"),
    "contract_end_date": _l("Contract end date (optional)"),
    "emergency_contact.name": _l("Name"), "emergency_contact.phone": _l("Phone"),
    "emergency_contact.relation": _l("Relation (e.g. ibu, suami)"),
}
# Said before a nested field's label in the summary ("Emergency contact in Indonesia: Phone"); not a field.
PRESENCE_GROUPS = {"emergency_contact": _l("Emergency contact in Indonesia")}


@bp.route("/presence", methods=["GET", "POST"])
def presence_page():
    """Lapor diri: tell the mission where the worker lives and works."""
    errors = {}
    if request.method == "POST":
        refused = _require_login()
        if refused:
            return refused
        errors = _submit(PresenceInSchema(), submit_presence, PRESENCE_FIELDS)
        if not errors:
            return redirect(url_for("pwa.presence_page"))
    return _page("pwa/presence.html", 422 if errors else 200, errors=errors, form=request.form,
                 new_id=str(uuid.uuid4()), sectors=SECTOR_LABELS,
                 passport_statuses=PASSPORT_STATUS_LABELS, **_place_choices(_form_country()),
                 **_form_context(PresenceInSchema(), PRESENCE_FIELDS, PRESENCE_GROUPS))


@lru_cache(maxsize=1)
def _emergency_cards() -> dict:
    return json.loads(CARD_FILE.read_text("utf-8"))


@bp.get("/emergency")
def emergency_page():
    """Hotlines and a card to show, in the destination country's language; precached for offline use."""
    cards = _emergency_cards()
    user = page_user()
    presence = _current_presence(user)
    country = presence.country if presence else None
    lang = str(get_locale() or "id")
    card_lang = cards["country_languages"].get(country or "", "en")
    languages = [k for k in cards if k != "country_languages"]

    mission = presence.mission if presence else (user.mission if user is not None else None)
    return _page("pwa/emergency.html", presence=presence, mission=mission, national=calls.national_hotlines(lang),
                 local=calls.local_numbers(country), local_sources=calls.local_sources(country),
                 country_lines=calls.country_lines(country, lang), kemlu=calls.kemlu_hotline(),
                 card=cards[card_lang], card_lang=card_lang,
                 other_cards=[(k, cards[k]) for k in languages if k != card_lang], lang=lang)


@bp.get("/offline")
def offline_page():
    """Shown by the service worker when a page is neither online nor saved on the phone."""
    return _page("pwa/offline.html")


def manifest_body() -> dict:
    """The web app manifest (discreet mode changes its name and icons: app.pwa.privacy)."""
    return {
        "name": "Jembatan", "short_name": "Jembatan", "id": "/", "start_url": "/", "scope": "/",
        "display": "standalone", "theme_color": "#9b1c1c", "background_color": "#f7f7f8",
        "lang": str(get_locale() or "id"),
        "description": _("Help for Indonesian workers abroad, also without signal."),
        "icons": [
            {"src": "/static/icons/icon-192.png", "sizes": "192x192", "type": "image/png", "purpose": "any"},
            {"src": "/static/icons/icon-512.png", "sizes": "512x512", "type": "image/png", "purpose": "any"},
            {"src": "/static/icons/maskable-512.png", "sizes": "512x512", "type": "image/png",
             "purpose": "maskable"},
        ],
        # A long press on the home-screen icon goes straight to the two screens that matter in trouble.
        "shortcuts": [
            {"name": _("Emergency: who to call now"), "short_name": _("Emergency"), "url": "/emergency",
             "icons": [{"src": "/static/icons/icon-192.png", "sizes": "192x192", "type": "image/png"}]},
            {"name": _("Ask the embassy or consulate for help"), "short_name": _("Ask for help"), "url": "/help",
             "icons": [{"src": "/static/icons/icon-192.png", "sizes": "192x192", "type": "image/png"}]},
        ],
    }


def manifest_response(body: dict):
    response = current_app.response_class(json.dumps(body, ensure_ascii=False), mimetype="application/manifest+json")
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/manifest.webmanifest")
def manifest():
    return manifest_response(manifest_body())


@lru_cache(maxsize=4)
def _shell_version(mtimes: tuple) -> str:
    digest = hashlib.sha256()
    for name in SHELL_STATIC + ["sw.js"]:
        digest.update((STATIC_DIR / name).read_bytes())
    return digest.hexdigest()[:12]


@bp.get("/sw.js")
def service_worker():
    """The service worker at scope `/`; its cache version changes whenever a shell file changes."""
    mtimes = tuple((STATIC_DIR / n).stat().st_mtime_ns for n in SHELL_STATIC + ["sw.js"])
    source = (STATIC_DIR / "sw.js").read_text("utf-8")
    files = ["/static/" + n if n in UNVERSIONED else asset(n) for n in SHELL_STATIC]
    source = source.replace("__VERSION__", _shell_version(mtimes)).replace(
        "__SHELL__", json.dumps(SHELL_PAGES + files + ["/manifest.webmanifest"]))
    response = current_app.response_class(source, mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/"
    return response
