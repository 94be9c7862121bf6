"""Places as a worker names them: countries and regions in her language, and the region of a city.

Country names come from CLDR (Babel), region codes from ISO 3166-2 (pycountry); the seed
folder adds what those lack: the main destinations (their order), Indonesian region names,
common English region names (regions.csv) and the cities of the destination countries with
their region (cities.csv). Sources and licences: seed/SOURCES.md.
"""
import csv
import gettext
import json
import unicodedata
from functools import lru_cache
from pathlib import Path

import pycountry
from babel import Locale

from .routing import city_key, listings

SEED_DIR = Path(__file__).parent / "seed"


@lru_cache(maxsize=1)
def _seed() -> dict:
    return json.loads((SEED_DIR / "places.json").read_text("utf-8"))


def main_destinations() -> tuple[str, ...]:
    """Where most Indonesian workers are, most first (sourced in seed/places.json)."""
    return tuple(_seed()["main_destinations"]["codes"])


@lru_cache(maxsize=8)
def _iso_translation(domain: str, lang: str) -> gettext.NullTranslations:
    return gettext.translation(domain, pycountry.LOCALES_DIR, languages=[lang], fallback=True)


def _sort_key(name: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c)).casefold()


def country_name(code: str, lang: str) -> str:
    """The country's name in `lang`: CLDR's short form, else ISO's translated name, else ISO's."""
    code = code.upper()
    override = _seed()["country_names"].get(lang, {}).get(code)
    if override:
        return override
    try:
        name = Locale.parse(lang).territories.get(code)
    except (ValueError, TypeError):
        name = None
    if name:
        return name
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        return code
    iso_name = getattr(country, "common_name", None) or country.name
    return _iso_translation("iso3166-1", lang).gettext(iso_name)


@lru_cache(maxsize=8)
def countries(lang: str) -> tuple[dict, ...]:
    """Every ISO 3166-1 country as {code, name}: the main destinations first, then by name."""
    main = main_destinations()
    rest = sorted((c.alpha_2 for c in pycountry.countries if c.alpha_2 not in main),
                  key=lambda code: _sort_key(country_name(code, lang)))
    return tuple({"code": code, "name": country_name(code, lang)} for code in (*main, *rest))


@lru_cache(maxsize=1)
def _common_region_names() -> dict[str, str]:
    with open(SEED_DIR / "regions.csv", newline="", encoding="utf-8") as handle:
        return {row["region"]: row["name_en"] for row in csv.DictReader(handle)}


def region_name(code: str, lang: str) -> str:
    """A region's name in `lang` where one is known, else its common English name, else ISO's."""
    override = _seed()["region_names"].get(lang, {}).get(code)
    if override:
        return override
    subdivision = pycountry.subdivisions.get(code=code)
    iso_name = subdivision.name if subdivision else code
    translated = _iso_translation("iso3166-2", lang).gettext(iso_name)
    if translated != iso_name:
        return translated
    return _common_region_names().get(code, iso_name)


@lru_cache(maxsize=512)
def _regions(country: str, lang: str) -> tuple[dict, ...]:
    subdivisions = pycountry.subdivisions.get(country_code=country) or ()
    named = [{"code": s.code, "name": region_name(s.code, lang)} for s in subdivisions]
    return tuple(sorted(named, key=lambda r: (_sort_key(r["name"]), r["code"])))


def country(code: str, lang: str) -> dict | None:
    """{code, name, regions: [{code, name}]} for an ISO 3166-1 alpha-2 code, or None."""
    code = (code or "").upper()
    if len(code) != 2 or pycountry.countries.get(alpha_2=code) is None:
        return None
    return {"code": code, "name": country_name(code, lang), "regions": list(_regions(code, lang))}


@lru_cache(maxsize=1)
def _gazetteer() -> dict[str, dict[str, str]]:
    """{country: {city key: region}}: the seed's cities, then the workers' spellings over them."""
    table: dict[str, dict[str, str]] = {}
    with open(SEED_DIR / "cities.csv", newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            table.setdefault(row["country"], {})[city_key(row["city"])] = row["region"]
    for region, names in _seed()["city_aliases"].items():
        if "-" not in region:
            continue
        for name in names:
            table.setdefault(region.split("-")[0], {})[city_key(name)] = region
    return table


def infer_region(country: str | None, city: str | None) -> str | None:
    """The ISO 3166-2 region of a city the worker typed, or None when it cannot be placed.

    The missions' own city lists come first (they are what routing splits regions by), then
    the gazetteer of the destination countries. Case, accents and spacing do not matter.
    """
    key = city_key(city)
    country = (country or "").upper()
    if not key or not country:
        return None
    for listing in listings(country):
        if listing.region and key in listing.city_keys:
            return listing.region
    return _gazetteer().get(country, {}).get(key)
