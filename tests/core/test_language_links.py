"""Issue 14 item 16: the language switch keeps the page and its query; the manifest has shortcuts."""
import json
import re
from pathlib import Path
from urllib.parse import parse_qsl, urljoin, urlsplit

import pytest

STATIC = Path(__file__).resolve().parents[2] / "static"


def language_links(html: str) -> dict:
    """{"id": href, "en": href} of the header's language switch (HTML entities undone)."""
    links = re.findall(r'<a href="([^"]*)" lang="(id|en)"', html)
    return {lang: href.replace("&amp;", "&") for href, lang in links}


def test_language_switch_keeps_the_verify_query(client):
    url = "/verify?licence_number=CONTOH-P3MI-001&number=JO%207"
    links = language_links(client.get(url).get_data(as_text=True))
    assert set(links) == {"id", "en"}
    for lang, href in links.items():
        target = urlsplit(urljoin("http://localhost" + url, href))
        assert target.netloc == "localhost" and target.path == "/verify"
        assert parse_qsl(target.query) == [("licence_number", "CONTOH-P3MI-001"), ("number", "JO 7"), ("lang", lang)]


def test_following_the_switch_shows_the_same_answer_in_the_other_language(client, app_ctx):
    from app.channels.services import seed_sample_agencies
    from app.extensions import db

    seed_sample_agencies()
    db.session.commit()
    url = "/verify?licence_number=CONTOH-P3MI-004"
    english = language_links(client.get(url, headers={"Accept-Language": "id"}).get_data(as_text=True))["en"]
    html = client.get(urljoin("/verify", english)).get_data(as_text=True)
    assert '<html lang="en"' in html and "Licence revoked" in html


def test_language_switch_replaces_an_earlier_lang_and_keeps_repeated_parameters(client):
    links = language_links(client.get("/channels?lang=en&country=KR&sector=a&sector=b").get_data(as_text=True))
    assert parse_qsl(urlsplit(links["id"]).query) == [("country", "KR"), ("sector", "a"), ("sector", "b"),
                                                      ("lang", "id")]


@pytest.mark.parametrize("path", ["//evil.example/x", "/%2F%2Fevil.example", "/verify?next=https://evil.example"])
def test_language_switch_never_leads_to_another_site(client, path):
    response = client.get(path)
    for href in language_links(response.get_data(as_text=True)).values():
        assert href.startswith("?"), href  # relative to the page itself: same site, same path
        assert urlsplit(urljoin("http://localhost" + path, href)).netloc == "localhost"


def test_language_switch_carries_a_same_site_next_and_drops_a_foreign_one(client):
    links = language_links(client.get("/login?next=/requests%3Ftab%3D2").get_data(as_text=True))
    assert parse_qsl(urlsplit(links["en"]).query) == [("next", "/requests?tab=2"), ("lang", "en")]
    for foreign in ["//evil.example", "/%2F%2Fevil.example", "/\\evil.example"]:
        html = client.get("/login", query_string={"next": foreign}).get_data(as_text=True)
        assert "evil" not in html and language_links(html)["en"] == "?lang=en"


@pytest.mark.parametrize("lang, emergency, help_", [("id", "Darurat", "Minta bantuan"), ("en", "Emergency", "Ask for help")])
def test_manifest_has_shortcuts_to_emergency_and_help_in_the_language(client, lang, emergency, help_):
    manifest = json.loads(client.get(f"/manifest.webmanifest?lang={lang}").data)
    shortcuts = {s["url"]: s for s in manifest["shortcuts"]}
    assert list(shortcuts) == ["/emergency", "/help"]
    assert shortcuts["/emergency"]["short_name"] == emergency and shortcuts["/help"]["short_name"] == help_
    for shortcut in shortcuts.values():
        assert shortcut["name"] and len(shortcut["short_name"]) <= 20
        for icon in shortcut["icons"]:
            assert icon["src"].startswith("/static/icons/") and (STATIC / icon["src"][len("/static/"):]).is_file()
