"""Untrusted text and bytes made safe to store, print and parse: the rules, once.

Lone surrogates (from ``\\udc80``-style JSON escapes, or undecodable bytes read with ``surrogateescape``)
cannot be encoded as UTF-8: the database, the terminal and JSON writers all fail on them.
"""

from __future__ import annotations

import re

MAX_TITLE_CHARS = 1_000  # a stored headline; longer ones are cut (a hostile feed once sent 10 MB)
MAX_TEXT_CHARS = 200_000  # a stored article text (~30,000 words)

_SURROGATE = re.compile("[\ud800-\udfff]")
# Numeric character references to surrogates (&#xD800; &#55296;) are not XML characters: expat refuses the
# whole document. Up to 8 digits, leading zeros included.
_SURROGATE_REF = re.compile(rb"&#(?:[xX]0*[dD][89a-fA-F][0-9a-fA-F]{2}|0*(?:5529[6-9]|55[3-9][0-9]{2}|56[0-9]{3}"
                            rb"|57[0-2][0-9]{2}|573[0-3][0-9]|5734[0-3]));")
# Control bytes that never occur in text (NUL, the C0 codes besides tab, newlines, form feed, escape).
_BINARY = frozenset(set(range(9)) | {11, 14, 15, *range(16, 27), *range(28, 32)})
_MAGIC = (b"\x1f\x8b", b"PK\x03\x04", b"\x7fELF", b"%PDF", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"BZh", b"\xfd7zXZ",
          b"MZ", b"\x28\xb5\x2f\xfd")


def has_lone_surrogate(text: str) -> bool:
    """Whether ``text`` holds a lone surrogate, which no UTF-8 encoder accepts."""
    return _SURROGATE.search(text) is not None


def scrub(text: str) -> str:
    """``text`` with each lone surrogate replaced by U+FFFD."""
    return _SURROGATE.sub("\ufffd", text)


def clip(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, with an ellipsis when it was cut."""
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def surrogate_refs_replaced(body: bytes) -> bytes:
    """Feed bytes with character references to surrogates replaced by ``&#xFFFD;``, so the parser reads on."""
    return _SURROGATE_REF.sub(b"&#xFFFD;", body) if b"&#" in body else body


def looks_binary(body: bytes) -> bool:
    """Whether ``body`` is a binary file (an archive, an executable, an image) rather than text.

    Judged on the first 8 KiB: a known file signature, a NUL byte outside UTF-16, or many control bytes."""
    head = body[:8192]
    if head.startswith(_MAGIC):
        return True
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False  # UTF-16 text has NUL bytes
    controls = sum(1 for byte in head if byte in _BINARY)
    return b"\x00" in head or controls > len(head) // 100
