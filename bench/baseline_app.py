"""The baseline for bench/sync.py: the least a server can do to store the same rows.

One Flask endpoint, `POST /sync`, takes the same envelope as `POST /api/v1/sync` and, for each
`help_request.create` mutation, inserts with SQLAlchemy Core (`INSERT ... ON CONFLICT DO NOTHING`,
one multi-row statement per table, one transaction per request) the rows the sync path stores:

- `BASELINE_ROWS=all` (the default): the request, its first history event and the mutation's
  idempotency record (`help_requests`, `help_request_events`, `applied_mutations`);
- `BASELINE_ROWS=requests`: the request only, a stricter reference.

Nothing else: no authentication, no validation, no routing, no change feed.

    BASELINE_DATABASE_URL=... BASELINE_MISSION_ID=... BASELINE_USER_ID=... gunicorn -w 2 bench.baseline_app:app
"""
import os
import secrets
import uuid
from datetime import datetime, timezone

from flask import Flask, jsonify, request
from sqlalchemy import MetaData, Table, create_engine
from sqlalchemy.dialects import postgresql, sqlite

URL = os.environ["BASELINE_DATABASE_URL"]
MISSION_ID = uuid.UUID(os.environ["BASELINE_MISSION_ID"])
USER_ID = uuid.UUID(os.environ["BASELINE_USER_ID"])
ALL_ROWS = os.environ.get("BASELINE_ROWS", "all") == "all"
CRITICAL = {"abuse_violence", "trafficking", "detention_legal", "health_emergency"}
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

engine = create_engine(URL)
if URL.startswith("sqlite"):
    from sqlalchemy import event

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record):  # the same settings as the app's SQLite connections
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    insert = sqlite.insert
else:
    insert = postgresql.insert

# The tables as the app created them (reflected, so the baseline shares no code with the app).
metadata = MetaData()
help_requests = Table("help_requests", metadata, autoload_with=engine)
events = Table("help_request_events", metadata, autoload_with=engine)
applied = Table("applied_mutations", metadata, autoload_with=engine)
if URL.startswith("sqlite"):
    # SQLite stores the app's UUIDs as 32 hex characters.
    def _uuid(value):
        return uuid.UUID(str(value)).hex
else:
    def _uuid(value):
        return uuid.UUID(str(value))

app = Flask(__name__)


@app.post("/sync")
def sync():
    envelope = request.get_json()
    now = datetime.now(timezone.utc)
    rows, event_rows, claims = [], [], []
    for mutation in envelope.get("mutations", []):
        if mutation.get("type") != "help_request.create":
            continue
        data = mutation.get("data") or {}
        created = data.get("created_at") or mutation.get("created_at")
        created = datetime.fromisoformat(created) if created else now
        if created.tzinfo is None:
            created = created.replace(tzinfo=timezone.utc)
        record_id = _uuid(data.get("id") or mutation["id"])
        rows.append({
            "id": record_id, "user_id": _uuid(USER_ID),
            "reference": "JBT-" + "".join(secrets.choice(ALPHABET) for _ in range(6)),
            "mission_id": _uuid(MISSION_ID), "category": data["category"], "urgency": data["urgency"],
            "description": data["description"], "country": data["country"].upper(),
            "region": (data.get("region") or "").upper() or None, "city": data.get("city"),
            "status": "new",
            "band": 0 if data["urgency"] == "emergency" or data["category"] in CRITICAL else 2,
            "created_at": min(created, now), "received_at": now, "updated_at": now,
        })
        event_rows.append({"id": _uuid(uuid.uuid4()), "help_request_id": record_id, "kind": "status",
                           "to_value": "new", "actor_id": _uuid(USER_ID), "created_at": min(created, now),
                           "updated_at": now})
        claims.append({"mutation_id": _uuid(mutation["id"]), "user_id": _uuid(USER_ID),
                       "type": "help_request.create", "status": "applied", "record_id": record_id,
                       "device_id": _uuid(envelope["device_id"]), "created_at": now, "updated_at": now})
    if rows and not ALL_ROWS:
        with engine.begin() as conn:
            conn.execute(insert(help_requests).on_conflict_do_nothing(), rows)
    elif rows:
        with engine.begin() as conn:
            conn.execute(insert(applied).on_conflict_do_nothing(), claims)
            # A request skipped (its random reference taken) must not get a history event.
            stored = set(conn.scalars(insert(help_requests).on_conflict_do_nothing()
                                      .returning(help_requests.c.id), rows))
            if stored:
                conn.execute(insert(events).on_conflict_do_nothing(),
                             [e for e in event_rows if e["help_request_id"] in stored])
    return jsonify({"stored": len(rows)})
