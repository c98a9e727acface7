"""Digests and replies as Discord messages, inside Discord's limits, with article text made harmless. No I/O.

Article text (titles, summaries, outlet names) never pings, never links in disguise and never formats: see
:func:`bot.adapters.discord.text.neutralise`. Every message keeps to Discord's limits (content 2,000; 10 embeds
and 6,000 embed characters a message; title 256, description 4,096, field value 1,024). A story is never split
across messages; overflow goes into more messages (the adapter posts them in a thread), never dropped.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field

import discord

from bot.adapters.discord.text import defuse, neutralise, plain, safe_url, shorten
from bot.core.ports import DISCORD_LIMITS, Reply
from digests.models import MAX_ADDITIONS, Addition, Digest, SourceRef, Story
from digests.render import UPDATE_MARK, empty_text, explain_text, more_by_topic, more_text, seen_text, window_text

CONTENT_CHARS = DISCORD_LIMITS.message_chars  # 2,000
EMBEDS_PER_MESSAGE = DISCORD_LIMITS.blocks_per_message  # 10
EMBED_TOTAL_CHARS = DISCORD_LIMITS.total_chars  # 6,000
TITLE_CHARS = 256
DESCRIPTION_CHARS = DISCORD_LIMITS.block_chars  # 4,096
FIELD_VALUE_CHARS = 1024
FOOTER_CHARS = 2048
EXPLAIN_CHARS = 300  # the footer's "3 outlets · Politics · matched: …": a line, not a paragraph
ADDITIONS_NAME = "What other outlets add"
ADDITION_CHARS = 500  # one addition's line: two fit a field's 1,024
SOURCE_NAME_CHARS = 80
SHORTENED = "\n*Summary shortened; the full story is at the sources.*"
PALETTE = (0x1F77B4, 0xFF7F0E, 0x2CA02C, 0xD62728, 0x9467BD, 0x8C564B, 0xE377C2, 0x17BECF, 0xBCBD22, 0x7F7F7F)


@dataclass(slots=True)
class DiscordMessage:
    """One message to send: content, embeds, and whether only the asker sees it (interaction replies)."""

    content: str = ""
    embeds: list[discord.Embed] = field(default_factory=list)
    ephemeral: bool = False
    story_ids: tuple[str, ...] = ()  # the stories it carries, in order
    suppress_embeds: bool = False  # no link previews (third-party lines may hold many links)

    @property
    def embed_chars(self) -> int:
        """Characters across all embeds, as Discord counts them against its 6,000."""
        return sum(len(embed) for embed in self.embeds)


def summary_text(sentences: Sequence[str], limit: int = DESCRIPTION_CHARS) -> str:
    """A story's sentences within ``limit``, shortened at a sentence boundary with a note when too long."""
    text = " ".join(s.strip() for s in sentences if s.strip())
    ends, position = [], 0
    for sentence in (s.strip() for s in sentences if s.strip()):
        position += len(sentence)
        ends.append(position)
        position += 1
    return shorten(text, limit, sentence_ends=ends[:-1], note=SHORTENED)


def source_link(source: SourceRef) -> str:
    """``[Outlet](url)``, or just the outlet's name when its URL is unusable."""
    name = shorten(source.name or source.url, SOURCE_NAME_CHARS)
    url = safe_url(source.url)
    return f"[{name}]({url})" if url else name


def sources_value(sources: Sequence[SourceRef]) -> str:
    """The outlets as links within a field's 1,024 characters, saying how many more when they do not fit."""
    links = [source_link(s) for s in sources]
    value, shown = "", 0
    for link in links:
        candidate = f"{value} · {link}" if value else link
        if len(candidate) > FIELD_VALUE_CHARS - 20:  # room for " · and 999 more"
            break
        value, shown = candidate, shown + 1
    if shown < len(links):
        value += f" · and {len(links) - shown} more"
    return value


def seen_value(story: Story) -> str:
    """Where the channel saw an updated story before: the date as a link to that message."""
    if story.update is None:
        return ""
    url = safe_url(story.update.link or "")
    text = seen_text(story.update)
    return f"[{text}]({url})" if url else text


def topic_colour(topic: str) -> int:
    """A stable colour for a topic label."""
    return PALETTE[zlib.crc32(topic.encode()) % len(PALETTE)]


def story_embed(story: Story) -> discord.Embed:
    """One story as one embed; each part within its own limit, so any single story fits a message. An update
    is marked in its title, names its sources as new, and links to where the channel saw the story before."""
    links = [u for u in (safe_url(s.url) for s in story.sources) if u]
    mark = f"{UPDATE_MARK}: " if story.update is not None else ""
    embed = discord.Embed(title=mark + (shorten(story.title, TITLE_CHARS - len(mark)) or "(untitled)"),
                          url=links[0] if links else None,
                          description=summary_text(story.summary) or None,
                          colour=topic_colour(story.topic), timestamp=story.published)
    if story.sources:
        name = "Source" if len(story.sources) == 1 else f"Sources ({len(story.sources)})"
        embed.add_field(name=f"New {name.lower()}" if mark else name, value=sources_value(story.sources),
                        inline=False)
    if story.update is not None:
        embed.add_field(name="Seen before", value=seen_value(story), inline=False)
    if explain_text(story):
        embed.set_footer(text=plain(explain_text(story), min(EXPLAIN_CHARS, FOOTER_CHARS)))
    value = additions_value(story.additions, EMBED_TOTAL_CHARS - len(embed) - len(ADDITIONS_NAME))
    if value:
        embed.add_field(name=ADDITIONS_NAME, value=value, inline=False)
    return embed


def additions_value(additions: Sequence[Addition], room: int) -> str:
    """What further outlets add, a line each (``• [Outlet](url): sentence``), within a field's 1,024 characters
    and the ``room`` the embed has left; a line that does not fit is left out, never cut mid-link."""
    lines: list[str] = []
    for addition in additions[:MAX_ADDITIONS]:
        link = source_link(SourceRef(name=addition.source, url=addition.url, title=""))
        if len(link) > ADDITION_CHARS // 2:  # a long link would crowd out the sentence: the name alone
            link = shorten(addition.source, SOURCE_NAME_CHARS)
        line = f"• {link}: " + shorten(addition.sentence, ADDITION_CHARS - len(link) - 4)
        if len("\n".join([*lines, line])) <= min(FIELD_VALUE_CHARS, room):
            lines.append(line)
    return "\n".join(lines)


def render_digest(digest: Digest) -> list[DiscordMessage]:
    """The head message (title, window, first stories) and the messages for its thread, notes at the end."""
    if digest.empty:
        messages = [DiscordMessage(content=shorten(empty_text(digest), CONTENT_CHARS))]
        return _with_notes(messages, digest.notes)
    pages = _pack([(story.id, story_embed(story)) for story in digest.stories])
    total = len(digest.stories)
    messages, shown = [], 0
    for index, page in enumerate(pages):
        ids = tuple(story_id for story_id, _ in page)
        content = _head(digest, overflow=len(pages) > 1) if index == 0 else \
            f"Stories {shown + 1}–{shown + len(ids)} of {total}"
        messages.append(DiscordMessage(content=content, embeds=[e for _, e in page], story_ids=ids))
        shown += len(ids)
    return _with_notes(messages, digest.notes) + _more_messages(digest)


def _more_messages(digest: Digest) -> list[DiscordMessage]:
    """The stories left out at the story limit, for the thread: a headline link each, by topic."""
    if not digest.more:
        return []
    lines = [f"**{shorten(more_text(digest), 1500)}**, beyond the {len(digest.stories)} above:"]
    for label, stories, unlisted in more_by_topic(digest):
        lines.append(f"__{shorten(label, 100)}__")
        lines += [_headline(story) for story in stories]
        if unlisted:
            lines.append(f"… and {unlisted} more")
    contents = [""]
    for line in lines:
        if contents[-1] and len(contents[-1]) + 1 + len(line) > CONTENT_CHARS:
            contents.append("")
        contents[-1] = f"{contents[-1]}\n{line}" if contents[-1] else line
    return [DiscordMessage(content=content) for content in contents]


def _headline(story: Story) -> str:
    """``• [Title](<url>) · Outlet``: the angle brackets stop Discord from previewing every link."""
    url = next((u for u in (safe_url(s.url) for s in story.sources) if u), None)
    title = (f"{UPDATE_MARK}: " if story.update is not None else "") + (shorten(story.title, 200) or "(untitled)")
    outlets = shorten(story.sources[0].name, SOURCE_NAME_CHARS) if story.sources else ""
    if len(story.sources) > 1:
        outlets += f" and {len(story.sources) - 1} more"
    return f"• [{title}](<{url}>) · {outlets}" if url else f"• {title} · {outlets}"


def _pack(embeds: list[tuple[str, discord.Embed]]) -> list[list[tuple[str, discord.Embed]]]:
    """Stories in order into messages of at most 10 embeds and 6,000 embed characters."""
    pages: list[list[tuple[str, discord.Embed]]] = []
    page: list[tuple[str, discord.Embed]] = []
    chars = 0
    for item in embeds:
        size = len(item[1])
        if page and (len(page) == EMBEDS_PER_MESSAGE or chars + size > EMBED_TOTAL_CHARS):
            pages.append(page)
            page, chars = [], 0
        page.append(item)
        chars += size
    if page:
        pages.append(page)
    return pages


def _head(digest: Digest, *, overflow: bool) -> str:
    count = len(digest.stories)
    topics = ", ".join(f"{g.label} ({len(g.stories)})" for g in digest.topics)
    lines = [f"**{shorten(digest.title, 200)} news digest** · {window_text(digest)}",
             shorten(f"{count} {'story' if count == 1 else 'stories'}: {topics}", 1000)]
    if digest.more:
        lines.append(shorten(f"{more_text(digest)}: in the thread below.", 800))
    elif overflow:
        lines.append("More stories in the thread below.")
    return "\n".join(lines)


def _with_notes(messages: list[DiscordMessage], notes: Sequence[str]) -> list[DiscordMessage]:
    """Notes after the last story: in the last message when they fit, else in messages of their own."""
    lines = [f"> {shorten(note, 500)}" for note in notes]
    if not lines:
        return messages
    chunks = [["**Notes**"]]
    for line in lines:
        if len("\n".join([*chunks[-1], line])) > CONTENT_CHARS:
            chunks.append([])
        chunks[-1].append(line)
    last = messages[-1]
    first = "\n".join(chunks[0])
    if len(last.content) + 2 + len(first) <= CONTENT_CHARS:
        last.content = f"{last.content}\n\n{first}" if last.content else first
        chunks = chunks[1:]
    return messages + [DiscordMessage(content="\n".join(chunk)) for chunk in chunks]


def render_reply(reply: Reply) -> DiscordMessage:
    """A command's reply: the core's words (mentions defused, Markdown kept), its third-party lines plain
    (Markdown escaped), its story as a card."""
    text = "\n".join([defuse(reply.text.strip()) or "Done.", *(neutralise(line) for line in reply.lines)])
    if len(text) > CONTENT_CHARS:
        note = "\n… (shortened)"
        cut = text.rfind("\n", 0, CONTENT_CHARS - len(note))
        text = text[:cut if cut > 0 else CONTENT_CHARS - len(note)] + note
    embeds = [story_embed(reply.story)] if reply.story is not None else []
    ids = (reply.story.id,) if reply.story is not None else ()
    return DiscordMessage(content=text, embeds=embeds, ephemeral=reply.private, story_ids=ids,
                          suppress_embeds=bool(reply.lines) and not embeds)


def message_link(guild_id: str, channel_id: str, message_id: str) -> str:
    """A Discord message link (``@me`` stands for a direct message's guild)."""
    guild = "@me" if guild_id == "dm" else guild_id
    return f"https://discord.com/channels/{guild}/{channel_id}/{message_id}"


def story_links(messages: Sequence[DiscordMessage], ids: Sequence[str], *, guild_id: str, channel_id: str,
                thread_id: str | None) -> tuple[tuple[str, str], ...]:
    """Each story's key and the link of the posted message that carries it (the head in the channel, the rest
    in the thread when there is one)."""
    links: list[tuple[str, str]] = []
    for index, (message, message_id) in enumerate(zip(messages, ids, strict=False)):
        where = thread_id if index and thread_id else channel_id
        links += [(key, message_link(guild_id, where, message_id)) for key in message.story_ids]
    return tuple(links)


def thread_name(digest: Digest) -> str:
    """The overflow thread's name (Discord: at most 100 characters)."""
    return plain(f"{digest.title}: {window_text(digest)}", 100)
