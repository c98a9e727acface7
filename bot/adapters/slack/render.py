"""Digests and replies as Slack Block Kit messages, within Slack's limits, with article text defused.

What makes text safe and how it is measured and cut is :mod:`bot.adapters.slack.text`; here, text becomes
blocks, and blocks messages. Limits are counted in UTF-16 code units, which is never fewer than Slack's
characters.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.adapters.slack.text import chunks, clip, core_mrkdwn, inline, link_url, neutralise, pack, plain_line, size
from bot.core.ports import SLACK_LIMITS, Reply
from digests.models import MAX_ADDITIONS, Addition, Digest, SourceRef, Story
from digests.render import UPDATE_MARK, empty_text, explain_text, more_by_topic, more_text, seen_text, window_text

Block = dict[str, Any]

MAX_BLOCKS = SLACK_LIMITS.blocks_per_message  # 50
SECTION_CHARS = SLACK_LIMITS.block_chars  # 3,000 per text object
MESSAGE_CHARS = 35_000  # all block text of one message; a story is at most ~33,500, Slack allows 40,000
HEADER_CHARS = 150
CONTEXT_ELEMENTS = 10
STORIES_PER_MESSAGE = 10  # a head message a reader can take in; the rest go to the thread
FALLBACK_CHARS = 3_000
TITLE_CHARS = 300  # raw characters; longer titles are visibly shortened
SUMMARY_CHARS = 4_000
SOURCE_NAME_CHARS = 80
MAX_SOURCES = 8
ADDITION_CHARS = 400  # raw characters of one addition's sentence; longer ones are visibly shortened
EXPLAIN_CHARS = 300  # raw characters of "3 outlets · Politics · matched: …"
STORY_CHARS = 33_000  # a story's sections with its additions: one story always fits MESSAGE_CHARS

@dataclass(frozen=True, slots=True)
class SlackMessage:
    """One chat.postMessage: fallback ``text`` (notifications, screen readers), ``blocks``, the stories in it."""

    text: str
    blocks: list[Block] = field(default_factory=list)
    story_ids: tuple[str, ...] = ()


def header(text: str) -> Block:
    """A header block (plain text, which Slack does not parse for mentions or links)."""
    return {"type": "header", "text": {"type": "plain_text", "text": clip(" ".join(text.split()) or "-",
                                                                       HEADER_CHARS), "emoji": True}}


def section(text: str) -> Block:
    """A mrkdwn section; ``verbatim`` stops Slack auto-linking names and URLs in it."""
    return {"type": "section", "text": {"type": "mrkdwn", "text": text, "verbatim": True}}


def context(texts: list[str]) -> Block:
    """A context block of mrkdwn elements (at most 10)."""
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": t, "verbatim": True} for t in texts]}


DIVIDER: Block = {"type": "divider"}


def source_link(source: SourceRef) -> str:
    """``<url|Outlet>``; the outlet's name alone when the URL cannot be a link."""
    name = inline(source.name, SOURCE_NAME_CHARS) or "source"
    url = link_url(source.url)
    return f"<{url}|{name}>" if url else name


def story_blocks(story: Story) -> list[Block]:
    """One story as sections: bold title, summary, sources. Never more than ~25 blocks, whatever its text."""
    limit = SECTION_CHARS - 1  # room for plain_line's soft hyphen
    title = inline(story.title, TITLE_CHARS) or "(untitled)"
    mark = f"{UPDATE_MARK}: " if story.update is not None else ""
    parts = [f"*{mark}{title}*", *chunks(inline(" ".join(story.summary), SUMMARY_CHARS), limit)]
    links = [source_link(s) for s in story.sources[:MAX_SOURCES]]
    more = len(story.sources) - MAX_SOURCES
    if more > 0:
        links.append(f"and {more} more")
    if links:
        parts += pack([f"{'New from' if mark else 'Sources'}: {links[0]}", *links[1:]], limit, sep=" · ")
    if story.update is not None:
        parts.append(seen_line(story))
    for addition in story.additions[:MAX_ADDITIONS]:  # within the story's budget, or left out
        line = addition_line(addition)
        if sum(size(p) for p in parts) + size(line) <= STORY_CHARS:
            parts.append(line)
    blocks = [section(text) for text in pack([plain_line(p) for p in parts], SECTION_CHARS)]
    why = clip(inline(explain_text(story), EXPLAIN_CHARS), 2 * EXPLAIN_CHARS)
    return [*blocks, context([plain_line(why)])] if why else blocks


def addition_line(addition: Addition) -> str:
    """``+ <url|Outlet>: sentence``: what a further outlet adds, one line within a section."""
    link = source_link(SourceRef(name=addition.source, url=addition.url, title=""))
    return clip(f"+ {link}: {inline(addition.sentence, ADDITION_CHARS)}", SECTION_CHARS - 1)


def seen_line(story: Story) -> str:
    """Where the channel saw an updated story before: the words as a link to that message (a permalink)."""
    if story.update is None:
        return ""
    url = link_url(story.update.link or "")
    text = neutralise(seen_text(story.update))
    return f"<{url}|{text}>" if url else text


def permalink(workspace_url: str, channel_id: str, ts: str, thread_ts: str | None = None) -> str:
    """A message's permalink in Slack's documented form (``https://team.slack.com/archives/C1/p1700000000000100``
    and, for a reply in a thread, ``?thread_ts=…&cid=…``), without asking the API for each."""
    base = workspace_url.rstrip("/") or "https://slack.com"
    link = f"{base}/archives/{channel_id}/p{ts.replace('.', '')}"
    return f"{link}?thread_ts={thread_ts}&cid={channel_id}" if thread_ts and thread_ts != ts else link


def story_links(messages: list[SlackMessage], ids: list[str], *, workspace_url: str,
                channel_id: str) -> tuple[tuple[str, str], ...]:
    """Each story's key and the permalink of the posted message that carries it (the rest in the head's thread)."""
    links: list[tuple[str, str]] = []
    for index, (message, ts) in enumerate(zip(messages, ids, strict=False)):
        link = permalink(workspace_url, channel_id, ts, ids[0] if index else None)
        links += [(key, link) for key in message.story_ids]
    return tuple(links)


def _text_size(block: Block) -> int:
    texts = [block["text"]["text"]] if "text" in block else [e["text"] for e in block.get("elements", [])]
    return sum(size(t) for t in texts)


class _Pages:
    """Fills messages block by block; a unit (a story with its topic header) never straddles two."""

    def __init__(self, continuation: str) -> None:
        self.continuation = continuation
        self.pages: list[list[Block]] = [[]]
        self.ids: list[list[str]] = [[]]

    def fits(self, blocks: list[Block], story: bool) -> bool:
        page = self.pages[-1]
        chars = sum(_text_size(b) for b in page + blocks)
        stories_full = story and len(self.ids[-1]) >= STORIES_PER_MESSAGE
        return len(page) + len(blocks) <= MAX_BLOCKS and chars <= MESSAGE_CHARS and not stories_full

    def add(self, body: list[Block], story_id: str | None = None, *, lead: list[Block] | None = None,
            fresh_lead: list[Block] | None = None) -> None:
        """Add ``lead + body`` here, or ``fresh_lead + body`` to a new message when this one is full."""
        blocks = (lead or []) + body
        if self.pages[-1] and not self.fits(blocks, story_id is not None):
            self.pages.append([context([f"{self.continuation} (part {len(self.pages) + 1})"])])
            self.ids.append([])
            blocks = (fresh_lead or []) + body
        self.pages[-1].extend(blocks)
        if story_id is not None:
            self.ids[-1].append(story_id)

    def new_message(self) -> None:
        """What follows goes into the next message (the thread), however much room this one has left."""
        if self.pages[-1]:
            self.pages.append([context([f"{self.continuation} (part {len(self.pages) + 1})"])])
            self.ids.append([])


def _head(digest: Digest, title: str) -> tuple[list[Block], str]:
    count = len(digest.stories)
    about = f"{window_text(digest)} · {count} {'story' if count == 1 else 'stories'}"
    if digest.more:
        about += f" · {len(digest.more)} more in the thread"
    blocks = [header(f"{title} news digest"), context([neutralise(about)])]
    if digest.empty:
        blocks.append(section(clip(neutralise(empty_text(digest)), SECTION_CHARS)))
    return blocks, about


def render_digest(digest: Digest) -> list[SlackMessage]:
    """The digest as a head message and, when it does not fit, more messages meant for its thread."""
    title = " ".join(digest.title.split())
    pages = _Pages(f"{clip(neutralise(title), HEADER_CHARS)} news digest, continued")  # any title: one line
    head, about = _head(digest, title)
    pages.add(head)
    for group in digest.topics:
        for index, story in enumerate(group.stories):
            if index == 0:
                pages.add(story_blocks(story), story.id, lead=[DIVIDER, header(group.label)],
                          fresh_lead=[header(group.label)])
            else:
                pages.add(story_blocks(story), story.id, fresh_lead=[header(f"{group.label} (continued)")])
    notes = [clip(f":warning: {inline(note)}", SECTION_CHARS) for note in digest.notes]
    for start in range(0, len(notes), CONTEXT_ELEMENTS):
        pages.add([context(notes[start:start + CONTEXT_ELEMENTS])])
    if digest.more:
        pages.new_message()
        for text in pack(_more_lines(digest), SECTION_CHARS):
            pages.add([section(text)])
    texts = [f"{title} news digest: {about}"] + [f"{title} news digest (part {k})" for k in
                                                   range(2, len(pages.pages) + 1)]
    return [SlackMessage(text=clip(neutralise(text), FALLBACK_CHARS), blocks=blocks, story_ids=tuple(ids))
            for text, blocks, ids in zip(texts, pages.pages, pages.ids, strict=True)]


def _more_lines(digest: Digest) -> list[str]:
    """The stories left out at the story limit, for the thread: a headline link each, by topic."""
    lines = [clip(f"*{inline(more_text(digest))}*, beyond the {len(digest.stories)} above:", SECTION_CHARS)]
    for label, stories, unlisted in more_by_topic(digest):
        lines.append(f"*{inline(label, 100)}*")
        lines += [_headline(story) for story in stories]
        if unlisted:
            lines.append(f"… and {unlisted} more")
    return lines


def _headline(story: Story) -> str:
    mark = f"{UPDATE_MARK}: " if story.update is not None else ""
    title = mark + (inline(story.title, TITLE_CHARS) or "(untitled)")
    url = next((u for u in (link_url(s.url) for s in story.sources) if u), None)
    outlets = inline(story.sources[0].name, SOURCE_NAME_CHARS) if story.sources else ""
    if len(story.sources) > 1:
        outlets += f" and {len(story.sources) - 1} more"
    return plain_line(clip(f"• <{url}|{title}> · {outlets}" if url else f"• {title} · {outlets}", SECTION_CHARS))


def render_reply(reply: Reply) -> SlackMessage:
    """A command's reply: its text in sections (third-party lines neutralised), and the story as a card."""
    text = "\n".join([core_mrkdwn(reply.text), *(neutralise(" ".join(line.split())) for line in reply.lines)])
    lines = [piece for line in text.splitlines() for piece in (chunks(line, SECTION_CHARS - 1) or [" "])]
    blocks = [section(t) for t in pack([plain_line(line) for line in lines], SECTION_CHARS) if t.strip()]
    ids: tuple[str, ...] = ()
    if reply.story is not None:
        blocks += [DIVIDER, *story_blocks(reply.story)]
        ids = (reply.story.id,)
    if len(blocks) > MAX_BLOCKS:  # not reached by the core's replies; said, never silent, if it ever is
        blocks = [*blocks[:MAX_BLOCKS - 1], context(["… the rest did not fit in one Slack message."])]
    return SlackMessage(text=clip(text, FALLBACK_CHARS) or " ", blocks=blocks, story_ids=ids)
