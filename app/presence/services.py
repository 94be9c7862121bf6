"""Presence reports: the rules for storing, replacing and reading them."""
import uuid
from datetime import timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError

from ..crypto import blind_index, encrypt, normalise_identifier
from ..errors import DomainError
from ..extensions import db
from ..i18n import _
from ..idempotency import stored_again
from ..missions.services import route
from ..sync.feed import record_change
from ..types import clamp_device_time, utcnow
from .models import PresenceReport


def current_presence(user) -> PresenceReport | None:
    """The worker's current report, or None."""
    user_id = getattr(user, "id", user)
    return db.session.scalar(select(PresenceReport).where(
        PresenceReport.user_id == user_id, PresenceReport.is_current.is_(True)))


def presence_history(user) -> list[PresenceReport]:
    """Every report of the worker, newest first."""
    return list(db.session.scalars(select(PresenceReport).where(PresenceReport.user_id == user.id)
                                   .order_by(PresenceReport.created_at.desc(), PresenceReport.id.desc())))


def submit_presence(user, data: dict) -> tuple[PresenceReport, bool]:
    """Store a report loaded by PresenceInSchema; (report, created).

    Idempotent by `id`: the same id again returns the stored report and False (an id
    that belongs to another worker is a 409 that reveals nothing). A report newer
    (by the device's `created_at`) than the current one replaces it; the old one is kept
    as history. A late, older report (an offline replay) goes straight into history.
    """
    report_id = data.get("id") or uuid.uuid4()
    existing = db.session.get(PresenceReport, report_id)
    if existing is not None:
        return _replay(user, existing)
    created_at = clamp_device_time(data.get("created_at"), user)
    current = current_presence(user)
    is_current = current is None or created_at >= current.created_at
    # No passport in hand (`passport_status` not `held`) may mean no number: then none is stored
    # and none is indexed, so nothing is ever matched on it.
    passport = normalise_identifier(data.get("passport_number")) or None
    nik = normalise_identifier(data["nik"]) if data.get("nik") else None
    other_document = data.get("other_document") or None
    check_number_change(user, blind_index(passport) if passport else None, blind_index(nik) if nik else None)
    mission = route(data["country"], data.get("region"), data.get("city"))
    contact = data["emergency_contact"]
    report = PresenceReport(
        id=report_id, user_id=user.id, is_current=is_current, passport_status=data.get("passport_status") or "held",
        passport_enc=encrypt(passport) if passport else None, passport_hash=blind_index(passport) if passport else None,
        nik_enc=encrypt(nik) if nik else None, nik_hash=blind_index(nik) if nik else None,
        other_document_enc=encrypt(other_document) if other_document else None,
        country=data["country"].upper(), region=(data.get("region") or "").upper() or None, city=data.get("city"),
        address=data["address"], employer_name=data["employer_name"], employer_phone=data.get("employer_phone"),
        sector=data["sector"], scheme=data.get("scheme"), arrival_date=data["arrival_date"],
        contract_end_date=data.get("contract_end_date"),
        emergency_name=contact["name"], emergency_phone=contact["phone"], emergency_relation=contact["relation"],
        mission_id=mission.id if mission else None, mission=mission, created_at=created_at, received_at=utcnow(),
    )
    try:
        with db.session.begin_nested():
            if is_current and current is not None:
                db.session.execute(update(PresenceReport).where(
                    PresenceReport.user_id == user.id, PresenceReport.is_current.is_(True))
                    .values(is_current=False), execution_options={"synchronize_session": "fetch"})
            db.session.add(report)
            db.session.flush()
    except IntegrityError:
        # The same id arrived twice at once: the other request stored it.
        existing = db.session.get(PresenceReport, report_id, populate_existing=True)
        if existing is None:
            raise
        return _replay(user, existing)
    record_change(user.id, "presence", report.id)
    return report, True


# A worker may declare this many new passport numbers (and as many new NIKs) in the window,
# besides the one she had: a renewed passport or a corrected typo, not a series of guesses.
NUMBER_CHANGES_ALLOWED = 2
NUMBER_CHANGE_WINDOW = timedelta(days=30)


def check_number_change(user, passport_hash: str | None, nik_hash: str | None) -> None:
    """Refuse (422) a passport number or NIK that would be the worker's third new one in 30 days.

    Counted by the server's `received_at` (the phone cannot move it) over the numbers of her
    current report and of every report received in the window, compared by blind index. Going
    back to a number she already gave, leaving the NIK out, and changing any other field are free;
    so is a report without a passport number (her passport is not with her): no number is no change.
    """
    since = utcnow() - NUMBER_CHANGE_WINDOW
    rows = db.session.execute(select(PresenceReport.passport_hash, PresenceReport.nik_hash).where(
        PresenceReport.user_id == user.id,
        or_(PresenceReport.received_at >= since, PresenceReport.is_current.is_(True))).distinct()).all()
    if not rows:
        return  # the first report declares, it changes nothing
    errors = {}
    for field, new, known in (("passport_number", passport_hash, {r.passport_hash for r in rows}),
                              ("nik", nik_hash, {r.nik_hash for r in rows})):
        known.discard(None)
        if new is None or new in known or len(known) < NUMBER_CHANGES_ALLOWED + 1:
            continue
        if field == "passport_number":
            errors[field] = [_("You have already changed your passport number twice in the last 30 days. "
                               "If it has really changed again, please contact your mission.")]
        else:
            errors[field] = [_("You have already changed your NIK twice in the last 30 days. "
                               "If it was written wrongly, please contact your mission.")]
    if errors:
        raise DomainError(422, " ".join(messages[0] for messages in errors.values()), errors)


def shared_numbers(reports) -> dict:
    """{report id: ["passport_number", "nik"]}: the numbers of each report that another account
    has declared too (in any of its reports), found through the blind index.

    Such a number is stored (its real owner must not be locked out by someone who typed it
    first) but staff see the flag, and the matching never links it by itself.
    """
    reports = list(reports)
    passports = {r.passport_hash for r in reports if r.passport_hash}
    niks = {r.nik_hash for r in reports if r.nik_hash}
    owners_of_passport, owners_of_nik = {}, {}
    if passports or niks:
        for user_id, passport_hash, nik_hash in db.session.execute(
                select(PresenceReport.user_id, PresenceReport.passport_hash, PresenceReport.nik_hash).where(
                    PresenceReport.passport_hash.in_(passports) | PresenceReport.nik_hash.in_(niks)).distinct()):
            if passport_hash in passports:
                owners_of_passport.setdefault(passport_hash, set()).add(user_id)
            if nik_hash in niks:
                owners_of_nik.setdefault(nik_hash, set()).add(user_id)
    shared = {}
    for report in reports:
        fields_ = []
        if report.passport_hash and owners_of_passport.get(report.passport_hash, set()) - {report.user_id}:
            fields_.append("passport_number")
        if report.nik_hash and owners_of_nik.get(report.nik_hash, set()) - {report.user_id}:
            fields_.append("nik")
        shared[report.id] = fields_
    return shared


def shared_numbers_of(report) -> list[str]:
    """The numbers of one report that another account declared too (see `shared_numbers`)."""
    return shared_numbers([report])[report.id] if report is not None else []


def _replay(user, existing: PresenceReport) -> tuple[PresenceReport, bool]:
    # A report is never edited, only replaced by a newer one: its id again from its owner is a replay.
    return stored_again(existing, existing.user_id == user.id)


def find_by_passport(passport_number: str) -> list[PresenceReport]:
    """Current reports with this passport number (exact match through the blind index)."""
    return list(db.session.scalars(select(PresenceReport).where(
        PresenceReport.passport_hash == blind_index(passport_number), PresenceReport.is_current.is_(True))))
