"""Access tokens verified once per process, not three times per request.

flask-jwt-extended decodes the token of every authenticated request three times (its claims
unverified, its header, then verified), and PyJWT checks each character of each segment in Python:
a seventh of a one-item sync call's CPU. A token is a fixed text: once its signature and claims
have been verified, the same text (and the same CSRF value, for a cookie) verifies the same way
until it expires. So the verified claims are kept by that text and the key that verified it, and
served again while the token has not expired; expiry is read against the clock on every use, as
PyJWT reads it. Whether the token or its login was ended is not kept: it is asked on every request
(app.security._holder). Only verified, unexpired tokens are kept; everything else (an expired
token, a bad signature, `allow_expired`) goes through the library as before.
"""
import time

from flask_jwt_extended import JWTManager
from flask_jwt_extended.config import config

# Tokens kept per process; when full, forgotten all at once (they are verified again on next use).
MAX_KEPT = 10_000


class VerifiedTokens(JWTManager):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._verified: dict[tuple, dict] = {}

    def _decode_jwt_from_config(self, encoded_token: str, csrf_value=None, allow_expired: bool = False) -> dict:
        if allow_expired:
            return super()._decode_jwt_from_config(encoded_token, csrf_value, allow_expired)
        key = (encoded_token, csrf_value, config.decode_key, tuple(config.decode_algorithms))
        claims = self._verified.get(key)
        if claims is not None and time.time() < claims["exp"] + config.leeway:
            return dict(claims)
        claims = super()._decode_jwt_from_config(encoded_token, csrf_value, allow_expired)
        if isinstance(claims.get("exp"), (int, float)):
            if len(self._verified) >= MAX_KEPT:
                self._verified.clear()
            self._verified[key] = dict(claims)
        return claims
