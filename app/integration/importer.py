"""Importing SISKOP2MI placements: parse a CSV or JSON Lines file row by row, upsert in batches.

The file is never held in memory: rows are parsed as they are read and written in batches;
the caller (the CLI) commits after each batch. Personal numbers are encrypted and indexed
with app.crypto exactly as presence reports are, and never appear in messages.
"""
import csv
import hashlib
import json
import unicodedata
import uuid
from dataclasses import dataclass, field
from typing import Iterable, Iterator

from marshmallow import ValidationError
from sqlalchemy import insert, select

from ..crypto import blind_index, encrypt, normalise_identifier
from ..extensions import db
from ..missions.routing import route_id
from .models import Placement
from .schemas import PLACEMENT_COLUMNS, PlacementRowSchema

BATCH_SIZE = 1000
_row_schema = PlacementRowSchema()


class FileFormatError(Exception):
    """The file as a whole cannot be read (unknown columns, unknown extension)."""


@dataclass
class ImportCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    errors: list = field(default_factory=list)  # (line, {field: [messages]})

    def as_dict(self) -> dict:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged,
                "rejected": self.rejected}


def name_key(name: str) -> str:
    """A name as it is compared: accents, case, punctuation and word order do not matter."""
    decomposed = unicodedata.normalize("NFKD", name or "")
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    words = "".join(c if c.isalnum() else " " for c in bare.casefold()).split()
    return " ".join(sorted(words))


def read_rows(lines: Iterable[str], fmt: str) -> Iterator[tuple[int, dict | None, dict | None]]:
    """Yield (line number, raw row, error) for every data row of the file's decoded lines."""
    if fmt == "csv":
        reader = csv.DictReader(lines)
        header = reader.fieldnames or []
        unknown = [name for name in header if name not in PLACEMENT_COLUMNS]
        if unknown or not header:
            raise FileFormatError("line 1: unknown columns: " + ", ".join(unknown) if unknown else "empty file")
        for row in reader:
            if None in row:  # more cells than the header has
                yield reader.line_num, None, {"_row": ["The row has more cells than the header."]}
                continue
            yield reader.line_num, row, None
    elif fmt == "jsonl":
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except ValueError:
                yield number, None, {"_row": ["Not a JSON object."]}
                continue
            if not isinstance(row, dict):
                yield number, None, {"_row": ["Not a JSON object."]}
                continue
            yield number, row, None
    else:
        raise FileFormatError(f"unknown format {fmt!r}: use .csv or .jsonl")


def validate_row(row: dict) -> tuple[dict | None, dict | None]:
    """(clean values, None) or (None, {field: [messages]})."""
    try:
        return _row_schema.load(row), None
    except ValidationError as error:
        return None, error.messages


def _identifiers(data: dict) -> tuple[str | None, str | None]:
    passport = normalise_identifier(data["passport_number"]) if data.get("passport_number") else None
    nik = normalise_identifier(data["nik"]) if data.get("nik") else None
    return passport, nik


def source_key(data: dict, passport_hash: str | None, nik_hash: str | None) -> str:
    """What identifies a placement across imports: its SISKOP2MI id, else the person's number and departure."""
    if data.get("placement_id"):
        basis = "id:" + data["placement_id"]
    else:
        basis = f"{'nik:' + nik_hash if nik_hash else 'passport:' + passport_hash}:{data['departure_date']}"
    return hashlib.sha256(basis.encode()).hexdigest()


def row_hash(data: dict, passport_hash: str | None, nik_hash: str | None) -> str:
    """A hash of every value (the numbers through their keyed index, so it reveals nothing)."""
    values = {k: (str(v) if v is not None else None) for k, v in data.items()
              if k not in ("passport_number", "nik")}
    values["passport"], values["nik"] = passport_hash, nik_hash
    return hashlib.sha256(json.dumps(values, sort_keys=True).encode()).hexdigest()


class PlacementImport:
    """Upserts validated rows in batches; `counts` says what happened."""

    def __init__(self):
        self.counts = ImportCounts()
        self._pending: list = []

    def _mission_id(self, country, region, city):
        return route_id(country, region, city)

    def add(self, line: int, row: dict | None, error: dict | None) -> bool:
        """Queue one row; True when a batch is full and should be written with `flush()`."""
        if error is None:
            data, error = validate_row(row)
        if error is not None:
            self.counts.rejected += 1
            self.counts.errors.append((line, error))
            return False
        self._pending.append(data)
        return len(self._pending) >= BATCH_SIZE

    def flush(self) -> None:
        """Write the queued rows: create new placements, update changed ones, skip the unchanged."""
        batch, self._pending = self._pending, []
        if not batch:
            return
        prepared = []
        for data in batch:
            passport, nik = _identifiers(data)
            p_hash = blind_index(passport) if passport else None
            n_hash = blind_index(nik) if nik else None
            prepared.append((data, passport, nik, p_hash, n_hash, source_key(data, p_hash, n_hash),
                             row_hash(data, p_hash, n_hash)))
        keys = {p[5] for p in prepared}
        existing = {p.source_key: p for p in db.session.scalars(
            select(Placement).where(Placement.source_key.in_(keys)))}
        new = {}  # source_key → the values of a row to insert
        for data, passport, nik, p_hash, n_hash, key, digest in prepared:
            placement = existing.get(key)
            stored_hash = new[key]["row_hash"] if key in new else placement.row_hash if placement else None
            if stored_hash == digest:
                self.counts.unchanged += 1
                continue
            values = dict(
                row_hash=digest, external_id=data.get("placement_id"),
                passport_enc=encrypt(passport) if passport else None, passport_hash=p_hash,
                nik_enc=encrypt(nik) if nik else None, nik_hash=n_hash,
                full_name=data["full_name"], name_key=name_key(data["full_name"])[:200],
                birth_date=data["birth_date"], country=data["country"].upper(),
                region=(data.get("region") or "").upper() or None, city=data.get("city"),
                employer=data["employer"], agency_licence=data.get("agency_licence"), scheme=data.get("scheme"),
                departure_date=data["departure_date"], contract_end=data.get("contract_end"),
                mission_id=self._mission_id(data["country"].upper(), data.get("region"), data.get("city")),
            )
            if key in new:  # the same placement twice in one batch: the later row wins
                new[key].update(values)
                self.counts.updated += 1
            elif placement is None:
                new[key] = {"id": uuid.uuid4(), "source_key": key, **values}
                self.counts.created += 1
            else:
                if (placement.passport_hash, placement.nik_hash) != (p_hash, n_hash):
                    placement.person_id = None  # other numbers: matching decides the person again
                for name, value in values.items():
                    setattr(placement, name, value)
                self.counts.updated += 1
        if new:
            # One bulk INSERT for the new rows: the ORM's per-object bookkeeping is most of the cost.
            db.session.execute(insert(Placement), list(new.values()))
        db.session.flush()


def format_of(filename: str) -> str:
    lower = filename.lower()
    if lower.endswith(".csv"):
        return "csv"
    if lower.endswith((".jsonl", ".ndjson")):
        return "jsonl"
    raise FileFormatError("use a .csv or .jsonl file")
