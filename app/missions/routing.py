"""The routing rule: which mission serves a place. One function, tested on its own."""
import unicodedata

from sqlalchemy import select

from ..extensions import db
from .models import Jurisdiction, Mission

# When several missions list a whole country, the embassy is the one to route to.
_KIND_RANK = {"embassy": 0, "economic_office": 1, "consulate_general": 2, "consulate": 3}


def city_key(city: str | None) -> str:
    """Case-, accent- and spacing-insensitive form of a city name."""
    if not city:
        return ""
    decomposed = unicodedata.normalize("NFKD", city)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.casefold().replace("-", " ").replace(".", " ").split())


def route(country: str, region: str | None = None, city: str | None = None) -> Mission | None:
    """The mission serving (country, region, city); the most specific listing wins.

    1. a listing of the region with that city (a region split between missions);
    2. a listing of the whole region;
    3. a listing of the whole country: the embassy, or the mission accredited
       to that country from a neighbouring one.
    """
    country = (country or "").upper()
    region = (region or "").upper() or None
    rows = db.session.execute(
        select(Jurisdiction, Mission).join(Mission).where(Jurisdiction.country == country)
    ).all()
    key = city_key(city)
    with_city = [(j, m) for j, m in rows if region and j.region == region and j.city_keys]
    if key:
        for j, m in with_city:
            if key in j.city_keys:
                return m
    whole_region = [m for j, m in rows if region and j.region == region and not j.city_keys]
    if whole_region:
        return whole_region[0]
    whole_country = sorted((m for j, m in rows if j.region is None), key=lambda m: _KIND_RANK.get(m.kind, 9))
    return whole_country[0] if whole_country else None
