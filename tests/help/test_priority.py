"""The priority rule of the queue (app/help/priority.py), rule by rule: a staff override wins;
else `emergency` urgency or a critical category is critical; everything else is normal."""
import pytest

from app.help.models import CATEGORIES, URGENCIES
from app.help.priority import BANDS, band_name, priority_band

# Written out by hand: the categories that put a request at the top whatever its urgency.
CRITICAL = ("abuse_violence", "trafficking", "detention_legal", "health_emergency")
OTHER_CATEGORIES = [c for c in CATEGORIES if c not in CRITICAL]
BELOW_EMERGENCY = [u for u in URGENCIES if u != "emergency"]


@pytest.mark.parametrize("category", CATEGORIES)
def test_emergency_outranks_every_category(category):
    assert priority_band(category, "emergency") == BANDS["critical"] == 0


def test_emergency_of_a_plain_category_is_critical():
    assert priority_band("unpaid_wages", "emergency", None) == 0


@pytest.mark.parametrize("category, urgency", [
    ("abuse_violence", "low"),
    ("trafficking", "normal"),
    ("detention_legal", "normal"),
    ("health_emergency", "high"),
])
def test_a_critical_category_is_critical_even_when_its_urgency_is_low(category, urgency):
    assert priority_band(category, urgency, None) == 0


@pytest.mark.parametrize("category", CRITICAL)
@pytest.mark.parametrize("urgency", URGENCIES)
def test_a_critical_category_is_critical_at_every_urgency(category, urgency):
    assert priority_band(category, urgency) == BANDS["critical"]


@pytest.mark.parametrize("category, urgency", [("unpaid_wages", "high"), ("other", "low")])
def test_anything_else_is_normal_whatever_its_urgency(category, urgency):
    assert priority_band(category, urgency, None) == 2


@pytest.mark.parametrize("category", OTHER_CATEGORIES)
@pytest.mark.parametrize("urgency", BELOW_EMERGENCY)
def test_high_or_low_urgency_of_a_plain_category_stays_normal(category, urgency):
    assert priority_band(category, urgency) == BANDS["normal"]


@pytest.mark.parametrize("category, urgency, override, band", [
    ("trafficking", "emergency", "low", 3),
    ("other", "low", "critical", 0),
])
def test_a_staff_override_wins_over_category_and_urgency(category, urgency, override, band):
    assert priority_band(category, urgency, override) == band


@pytest.mark.parametrize("override", list(BANDS))
def test_every_band_name_is_an_override(override):
    assert priority_band("trafficking", "emergency", override) == BANDS[override]
    assert priority_band("other", "low", override) == BANDS[override]


def test_no_override_is_the_rule_itself():
    assert priority_band("other", "low", None) == priority_band("other", "low", "") == priority_band("other", "low")


def test_lower_band_is_served_first_critical_high_normal_low():
    assert sorted(BANDS, key=BANDS.get) == ["critical", "high", "normal", "low"]


@pytest.mark.parametrize("name", list(BANDS))
def test_band_name_names_the_band(name):
    assert band_name(BANDS[name]) == name
