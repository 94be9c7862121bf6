"""Catalog housekeeping with Babel's API: compile, and find untranslated strings.

It needs only Babel (setup.py loads it alone to compile the wheel's catalogs), so the list of
languages the app speaks lives here, and app.i18n takes it from here.
"""
import os
from enum import StrEnum
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "translations"


class Language(StrEnum):
    """The languages the app speaks (pages, answers, an account's `language`, the catalogs)."""

    ID = "id"
    EN = "en"


LANGUAGES = tuple(language.value for language in Language)  # plain strings (click matches an Enum by name)
KEYWORDS = {"_": None, "_l": None, "gettext": None, "lazy_gettext": None, "ngettext": (1, 2)}
METHOD_MAP = [("**.py", "python"), ("**/templates/**.html", "jinja2")]
OPTIONS = {"**/templates/**.html": {"trimmed": "true", "extensions": "jinja2.ext.i18n"}}


def catalog_path(lang: str, ext: str = "po") -> Path:
    return TRANSLATIONS / lang / "LC_MESSAGES" / f"messages.{ext}"


def compile_catalog(po: Path, mo: Path, lang: str) -> None:
    """Compile one catalog (fuzzy entries left out). The file is replaced whole, so a server
    starting at the same moment never reads half of it. The wheel's build step (setup.py) uses
    this function too: this module needs Babel and nothing else of the app."""
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    partial = mo.with_name(f".{mo.name}.{os.getpid()}.tmp")
    with partial.open("wb") as handle:
        write_mo(handle, catalog, use_fuzzy=False)
    os.replace(partial, mo)


def compile_catalogs() -> None:
    """Write a .mo next to every .po whose .mo is missing or older."""
    for lang in LANGUAGES:
        po, mo = catalog_path(lang), catalog_path(lang, "mo")
        if not po.exists() or (mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime):
            continue
        compile_catalog(po, mo, lang)


def marked_strings() -> set[str]:
    """Every msgid marked in the code and templates."""
    found = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        str(ROOT / "app"), METHOD_MAP, OPTIONS, keywords=KEYWORDS
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def missing_translations() -> dict[str, list[str]]:
    """{lang: [msgid, ...]} for strings without a non-fuzzy translation."""
    wanted = marked_strings()
    missing = {}
    for lang in LANGUAGES:
        path = catalog_path(lang)
        translated = set()
        if path.exists():
            with path.open("rb") as handle:
                catalog = read_po(handle, locale=lang)
            for message in catalog:
                ident = message.id[0] if isinstance(message.id, tuple) else message.id
                text = message.string[0] if isinstance(message.string, tuple) else message.string
                if ident and text and not message.fuzzy:
                    translated.add(ident)
        missing[lang] = sorted(wanted - translated)
    return missing


def mirror_english() -> None:
    """Source strings are English: the en catalog repeats each msgid where it has no text yet."""
    path = catalog_path("en")
    with path.open("rb") as handle:
        catalog = read_po(handle, locale="en")
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            if not all(message.string):
                message.string = message.id
        elif not message.string:
            message.string = message.id
        message.flags.discard("fuzzy")
    with path.open("wb") as handle:
        write_po(handle, catalog, width=100)


def fill(lang: str, translations: dict[str, str]) -> int:
    """Set the msgstr of the given msgids in `lang`'s catalog; returns how many were set."""
    path = catalog_path(lang)
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    count = 0
    for message in catalog:
        if message.id in translations and not isinstance(message.id, tuple):
            message.string = translations[message.id]
            message.flags.discard("fuzzy")
            count += 1
    with path.open("wb") as handle:
        write_po(handle, catalog, width=100)
    return count
