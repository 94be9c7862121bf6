"""Missions: reference-data seeding and lookups (routing lives in routing.py)."""
import csv
from functools import lru_cache
from pathlib import Path

import pycountry
from sqlalchemy import select

from ..extensions import db
from .models import Jurisdiction, Mission
from .phones import first_of, parse_phone_text
from .routing import city_key, forget_table, route  # noqa: F401  (re-exported: features route through services)
from .timezones import mission_timezone

SEED_DIR = Path(__file__).parent / "seed"


# ISO 3166 is fixed data, and every place a worker sends is checked: the answers are kept.
@lru_cache(maxsize=1024)
def valid_country(code: str | None) -> bool:
    return bool(code) and len(code) == 2 and pycountry.countries.get(alpha_2=code.upper()) is not None


@lru_cache(maxsize=4096)
def valid_region(country: str, region: str | None) -> bool:
    """True when `region` is an ISO 3166-2 code of `country`."""
    if not region:
        return True
    sub = pycountry.subdivisions.get(code=region.upper())
    return sub is not None and sub.country_code == country.upper()


def parse_jurisdiction(text: str) -> list[dict]:
    """`MY;MY-12;MY-12:Tawau|Semporna` → [{country, region, cities}, ...]"""
    places = []
    for part in filter(None, (p.strip() for p in text.split(";"))):
        place, _, cities = part.partition(":")
        country, _, _rest = place.partition("-")
        places.append({
            "country": country.upper(),
            "region": place.upper() if "-" in place else None,
            "cities": [c.strip() for c in cities.split("|") if c.strip()],
        })
    return places


def seed_missions(path: Path = SEED_DIR / "missions.csv") -> dict:
    """Insert or update every mission of the seed file; running it twice changes nothing."""
    existing = {m.code: m for m in db.session.scalars(select(Mission))}
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    with open(path, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            phones = mission_phones(row)
            values = {
                "name_id": row["name_id"], "name_en": row["name_en"], "kind": row["kind"],
                "country": row["country"], "city": row["city"], "address": row["address"] or None,
                "phone": first_of(phones, "phone"), "hotline": first_of(phones, "hotline"), "phones": phones,
                "timezone": mission_timezone(row["country"], row["city"]),
                "email": row["email"] or None, "sources": row["sources"].split(),
            }
            places = parse_jurisdiction(row["jurisdiction"])
            mission = existing.get(row["code"])
            if mission is None:
                mission = Mission(code=row["code"], **values)
                db.session.add(mission)
                counts["created"] += 1
            elif _differs(mission, values, places):
                counts["updated"] += 1
            else:
                counts["unchanged"] += 1
                continue
            for name, value in values.items():
                setattr(mission, name, value)
            mission.jurisdictions = [
                Jurisdiction(position=i, country=p["country"], region=p["region"], cities=p["cities"],
                             city_keys=[city_key(c) for c in p["cities"]])
                for i, p in enumerate(places)
            ]
    db.session.flush()
    forget_table()
    return counts


def mission_phones(row: dict) -> list[dict]:
    """The numbers of a seed row, hotlines first: the free-text fields read one number at a time."""
    return (parse_phone_text(row["hotline"], row["country"], "hotline")
            + parse_phone_text(row["phone"], row["country"], "phone"))


def _differs(mission: Mission, values: dict, places: list[dict]) -> bool:
    if any(getattr(mission, k) != v for k, v in values.items()):
        return True
    current = [{"country": j.country, "region": j.region, "cities": j.cities} for j in mission.jurisdictions]
    return current != places


def get_by_code(code: str) -> Mission | None:
    return db.session.scalar(select(Mission).where(Mission.code == code.upper()))
