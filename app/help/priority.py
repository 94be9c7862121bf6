"""The priority rule of the consulate queue: one function, used for the stored `band`."""
CRITICAL_CATEGORIES = frozenset({"abuse_violence", "trafficking", "detention_legal", "health_emergency"})

# Lower band = served first. Staff may override with any of these names.
BANDS = {"critical": 0, "high": 1, "normal": 2, "low": 3}
BAND_NAMES = {v: k for k, v in BANDS.items()}


def priority_band(category: str, urgency: str, override: str | None = None) -> int:
    """The queue band of a request: a staff override wins; else `emergency` urgency or a
    critical category is `critical`, and everything else `normal`. Within a band the queue
    serves the longest waiting first (ORDER BY band, created_at, id)."""
    if override:
        return BANDS[override]
    if urgency == "emergency" or category in CRITICAL_CATEGORIES:
        return BANDS["critical"]
    return BANDS["normal"]


def band_name(band: int) -> str:
    return BAND_NAMES[band]
