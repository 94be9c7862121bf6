"""The queue's search box: one text, several keys.

`q` finds a request by its reference code (JBT-7K3Q9M, or just 7K3Q9M), by the worker's name
(part of it, any case; a text without digits) or phone (her account's number or the request's
contact phone, with or without the country code), or by an exact passport number. A passport is found through the keyed
hash stored beside each encrypted number (app.crypto.blind_index): nothing is decrypted.

The workers are found first, in small queries on indexed columns (the name is a scan of the
accounts, never of the requests); the requests are then an OR of indexed equalities, so the
queue's ORDER BY and keyset paging work on a handful of rows whatever the queue's size.
"""
import re

import phonenumbers
from sqlalchemy import false, or_, select, union

from ..accounts.models import User
from ..crypto import blind_index
from ..extensions import db
from ..presence.models import PresenceReport
from .models import HelpRequest

# Beyond this many workers whose names match, the name is matched in a subquery instead.
MAX_LISTED_WORKERS = 500
REFERENCE_PREFIX = "JBT-"
MIN_NAME_LENGTH = 2


def _references(text: str) -> list[str]:
    code = text.strip().upper()
    codes = [code]
    if re.fullmatch(r"[0-9A-Z]{6}", code):
        codes.append(REFERENCE_PREFIX + code)
    return codes


def _phones(text: str, countries) -> list[str]:
    """The E.164 numbers `text` may be: as written with its country code, or read in Indonesia or a
    country the mission serves (a worker's local number; `countries()` gives them)."""
    digits = re.sub(r"[\s().-]", "", text)
    if not re.fullmatch(r"\+?\d{6,16}", digits):
        return []
    found = []
    for region in (None, "ID", *(() if digits.startswith("+") else countries())):
        if region is None and not digits.startswith("+"):
            continue
        try:
            number = phonenumbers.parse(digits, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(number):
            e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
            if e164 not in found:
                found.append(e164)
    return found


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search_clause(text: str, countries=tuple):
    """The WHERE clause of the requests `text` finds (`countries()`: where the mission's workers are,
    asked only for a number written without its country code)."""

    text = " ".join(text.split())
    if not text:
        return None
    phones = _phones(text, countries)
    conditions = [HelpRequest.reference.in_(_references(text))]
    if phones:
        conditions.append(HelpRequest.contact_phone.in_(phones))
    workers = []
    if phones:
        workers.append(select(User.id).where(User.phone.in_(phones)))
    if any(c.isdigit() for c in text):
        # Passport numbers have digits; names do not (so a number never scans the accounts by name).
        workers.append(select(PresenceReport.user_id).where(PresenceReport.passport_hash == blind_index(text)))
    elif len(text) >= MIN_NAME_LENGTH:
        workers.append(select(User.id).where(User.full_name.ilike(_like(text), escape="\\")))
    matched = union(*workers) if len(workers) > 1 else workers[0] if workers else None
    if matched is not None:
        ids = list(db.session.scalars(matched.limit(MAX_LISTED_WORKERS + 1)))
        if len(ids) > MAX_LISTED_WORKERS:
            conditions.append(HelpRequest.user_id.in_(matched))
        elif ids:
            conditions.append(HelpRequest.user_id.in_(ids))
    return or_(*conditions) if conditions else false()
