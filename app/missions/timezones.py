"""A mission's time zone (IANA), from its country and city.

Most destination countries have one zone, and the IANA data (through `pytz.country_timezones`)
names it. Where a country has several, the city decides: a zone named after the city itself
(Asia/Kuching, America/Chicago...), else the small table below, checked by a test against
every mission of the seed file. A city that is in neither is an error at seed time, so a new
mission in a multi-zone country is never given a wrong zone silently.
"""
from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones

import pytz

from .routing import city_key

# Cities of multi-zone countries whose zone is not named after them.
CITY_ZONES = {
    ("MY", "johor bahru"): "Asia/Kuala_Lumpur",
    ("MY", "george town"): "Asia/Kuala_Lumpur",
    ("MY", "kota kinabalu"): "Asia/Kuching",  # Sabah and Sarawak share Asia/Kuching
    ("MY", "tawau"): "Asia/Kuching",
    ("CN", "beijing"): "Asia/Shanghai",
    ("CN", "guangzhou"): "Asia/Shanghai",
    ("DE", "berlin"): "Europe/Berlin",
    ("DE", "frankfurt am main"): "Europe/Berlin",
    ("DE", "hamburg"): "Europe/Berlin",
    ("ES", "madrid"): "Europe/Madrid",
    ("KZ", "astana"): "Asia/Almaty",
    ("US", "washington, d c"): "America/New_York",
    ("US", "san francisco"): "America/Los_Angeles",
    ("US", "houston"): "America/Chicago",
    ("CA", "ottawa"): "America/Toronto",
    ("AU", "canberra"): "Australia/Sydney",
    ("BR", "brasilia"): "America/Sao_Paulo",
    ("NZ", "wellington"): "Pacific/Auckland",
    ("PG", "vanimo"): "Pacific/Port_Moresby",
    ("UZ", "tashkent"): "Asia/Tashkent",
    ("UA", "kyiv"): "Europe/Kyiv",
}


class UnknownTimezone(LookupError):
    """No zone could be chosen for a city of a multi-zone country: add it to CITY_ZONES."""


@lru_cache(maxsize=1)
def _known() -> frozenset:
    return frozenset(available_timezones())


def mission_timezone(country: str, city: str) -> str:
    """The IANA zone of a place: the country's only zone, or the one its city lies in."""
    country = country.upper()
    zones = [z for z in pytz.country_timezones.get(country, []) if z in _known()]
    if len(zones) == 1:
        return zones[0]
    key = city_key(city)
    zone = CITY_ZONES.get((country, key)) or next(
        (z for z in zones if city_key(z.rsplit("/", 1)[-1].replace("_", " ")) == key), None)
    if zone is None or zone not in _known():
        raise UnknownTimezone(f"no time zone known for {city!r} in {country}")
    ZoneInfo(zone)  # must load, not only be listed
    return zone
