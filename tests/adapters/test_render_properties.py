"""Properties of every renderer over hostile digests (tests/strategies.py): nothing pings or links in disguise,
every platform limit holds, and every story is posted once, whatever the text and however big the digest."""

from __future__ import annotations

import io
import json
import re

import discord
from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console

from bot.adapters.console.render import digest_text
from bot.adapters.discord import render as discord_render
from bot.adapters.discord.posting import NO_MENTIONS
from bot.adapters.discord.text import safe_url
from bot.adapters.slack import render as slack_render
from bot.adapters.slack.text import link_url, size
from bot.core.ports import Reply
from digests.models import Digest, SourceRef, Story
from digests.render import to_dict, to_json, to_markdown
from tests.fakes.discord_api import limit_problems
from tests.fakes.slack_api import block_problems
from tests.strategies import big_digests, digest_of, digests, examples, hostile_text, long_text, stories

FEW = examples(50)
SOME = examples(15)

DISCORD_PINGS = re.compile(r"@(everyone|here)|<@[!&]?\d+>|<#\d+>|</[^>]+:\d+>|<t:-?\d+|<a?:\w+:\d+>|<id:\w+>",
                           re.IGNORECASE)
# A masked link whose "[" is Markdown (not escaped, not inside a bare URL) and the target it goes to.
MASKED = re.compile(r"\[(?:[^\[\]\\]|\\.)*\]\(<?(\S*?)>?\)")
SLACK_BARE = re.compile(r"(?<![\w\u200b])@(?:channel|here|everyone)\b", re.IGNORECASE)
SLACK_ANGLE = re.compile(r"<([^<>]*)>?")


def all_stories(digest: Digest) -> list[Story]:
    return [*digest.stories, *digest.more]


def discord_links(digest: Digest) -> set[str]:
    urls = [s.url for story in all_stories(digest) for s in story.sources]
    urls += [a.url for story in all_stories(digest) for a in story.additions]
    urls += [story.update.link or "" for story in all_stories(digest) if story.update is not None]
    return {link for link in map(safe_url, urls) if link}


def discord_texts(message: discord_render.DiscordMessage, *, markdown_only: bool = False) -> list[str]:
    """What Discord shows of a message (``markdown_only``: the parts it reads as Markdown, not footers)."""
    out = [message.content]
    for embed in message.embeds:
        out += [embed.title or "", embed.description or ""]
        out += [] if markdown_only else [embed.footer.text or "", embed.author.name or ""]
        out += [part for f in embed.fields for part in (f.name or "", f.value or "")]
    return out


def escaped(text: str, index: int) -> bool:
    """The character at ``index`` follows an odd number of backslashes."""
    start = index
    while start > 0 and text[start - 1] == "\\":
        start -= 1
    return (index - start) % 2 == 1


def in_bare_url(text: str, index: int) -> bool:
    token = text[:index].rsplit(None, 1)[-1] if text[:index].strip() else ""
    return bool(re.match(r"https?://", token, re.IGNORECASE)) and not text[index - 1:index].isspace()


def disguised_links(text: str, allowed: set[str]) -> list[str]:
    return [m.group(0) for m in MASKED.finditer(text)
            if not escaped(text, m.start()) and not in_bare_url(text, m.start()) and m.group(1) not in allowed]


def assert_discord_safe(messages: list[discord_render.DiscordMessage], allowed: set[str]) -> None:
    for message in messages:
        payload = {"content": message.content, "embeds": [e.to_dict() for e in message.embeds]}
        assert limit_problems(payload) == [], payload
        assert all(len(e.fields) <= 25 for e in message.embeds)
        for text in discord_texts(message):
            assert not DISCORD_PINGS.search(text), text[:300]
        for text in discord_texts(message, markdown_only=True):
            assert disguised_links(text, allowed) == [], text[:300]
        for embed in message.embeds:
            assert embed.url is None or embed.url in allowed


@FEW
@given(digests())
def test_discord_digests_ping_no_one_and_keep_every_limit(digest: Digest) -> None:
    messages = discord_render.render_digest(digest)
    assert_discord_safe(messages, discord_links(digest))
    assert [i for m in messages for i in m.story_ids] == [s.id for s in digest.stories]
    name = discord_render.thread_name(digest)  # the overflow thread's name: 1-100 characters, plain
    assert 0 < len(name) <= 100 and not DISCORD_PINGS.search(name)


@SOME
@given(big_digests())
def test_discord_digests_of_any_size_keep_every_limit(digest: Digest) -> None:
    messages = discord_render.render_digest(digest)
    assert_discord_safe(messages, discord_links(digest))
    assert [i for m in messages for i in m.story_ids] == [s.id for s in digest.stories]
    if digest.notes:
        assert f"Feed {len(digest.notes) - 1} failed" in "\n".join(m.content for m in messages)


@FEW
@given(hostile_text, st.lists(long_text, max_size=4), st.none() | stories())
def test_discord_replies_ping_no_one_and_keep_every_limit(text: str, lines: list[str], story: Story | None) -> None:
    """The core's own words keep their Markdown (they may echo what the asker typed: no pings, though); the
    third-party lines and the story are article text: no pings and no links in disguise either."""
    allowed = discord_links(digest_of([story] if story is not None else []))
    echoed = discord_render.render_reply(Reply(text, lines=tuple(lines), story=story))
    assert not any(DISCORD_PINGS.search(t) for t in discord_texts(echoed)) and limit_problems(
        {"content": echoed.content, "embeds": [e.to_dict() for e in echoed.embeds]}) == []
    assert_discord_safe([discord_render.render_reply(Reply("Results:", lines=tuple(lines), story=story))], allowed)


def test_discord_messages_are_sent_allowing_no_mentions() -> None:
    """The last line of defence: whatever the text, Discord is told to notify no one."""
    assert NO_MENTIONS.to_dict() == {"parse": []}  # no users, roles or everyone; replied_user defaults to false
    assert discord.AllowedMentions.none().to_dict() == NO_MENTIONS.to_dict()


def slack_links(digest: Digest) -> set[str]:
    urls = [s.url for story in all_stories(digest) for s in story.sources]
    urls += [a.url for story in all_stories(digest) for a in story.additions]
    urls += [story.update.link or "" for story in all_stories(digest) if story.update is not None]
    return {link for link in map(link_url, urls) if link}


def slack_mrkdwn(message: slack_render.SlackMessage) -> list[str]:
    out = [message.text]
    for block in message.blocks:
        if block.get("text", {}).get("type") == "mrkdwn":
            out.append(block["text"]["text"])
        out += [e["text"] for e in block.get("elements", []) if e.get("type") == "mrkdwn"]
    return out


def assert_slack_safe(messages: list[slack_render.SlackMessage], allowed: set[str]) -> None:
    for message in messages:
        assert block_problems(message.blocks) == [], message.blocks
        assert len(message.blocks) <= 50 and 0 < size(message.text) <= 40_000
        for block in message.blocks:
            texts = [block["text"]] if "text" in block else block.get("elements", [])
            assert all(size(t["text"]) <= (150 if block["type"] == "header" else 3000) for t in texts)
        for text in slack_mrkdwn(message):
            assert not SLACK_BARE.search(text), text[:300]
            for match in SLACK_ANGLE.finditer(text):  # only our own links: <url|name>, the url one we made
                url, bar, _ = match.group(1).partition("|")
                assert match.group(0).endswith(">") and bar and url in allowed, match.group(0)


@FEW
@given(digests())
def test_slack_digests_ping_no_one_and_keep_every_limit(digest: Digest) -> None:
    messages = slack_render.render_digest(digest)
    assert_slack_safe(messages, slack_links(digest))
    assert [i for m in messages for i in m.story_ids] == [s.id for s in digest.stories]


@SOME
@given(big_digests())
def test_slack_digests_of_any_size_keep_every_limit(digest: Digest) -> None:
    messages = slack_render.render_digest(digest)
    assert_slack_safe(messages, slack_links(digest))
    assert [i for m in messages for i in m.story_ids] == [s.id for s in digest.stories]


@FEW
@given(hostile_text, st.lists(long_text, max_size=4), st.none() | stories())
def test_slack_replies_ping_no_one_and_keep_every_limit(text: str, lines: list[str], story: Story | None) -> None:
    message = slack_render.render_reply(Reply(text, lines=tuple(lines), story=story))
    assert_slack_safe([message], slack_links(digest_of([story] if story is not None else [])))


CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
MD_LINK = re.compile(r"\]\(<([^<>]*)>\)")


@SOME
@given(digests())
def test_markdown_has_no_injected_structure_links_or_html(digest: Digest) -> None:
    markdown = to_markdown(digest)
    allowed = {"".join(u.split()).replace("<", "%3C").replace(">", "%3E") for u in
               [s.url for story in all_stories(digest) for s in story.sources]
               + [a.url for story in all_stories(digest) for a in story.additions]
               + [story.update.link or "" for story in all_stories(digest) if story.update is not None]}
    for line in markdown.splitlines():
        assert not line.startswith("#") or line.startswith(("# ", "## ")), line
        for match in MD_LINK.finditer(line):
            assert match.group(1) in allowed
        outside = MD_LINK.sub("", re.sub(r"^> ?", "", line))  # a note's own quote marker
        unescaped = [i for i, c in enumerate(outside) if c in "<>[]`" and not escaped(outside, i)]
        assert all(outside[i] in "[]" for i in unescaped), line  # only our own link labels' brackets


@SOME
@given(digests())
def test_json_round_trips_as_utf8(digest: Digest) -> None:
    text = to_json(digest)
    assert json.loads(text.encode("utf-8")) == to_dict(digest)


def test_a_link_in_a_title_cannot_close_a_masked_link_around_it() -> None:
    """Found by the property above: a bare link kept unescaped carried "](" into the headline's masked link,
    so "https://good.example/" could be shown for a link to evil.example."""
    title = "[https://good.example/](https://evil.example/x)"
    story = Story(id="s", title=title, summary=(), sources=(SourceRef("", "https://outlet.example/story", ""),),
                  topic="", language=None, published=None)
    (_, more) = discord_render.render_digest(digest_of([story], more=(story,)))
    assert r"\[https://good.example/\](https://evil.example/x)" in more.content
    assert disguised_links(more.content, {"https://outlet.example/story"}) == []
    assert discord_render.neutralise("see https://x.example/a_(b)") == "see https://x.example/a_(b)"


def test_a_long_digest_title_keeps_the_continuation_line_within_a_context_element() -> None:
    """Found by the property above: the thread's "… news digest, continued (part 2)" line carried the whole
    title, so a 2,700-character title made a context element Slack refuses (over 3,000)."""
    story = Story(id="s", title="", summary=(), sources=(), topic="", language=None, published=None)
    messages = slack_render.render_digest(digest_of([story] * 4, title="@everyone@everyone" * 149, more=(story,)))
    assert len(messages) == 2 and all(block_problems(m.blocks) == [] for m in messages)
    continued = messages[1].blocks[0]["elements"][0]["text"]
    assert continued.endswith("… news digest, continued (part 2)") and size(continued) < 200


def test_an_empty_digest_escapes_its_title_in_markdown() -> None:
    """Found by the property above: the heading escaped the title, the "No new stories for …" line did not."""
    markdown = to_markdown(digest_of([], title="<script>[x](https://evil.example/)"))
    assert "No new stories for \\<script\\>\\[x\\](https://evil.example/)" in markdown


@SOME
@given(digests())
def test_console_digests_render_any_text(digest: Digest) -> None:
    """Whatever the text, the terminal gets only rich's own escape sequences (styles and links)."""
    buffer = io.StringIO()
    Console(file=buffer, width=100, force_terminal=True, color_system="truecolor").print(digest_text(digest))
    printed = buffer.getvalue()
    ours = re.sub(r"\x1b\[[0-9;]*m|\x1b]8;[^\x1b]*\x1b\\", "", printed)  # rich's own styles and links
    found = CONTROL.search(ours)
    assert found is None, repr(ours[max(found.start() - 50, 0):][:100])


def test_control_sequences_in_article_text_never_reach_the_terminal() -> None:
    """Found by the property above: a headline's ESC sequences (clear the screen, set the window title, write
    the clipboard) were printed as they came; a source URL was parsed as style words ("https://a b" made the
    name bold, an empty one raised StyleSyntaxError)."""
    evil = "\x1b[2J\x1b]0;owned\x07\x1b]52;c;ZWNobyBvd25lZA==\x07\x9b31m"
    story = Story(id="s", title=f"Title {evil}", summary=(f"Said {evil}.",), topic=f"Topic {evil}", language=None,
                  sources=(SourceRef(f"Outlet {evil}", "https://a b", ""), SourceRef("Empty", "", "")),
                  published=None)
    buffer = io.StringIO()
    Console(file=buffer, width=100, force_terminal=True).print(digest_text(digest_of([story], notes=(evil,))))
    printed = buffer.getvalue()
    assert "\x1b[2J" not in printed and "\x1b]0;" not in printed and "\x1b]52;" not in printed
    assert "\x9b" not in printed and "Title  [2J ]0;owned  ]52;c;ZWNobyBvd25lZA==  31m" in printed


def test_an_empty_digest_with_a_long_title_keeps_its_section_within_the_limit() -> None:
    """Found by the property above (HYPOTHESIS_PROFILE=deep): "No new stories for TITLE (…)" was one section,
    over 3,000 characters for a long title, and Slack refuses the whole message."""
    (message,) = slack_render.render_digest(digest_of([], title="@everyone@everyone" * 148))
    assert block_problems(message.blocks) == []
    assert message.blocks[2]["text"]["text"].startswith("No new stories for @\u200beveryone")


def test_a_long_word_is_never_cut_just_after_a_mention() -> None:
    """Found by the Slack property above: "@here0000" is no mention and stays as it is, but a 3,000-character
    cut inside a long word ended a section with a bare "…@here"."""
    story = Story(id="s", title="", summary=("0|@here0000" * 273,), sources=(), topic="", language=None,
                  published=None)
    (message,) = slack_render.render_digest(digest_of([story]))
    sections = [b["text"]["text"] for b in message.blocks if b["type"] == "section"]
    assert len(sections) == 3 and sections[1].endswith("|@here00000|") and sections[2].startswith("@here0000")
    assert not any(SLACK_BARE.search(text) for text in sections)
