"""Countries and regions a staff member picks from on the job-order page, named in the reader's language.

Country names come from Babel (the reader's language: "Arab Saudi", "Korea Selatan"); region names
from pycountry's ISO 3166-2 list and its translations where it has one. Staff see only the places of
their mission's jurisdiction (they can record job orders nowhere else); an admin sees every country
some mission serves.

NOTE for the lead: the worker's forms get `/api/v1/places` (another branch) with names of its own;
this small helper should then read from that one source.
"""
import gettext
from functools import lru_cache

import pycountry
from flask_babel import get_locale
from sqlalchemy import select

from .. import access
from ..extensions import db
from ..missions.models import Jurisdiction, Mission
from .lookup import fold


def _lang() -> str:
    return str(get_locale() or "id")


def country_label(code: str) -> str:
    locale = get_locale()
    name = locale.territories.get(code) if locale else None
    if not name:
        country = pycountry.countries.get(alpha_2=code)
        name = country.name if country else code
    return name


@lru_cache(maxsize=8)
def _region_translation(lang: str):
    try:
        return gettext.translation("iso3166-2", pycountry.LOCALES_DIR, languages=[lang])
    except OSError:
        return gettext.NullTranslations()


def region_label(code: str) -> str:
    region = pycountry.subdivisions.get(code=code)
    return _region_translation(_lang()).gettext(region.name) if region else code


def _jurisdictions(user) -> list[tuple[str, str | None]]:
    stmt = select(Jurisdiction.country, Jurisdiction.region)
    scope = access.mission_scope(user, access.JOB_ORDERS)
    if scope is not None:
        stmt = stmt.where(Jurisdiction.mission_id == scope)
    return [(country, region) for country, region in db.session.execute(stmt)]


def _sorted(pairs) -> list[tuple[str, str]]:
    return sorted(set(pairs), key=lambda pair: (fold(pair[1]), pair[0]))


def countries_for(user) -> list[tuple[str, str]]:
    """(code, name) of the countries the user may record job orders for, by name."""
    return _sorted((country, country_label(country)) for country, _region in _jurisdictions(user))


def regions_for(user, country: str) -> list[tuple[str, str]]:
    """(code, name) of the regions of `country` the user may pick: the mission's own regions when its
    jurisdiction there is a list of regions, else every top-level region of the country."""
    listed = [region for c, region in _jurisdictions(user) if c == country]
    if access.sees_every_mission(user) or not listed or None in listed:
        codes = [s.code for s in pycountry.subdivisions.get(country_code=country) or [] if not s.parent_code]
    else:
        codes = listed
    return _sorted((code, region_label(code)) for code in codes)


def default_country(user) -> str:
    """The staff member's mission's own country, when it is one they may pick."""
    if access.sees_every_mission(user) or user.mission_id is None:
        return ""
    mission = db.session.get(Mission, user.mission_id)
    return mission.country if mission and mission.country in dict(countries_for(user)) else ""
