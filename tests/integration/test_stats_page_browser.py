"""The console statistics page in Chromium, in Indonesian and English: the server-drawn SVG charts are visible."""
import pytest

from tests.builders import bare_presence_body, help_body

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("lang,heading", [("id", "Pekerja per negara"), ("en", "Workers per country")])
def test_stats_page_renders_its_charts(browser, live_server, login, tmp_path, lang, heading):  # noqa: F811
    worker = live_server.create_worker()
    status, body = live_server.api("PUT", "/api/v1/presence", bare_presence_body(), token=worker["access_token"])
    assert status == 201, body
    for category in ("unpaid_wages", "unpaid_wages", "trafficking"):
        status, body = live_server.api("POST", "/api/v1/help-requests", help_body(category=category),
                                       token=worker["access_token"])
        assert status == 201, body
    staff = live_server.create_staff()

    context = browser.new_context(base_url=live_server.url, locale="en-GB", service_workers="block")
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    try:
        login(page, staff["email"], staff["password"])
        page.goto(f"/console/stats?lang={lang}")
        assert page.locator("html").get_attribute("lang") == lang
        assert page.get_by_role("heading", name=heading).is_visible()
        charts = page.locator("svg.chart")
        assert charts.count() == 5  # countries, missions, categories, statuses, open requests by age
        for i in range(charts.count()):
            box = charts.nth(i).bounding_box()
            assert box and box["width"] > 0 and box["height"] > 0
        bars = page.locator("#by-category-chart rect.bar[data-value='2']")
        bar = bars.bounding_box()
        assert bar and bar["width"] > 0 and bar["height"] > 0
        # The longest bar is the full bar area; the CSS colours it (a stylesheet, not an inline style).
        assert page.locator("#by-category-chart rect.bar").first.evaluate("e => getComputedStyle(e).fill") != "rgb(0, 0, 0)"
        assert page.get_by_role("img", name=heading).count() == 1  # the chart's accessible name, from its <title>
        shot = tmp_path / f"console-stats-{lang}.png"
        page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 10_000
        assert not [e for e in errors if "Content Security Policy" in e], errors
    finally:
        context.close()
