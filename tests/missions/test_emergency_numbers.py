"""The local police and ambulance numbers of the destination countries: sourced, dialable, complete where found."""
import csv
import json

import phonenumbers
from phonenumbers import shortnumberinfo

from app.missions import calls

# Destination countries for which no police or ambulance number with a source was found (left out,
# never guessed), each also listed as not found in seed/SOURCES.md. Finding one means adding it to
# emergency_numbers.json and removing it here; a new mission country must land in one or the other.
NOT_FOUND: set[str] = set()
# Sourced numbers that libphonenumber's short-number list (phonenumbers 9.0.43) does not know yet or
# knows under an older plan (Laos 190/191/195, Uzbekistan 01/02/03). They need two sources of their own.
NEWER_THAN_LIBPHONENUMBER = {("FJ", "910"), ("LA", "1190"), ("LA", "1191"), ("LA", "1195"), ("MM", "191"),
                             ("MM", "192"), ("PG", "112"), ("UZ", "101"), ("UZ", "102"), ("UZ", "103")}


def data() -> dict:
    return json.loads(calls.EMERGENCY_FILE.read_text("utf-8"))


def destination_countries() -> set[str]:
    with open(calls.SEED_DIR / "missions.csv", newline="", encoding="utf-8") as handle:
        return {row["country"] for row in csv.DictReader(handle)}


def test_every_destination_has_local_emergency_numbers_or_is_listed_as_not_found():
    countries = set(data()["countries"])
    assert countries <= destination_countries()
    assert destination_countries() - countries == NOT_FOUND
    assert not countries & NOT_FOUND
    assert {"MY", "SA", "TW", "HK", "SG", "AE", "QA", "KW", "OM", "JO", "KR", "JP", "BN", "TR"} <= countries


def test_every_local_number_has_a_source_and_dials_in_its_country():
    for country, entry in data()["countries"].items():
        assert entry["sources"] and all(s["url"].startswith(("http://", "https://")) and s["title"]
                                        for s in entry["sources"]), country
        for item in entry["numbers"]:
            assert set(item["services"]) <= set(calls.SERVICE_LABELS), country
            number = phonenumbers.parse(item["number"], country)
            # An independent check: libphonenumber's own list of each country's short numbers.
            if (country, item["number"]) not in NEWER_THAN_LIBPHONENUMBER:
                assert shortnumberinfo.is_valid_short_number_for_region(number, country), (country, item["number"])


def test_police_and_ambulance_numbers_are_emergency_numbers_of_their_country():
    # LK 1990: the national ambulance service, not in libphonenumber's emergency list.
    known_lines = {("LK", "1990")} | NEWER_THAN_LIBPHONENUMBER
    for country, entry in data()["countries"].items():
        for item in entry["numbers"]:
            if {"police", "ambulance"} & set(item["services"]) and (country, item["number"]) not in known_lines:
                assert shortnumberinfo.is_emergency_number(item["number"], country), (country, item["number"])


def test_numbers_libphonenumber_does_not_know_are_still_in_use_and_have_two_sources():
    entries = data()["countries"]
    for country, number in NEWER_THAN_LIBPHONENUMBER:
        assert number in {item["number"] for item in entries[country]["numbers"]}, (country, number)
        assert len(entries[country]["sources"]) >= 2, country
        # Still unknown to libphonenumber: once it learns the number, take it off the list.
        assert not shortnumberinfo.is_valid_short_number_for_region(phonenumbers.parse(number, country), country)


def test_countries_without_numbers_are_documented_as_not_found():
    sources_md = (calls.SEED_DIR / "SOURCES.md").read_text("utf-8")
    section = sources_md[sources_md.index("## Local emergency numbers"):]
    for country in NOT_FOUND:
        assert f"`{country}`" in section, country


def test_national_lines_callable_from_abroad_come_first_and_the_rest_are_labelled():
    lines = calls.national_hotlines("id")
    phones = [h for h in lines if h["kind"] != "web"]
    assert phones[0]["number"] == "+62 812 9007 0027"
    indonesia_only = [h for h in phones if h["from_abroad"] is False]
    assert [h["number"] for h in indonesia_only] == ["0-800-1000"]
    assert lines.index(indonesia_only[0]) > max(lines.index(h) for h in phones if h["from_abroad"])
