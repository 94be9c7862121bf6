"""What browsers and proxies may keep: nothing that holds personal data; public reference answers as before."""
import pytest

WORKER_PAGES = ["/", "/presence", "/requests", "/help", "/emergency", "/account", "/offline", "/login", "/register"]
PUBLIC = ["/api/v1/missions", "/api/v1/missions/KJRI-KOTAKINABALU", "/api/v1/missions/route?country=MY&region=MY-12",
          "/api/v1/schemes", "/api/v1/agencies", "/api/v1/openapi.json", "/api/v1/docs", "/channels",
          "/verify?licence_number=KEP.1/2024", "/sw.js", "/manifest.webmanifest", "/static/css/app.css"]


def stored(response) -> bool:
    response.close()
    return "no-store" not in response.headers.get("Cache-Control", "")


def test_queue_detail_with_passport_and_nik_is_never_stored(client, create_request, create_user, auth):
    _worker, request = create_request(presence=True)
    staff = create_user(role="staff")
    response = client.get(f"/api/v1/queue/{request['id']}", headers=auth(staff))
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


def test_self_export_is_never_stored(client, create_request, auth):
    worker, _request = create_request(presence=True)
    response = client.get("/api/v1/me/export", headers=auth(worker))
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"


def test_every_api_answer_but_public_reference_is_never_stored(client, create_user, auth):
    worker = create_user()
    for path in ["/api/v1/me", "/api/v1/presence", "/api/v1/help-requests"]:
        response = client.get(path, headers=auth(worker))
        assert response.headers["Cache-Control"] == "no-store", path
    # errors too: a 401 or 404 page of the API may still name what was asked for
    assert not stored(client.get("/api/v1/me"))
    assert not stored(client.get("/api/v1/queue/00000000-0000-0000-0000-000000000000", headers=auth(worker)))
    assert not stored(client.post("/api/v1/auth/login", json={"phone": worker.phone, "password": "password123"}))


def test_console_detail_page_is_never_stored(create_request, create_user, login_client):
    _worker, request = create_request(presence=True)
    staff_client = login_client(create_user(role="staff"))
    for path in ["/console", f"/console/requests/{request['id']}", "/console/stats", "/console/stats.csv"]:
        response = staff_client.get(path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "no-store", path


@pytest.mark.parametrize("path", WORKER_PAGES)
def test_worker_pages_are_never_stored(create_user, login_client, path):
    response = login_client(create_user()).get(path)
    assert response.status_code == 200, path
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("path", PUBLIC)
def test_public_reference_answers_keep_their_caching(client, path):
    response = client.get(path)
    assert response.status_code in (200, 404), path
    assert stored(response), response.headers.get("Cache-Control")


def test_public_page_shown_to_a_logged_in_worker_is_never_stored(create_user, login_client):
    """The page's footer then names her and carries her logout token."""
    response = login_client(create_user()).get("/channels")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"


def test_static_files_sw_and_manifest_keep_their_own_rules(client):
    assert client.get("/sw.js").headers["Cache-Control"] == "no-cache"
    assert client.get("/manifest.webmanifest").headers["Cache-Control"] == "no-cache"
    response = client.get("/static/css/app.css")
    response.close()
    assert "max-age=0" in response.headers["Cache-Control"]
