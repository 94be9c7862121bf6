"""schemathesis against /api/v1/openapi.json, as a worker and as staff: no 5xx, and every answer
has a documented status code and a body that matches its documented schema.

Bounded: a few derandomized examples per operation (more with JEMBATAN_FULL_FUZZ=1).
"""
import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.checks import not_a_server_error
from schemathesis.transport.serialization import serialize_binary

EXAMPLES = 60 if os.environ.get("JEMBATAN_FULL_FUZZ") == "1" else 12


def status_code_listed(ctx, response, case):
    """Stricter than status_code_conformance: the code must be listed itself, not covered by `default`."""
    if case.method.upper() != case.operation.method.upper():
        return  # schemathesis probing a method the path does not document (405, or OPTIONS answered)
    responses = case.operation.definition.raw.get("responses", {})
    assert str(response.status_code) in responses, (
        f"{case.operation.label} answered {response.status_code}, which its documentation does not list")


CHECKS = [not_a_server_error, status_code_conformance, status_code_listed, content_type_conformance,
          response_schema_conformance]




@schemathesis.serializer("audio/webm", "audio/ogg", "audio/mp4")
def _raw_bytes(_ctx, value):
    """A voice note's body is its raw bytes (`PUT /attachments/{id}`); images have a built-in serializer."""
    return serialize_binary(value)


def _openapi_document() -> dict:
    """The document as served; read from a throwaway app (collection runs before any fixture)."""
    from app import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}).test_client().get("/api/v1/openapi.json").json


schema = schemathesis.openapi.from_dict(_openapi_document())


@pytest.fixture
def callers(create_user, auth):
    """Bearer headers of a worker and of a staff member: every example is sent as both."""
    return [auth(create_user(role="worker")), auth(create_user(role="staff"))]


@schema.parametrize()
@settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
def test_api_answers_as_documented(app, case, callers):
    for caller in callers:
        # Uncompressed answers: the WSGI transport does not decode what flask-compress encodes.
        headers = {**(case.headers or {}), **caller, "Accept-Encoding": "identity"}
        case.call_and_validate(app=app, headers=headers, checks=CHECKS)
