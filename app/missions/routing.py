"""The routing rule: which mission serves a place. One function, tested on its own.

Missions and their jurisdictions are reference data that change only when `flask seed`
runs, and every help request and presence report is routed: the table is read once per
process and kept for a minute (so another app server's seed is seen soon after). What else a
process keeps of missions (a sync answer's mission, app.sync.pull) lives as long (`generation`).
"""
import time
import unicodedata
import uuid
from dataclasses import dataclass
from functools import lru_cache

import pycountry
from sqlalchemy import Uuid, bindparam, select

from ..extensions import db
from ..presence.models import PresenceReport
from .models import Jurisdiction, Mission

# When several missions list a whole country, the embassy is the one to route to.
_KIND_RANK = {"embassy": 0, "economic_office": 1, "consulate_general": 2, "consulate": 3}
TABLE_SECONDS = 60


@lru_cache(maxsize=4096)
def city_key(city: str | None) -> str:
    """Case-, accent- and spacing-insensitive form of a city name."""
    if not city:
        return ""
    decomposed = unicodedata.normalize("NFKD", city)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().replace("-", " ").replace(".", " ").split())


@dataclass(frozen=True)
class Listing:
    region: str | None
    city_keys: frozenset
    mission_id: uuid.UUID
    rank: int


_table: dict[str, list[Listing]] = {}
_loaded_at = float("-inf")
_forgotten = 0


def forget_table() -> None:
    """Drop the cached table (after the missions were changed in this process)."""
    global _loaded_at, _forgotten
    _loaded_at = float("-inf")
    _forgotten += 1


def generation() -> tuple[int, int]:
    """Changes when what a process keeps of missions must be read again: at most TABLE_SECONDS
    after it was read, at once after forget_table."""
    return _forgotten, int(time.monotonic() // TABLE_SECONDS)


def listings(country: str) -> list[Listing]:
    """The places that missions list in `country` (from the cached table)."""
    global _table, _loaded_at
    if time.monotonic() - _loaded_at > TABLE_SECONDS:
        table: dict[str, list[Listing]] = {}
        rows = db.session.execute(
            select(Jurisdiction.country, Jurisdiction.region, Jurisdiction.city_keys, Jurisdiction.mission_id,
                   Mission.kind).join(Mission).order_by(Jurisdiction.mission_id, Jurisdiction.position))
        for country_code, region, keys, mission_id, kind in rows:
            table.setdefault(country_code, []).append(
                Listing(region, frozenset(keys or ()), mission_id, _KIND_RANK.get(kind, 9)))
        _table, _loaded_at = table, time.monotonic()
    return _table.get(country, [])


def route_id(country: str, region: str | None = None, city: str | None = None) -> uuid.UUID | None:
    """The id of the mission serving (country, region, city); the most specific listing wins.

    1. a listing of the region with that city (a region split between missions);
    2. a listing of the whole region; then 1 and 2 for the region it belongs to, where
       ISO 3166-2 nests regions (a Philippine province within its region);
    3. a listing of the whole country: the embassy, or the mission accredited
       to that country from a neighbouring one.
    """
    places = listings((country or "").upper())
    key = city_key(city)
    for code in _region_and_parent(region):
        if key:
            for listing in places:
                if listing.region == code and key in listing.city_keys:
                    return listing.mission_id
        for listing in places:
            if listing.region == code and not listing.city_keys:
                return listing.mission_id
    whole_country = sorted((l for l in places if l.region is None), key=lambda l: l.rank)
    return whole_country[0].mission_id if whole_country else None


_PRESENCE_MISSION = select(PresenceReport.mission_id).where(
    PresenceReport.user_id == bindparam("user_id", type_=Uuid()), PresenceReport.is_current.is_(True))


def route_id_for_worker(user_id: uuid.UUID, country: str, region: str | None = None,
                        city: str | None = None) -> uuid.UUID | None:
    """Where a worker's request about (country, region, city) goes: the mission serving the place
    (`route_id`); when none serves it (she is abroad somewhere no mission lists), the mission of her
    current presence report, which knows her; else None."""
    mission_id = route_id(country, region, city)
    if mission_id is not None:
        return mission_id
    return db.session.scalar(_PRESENCE_MISSION, {"user_id": user_id})


@lru_cache(maxsize=4096)
def _region_and_parent(region: str | None) -> tuple[str, ...]:
    """The region and the one it belongs to (ISO 3166-2; fixed data, so kept: every request asks)."""
    region = (region or "").upper()
    if not region:
        return ()
    subdivision = pycountry.subdivisions.get(code=region)
    parent = getattr(subdivision, "parent_code", None) if subdivision else None
    return (region, parent) if parent else (region,)


def route(country: str, region: str | None = None, city: str | None = None) -> Mission | None:
    """The mission serving (country, region, city), per `route_id`."""
    mission_id = route_id(country, region, city)
    return db.session.get(Mission, mission_id) if mission_id else None
