"""The README shows every screen docs/screenshots.py takes, and each picture is in the repository
(issue 14 item 17: what a person sees, made by a script from the running app)."""
import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def screens_the_script_takes() -> set[str]:
    tree = ast.parse((ROOT / "docs" / "screenshots.py").read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Tuple) and node.elts and isinstance(node.elts[0], ast.Constant) \
                and isinstance(node.elts[0].value, str) and re.fullmatch(r"(worker|console|village)-[a-z]+",
                                                                         node.elts[0].value):
            names.add(node.elts[0].value)
    return names


def test_every_screen_the_script_takes_is_in_the_readme_and_the_repository():
    screens = screens_the_script_takes()
    assert {"worker-home", "worker-help", "worker-emergency", "console-queue", "console-request"} <= screens
    readme = (ROOT / "README.md").read_text()
    shown = set(re.findall(r"\(docs/screenshots/([a-z-]+)\.png\)", readme))
    assert shown == screens
    for name in screens:
        picture = ROOT / "docs" / "screenshots" / f"{name}.png"
        assert picture.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", name
