"""Times as people at a mission read them: the mission's own clock, with its zone, in the reader's language.

Timestamps are stored in UTC. A staff member in Kota Kinabalu who reads "16.23" at half past
midnight cannot tell when a worker wrote, so every page shows a time in the zone of the mission
it belongs to (`Mission.timezone`, IANA), with the zone written out ("24 Nov 2026 00.23
GMT+08:00"), formatted by Babel in the reader's language. Which mission: the one passed in (a
request's, for an admin's list of several missions), else the one the page chose
(`show_times_of`), else the reader's own; UTC when none has a zone, and then the page says so.
"""
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import dates
from flask import g, has_request_context
from flask_babel import get_locale
from flask_jwt_extended import get_current_user

UTC = ZoneInfo("UTC")


def zone_of(where) -> ZoneInfo | None:
    """The zone of a mission, of anything that has a `mission` (a help request), or of an IANA name."""
    if where is None:
        return None
    if isinstance(where, ZoneInfo):
        return where
    if not isinstance(where, str):
        mission = getattr(where, "mission", None)
        where = getattr(where, "timezone", None) if mission is None else getattr(mission, "timezone", None)
    if not where:
        return None
    try:
        return ZoneInfo(where)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def show_times_of(mission) -> None:
    """The page's times are those of `mission` (a request's page: the request's mission)."""
    g.time_zone = zone_of(mission)


def _reader_zone() -> ZoneInfo | None:
    """The zone of the logged-in reader's own mission (staff), if the request carries a login."""
    try:
        user = get_current_user()
    except RuntimeError:  # no login was checked on this request
        return None
    return zone_of(getattr(user, "mission", None))


def page_zone(where=None) -> ZoneInfo:
    """The zone to show a time in: `where`'s, else the page's, else the reader's mission's, else UTC."""
    zone = zone_of(where)
    if zone is None and has_request_context():
        zone = g.get("time_zone") or _reader_zone()
    return zone or UTC


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def local_datetime(value, where=None) -> str:
    """`value` (UTC) on the clock of `where`'s mission, with its zone: "24 Nov 2026 00.23 GMT+08:00"."""
    if value is None:
        return ""
    zone, locale = page_zone(where), get_locale()
    moment = _aware(value).astimezone(zone)
    shown = dates.get_datetime_format("medium", locale=locale).format(
        dates.format_time(moment, "short", locale=locale), dates.format_date(moment, "medium", locale=locale))
    return f"{shown} {zone_label(moment)}"


def short_datetime(value, where=None) -> str:
    """`value` as a worker's phone writes it, without the zone: "29 Nov 2026, 14.05" (as the
    page script's Intl `dateStyle: medium, timeStyle: short` does, so both draw the same card)."""
    if value is None:
        return ""
    locale = get_locale()
    moment = _aware(value).astimezone(page_zone(where))
    return f"{dates.format_date(moment, 'medium', locale=locale)}, {dates.format_time(moment, 'short', locale=locale)}"


def local_date(value, where=None) -> str:
    """The day of `value` where the mission is ("24 November 2026"); a plain date as it is."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = _aware(value).astimezone(page_zone(where)).date()
    elif not isinstance(value, date):
        return str(value)
    return dates.format_date(value, "long", locale=get_locale())


def zone_label(moment: datetime) -> str:
    """The zone as an offset the reader can compare with her own clock: "GMT+08:00"."""
    return dates.get_timezone_gmt(moment, "long", locale=get_locale())


def zone_name(where=None) -> str:
    """The zone's name in the reader's language: "Waktu Malaysia (Kuching)"; "UTC" when no zone is known."""
    zone = page_zone(where)
    if zone is UTC or zone.key == "UTC":
        return "UTC"
    return dates.get_timezone_location(zone, locale=get_locale())
