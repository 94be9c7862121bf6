"""HTTP hygiene for every response: security headers, compression, cache rules for static files."""
import hashlib
from functools import lru_cache
from pathlib import Path

from flask import Flask, current_app, request, url_for
from flask_compress import Compress
from flask_smorest import abort
from flask_talisman import Talisman
from werkzeug.exceptions import NotFound, RequestEntityTooLarge
from werkzeug.middleware.proxy_fix import ProxyFix

from .i18n import _
from .schemas import has_control_characters, printable

# Scripts only from our own origin: no inline script, no eval. Styles likewise.
CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "connect-src": "'self'",
    "manifest-src": "'self'",
    "worker-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}

# Answers that are the same for every visitor and hold nothing personal: they keep their caching.
PUBLIC_REFERENCE = ("/api/v1/missions", "/api/v1/schemes", "/api/v1/agencies", "/api/v1/job-orders",
                    "/api/v1/places", "/api/v1/openapi.json", "/api/v1/docs", "/channels", "/verify")
# Files that set their own cache rules (static files below; the service worker and the manifest).
OWN_CACHE_RULES = ("/static", "/sw.js", "/manifest.webmanifest")

compress = Compress()
talisman = Talisman()


def init_web(app: Flask) -> None:
    app.config.setdefault("COMPRESS_MIMETYPES", [
        "text/html", "text/css", "text/javascript", "application/javascript", "application/json",
        "application/manifest+json", "image/svg+xml"])
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    app.config.setdefault("COMPRESS_MIN_SIZE", 500)
    compress.init_app(app)
    hops = int(app.config.get("PROXY_HOPS") or 0)
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops)
    talisman.init_app(
        app,
        force_https=False,  # TLS ends at the proxy; HSTS is still sent on HTTPS requests
        strict_transport_security=True,
        session_cookie_secure=app.config["JWT_COOKIE_SECURE"],
        content_security_policy=CSP,
        referrer_policy="strict-origin-when-cross-origin",
        frame_options="DENY",
        # The microphone for a voice note, the camera for a photo (app.attachments), asked for by our pages only.
        permissions_policy={"geolocation": "(self)", "camera": "(self)", "microphone": "(self)"},
    )
    app.before_request(_refuse_oversized_body)
    app.before_request(_refuse_control_characters_in_path)
    app.before_request(_refuse_nul_in_parameters)
    app.after_request(_static_cache)
    app.after_request(_no_store_unless_public)
    app.jinja_env.globals["asset"] = asset


@lru_cache(maxsize=256)
def _content_version(path: str) -> str:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:10]
    except OSError:
        return "0"


def asset(filename: str) -> str:
    """URL of a static file with a content hash, so it can be cached for a year."""
    version = _content_version(str(Path(current_app.static_folder) / filename))
    return url_for("static", filename=filename, v=version)


def _refuse_oversized_body():
    """413 before any handler runs, whatever the transfer encoding.

    Werkzeug enforces MAX_CONTENT_LENGTH only when a body is read, so an endpoint that takes no
    body would otherwise act on a 10 MB request. A chunked body has no Content-Length: Werkzeug
    reads it up to the limit and silently stops there, so an oversized one would reach the JSON
    parser cut short (a 400). It is read here instead, and one byte more means it was too large.
    """
    limit = _route_body_limit() or current_app.config.get("MAX_CONTENT_LENGTH")
    if not limit:
        return
    request.max_content_length = limit
    if (request.content_length or 0) > limit:
        raise RequestEntityTooLarge()
    if request.content_length is None and "chunked" in request.headers.get("Transfer-Encoding", "").lower():
        body = request.get_data(cache=True)  # kept for the handler: the stream is read once
        if len(body) >= limit and request.environ["wsgi.input"].read(1):
            raise RequestEntityTooLarge()


def _route_body_limit() -> int | None:
    """A route's own body limit (`max_body` on its view, e.g. the raw bytes of a voice note), or None."""
    view = current_app.view_functions.get(request.endpoint)
    return getattr(getattr(view, "view_class", view), "max_body", None)


def _refuse_control_characters_in_path():
    """No address of ours contains a control character; one in a path segment would otherwise reach
    a database lookup (PostgreSQL refuses NUL outright), so it is simply not found."""
    if has_control_characters(request.path):
        raise NotFound()


def _static_cache(response):
    """Versioned static files (`?v=`) are immutable for a year; the rest revalidate.

    Static files are small: they are read whole, so compression works on bytes, not on a
    stream that would keep the file open when a phone drops the connection.
    """
    if request.path.startswith("/static/"):
        if response.status_code == 200 and response.is_streamed:
            response.direct_passthrough = False
            response.set_data(response.get_data())
        if request.args.get("v"):
            response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        else:
            response.headers["Cache-Control"] = "public, max-age=0, must-revalidate"
    return response


def _under(path: str, prefixes) -> bool:
    return any(path == p or path.startswith(p + "/") for p in prefixes)


def _no_store_unless_public(response):
    """`Cache-Control: no-store` on every answer but public reference ones, so that no browser,
    shared phone or proxy keeps a passport number, a NIK or a help request (the API, the console,
    the worker's pages, and whatever is added later). A public page shown to someone logged in
    names her and carries her logout token: not public either. The service worker still keeps
    the worker's pages for offline use: the Cache API does not follow HTTP caching rules."""
    path = request.path
    if _under(path, OWN_CACHE_RULES):
        return response
    cookies = (current_app.config["JWT_ACCESS_COOKIE_NAME"], current_app.config["JWT_REFRESH_COOKIE_NAME"])
    logged_in = "Authorization" in request.headers or any(name in request.cookies for name in cookies)
    if not _under(path, PUBLIC_REFERENCE) or logged_in:
        response.headers["Cache-Control"] = "no-store"
    return response


def _refuse_nul_in_parameters():
    """400 for a NUL in any query parameter or form field, in one place before any handler: no
    address or form of ours takes one, and PostgreSQL cannot even compare text holding it (a 500
    wherever such a value reached a query). NUL inside a JSON body is StrictSchema's 422."""
    fields = list(request.args.items(multi=True))
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        fields += list(request.form.items(multi=True))
    bad = [name for name, value in fields if "\x00" in name or "\x00" in value]
    if bad:
        message = _("The address or the form holds a character that is not allowed (NUL). Remove it and try again.")
        abort(400, message=message, errors={printable(name): [message] for name in bad})
