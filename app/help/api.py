"""`/api/v1/help-requests` (the worker's own) and `/api/v1/queue` (the mission's triage queue)."""
from flask.views import MethodView
from flask_jwt_extended import current_user
from flask_smorest import Blueprint

from ..access import OWN_RECORDS, QUEUE, requires
from ..schemas import PageArgs
from ..security import BEARER
from . import services
from .schemas import (HelpRequestInSchema, HelpRequestPage, HelpRequestSchema, MessageInSchema, MessageSchema,
                      NoteInSchema, NoteSchema, QueueArgs, QueueDetailSchema, QueueItemSchema, QueuePage,
                      QueueUpdateSchema, StaffMessageInSchema, StaffMessageSchema)

blp = Blueprint("help_requests", __name__, url_prefix="/api/v1/help-requests",
                description="A worker's help requests")
queue_blp = Blueprint("queue", __name__, url_prefix="/api/v1/queue", description="The mission's triage queue")


@blp.route("")
class HelpRequests(MethodView):
    decorators = [requires(OWN_RECORDS)]

    @blp.arguments(PageArgs, location="query")
    @blp.response(200, HelpRequestPage)
    @blp.doc(security=BEARER)
    def get(self, args):
        """The worker's help requests, newest first."""
        return services.list_for_worker(current_user, cursor=args["cursor"], limit=args["limit"])

    @blp.arguments(HelpRequestInSchema)
    @blp.response(201, HelpRequestSchema)
    @blp.alt_response(200, schema=HelpRequestSchema, description="The same id and content again")
    @blp.alt_response(409, description="The id is taken, or the worker has as many open requests as allowed")
    @blp.alt_response(429, description="Too many new requests from this worker today; wait `Retry-After` seconds")
    @blp.doc(security=BEARER)
    def post(self, data):
        """Ask the mission for help."""
        help_request, created = services.create_help_request(current_user, data)
        return help_request, 201 if created else 200


@blp.route("/<uuid:help_request_id>")
class HelpRequestItem(MethodView):
    decorators = [requires(OWN_RECORDS)]

    @blp.response(200, HelpRequestSchema)
    @blp.alt_response(404, description="Not the worker's request")
    @blp.doc(security=BEARER)
    def get(self, help_request_id):
        """One of the worker's help requests with its messages and status history."""
        return services.get_for_worker(current_user, help_request_id)


@blp.route("/<uuid:help_request_id>/messages")
class HelpRequestMessages(MethodView):
    decorators = [requires(OWN_RECORDS)]

    @blp.arguments(MessageInSchema)
    @blp.response(201, MessageSchema)
    @blp.alt_response(200, schema=MessageSchema, description="The same message again")
    @blp.alt_response(404, description="Not the worker's request")
    @blp.doc(security=BEARER)
    def post(self, data, help_request_id):
        """Send a message to the mission about this request."""
        message, created = services.add_worker_message(current_user, help_request_id, data)
        return message, 201 if created else 200


@blp.route("/<uuid:help_request_id>/withdraw")
class HelpRequestWithdraw(MethodView):
    decorators = [requires(OWN_RECORDS)]

    @blp.response(200, HelpRequestSchema)
    @blp.alt_response(404, description="Not the worker's request")
    @blp.alt_response(409, description="Not open any more (resolved, closed)")
    @blp.doc(security=BEARER)
    def post(self, help_request_id):
        """Withdraw an open request: the worker no longer needs help with it (her word alone)."""
        help_request = services.withdraw(current_user, help_request_id)
        return help_request


@queue_blp.route("")
class Queue(MethodView):
    decorators = [requires(QUEUE)]

    @queue_blp.arguments(QueueArgs, location="query")
    @queue_blp.response(200, QueuePage)
    @queue_blp.doc(security=BEARER)
    def get(self, args):
        """The mission's help requests, highest priority first, then the longest waiting; filtered and searched."""
        return services.queue(current_user, status=args.get("status"), category=args.get("category"),
                              assignee_me=args.get("assignee") == "me", cursor=args["cursor"], limit=args["limit"],
                              urgency=args.get("urgency"), unassigned=args.get("unassigned"),
                              overdue=args.get("overdue"), q=args.get("q"))


@queue_blp.route("/<uuid:help_request_id>")
class QueueItem(MethodView):
    decorators = [requires(QUEUE)]

    @queue_blp.response(200, QueueDetailSchema)
    @queue_blp.alt_response(404, description="Not a request of the caller's mission")
    @queue_blp.doc(security=BEARER)
    def get(self, help_request_id):
        """A request with the worker's presence, history, messages and notes (the read is audited)."""
        help_request = services.get_for_staff(current_user, help_request_id)
        return help_request

    @queue_blp.arguments(QueueUpdateSchema)
    @queue_blp.response(200, QueueItemSchema)
    @queue_blp.alt_response(409, description="The workflow does not allow this status change (`withdrawn` is the worker's)")
    @queue_blp.doc(security=BEARER)
    def patch(self, data, help_request_id):
        """Change the status, priority override, assignee or mission of a request."""
        help_request = services.update(current_user, help_request_id, **data)
        return help_request


@queue_blp.route("/<uuid:help_request_id>/claim")
class QueueClaim(MethodView):
    decorators = [requires(QUEUE)]

    @queue_blp.response(200, QueueItemSchema)
    @queue_blp.alt_response(409, description="Someone else claimed it first")
    @queue_blp.doc(security=BEARER)
    def post(self, help_request_id):
        """Become the request's assignee; exactly one of several simultaneous claimers wins."""
        help_request = services.claim(current_user, help_request_id)
        return help_request


@queue_blp.route("/<uuid:help_request_id>/notes")
class QueueNotes(MethodView):
    decorators = [requires(QUEUE)]

    @queue_blp.arguments(NoteInSchema)
    @queue_blp.response(201, NoteSchema)
    @queue_blp.doc(security=BEARER)
    def post(self, data, help_request_id):
        """Add an internal note (never shown to the worker)."""
        note = services.add_note(current_user, help_request_id, data["body"])
        return note


@queue_blp.route("/<uuid:help_request_id>/messages")
class QueueMessages(MethodView):
    decorators = [requires(QUEUE)]

    @queue_blp.arguments(StaffMessageInSchema)
    @queue_blp.response(201, StaffMessageSchema)
    @queue_blp.alt_response(200, schema=StaffMessageSchema, description="The same message again")
    @queue_blp.doc(security=BEARER)
    def post(self, data, help_request_id):
        """Send a message to the worker."""
        message, created = services.add_staff_message(current_user, help_request_id, data["body"], data.get("id"))
        return message, 201 if created else 200
