"""Channels: the rules for schemes, agency licences and job orders. Services flush, never commit."""
import csv
import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Iterable

from sqlalchemy import or_, select

from .. import access
from ..errors import DomainError
from ..extensions import db
from ..i18n import _, _l
from ..missions import routing
from ..types import utcnow
from .lookup import agency_search_text, number_key, words
from .models import AGENCY_STATUSES, SCHEME_TEXT_FIELDS, Agency, JobOrder, Scheme

SEED_DIR = Path(__file__).parent / "seed"
HOTLINES = Path(__file__).resolve().parent.parent / "missions" / "seed" / "hotlines.json"


# --- search helpers ------------------------------------------------------------------------------

def _key(values: Iterable[str]) -> str:
    """`["KR", "JP"]` → ` KR JP ` so that `LIKE '% KR %'` finds one value on any database."""
    values = [v for v in values if v]
    return " " + " ".join(values) + " " if values else ""


def like_pattern(text: str) -> str:
    """A LIKE pattern for a user's words, with LIKE's own wildcards taken literally."""
    escaped = text.casefold().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def clean_lookup(text: str | None) -> str:
    """A typed number or word without control characters (PostgreSQL refuses NUL in text)."""
    return "".join(c for c in (text or "") if ord(c) >= 32 and ord(c) != 127).strip()


def _words(q: str | None) -> list[str]:
    return [w for w in clean_lookup(q).casefold().split() if w][:10]


# --- schemes -------------------------------------------------------------------------------------

def _scheme_search_text(slug: str, texts: dict) -> str:
    parts = [slug]
    for lang_texts in texts.values():
        for name in SCHEME_TEXT_FIELDS:
            value = lang_texts.get(name)
            parts.extend(value if isinstance(value, list) else [value or ""])
    return "\n".join(parts).casefold()


def scheme_query(country: str | None = None, sector: str | None = None, kind: str | None = None,
                 q: str | None = None):
    """Schemes matching the filters. An empty countries (sectors) list means every destination (sector)."""
    stmt = select(Scheme)
    if country:
        stmt = stmt.where(or_(Scheme.countries_key == "", Scheme.countries_key.like(f"% {country.upper()} %")))
    if sector:
        stmt = stmt.where(or_(Scheme.sectors_key == "", Scheme.sectors_key.like(f"% {sector} %")))
    if kind:
        stmt = stmt.where(Scheme.kind == kind)
    for word in _words(q):
        stmt = stmt.where(Scheme.search_text.like(like_pattern(word), escape="\\"))
    return stmt


def get_scheme(slug: str) -> Scheme | None:
    slug = clean_lookup(slug)
    return db.session.scalar(select(Scheme).where(Scheme.slug == slug)) if slug else None


def seed_schemes(path: Path = SEED_DIR / "schemes.json") -> dict:
    """Insert or update every scheme of the seed file; running it twice changes nothing."""
    with open(path, encoding="utf-8") as handle:
        records = json.load(handle)
    existing = {s.slug: s for s in db.session.scalars(select(Scheme))}
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for record in records:
        values = {
            "kind": record["kind"], "countries": record["countries"], "sectors": record["sectors"],
            "texts": record["texts"], "sources": record["sources"],
            "checked_at": date.fromisoformat(record["checked_at"]) if record.get("checked_at") else None,
            "countries_key": _key(record["countries"]), "sectors_key": _key(record["sectors"]),
            "search_text": _scheme_search_text(record["slug"], record["texts"]),
        }
        counts[_upsert(existing.get(record["slug"]), Scheme, {"slug": record["slug"]}, values)] += 1
    db.session.flush()
    return counts


def _upsert(row, model, identity: dict, values: dict) -> str:
    """Create `row` or bring it up to `values`; says which of created/updated/unchanged it was."""
    if row is None:
        db.session.add(model(**identity, **values))
        return "created"
    changed = {k: v for k, v in values.items() if getattr(row, k) != v}
    for name, value in changed.items():
        setattr(row, name, value)
    return "updated" if changed else "unchanged"


# --- agencies ------------------------------------------------------------------------------------

def effective_status(agency: Agency, today: date | None = None) -> str:
    """The status a person must be told: an active licence past its valid-until date has expired."""
    today = today or utcnow().date()
    if agency.status == "active" and agency.valid_until is not None and agency.valid_until < today:
        return "expired"
    return agency.status


def get_agency(licence_number: str) -> Agency | None:
    """The agency with this licence number, however it was typed (case, spaces, dashes: lookup.number_key)."""
    key = number_key(clean_lookup(licence_number))
    if not key:
        return None
    return db.session.scalar(select(Agency).where(Agency.licence_key == key))


def agency_query(q: str | None = None):
    """Agencies whose number, name, address or branch contain every word of `q` (parts of words too),
    whatever the case and accents."""
    stmt = select(Agency)
    for word in words(clean_lookup(q)):
        stmt = stmt.where(Agency.search_text.like(like_pattern(word), escape="\\"))
    return stmt


AGENCY_NAME_RESULTS = 20
NAME_MIN_LENGTH = 3  # fewer letters would list every agency


def find_agencies_by_name(q: str, limit: int = AGENCY_NAME_RESULTS) -> tuple[list[Agency], bool]:
    """Agencies matching a typed name (or part of a number), by name; and whether there were more than `limit`."""
    if len("".join(words(clean_lookup(q)))) < NAME_MIN_LENGTH:
        return [], False
    rows = list(db.session.scalars(agency_query(q).order_by(Agency.name, Agency.licence_key).limit(limit + 1)))
    return rows[:limit], len(rows) > limit


AGENCY_COLUMNS = ("licence_number", "name", "status", "valid_until", "address", "branches")
AGENCY_REQUIRED = ("licence_number", "name", "status")
AGENCY_CSV_HELP = """\
Columns (header row required, UTF-8, comma-separated; lines starting with # are comments):
  licence_number  required, unique, at most 100 characters (the SIP3MI number)
  name            required, at most 200 characters
  status          required: active, suspended, revoked or expired
  valid_until     optional, YYYY-MM-DD (an active licence past this date reads as expired)
  address         optional, at most 400 characters
  branches        optional, branch offices separated by |
"""


@dataclass
class AgencyImport:
    rows: list = field(default_factory=list)
    errors: list = field(default_factory=list)  # [(line, message)]


def _data_lines(handle):
    """The file's lines without comments, each with its line number (1-based)."""
    for number, line in enumerate(handle, start=1):
        if line.lstrip().startswith("#") or not line.strip():
            continue
        yield number, line


def parse_agencies_csv(handle) -> AgencyImport:
    """Read and check every row; errors name the file's line numbers. Nothing is written here."""
    result = AgencyImport()
    lines = list(_data_lines(handle))
    if not lines:
        result.errors.append((1, "the file has no header row"))
        return result
    numbers = [n for n, _line in lines]
    reader = csv.reader(line for _n, line in lines)
    try:
        header = [h.strip().lower() for h in next(reader)]
    except csv.Error as exc:
        result.errors.append((numbers[0], f"unreadable header: {exc}"))
        return result
    unknown = [h for h in header if h not in AGENCY_COLUMNS]
    missing = [h for h in AGENCY_REQUIRED if h not in header]
    if unknown or missing:
        if unknown:
            result.errors.append((numbers[0], "unknown columns: " + ", ".join(unknown)))
        if missing:
            result.errors.append((numbers[0], "missing columns: " + ", ".join(missing)))
        return result
    seen = {}
    index = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            result.errors.append((numbers[min(index, len(numbers) - 1)], f"unreadable row: {exc}"))
            break
        line = numbers[min(index, len(numbers) - 1)]
        index += 1
        if len(cells) != len(header):
            result.errors.append((line, f"expected {len(header)} cells, found {len(cells)}"))
            continue
        row, problems = _check_agency_row(dict(zip(header, (c.strip() for c in cells))))
        key = number_key(row["licence_number"])
        if key in seen:
            earlier_line, earlier = seen[key]
            problems.append(f"licence_number {row['licence_number']} already on line {earlier_line}" if earlier ==
                            row["licence_number"] else f"licence_number {row['licence_number']} is the same as "
                            f"{earlier} on line {earlier_line} once case, spaces and dashes are ignored")
        for problem in problems:
            result.errors.append((line, problem))
        if not problems:
            seen[key] = (line, row["licence_number"])
            result.rows.append(row)
    return result


def _check_agency_row(raw: dict) -> tuple[dict, list[str]]:
    problems = []
    for name in AGENCY_REQUIRED:
        if not raw.get(name):
            problems.append(f"{name} is required")
    if raw.get("licence_number") and not number_key(raw["licence_number"]):
        problems.append("licence_number has no letter or digit")
    for name, limit in (("licence_number", 100), ("name", 200), ("address", 400)):
        if len(raw.get(name) or "") > limit:
            problems.append(f"{name} is longer than {limit} characters")
    for name, value in raw.items():
        if any(ord(c) < 32 or ord(c) == 127 for c in value):
            problems.append(f"{name} contains control characters")
    status = (raw.get("status") or "").lower()
    if status and status not in AGENCY_STATUSES:
        problems.append(f"status must be one of {', '.join(AGENCY_STATUSES)}, not {raw['status']!r}")
    valid_until = None
    if raw.get("valid_until"):
        try:
            valid_until = date.fromisoformat(raw["valid_until"])
        except ValueError:
            problems.append(f"valid_until must be a date YYYY-MM-DD, not {raw['valid_until']!r}")
    branches = [b.strip() for b in (raw.get("branches") or "").split("|") if b.strip()]
    return {
        "licence_number": raw.get("licence_number") or "", "name": raw.get("name") or "", "status": status,
        "valid_until": valid_until, "address": raw.get("address") or None, "branches": branches,
    }, problems


def upsert_agencies(rows: Iterable[dict], is_sample: bool = False) -> dict:
    """Insert or update agencies by licence number (its key: a number written differently is the same
    licence, and takes the new spelling); rows equal to the stored ones are left alone."""
    existing = {a.licence_key: a for a in db.session.scalars(select(Agency))}
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for row in rows:
        key = number_key(row["licence_number"])
        values = dict(row, is_sample=is_sample, search_text=agency_search_text(
            row["licence_number"], row["name"], row["address"], row["branches"]))
        outcome = _upsert(existing.get(key), Agency, {"licence_key": key}, values)
        counts[outcome] += 1
    db.session.flush()
    return counts


def seed_sample_agencies(path: Path = SEED_DIR / "sample_agencies.csv") -> dict:
    """Load the SAMPLE agencies (not the official registry) shipped with the app."""
    with open(path, encoding="utf-8", newline="") as handle:
        parsed = parse_agencies_csv(handle)
    if parsed.errors:
        raise ValueError(f"{path}: " + "; ".join(f"line {n}: {m}" for n, m in parsed.errors))
    return upsert_agencies(parsed.rows, is_sample=True)


# --- job orders ----------------------------------------------------------------------------------

def _load_hotlines() -> list[dict]:
    with open(HOTLINES, encoding="utf-8") as handle:
        return json.load(handle)


def _kp2mi_numbers(hotlines: list[dict]) -> dict:
    """KP2MI's call-centre numbers as the texts quote them: `free` (from Indonesia) and `abroad`."""
    numbers = {item["key"]: item["number"] for item in hotlines}
    return {"free": numbers["kp2mi-callcentre"], "abroad": numbers["kp2mi-callcentre-abroad"]}


# The seed file is the one place the numbers are written; every text that quotes them takes them from it.
KP2MI = _kp2mi_numbers(_load_hotlines())

# Not found is not proof of anything (a typo, a list behind the registry): warn, do not accuse.
UNKNOWN_AGENCY = _l("This number is not in our list of licensed agencies. That does not yet mean the agency is "
                    "illegal, but do not pay it or hand over your documents until KP2MI confirms its licence: "
                    "recruiting without a licence is illegal. Call KP2MI: %(free)s (free, from Indonesia) or "
                    "%(abroad)s (from abroad).", **KP2MI)
UNKNOWN_JOB_ORDER = _l("No verified job order has this number. Do not pay or sign anything for this job. Ask the "
                       "agency for the number on its official job order, or call KP2MI: %(free)s (free, from "
                       "Indonesia) or %(abroad)s (from abroad).", **KP2MI)


def get_job_order(number: str) -> JobOrder | None:
    """The job order with this number, however it was typed (lookup.number_key)."""
    key = number_key(clean_lookup(number))
    if not key:
        return None
    return db.session.scalar(select(JobOrder).where(JobOrder.number_key == key))


def create_job_order(user, data: dict) -> JobOrder:
    """Record a job order checked by the mission that covers the employer's place.

    Staff act only for their own mission's jurisdiction; admins everywhere.
    """
    mission = routing.route(data["country"], data.get("region"))
    access.require(user, access.JOB_ORDERS)
    if not access.may_act_for_mission(user, access.JOB_ORDERS, mission.id if mission else None):
        raise DomainError(403, _("Only staff of the mission that covers this country and region can record "
                                 "its job orders."))
    if get_job_order(data["number"]) is not None:
        raise DomainError(409, _("A job order with this number already exists."),
                          {"number": [_("Already recorded.")]})
    agency = get_agency(data["agency_licence"])
    if agency is None:
        raise DomainError(422, _("Some fields are not valid."),
                          {"agency_licence": [_("No agency has this licence number.")]})
    status = effective_status(agency)
    if status != "active":
        raise DomainError(422, _("Some fields are not valid."),
                          {"agency_licence": [_("This agency's licence is %(status)s, not active.",
                                                status=status_label(status))]})
    order = JobOrder(
        number=data["number"], number_key=number_key(data["number"]), employer=data["employer"], country=data["country"], region=data.get("region"),
        sector=data["sector"], positions=data["positions"], salary_offered=data.get("salary_offered"),
        currency=data.get("currency"), agency=agency, status=data["status"], verified_by_id=user.id,
        verified_at=utcnow(), mission_id=mission.id if mission else None,
    )
    db.session.add(order)
    db.session.flush()
    return order


# --- words and numbers shown to people -----------------------------------------------------------

STATUS_LABELS = {
    "active": _l("active"), "suspended": _l("suspended"), "revoked": _l("revoked"), "expired": _l("expired"),
    "verified": _l("verified"), "rejected": _l("rejected"), "unknown": _l("unknown"),
}


def status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status))


def kp2mi_hotlines(lang: str) -> list[dict]:
    """The KP2MI call-centre numbers (from Indonesia and from abroad), from the hotline seed file."""
    hotlines = _load_hotlines()
    wanted = ("kp2mi-callcentre", "kp2mi-callcentre-abroad")
    found = []
    for key in wanted:
        for item in hotlines:
            if item.get("key") == key:
                texts = item["texts"].get(lang) or item["texts"]["id"]
                found.append({"number": item["number"], "name": texts["name"], "note": texts.get("note", "")})
    return found


def job_orders_for(user, limit: int = 100) -> list[JobOrder]:
    """The job orders a staff member's mission recorded (every mission's for an admin), newest first;
    403 for anyone else (app.access)."""
    scope = access.mission_scope(user, access.JOB_ORDERS)
    stmt = select(JobOrder).order_by(JobOrder.verified_at.desc(), JobOrder.number).limit(limit)
    if scope is not None:
        stmt = stmt.where(JobOrder.mission_id == scope)
    return list(db.session.scalars(stmt))
