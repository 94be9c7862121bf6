"""What a file may be: the accepted content types, their kind and size limit, and the check that
the bytes are what the header says (a file's first bytes, its "magic number"), in one place."""

VOICE, PHOTO = "voice", "photo"
KINDS = (VOICE, PHOTO)
MiB = 1024 * 1024
LIMITS = {VOICE: 2 * MiB, PHOTO: 1 * MiB}
# The largest body any of them may have: the attachment route's own request-size limit (app.web).
LARGEST = max(LIMITS.values())

CONTENT_TYPES = {
    "audio/webm": VOICE, "audio/ogg": VOICE, "audio/mp4": VOICE,
    "image/jpeg": PHOTO, "image/png": PHOTO, "image/webp": PHOTO,
}


def _webm(head: bytes) -> bool:
    return head.startswith(b"\x1a\x45\xdf\xa3")  # EBML, the container of WebM (and Matroska)


def _ogg(head: bytes) -> bool:
    return head.startswith(b"OggS")


def _mp4(head: bytes) -> bool:
    return head[4:8] == b"ftyp"  # ISO base media: a box size, then the file-type box


def _jpeg(head: bytes) -> bool:
    return head.startswith(b"\xff\xd8\xff")


def _png(head: bytes) -> bool:
    return head.startswith(b"\x89PNG\r\n\x1a\n")


def _webp(head: bytes) -> bool:
    return head[:4] == b"RIFF" and head[8:12] == b"WEBP"


_SIGNATURES = {"audio/webm": _webm, "audio/ogg": _ogg, "audio/mp4": _mp4,
               "image/jpeg": _jpeg, "image/png": _png, "image/webp": _webp}
assert set(_SIGNATURES) == set(CONTENT_TYPES)


def kind_of(content_type: str | None) -> str | None:
    """`voice`, `photo`, or None for a content type we do not take."""
    return CONTENT_TYPES.get((content_type or "").split(";")[0].strip().lower())


def bytes_match(content_type: str, data: bytes) -> bool:
    """Do the file's first bytes say it is `content_type`? (A header alone proves nothing.)"""
    check = _SIGNATURES.get(content_type)
    return check is not None and check(data[:16])
