"""A NUL character in a query parameter or a form field: PostgreSQL cannot even compare text holding
one, so it used to be a 500 wherever such a value reached a query. One place (app.web) refuses it:
400, as JSON under /api/ and as the error page elsewhere, in the caller's language."""
import pytest

from tests.builders import presence_body
from tests.support.forms import post_page_form

SHAPE = {"code", "status", "message", "errors"}


@pytest.mark.parametrize("role, path", [
    (None, "/api/v1/missions?country=%00"),
    (None, "/api/v1/missions/route?country=MY&city=Kota%00Kinabalu"),
    ("admin", "/api/v1/audit?entity=%00"),
    ("admin", "/api/v1/stats?mission=%00"),
    ("staff", "/api/v1/queue?q=%00"),
    (None, "/api/v1/missions?a%00b=1"),  # in a parameter's name, too
])
def test_nul_in_an_api_query_parameter_is_400_in_the_callers_language(client, create_user, auth, role, path):
    headers = auth(create_user(role=role)) if role else {}
    english = client.get(path + "&lang=en", headers=headers)
    assert english.status_code == 400 and english.is_json and set(english.json) == SHAPE, english.data[:300]
    assert english.json["errors"] and "NUL" in english.json["message"]
    indonesian = client.get(path + "&lang=id", headers=headers)
    assert indonesian.status_code == 400 and indonesian.json["message"] != english.json["message"]


def test_nul_in_a_console_query_parameter_is_the_400_page(client, create_user):
    admin = create_user(role="admin")
    assert post_page_form(client, "/login", {"phone": admin.email, "password": "password123"}).status_code in (302, 303)
    for path in ("/console/stats?mission=%00", "/console?q=%00"):
        response = client.get(path + "&lang=en")
        assert response.status_code == 400 and response.mimetype == "text/html", path
        assert "not allowed (NUL)" in response.get_data(as_text=True)


@pytest.mark.parametrize("form", [
    {"phone": "siti\x00@example.org", "password": "password123"},
    {"phone": "+6281234567890", "password": "pass\x00word123"},
])
def test_nul_in_the_login_form_is_the_400_page(client, create_user, form):
    create_user(phone="+6281234567890")
    response = client.post("/login?lang=en", data=form)
    assert response.status_code == 400 and response.mimetype == "text/html"
    assert "not allowed (NUL)" in response.get_data(as_text=True)
    assert "tidak diizinkan (NUL)" in client.post("/login?lang=id", data=form).get_data(as_text=True)


def test_nul_in_a_page_form_is_the_400_page_and_stores_nothing(client, create_user):
    response = client.post("/register?lang=en", data={"phone": "+6281234567899", "password": "password123",
                                                     "full_name": "Siti\x00Aminah"})
    assert response.status_code == 400 and "not allowed (NUL)" in response.get_data(as_text=True)
    login = client.post("/api/v1/auth/login", json={"phone": "+6281234567899", "password": "password123"})
    assert login.status_code == 401


def test_nul_inside_a_json_string_is_422_at_any_depth(client, create_user, auth):
    headers = auth(create_user())
    body = presence_body()
    body["emergency_contact"] = {**body["emergency_contact"], "name": "Siti\x00"}
    response = client.put("/api/v1/presence?lang=en", json=body, headers=headers)
    assert response.status_code == 422 and "emergency_contact" in response.json["errors"], response.json
    body["emergency_contact"] = {**presence_body()["emergency_contact"], "na\x00me": "Siti"}
    response = client.put("/api/v1/presence?lang=en", json=body, headers=headers)
    assert response.status_code == 422 and "emergency_contact" in response.json["errors"], response.json
