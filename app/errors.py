"""One JSON error body for every /api/ path; HTML error pages everywhere else."""
import logging
import math
import time

from flask import jsonify, render_template, request
from sqlalchemy.exc import OperationalError, InterfaceError
from werkzeug.exceptions import HTTPException, InternalServerError, ServiceUnavailable
from werkzeug.http import HTTP_STATUS_CODES

from .extensions import db, limiter
from .i18n import _l, translate_message

log = logging.getLogger(__name__)


class DomainError(Exception):
    """A business rule refused the action. Services raise it; REST answers it as a JSON error
    and sync reports it as a `rejected` result with the same message and errors."""

    def __init__(self, code: int, message, errors: dict | None = None, headers: dict | None = None):
        super().__init__(str(message))
        self.code, self.message, self.errors = code, message, errors or {}
        self.headers = headers or {}  # e.g. a 429's Retry-After

    def body(self) -> dict:
        return error_body(self.code, self.message, self.errors)


DEFAULT_MESSAGES = {
    400: _l("The request is malformed."),
    401: _l("Please log in first."),
    403: _l("You are not allowed to do this."),
    404: _l("Not found."),
    405: _l("This method is not allowed here."),
    409: _l("This conflicts with the current state of the record."),
    413: _l("The request is too large."),
    415: _l("Send the request body as JSON."),
    422: _l("Some fields are not valid."),
    429: _l("Too many requests. Please wait a moment and try again."),
    500: _l("Something went wrong on our side. Please try again later."),
    503: _l("The service is briefly unavailable. Please try again in a moment."),
}


def wants_json() -> bool:
    return request.path.startswith("/api/")


def error_body(code: int, message=None, errors=None) -> dict:
    """The contract's error shape: code, status, message (translated), errors."""
    message = message or DEFAULT_MESSAGES.get(code) or HTTP_STATUS_CODES.get(code, "Error")
    return {
        "code": code,
        "status": HTTP_STATUS_CODES.get(code, "Error"),
        "message": translate_message(str(message)),
        "errors": translate_message(errors or {}),
    }


def error_response(code: int, message=None, errors=None, headers=None):
    response = jsonify(error_body(code, message, errors))
    response.status_code = code
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _split_validation_messages(messages):
    """webargs nests errors by location ({"json": {...}}); the contract wants a field map.

    A location whose value is a list (e.g. invalid JSON) is a message for the whole body.
    """
    fields, whole = {}, None
    for location, value in (messages or {}).items():
        if isinstance(value, dict):
            fields.update(value)
        elif isinstance(value, list) and value:
            whole = value[0]
        else:
            fields[location] = value
    if "_schema" in fields and whole is None:
        schema_errors = fields.pop("_schema")
        whole = schema_errors[0] if isinstance(schema_errors, list) and schema_errors else schema_errors
    return fields, whole


def handle_http_exception(error: HTTPException):
    code = error.code or 500
    headers = dict(error.get_headers()) if code == 405 else {}
    data = getattr(error, "data", None) or {}
    headers.update(data.get("headers") or {})
    if code == 429:
        headers.setdefault("Retry-After", str(_retry_after(error)))
    if not wants_json():
        return _html_error(code, data.get("message")), code, {
            k: v for k, v in headers.items() if k.lower() != "content-type"}
    fields, whole = _split_validation_messages(data.get("messages"))
    errors = data.get("errors") or fields
    message = data.get("message") or whole
    headers.pop("Content-Type", None)
    return error_response(code, message, errors, headers)


def _retry_after(error) -> int:
    """Seconds until the breached limit lets the caller in again, from the limiter's own window
    (a 3-per-5-seconds limit waits at most 5), never a fixed guess."""
    retry = getattr(error, "retry_after", None)
    if retry:
        return max(1, math.ceil(retry))
    breached = limiter.current_limit
    if breached is not None:
        try:
            return max(1, math.ceil(breached.reset_at - time.time()))
        except Exception:  # the limiter's storage is away: a cautious default rather than an error
            log.warning("rate-limit storage unavailable for Retry-After", exc_info=True)
    return 60


def _html_error(code: int, message=None):
    return render_template(
        "error.html", code=code, message=str(message or DEFAULT_MESSAGES.get(code) or HTTP_STATUS_CODES.get(code, "")))


def handle_database_unavailable(error):
    log.warning("database unavailable: %s: %s", error.__class__.__name__, str(error.orig)[:200])
    db.session.rollback()
    if wants_json():
        return error_response(503, headers={"Retry-After": "5"})
    return _html_error(503), 503, {"Retry-After": "5"}


def handle_unexpected(error: Exception):
    if isinstance(error, HTTPException):
        return handle_http_exception(error)
    log.exception("unhandled error on %s %s", request.method, request.path)
    if wants_json():
        return error_response(500)
    return _html_error(500), 500


def handle_domain_error(error: DomainError):
    db.session.rollback()
    if wants_json():
        return error_response(error.code, error.message, error.errors, error.headers)
    return _html_error(error.code, error.message), error.code, error.headers


def register_error_handlers(app):
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(OperationalError, handle_database_unavailable)
    app.register_error_handler(InterfaceError, handle_database_unavailable)
    app.register_error_handler(Exception, handle_unexpected)


__all__ = ["error_response", "error_body", "register_error_handlers", "InternalServerError", "ServiceUnavailable"]
