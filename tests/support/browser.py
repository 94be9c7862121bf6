"""Debian's Chromium for the browser tests: never a downloaded browser."""
import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"]
DEFAULT_TIMEOUT_MS = 15_000
PHONE = {"width": 360, "height": 740}  # the cheap phone issue 14 was tried on


def chromium_or_skip() -> str:
    """The browser's path. Missing: a skip on a developer's machine, a failure in CI."""
    if Path(CHROMIUM).exists() and shutil.which(CHROMIUM):
        return CHROMIUM
    message = f"Debian's Chromium is not installed at {CHROMIUM} (make browser)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)
