"""What a worker can call: her mission's numbers, the local police and ambulance, the national lines.

Pages show these as one button per number (macros in templates/calls.html); the help and
requests pages also carry them for every country, so the "Call now" card works offline.
"""
import json
from functools import lru_cache
from pathlib import Path

from sqlalchemy import select

from ..extensions import db
from ..i18n import _l
from .models import Mission
from .phones import dial_href, display
from .routing import route

SEED_DIR = Path(__file__).parent / "seed"
EMERGENCY_FILE = SEED_DIR / "emergency_numbers.json"
HOTLINES_FILE = SEED_DIR / "hotlines.json"
# The Kemlu protection hotline: 24 hours, for Indonesians anywhere, so always worth a button.
KEMLU_HOTLINE = "kemlu-pwni-hotline"

SERVICE_LABELS = {"police": _l("Police"), "ambulance": _l("Ambulance"), "fire": _l("Fire brigade"),
                  "tourist_police": _l("Tourist police")}
KIND_LABELS = {"hotline": _l("Hotline"), "phone": _l("Phone"), "whatsapp": _l("WhatsApp"), "sms": _l("SMS")}
# Free-text labels of the seed file, shown in the worker's language where we know them.
PHONE_LABELS = {"consular": _l("consular section")}


@lru_cache(maxsize=1)
def _emergency_numbers() -> dict:
    return json.loads(EMERGENCY_FILE.read_text("utf-8"))


@lru_cache(maxsize=1)
def _hotlines() -> list:
    return json.loads(HOTLINES_FILE.read_text("utf-8"))


def local_numbers(country: str | None) -> list[dict]:
    """The country's police and ambulance numbers `{number, services}` (empty where none is sourced)."""
    entry = _emergency_numbers()["countries"].get((country or "").upper())
    return list(entry["numbers"]) if entry else []


def local_sources(country: str | None) -> list[dict]:
    entry = _emergency_numbers()["countries"].get((country or "").upper())
    return list(entry["sources"]) if entry else []


def services_text(services: list[str]) -> str:
    """`Police, ambulance, fire brigade`: what one local number is for."""
    words = [str(SERVICE_LABELS.get(s, s)) for s in services]
    return ", ".join(words[:1] + [w[:1].lower() + w[1:] for w in words[1:]])


def phone_label(entry: dict) -> str:
    """`Phone (consular section)`: what a call button says above its number."""
    label = entry.get("label")
    suffix = f" ({PHONE_LABELS.get(label, label)})" if label else ""
    return f"{KIND_LABELS.get(entry['kind'], entry['kind'])}{suffix}"


def _texts(entry: dict, lang: str) -> dict:
    return entry["texts"].get(lang) or entry["texts"].get("id") or next(iter(entry["texts"].values()))


def national_hotlines(lang: str) -> list[dict]:
    """The national lines in `lang`: those that can be called from abroad first, then those that
    work only from inside Indonesia (labelled so by `from_abroad`), then the websites."""
    lines = [{**h, **_texts(h, lang)} for h in _hotlines() if h["scope"] == "national"]
    order = {True: 0, False: 1, None: 2}
    return sorted(lines, key=lambda h: order[h.get("from_abroad")])


def country_lines(country: str | None, lang: str) -> list[dict]:
    """Other host-country lines that missions point workers to (e.g. Taiwan's 1955)."""
    return [{**h, **_texts(h, lang)} for h in _hotlines()
            if h["scope"] == "country" and h["country"] == (country or "").upper()]


def kemlu_hotline() -> dict:
    line = next(h for h in _hotlines() if h["key"] == KEMLU_HOTLINE)
    return {"number": line["number"].replace(" ", ""), "kind": "hotline", "label": None}


def call_now(country: str | None, mission=None) -> dict:
    """The "Call now" card of one place: the mission's emergency numbers, the local police and
    ambulance, and the Kemlu hotline."""
    if mission is None and country:
        mission = route(country.upper(), None, None)
    return {"country": (country or "").upper() or None, "mission": mission,
            "phones": mission.emergency_phones if mission else [],
            "local": local_numbers(country), "kemlu": kemlu_hotline()}


def call_table(countries: list[str], presence=None) -> dict:
    """Every country's card in a compact form for the page scripts (offline, no request needed).

    `{"<CC>": [mission name, [[kind, number, label, shown], ...], [[number, [services]], ...]]}`; the
    worker's own mission (from her presence report) replaces the country's default one.
    """
    db.session.scalars(select(Mission)).all()  # one query; routing then finds them in the session
    table = {}
    for country in countries:
        card = call_now(country, presence.mission if presence is not None and presence.country == country
                        and presence.mission is not None else None)
        table[country] = [card["mission"].short_name if card["mission"] else None,
                          [[p["kind"], p["number"], p.get("label"), display(p["number"])] for p in card["phones"]],
                          [[n["number"], n["services"]] for n in card["local"]]]
    return table


def script_labels() -> dict:
    """The words the page scripts need to draw call buttons, in the page's language."""
    return {"kinds": {k: str(v) for k, v in KIND_LABELS.items()},
            "services": {k: str(v) for k, v in SERVICE_LABELS.items()},
            "phone_labels": {k: str(v) for k, v in PHONE_LABELS.items()}}


__all__ = ["call_now", "call_table", "dial_href", "display", "local_numbers", "national_hotlines",
           "phone_label", "script_labels", "services_text"]
