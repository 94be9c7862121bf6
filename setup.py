"""The wheel's build step; everything else about the package is in pyproject.toml.

The checkout keeps `static/`, `migrations/` and `translations/` at its top level (a fixed layout),
outside the `app` package, and the compiled catalogs are not committed. A wheel carries only its
packages, so this step copies those folders into the built package as `app/_bundled/` and compiles
every catalog there (.po → .mo); `app.paths` finds them in either place.

Why compile here rather than when the app first starts: an installed package may sit on a
read-only file system, several gunicorn workers would race to write the same files, and a broken
catalog should stop the build, not surface in production. Babel is a build requirement.
"""
import importlib.util
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
BUNDLED = ("static", "migrations", "translations")
NOT_SHIPPED = shutil.ignore_patterns("__pycache__", "*.pyc", "*.mo", "*.tmp", "*.pot", "babel.cfg")


def _catalog_tools():
    """app/translations.py on its own (it needs only Babel), without importing the app."""
    spec = importlib.util.spec_from_file_location("_jembatan_catalogs", ROOT / "app" / "translations.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class BuildWithData(build_py):
    """build_py, then the top-level data folders copied into the package and the catalogs compiled."""

    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads the checkout itself
        target = Path(self.build_lib) / "app" / "_bundled"
        shutil.rmtree(target, ignore_errors=True)
        for name in BUNDLED:
            shutil.copytree(ROOT / name, target / name, ignore=NOT_SHIPPED)
        tools = _catalog_tools()
        catalogs = sorted((target / "translations").glob("*/LC_MESSAGES/*.po"))
        if not catalogs:
            raise RuntimeError("no message catalogs found in translations/")
        for po in catalogs:
            tools.compile_catalog(po, po.with_suffix(".mo"), po.parent.parent.name)
            po.unlink()  # the server reads only the compiled catalog


setup(cmdclass={"build_py": BuildWithData})
