"""Checks on text from outside before it reaches the database, a comparison or int().

PostgreSQL refuses NUL in text, so a NUL that reaches a query is a server error, not a miss;
`str.isdigit()` and `int()` accept digits of every script ("²", "١"), which no id is written in.
"""

from __future__ import annotations

import hmac
import re
import unicodedata

# C0 controls and DEL; a multi-line text keeps tab, line feed and carriage return.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_CONTROL_MULTILINE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# The same rules as JSON Schema (ECMA-262) patterns, for the OpenAPI document.
LINE_PATTERN = r"^[^\u0000-\u001f\u007f]*$"
MULTILINE_PATTERN = r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]*$"
_ASCII_INT = re.compile(r"[0-9]{1,18}")
# secrets.token_urlsafe's alphabet; the column holds at most 64 characters.
_TRACKING_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,64}")


def is_clean(text: str, *, multiline: bool = False) -> bool:
    """True when `text` holds no control character (tab and line breaks allowed if `multiline`)."""
    return (_CONTROL_MULTILINE if multiline else _CONTROL).search(text) is None


# Characters that show nothing or reorder what follows: format characters (zero-width
# spaces and joiners, bidi overrides and isolates, the byte order mark), controls, private
# use and unpaired surrogates, line and paragraph separators.
_INVISIBLE = frozenset({"Cf", "Cc", "Co", "Cs", "Zl", "Zp"})


def tidy(name: str) -> str:
    """A name as it is stored: NFC (Vietnamese typed on different keyboards compares equal)
    and without surrounding spaces."""
    return unicodedata.normalize("NFC", name).strip()


def is_visible(name: str) -> bool:
    """True when every character of `name` is one a reader sees (letters, marks, digits,
    punctuation, symbols, spaces)."""
    return not any(unicodedata.category(char) in _INVISIBLE for char in name)


def ascii_int(text: str | None, low: int, high: int) -> int | None:
    """The integer `text` writes in ASCII digits (nothing else) when it lies in [low, high]."""
    if text is None or _ASCII_INT.fullmatch(text) is None:
        return None
    value = int(text)
    return value if low <= value <= high else None


def is_tracking_token(token: object) -> bool:
    """True when `token` could be a ticket's tracking token; only then may it reach a query."""
    return isinstance(token, str) and _TRACKING_TOKEN.fullmatch(token) is not None


def same_secret(presented: object, expected: object) -> bool:
    """Constant-time equality of two strings; False for anything else (compare_digest refuses
    non-ASCII str, so both sides are compared as UTF-8 bytes)."""
    if not isinstance(presented, str) or not isinstance(expected, str):
        return False
    return hmac.compare_digest(presented.encode("utf-8", "surrogatepass"),
                               expected.encode("utf-8", "surrogatepass"))
