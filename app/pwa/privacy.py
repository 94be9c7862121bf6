"""A phone that is watched or borrowed (issue 16, capability 4): the server's small part.

- The neutral page a quick exit goes to (`/resep`: a few recipes, nothing of Jembatan in it,
  saved for offline use like the worker pages).
- Discreet mode: a `discreet` cookie, set on the "This phone" page; with it every page has a
  bland title and links the second manifest (`/discreet.webmanifest`: a neutral name and icon).
- The "This phone" page (`/phone`) and the page that says what was erased (`/cleared`).

What is kept on the phone alone — the PIN's salted hash, borrowed-phone mode, the erasing
itself — never reaches the server: static/js/privacy.js and static/js/privacy-head.js.
"""
from flask import Blueprint, current_app, redirect, render_template, request, url_for

from ..i18n import _
from .guards import check_form_post, keep_form_token
from .views import manifest_body, manifest_response

bp = Blueprint("privacy", __name__, template_folder="templates")
bp.after_request(keep_form_token)  # the discreet-mode form carries the pre-session form token

DISCREET_COOKIE = "discreet"
NEUTRAL_PAGE = "/resep"
DISCREET_MANIFEST = "/discreet.webmanifest"
PIN_TRIES = 5  # wrong PINs before the phone's data is erased
CLEARED_REASONS = ("sent", "pin", "manual")


def discreet_mode() -> bool:
    """Whether this phone asked for discreet mode (the cookie is the phone's setting, not the account's)."""
    return request.cookies.get(DISCREET_COOKIE) == "1"


def bland_title() -> str:
    """The title of every page in discreet mode, and the name of the installed app."""
    return _("Notes")


def script_labels() -> dict:
    """Texts the privacy script shows, translated here so that they work offline in the page's language."""
    return {
        "pin_wrong": _("Wrong PIN. Tries left before this app's data is erased from this phone: {n}"),
        "pin_format": _("The PIN is 4 to 6 digits."),
        "pin_mismatch": _("The two PINs are not the same."),
        "pin_saved": _("PIN saved. It is asked each time the app opens."),
        "pin_removed": _("PIN removed."),
        "pin_unavailable": _("This browser cannot keep a PIN safely."),
        "borrowed_waiting": _("This is not your phone. Still waiting to be sent, kept on this phone: {n}. "
                              "When it is sent, Jembatan erases itself from this phone."),
        "borrowed_kept": _("This is not your phone. What Jembatan shows is kept on it until you erase it."),
        "erase_unsent": _("Not sent yet, and it will be lost: {n}. Erase anyway?"),
        "erase_confirm": _("Erase everything Jembatan kept on this phone and log out?"),
        "erasing": _("Erasing…"),
        "cleared": {reason: cleared_message(reason) for reason in CLEARED_REASONS},
        "cleared_offline": _("Erased from this phone. Connect to the internet once so that the logout "
                             "can be finished."),
    }


def cleared_message(reason: str) -> str:
    if reason == "sent":
        return _("What you wrote has reached the mission. Everything Jembatan kept on this phone "
                 "has now been erased, and you are logged out.")
    if reason == "pin":
        return _("The PIN was wrong too many times. Everything Jembatan kept on this phone "
                 "has been erased, and you are logged out.")
    return _("Everything Jembatan kept on this phone has been erased, and you are logged out.")


@bp.app_context_processor
def _privacy_globals():
    return {"discreet_mode": discreet_mode, "bland_title": bland_title, "privacy_labels": script_labels,
            "neutral_page": NEUTRAL_PAGE, "discreet_manifest": DISCREET_MANIFEST, "pin_tries": PIN_TRIES}


@bp.get(NEUTRAL_PAGE)
def neutral_page():
    """Where a quick exit goes: an ordinary page with no trace of Jembatan (no header, no scripts)."""
    return render_template("pwa/neutral.html")


@bp.get("/phone")
def phone_page():
    """"This phone": discreet mode, borrowed-phone mode, the PIN, erasing now. Settings of the phone,
    so open without a login (a worker may set them before logging in on a borrowed phone)."""
    return render_template("pwa/phone.html", discreet=discreet_mode())


@bp.post("/phone/discreet")
def set_discreet():
    """Discreet mode on or off: a plain form (works without JavaScript), with the pre-session token,
    so that no other site can switch it."""
    check_form_post()
    response = redirect(url_for("privacy.phone_page"), code=303)
    if request.form.get("discreet") == "1":
        # Not HttpOnly: the page script reads it to give pages saved for offline use the bland title too.
        response.set_cookie(DISCREET_COOKIE, "1", max_age=365 * 24 * 3600, path="/", samesite="Lax",
                            secure=current_app.config.get("JWT_COOKIE_SECURE", False))
    else:
        response.delete_cookie(DISCREET_COOKIE, path="/")
    return response


@bp.get(DISCREET_MANIFEST)
def discreet_manifest():
    """The installed app's neutral name and icon. A path of its own, not a query on the usual
    manifest: the service worker answers that one from the phone whatever its query."""
    body = manifest_body()
    body.update({
        "name": bland_title(), "short_name": bland_title(), "description": _("Notes and lists."),
        "theme_color": "#5f6368", "background_color": "#ffffff",
        "icons": [
            {"src": "/static/icons/notes-192.png", "sizes": "192x192", "type": "image/png", "purpose": "any"},
            {"src": "/static/icons/notes-512.png", "sizes": "512x512", "type": "image/png", "purpose": "any"},
            {"src": "/static/icons/notes-maskable-512.png", "sizes": "512x512", "type": "image/png",
             "purpose": "maskable"},
        ],
    })
    return manifest_response(body)


@bp.get("/cleared")
def cleared_page():
    """Says what was erased (the script has already done it: outbox, saved pages, login)."""
    reason = request.args.get("why")
    return render_template("pwa/cleared.html", message=cleared_message(reason if reason in CLEARED_REASONS
                                                                        else "manual"))
