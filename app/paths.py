"""Where the app's own files are: beside the package in a checkout, inside it in an installed wheel.

A checkout keeps `static/`, `translations/` and `migrations/` at its top level (the fixed layout).
A wheel cannot carry files outside its package, so its build step (setup.py) copies them into
`app/_bundled/`, with every catalog compiled there; an installed app reads that copy.
"""
import sys
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
BUNDLED_DIR = PACKAGE_DIR / "_bundled"
SOURCE_DIR = PACKAGE_DIR.parent

# Installed from a wheel: the build step made `_bundled`; a checkout (or an editable install) has none.
INSTALLED = BUNDLED_DIR.is_dir()
_DATA_DIR = BUNDLED_DIR if INSTALLED else SOURCE_DIR

STATIC_DIR = _DATA_DIR / "static"
TRANSLATIONS_DIR = _DATA_DIR / "translations"
MIGRATIONS_DIR = _DATA_DIR / "migrations"
# The SQLite file of a default setup: in a checkout beside the code; for an installed package under
# the environment's prefix, as Flask places an installed app's instance folder.
INSTANCE_DIR = (Path(sys.prefix) / "var" / "jembatan-instance") if INSTALLED else SOURCE_DIR / "instance"
