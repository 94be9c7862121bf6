"""Where attachment files live: a small interface (put, get, delete by key) with a filesystem backend
under the instance folder, the default. Another backend (S3-compatible storage) is one more class
with the same three methods and one more name in BACKENDS.

What is stored is already encrypted (app.attachments.services): a backend never sees a file's
plain bytes, so a copied disk or bucket gives nothing away.
"""
import os
import re
import tempfile
from pathlib import Path
from typing import Protocol

from flask import current_app

from ..paths import INSTANCE_DIR


class Storage(Protocol):
    def put(self, key: str, data: bytes) -> None: ...

    def get(self, key: str) -> bytes | None: ...

    def delete(self, key: str) -> None: ...


_KEY = re.compile(r"^[0-9a-f]{2}/[0-9a-f-]{36}\.[0-9a-f]{16}$")


class FilesystemStorage:
    """One file per key under `root`; a write lands whole or not at all (a temporary file, then a rename)."""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        if not _KEY.match(key):  # keys are ours (services.storage_key); never a path from outside
            raise ValueError("not an attachment key")
        return self.root / key

    def put(self, key: str, data: bytes) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".part-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def get(self, key: str) -> bytes | None:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            return None

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)


def _filesystem(config) -> Storage:
    return FilesystemStorage(config.get("ATTACHMENTS_DIR") or INSTANCE_DIR / "attachments")


BACKENDS = {"filesystem": _filesystem}


def storage() -> Storage:
    """The configured backend (`ATTACHMENTS_STORAGE`, default `filesystem`)."""
    config = current_app.config
    name = config.get("ATTACHMENTS_STORAGE") or "filesystem"
    if name not in BACKENDS:
        raise RuntimeError(f"ATTACHMENTS_STORAGE={name!r}: not one of {', '.join(BACKENDS)}")
    cache = current_app.extensions.setdefault("jembatan_attachments", {})
    key = (name, str(config.get("ATTACHMENTS_DIR")))
    if cache.get("key") != key:
        cache["key"], cache["storage"] = key, BACKENDS[name](config)
    return cache["storage"]
