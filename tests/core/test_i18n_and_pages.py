"""Languages, catalogs and the skeleton pages."""
import re

from babel.messages.pofile import read_po

from app.translations import catalog_path, missing_translations
from tests.support.forms import post_page_form


def test_every_marked_string_has_id_and_en_translations():
    missing = missing_translations()
    assert missing == {"id": [], "en": []}, missing


def test_home_is_indonesian_by_default_and_english_on_request(client):
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="id" dir="ltr">' in page
    english = client.get("/?lang=en")
    assert '<html lang="en" dir="ltr">' in english.get_data(as_text=True)
    assert "lang=en" in english.headers["Set-Cookie"]
    # the cookie keeps the choice for the next page
    assert '<html lang="en"' in client.get("/").get_data(as_text=True)


def test_accept_language_picks_english(client):
    page = client.get("/", headers={"Accept-Language": "en-US,en;q=0.8"}).get_data(as_text=True)
    assert '<html lang="en"' in page


def test_user_language_is_used_when_nothing_else_says(client, create_user, auth):
    user = create_user(language="en")
    response = client.get("/api/v1/me", headers={**auth(user), "Accept-Language": ""})
    assert response.status_code == 200
    missing = client.get("/api/v1/missions/route?country=AQ", headers=auth(user))
    assert missing.json["message"].startswith("No Indonesian mission")


def test_register_and_login_pages_work_without_javascript(client):
    form = client.get("/register").get_data(as_text=True)
    assert 'name="phone"' in form and 'name="full_name"' in form and 'name="password"' in form
    response = post_page_form(client, "/register", {"phone": "+6281234567891", "password": "rahasia-123",
                                                        "full_name": "Dewi"})
    assert response.status_code == 302
    cookies = response.headers.getlist("Set-Cookie")
    access = next(c for c in cookies if c.startswith("access_token_cookie="))
    assert "HttpOnly" in access and "SameSite=Lax" in access
    assert any(c.startswith("csrf_access_token=") for c in cookies)
    client.post("/logout")  # without the CSRF token: refused, still logged in
    assert "Dewi" in client.get("/").get_data(as_text=True)


def test_login_page_with_wrong_password_shows_error(client):
    response = post_page_form(client, "/login", {"phone": "+6281234567891", "password": "nope-nope"})
    assert response.status_code == 401
    assert "alert" in response.get_data(as_text=True)


def test_logout_with_csrf_token_ends_the_session(client):
    post_page_form(client, "/register", {"phone": "+6281234567892", "password": "rahasia-123", "full_name": "Rina"})
    page = client.get("/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert "Rina" not in client.get("/").get_data(as_text=True)


def test_register_page_shows_field_errors(client):
    response = post_page_form(client, "/register?lang=en", {"phone": "123", "password": "x", "full_name": "A"})
    assert response.status_code == 422
    assert "This phone number is not right" in response.get_data(as_text=True)


def test_openapi_document_lists_the_contract_paths(client):
    spec = client.get("/api/v1/openapi.json").json
    for path in ["/api/v1/auth/register", "/api/v1/auth/login", "/api/v1/auth/refresh", "/api/v1/auth/logout",
                 "/api/v1/me", "/api/v1/missions", "/api/v1/missions/route"]:
        assert path in spec["paths"], path
    assert client.get("/api/v1/docs").status_code == 200


def test_the_indonesian_catalog_has_one_word_for_being_offline():
    """"tanpa sinyal" everywhere (issue 14 item 4): not "offline", "tanpa internet" or "luring" in one
    place and "tanpa sinyal" in another. ("internet" itself stays where it names the internet.)"""
    with catalog_path("id").open("rb") as handle:
        catalog = read_po(handle, locale="id")
    other_words = re.compile(r"offline|tanpa internet|luring|daring|tidak ada sinyal", re.I)
    found = [(m.id, m.string) for m in catalog if m.id and any(
        other_words.search(s) for s in (m.string if isinstance(m.string, tuple) else (m.string,)))]
    assert not found, found
    assert any("tanpa sinyal" in str(m.string).lower() for m in catalog)
