"""How a typed licence or job-order number, and a typed agency name, are compared with the registry.

People copy numbers from a photo of a paper or from a chat message: in lowercase, with spaces,
with an en dash or a full-width digit from the phone's keyboard. A licensed agency must not read
as unknown because of that. These functions are pure (no app, no database) so the migration that
fills the key columns uses the very same rule as the API, the `/verify` page and the importer.
"""
import unicodedata

KEY_LENGTH = 100


def number_key(text: str | None) -> str:
    """The comparison key of a licence (SIP3MI) or job-order number: letters and digits only, upper case.

    `" contoh–p3mi 001 "`, `"CONTOH-P3MI-001"` and `"ＣＯＮＴＯＨ/P3MI/001"` share the key
    `"CONTOHP3MI001"`. Separators (spaces, dashes, slashes, dots) never tell two real numbers
    apart in the registry; the importer refuses a file in which they would. At most 100 characters,
    the length of the columns that hold the keys.
    """
    text = unicodedata.normalize("NFKC", text or "")
    return "".join(c for c in text if c.isalnum()).upper()[:KEY_LENGTH]


def fold(text: str | None) -> str:
    """Text as searched: without accents, case or dash variants, spaces collapsed ("Sejahtéra" → "sejahtera")."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    kept = []
    for c in decomposed:
        if unicodedata.combining(c):
            continue
        category = unicodedata.category(c)
        if category == "Pd":  # hyphen, en dash, em dash, minus-like dashes
            c = "-"
        elif category.startswith("C") or category == "Zs":  # control characters, odd spaces
            c = " "
        kept.append(c)
    return " ".join("".join(kept).casefold().split())


def words(text: str | None, limit: int = 10) -> list[str]:
    """The folded words of a search, at most `limit` (a search is a few words, not a page)."""
    return fold(text).split()[:limit]


def agency_search_text(licence_number: str, name: str, address: str | None, branches) -> str:
    """What an agency search looks in: the number (as written and as its key), name, address and
    branches, folded; at most 800 characters, the column's length."""
    return fold(" ".join([licence_number, number_key(licence_number), name, address or "", *branches]))[:800]
