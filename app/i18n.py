"""Locale selection and the translation helpers used everywhere.

`_` translates now (inside a request); `_l` is lazy, for strings defined at
import time (schema messages, enum labels).
"""
import re
from urllib.parse import urlencode

from flask import current_app, g, request
from flask_babel import gettext as _, lazy_gettext as _l, ngettext  # noqa: F401
from flask_jwt_extended import current_user, verify_jwt_in_request

from .translations import LANGUAGES, Language  # noqa: F401 (Language: re-exported for the models)

LANG_COOKIE = "lang"


def supported() -> tuple[str, ...]:
    return LANGUAGES


def requested_language() -> str | None:
    """`?lang=` when it names a language we have, else None."""
    lang = (request.args.get("lang") or "").strip().lower()
    return lang if lang in supported() else None


def _user_language() -> str | None:
    try:
        # A token already verified in this request (an API call's own check) is not decoded and its
        # holder not read again: that was a second query and a fifth of a small sync call's time.
        if not g.get("_jwt_extended_jwt") and verify_jwt_in_request(optional=True) is None:
            return None
        return getattr(current_user, "language", None)
    except Exception:  # a bad token must not break rendering; auth checks run elsewhere
        return None


def select_locale() -> str:
    """`?lang=`, then the `lang` cookie, then the user's language, then Accept-Language, then `id`."""
    if not request:
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    lang = requested_language()
    if lang:
        return lang
    cookie = request.cookies.get(LANG_COOKIE)
    if cookie in supported():
        return cookie
    user_lang = _user_language()
    if user_lang in supported():
        return user_lang
    return request.accept_languages.best_match(supported()) or current_app.config["BABEL_DEFAULT_LOCALE"]


def remember_language(response):
    """Keep a `?lang=` choice in a cookie so the next page is in the same language."""
    lang = requested_language()
    if lang and request.cookies.get(LANG_COOKIE) != lang:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 24 * 3600, samesite="Lax", httponly=True,
                            secure=current_app.config.get("JWT_COOKIE_SECURE", False))
    return response


def language_switch_url(lang: str) -> str:
    """The link that shows this page in `lang`: the same page with its other query parameters.

    A query-only relative reference (`?licence_number=x&lang=en`) resolves against the page's own
    address, so it keeps the path and can never lead to another site, whatever the path holds. A
    `next` that would leave the site is not carried on (the login page refuses it anyway).
    """
    from .pwa.guards import same_site_path  # pwa.guards imports this module

    pairs = [(k, v) for k, v in request.args.items(multi=True)
             if k != "lang" and (k != "next" or same_site_path(v, ""))] if request else []
    return "?" + urlencode(pairs + [("lang", lang)])


def text_direction(lang: str) -> str:
    return "rtl" if lang.split("-")[0] in {"ar", "he", "fa", "ur"} else "ltr"


# Validation messages from marshmallow and webargs, made translatable.
_EXACT = {
    "Missing data for required field.": _l("This field is required."),
    "Unknown field.": _l("Unknown field."),
    "Field may not be null.": _l("This field may not be empty."),
    "Invalid input type.": _l("Invalid input type."),
    "Invalid type.": _l("Invalid input type."),
    "Not a valid string.": _l("Must be text."),
    "Not a valid integer.": _l("Must be a whole number."),
    "Not a valid number.": _l("Must be a number."),
    "Not a valid boolean.": _l("Must be true or false."),
    "Not a valid datetime.": _l("Must be a date and time (ISO 8601)."),
    "Not a valid date.": _l("Must be a date (YYYY-MM-DD)."),
    "Not a valid UUID.": _l("Must be a UUID."),
    "Not a valid email address.": _l("Must be a valid email address."),
    "Not a valid list.": _l("Must be a list."),
    "Not a valid mapping type.": _l("Must be an object."),
    "Invalid JSON body.": _l("The request body is not valid JSON."),
    "Number too large.": _l("Number too large."),
    "Special numeric values (nan or infinity) are not permitted.": _l("Must be a finite number."),
    "Shorter than minimum length 1.": _l("This field may not be empty."),
}
_PATTERNS = [
    (re.compile(r"^Longer than maximum length (?P<max>\d+)\.$"), _l("At most %(max)s characters.")),
    (re.compile(r"^Shorter than minimum length (?P<min>\d+)\.$"), _l("At least %(min)s characters.")),
    (re.compile(r"^Length must be between (?P<min>\d+) and (?P<max>\d+)\.$"),
     _l("Between %(min)s and %(max)s letters or digits.")),
    # The codes of a closed set mean nothing to a worker; the form offers its choices as a list.
    (re.compile(r"^Must be one of: (?P<choices>.*)\.$"), _l("Choose one from the list.")),
    (re.compile(r"^Must be greater than or equal to (?P<min>\S+) and less than or equal to (?P<max>\S+)\.$"),
     _l("Must be between %(min)s and %(max)s.")),
    (re.compile(r"^Must be greater than or equal to (?P<min>\S+)\.$"), _l("Must be at least %(min)s.")),
    (re.compile(r"^Must be less than or equal to (?P<max>\S+)\.$"), _l("Must be at most %(max)s.")),
]


def translate_message(message):
    """Translate one library validation message (or a nested structure of them)."""
    if isinstance(message, dict):
        return {k: translate_message(v) for k, v in message.items()}
    if isinstance(message, list):
        return [translate_message(m) for m in message]
    if not isinstance(message, str):
        return str(message)
    if message in _EXACT:
        return str(_EXACT[message])
    for pattern, template in _PATTERNS:
        match = pattern.match(message)
        if match:
            return str(template) % match.groupdict()
    return message
