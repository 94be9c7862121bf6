"""The interactive API documentation (/api/v1/docs): Swagger UI from the app's own files, under a strict CSP."""
import re

import pytest


def directives(csp: str) -> dict[str, list[str]]:
    parts = (p.strip().split() for p in csp.split(";") if p.strip())
    return {p[0]: p[1:] for p in parts}


def test_api_docs_page_allows_only_its_own_files(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    policy = directives(response.headers["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"] and policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"] and policy["connect-src"] == ["'self'"]
    for name, sources in policy.items():
        # 'self', 'none', or inline images (Swagger UI's stylesheet draws its icons as data: SVG)
        assert set(sources) <= {"'self'", "'none'", "data:"}, (name, sources)
    assert "data:" not in sum((v for k, v in policy.items() if k != "img-src"), [])


def test_api_docs_page_loads_nothing_from_another_host(client):
    page = client.get("/api/v1/docs").get_data(as_text=True)
    assert "<script>" not in page and "cdn." not in page
    for url in re.findall(r'(?:src|href)="([^"]+)"', page):
        assert url.startswith("/") and not url.startswith("//"), url


def test_api_docs_scripts_and_styles_are_served_by_the_app(client):
    page = client.get("/api/v1/docs").get_data(as_text=True)
    scripts = re.findall(r'<script[^>]* src="([^"]+)"', page)
    styles = re.findall(r'<link rel="stylesheet" href="([^"]+)"', page)
    assert any("swagger-ui-bundle.js" in s for s in scripts) and any("swagger-ui.css" in s for s in styles)
    for url in scripts + styles:
        response = client.get(url)
        response.close()
        assert response.status_code == 200, url
        kind = "javascript" if url.split("?")[0].endswith(".js") else "css"
        assert kind in response.mimetype, (url, response.mimetype)


def test_api_docs_page_points_swagger_ui_at_the_openapi_document(client):
    page = client.get("/api/v1/docs").get_data(as_text=True)
    spec_url = re.search(r'data-spec-url="([^"]+)"', page).group(1)
    assert client.get(spec_url).json["info"]["title"] == "Jembatan API"


@pytest.mark.parametrize("name", ["../../../app/config.py", "index.html", "swagger-ui.js.map"])
def test_api_docs_serves_only_swagger_ui_files(client, name):
    page = client.get("/api/v1/docs").get_data(as_text=True)
    base = re.search(r'src="([^"]+/)swagger-ui-bundle\.js', page).group(1)
    assert client.get(base + name).status_code == 404
