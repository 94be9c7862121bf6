"""Sync: a mutation naming a file not uploaded yet is `rejected` with `retry: true` and not
recorded, so the same mutation applies once the file is there; words sent alone never wait."""
import uuid

from app.attachments.models import Attachment
from app.extensions import db
from tests.builders import file_bytes, help_body


def _sync(client, headers, *mutations):
    response = client.post("/api/v1/sync", json={"device_id": str(uuid.uuid4()), "cursor": None,
                                                   "mutations": list(mutations)}, headers=headers)
    assert response.status_code == 200, response.json
    return response.json["results"]


def _mutation(kind, data):
    return {"id": str(uuid.uuid4()), "type": kind, "data": data, "created_at": "2026-01-10T08:15:00+08:00"}


def test_request_naming_a_file_not_uploaded_is_retry_then_applied(create_user, upload, client, auth):
    worker = create_user()
    headers = auth(worker)
    attachment_id = str(uuid.uuid4())
    data = help_body(attachments=[attachment_id])
    data.pop("description")
    voice_only = _mutation("help_request.create", data)
    words = _mutation("help_request.create", help_body())
    first = _sync(client, headers, voice_only, words)
    assert first[0]["status"] == "rejected" and first[0]["error"]["retry"] is True
    assert first[1]["status"] == "applied"  # the other request is not held back
    assert upload(worker, file_bytes(), attachment_id=attachment_id).status_code == 201
    second = _sync(client, headers, voice_only)
    assert second[0]["status"] == "applied" and second[0]["record_id"] == data["id"]
    assert _sync(client, headers, voice_only)[0]["status"] == "duplicate"
    stored = db.session.get(Attachment, uuid.UUID(attachment_id))
    assert str(stored.help_request_id) == data["id"]


def test_message_naming_a_file_not_uploaded_is_retry_then_applied(create_user, upload, client, auth):
    worker = create_user()
    headers = auth(worker)
    request = _mutation("help_request.create", help_body())
    photo = str(uuid.uuid4())
    message = _mutation("message.create", {"help_request_id": request["data"]["id"], "attachments": [photo]})
    first = _sync(client, headers, request, message)
    assert first[0]["status"] == "applied"
    assert first[1]["status"] == "rejected" and first[1]["error"]["retry"] is True
    assert upload(worker, file_bytes("image/jpeg"), "image/jpeg", photo).status_code == 201
    second = _sync(client, headers, message)
    assert second[0]["status"] == "applied"
    stored = db.session.get(Attachment, uuid.UUID(photo))
    assert str(stored.message_id) == second[0]["record_id"]


def test_another_workers_file_is_never_linked(create_user, upload, client, auth):
    worker, other = create_user(), create_user()
    others = upload(other).json["id"]
    result = _sync(client, auth(worker), _mutation("help_request.create", help_body(attachments=[others])))
    assert result[0]["status"] == "rejected" and result[0]["error"]["retry"] is True
    assert db.session.get(Attachment, uuid.UUID(others)).help_request_id is None
