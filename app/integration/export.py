"""The Peduli WNI export: presence reports changed since a time, only the fields a consular registry needs.

See docs/peduli-wni-export.md. Left out on purpose: the emergency contact, the employer's phone,
the worker's help requests and anything staff wrote.
"""
import json
from datetime import datetime
from typing import Iterator

from sqlalchemy import select

from ..accounts.models import User
from ..extensions import db
from ..presence.models import PresenceReport
from ..spreadsheets import DictWriter
from .models import PersonLink

EXPORT_FIELDS = ("report_id", "person_id", "full_name", "phone", "passport_status", "passport_number", "nik",
                 "other_document", "country", "region", "city", "address", "mission", "sector", "employer_name",
                 "scheme", "arrival_date", "contract_end_date", "is_current", "reported_at", "updated_at")
CHUNK = 500


def _z(value: datetime) -> str:
    return value.isoformat().replace("+00:00", "Z")


def changed_presence(since: datetime) -> Iterator[dict]:
    """Every presence report changed at or after `since` (UTC), oldest change first, as export rows."""
    stmt = (select(PresenceReport, User.full_name, User.phone, PersonLink.person_id)
            .join(User, User.id == PresenceReport.user_id)
            .outerjoin(PersonLink, PersonLink.user_id == PresenceReport.user_id)
            .where(PresenceReport.updated_at >= since)
            .order_by(PresenceReport.updated_at, PresenceReport.id)
            .execution_options(yield_per=CHUNK))
    for report, full_name, phone, person_id in db.session.execute(stmt):
        yield {
            "report_id": str(report.id), "person_id": str(person_id) if person_id else None,
            "full_name": full_name, "phone": phone,
            "passport_status": report.passport_status, "passport_number": report.passport_number, "nik": report.nik,
            "other_document": report.other_document,
            "country": report.country, "region": report.region, "city": report.city, "address": report.address,
            "mission": report.mission.code if report.mission else None, "sector": report.sector,
            "employer_name": report.employer_name, "scheme": report.scheme,
            "arrival_date": report.arrival_date.isoformat(),
            "contract_end_date": report.contract_end_date.isoformat() if report.contract_end_date else None,
            "is_current": report.is_current, "reported_at": _z(report.created_at), "updated_at": _z(report.updated_at),
        }


def write_export(rows: Iterator[dict], out, fmt: str) -> int:
    """Write rows as JSON Lines or CSV (header first; cells safe for spreadsheets) to `out`; returns the count."""
    count = 0
    if fmt == "csv":
        writer = DictWriter(out, EXPORT_FIELDS)
        writer.writeheader()
        for row in rows:
            writer.writerow({k: ("" if v is None else "true" if v is True else "false" if v is False else v)
                             for k, v in row.items()})
            count += 1
    else:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
            count += 1
    return count
