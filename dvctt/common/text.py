"""Vietnamese text folding for search: case and diacritics are ignored (no GPL transliteration needed)."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def fold(text: str | None) -> str:
    """Lower-case, strip diacritics (đ → d), collapse white space.

    >>> fold("  Đăng ký   KHAI SINH ")
    'dang ky khai sinh'
    """
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    stripped = stripped.replace("đ", "d").replace("Đ", "D")
    return _SPACES.sub(" ", stripped.lower()).strip()


def nfc(text: str) -> str:
    """Vietnamese text in the composed form that fonts and comparisons expect."""
    return unicodedata.normalize("NFC", text)


#: The longest free text (a note, a reason, a complaint) a person may write: a few pages, not megabytes.
FREE_TEXT_MAX_CHARS = 10_000
