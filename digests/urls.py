"""Dedup keys for articles: a canonical form of their URL and a hash of their text.

``canonical_url`` builds on :func:`courlan.normalize_url` for the parts of a URL it normalises well
(scheme and host case, punycode, default ports, duplicate and leading ``..`` path segments, path
percent-quoting). Query strings are handled here instead: courlan's tracker filter is a substring match
that also drops real article identifiers (``cid``, ``gallery``, ``uid``, ``refid``...), and its strict
mode keeps only a short allow-list (losing ``story_id``, ``articleid``...), either of which would merge
distinct articles.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from urllib.parse import SplitResult, parse_qsl, quote, unquote_plus, urlencode, urljoin, urlsplit, urlunsplit

import regex
from courlan import extract_domain, normalize_url

# Parameters that only say where a click came from, never which article it is. Compared casefolded.
# fmt: off
_TRACKING_PARAMS = frozenset({
    "fbclid", "gclid", "gclsrc", "dclid", "msclkid", "yclid", "twclid", "ttclid", "wbraid", "gbraid",  # ad clicks
    "mc_cid", "mc_eid", "_hsenc", "_hsmi", "mkt_tok",  # newsletters (Mailchimp, HubSpot, Marketo)
    "igshid", "igsh", "smid", "smtyp", "ref_src", "ref_url", "__twitter_impression",  # social shares
    "_ga", "_gl", "ocid", "cmpid", "cmp", "s_cid", "icid", "xtor", "spm",  # analytics campaigns
})
# fmt: on
_TRACKING_PREFIXES = ("utm_", "ns_", "at_", "oly_", "vero_", "pk_", "mtm_", "hsa_")
# Parameters that select the AMP or mobile rendering of the same page, with the values that do so
# (None: any value). ``m=1`` is Blogger's mobile switch.
_VARIANT_PARAMS: dict[str, frozenset[str] | None] = {
    "amp": None,
    "outputtype": frozenset({"amp"}),
    "m": frozenset({"0", "1"}),
}
# Leading host labels that name a rendering of the site rather than a different site.
_VARIANT_HOST_LABELS = frozenset({"www", "m", "mobile", "amp"})
_AMP_CACHE_HOST = ".cdn.ampproject.org"
_PERCENT_ESCAPE = re.compile(r"%[0-9a-fA-F]{2}")
_NOT_TEXT = regex.compile(r"[\p{P}\p{S}\p{Cf}]+")


def canonical_url(url: str) -> str:
    """Return a key under which the variants of one article's URL compare equal.

    Normalised: scheme folded to ``https``; host lowercased and punycode-decoded, default port dropped,
    leading ``www.``/``m.``/``mobile.``/``amp.`` labels dropped (never past the registrable domain);
    Google AMP cache URLs mapped to the page they cache; ``amp`` path segments and a ``.amp.html``
    suffix removed; duplicate and trailing slashes removed; percent-escapes upper-cased; fragment
    dropped; well-known click-tracking parameters (``utm_*``, ``fbclid``, ``gclid``, ...) and AMP/mobile
    switches (``amp``, ``outputType=amp``, ``m=1``) dropped; remaining parameters sorted by name.

    Dot segments are resolved. Not normalised: path case, parameter values, other parameters (``id``,
    ``ref``, ``page``... all kept), percent-encoded vs literal unreserved characters, ``#!`` routes,
    redirects and ``rel=canonical`` (those need the page).

    The result is a comparison key in URL form and need not be fetchable: link to the original URL.
    Text that is not a parseable http(s) URL is returned stripped and otherwise unchanged. Never raises.
    """
    url = url.strip()
    try:
        parts = urlsplit(url)
        if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
            return url
        parts = _unwrap_amp_cache(parts) or parts
        base = urlsplit(normalize_url(urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))))
        netloc = _canonical_netloc(base.hostname or "", base.port)
    except ValueError:  # malformed host or port
        return url
    return urlunsplit(("https", netloc, _canonical_path(base.path), _canonical_query(parts.query), ""))


def clean_link(url: str) -> str:
    """``url`` as readers should see it: the link as the feed gave it, without the click-tracking parameters
    that :func:`canonical_url` drops (``utm_*``, ``fbclid``, ...). Unlike the canonical key it keeps the
    scheme, host, path and the other parameters as written, so the link still opens. Never raises."""
    url = url.strip()
    if "?" not in url:  # no query, nothing to drop (most links: the check is most of a digest's cost here)
        return url
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if not parts.query:
        return url
    kept = [pair for pair in parts.query.split("&") if pair and _is_not_tracking(pair)]
    return urlunsplit(parts._replace(query="&".join(kept)))


def _is_not_tracking(pair: str) -> bool:
    name = unquote_plus(pair.partition("=")[0]).casefold()
    return not (name in _TRACKING_PARAMS or name.startswith(_TRACKING_PREFIXES))


def host_of(url: str) -> str:
    """Publisher host of ``url`` for grouping and display: its canonical host, e.g. ``bbc.co.uk``.

    Returns "" when ``url`` has no http(s) host.
    """
    try:
        return urlsplit(canonical_url(url)).hostname or ""
    except ValueError:
        return ""


def content_hash(text: str) -> str:
    """SHA-256 hex digest of ``text`` insensitive to case, punctuation, symbols and spacing.

    The text is NFKC-normalised and casefolded; punctuation, symbols and invisible format characters
    (soft hyphens, zero-width joiners) become spaces; runs of whitespace collapse to one space. Word
    order, spelling, digits and letters with their marks are kept, so edited articles hash differently.
    """
    folded = unicodedata.normalize("NFKC", text).casefold()
    normalised = " ".join(_NOT_TEXT.sub(" ", folded).split())
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


def _unwrap_amp_cache(parts: SplitResult) -> SplitResult | None:
    """``https://x-com.cdn.ampproject.org/c/s/x.com/a`` -> ``https://x.com/a``; None if not a cache URL."""
    host = (parts.hostname or "").lower()
    segments = parts.path.split("/")
    if not host.endswith(_AMP_CACHE_HOST) or len(segments) < 4 or segments[1] not in ("c", "v", "i"):
        return None
    rest = segments[3:] if segments[2] == "s" else segments[2:]
    if not rest or not rest[0]:
        return None
    return urlsplit(urlunsplit(("https", rest[0], "/" + "/".join(rest[1:]), parts.query, "")))


def _canonical_netloc(host: str, port: int | None) -> str:
    host = f"[{host}]" if ":" in host else _canonical_host(host)  # ":" only in IPv6 literals
    return f"{host}:{port}" if port else host


def _canonical_host(host: str) -> str:
    domain = extract_domain(f"https://{host}", fast=True) or host
    labels = host.split(".")
    while len(labels) > domain.count(".") + 1 and labels[0] in _VARIANT_HOST_LABELS:
        labels.pop(0)
    return ".".join(labels)


def _canonical_path(path: str) -> str:
    path = urlsplit(urljoin("https://host/", "/" + path.lstrip("/"))).path  # resolves "." and ".." (RFC 3986)
    segments = [segment for segment in path.split("/") if segment and segment.lower() != "amp"]
    if segments and segments[-1].lower().endswith(".amp.html"):
        segments[-1] = segments[-1][: -len(".amp.html")] + ".html"
    joined = "/" + "/".join(segments)
    return _PERCENT_ESCAPE.sub(lambda match: match.group(0).upper(), joined)


def _canonical_query(query: str) -> str:
    # surrogateescape: percent-escapes that are not UTF-8 survive the round trip byte for byte
    parsed = parse_qsl(query, keep_blank_values=True, errors="surrogateescape")
    pairs = sorted(((key, value) for key, value in parsed if _keeps(key, value)), key=lambda pair: pair[0])
    return urlencode(pairs, quote_via=quote, errors="surrogateescape")


def _keeps(key: str, value: str) -> bool:
    name = key.casefold()
    if name in _TRACKING_PARAMS or name.startswith(_TRACKING_PREFIXES):
        return False
    if name in _VARIANT_PARAMS:
        values = _VARIANT_PARAMS[name]
        return values is not None and value.casefold() not in values
    return True
