"""Text for Discord made harmless: article text escaped so it never pings, links in disguise or formats
(``neutralise``), the core's own words with mentions defused (``defuse``), both shortened within a limit at a
sentence or word (``shorten``), and links that cannot break out of Markdown (``safe_url``). No I/O.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import quote, urlsplit, urlunsplit

URL_CHARS = 512  # longer links are shown as plain names: a source field must hold several of them
ELLIPSIS = "…"

_ZWSP = "\u200b"
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# Bidirectional embeddings, overrides and isolates: "\u202eevil.com" shows as "moc.live". Right-to-left text needs
# none of them to show right (the marks U+200E/U+200F stay).
_BIDI = re.compile(r"[\u202a-\u202e\u2066-\u2069]")
# A bare link ends at a bracket: left unescaped, "https://a/](https://b)" would close a masked link around it.
_URL = re.compile(r"(https?://[^\s<>\[\]]+)", re.IGNORECASE)
# Markdown: inline formatting, spoilers, code and masked links; quotes, headings and lists only open a line.
_SPECIAL = re.compile(r"([\\*_~|`\[\]])")
_LINE_OPENING = re.compile(r"^([-+>#])|^(\d+)(\.)")
# <@id> <@!id> <@&id> <#id> </cmd:id> <t:123:R> <:emoji:id> <a:emoji:id> <id:guide>: a zero-width space defuses them.
_MARKUP = re.compile(r"<(?=[@#/:!&]|[a-z]+:)", re.IGNORECASE)
_MASS_MENTION = re.compile(r"@(?=everyone|here)", re.IGNORECASE)
# "[words](url)": a masked link, whose words may hide where it goes. The core's own words never make one, so one
# in them came from what a user typed ("summary [Free Nitro](https://…)" is echoed back in public).
_MASKED_LINK = re.compile(r"\](?=\()")
_SPACE = re.compile(r"\s+")
# A host as URL validators in the style of Django's take it (Discord's refuses an underscore and a host without a
# top-level domain): DNS labels with a top-level domain of letters (or punycode), localhost, or an IPv4 address.
_DNS_NAME = re.compile(r"(?=.{1,253}\Z)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})"
                       r"|localhost|(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)")


def defuse(text: str) -> str:
    """Mentions, markup and masked links made inert (``@everyone``, ``<@id>``, ``<#id>``, ``</cmd:id>``,
    ``<t:…>``, emoji, ``[words](url)``), formatting kept: for the core's own words, which may quote what a user
    typed."""
    return _inert(_MASKED_LINK.sub("]" + _ZWSP, text))


def _inert(text: str) -> str:
    """Mentions and Discord markup (``@everyone``, ``<@id>``, ``<t:…>``...) made inert by a zero-width space."""
    return _MASS_MENTION.sub("@" + _ZWSP, _MARKUP.sub("<" + _ZWSP, text))


def neutralise(text: str) -> str:
    """Article text made safe to show: one line, control characters gone, Markdown escaped (links left as
    links), mentions and Discord markup defused, and no list or heading at its start."""
    line = _inert(" ".join(_CONTROL.sub(" ", _BIDI.sub("", text)).split()))  # brackets escaped below: no link
    parts = _URL.split(line)  # odd indexes are links: escaping would break them
    line = "".join(part if i % 2 else _SPECIAL.sub(r"\\\1", part) for i, part in enumerate(parts))
    return _LINE_OPENING.sub(lambda m: f"\\{m[1]}" if m[1] else f"{m[2]}\\{m[3]}", line)


def shorten(text: str, limit: int, *, sentence_ends: Sequence[int] = (), note: str = "") -> str:
    """``neutralise(text)`` in at most ``limit`` characters. When too long it is cut after the last sentence
    that fits, else after the last whole word (only a word longer than the limit is cut inside), and
    ``note`` (or an ellipsis) says so."""
    whole = neutralise(text)
    if len(whole) <= limit:
        return whole
    words = [m.start() for m in _SPACE.finditer(text) if m.start() > 0]
    for cuts, suffix in ((sentence_ends, note or ELLIPSIS), (words, ELLIPSIS + note),
                         (range(1, len(text)), ELLIPSIS + note)):
        cut = _longest_prefix(text, cuts, limit - len(suffix))
        if cut is not None:
            return neutralise(text[:cut]).rstrip("\\") + suffix
    return (ELLIPSIS + note)[:limit]


def _longest_prefix(text: str, cuts: Sequence[int], budget: int) -> int | None:
    """The largest cut whose neutralised prefix fits ``budget`` (cuts ascending; the length grows with them)."""
    low, high, best = 0, len(cuts) - 1, None
    while low <= high:
        middle = (low + high) // 2
        prefix = neutralise(text[:cuts[middle]])
        if prefix and len(prefix) <= budget:
            best, low = cuts[middle], middle + 1
        else:
            high = middle - 1
    return best


def safe_url(url: str) -> str | None:
    """An http(s) link that cannot break out of Markdown link syntax or ping, and that Discord takes for a link
    (its host a DNS name in ASCII, punycode for a Unicode one, with a top-level domain, or an IPv4 address: an
    embed whose link has an underscore in its host or no top-level domain is refused with its whole message), or
    None."""
    if not re.match(r"^https?://[^\s/?#]+", url, re.IGNORECASE) or len(url) > URL_CHARS:
        return None
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").rstrip(".").encode("idna").decode("ascii")
        port = parts.port
    except (ValueError, UnicodeError):
        return None
    if parts.username is not None or not _DNS_NAME.fullmatch(host):
        return None
    netloc = host if port is None else f"{host}:{port}"
    rebuilt = urlunsplit((parts.scheme.lower(), netloc, parts.path, parts.query, parts.fragment))
    quoted = quote(rebuilt, safe="/:?#&=%+,;@!$*~-._")
    return re.sub(r"@(everyone|here)", r"%40\1", quoted, flags=re.IGNORECASE)


def plain(text: str, limit: int) -> str:
    """One line for places Discord shows without Markdown (footers, thread names): defused, not escaped."""
    line = _inert(" ".join(_CONTROL.sub(" ", _BIDI.sub("", text)).split()))
    return line if len(line) <= limit else line[:limit - 1] + ELLIPSIS
