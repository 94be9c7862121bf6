"""A mission's phone numbers: read from the seed file's free text, answered as one E.164 number each.

The seed file copies the ministry's list, where one field may hold several numbers
(`+60 88 219110 / +60 88 218600`, `+966 50 360 9667 / WhatsApp +966 50 596 6623`). A
`tel:` link can dial only one, so each number becomes an entry `{number, kind, label}`;
the words in front of a number (WhatsApp, SMS, consular...) give its kind or label.
"""
import re
from enum import StrEnum

import phonenumbers
from phonenumbers import PhoneNumberFormat, PhoneNumberMatcher


class PhoneKind(StrEnum):
    """The kind of one of a mission's numbers (`Mission.phones[].kind`)."""

    PHONE = "phone"
    HOTLINE = "hotline"
    WHATSAPP = "whatsapp"
    SMS = "sms"


PHONE_KINDS = tuple(PhoneKind)
# Words in the seed text that say how a number is reached rather than what it is for.
KIND_WORDS = {"whatsapp": PhoneKind.WHATSAPP, "wa": PhoneKind.WHATSAPP, "sms": PhoneKind.SMS}
SEPARATORS = " /,;:|-–·"


class PhoneTextError(ValueError):
    """The seed text holds something that is not a dialable number: fix the seed file."""


def parse_phone_text(text: str | None, country: str, kind: str) -> list[dict]:
    """Every number in `text` as `{number (E.164), kind, label}`, in the order written.

    `kind` is the column the text came from (`phone` or `hotline`); a number preceded by
    "WhatsApp" or "SMS" takes that kind instead. Other words in front of a number (e.g.
    "consular") and an extension become its label. Anything left over is an error, never
    silently dropped.
    """
    if kind not in PHONE_KINDS:
        raise ValueError(f"unknown phone kind {kind!r}")
    entries, position = [], 0
    text = text or ""
    for match in PhoneNumberMatcher(text, country.upper(), leniency=phonenumbers.Leniency.VALID):
        words = text[position:match.start].strip(SEPARATORS)
        position = match.end
        number = match.number
        entry_kind, label = kind, []
        for word in words.split():
            found = KIND_WORDS.get(word.strip(SEPARATORS).casefold())
            if found:
                entry_kind = found
            elif word.strip(SEPARATORS):
                label.append(word.strip(SEPARATORS))
        if number.extension:
            label.append(f"ext. {number.extension}")
        entries.append({"number": phonenumbers.format_number(number, PhoneNumberFormat.E164),
                        "kind": entry_kind, "label": " ".join(label) or None})
    rest = text[position:].strip(SEPARATORS)
    if rest or (text.strip() and not entries):
        raise PhoneTextError(f"cannot read {text!r} as phone numbers of {country}")
    return entries


def first_of(phones: list[dict], *kinds: str) -> str | None:
    """The first number of one of `kinds`, or None."""
    return next((p["number"] for p in phones if p["kind"] in kinds), None)


def display(number: str) -> str:
    """An E.164 number grouped for reading (`+60 88-219 110`); short local numbers as they are."""
    if not number.startswith("+"):
        return number
    try:
        return phonenumbers.format_number(phonenumbers.parse(number), PhoneNumberFormat.INTERNATIONAL)
    except phonenumbers.NumberParseException:
        return number


def dial_href(entry: dict) -> str:
    """The link that calls one number: `tel:`, `sms:`, or WhatsApp's `https://wa.me/<digits>`."""
    number = entry["number"]
    if entry.get("kind") == "whatsapp":
        return "https://wa.me/" + re.sub(r"\D", "", number)
    if entry.get("kind") == "sms":
        return "sms:" + number
    return "tel:" + re.sub(r"[^\d+*#]", "", number)
