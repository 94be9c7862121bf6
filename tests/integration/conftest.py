"""Fixtures of the integration tests: generated placement files, workers who report presence."""
import csv
import json
import random
import uuid
from datetime import date, timedelta

import pytest

from app.integration.schemas import PLACEMENT_COLUMNS

# (country, region, city) → the mission that serves it, written out by hand (not by the routing code).
PLACES = [
    (("MY", "MY-12", "Kota Kinabalu"), "KJRI-KOTAKINABALU"),
    (("MY", "MY-12", "Tawau"), "KRI-TAWAU"),
    (("MY", "MY-13", "Kuching"), "KJRI-KUCHING"),
    (("MY", "MY-14", "Kuala Lumpur"), "KBRI-KUALALUMPUR"),
    (("HK", None, "Hong Kong"), "KJRI-HONGKONG"),
    (("TW", None, "Taichung"), "KDEI-TAIPEI"),
    (("SA", "SA-01", "Riyadh"), "KBRI-RIYADH"),
    (("SA", "SA-02", "Jeddah"), "KJRI-JEDDAH"),
]
FIRST = ["Siti", "Sri", "Dewi", "Nur", "Ani", "Rina", "Wati", "Budi", "Agus", "Eko", "Joko", "Yuni", "Lestari", "Putri"]
LAST = ["Aminah", "Wahyuni", "Rahayu", "Handayani", "Susanti", "Santoso", "Hidayat", "Saputra", "Kurniawan",
        "Pratama", "Lestari", "Setiawati", "Maryani", "Purnamasari"]


SYLLABLES = ["ka", "ri", "mo", "su", "ta", "wi", "na", "de", "lo", "pu", "ga", "he", "ji", "be", "ro", "ni",
             "sa", "tu", "me", "yo"]


def made_up_name(i: int) -> str:
    """A surname of its own for every i (four syllables, base 20)."""
    parts = [SYLLABLES[(i // 20 ** k) % 20] for k in range(4)]
    return "".join(parts).capitalize()


def nik_for(serial: int, birth: date, woman: bool = True) -> str:
    """A NIK: 6 digits of place, DDMMYY of birth (day + 40 for women), 4 digits of serial."""
    day = birth.day + (40 if woman else 0)
    return f"3212{serial // 10000 % 100:02d}{day:02d}{birth.month:02d}{birth.year % 100:02d}{serial % 10000:04d}"


def placement_row(i: int, rng: random.Random | None = None, **overrides) -> dict:
    rng = rng or random.Random(i)
    (country, region, city), _mission = PLACES[i % len(PLACES)]
    birth = date(1980, 1, 1) + timedelta(days=rng.randrange(0, 9000))
    row = {
        "placement_id": f"SKP-{i:06d}",
        "passport_number": f"C{1000000 + i}",
        "nik": nik_for(i, birth),
        "full_name": f"{FIRST[i % len(FIRST)]} {made_up_name(i)}",
        "birth_date": birth.isoformat(),
        "country": country, "region": region or "", "city": city,
        "employer": f"Employer {i % 97}",
        "agency_licence": f"KEP.{100 + i % 50}/2024",
        "scheme": "p_to_p",
        "departure_date": (date(2024, 1, 1) + timedelta(days=i % 600)).isoformat(),
        "contract_end": (date(2026, 1, 1) + timedelta(days=i % 600)).isoformat(),
    }
    row.update(overrides)
    return row


def write_placements(path, rows, fmt=None) -> str:
    fmt = fmt or ("jsonl" if str(path).endswith(".jsonl") else "csv")
    with open(path, "w", encoding="utf-8", newline="") as out:
        if fmt == "csv":
            writer = csv.DictWriter(out, fieldnames=PLACEMENT_COLUMNS)
            writer.writeheader()
            for row in rows:
                writer.writerow({k: ("" if v is None else v) for k, v in row.items()})
        else:
            for row in rows:
                out.write(json.dumps({k: v for k, v in row.items() if v not in ("", None)}) + "\n")
    return str(path)


def presence_body(**overrides) -> dict:
    body = {
        "id": str(uuid.uuid4()),
        "passport_number": "X7654321",
        "country": "MY", "region": "MY-12", "city": "Kota Kinabalu",
        "address": "Jalan Tuaran 12",
        "employer_name": "Ladang Sawit Sdn Bhd",
        "sector": "plantation",
        "arrival_date": "2025-01-15",
        "emergency_contact": {"name": "Siti", "phone": "+62 812 3456 7890", "relation": "ibu"},
        "created_at": "2026-01-10T08:15:00+08:00",
    }
    body.update(overrides)
    return body


@pytest.fixture
def import_file(runner):
    """import_file(path, *args) → the CLI result of `integration import-placements`."""

    def run(path, *args):
        return runner.invoke(args=["integration", "import-placements", str(path), *args])

    return run


@pytest.fixture
def create_worker(client, create_user, auth):
    """create_worker(full_name=..., **presence fields) → a worker who reported presence through the API."""

    def factory(full_name="Pekerja Uji", **fields):
        worker = create_user(full_name=full_name)
        response = client.put("/api/v1/presence", json=presence_body(**fields), headers=auth(worker))
        assert response.status_code in (200, 201), response.json
        return worker

    return factory


def help_body(**overrides) -> dict:
    body = {
        "id": str(uuid.uuid4()), "category": "unpaid_wages", "urgency": "normal",
        "description": "Gaji saya belum dibayar tiga bulan.", "country": "MY", "region": "MY-12",
        "city": "Kota Kinabalu", "contact_phone": "+60 12-345 6789", "location": {"lat": 5.98, "lng": 116.07},
        "created_at": "2026-01-10T08:15:00+08:00",
    }
    body.update(overrides)
    return body


@pytest.fixture
def create_help_request_via_api(client, create_user, auth):
    """create_help_request_via_api(worker=None, **fields) → the created request (JSON)."""

    def factory(worker=None, **fields):
        worker = worker or create_user()
        response = client.post("/api/v1/help-requests", json=help_body(**fields), headers=auth(worker))
        assert response.status_code == 201, response.json
        return response.json

    return factory
