"""Presence reports: the rules for storing, replacing and reading them."""
import uuid

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from ..crypto import blind_index, encrypt, normalise_identifier
from ..errors import DomainError
from ..extensions import db
from ..i18n import _
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
    passport = normalise_identifier(data["passport_number"])
    nik = normalise_identifier(data["nik"]) if data.get("nik") else None
    mission = route(data["country"], data.get("region"), data.get("city"))
    contact = data["emergency_contact"]
    report = PresenceReport(
        id=report_id, user_id=user.id, is_current=is_current,
        passport_enc=encrypt(passport), passport_hash=blind_index(passport),
        nik_enc=encrypt(nik) if nik else None, nik_hash=blind_index(nik) if nik else None,
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


def _replay(user, existing: PresenceReport) -> tuple[PresenceReport, bool]:
    if existing.user_id != user.id:
        raise DomainError(409, _("This id is already in use. Create the report again with a new id."))
    return existing, False


def find_by_passport(passport_number: str) -> list[PresenceReport]:
    """Current reports with this passport number (exact match through the blind index)."""
    return list(db.session.scalars(select(PresenceReport).where(
        PresenceReport.passport_hash == blind_index(passport_number), PresenceReport.is_current.is_(True))))
