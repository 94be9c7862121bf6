"""Pages: `/channels` (schemes), `/channels/<slug>` and `/verify` (agency licence, job order). No JavaScript needed."""
from flask import Blueprint, abort, render_template, request
from flask_babel import format_currency, format_decimal, get_locale
from sqlalchemy import select

from .. import localtime
from ..extensions import db
from ..i18n import _l
from . import services
from .models import SCHEME_KINDS, SECTOR_LABELS, SECTORS, Scheme

bp = Blueprint("channel_pages", __name__, template_folder="templates")

KIND_LABELS = {
    "g2g": _l("Government to government (G to G)"), "p2p": _l("Through a licensed agency (P to P)"),
    "ssw": _l("Specified Skilled Worker (SSW)"), "internship": _l("Internship"),
    "individual": _l("Individual placement"), "one_channel": _l("One-channel system"), "rule": _l("Rule"),
}
# Colour class and text label go together: the colour is never the only signal.
STATUS_TONES = {"active": "ok", "verified": "ok", "suspended": "warn", "unknown": "warn"}


def _lang() -> str:
    return str(get_locale() or "id")


def country_name(code: str) -> str:
    return get_locale().territories.get(code.upper(), code) if get_locale() else code


@bp.context_processor
def _channel_helpers():
    return {"sector_label": lambda s: str(SECTOR_LABELS.get(s, s)), "kind_label": lambda k: str(KIND_LABELS.get(k, k)),
            "country_name": country_name, "kp2mi": services.KP2MI}


@bp.app_template_filter("format_day")
def format_day(value, where=None) -> str:
    """A date (or the day of a timestamp, where the mission is: app.localtime) in the reader's language,
    e.g. 23 November 2026."""
    return localtime.local_date(value, where)


@bp.app_template_filter("format_money")
def format_money(amount, currency) -> str:
    return format_currency(amount, currency) if currency else format_decimal(amount)


def _countries_in_use() -> list[tuple[str, str]]:
    codes = {c for countries in db.session.scalars(select(Scheme.countries)) for c in countries or []}
    return sorted(((c, country_name(c)) for c in codes), key=lambda pair: pair[1])


@bp.get("/channels")
def scheme_list():
    country = (request.args.get("country") or "").strip().upper()
    sector = (request.args.get("sector") or "").strip()
    kind = (request.args.get("kind") or "").strip()
    q = (request.args.get("q") or "").strip()[:200]
    # A page answers a stray value by ignoring it, not with an error.
    country = country if len(country) == 2 and country.isalpha() else ""
    sector = sector if sector in SECTORS else ""
    kind = kind if kind in SCHEME_KINDS else ""
    stmt = services.scheme_query(country or None, sector or None, kind or None, q or None).order_by(Scheme.slug)
    schemes = list(db.session.scalars(stmt.limit(200)))
    return render_template("channels/list.html", schemes=schemes, lang=_lang(), countries=_countries_in_use(),
                           sectors=SECTORS, filters={"country": country, "sector": sector, "kind": kind, "q": q})


@bp.get("/channels/<slug>")
def scheme_detail(slug):
    scheme = services.get_scheme(slug)
    if scheme is None:
        abort(404)
    return render_template("channels/detail.html", scheme=scheme, t=scheme.text(_lang()))


@bp.get("/verify")
def verify():
    """One box takes the agency's licence number or its name: people in villages know the name.

    A number is compared by its key (case, spaces and dashes do not matter); a text that is no
    known number is searched among the names, and the matches are listed with their status.
    """
    agency_query = services.clean_lookup(request.args.get("licence_number"))[:200]
    number = services.clean_lookup(request.args.get("number"))[:100]
    agency_result = order_result = name_results = None
    if agency_query:
        agency = services.get_agency(agency_query)
        matches, more = ([], False) if agency else services.find_agencies_by_name(agency_query)
        if agency:
            agency_result = {"query": agency_query, "agency": agency, "status": services.effective_status(agency)}
        elif matches:
            name_results = {"query": agency_query, "more": more,
                            "items": [(a, services.effective_status(a)) for a in matches]}
        else:
            agency_result = {"query": agency_query, "agency": None, "status": "unknown"}
    if number:
        order = services.get_job_order(number)
        status = order.status if order else "unknown"
        order_result = {"query": number, "order": order, "status": status,
                        "agency_status": services.effective_status(order.agency) if order else None}
    return render_template("channels/verify.html", licence_number=agency_query, number=number,
                           agency_result=agency_result, name_results=name_results, order_result=order_result,
                           hotlines=services.kp2mi_hotlines(_lang()), tone=lambda s: STATUS_TONES.get(s, "bad"),
                           label=services.status_label)
