"""Family check pages: `/status` for her family (reference + PIN, a plain form, no JavaScript
needed) and `/requests/<id>/family`, where the worker sets or removes the PIN.

The same services as the API; the /status form counts against the API's limits (shared scopes).
"""
from flask import Blueprint, flash, get_flashed_messages, redirect, render_template, request, url_for
from flask_babel import format_datetime, get_locale
from flask_jwt_extended import current_user
from marshmallow import ValidationError

from ..accounts.views import worker_page
from ..help.services import get_for_worker
from ..i18n import translate_message
from ..pwa.views import STATUS_LABELS  # the worker's own gentle words, which her family reads too
from ..storage import after_commit
from . import services
from .api import per_address, per_reference
from .schemas import FamilyPinInSchema

bp = Blueprint("family_pages", __name__, template_folder="templates")


@bp.get("/status")
def status_form():
    """The empty form (the reference may come in the link the worker shared)."""
    reference = services.normalise_reference(request.args.get("reference")) or ""
    return render_template("family/status.html", reference=reference, answer=None, not_found=False)


@bp.post("/status")
@per_reference
@per_address
def status_check():
    """The answer for a reference and PIN: status, last update and mission, or one "not found"."""
    reference = (request.form.get("reference") or "").strip()[:40]
    answer = services.family_status(reference, request.form.get("pin") or "", str(get_locale() or "id"))
    if answer is not None:
        answer = {**answer, "status_label": str(STATUS_LABELS.get(answer["status"], answer["status"])),
                  "updated": format_datetime(answer["updated_at"], "medium")}
    return render_template("family/status.html", reference=reference, answer=answer,
                           not_found=answer is None), 200 if answer else 404


def _pin_page(help_request_id, errors=None, code=200):
    help_request = get_for_worker(current_user, help_request_id)
    has_pin = help_request.id in services.requests_with_pin(current_user)
    status_url = url_for("family_pages.status_form", reference=help_request.reference, _external=True)
    done = get_flashed_messages(category_filter=["family"])
    return render_template("family/pin.html", r=help_request, has_pin=has_pin, status_url=status_url,
                           errors=errors or {}, done=done[0] if done else None,
                           status_label=str(STATUS_LABELS.get(help_request.status, help_request.status))), code


@bp.get("/requests/<uuid:help_request_id>/family")
@worker_page
def family_pin_page(help_request_id):
    """What her family will see, and the form to set or remove the PIN."""
    return _pin_page(help_request_id)


@bp.post("/requests/<uuid:help_request_id>/family")
@worker_page
def family_pin_set(help_request_id):
    try:
        data = FamilyPinInSchema().load({"pin": (request.form.get("pin") or "").strip()})
    except ValidationError as exc:
        return _pin_page(help_request_id, translate_message(exc.messages), 422)
    services.set_pin(current_user, help_request_id, data["pin"])
    after_commit(lambda: flash("set", "family"))
    return redirect(url_for("family_pages.family_pin_page", help_request_id=help_request_id), code=303)


@bp.post("/requests/<uuid:help_request_id>/family/remove")
@worker_page
def family_pin_remove(help_request_id):
    services.remove_pin(current_user, help_request_id)
    after_commit(lambda: flash("removed", "family"))
    return redirect(url_for("family_pages.family_pin_page", help_request_id=help_request_id), code=303)
