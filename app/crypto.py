"""Field encryption for personal identifiers (passport number, NIK).

Values are stored as Fernet tokens (AES-128-CBC + HMAC-SHA256, from `cryptography`)
beside a keyed HMAC-SHA256 "blind index" of the normalised value, so an exact-match
lookup never needs the plain text. Key rotation: `DATA_KEY` encrypts; `DATA_KEY_OLD`
(comma-separated, optional) still decrypts, through MultiFernet; `flask keys rotate`
re-encrypts every stored value under `DATA_KEY`. The blind index has its own key,
`INDEX_KEY`, which never rotates with `DATA_KEY`: the index is also part of the keys that
make imports idempotent. Without `INDEX_KEY` it is derived from `DATA_KEY` (what
`flask keys index-key` prints, to be pinned before a rotation).

Never log the arguments of these functions.
"""
import base64
import hashlib
import hmac
import unicodedata

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import current_app

__all__ = ["encrypt", "decrypt", "blind_index", "normalise_identifier", "InvalidToken", "rotate",
           "derived_index_key", "key_errors", "encrypt_bytes", "decrypt_bytes", "rotate_bytes"]


def _keys() -> list[str]:
    return [current_app.config["DATA_KEY"], *old_data_keys(current_app.config)]


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


def encrypt_bytes(data: bytes) -> bytes:
    """Encrypt a file's bytes (a voice note, a photo) with the current key: the same keys and rotation
    as the identifiers, so `flask keys rotate` covers files too (app.attachments.services)."""
    return _fernet().encrypt(data)


def decrypt_bytes(token: bytes) -> bytes:
    """The bytes of a token made by encrypt_bytes with the current or an old key; InvalidToken otherwise."""
    return _fernet().decrypt(token)


def rotate_bytes(token: bytes) -> bytes:
    """Re-encrypt a file's token under the current key."""
    return _fernet().rotate(token)


def normalise_identifier(text: str) -> str:
    """The form identifiers are compared in: NFKC, no spaces or dashes, upper case."""
    text = unicodedata.normalize("NFKC", text or "")
    return "".join(c for c in text if c.isalnum()).upper()


def derived_index_key(data_key: str) -> str:
    """The index key used when INDEX_KEY is not set: derived from `data_key`, never the key itself."""
    raw = hmac.new(base64.urlsafe_b64decode(data_key), b"jembatan blind index v1", hashlib.sha256).digest()
    return base64.urlsafe_b64encode(raw).decode("ascii")


def _index_key() -> bytes:
    config = current_app.config
    return base64.urlsafe_b64decode(config.get("INDEX_KEY") or derived_index_key(config["DATA_KEY"]))


def blind_index(text: str) -> str:
    """HMAC-SHA256 (hex) of the normalised value, for exact-match lookups."""
    return hmac.new(_index_key(), normalise_identifier(text).encode("utf-8"), hashlib.sha256).hexdigest()


def old_data_keys(config) -> list[str]:
    old = config.get("DATA_KEY_OLD") or ""
    return [k.strip() for k in old.split(",") if k.strip()] if isinstance(old, str) else list(old)


def key_errors(config) -> list[str]:
    """What is wrong with the configured keys, said so that an operator can fix it (empty: nothing)."""
    errors = []
    for name, keys in (("DATA_KEY", [config.get("DATA_KEY")]), ("DATA_KEY_OLD", old_data_keys(config)),
                       ("INDEX_KEY", [config["INDEX_KEY"]] if config.get("INDEX_KEY") else [])):
        for key in keys:
            try:
                Fernet(key)  # the same form for all three: urlsafe base64 of 32 bytes
            except (TypeError, ValueError):
                errors.append(f"{name} must be 32 bytes in urlsafe base64 (e.g. from Fernet.generate_key()).")
                break
    if old_data_keys(config) and not config.get("INDEX_KEY"):
        errors.append("DATA_KEY_OLD is set but INDEX_KEY is not: the blind index would change with DATA_KEY "
                      "and passport/NIK matching would miss every stored record. Set INDEX_KEY to what "
                      "`flask keys index-key --old` prints, then rotate.")
    return errors
