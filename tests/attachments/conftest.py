import uuid

import pytest

# The first bytes of each accepted type, padded to a size: enough for the magic-number check.
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


@pytest.fixture
def upload(client, auth):
    """upload(worker, data=None, content_type="audio/webm", attachment_id=None) → the response."""

    def factory(worker, data=None, content_type="audio/webm", attachment_id=None):
        attachment_id = attachment_id or str(uuid.uuid4())
        data = file_bytes(content_type) if data is None else data
        return client.put(f"/api/v1/attachments/{attachment_id}", data=data,
                          headers=auth(worker, **{"Content-Type": content_type}))

    return factory
