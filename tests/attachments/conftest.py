"""Uploading files (app.attachments) in tests."""
import uuid

import pytest

from tests.builders import file_bytes

@pytest.fixture
def upload(client, auth):
    """upload(worker, data=None, content_type="audio/webm", attachment_id=None) → the response."""

    def factory(worker, data=None, content_type="audio/webm", attachment_id=None):
        attachment_id = attachment_id or str(uuid.uuid4())
        data = file_bytes(content_type) if data is None else data
        return client.put(f"/api/v1/attachments/{attachment_id}", data=data,
                          headers=auth(worker, **{"Content-Type": content_type}))

    return factory
