"""What the login and register forms trust: where they send the browser afterwards, and who posted them.

Both forms are posted before any login exists, so flask-jwt-extended's CSRF token (tied to the
login cookie) cannot protect them. Without protection another site could post its own
credentials through the victim's browser and log her phone into the attacker's account, who
then reads what she reports ("login CSRF"). The forms carry a pre-session double-submit token
instead, and a browser's own word on where the post came from is checked too.
"""
import hmac
import re
import secrets
from urllib.parse import unquote, urlsplit

from flask import current_app, g, request
from flask_smorest import abort

from ..i18n import _

FORM_TOKEN = "form_token"  # the cookie's name and the hidden field's
TOKEN_LIFETIME = 7 * 24 * 3600
# Browsers remove tabs and newlines from a URL and read a backslash as a slash, so `/\t/x`
# and `/\x` both mean `//x`: another host. Our own `next` values are always percent-encoded
# ASCII, so anything outside printable ASCII (or a backslash) is refused outright.
_NOT_PLAIN = re.compile(r"[^\x21-\x7e]|\\")
_CONTROL = re.compile(r"[\x00-\x1f\x7f\\]")


def same_site_path(target, default: str) -> str:
    """`target` when it is a path on this site, else `default`: the only place a `next` is judged.

    Refused: schemes, hosts (`//x`), control characters, backslashes, and all of these once
    more after percent-decoding (`/%2F%2Fx`), since some browsers and proxies decode again.
    """
    if not isinstance(target, str) or not target or _NOT_PLAIN.search(target):
        return default
    for candidate in (target, unquote(target)):
        if _CONTROL.search(candidate) or not candidate.startswith("/") or candidate.startswith("//"):
            return default
        parts = urlsplit(candidate)
        if parts.scheme or parts.netloc:
            return default
    return target


def form_token() -> str:
    """The token for this browser's login/register form; the cookie that pairs with it is set by
    `keep_form_token` on the same answer. Kept while it lives, so several open tabs all work."""
    if "form_token" not in g:
        known = request.cookies.get(FORM_TOKEN, "")
        g.form_token = known if 32 <= len(known) <= 64 and known.isascii() else secrets.token_urlsafe(32)
    return g.form_token


def keep_form_token(response):
    """Set the token cookie on an answer whose page carries a new form token.

    SameSite=Strict: no other site's post carries it; HttpOnly: no script needs it.
    """
    token = g.get("form_token")
    if token and token != request.cookies.get(FORM_TOKEN):
        response.set_cookie(FORM_TOKEN, token, max_age=TOKEN_LIFETIME, path="/", httponly=True, samesite="Strict",
                            secure=current_app.config.get("JWT_COOKIE_SECURE", False))
    return response


def _from_another_site() -> bool:
    """The browser's own word: Fetch Metadata where sent, else the Origin header (as Go's
    CrossOriginProtection decides). A client that sends neither still needs the token."""
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None:
        return site not in ("same-origin", "none")
    origin = request.headers.get("Origin")
    if origin is None:
        return False
    return origin == "null" or urlsplit(origin).netloc.lower() != request.host.lower()


def check_form_post() -> None:
    """403 (the page forms' "form expired" page, in the user's language) unless this login or
    register post came from our own page in this browser."""
    sent = request.form.get(FORM_TOKEN, "")
    held = request.cookies.get(FORM_TOKEN, "")
    genuine = bool(sent) and bool(held) and hmac.compare_digest(sent.encode(), held.encode())
    if not genuine or _from_another_site():
        abort(403, message=_("The form expired. Please reload the page and try again."))
