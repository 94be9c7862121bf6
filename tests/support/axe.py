"""axe-core's check of the page in the browser (axe-playwright-python ships axe): the one place for
the rules run (WCAG 2.1 A and AA, and 2.2 AA: tap targets of at least 24 px) and for how a
violation is printed (its rule and first nodes), so a failure says what to fix on which element."""
from axe_playwright_python.sync_playwright import Axe

WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}}


def wcag_aa_violations(page) -> list[str]:
    """One line per WCAG 2.1 A/AA or 2.2 AA violation on the page as it is now: `rule (impact): help — nodes`."""
    results = Axe().run(page, options=WCAG_AA)
    return [f"{v['id']} ({v['impact']}): {v['help']} — " + "; ".join(
        " ".join(n["target"]) if isinstance(n["target"], list) else str(n["target"]) for n in v["nodes"][:5])
        for v in results.response["violations"]]

