"""The priority rule of the consulate queue: one function, used for the stored `band`."""
from enum import StrEnum


class Category(StrEnum):
    UNPAID_WAGES = "unpaid_wages"
    ABUSE_VIOLENCE = "abuse_violence"
    DOCUMENT_WITHHELD = "document_withheld"
    DETENTION_LEGAL = "detention_legal"
    TRAFFICKING = "trafficking"
    HEALTH_EMERGENCY = "health_emergency"
    CONTRACT_DISPUTE = "contract_dispute"
    REPATRIATION = "repatriation"
    LOST_CONTACT = "lost_contact"
    OTHER = "other"


class Urgency(StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    EMERGENCY = "emergency"


class Band(StrEnum):
    """The names of the queue's bands (a staff `priority_override` is one of them)."""

    CRITICAL = "critical"
    HIGH = "high"
    NORMAL = "normal"
    LOW = "low"


CATEGORIES = tuple(Category)
URGENCIES = tuple(Urgency)
CRITICAL_CATEGORIES = frozenset({Category.ABUSE_VIOLENCE, Category.TRAFFICKING, Category.DETENTION_LEGAL,
                                 Category.HEALTH_EMERGENCY})

# Lower band = served first. Staff may override with any of these names.
BANDS = {Band.CRITICAL: 0, Band.HIGH: 1, Band.NORMAL: 2, Band.LOW: 3}
BAND_NAMES = {v: k for k, v in BANDS.items()}


def priority_band(category: str, urgency: str, override: str | None = None) -> int:
    """The queue band of a request: a staff override wins; else `emergency` urgency or a
    critical category is `critical`, and everything else `normal`. Within a band the queue
    serves the longest waiting first (ORDER BY band, created_at, id)."""
    if override:
        return BANDS[override]
    if urgency == Urgency.EMERGENCY or category in CRITICAL_CATEGORIES:
        return BANDS[Band.CRITICAL]
    return BANDS[Band.NORMAL]


def band_name(band: int) -> str:
    return BAND_NAMES[band]
