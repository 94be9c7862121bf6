"""Field encryption for personal identifiers (passport number, NIK).

Values are stored as Fernet tokens (AES-128-CBC + HMAC-SHA256, from `cryptography`)
beside a keyed HMAC-SHA256 "blind index" of the normalised value, so an exact-match
lookup never needs the plain text. Key rotation: `DATA_KEY` encrypts; `DATA_KEY_OLD`
(comma-separated, optional) still decrypts, through MultiFernet.

Never log the arguments of these functions.
"""
import base64
import hashlib
import hmac
import unicodedata

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import current_app

__all__ = ["encrypt", "decrypt", "blind_index", "normalise_identifier", "InvalidToken", "rotate"]


def _keys() -> list[str]:
    primary = current_app.config["DATA_KEY"]
    old = current_app.config.get("DATA_KEY_OLD") or ""
    if isinstance(old, str):
        old = [k.strip() for k in old.split(",") if k.strip()]
    return [primary, *old]


def _fernet() -> MultiFernet:
    keys = _keys()
    cache = current_app.extensions.setdefault("jembatan_crypto", {})
    cache_key = tuple(keys)
    if cache.get("keys") != cache_key:
        cache["keys"] = cache_key
        cache["fernet"] = MultiFernet([Fernet(k) for k in keys])
    return cache["fernet"]


def encrypt(text: str) -> str:
    """Encrypt `text` with the current key; a different token every call."""
    return _fernet().encrypt(text.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    """Decrypt a token made with the current or an old key; raises InvalidToken otherwise."""
    return _fernet().decrypt(token.encode("ascii")).decode("utf-8")


def rotate(token: str) -> str:
    """Re-encrypt a token under the current key (for a key-rotation job)."""
    return _fernet().rotate(token.encode("ascii")).decode("ascii")


def normalise_identifier(text: str) -> str:
    """The form identifiers are compared in: NFKC, no spaces or dashes, upper case."""
    text = unicodedata.normalize("NFKC", text or "")
    return "".join(c for c in text if c.isalnum()).upper()


def _index_key() -> bytes:
    # Derived from DATA_KEY, not the key itself: the index key is never the encryption key.
    raw = base64.urlsafe_b64decode(current_app.config["DATA_KEY"])
    return hmac.new(raw, b"jembatan blind index v1", hashlib.sha256).digest()


def blind_index(text: str) -> str:
    """HMAC-SHA256 (hex) of the normalised value, for exact-match lookups.

    Note: rotating DATA_KEY changes the index; a rotation job recomputes it from the decrypted value.
    """
    return hmac.new(_index_key(), normalise_identifier(text).encode("utf-8"), hashlib.sha256).hexdigest()
