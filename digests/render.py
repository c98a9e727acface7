"""Platform-neutral renderings of a digest: Markdown and JSON (schema in the README)."""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime
from typing import Any

from digests.models import MAX_ADDITIONS, Digest, SeenBefore, Story

SCHEMA_VERSION = 1
UPDATE_MARK = "Update"  # the word every renderer puts before an update's headline
MORE_LISTED = 50  # headlines per topic in the thread when stories were left out; beyond, a count
_MD_SPECIAL = frozenset("\\`*_[]<>#|~")


def window_text(digest: Digest) -> str:
    """The digest's window, e.g. "24 Nov 08:00 – 25 Nov 08:00 UTC"."""
    start, end = digest.window_start, digest.window_end
    return f"{start:%d %b %H:%M} – {end:%d %b %H:%M} {end.tzname() or ''}".strip()


def empty_text(digest: Digest) -> str:
    """What an empty day says, rather than silence."""
    return f"No new stories for {digest.title} ({window_text(digest)})."


def seen_text(update: SeenBefore) -> str:
    """Where an update links back to, in words: "Seen here on 2026-11-29" (the link goes on the date)."""
    return f"Seen here on {update.day}"


def more_text(digest: Digest) -> str:
    """What was left out at the story limit, by topic: "12 more stories: Sport (8), Economy (4)"; "" if none."""
    if not digest.more:
        return ""
    counts = Counter(story.topic for story in digest.more)
    topics = ", ".join(f"{label} ({count})" for label, count in counts.most_common())
    return f"{len(digest.more)} more {'story' if len(digest.more) == 1 else 'stories'}: {topics}"


def more_by_topic(digest: Digest) -> list[tuple[str, list[Story], int]]:
    """The stories left out at the story limit, as the chat renderers list them in the thread: by topic, the
    largest first (ties in the digest's order), each topic's label, its first :data:`MORE_LISTED` stories and
    how many more it has beyond them."""
    by_topic: dict[str, list[Story]] = {}
    for story in digest.more:
        by_topic.setdefault(story.topic, []).append(story)
    ranked = sorted(by_topic.items(), key=lambda item: -len(item[1]))
    return [(label, stories[:MORE_LISTED], max(0, len(stories) - MORE_LISTED)) for label, stories in ranked]


def outlets_text(story: Story) -> str:
    """How many outlets report a story: "3 outlets", or "1 outlet (only Daily Star)"; "" with no source. An
    update counts the outlets the channel saw before too: "3 outlets so far, 1 new"."""
    if story.update is not None:
        before = {name.casefold() for name in story.update.outlets}
        new = sum(1 for s in story.sources if s.name.casefold() not in before)
        total = len(before | {s.name.casefold() for s in story.sources})
        counted = f"{total} outlet{'' if total == 1 else 's'} so far"
        return f"{counted}, {new} new" if new else counted
    if story.single_outlet:
        return f"1 outlet (only {' '.join(story.sources[0].name.split()) or 'one source'})"
    return f"{story.outlet_count} outlets" if story.sources else ""


def explain_text(story: Story) -> str:
    """Why a story is here, in one line: "3 outlets · Politics · matched: election, flood" (the parts it has)."""
    parts = [outlets_text(story), " ".join(story.topic.split())]
    if story.matched_keywords:
        parts.append("matched: " + ", ".join(story.matched_keywords))
    return " · ".join(part for part in parts if part)


def to_markdown(digest: Digest) -> str:
    """The digest as CommonMark: a heading per topic, a bullet per story with its sources as links."""
    lines = [f"# {_md(digest.title)} news digest", "", f"_{window_text(digest)}_", ""]
    if digest.empty:
        lines += [_md(empty_text(digest)), ""]
    for group in digest.topics:
        lines += [f"## {_md(group.label)}", ""]
        for story in group.stories:
            lines += [_story_markdown(story), ""]
    if digest.more:
        lines += [f"_{_md(more_text(digest))}_", ""]
    lines += [f"> {_md(note)}" for note in digest.notes]
    return "\n".join(lines).rstrip() + "\n"


def _story_markdown(story: Story) -> str:
    sources = ", ".join(f"[{_md(s.name)}](<{_md_url(s.url)}>)" for s in story.sources)
    summary = " ".join(story.summary)
    mark = f"{UPDATE_MARK}: " if story.update is not None else ""
    lines = [f"- **{mark}{_md(story.title)}**"] + ([f"  {_md(summary)}"] if summary else [])
    lines += [f"  {'New from' if mark else 'Sources'}: {sources}", f"  _{_md(explain_text(story))}_"]
    lines += [f"  - [{_md(a.source)}](<{_md_url(a.url)}>) adds: {_md(a.sentence)}"
              for a in story.additions[:MAX_ADDITIONS]]
    if story.update is not None:
        seen = seen_text(story.update)
        lines.append(f"  [{seen}](<{_md_url(story.update.link)}>)" if story.update.link else f"  {seen}")
    return "\n".join(lines)


def _md_url(url: str) -> str:
    """A link target that cannot close its angle brackets or break the line."""
    return "".join(url.split()).replace("<", "%3C").replace(">", "%3E")


def _md(text: str) -> str:
    """Escape Markdown in text taken from articles, so it cannot inject links, markup or list items."""
    escaped = "".join(f"\\{c}" if c in _MD_SPECIAL else c for c in " ".join(text.split()))
    return f"\\{escaped}" if escaped[:1] in ("-", "+") else escaped


def to_dict(digest: Digest) -> dict[str, Any]:
    """The digest as plain JSON-ready data (see the README for the schema)."""
    return {
        "schema": SCHEMA_VERSION,
        "region": digest.region,
        "title": digest.title,
        "window": {"start": _iso(digest.window_start), "end": _iso(digest.window_end)},
        "generated_at": _iso(digest.generated_at),
        "story_count": len(digest.stories),
        "topics": [
            {"label": g.label, "weight": g.weight, "stories": [_story_dict(s) for s in g.stories]}
            for g in digest.topics
        ],
        "notes": list(digest.notes),
        "more": {"story_count": len(digest.more), "stories": [_story_dict(s) for s in digest.more]},
    }


def _story_dict(story: Story) -> dict[str, Any]:
    return {
        "id": story.id,
        "title": story.title,
        "summary": list(story.summary),
        "language": story.language,
        "published": _iso(story.published) if story.published else None,
        "topic": story.topic,
        "sources": [{"name": s.name, "url": s.url, "title": s.title} for s in story.sources],
        "outlet_count": story.outlet_count,
        "single_outlet": story.single_outlet,
        "matched_keywords": list(story.matched_keywords),
        "additions": [{"source": a.source, "url": a.url, "sentence": a.sentence} for a in story.additions],
        "story_id": story.story_id,
        "update": None if story.update is None else {
            "day": story.update.day, "link": story.update.link, "outlets_before": list(story.update.outlets)},
    }


def _iso(when: datetime) -> str:
    return when.isoformat()


def to_json(digest: Digest) -> str:
    """The digest as pretty-printed JSON (UTF-8 text, not ASCII-escaped)."""
    return json.dumps(to_dict(digest), ensure_ascii=False, indent=2)
