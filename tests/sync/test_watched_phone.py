"""A phone that is watched or borrowed, as the server serves it: the quick exit's link and neutral page,
discreet mode's bland titles and second manifest, the "This phone" and "erased" pages."""
import json
import re

from tests.support.forms import form_token, post_page_form

WORKER_PAGES = ("/", "/help", "/requests", "/presence", "/emergency", "/channels", "/verify", "/login",
                "/register", "/offline", "/phone", "/cleared")
TITLE = re.compile(r"<title>(.*?)</title>", re.S)


def title(response) -> str:
    return TITLE.search(response.get_data(as_text=True)).group(1).strip()


def login(client, user):
    assert post_page_form(client, "/login", {"phone": user.phone, "password": "password123"}).status_code == 302


def test_quick_exit_is_a_plain_link_to_the_neutral_page_on_every_worker_page(client, worker):
    login(client, worker)
    for path in WORKER_PAGES + ("/account",):
        page = client.get(path).get_data(as_text=True)
        assert '<a class="quick-exit" id="quick-exit" href="/resep"' in page, path
    assert 'href="/phone"' in client.get("/account").text  # her settings of this phone, from "My data"


def test_staff_console_has_no_quick_exit(client, create_user):
    staff = create_user(role="staff")
    r = client.post("/login", data={"email": staff.email, "password": "password123",
                                    "form_token": form_token(client)})
    assert r.status_code == 302
    page = client.get("/console").get_data(as_text=True)
    assert "quick-exit" not in page and "privacy-head.js" not in page


def test_neutral_page_shows_nothing_of_jembatan_and_is_saved_for_offline_use(client, worker):
    login(client, worker)
    r = client.get("/resep?lang=id")
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and title(r) == "Resep sederhana"
    assert "jembatan" not in page.lower()  # no name, no scripts, no manifest, no owner
    assert "<script" not in page and 'rel="manifest"' not in page
    assert '"/resep"' in client.get("/sw.js").get_data(as_text=True)


def test_discreet_manifest_has_a_neutral_name_and_icon(client):
    normal = json.loads(client.get("/manifest.webmanifest").data)
    r = client.get("/discreet.webmanifest?lang=id")
    assert r.status_code == 200 and r.mimetype == "application/manifest+json"
    manifest = json.loads(r.data)
    assert manifest["name"] == manifest["short_name"] == "Catatan"
    assert "jembatan" not in r.get_data(as_text=True).lower()
    # The same app (id, start, scope): only its name and icon change.
    assert {k: manifest[k] for k in ("id", "start_url", "scope", "display")} == \
        {k: normal[k] for k in ("id", "start_url", "scope", "display")}
    assert {(i["sizes"], i["purpose"]) for i in manifest["icons"]} >= {("192x192", "any"), ("512x512", "any"),
                                                                         ("512x512", "maskable")}
    for icon in manifest["icons"]:
        assert "notes" in icon["src"]
        with client.get(icon["src"]) as response:
            assert response.data[:8] == b"\x89PNG\r\n\x1a\n"
    assert json.loads(client.get("/discreet.webmanifest?lang=en").data)["name"] == "Notes"


def test_discreet_cookie_gives_every_page_a_bland_title_and_the_neutral_manifest(client, worker):
    login(client, worker)
    normal = client.get("/help?lang=id")
    assert "Jembatan" in title(normal) and 'href="/manifest.webmanifest"' in normal.text
    client.set_cookie("discreet", "1")
    for path in WORKER_PAGES + ("/account",):
        r = client.get(path)
        assert title(r) == "Catatan", path
        assert '<link rel="manifest" href="/discreet.webmanifest">' in r.text, path
        assert "icons/notes-192.png" in r.text and "icons/icon-192.png" not in r.text, path
    assert title(client.get("/help?lang=en")) == "Notes"


def switch_discreet(client, value: str):
    """The phone page's form, with the token the page gave it."""
    return client.post("/phone/discreet", data={"discreet": value, "form_token": form_token(client, "/phone")})


def test_discreet_mode_is_switched_on_the_phone_page(client):
    r = switch_discreet(client, "1")
    assert r.status_code == 303 and r.headers["Location"].endswith("/phone")
    assert client.get_cookie("discreet").value == "1"
    page = client.get("/phone?lang=en")
    assert title(page) == "Notes" and 'id="discreet-off"' in page.text
    r = switch_discreet(client, "0")
    assert r.status_code == 303 and client.get_cookie("discreet") is None
    assert 'id="discreet-on"' in client.get("/phone").text


def test_discreet_mode_cannot_be_switched_from_another_site(client):
    r = client.post("/phone/discreet", data={"discreet": "1"})  # no form token
    assert r.status_code == 403 and client.get_cookie("discreet") is None
    token = form_token(client, "/phone")
    r = client.post("/phone/discreet", data={"discreet": "1", "form_token": token},
                    headers={"Sec-Fetch-Site": "cross-site"})
    assert r.status_code == 403 and client.get_cookie("discreet") is None


def test_login_and_register_offer_borrowed_phone_mode(client):
    for path in ("/login", "/register"):
        assert 'name="not_my_phone"' in client.get(path).text, path


def erased_message(client, query) -> str:
    page = client.get(f"/cleared?{query}&lang=en").text
    return re.search(r'<section[^>]*id="cleared".*?</section>', page, re.S).group(0)


def test_erased_page_says_why_and_loads_no_app_script(client):
    page = client.get("/cleared?why=sent").text
    assert "js/app.js" not in page and "js/privacy.js" in page and "data-cleared" in page
    assert "reached the mission" in erased_message(client, "why=sent")
    assert "wrong too many times" in erased_message(client, "why=pin")
    odd = erased_message(client, "why=%3Cscript%3E")
    assert "<script" not in odd and "reached the mission" not in odd and "logged out" in odd
