"""The local police and ambulance numbers of the destination countries: sourced, dialable, complete where found."""
import csv
import json

import phonenumbers
from phonenumbers import shortnumberinfo

from app.missions import calls

# Destination countries for which no police or ambulance number with a source was found (left out,
# never guessed). Finding one means adding it to emergency_numbers.json and removing it here.
NOT_FOUND = {"BH", "BR", "CH", "FJ", "KH", "KZ", "LA", "MM", "MX", "NC", "NO", "PG", "RU", "TL", "UA", "UZ"}


def data() -> dict:
    return json.loads(calls.EMERGENCY_FILE.read_text("utf-8"))


def destination_countries() -> set[str]:
    with open(calls.SEED_DIR / "missions.csv", newline="", encoding="utf-8") as handle:
        return {row["country"] for row in csv.DictReader(handle)}


def test_every_destination_has_local_emergency_numbers_or_is_listed_as_not_found():
    countries = set(data()["countries"])
    assert countries <= destination_countries()
    assert destination_countries() - countries == NOT_FOUND
    assert {"MY", "SA", "TW", "HK", "SG", "AE", "QA", "KW", "OM", "JO", "KR", "JP", "BN", "TR"} <= countries


def test_every_local_number_has_a_source_and_dials_in_its_country():
    for country, entry in data()["countries"].items():
        assert entry["sources"] and all(s["url"].startswith(("http://", "https://")) and s["title"]
                                        for s in entry["sources"]), country
        for item in entry["numbers"]:
            assert set(item["services"]) <= set(calls.SERVICE_LABELS), country
            number = phonenumbers.parse(item["number"], country)
            # An independent check: libphonenumber's own list of each country's short numbers.
            assert shortnumberinfo.is_valid_short_number_for_region(number, country), (country, item["number"])


def test_police_and_ambulance_numbers_are_emergency_numbers_of_their_country():
    known_lines = {("LK", "1990")}  # the national ambulance service, not in libphonenumber's emergency list
    for country, entry in data()["countries"].items():
        for item in entry["numbers"]:
            if {"police", "ambulance"} & set(item["services"]) and (country, item["number"]) not in known_lines:
                assert shortnumberinfo.is_emergency_number(item["number"], country), (country, item["number"])


def test_national_lines_callable_from_abroad_come_first_and_the_rest_are_labelled():
    lines = calls.national_hotlines("id")
    phones = [h for h in lines if h["kind"] != "web"]
    assert phones[0]["number"] == "+62 812 9007 0027"
    indonesia_only = [h for h in phones if h["from_abroad"] is False]
    assert [h["number"] for h in indonesia_only] == ["0-800-1000"]
    assert lines.index(indonesia_only[0]) > max(lines.index(h) for h in phones if h["from_abroad"])
