"""Access tokens verified once per process, not three times per request.

flask-jwt-extended decodes the token of every authenticated request three times (its claims
unverified, its header, then verified), and PyJWT checks each character of each segment in Python:
a seventh of a one-item sync call's CPU. A token is a fixed text: once its signature and claims
have been verified, the same text verified the same way (the same key, CSRF value, audience,
issuer and identity claim) gives the same claims until it expires. So the verified claims of an
access token are kept by all of that and served again while the token has not expired; expiry is
read against the clock on every use, as PyJWT reads it. Everything checked after decoding (the
token's type, freshness, whether it or its login was ended: app.security._holder, the user) is
still checked on every request. Anything else — an expired token, a bad signature, a refresh
token (used once), `allow_expired`, a key chosen per token by a `decode_key_loader` — goes through
the library as before.
"""
import copy
import time

from flask_jwt_extended import JWTManager
from flask_jwt_extended.config import config
from flask_jwt_extended.default_callbacks import default_decode_key_callback

# Access tokens kept per process (about 1.5 KB each); when full, the expired ones go, and if that
# is not enough, all (they are verified again on next use).
MAX_KEPT = 10_000


def _as_key(value):
    return tuple(value) if isinstance(value, (list, set, tuple)) else value


class VerifiedTokens(JWTManager):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._verified: dict[tuple, dict] = {}

    def _decode_jwt_from_config(self, encoded_token: str, csrf_value=None, allow_expired: bool = False) -> dict:
        if allow_expired or self._decode_key_callback is not default_decode_key_callback:
            return super()._decode_jwt_from_config(encoded_token, csrf_value, allow_expired)
        key = (encoded_token, csrf_value, config.decode_key, _as_key(config.decode_algorithms),
               _as_key(config.decode_audience), config.decode_issuer, config.identity_claim_key, config.verify_sub)
        claims = self._verified.get(key)
        if claims is not None and time.time() < claims["exp"] + config.leeway:
            return copy.deepcopy(claims)
        claims = super()._decode_jwt_from_config(encoded_token, csrf_value, allow_expired)
        if claims.get("type") == "access" and isinstance(claims.get("exp"), (int, float)):
            self._keep(key, copy.deepcopy(claims))
        return claims

    def _keep(self, key: tuple, claims: dict) -> None:
        if len(self._verified) >= MAX_KEPT:
            now = time.time()
            for old in [k for k, c in list(self._verified.items()) if c["exp"] + config.leeway <= now]:
                self._verified.pop(old, None)
            if len(self._verified) >= MAX_KEPT:
                self._verified.clear()
        self._verified[key] = claims
