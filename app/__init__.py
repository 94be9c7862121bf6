"""Jembatan: the application factory."""
import importlib
import logging

from flask import Flask, has_request_context, request
from flask_babel import get_locale
from sqlalchemy import event

from . import config as config_module, paths
from .extensions import api, babel, db, jwt, limiter, migrate
from .i18n import language_switch_url, remember_language, select_locale, text_direction
from .cli import register_cli
from .errors import register_error_handlers
from .security import init_jwt_callbacks
from .storage import committed, reading_first, writing_alone
from .translations import compile_catalogs
from .web import init_web

# Feature blueprints, in the order their routes appear in the OpenAPI document.
API_BLUEPRINTS = [
    "app.accounts.api:blp",
    "app.accounts.api:me_blp",
    "app.accounts.users_api:blp",
    "app.missions.api:blp",
    "app.missions.api:places_blp",
    "app.presence.api:blp",
    "app.help.api:blp",
    "app.help.api:queue_blp",
    "app.attachments.api:blp",
    "app.attachments.api:queue_blp",
    "app.family.api:blp",
    "app.audit.api:blp",
    "app.sync.api:blp",
    "app.channels.api:blp",
    "app.accounts.data_rights:blp",
    "app.integration.api:stats_blp",
    "app.integration.api:blp",
]
PAGE_BLUEPRINTS = [
    "app.pwa.views:bp",
    "app.accounts.views:session_bp",
    "app.pwa.privacy:bp",
    "app.channels.views:bp",
    "app.console.views:bp",
    "app.console.stats_views:bp",
    "app.console.admin_views:bp",
    "app.console.export_views:bp",
    "app.console.staff_views:bp",
    "app.assist.views:bp",
    "app.console.queue_updates:bp",
    "app.console.bulk:bp",
    "app.console.job_order_views:bp",
    "app.accounts.views:bp",
    "app.family.views:bp",
    "app.api_docs:bp",
    "app.accounts.views:reset_bp",
]
# Models modules imported so that metadata (and Alembic) sees every table.
MODEL_MODULES = ["app.accounts.models", "app.missions.models", "app.sync.models", "app.presence.models", "app.help.models", "app.audit.models", "app.channels.models", "app.integration.models", "app.family.models", "app.assist.models", "app.attachments.models"]


class Jembatan(Flask):
    """Flask, with every request's handler (API and pages) run as one unit of work: committed
    once when it answers, rolled back when it raises (a 4xx from abort or a DomainError is then
    answered as before), run again on a deadlock (app.storage.committed; up to REQUEST_RUNS times:
    two calls that take the same rows in opposite orders may meet more than once)."""

    REQUEST_RUNS = 5

    def dispatch_request(self):
        return committed(super().dispatch_request, attempts=self.REQUEST_RUNS)


def _load(path: str):
    module, _, attr = path.partition(":")
    return getattr(importlib.import_module(module), attr)


def create_app(config: dict | None = None) -> Flask:
    """Build the app; `config` overrides the environment (tests pass a database URL here)."""
    app = Jembatan(__name__, static_folder=str(paths.STATIC_DIR), static_url_path="/static",
                   instance_path=str(paths.INSTANCE_DIR), instance_relative_config=False)
    settings = config_module.from_environment()
    settings.update(config or {})
    app.config.update(settings)
    config_module.check_production_secrets(app.config)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith(f"sqlite:///{paths.INSTANCE_DIR}"):
        paths.INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    logging.basicConfig(level=logging.INFO)
    _compile_catalogs_of_checkout()

    for module in MODEL_MODULES:
        _load(module + ":__name__")
    db.init_app(app)
    app.teardown_request(_end_unit_of_work)
    _configure_sqlite(app)
    migrate.init_app(app, db, directory=str(paths.MIGRATIONS_DIR))
    jwt.init_app(app)
    limiter.init_app(app)

    babel.init_app(app, locale_selector=select_locale,
                   default_translation_directories=str(paths.TRANSLATIONS_DIR))
    app.after_request(remember_language)
    app.jinja_env.globals.update(text_direction=text_direction, get_locale=get_locale,
                                 language_switch_url=language_switch_url)
    app.jinja_env.add_extension("jinja2.ext.i18n")

    api.init_app(app)
    api.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"})
    for path in API_BLUEPRINTS:
        api.register_blueprint(_load(path))
    for path in PAGE_BLUEPRINTS:
        app.register_blueprint(_load(path))
    init_web(app)
    register_error_handlers(app)
    init_jwt_callbacks()
    register_cli(app)
    return app


def _compile_catalogs_of_checkout() -> None:
    """A checkout serves from its own `translations/`, where the compiled catalogs are not committed:
    compile those missing or older than their .po (a wheel carries them compiled: see setup.py).
    Without them every page would be in English, so a checkout that cannot be written is a warning."""
    if paths.INSTALLED:
        return
    try:
        compile_catalogs()
    except OSError as error:
        logging.getLogger(__name__).warning("cannot compile the message catalogs (%s): pages will be in English", error)


def _end_unit_of_work(_exc=None) -> None:
    """Whatever a request left open after its unit of work (the reads of a streamed answer) ends
    with it, and frees SQLite's lock."""
    db.session.remove()


def _may_write() -> bool:
    if not has_request_context():
        return False
    return writing_alone() or (request.method not in ("GET", "HEAD", "OPTIONS") and not reading_first())


def _configure_sqlite(app: Flask) -> None:
    """WAL and foreign keys on every SQLite connection; a busy wait instead of 'database is locked'."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    with app.app_context():
        engine = db.engine

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection, _record):
            # Let SQLAlchemy, not the driver, open transactions (see _begin).
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=15000")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _begin(connection):
            # A request that may write takes the write lock up front: concurrent writers wait
            # their turn (busy_timeout) instead of failing when a read lock cannot be upgraded.
            # Reads stay deferred, so they never wait for a writer (WAL).
            connection.exec_driver_sql("BEGIN IMMEDIATE" if _may_write() else "BEGIN")
