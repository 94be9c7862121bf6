"""What tests send and the accounts they send it as, built in one place: plain functions.

Bodies are what a phone would send (the API's JSON, a sync envelope), placement rows what the
placement authority's export holds. Each builder takes `**overrides`; a test names only what it
is about. The fixtures in tests/support/fixtures.py hand these functions out.
"""
import csv
import json
import random
import uuid
from datetime import date, datetime, timedelta, timezone

from app.accounts import services as accounts
from app.extensions import db
from app.integration.schemas import PLACEMENT_COLUMNS
from app.missions.services import get_by_code

# ---------------------------------------------------------------- accounts

# When the test accounts were made (device times may not go back before it; app.types.clamp_device_time).
ACCOUNTS_SINCE = datetime(2025, 1, 1, tzinfo=timezone.utc)


def new_user(role="worker", mission=None, phone=None, email=None, full_name="Test User", password="password123",
             language="id", created_at=ACCOUNTS_SINCE):
    """A committed User: a worker gets a fresh phone number, anyone else a fresh email; staff serve
    KJRI-KOTAKINABALU unless told otherwise."""
    if role == "worker" and phone is None and email is None:
        phone = "+6281" + str(uuid.uuid4().int)[:9]
    if role != "worker" and email is None:
        email = f"{role}-{uuid.uuid4().hex[:8]}@example.org"
    if role == "staff" and mission is None:
        mission = "KJRI-KOTAKINABALU"
    user = accounts.create_user(full_name=full_name, password=password, role=role, phone=phone, email=email,
                                language=language, mission=get_by_code(mission) if mission else None)
    if created_at is not None:
        user.created_at = created_at
    db.session.commit()
    return user


def tokens(user) -> dict:
    """{access_token, refresh_token} of a fresh login, committed."""
    issued = accounts.issue_tokens(user)
    db.session.commit()
    return issued


def auth_headers(user, **headers) -> dict:
    """Request headers with a bearer access token of a fresh login (plus `headers`)."""
    return {"Authorization": f"Bearer {tokens(user)['access_token']}", **headers}


# ---------------------------------------------------------------- API bodies

def help_body(**overrides) -> dict:
    """A help request as POST /api/v1/help-requests takes it: unpaid wages in Kota Kinabalu."""
    body = {
        "id": str(uuid.uuid4()),
        "category": "unpaid_wages",
        "urgency": "normal",
        "description": "Gaji saya belum dibayar tiga bulan.",
        "country": "MY",
        "region": "MY-12",
        "city": "Kota Kinabalu",
        "contact_phone": "+60 12-345 6789",
        "location": {"lat": 5.98, "lng": 116.07},
        "created_at": "2026-01-10T08:15:00+08:00",
    }
    body.update(overrides)
    return body


def presence_body(**overrides) -> dict:
    """A presence report as PUT /api/v1/presence takes it, every field filled (NIK included)."""
    body = {
        "id": str(uuid.uuid4()),
        "passport_number": "X1234567",
        "nik": "3201234567890123",
        "country": "MY",
        "region": "MY-12",
        "city": "Kota Kinabalu",
        "address": "Jalan Tuaran 12",
        "employer_name": "Ladang Sawit Sdn Bhd",
        "employer_phone": "+60 12-345 6789",
        "sector": "plantation",
        "scheme": None,
        "arrival_date": "2025-01-15",
        "contract_end_date": "2027-01-14",
        "emergency_contact": {"name": "Siti", "phone": "+62 812 3456 7890", "relation": "ibu"},
        "created_at": "2026-01-10T08:15:00+08:00",
    }
    body.update(overrides)
    return body


# The presence fields a worker may leave out.
OPTIONAL_PRESENCE_FIELDS = ("nik", "employer_phone", "scheme", "contract_end_date")


def bare_presence_body(**overrides) -> dict:
    """A presence report with only the fields a worker must give (no NIK: matching goes by the
    passport alone), under passport X7654321."""
    body = presence_body(passport_number="X7654321")
    for field in OPTIONAL_PRESENCE_FIELDS:
        del body[field]
    body.update(overrides)
    return body


# ---------------------------------------------------------------- sync

SYNCED_AT = "2026-11-20T08:15:00+08:00"


def help_data(**overrides) -> dict:
    """A help request as a sync mutation carries it (no contact phone, no location): a withheld passport."""
    data = help_body(category="document_withheld", urgency="high", description="Majikan menahan paspor saya.",
                     created_at=SYNCED_AT)
    del data["contact_phone"], data["location"]
    data.update(overrides)
    return data


def presence_data(**overrides) -> dict:
    """A presence report as a sync mutation carries it (only the required fields)."""
    data = bare_presence_body(passport_number="X1234567", address="Jalan Lintas 12", arrival_date="2025-03-01",
                              emergency_contact={"name": "Siti", "phone": "+6281234567890", "relation": "ibu"},
                              created_at=SYNCED_AT)
    data.update(overrides)
    return data


def mutation(type_: str, data: dict, mutation_id=None) -> dict:
    """One mutation of a sync envelope."""
    return {"id": str(mutation_id or uuid.uuid4()), "type": type_, "data": data, "created_at": SYNCED_AT}


def envelope(*mutations, cursor=None, device_id=None) -> dict:
    """The body of POST /api/v1/sync: a device, its cursor and its mutations."""
    return {"device_id": str(device_id or uuid.uuid4()), "cursor": cursor, "mutations": list(mutations)}


# ---------------------------------------------------------------- placement files

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
    """Row `i` of a placement export: a worker placed in PLACES[i % len(PLACES)]."""
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
    """Write `rows` as a placement file (CSV, or JSON lines when the name ends .jsonl); → the path."""
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


def flat_form(body: dict) -> dict:
    """An API body as a plain page form (nested objects as `a.b`, numbers as text)."""
    form = {}
    for key, value in body.items():
        if isinstance(value, dict):
            form.update({f"{key}.{k}": str(v) for k, v in value.items()})
        elif value is not None:
            form[key] = str(value)
    return form


# Filing on someone's behalf (tests/assist): a partner organisation and the consent it records.
ORGANISATION = "Rumah Singgah Sabah"


def consent(**overrides) -> dict:
    return {"consent": "spoken_in_person", "recorded_by": "Ani Lestari", "agreed": "yes", **overrides}


# Files (tests/attachments): the first bytes of each accepted type, padded to a size: enough for the magic-number check.
HEADS = {
    "audio/webm": b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01webm",
    "audio/ogg": b"OggS\x00\x02" + b"\x00" * 8 + b"OpusHead",
    "audio/mp4": b"\x00\x00\x00\x20ftypM4A \x00\x00\x00\x00",
    "image/jpeg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00",
    "image/png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    "image/webp": b"RIFF\x24\x00\x00\x00WEBPVP8 ",
}


def file_bytes(content_type="audio/webm", size=2048, fill=b"\x01") -> bytes:
    head = HEADS[content_type]
    return head + fill * (size - len(head))
