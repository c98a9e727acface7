"""Each story explains itself on every platform (issue 16): outlets, topic, matched keywords and what further
outlets add, within every limit and without a ping from article text."""

from __future__ import annotations

import io
import json
import re
from dataclasses import replace

from rich.console import Console

from bot.adapters.console.render import digest_text
from bot.adapters.discord import render as discord
from bot.adapters.slack import render as slack
from digests.models import Addition, Digest, SourceRef, Story
from tests.adapters import slack_fixtures
from tests.adapters.test_discord_render import HOSTILE as DISCORD_HOSTILE
from tests.adapters.test_discord_render import PINGS as DISCORD_PINGS
from tests.adapters.test_discord_render import big_digest, check_limits, digest_of, hostile_digest, texts
from tests.adapters.test_slack_render import PINGS as SLACK_PINGS
from tests.adapters.test_slack_render import assert_within_limits
from tests.adapters.test_slack_render import texts as slack_texts

NEW_FACT = "Army boats reached three stranded unions carrying rice and drinking water."


def flood_story() -> Story:
    sources = (SourceRef("Dhaka Daily", "https://dhaka.example/floods", "Floods"),
               SourceRef("Delta Times", "https://delta.example/stranded", "Stranded"),
               SourceRef("Sylhet Mirror", "https://mirror.example/surma", "Surma"))
    return Story(id="flood", title="Floods cut off 40,000 families in Sylhet", summary=("Rivers burst their banks.",),
                 sources=sources, topic="Environment", language="en", published=None, matched_keywords=("flood",),
                 additions=(Addition("Delta Times", "https://delta.example/stranded", NEW_FACT),
                            Addition("Sylhet Mirror", "https://mirror.example/surma",
                                     "Cholera cases rose in clinics.")))


def single_story() -> Story:
    return Story(id="poll", title="Bihar to vote in three phases", summary=("Voting is next month.",),
                 sources=(SourceRef("Daily Star", "https://star.example/bihar", "Bihar"),), topic="Politics",
                 language="en", published=None)


def explained(digest: Digest, hostile: str) -> Digest:
    """``digest`` with every story carrying hostile additions and matched keywords, and many sources."""
    def dress(story: Story) -> Story:
        additions = (Addition(hostile, "https://evil.example/@everyone/(x)<@123>", f"{hostile} {'W' * 10_000}"),
                     Addition("@here", "javascript:alert(1)", hostile),
                     Addition("Third", "https://x.example/" + "a" * 10_000, "Never shown: two at most."))
        return replace(story, additions=additions, matched_keywords=(hostile, "@everyone", "k" * 5_000))
    return replace(digest, topics=tuple(replace(g, stories=tuple(dress(s) for s in g.stories))
                                        for g in digest.topics))


def test_discord_shows_outlets_topic_keywords_and_additions() -> None:
    (message,) = discord.render_digest(digest_of([flood_story(), single_story()]))
    flood, poll = message.embeds
    assert flood.footer.text == "3 outlets · Environment · matched: flood"
    assert poll.footer.text == "1 outlet (only Daily Star) · Politics"
    assert flood.fields[1].name == "What other outlets add"
    assert flood.fields[1].value == (f"• [Delta Times](https://delta.example/stranded): {NEW_FACT}\n"
                                     "• [Sylhet Mirror](https://mirror.example/surma): Cholera cases rose in clinics.")
    assert [f.name for f in poll.fields] == ["Source"]


def test_discord_explanations_keep_every_limit_and_ping_no_one() -> None:
    for digest in (explained(big_digest(), "Long outlet name " * 30), explained(hostile_digest(), DISCORD_HOSTILE)):
        messages = discord.render_digest(digest)
        check_limits(messages)  # the fake API's limits: embed 6,000, field 1,024, footer 2,048 ...
        assert [i for m in messages for i in m.story_ids] == [s.id for s in digest.stories]
        for message in messages:
            for text in texts(message):
                assert not DISCORD_PINGS.search(text), text[:200]
                assert "javascript:" not in text
            footers = {e.footer.text for e in message.embeds}  # footers show no Markdown: links cannot form there
            assert not [t for t in texts(message) if "[click me](" in t and t not in footers]
    embed = discord.render_digest(explained(hostile_digest(), DISCORD_HOSTILE))[0].embeds[0]
    assert "Never shown" not in str(embed.to_dict())
    assert len(embed.footer.text or "") <= discord.EXPLAIN_CHARS


def test_slack_shows_the_explanation_as_context_and_additions_as_lines() -> None:
    (message,) = slack.render_digest(digest_of([flood_story(), single_story()]))
    section_texts = [b["text"]["text"] for b in message.blocks if b["type"] == "section"]
    contexts = [b["elements"][0]["text"] for b in message.blocks if b["type"] == "context"]
    assert contexts[-2:] == ["3 outlets · Environment · matched: flood", "1 outlet (only Daily Star) · Politics"]
    flood = next(t for t in section_texts if t.startswith("*Floods"))
    assert f"\n+ <https://delta.example/stranded|Delta Times>: {NEW_FACT}\n" in flood
    assert flood.endswith("+ <https://mirror.example/surma|Sylhet Mirror>: Cholera cases rose in clinics.")


def test_slack_explanations_keep_every_limit_and_ping_no_one() -> None:
    hostile = slack_fixtures.HOSTILE
    big = slack_fixtures.make_digest(60, summary="A long summary sentence about the day's events. " * 60, sources=9)
    worst = slack_fixtures.make_digest(12, title=hostile, summary=f"{hostile} {'&' * 5000} {'x' * 10_240}")
    for digest in (explained(big, "Outlet " * 40), explained(worst, hostile)):
        messages = slack.render_digest(digest)
        assert_within_limits(messages)
        assert [i for m in messages for i in m.story_ids] == [s.id for s in digest.stories]
        for message in messages:
            assert sum(slack.size(t) for t in slack_texts(message)[1:]) <= slack.MESSAGE_CHARS
            for text in slack_texts(message):
                assert not SLACK_PINGS.search(text), text[:200]
                stripped = re.sub(r"<https?://[^|>]+\|[^>]*>", "", text)  # our own links aside
                assert "<" not in stripped and ">" not in stripped and not re.search(r"[_~`]", stripped)
        assert "Never shown" not in json.dumps([m.blocks for m in messages])
        assert "javascript:" not in json.dumps([m.blocks for m in messages])


def test_console_text_names_and_links_each_further_outlet() -> None:
    console = Console(file=io.StringIO(), width=200)
    console.print(digest_text(digest_of([flood_story(), single_story()])))
    out = console.file.getvalue()  # type: ignore[attr-defined]
    assert "  3 outlets · Environment · matched: flood\n" in out
    assert f"  + Delta Times: {NEW_FACT}\n" in out and "  + Sylhet Mirror: Cholera cases rose in clinics.\n" in out
    assert "  1 outlet (only Daily Star) · Politics\n" in out
    linked = Console(file=io.StringIO(), width=200, force_terminal=True)
    linked.print(digest_text(digest_of([flood_story()])))
    assert "https://delta.example/stranded" in linked.file.getvalue()  # type: ignore[attr-defined]


def test_discord_names_an_outlet_without_its_link_when_the_link_would_crowd_out_the_sentence() -> None:
    long_link = Addition("Delta Times", "https://delta.example/" + "p" * 400, NEW_FACT)
    value = discord.additions_value([long_link], room=6000)
    assert value == f"• Delta Times: {NEW_FACT}"
    assert discord.additions_value([long_link], room=20) == ""  # no room left in the embed: left out, not cut
