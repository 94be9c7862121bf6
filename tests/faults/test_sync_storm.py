"""A sync storm: many devices push their outboxes while the server is killed (SIGKILL) and restarted.

Each simulated device holds an outbox of `help_request.create` and `message.create` mutations
and sends it in random batches; it retries whatever got no answer, forgets some answers it did
get (as when a connection drops after the server committed), replays mutations already
acknowledged and resends batches in a shuffled order. Messages refer only to help requests the
device already saw acknowledged, as the PWA's outbox does. Meanwhile the server process group
is SIGKILLed three times, each time while traffic is flowing, and started again.

Afterwards every mutation a device holds is in the database exactly once, compared record by
record: its idempotency row, and the help request or message it made, with the right owner and
content — and nothing else was stored.

CI size: 20 devices × 30 mutations. JEMBATAN_FULL_STORM=1: 200 devices × 100 mutations.
"""
import http.client
import json
import random
import threading
import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import create_engine, select

from app.help.models import HelpMessage, HelpRequest
from app.sync.models import AppliedMutation
from tests.support.live_server import FULL_STORM

DEVICES, MUTATIONS = (200, 100) if FULL_STORM else (20, 30)
KILLS = 3
DEADLINE_S = 900 if FULL_STORM else 120
REQUEST_TIMEOUT_S = 20
CATEGORIES = ["unpaid_wages", "document_withheld", "contract_dispute", "lost_contact", "other"]


class Device:
    """One phone: an outbox, what the server acknowledged, and a random but seeded behaviour."""

    def __init__(self, server, worker: dict, seed: int, progress):
        self.server, self.token, self.user_id = server, worker["access_token"], worker["user"]["id"]
        self.device_id = str(uuid.uuid4())
        self.random = random.Random(seed)
        self.progress = progress
        self.outbox: list[dict] = []          # every mutation made, in order
        self.expected: dict[str, tuple] = {}  # mutation id → (kind, record id, content)
        self.acked: dict[str, str] = {}       # mutation id → record id the server answered
        self.errors: list[str] = []
        self.made = 0

    # ---- making mutations, as the PWA does

    def make(self) -> None:
        acked_requests = [mid for mid in self.acked if self.expected[mid][0] == "help_request"]
        if acked_requests and self.random.random() < 0.25:
            target = self.expected[self.random.choice(acked_requests)][1]
            mutation_id, message_id = str(uuid.uuid4()), str(uuid.uuid4())
            body = f"Pesan {self.made} dari {self.device_id[:8]} ✓ مرحبا"
            data = {"help_request_id": target, "body": body}
            record_id = mutation_id
            if self.random.random() < 0.7:
                data["id"], record_id = message_id, message_id
            self.expected[mutation_id] = ("message", record_id, (target, body))
            self.outbox.append({"id": mutation_id, "type": "message.create", "data": data,
                                "created_at": "2026-11-20T08:15:00+08:00"})
        else:
            mutation_id, request_id = str(uuid.uuid4()), str(uuid.uuid4())
            description = f"Permintaan {self.made} dari perangkat {self.device_id[:8]} 🙏"
            data = {"category": self.random.choice(CATEGORIES), "urgency": "normal", "description": description,
                    "country": "MY", "region": "MY-12", "city": "Kota Kinabalu"}
            record_id = mutation_id  # without an id in data, the mutation id becomes the record id
            if self.random.random() < 0.7:
                data["id"], record_id = request_id, request_id
            self.expected[mutation_id] = ("help_request", record_id, (data["category"], description))
            self.outbox.append({"id": mutation_id, "type": "help_request.create", "data": data,
                                "created_at": "2026-11-20T08:15:00+08:00"})
        self.made += 1

    # ---- sending

    def send(self, mutations: list[dict]) -> dict | None:
        """POST one batch; None when no answer came (server down, killed mid-request, 5xx)."""
        body = json.dumps({"device_id": self.device_id, "cursor": None, "mutations": mutations}).encode()
        request = urllib.request.Request(self.server.url + "/api/v1/sync", data=body, method="POST")
        request.add_header("Content-Type", "application/json")
        request.add_header("Authorization", f"Bearer {self.token}")
        try:
            with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT_S) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as error:
            error.close()
            if error.code < 500:
                self.errors.append(f"HTTP {error.code} for a valid batch")
            return None
        except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError):
            return None

    def take(self, result: dict) -> None:
        mutation_id = result["id"]
        kind, record_id, _content = self.expected[mutation_id]
        if result["status"] not in ("applied", "duplicate"):
            self.errors.append(f"{kind} {mutation_id} was {result['status']}: {result.get('error')}")
            return
        if result["record_id"] != record_id:
            self.errors.append(f"{mutation_id}: record {result['record_id']} instead of {record_id}")
        if mutation_id not in self.acked:
            self.acked[mutation_id] = result["record_id"]
            self.progress.add()

    def round(self) -> None:
        while self.made < MUTATIONS and len(self.outbox) - len(self.acked) < 12:
            self.make()
        pending = [m for m in self.outbox if m["id"] not in self.acked]
        batch = pending[: self.random.randint(1, 10)]
        if self.acked and self.random.random() < 0.3:  # replays of acknowledged mutations
            done = [m for m in self.outbox if m["id"] in self.acked]
            batch += self.random.sample(done, min(len(done), self.random.randint(1, 5)))
        if self.random.random() < 0.3:  # a reordered resend
            self.random.shuffle(batch)
        twin = None
        if self.random.random() < 0.15:  # the same call twice at once (a retry racing the first try)
            twin = threading.Thread(target=self.send, args=(list(batch),))
            twin.start()
        answer = self.send(batch)
        if twin is not None:
            twin.join()
        if answer is None:
            time.sleep(self.random.uniform(0.02, 0.2))
            return
        if self.random.random() < 0.15:  # the answer is lost on the way back
            return
        for result in answer["results"]:
            self.take(result)

    @property
    def done(self) -> bool:
        return self.made >= MUTATIONS and len(self.acked) == len(self.outbox)


class Progress:
    def __init__(self):
        self.count, self.lock = 0, threading.Lock()

    def add(self):
        with self.lock:
            self.count += 1


def run_device(device: Device, deadline: float, killer_done: threading.Event) -> None:
    # A device that finished keeps replaying its outbox until every kill happened: the storm
    # goes on while the server dies.
    while time.monotonic() < deadline and not (device.done and killer_done.is_set()):
        device.round()
        if device.done:
            time.sleep(0.05)


def kill_and_restart(server, progress: Progress, total: int, deadline: float, killer_done: threading.Event,
                     kills: list) -> None:
    try:
        for n in range(1, KILLS + 1):
            while progress.count < total * n / (KILLS + 1) and time.monotonic() < deadline:
                time.sleep(0.005)
            server.kill()
            kills.append(progress.count)
            time.sleep(random.uniform(0.05, 0.4))
            server.start()
    finally:
        killer_done.set()


def register_workers(server, count: int) -> list[dict]:
    # argon2 at full cost: a few at a time, with room for a busy machine.
    with ThreadPoolExecutor(4) as pool:
        return list(pool.map(lambda n: server.create_worker(full_name=f"Pekerja {n}", timeout=120), range(count)))


def test_every_mutation_is_applied_exactly_once_through_kills_and_replays(fault_server):
    server = fault_server
    workers = register_workers(server, DEVICES)
    progress = Progress()
    devices = [Device(server, worker, seed, progress) for seed, worker in enumerate(workers)]
    deadline = time.monotonic() + DEADLINE_S
    killer_done, kills = threading.Event(), []
    killer = threading.Thread(target=kill_and_restart,
                              args=(server, progress, DEVICES * MUTATIONS, deadline, killer_done, kills))
    killer.start()
    # One thread per device: a device that finished keeps replaying until the last kill, so a
    # smaller pool would starve the devices still waiting to start.
    with ThreadPoolExecutor(DEVICES) as pool:
        list(pool.map(lambda d: run_device(d, deadline, killer_done), devices))
    killer.join(timeout=60)

    assert len(kills) == KILLS, f"only {len(kills)} kills happened"
    assert all(0 < k < DEVICES * MUTATIONS for k in kills), f"kills not during traffic: {kills}"
    unfinished = [d.device_id for d in devices if not d.done]
    assert not unfinished, f"{len(unfinished)} devices did not finish in {DEADLINE_S}s\n{server.log()[-3000:]}"
    errors = [e for d in devices for e in d.errors]
    assert not errors, errors[:10]

    # A last replay of every outbox, shuffled: everything is a duplicate naming the same record.
    for device in devices:
        outbox = list(device.outbox)
        device.random.shuffle(outbox)
        for start in range(0, len(outbox), 100):
            answer = device.send(outbox[start:start + 100])
            assert answer is not None, server.log()[-3000:]
            for result in answer["results"]:
                assert result["status"] == "duplicate", result
                assert result["record_id"] == device.acked[result["id"]]

    check_database(server.database_url, devices)


def check_database(database_url: str, devices: list[Device]) -> None:
    """Record by record: one idempotency row and one record per mutation, and nothing more."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            users = [uuid.UUID(d.user_id) for d in devices]
            applied = {row.mutation_id: row for row in connection.execute(
                select(AppliedMutation.__table__).where(AppliedMutation.user_id.in_(users)))}
            requests = {row.id: row for row in connection.execute(
                select(HelpRequest.__table__).where(HelpRequest.user_id.in_(users)))}
            messages = {row.id: row for row in connection.execute(
                select(HelpMessage.__table__).where(HelpMessage.author_id.in_(users)))}
    finally:
        engine.dispose()

    expected_requests, expected_messages = {}, {}
    for device in devices:
        owner = uuid.UUID(device.user_id)
        for mutation_id, (kind, record_id, content) in device.expected.items():
            row = applied.get(uuid.UUID(mutation_id))
            assert row is not None, f"lost: {mutation_id}"
            assert (row.user_id, row.status, str(row.record_id)) == (owner, "applied", record_id), row
            if kind == "help_request":
                expected_requests[uuid.UUID(record_id)] = (owner, *content)
            else:
                expected_messages[uuid.UUID(record_id)] = (owner, uuid.UUID(content[0]), content[1])

    total = sum(len(d.expected) for d in devices)
    assert len(applied) == total, f"{len(applied) - total} idempotency rows too many"
    assert len(requests) == len(expected_requests), (len(requests), len(expected_requests))
    assert len(messages) == len(expected_messages), (len(messages), len(expected_messages))
    for record_id, (owner, category, description) in expected_requests.items():
        row = requests[record_id]
        assert (row.user_id, row.category, row.description) == (owner, category, description)
    for record_id, (owner, request_id, body) in expected_messages.items():
        row = messages[record_id]
        assert (row.author_id, row.help_request_id, row.body, row.direction) == (
            owner, request_id, body, "from_worker")
