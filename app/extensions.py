"""Extension objects, created unbound and attached in `create_app`."""
import json

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_migrate import Migrate
from flask_smorest import Api
from flask_smorest import Blueprint as SmorestBlueprint
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase
from webargs import core as webargs_core
from webargs.flaskparser import FlaskParser, abort, is_json_request

from .i18n import _l
from .openapi import ErrorResponsesPlugin
from .verified_tokens import VerifiedTokens

# Stable constraint names make Alembic migrations readable and portable; a name lists every
# column of its constraint (`uq_applied_mutations_user_id_mutation_id`), so two never share one.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_N_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# Objects stay readable after the request's single commit (responses are built from them).
db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})
migrate = Migrate(compare_type=True, render_as_batch=True)
jwt = VerifiedTokens()  # flask-jwt-extended's JWTManager, verifying a token once (app.verified_tokens)
babel = Babel()
api = Api(spec_kwargs={"extra_plugins": [ErrorResponsesPlugin()]})
limiter = Limiter(key_func=get_remote_address, default_limits=[])


def _refuse_duplicates(pairs):
    keys = [key for key, _value in pairs]
    if len(keys) != len(set(keys)):
        raise json.JSONDecodeError("duplicated key", "{}", 0)
    return dict(pairs)


def _refuse_constant(name):
    raise json.JSONDecodeError(f"{name} is not JSON", name, 0)


class UnreadableJSON(json.JSONDecodeError):
    """Syntactically JSON, but not something we can read: answered 400 with its own message."""

    def __init__(self, message):
        super().__init__(str(message), "(body)", 0)  # a doc of "" would mean "no body" to webargs
        self.message = message


class StrictJSONParser(FlaskParser):
    """JSON bodies as RFC 8259 means them: a duplicated key or NaN/Infinity is malformed (400).

    So is what Python's json cannot read without failing: nesting deeper than the interpreter's
    recursion limit (RecursionError) and an integer beyond its digit limit (ValueError). Text the
    database cannot store (a lone surrogate, NUL) is the schemas' concern: StrictSchema (422)."""

    def _raw_load_json(self, req):
        if not is_json_request(req):
            return webargs_core.missing
        body = req.get_data(cache=True)
        try:
            return json.loads(body, object_pairs_hook=_refuse_duplicates, parse_constant=_refuse_constant)
        except RecursionError:
            raise UnreadableJSON(_l("The request body is nested too deeply.")) from None
        except json.JSONDecodeError:
            raise
        except ValueError:  # "Exceeds the limit (4300 digits) for integer string conversion"
            raise UnreadableJSON(_l("A number in the request body is too long.")) from None

    def _handle_invalid_json_error(self, error, req, *args, **kwargs):
        if isinstance(error, UnreadableJSON):
            abort(400, exc=error, messages={"json": [error.message]})
        super()._handle_invalid_json_error(error, req, *args, **kwargs)


# Every flask-smorest blueprint parses with it (set before any blueprint is declared).
SmorestBlueprint.ARGUMENTS_PARSER = StrictJSONParser()
