"""axe-core's check of the page in the browser (axe-playwright-python ships axe): the one place for
the rules run (WCAG 2.1 A and AA) and for how a violation is printed (its rule and first nodes), so
a failure says what to fix on which element."""
import os

import pytest
from axe_playwright_python.sync_playwright import Axe

WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}


def wcag_aa_violations(page) -> list[str]:
    """One line per WCAG 2.1 A/AA violation on the page as it is now: `rule (impact): help — nodes`."""
    results = Axe().run(page, options=WCAG_AA)
    return [f"{v['id']} ({v['impact']}): {v['help']} — " + "; ".join(
        " ".join(n["target"]) if isinstance(n["target"], list) else str(n["target"]) for n in v["nodes"][:5])
        for v in results.response["violations"]]


# What axe checks is the page as drawn (markup, names, contrast), which no database changes: the
# full sweep of every page runs once, in the SQLite run; CI's PostgreSQL run, the longer of the two,
# skips it (the item tests that also run axe, e.g. the offline states and the form errors, run on both).
sweep_once = pytest.mark.skipif(os.environ.get("DATABASE_URL", "").startswith("postgresql"),
                                reason="the axe sweep runs once, in the SQLite run: pages are drawn alike on both")
