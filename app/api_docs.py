"""The interactive API documentation at /api/v1/docs: Swagger UI from its pip package.

The files come from `swagger-ui-bundle` (pinned in pyproject.toml) and are served by the app
itself, so the page needs no CDN and its Content-Security-Policy (set per view through
Talisman, which would otherwise overwrite it) allows nothing but this site. The start-up code
is a file of ours (static/js/api-docs.js), not an inline script.
"""
from pathlib import Path

from flask import Blueprint, render_template, send_from_directory, url_for
from swagger_ui_bundle import swagger_ui_path

from .web import CSP, talisman

bp = Blueprint("api_docs", __name__, url_prefix="/api/v1/docs")

UI_DIR = Path(str(swagger_ui_path))  # e.g. .../swagger-ui-4.15.5: the version is in every file's URL
UI_FILES = ("swagger-ui.css", "swagger-ui-bundle.js")
YEAR = 365 * 24 * 3600
# The app's own policy, minus what only the worker app needs. `data:` images: Swagger UI's
# stylesheet draws its small icons as inline SVG.
DOCS_CSP = {k: v for k, v in CSP.items() if k not in ("manifest-src", "worker-src")}


@bp.get("")
@talisman(content_security_policy=DOCS_CSP)
def docs():
    """Swagger UI over the OpenAPI document."""
    return render_template("api_docs.html", ui_dir=UI_DIR.name, spec_url=url_for("api-docs.openapi_json"))


@bp.get(f"/{UI_DIR.name}/<any({', '.join(map(repr, UI_FILES))}):filename>")
def ui_file(filename):
    """One of Swagger UI's files; its URL names the version, so it may be kept for a year."""
    response = send_from_directory(UI_DIR, filename, max_age=YEAR)
    response.cache_control.immutable = True
    # Read whole, so Flask-Compress can compress it (1 MB of script) and no file stays open.
    response.direct_passthrough = False
    response.set_data(response.get_data())
    return response
