"""Discord rendering: every message inside Discord's limits, every story exactly once, article text inert."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from bot.adapters.discord.render import (
    DiscordMessage,
    neutralise,
    plain,
    render_digest,
    render_reply,
    safe_url,
    shorten,
    summary_text,
)
from bot.core.ports import Reply
from digests.models import Digest, SourceRef, Story, TopicGroup
from tests.fakes.discord_api import limit_problems

NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
HOSTILE = ("@everyone @here @EVERYONE <@123> <@!123> <@&456> <#789> </digest subscribe:1> <t:1700000000:R> "
           "<:pepe:42> <a:dance:43> <id:customize> **bold** __under__ *it* ~~gone~~ ||spoiler|| `code` ```block``` "
           "[click me](https://evil.example/phish) # heading > quote -# small \\ backslash")
PINGS = re.compile(r"@(everyone|here)|<@[!&]?\d+>|<#\d+>|</[^>]+:\d+>|<t:\d+|<a?:\w+:\d+>|<id:", re.IGNORECASE)


def sentences(n: int, words: int, tag: str) -> tuple[str, ...]:
    return tuple(f"{tag} sentence {i} " + " ".join(f"word{j}" for j in range(words)) + "." for i in range(n))


def digest_of(stories: list[Story], notes: tuple[str, ...] = ()) -> Digest:
    labels = list(dict.fromkeys(s.topic for s in stories))
    groups = tuple(TopicGroup(label=label, stories=tuple(s for s in stories if s.topic == label), weight=1.0)
                   for label in labels)
    return Digest(region="test", title="Test Region", window_start=NOW - timedelta(hours=24), window_end=NOW,
                  generated_at=NOW, topics=groups, notes=notes)


def big_digest() -> Digest:
    """60 stories over 6 topics; long titles, summaries well over 4,096 characters, many long-linked sources."""
    stories = [Story(id=f"big-B{i:02d}", title=f"[B{i:02d}] " + "Long headline words " * 20,
                     summary=sentences(12, 70 if i % 3 == 0 else 8, f"B{i:02d}"),
                     sources=tuple(SourceRef(name=f"Outlet number {j}", url=f"https://outlet{j}.example/"
                                             + "path/" * 40 + f"{i}", title="t") for j in range(1 + i % 9)),
                     topic=f"Topic {i % 6}", language="en", published=NOW)
               for i in range(60)]
    return digest_of(stories, notes=tuple(f"Feed {n} could not be read since 24 Nov." for n in range(40)))


def hostile_digest() -> Digest:
    """Titles, summaries, outlet names and links full of pings and markup; 10 KB words and lines."""
    stories = [Story(id=f"bad-{i:02d}", title=f"[H{i:02d}] {HOSTILE}" + ("X" * 10_000 if i % 2 else ""),
                     summary=(HOSTILE, "W" * 10_000, ("line " * 2_000) + HOSTILE, f"End of H{i:02d}."),
                     sources=(SourceRef(name=HOSTILE, url="https://evil.example/@everyone/(x)<@123>", title=HOSTILE),
                              SourceRef(name="@here", url="javascript:alert(1)", title="x"),
                              SourceRef(name="Huge", url="https://x.example/" + "a" * 10_000, title="x")),
                     topic=f"@everyone <@&456> topic {i % 3}", language="en", published=None)
               for i in range(12)]
    return digest_of(stories, notes=(HOSTILE, "@here " * 400))


def texts(message: DiscordMessage) -> list[str]:
    """Every piece of text Discord would show for a message."""
    out = [message.content]
    for embed in message.embeds:
        out += [embed.title or "", embed.description or "", embed.footer.text or ""]
        out += [part for f in embed.fields for part in (f.name or "", f.value or "")]
    return out


def check_limits(messages: list[DiscordMessage]) -> None:
    for message in messages:
        payload = {"content": message.content, "embeds": [e.to_dict() for e in message.embeds]}
        assert limit_problems(payload) == []
        assert len(message.content) <= 2000 and len(message.embeds) <= 10 and message.embed_chars <= 6000


def posted_ids(messages: list[DiscordMessage]) -> list[str]:
    return [story_id for m in messages for story_id in m.story_ids]


def test_a_big_digest_keeps_every_limit_and_every_story() -> None:
    digest = big_digest()
    messages = render_digest(digest)
    check_limits(messages)
    assert posted_ids(messages) == [s.id for s in digest.stories]  # each once, in order, none dropped
    titles = [e.title or "" for m in messages for e in m.embeds]
    assert [t[2:5] for t in titles] == [s.id[4:] for s in digest.stories]  # "\[B00\]" ...
    assert len(messages) > 6 and messages[0].content.startswith("**Test Region news digest**")
    assert "More stories in the thread below." in messages[0].content
    assert messages[1].content == f"Stories {len(messages[0].embeds) + 1}–" \
        f"{len(messages[0].embeds) + len(messages[1].embeds)} of 60"
    notes = "\n".join(m.content for m in messages[-2:])
    assert "**Notes**" in notes and "Feed 39 could not be read" in notes  # notes last, all of them


def test_a_story_too_long_is_shortened_at_a_sentence_with_a_note() -> None:
    digest = big_digest()
    long_story = digest.stories[0]
    embed = next(e for m in render_digest(digest) for e in m.embeds if "B00" in (e.title or ""))
    description = embed.description or ""
    assert len(description) <= 4096
    body, note = description.split("\n")
    assert note == "*Summary shortened; the full story is at the sources.*"
    kept = body.split(". B00 ")
    assert body.endswith(".") and 1 < len(kept) < len(long_story.summary)  # whole sentences only
    assert embed.fields[0].name == "Source" and embed.footer.text == "1 outlet (only Outlet number 0) · Topic 0"


def test_many_sources_are_counted_when_they_do_not_fit() -> None:
    digest = big_digest()
    embed = next(e for m in render_digest(digest) for e in m.embeds if "B08" in (e.title or ""))
    assert embed.fields[0].name == "Sources (9)"
    value = embed.fields[0].value or ""
    assert len(value) <= 1024 and re.search(r"· and \d more$", value)
    assert value.startswith("[Outlet number 0](https://outlet0.example/path/")


def test_a_hostile_digest_pings_no_one_and_keeps_the_limits() -> None:
    digest = hostile_digest()
    messages = render_digest(digest)
    check_limits(messages)
    assert posted_ids(messages) == [s.id for s in digest.stories]
    for message in messages:
        for text in texts(message):
            assert not PINGS.search(text), text[:200]
            assert "[click me](" not in text  # no disguised link survives
            assert not re.search(r"(?<!\\)\*\*bold", text) and "||spoiler" not in text
    embed = messages[0].embeds[0]
    assert embed.url == "https://evil.example/%40everyone/%28x%29%3C@123%3E"
    assert "[@\u200bhere]" not in (embed.fields[0].value or "")  # the javascript: link is shown as a name only
    assert "javascript:" not in str([e.to_dict() for m in messages for e in m.embeds])


def test_ten_kilobyte_words_and_lines_are_cut_within_the_limits() -> None:
    title = shorten("A" * 10_000, 256)
    assert len(title) == 256 and title.endswith("…")
    words = shorten("short words then " + "Z" * 10_000, 256)
    assert words == "short words then…"  # a whole-word cut when there is one
    summary = summary_text(("W" * 10_000,))
    assert len(summary) <= 4096 and summary.endswith("the sources.*") and "W…" in summary


def test_neutralise_defuses_mentions_and_escapes_markdown() -> None:
    safe = neutralise(HOSTILE)
    assert "@\u200beveryone" in safe and "@\u200bhere" in safe and "<\u200b@123>" in safe
    assert "<\u200b@&456>" in safe and "<\u200b#789>" in safe and "<\u200b/digest" in safe and "<\u200bt:" in safe
    assert r"\*\*bold\*\*" in safe and r"\|\|spoiler\|\|" in safe and r"\[click me\]" in safe
    assert r"\\ backslash" in safe
    assert neutralise("# big") == r"\# big" and neutralise("- item") == r"\- item"
    assert neutralise("1. first") == r"1\. first" and neutralise("> quote") == r"\> quote"
    assert neutralise("see https://x.example/a_b*c and a_b") == r"see https://x.example/a_b*c and a\_b"
    assert neutralise("line\none\x00\ttwo") == "line one two"


@pytest.mark.parametrize(("url", "expected"), [
    ("https://example.org/a?b=1&c=2", "https://example.org/a?b=1&c=2"),
    ("https://example.org/a b)(", "https://example.org/a%20b%29%28"),
    ("ftp://example.org/a", None),
    ("javascript:alert(1)", None),
    ("https://example.org/" + "a" * 600, None),
    # Discord refuses a message whose embed links to a host it does not take for a DNS name ("Not a well formed
    # URL", 50035): an underscore, no top-level domain; a Unicode host goes as punycode.
    ("https://llama_punkz.mypinata.cloud/x", None),
    ("http://intranet/page", None),
    ("https://x.y1/a", None),
    ("http://10.0.0.1:8080/internal", "http://10.0.0.1:8080/internal"),
    ("http://localhost/a", "http://localhost/a"),
    ("https://例え.テスト/記事?q=ক", "https://xn--r8jz45g.xn--zckzah/%E8%A8%98%E4%BA%8B?q=%E0%A6%95"),
    ("https://News.Example.ORG:8443/a", "https://news.example.org:8443/a"),
    ("https://google.com@evil.example/", None),
])
def test_safe_url(url: str, expected: str | None) -> None:
    assert safe_url(url) == expected


def test_an_empty_digest_says_so_in_one_message() -> None:
    messages = render_digest(digest_of([], notes=("Nothing could not be read so far.",)))
    assert len(messages) == 1 and not messages[0].embeds
    assert messages[0].content.startswith("No new stories for Test Region")
    assert messages[0].content.endswith("> Nothing could not be read so far.")


def test_a_small_digest_is_one_message() -> None:
    stories = [Story(id=f"s{i}", title=f"Story {i}", summary=(f"Summary {i}.",), topic="Sport", language="en",
                     sources=(SourceRef(name="Outlet", url=f"https://o.example/{i}", title="t"),), published=NOW)
               for i in range(3)]
    (message,) = render_digest(digest_of(stories))
    assert message.story_ids == ("s0", "s1", "s2") and "More stories" not in message.content
    assert "3 stories: Sport (3)" in message.content
    assert message.embeds[0].url == "https://o.example/0" and message.embeds[0].description == "Summary 0."
    assert message.embeds[0].timestamp == NOW


def test_render_reply_passes_privacy_through_and_defuses_echoed_input() -> None:
    reply = render_reply(Reply("There is no region '@everyone <@123>'. Regions: **test**.", ok=False, private=True))
    assert reply.ephemeral and reply.content == "There is no region '@\u200beveryone <\u200b@123>'. Regions: **test**."
    story = Story(id="x", title=HOSTILE, summary=("One.",), sources=(), topic="", language=None, published=None)
    card = render_reply(Reply("Summary (1 outlet):", story=story))
    assert not card.ephemeral and card.story_ids == ("x",) and len(card.embeds) == 1
    assert not PINGS.search(card.embeds[0].title or "") and card.embeds[0].footer.text is None
    long = render_reply(Reply("\n".join(f"• line {i} " + "x" * 50 for i in range(100))))
    assert len(long.content) <= 2000 and long.content.endswith("… (shortened)")


def test_echoed_input_cannot_make_a_masked_link() -> None:
    """`summary [Free Nitro](https://evil.example)` is echoed in a public "no story matches" reply: it must not
    become a link whose words hide where it goes."""
    reply = render_reply(Reply("No story matches '[Free Nitro](https://evil.example/x)' in the last 3 days.",
                               ok=False))
    assert not re.search(r"\[[^\]]*\]\(", reply.content)
    assert "Free Nitro" in reply.content and "https://evil.example/x" in reply.content


def test_one_odd_link_does_not_make_discord_refuse_the_digest() -> None:
    """One story's link with an underscore in its host made the embed's url one Discord refuses, and with it the
    whole message: every channel's digest of the region failed for the day."""
    odd = Story(id="odd", title="Odd link", summary=("One.",), topic="", language=None, published=NOW,
                sources=(SourceRef(name="Odd", url="https://my_outlet.example.com/story", title="t"),
                         SourceRef(name="Unicode", url="https://例え.テスト/記事", title="t")))
    (message,) = render_digest(digest_of([odd]))
    body = {"content": message.content, "embeds": [e.to_dict() for e in message.embeds]}
    assert limit_problems(body) == []
    assert message.embeds[0].url == "https://xn--r8jz45g.xn--zckzah/%E8%A8%98%E4%BA%8B"


def test_bidirectional_overrides_cannot_reverse_what_readers_see() -> None:
    assert neutralise("\u202eevil.com\u202c gro.elgoog \u2067x\u2069") == "evil.com gro.elgoog x"
    assert plain("\u202dabc\u202c", 100) == "abc"
    assert neutralise("اردو\u200f text") == "اردو\u200f text"
