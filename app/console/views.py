"""The staff console (`/console`): the mission's queue and the request detail, plain server-rendered forms.

Every rule (scope, workflow, claim, audit) lives in app.help.services; these handlers parse
the form, call the service and redirect back (POST-redirect-GET); the request's unit of work
commits (app.storage).
"""
import uuid

from flask import Blueprint, flash, make_response, redirect, render_template, request, url_for
from flask_babel import format_timedelta
from flask_jwt_extended import current_user
from sqlalchemy import select

from .. import access, localtime
from ..accounts.models import User
from ..accounts.password_reset import CODE_LIFETIME, issue_staff_code
from ..accounts.services import deactivate_account
from ..attachments import services as attachment_services
from ..errors import DomainError
from ..extensions import db
from ..forms import run_form
from ..help import services as help_services
from ..help.deadlines import deadline_state, now as deadline_now, standard_source
from ..channels.models import SECTOR_LABELS
from ..help.models import CATEGORIES, STATUSES, URGENCIES, HelpRequest
from ..help.priority import BANDS, band_name
from ..help.schemas import NoteInSchema, QueueUpdateSchema, StaffMessageInSchema
from ..help.signals import mark_signals
from ..help.workflow import CLOSURE_REASONS, staff_moves
from ..i18n import _, _l
from ..missions.models import Mission
from ..presence.models import PASSPORT_STATUSES
from ..presence.services import shared_numbers_of
from ..schemas import has_control_characters
from ..storage import after_commit
from ..types import utcnow

bp = Blueprint("console", __name__, url_prefix="/console", template_folder="templates")

PAGE_SIZE = 50

# Staff words (the worker's pages use gentler ones for the same values).
STATUS_LABELS = {
    "new": _l("New"), "triaged": _l("Triaged"), "in_progress": _l("In progress"), "resolved": _l("Resolved"),
    "closed": _l("Closed"), "referred": _l("Referred"), "withdrawn": _l("Withdrawn by the worker"),
}
CATEGORY_LABELS = {
    "unpaid_wages": _l("Unpaid wages"), "abuse_violence": _l("Abuse or violence"),
    "document_withheld": _l("Documents withheld"), "detention_legal": _l("Detention or legal trouble"),
    "trafficking": _l("Trafficking"), "health_emergency": _l("Health emergency"),
    "contract_dispute": _l("Contract dispute"), "repatriation": _l("Repatriation"),
    "lost_contact": _l("Lost contact"), "other": _l("Other"),
}
URGENCY_LABELS = {"low": _l("Low"), "normal": _l("Normal"), "high": _l("High"), "emergency": _l("Emergency")}
BAND_LABELS = {"critical": _l("Critical"), "high": _l("High"), "normal": _l("Normal"), "low": _l("Low")}
EVENT_LABELS = {"status": _l("Status"), "claim": _l("Claimed"), "assign": _l("Assignee"),
                "transfer": _l("Transferred"), "priority": _l("Priority override"), "duplicate": _l("Duplicate of")}
CLOSURE_LABELS = {
    "resolved": _l("Resolved"), "duplicate": _l("Duplicate of another request"),
    "unreachable": _l("Worker unreachable"), "no_clarification": _l("No clarification from the worker"),
    "referred": _l("Referred elsewhere"), "spam": _l("Spam or abuse of the service"),
}
assert set(CLOSURE_LABELS) == set(CLOSURE_REASONS)
PASSPORT_STATUS_LABELS = {
    "held": _l("With the worker"), "withheld": _l("Withheld by employer or agent"), "lost": _l("Lost"),
    "expired": _l("Expired"), "unknown": _l("The worker does not know"),
}
assert set(PASSPORT_STATUS_LABELS) == set(PASSPORT_STATUSES)

# Said after an action; flashed as a key so the next page says it in its own language.
DONE_MESSAGES = {
    "claimed": _l("You have claimed this request."), "status": _l("The status has been changed."),
    "priority": _l("The priority has been changed."), "transferred": _l("The request has been transferred."),
    "note": _l("The note has been saved."), "message": _l("The message has been sent to the worker."),
    "deactivated": _l("The worker's account has been deactivated; their open requests have left the queue."),
}

# Moves that end the work on a request: confirmed on a page of their own (and by a dialog where script runs).
CONFIRMED_MOVES = ("resolved", "closed")

# Consular note templates: a start for the note textarea, picked from a list (optional; script fills it).
NOTE_TEMPLATES = {
    "call": (_l("Phone call"), _l("Phone call with the worker on [date, time]. She said: [...]. "
                                  "We agreed: [...]. Next step: [...] by [date].")),
    "referral": (_l("Referral"), _l("Referred to [shelter / police / labour office / BP3MI / lawyer] on [date]. "
                                    "Contact person: [name, phone]. Their reference: [...]. "
                                    "Documents handed over: [...].")),
}

# The next deadline in words: (which deadline, overdue?) → text with the time left or past.
DEADLINE_WORDS = {
    ("first_response", False): _l("First response due in %(time)s"),
    ("first_response", True): _l("First response overdue by %(time)s"),
    ("resolution", False): _l("Resolution due in %(time)s"),
    ("resolution", True): _l("Resolution overdue by %(time)s"),
}
STANDARD_SOURCES = {
    "sp4n": _l("Deadlines from the national standard SP4N-LAPOR!"),
    "project": _l("Deadlines of this priority are Jembatan's own choice: no national standard sets them."),
    "mission": _l("Deadlines from this mission's own service standard."),
}

staff_only = access.requires(access.QUEUE)


def deadline_view(help_request, at=None) -> dict | None:
    """The next deadline of an open request as the console shows it: words, a colour class, the time."""
    state = deadline_state(help_request, at)
    if state["which"] is None:
        return None
    words = DEADLINE_WORDS[(state["which"], state["overdue"])]
    text = str(words) % {"time": format_timedelta(abs(state["left"]), threshold=1.1)}
    tone = "overdue" if state["overdue"] else "soon" if state["soon"] else "ok"
    return {"text": text, "tone": tone, "due_at": state["due_at"], "overdue": state["overdue"]}


@bp.app_template_filter("waited")
def waited(since) -> str:
    """How long ago, in words of the reader's language ("3 days")."""
    return format_timedelta(utcnow() - since, threshold=1.1) if since else ""


@bp.app_template_filter("console_day")
def console_day(value, where=None) -> str:
    """The day, where the mission is (app.localtime): `where` a mission or a request, else the page's."""
    return localtime.local_date(value, where)


@bp.app_template_filter("console_time")
def console_time(value, where=None) -> str:
    """Date and time on the mission's clock, with its zone (app.localtime); every console page uses this."""
    return localtime.local_datetime(value, where)


@bp.context_processor
def _labels():
    return {"status_label": lambda s: str(STATUS_LABELS.get(s, s)),
            "category_label": lambda c: str(CATEGORY_LABELS.get(c, c)),
            "urgency_label": lambda u: str(URGENCY_LABELS.get(u, u)),
            "band_label": lambda b: str(BAND_LABELS.get(b, b)),
            "event_label": lambda k: str(EVENT_LABELS.get(k, k)),
            "closure_label": lambda c: str(CLOSURE_LABELS.get(c, c)),
            "sector_label": lambda s: str(SECTOR_LABELS.get(s, s)),
            "passport_status_label": lambda s: str(PASSPORT_STATUS_LABELS.get(s, s)),
            "done_label": lambda key: str(DONE_MESSAGES.get(key, "")),
             "band_name": band_name, "zone_name": localtime.zone_name, "deadline": deadline_view,
             "standard_source": lambda r: str(STANDARD_SOURCES[standard_source(r)])}


def _who(ids):
    """who(user id) → full name, for the people a page mentions (ids as UUIDs or strings)."""
    wanted = set()
    for value in ids:
        try:
            wanted.add(value if isinstance(value, uuid.UUID) else uuid.UUID(str(value)))
        except ValueError:
            continue
    names = {}
    if wanted:
        names = {str(i): n for i, n in db.session.execute(
            select(User.id, User.full_name).where(User.id.in_(wanted))).all()}
    return lambda user_id: names.get(str(user_id), "") if user_id else ""


def _missions() -> list[Mission]:
    return list(db.session.scalars(select(Mission).order_by(Mission.code)))


@bp.get("")
@staff_only
def queue():
    """The mission's queue, most urgent first, with the search box, the filters and the counts per status."""
    filters, missions, mission = queue_selection(request.args)
    mission_id = mission.id if mission else None
    # Stamped before the query: a request received meanwhile is both shown and announced, never lost
    # (the page's script leaves out the ids it already shows).
    shown_at = utcnow()
    page = help_services.queue(current_user, cursor=request.args.get("cursor") or None, limit=PAGE_SIZE,
                               **queue_arguments(filters, mission_id))
    mark_signals(page["items"])
    counts = help_services.counts_by_status(current_user, mission_id)
    kept = _filter_args(filters)
    next_url = url_for("console.queue", cursor=page["next_cursor"], **kept) if page["next_cursor"] else None
    return render_template(
        "console/queue.html", items=page["items"], next_url=next_url, first_page=bool(request.args.get("cursor")),
        first_url=url_for("console.queue", **kept), counts=counts, total=sum(counts.values()), filters=filters,
        statuses=STATUSES, categories=CATEGORIES, urgencies=URGENCIES, missions=missions, mission=mission,
        scope_mission=mission or _own_mission(), now=deadline_now(), shown_at=shown_at)


def queue_selection(args) -> tuple[dict, list, Mission | None]:
    """(filters, the missions an admin may pick, the mission picked) of a queue address."""
    filters = _queue_filters(args)
    missions = _missions() if access.sees_every_mission(current_user) else []
    mission = next((m for m in missions if m.code == filters["mission"]), None)
    filters["mission"] = mission.code if mission else ""
    return filters, missions, mission


def queue_arguments(filters: dict, mission_id) -> dict:
    """The page's filters as arguments of help_services.queue (the page and its updates ask the same)."""
    flag = {"1": True, "0": False}
    return dict(status=filters["status"] or None, category=filters["category"] or None, assignee_me=filters["mine"],
                mission_id=mission_id, urgency=filters["urgency"] or None, unassigned=flag.get(filters["unassigned"]),
                overdue=flag.get(filters["overdue"]), q=filters["q"] or None)


def _queue_filters(args) -> dict:
    """The queue page's filters from its query string; a page ignores a stray value rather than fail."""
    def one_of(name, choices):
        value = args.get(name, "")
        return value if value in choices else ""

    q = " ".join(args.get("q", "").split())[:100]
    return {"status": one_of("status", STATUSES), "category": one_of("category", CATEGORIES),
            "urgency": one_of("urgency", URGENCIES), "mine": args.get("mine") == "1",
            "unassigned": one_of("unassigned", ("1", "0")), "overdue": one_of("overdue", ("1", "0")),
            "q": "" if has_control_characters(q) else q, "mission": args.get("mission", "")}


def _filter_args(filters: dict) -> dict:
    """The filters as query arguments (the ones set), for the pager's links."""
    return {k: ("1" if v is True else v) for k, v in filters.items() if v}


def _own_mission():
    return db.session.get(Mission, current_user.mission_id) if current_user.mission_id else None


def _render_detail(help_request_id, error=None, errors=None, form=None, code=200):
    help_request = help_services.get_for_staff(current_user, help_request_id)
    who = _who([help_request.assignee_id, help_request.user_id]
               + [e.actor_id for e in help_request.history]
               + [e.to_value for e in help_request.history if e.kind in ("claim", "assign") and e.to_value]
               + [m.author_id for m in help_request.messages]
               + [n.author_id for n in help_request.notes])
    presence = getattr(help_request, "worker_presence", None)
    localtime.show_times_of(help_request.mission)
    page = render_template(
        "console/detail.html", r=help_request, presence=presence, shared_numbers=shared_numbers_of(presence),
        moves=staff_moves(help_request.status, STATUSES), closure_reasons=CLOSURE_REASONS, bands=list(BANDS),
        missions=_missions(), who=who, error=error, errors=errors or {}, form=form or {},
        message_id=uuid.uuid4(), worker=db.session.get(User, help_request.user_id) if help_request.user_id else None,
        confirmed_moves=CONFIRMED_MOVES, note_templates=NOTE_TEMPLATES, printed_at=utcnow(),
        files=_files_by_message(help_request.id))
    # The audit entry of this read is part of the request's unit of work.
    return page, code


def _files_by_message(help_request_id) -> dict:
    """{message id (None: the request itself): its voice notes and photos}. Each one is fetched
    from its own audited address when played or shown (app.attachments.api), not here."""
    files = {}
    for attachment in attachment_services.of_request(help_request_id):
        files.setdefault(attachment.message_id, []).append(attachment)
    return files


@bp.get("/requests/<uuid:help_request_id>")
@staff_only
def detail(help_request_id):
    """One request: the worker's presence (an audited read), history, messages, notes and the actions."""
    return _render_detail(help_request_id)


def _act(help_request_id, action, done, back=None):
    """Run `action()` and go back to the detail (or to `back(result)`), or show the refusal there."""
    result, refused = run_form(action, raise_codes=(403, 404))
    if refused is not None:
        return _render_detail(help_request_id, error=refused.message, errors=refused.errors,
                              form=request.form, code=refused.code)
    target = (back and back(result)) or url_for("console.detail", help_request_id=help_request_id)
    after_commit(lambda: flash(done))
    return redirect(target, code=303)


def _form(*names) -> dict:
    """The named form fields that were sent (an empty select means "no value")."""
    return {n: request.form[n] for n in names if n in request.form}


@bp.post("/requests/<uuid:help_request_id>/claim")
@staff_only
def claim(help_request_id):
    return _act(help_request_id, lambda: help_services.claim(current_user, help_request_id),
                "claimed")


def _duplicate_of(value: str):
    """The form's "duplicate of": a reference (JBT-…) or an id, as the id of a request staff may act on."""
    if not value:
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        found = help_services.find_reference(current_user, value)
    if found is None:
        raise DomainError(422, _("Some fields are not valid."),
                          {"duplicate_of": [_("No request of your mission has this reference.")]})
    return found


class _Unconfirmed(Exception):
    """A move that ends the work on a request was asked for without its confirmation."""

    def __init__(self, reference, status, closure_reason, duplicate_of):
        super().__init__(status)
        self.page = {"reference": reference, "status": status, "closure_reason": closure_reason,
                     "duplicate_of": duplicate_of}


@bp.post("/requests/<uuid:help_request_id>/status")
@staff_only
def change_status(help_request_id):
    """Move a request; resolving or closing it is asked twice (`confirm=yes`), so one slip cannot end a case.

    Without the confirmation the move is still run, then rolled back: the service (the one place
    for the workflow and the closure rules) says whether it would pass, and only a move that would
    is shown on the confirmation page; a wrong one gets its error at once.
    """
    def action():
        # Empty selects and inputs mean "not given" (the reason only goes with a close); a form without
        # a status (none chosen, or left out) is refused like an empty one.
        given = {k: v for k, v in _form("status", "closure_reason").items() if v}
        data = QueueUpdateSchema().load({"status": "", **given})
        duplicate_of = request.form.get("duplicate_of", "").strip()
        help_request = help_services.update(current_user, help_request_id, status=data["status"],
                                            closure_reason=data.get("closure_reason"),
                                            duplicate_of=_duplicate_of(duplicate_of))
        if data["status"] in CONFIRMED_MOVES and request.form.get("confirm") != "yes":
            raise _Unconfirmed(help_request.reference, data["status"], help_request.closure_reason, duplicate_of)

    try:
        return _act(help_request_id, action, "status")
    except _Unconfirmed as asked:
        db.session.rollback()
        return render_template("console/confirm_status.html", help_request_id=help_request_id, **asked.page)


@bp.post("/requests/<uuid:help_request_id>/deactivate-worker")
@access.requires(access.ACCOUNTS)
def deactivate_worker(help_request_id):
    """An admin closes the account of the request's worker (an abusive one); confirmed by a checkbox."""
    def action():
        worker_id = help_services.worker_of(current_user, help_request_id)
        if request.form.get("confirm") != "yes":
            raise DomainError(422, _("Some fields are not valid."),
                              {"confirm": [_("Tick the box to confirm that this account must be closed.")]})
        if worker_id is None:
            raise DomainError(409, _("This request's account has already been deleted."))
        deactivate_account(current_user, worker_id)

    return _act(help_request_id, action, "deactivated")


@bp.post("/requests/<uuid:help_request_id>/priority")
@staff_only
def priority(help_request_id):
    def action():
        value = request.form.get("priority_override", "")
        data = QueueUpdateSchema().load({"priority_override": value or None})
        help_services.update(current_user, help_request_id, priority_override=data["priority_override"])

    return _act(help_request_id, action, "priority")


@bp.post("/requests/<uuid:help_request_id>/transfer")
@staff_only
def transfer(help_request_id):
    def action():
        data = QueueUpdateSchema().load({"mission_code": request.form.get("mission_code", "")})
        return help_services.update(current_user, help_request_id, mission_code=data["mission_code"])

    def back(help_request):
        # Staff of the old mission can no longer open the request: back to their queue.
        if access.may_act_for_mission(current_user, access.QUEUE, help_request.mission_id):
            return None
        return url_for("console.queue")

    return _act(help_request_id, action, "transferred", back)


@bp.post("/requests/<uuid:help_request_id>/notes")
@staff_only
def note(help_request_id):
    def action():
        data = NoteInSchema().load(_form("body"))
        help_services.add_note(current_user, help_request_id, data["body"])

    return _act(help_request_id, action, "note")


@bp.post("/requests/<uuid:help_request_id>/messages")
@staff_only
def message(help_request_id):
    def action():
        data = StaffMessageInSchema().load(_form("id", "body"))
        help_services.add_staff_message(current_user, help_request_id, data["body"], data.get("id") or uuid.uuid4())

    return _act(help_request_id, action, "message")


# ---------------------------------------------------------------- a one-time password code for the worker

@bp.post("/requests/<uuid:help_request_id>/reset-code")
@staff_only
def reset_code(help_request_id):
    """A one-time password code for the request's worker, shown once to the staff member, who reads
    it to her by phone after checking who she is (audited; app.accounts.password_reset)."""
    help_request = db.session.get(HelpRequest, help_request_id)
    worker, code = issue_staff_code(current_user, help_request)
    page = render_template("console/reset_code.html", r=help_request, worker=worker, code=code,
                           minutes=int(CODE_LIFETIME.total_seconds() // 60))
    response = make_response(page)
    response.headers["Cache-Control"] = "no-store"  # shown once: never from a cache or the back button
    return response
