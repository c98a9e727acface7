"""Text for Slack's mrkdwn made safe, measured and cut. No I/O.

Article text is untrusted: :func:`neutralise` escapes ``& < >`` (so ``<!channel>``, ``<@U1>``, ``<#C1>`` and
links cannot form), breaks bare ``@channel``/``@here``/``@everyone``, and swaps the mrkdwn markers
``* _ ~ ` `` for look-alike characters (Slack has no escape for them; the same choice as jsx-slack's
``<Escape>``). The core's own words keep their bold (:func:`core_mrkdwn`). Sizes are counted in UTF-16 code
units (:func:`size`), which is never fewer than Slack's characters; text is cut between words, never inside
an entity.
"""

from __future__ import annotations

import re
from urllib.parse import quote

URL_CHARS = 1_000
SHORTENED = " … (shortened)"

# Control characters, and bidirectional embeddings, overrides and isolates ("\u202eevil.com" shows as "moc.live";
# right-to-left text needs none of them to show right, and the marks U+200E/U+200F stay).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")
_BARE_MENTION = re.compile(r"@(?=(?:channel|here|everyone)\b)", re.IGNORECASE)
_MENTION_END = re.compile(r"@(?:channel|here|everyone)\Z", re.IGNORECASE)
_LOOKALIKES = str.maketrans({"*": "\u2217", "＊": "\ufe61", "_": "\u02cd", "＿": "\u2e0f", "~": "\u223c",
                             "～": "\u223c", "`": "\u02cb", "｀": "\u02cb"})
_ATOM = re.compile(r"&(?:amp|lt|gt);|[\s\S]")  # an entity or one character: text is never cut inside either
_CORE_BOLD = re.compile(r"\*\*(.+?)\*\*")
_URL_SAFE = "%/:=&?#+!$,;'@()*[]-._~"  # everything else ('|', '<', '>', spaces, non-ASCII) is percent-encoded


def _escaped(text: str) -> str:
    """Control characters gone, ``& < >`` escaped, bare ``@here``-like mentions broken: no mention or link forms."""
    text = _CONTROL.sub("", text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _BARE_MENTION.sub("@\u200b", text)


def neutralise(text: str) -> str:
    """Make untrusted text inert in mrkdwn: no mentions, links or formatting, whatever it contains."""
    return _escaped(text).translate(_LOOKALIKES)


def size(text: str) -> int:
    """Length as Slack may count it (UTF-16 code units): an upper bound on its characters."""
    return len(text.encode("utf-16-le")) // 2


def chunks(text: str, limit: int) -> list[str]:
    """Split escaped one-line text into pieces of at most ``limit``, at spaces where it can, never in an entity."""
    out: list[str] = []
    line, used = "", 0
    for word in text.split(" "):
        while size(word) > limit:  # a word longer than a whole block (a 10 KB "word"): cut between atoms
            if line:
                out.append(line)
                line, used = "", 0
            head, word = _cut(word, limit)
            out.append(head)
        if not word:
            continue
        need = size(word) + (1 if line else 0)
        if used + need <= limit:
            line, used = (f"{line} {word}" if line else word), used + need
        else:
            out.append(line)
            line, used = word, size(word)
    return [*out, line] if line else out


def _cut(word: str, limit: int) -> tuple[str, str]:
    """``word`` cut at most ``limit`` in, between atoms, and never just after "@here": "@here0000" is no mention
    and is left alone, but a piece that ended "…@here" would be one."""
    used = end = 0
    for atom in _ATOM.finditer(word):
        width = size(atom.group())
        if used + width > limit:
            break
        used, end = used + width, atom.end()
    mention = _MENTION_END.search(word, 0, end) if end < len(word) else None
    if mention is not None and mention.start() > 0:
        end = mention.start()
    return word[:end], word[end:]


def pack(parts: list[str], limit: int, sep: str = "\n") -> list[str]:
    """Join whole ``parts`` (each at most ``limit``) with ``sep`` into as few texts of at most ``limit``."""
    out: list[str] = []
    for part in parts:
        if out and size(out[-1]) + size(sep) + size(part) <= limit:
            out[-1] += sep + part
        else:
            out.append(part)
    return out


def clip(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` (at an atom boundary) with a visible ellipsis when it was longer."""
    if size(text) <= limit:
        return text
    return _cut(text, limit - 1)[0] + "…"


def inline(text: str, max_raw: int | None = None) -> str:
    """Untrusted text on one line, shortened visibly past ``max_raw`` characters, then neutralised."""
    flat = " ".join(text.split())
    if max_raw is not None and len(flat) > max_raw:
        flat = flat[:max_raw].rstrip() + SHORTENED
    return neutralise(flat)


def plain_line(text: str) -> str:
    """``text`` as a line that stays plain: a line that starts with ">" (even escaped) is a block quote in
    Slack, so a soft hyphen goes before it."""
    return "\u00ad" + text if text.startswith(("&gt;", "＞")) else text


def link_url(url: str) -> str | None:
    """The URL ready for ``<url|name>``, or None when it is not http(s) or too long to be a link."""
    if not re.match(r"^https?://[^\s/]", url, re.IGNORECASE):
        return None
    quoted = _BARE_MENTION.sub("%40", quote(url.strip(), safe=_URL_SAFE))  # no "@here" even inside a link
    return quoted.replace("&", "&amp;") if len(quoted) <= URL_CHARS else None


def core_mrkdwn(text: str) -> str:
    """The core's own words (``**bold**``, backticks) as mrkdwn; any echoed user input is still defused."""
    return _CORE_BOLD.sub(r"*\1*", _escaped(text))
