"""Console pages of a partner organisation (and of the mission's staff) filing for a worker:
register her, file her lapor diri and her help requests with her consent, list what was filed,
hand her account over. Plain server-rendered forms; every rule is in app.assist.services and in
the presence and help services they call.
"""
import uuid

from flask import Blueprint, flash, make_response, redirect, render_template, request, url_for
from flask_jwt_extended import current_user
from marshmallow import ValidationError

from .. import access
from ..accounts.password_reset import CODE_LIFETIME
from ..console.views import CATEGORY_LABELS, PASSPORT_STATUS_LABELS, SECTOR_LABELS, STATUS_LABELS, URGENCY_LABELS
from ..errors import DomainError
from ..extensions import db
from ..help.schemas import HelpRequestInSchema
from ..i18n import _, _l, translate_message
from ..presence.schemas import PresenceInSchema
from ..pwa.views import HELP_FIELDS, PRESENCE_FIELDS, _form_data
from . import services
from .models import CONSENT_WAYS
from .schemas import ConsentSchema, HandoverSchema, RegisterWorkerSchema

bp = Blueprint("assist", __name__, url_prefix="/console/assist", template_folder="templates")

assist_only = access.requires(access.ASSIST)

CONSENT_LABELS = {
    "spoken_in_person": _l("She said yes, in person"),
    "signed_in_person": _l("She signed or put her thumbprint, in person"),
    "spoken_by_phone": _l("She said yes on the phone"),
}
assert set(CONSENT_LABELS) == set(CONSENT_WAYS)
ENTITY_LABELS = {"account": _l("Registration"), "presence": _l("Lapor diri"), "help_request": _l("Help request")}
DONE = {
    "registered": _l("She is registered. Now file her lapor diri or her help request."),
    "presence": _l("Her lapor diri has been sent to the mission."),
    "help_request": _l("Her help request has been sent to the mission."),
}
CONSENT_FIELDS = ("consent", "recorded_by", "agreed")


@bp.app_context_processor
def _consent_label():
    """How she agreed, in words, for the console's request page and the worker's own pages."""
    return {"consent_label": lambda key: str(CONSENT_LABELS.get(key, key))}


@bp.context_processor
def _labels():
    return {"done_label": lambda key: str(DONE.get(key, "")), "consent_ways": CONSENT_LABELS,
            "entity_label": lambda key: str(ENTITY_LABELS.get(key, key)),
            "status_label": lambda s: str(STATUS_LABELS.get(s, s)),
            "category_label": lambda c: str(CATEGORY_LABELS.get(c, c))}


def _load(schema, fields) -> tuple[dict, dict]:
    """(data, errors) of the form's fields through `schema` (the same one as the API's)."""
    try:
        return schema.load(_form_data(request.form, fields)), {}
    except ValidationError as exc:
        return {}, translate_message(exc.messages)


def _consent() -> tuple[dict, dict]:
    return _load(ConsentSchema(), CONSENT_FIELDS)


def _refused(template: str, exc_or_errors, code: int, **context):
    db.session.rollback()
    if isinstance(exc_or_errors, DomainError):
        if exc_or_errors.code in (403, 404):
            raise exc_or_errors
        error, errors = str(exc_or_errors.message), translate_message(exc_or_errors.errors)
    else:
        error, errors = _("Some fields are not valid."), exc_or_errors
    return render_template(template, error=error, errors=errors, form=request.form, **context), code


@bp.get("")
@assist_only
def filings():
    """My filings: what this account filed for workers, newest first (never anyone else's)."""
    page = services.my_filings(current_user, cursor=request.args.get("cursor") or None)
    next_url = url_for("assist.filings", cursor=page["next_cursor"]) if page["next_cursor"] else None
    return render_template("assist/filings.html", items=page["items"], next_url=next_url)


@bp.route("/register", methods=["GET", "POST"])
@assist_only
def register():
    """Register a worker who has no phone or cannot use one, with her consent."""
    template = "assist/register.html"
    if request.method == "GET":
        return render_template(template, form={"recorded_by": current_user.full_name})
    data, errors = _load(RegisterWorkerSchema(), ("full_name", "phone", "phone_country", "language") + CONSENT_FIELDS)
    if errors:
        return _refused(template, errors, 422)
    try:
        worker, _filing = services.register_worker(current_user, data)
    except DomainError as exc:
        return _refused(template, exc, exc.code)
    flash("registered")
    return redirect(url_for("assist.worker", worker_id=worker.id), code=303)


@bp.get("/workers/<uuid:worker_id>")
@assist_only
def worker(worker_id: uuid.UUID):
    """One worker this account filed for: what it filed, and the actions while she is assisted (audited read)."""
    view = services.worker_page(current_user, worker_id)
    return render_template("assist/worker.html", **view)


def _file(worker_id, template, schema, fields, service, done, **context):
    worker, _registration = services.assisted_worker(current_user, worker_id)
    context = {"worker": worker, **context}
    if request.method == "GET":
        return render_template(template, form={"recorded_by": current_user.full_name}, new_id=uuid.uuid4(), **context)
    context["new_id"] = request.form.get("id") or uuid.uuid4()
    data, errors = _load(schema, fields)
    consent, consent_errors = _consent()
    if errors or consent_errors:
        return _refused(template, {**errors, **consent_errors}, 422, **context)
    try:
        service(current_user, worker_id, data, consent)
    except DomainError as exc:
        return _refused(template, exc, exc.code, **context)
    flash(done)
    return redirect(url_for("assist.worker", worker_id=worker_id), code=303)


@bp.route("/workers/<uuid:worker_id>/presence", methods=["GET", "POST"])
@assist_only
def file_presence(worker_id: uuid.UUID):
    """File her lapor diri (the presence form and service of the worker's own page)."""
    return _file(worker_id, "assist/presence.html", PresenceInSchema(), PRESENCE_FIELDS, services.file_presence,
                 "presence", sectors=SECTOR_LABELS, passport_statuses=PASSPORT_STATUS_LABELS)


@bp.route("/workers/<uuid:worker_id>/help", methods=["GET", "POST"])
@assist_only
def file_help(worker_id: uuid.UUID):
    """File her help request (the help form and service of the worker's own page)."""
    return _file(worker_id, "assist/help.html", HelpRequestInSchema(), HELP_FIELDS, services.file_help_request,
                 "help_request", categories=CATEGORY_LABELS, urgencies=URGENCY_LABELS)


@bp.post("/workers/<uuid:worker_id>/handover")
@assist_only
def handover(worker_id: uuid.UUID):
    """Hand her account over: a one-time code, shown once, with which she sets her own password."""
    data, errors = _load(HandoverSchema(), ("phone", "phone_country"))
    try:
        if errors:
            raise DomainError(422, _("Some fields are not valid."), errors)
        worker, code = services.hand_over(current_user, worker_id, data.get("phone"))
    except DomainError as exc:
        db.session.rollback()
        if exc.code in (403, 404):
            raise
        view = services.worker_page(current_user, worker_id)
        return render_template("assist/worker.html", error=str(exc.message), errors=translate_message(exc.errors),
                               form=request.form, **view), exc.code
    response = make_response(render_template("assist/handover.html", worker=worker, code=code,
                                              minutes=int(CODE_LIFETIME.total_seconds() // 60)))
    response.headers["Cache-Control"] = "no-store"  # shown once: never from a cache or the back button
    return response
