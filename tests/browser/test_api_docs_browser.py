"""The API documentation in Chromium: Swagger UI renders the operations under the page's strict CSP."""
import pytest

pytestmark = pytest.mark.browser


def test_api_docs_render_the_operations_without_breaking_the_policy(page, live_server):
    page.add_init_script("""
        window.__violations = [];
        document.addEventListener('securitypolicyviolation',
            (e) => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));
    """)
    outside = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith((live_server.url, "data:")) else None)
    page.goto("/api/v1/docs")
    page.wait_for_selector(".opblock-summary-path", state="attached")
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert any("/api/v1/auth/login" in p for p in paths), paths
    assert any("/api/v1/sync" in p for p in paths), paths
    page.locator(".opblock-summary", has_text="/api/v1/missions/route").first.click()
    page.wait_for_selector(".opblock.is-open .parameters", state="attached")
    assert page.evaluate("window.__violations") == []
    assert outside == []
