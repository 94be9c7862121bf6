"""Voice notes and photos: stored once by id, refused by their bytes, read by the owner and by staff
of the request's mission only (audited), in the export, gone with the account (contract: "Files
spoken or shown")."""
import hashlib
import uuid
from base64 import b64decode
from pathlib import Path

from sqlalchemy import select

from app.attachments.models import Attachment
from app.audit.models import AuditEntry
from app.extensions import db
from tests.builders import file_bytes, help_body

MiB = 1024 * 1024


def _stored_files(app) -> set[str]:
    root = Path(app.config["ATTACHMENTS_DIR"])
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


def test_upload_answers_the_file_and_stores_it_encrypted(app, create_user, upload):
    worker = create_user()
    data = file_bytes("audio/webm", 4096)
    response = upload(worker, data, "audio/webm;codecs=opus")
    assert response.status_code == 201, response.json
    body = response.json
    assert body["kind"] == "voice" and body["content_type"] == "audio/webm" and body["size"] == 4096
    assert body["sha256"] == hashlib.sha256(data).hexdigest()
    stored = db.session.get(Attachment, uuid.UUID(body["id"]))
    raw = (Path(app.config["ATTACHMENTS_DIR"]) / stored.storage_key).read_bytes()
    assert data not in raw and data[:64] not in raw  # encrypted at rest


def test_same_id_and_bytes_twice_is_200_with_the_same_file(create_user, upload, app):
    worker = create_user()
    attachment_id, data = str(uuid.uuid4()), file_bytes("image/jpeg", 3000)
    first = upload(worker, data, "image/jpeg", attachment_id)
    again = upload(worker, data, "image/jpeg", attachment_id)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json == first.json
    assert db.session.scalar(select(Attachment.id).where(Attachment.id == uuid.UUID(attachment_id)))
    assert len([f for f in _stored_files(app) if attachment_id in f]) == 1


def test_same_id_with_other_bytes_is_409(create_user, upload):
    worker = create_user()
    attachment_id = str(uuid.uuid4())
    assert upload(worker, file_bytes(fill=b"\x01"), attachment_id=attachment_id).status_code == 201
    response = upload(worker, file_bytes(fill=b"\x02"), attachment_id=attachment_id)
    assert response.status_code == 409
    assert response.json["message"]


def test_another_workers_id_is_409_and_reveals_nothing(create_user, upload):
    attachment_id, data = str(uuid.uuid4()), file_bytes()
    assert upload(create_user(), data, attachment_id=attachment_id).status_code == 201
    response = upload(create_user(), data, attachment_id=attachment_id)
    assert response.status_code == 409
    assert "sha256" not in response.json


def test_a_lie_about_the_content_type_is_refused_in_her_language(create_user, upload, client, auth):
    worker = create_user()
    html = b"<html><script>alert(1)</script></html>" * 10
    response = upload(worker, html, "image/png")
    assert response.status_code == 415
    assert "bukan" in response.json["message"]  # Indonesian by default
    jpeg_as_webm = upload(worker, file_bytes("image/jpeg"), "audio/webm")
    assert jpeg_as_webm.status_code == 415
    english = client.put(f"/api/v1/attachments/{uuid.uuid4()}?lang=en", data=html,
                         headers=auth(worker, **{"Content-Type": "image/png"}))
    assert english.status_code == 415 and "not a voice note or a photo" in english.json["message"]
    assert db.session.scalar(select(Attachment.id)) is None


def test_a_type_we_do_not_take_is_415(create_user, upload, client, auth):
    worker = create_user()
    response = client.put(f"/api/v1/attachments/{uuid.uuid4()}", data=b"%PDF-1.4 ...",
                          headers=auth(worker, **{"Content-Type": "application/pdf"}))
    assert response.status_code == 415 and response.json["code"] == 415


def test_over_the_limit_is_413(create_user, upload):
    worker = create_user()
    assert upload(worker, file_bytes("audio/ogg", 2 * MiB), "audio/ogg").status_code == 201
    assert upload(worker, file_bytes("audio/ogg", 2 * MiB + 1), "audio/ogg").status_code == 413
    assert upload(worker, file_bytes("image/webp", MiB), "image/webp").status_code == 201
    too_big = upload(worker, file_bytes("image/webp", MiB + 1), "image/webp")
    assert too_big.status_code == 413 and too_big.json["code"] == 413


def test_the_json_body_limit_still_holds_elsewhere(create_user, client, auth):
    """The attachment route's larger limit is its own: a 1.5 MiB JSON body elsewhere is still 413."""
    worker = create_user()
    body = help_body(description="x" * (MiB + MiB // 2))
    assert client.post("/api/v1/help-requests", json=body, headers=auth(worker)).status_code == 413


def test_the_worker_reads_her_own_and_nobody_else_does(create_user, upload, client, auth):
    worker, other = create_user(), create_user()
    data = file_bytes("image/png", 5000)
    attachment_id = upload(worker, data, "image/png").json["id"]
    mine = client.get(f"/api/v1/attachments/{attachment_id}", headers=auth(worker))
    assert mine.status_code == 200 and mine.data == data and mine.mimetype == "image/png"
    assert mine.headers["Cache-Control"] == "no-store"
    assert client.get(f"/api/v1/attachments/{attachment_id}", headers=auth(other)).status_code == 404
    staff = create_user(role="staff")
    assert client.get(f"/api/v1/attachments/{attachment_id}", headers=auth(staff)).status_code == 403


def _request_with_file(client, auth, upload, worker, **place):
    attachment_id = upload(worker, file_bytes("audio/webm", 3000)).json["id"]
    body = help_body(attachments=[attachment_id], **place)
    body.pop("description")  # a voice note with no text at all
    response = client.post("/api/v1/help-requests", json=body, headers=auth(worker))
    assert response.status_code == 201, response.json
    return response.json["id"], attachment_id


def test_staff_of_the_mission_read_it_audited_others_get_404(create_user, upload, client, auth):
    worker = create_user()
    request_id, attachment_id = _request_with_file(client, auth, upload, worker)
    staff, other_staff = create_user(role="staff"), create_user(role="staff", mission="KBRI-KUALALUMPUR")
    url = f"/api/v1/queue/{request_id}/attachments/{attachment_id}"
    read = client.get(url, headers=auth(staff))
    assert read.status_code == 200 and read.data == file_bytes("audio/webm", 3000)
    assert read.mimetype == "audio/webm"
    assert client.get(url, headers=auth(other_staff)).status_code == 404
    assert client.get(url, headers=auth(create_user())).status_code == 403
    # Another request's id in the path: 404 even for staff of the mission.
    other_request, _ = _request_with_file(client, auth, upload, create_user())
    assert client.get(f"/api/v1/queue/{other_request}/attachments/{attachment_id}",
                      headers=auth(staff)).status_code == 404
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.entity == "attachment")).all()
    assert [(e.actor_id, e.entity_id, e.action) for e in entries] == [(staff.id, uuid.UUID(attachment_id), "read")]


def test_a_request_needs_words_or_files(create_user, client, auth):
    worker = create_user()
    body = help_body()
    body.pop("description")
    response = client.post("/api/v1/help-requests", json=body, headers=auth(worker))
    assert response.status_code == 422 and "description" in response.json["errors"]
    too_many = help_body(attachments=[str(uuid.uuid4()) for _ in range(6)])
    response = client.post("/api/v1/help-requests", json=too_many, headers=auth(worker))
    assert response.status_code == 422 and "attachments" in response.json["errors"]


def test_rest_names_a_file_not_uploaded_yet_422(create_user, upload, client, auth):
    worker, other = create_user(), create_user()
    others_file = upload(other).json["id"]
    for attachment_id in (str(uuid.uuid4()), others_file):
        body = help_body(attachments=[attachment_id])
        response = client.post("/api/v1/help-requests", json=body, headers=auth(worker))
        assert response.status_code == 422 and "attachments" in response.json["errors"]
    assert client.get("/api/v1/help-requests", headers=auth(worker)).json["items"] == []


def test_a_message_carries_files(create_user, upload, client, auth):
    worker = create_user()
    request_id = client.post("/api/v1/help-requests", json=help_body(), headers=auth(worker)).json["id"]
    photo = upload(worker, file_bytes("image/jpeg"), "image/jpeg").json["id"]
    message = {"id": str(uuid.uuid4()), "attachments": [photo], "created_at": "2026-01-11T08:00:00+08:00"}
    response = client.post(f"/api/v1/help-requests/{request_id}/messages", json=message, headers=auth(worker))
    assert response.status_code == 201, response.json
    stored = db.session.get(Attachment, uuid.UUID(photo))
    assert str(stored.help_request_id) == request_id and str(stored.message_id) == message["id"]
    staff = create_user(role="staff")
    assert client.get(f"/api/v1/queue/{request_id}/attachments/{photo}", headers=auth(staff)).status_code == 200


def test_a_file_on_one_request_cannot_go_on_another(create_user, upload, client, auth):
    worker = create_user()
    _request_id, attachment_id = _request_with_file(client, auth, upload, worker)
    response = client.post("/api/v1/help-requests", json=help_body(attachments=[attachment_id]),
                           headers=auth(worker))
    assert response.status_code == 422 and "attachments" in response.json["errors"]


def test_export_contains_the_files(create_user, upload, client, auth):
    worker = create_user()
    request_id, attachment_id = _request_with_file(client, auth, upload, worker)
    loose = upload(worker, file_bytes("image/png"), "image/png").json["id"]
    export = client.get("/api/v1/me/export", headers=auth(worker)).json
    files = {f["id"]: f for f in export["attachments"]}
    assert set(files) == {attachment_id, loose}
    assert files[attachment_id]["help_request_id"] == request_id and files[attachment_id]["kind"] == "voice"
    assert b64decode(files[attachment_id]["content_base64"]) == file_bytes("audio/webm", 3000)
    assert b64decode(files[loose]["content_base64"]) == file_bytes("image/png")


def test_delete_me_removes_files_from_storage_keeps_the_requests_anonymised(app, create_user, upload, client,
                                                                            auth):
    worker = create_user()
    request_id, kept = _request_with_file(client, auth, upload, worker)
    loose = upload(worker, file_bytes("image/png"), "image/png").json["id"]
    loose_key = db.session.get(Attachment, uuid.UUID(loose)).storage_key
    assert loose_key in _stored_files(app)
    headers = auth(worker)
    assert client.delete("/api/v1/me", json={"confirm": True}, headers=headers).status_code == 204
    db.session.expire_all()
    assert db.session.get(Attachment, uuid.UUID(loose)) is None
    assert loose_key not in _stored_files(app)
    stored = db.session.get(Attachment, uuid.UUID(kept))
    assert stored.owner_id is None and str(stored.help_request_id) == request_id
    staff = create_user(role="staff")
    assert client.get(f"/api/v1/queue/{request_id}/attachments/{kept}", headers=auth(staff)).status_code == 200


def test_key_rotation_reencrypts_the_files(app, create_user, upload, client, auth, runner):
    from cryptography.fernet import Fernet

    worker = create_user()
    data = file_bytes("image/webp", 1500)
    attachment_id = upload(worker, data, "image/webp").json["id"]
    stored = db.session.get(Attachment, uuid.UUID(attachment_id))
    path = Path(app.config["ATTACHMENTS_DIR"]) / stored.storage_key
    old_key, new_key = app.config["DATA_KEY"], Fernet.generate_key().decode()
    before = path.read_bytes()
    try:
        app.config.update(DATA_KEY=new_key, DATA_KEY_OLD=old_key, INDEX_KEY=app.config.get("INDEX_KEY")
                          or __import__("app.crypto", fromlist=["x"]).derived_index_key(old_key))
        result = runner.invoke(args=["keys", "rotate"])
        assert "attachment files 1" in result.output, result.output
        assert path.read_bytes() != before
        app.config["DATA_KEY_OLD"] = None
        mine = client.get(f"/api/v1/attachments/{attachment_id}", headers=auth(worker))
        assert mine.status_code == 200 and mine.data == data
    finally:
        app.config.update(DATA_KEY=old_key, DATA_KEY_OLD=None, INDEX_KEY=None)


def test_console_page_plays_and_shows_files_each_read_audited(app, create_user, upload, client, auth, tokens_for):
    worker = create_user()
    request_id, voice = _request_with_file(client, auth, upload, worker)
    photo = upload(worker, file_bytes("image/jpeg"), "image/jpeg").json["id"]
    message = {"id": str(uuid.uuid4()), "body": "Ini fotonya", "attachments": [photo]}
    assert client.post(f"/api/v1/help-requests/{request_id}/messages", json=message,
                       headers=auth(worker)).status_code == 201
    staff = create_user(role="staff")
    console = app.test_client()
    tokens = tokens_for(staff)
    console.set_cookie("access_token_cookie", tokens["access_token"])
    page = console.get(f"/console/requests/{request_id}").get_data(as_text=True)
    voice_src = f"/api/v1/queue/{request_id}/attachments/{voice}"
    photo_src = f"/api/v1/queue/{request_id}/attachments/{photo}"
    assert f'<audio controls preload="none" src="{voice_src}">' in page
    assert f'<img src="{photo_src}"' in page
    # The page's own login (cookies) reads them; each read is one audit row.
    assert console.get(voice_src).status_code == 200
    assert console.get(voice_src).status_code == 200
    assert console.get(photo_src).data == file_bytes("image/jpeg")
    reads = db.session.scalars(select(AuditEntry.entity_id).where(AuditEntry.entity == "attachment")).all()
    assert sorted(map(str, reads)) == sorted([voice, voice, photo])


def test_queue_detail_lists_the_files_to_read(create_user, upload, client, auth):
    worker = create_user()
    request_id, voice = _request_with_file(client, auth, upload, worker)
    detail = client.get(f"/api/v1/queue/{request_id}", headers=auth(create_user(role="staff"))).json
    assert [(a["id"], a["kind"], a["message_id"]) for a in detail["attachments"]] == [(voice, "voice", None)]
    assert "content_base64" not in detail["attachments"][0]
