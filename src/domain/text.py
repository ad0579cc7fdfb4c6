"""Free text as recorded: NFC-normalised, so the same words always hash the same, and free
of what cannot be stored or shown (lone surrogates, control characters)."""

from __future__ import annotations

import unicodedata

from domain.errors import InvalidInput

ALLOWED_CONTROLS = frozenset("\n\t")


def text_problem(value: str) -> str | None:
    """Why ``value`` cannot be recorded, or None."""
    for char in value:
        code = ord(char)
        if 0xD800 <= code <= 0xDFFF:
            return "holds a lone surrogate, which is not text"
        if unicodedata.category(char) == "Cc" and char not in ALLOWED_CONTROLS:
            return f"holds the control character U+{code:04X}; only newline and tab are allowed"
    return None


def free_text(field: str, value: str) -> str:
    """``value`` NFC-normalised; InvalidInput naming ``field`` if it is not text."""
    problem = text_problem(value)
    if problem is not None:
        raise InvalidInput(field, problem)
    return unicodedata.normalize("NFC", value)


def bounded_text(
    field: str, value: str | None, *, required: bool = True, limit: int = 20_000
) -> str:
    """Free text, trimmed; InvalidInput naming ``field`` if missing or over ``limit``."""
    text = free_text(field, value or "").strip()
    if required and not text:
        raise InvalidInput(field, "is required")
    if len(text) > limit:
        raise InvalidInput(field, f"is longer than {limit} characters")
    return text


def folded(value: str) -> str:
    """A name as a search compares it: lower case, without diacritics, đ as d, spaces
    collapsed ("Xã Phú Hưng" and "xa phu hung" fold alike)."""
    decomposed = unicodedata.normalize("NFD", value.replace("đ", "d").replace("Đ", "D"))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.lower().split())
