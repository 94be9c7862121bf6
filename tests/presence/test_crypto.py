"""Field encryption: round trip, key rotation, blind index."""
import base64
import os

import pytest
from cryptography.fernet import InvalidToken

from app import crypto
from tests.builders import placement_row, presence_body, write_placements


def new_key() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode()


def test_round_trip_and_fresh_tokens(app):
    token = crypto.encrypt("X1234567")
    assert crypto.decrypt(token) == "X1234567"
    assert crypto.encrypt("X1234567") != token
    assert "X1234567" not in token


def test_old_key_still_decrypts_after_rotation(app):
    old_key, new = app.config["DATA_KEY"], new_key()
    token = crypto.encrypt("3201234567890123")
    try:
        app.config.update(DATA_KEY=new, DATA_KEY_OLD=old_key)
        assert crypto.decrypt(token) == "3201234567890123"
        rotated = crypto.rotate(token)
        app.config.update(DATA_KEY_OLD=None)
        assert crypto.decrypt(rotated) == "3201234567890123"
        with pytest.raises(InvalidToken):
            crypto.decrypt(token)
    finally:
        app.config.update(DATA_KEY=old_key, DATA_KEY_OLD=None)


def test_blind_index_matches_normalised_values_only(app):
    assert crypto.blind_index("x 123-4567") == crypto.blind_index("X1234567")
    assert crypto.blind_index("X1234567") != crypto.blind_index("X1234568")
    assert "1234567" not in crypto.blind_index("X1234567")


@pytest.fixture
def keys_restored(app):
    """Whatever a test does to the keys, the next test starts with the suite's."""
    saved = {name: app.config.get(name) for name in ("DATA_KEY", "DATA_KEY_OLD", "INDEX_KEY")}
    yield
    app.config.update(saved)


def test_rotating_data_key_keeps_every_record_readable_and_findable(app, client, auth, create_user, runner,
                                                                    keys_restored):
    from sqlalchemy import select

    from app.extensions import db
    from app.presence.models import PresenceReport
    from app.presence.services import find_by_passport

    worker = create_user(role="worker")
    body = presence_body(passport_number="B 7654321", nik="3201234567890999")
    assert client.put("/api/v1/presence", json=body, headers=auth(worker)).status_code == 201
    before = db.session.scalar(select(PresenceReport))
    db.session.expunge_all()

    # The operator pins the index key, then replaces DATA_KEY, keeping the old one to decrypt.
    pinned = runner.invoke(args=["keys", "index-key"]).output.strip()
    app.config.update(INDEX_KEY=pinned, DATA_KEY_OLD=app.config["DATA_KEY"], DATA_KEY=new_key())
    result = runner.invoke(args=["keys", "rotate"])
    assert result.exit_code == 0 and "presence_reports 1" in result.output, result.output

    app.config.update(DATA_KEY_OLD=None)  # the old key is gone
    after = db.session.scalar(select(PresenceReport))
    assert after.passport_enc != before.passport_enc and after.nik_enc != before.nik_enc
    assert after.passport_number == "B7654321" and after.nik == "3201234567890999"
    assert after.passport_hash == before.passport_hash and after.updated_at == before.updated_at
    assert [r.id for r in find_by_passport("b7654321")] == [after.id]


def test_index_key_from_the_old_key_after_data_key_was_replaced(app, runner, keys_restored):
    original = crypto.blind_index("X1234567")
    app.config.update(DATA_KEY_OLD=app.config["DATA_KEY"], DATA_KEY=new_key())
    app.config.update(INDEX_KEY=runner.invoke(args=["keys", "index-key", "--old"]).output.strip())
    assert crypto.blind_index("X1234567") == original


@pytest.mark.parametrize("settings, complaint", [
    ({"DATA_KEY_OLD": new_key()}, "INDEX_KEY is not"),
    ({"DATA_KEY": "not-a-key"}, "DATA_KEY must be 32 bytes"),
    ({"INDEX_KEY": "short"}, "INDEX_KEY must be 32 bytes"),
    ({"DATA_KEY_OLD": "bad", "INDEX_KEY": new_key()}, "DATA_KEY_OLD must be 32 bytes"),
])
def test_unusable_keys_refuse_to_start(db_url, settings, complaint):
    from app import create_app

    with pytest.raises(RuntimeError, match=complaint):
        create_app({"SQLALCHEMY_DATABASE_URI": db_url, **settings})


def test_rotation_settings_come_from_the_environment(monkeypatch):
    from app.config import from_environment

    old, index = new_key(), new_key()
    monkeypatch.setenv("DATA_KEY_OLD", old)
    monkeypatch.setenv("INDEX_KEY", index)
    config = from_environment()
    assert config["DATA_KEY_OLD"] == old and config["INDEX_KEY"] == index


def test_after_rotation_imported_placements_read_and_a_reimport_changes_nothing(app, runner, tmp_path,
                                                                                 keys_restored):
    from sqlalchemy import select

    from app.extensions import db
    from app.integration.models import Placement

    path = write_placements(tmp_path / "placements.csv", [placement_row(i) for i in range(3)])
    assert "created 3," in runner.invoke(args=["integration", "import-placements", path]).output

    pinned = runner.invoke(args=["keys", "index-key"]).output.strip()
    app.config.update(INDEX_KEY=pinned, DATA_KEY_OLD=app.config["DATA_KEY"], DATA_KEY=new_key())
    assert "placements 3" in runner.invoke(args=["keys", "rotate"]).output
    app.config.update(DATA_KEY_OLD=None)

    db.session.expunge_all()
    numbers = sorted(p.passport_number for p in db.session.scalars(select(Placement)))
    assert numbers == sorted(placement_row(i)["passport_number"] for i in range(3))
    again = runner.invoke(args=["integration", "import-placements", path]).output
    assert "created 0, updated 0, unchanged 3" in again, again
