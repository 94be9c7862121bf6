"""Fixtures of the integration tests: the import command, workers who report presence, help
requests made through the API (placement rows and files: tests/builders.py)."""
import pytest

from tests.builders import bare_presence_body, help_body


@pytest.fixture
def import_file(runner):
    """import_file(path, *args) → the CLI result of `integration import-placements`."""

    def run(path, *args):
        return runner.invoke(args=["integration", "import-placements", str(path), *args])

    return run


@pytest.fixture
def create_worker(client, create_user, auth):
    """create_worker(full_name=..., **presence fields) → a worker who reported presence through the API."""

    def factory(full_name="Pekerja Uji", **fields):
        worker = create_user(full_name=full_name)
        response = client.put("/api/v1/presence", json=bare_presence_body(**fields), headers=auth(worker))
        assert response.status_code in (200, 201), response.json
        return worker

    return factory


@pytest.fixture
def create_help_request_via_api(client, create_user, auth):
    """create_help_request_via_api(worker=None, **fields) → the created request (JSON)."""

    def factory(worker=None, **fields):
        worker = worker or create_user()
        response = client.post("/api/v1/help-requests", json=help_body(**fields), headers=auth(worker))
        assert response.status_code == 201, response.json
        return response.json

    return factory
