"""Slack Block Kit rendering: every message within Slack's limits, every story once, nothing that pings."""

from __future__ import annotations

import json
import re
from dataclasses import replace

from bot.adapters.slack.render import (
    SlackMessage,
    chunks,
    link_url,
    neutralise,
    render_digest,
    render_reply,
    size,
)
from bot.core.ports import Reply
from digests.models import SourceRef
from tests.adapters.slack_fixtures import HOSTILE, make_digest
from tests.fakes.slack_api import block_problems

# What would notify people or make a link if Slack saw it outside our own <https://…|…> links.
PINGS = re.compile(r"<[!@#]|(?<![\w\u200b])@(?:channel|here|everyone)\b|<(?!https?://)", re.IGNORECASE)


def texts(message: SlackMessage) -> list[str]:
    """Every text Slack would render in a message: the fallback and each block's text or elements."""
    out = [message.text]
    for block in message.blocks:
        if "text" in block:
            out.append(block["text"]["text"])
        out += [element["text"] for element in block.get("elements", [])]
    return out


def assert_within_limits(messages: list[SlackMessage]) -> None:
    for message in messages:
        assert block_problems(message.blocks) == []
        assert len(message.blocks) <= 50 and 0 < size(message.text) <= 3000
        for block in message.blocks:
            if block["type"] == "section":
                assert size(block["text"]["text"]) <= 3000
            if block["type"] == "header":
                assert size(block["text"]["text"]) <= 150
        assert len(json.dumps(message.blocks)) < 200_000


def test_big_digest_overflows_into_messages_within_limits_with_every_story_once() -> None:
    digest = make_digest(60, summary="A long summary sentence about the day's events. " * 60, sources=3,
                         notes=("Feed A could not be read since 03 Mar; its stories may be missing.",))
    messages = render_digest(digest)
    assert_within_limits(messages)
    assert len(messages) > 1
    ids = [story_id for message in messages for story_id in message.story_ids]
    assert ids == [story.id for story in digest.stories]  # each once, in digest order, none dropped
    rendered = "\n".join(t for m in messages for t in texts(m))
    for story in digest.stories:
        assert rendered.count(story.title.split()[-1]) == 1  # the unique "[Snnn]" marker
    assert messages[0].blocks[0]["type"] == "header" and "Test Region news digest" in messages[0].text
    assert "could not be read" in texts(messages[-1])[-1]  # notes come last
    assert all("continued" in texts(m)[1] for m in messages[1:])


def test_hostile_text_cannot_ping_link_or_restyle() -> None:
    ten_kb = "x" * 10_240
    digest = make_digest(12, title=HOSTILE, summary=f"{HOSTILE} {ten_kb} {'&' * 5000} {HOSTILE}",
                         notes=(HOSTILE,))
    messages = render_digest(digest)
    assert_within_limits(messages)
    assert [i for m in messages for i in m.story_ids] == [s.id for s in digest.stories]
    for message in messages:
        for text in texts(message):
            assert not PINGS.search(text), text[:200]
            stripped = re.sub(r"<https?://[^|>]+\|[^>]*>", "", text)  # our own links aside
            assert "<" not in stripped and ">" not in stripped
            assert not re.search(r"[_~`]", stripped)
            assert not re.search(r"^\s*&gt;", stripped, re.MULTILINE)  # no block quotes
    bold = [t for m in messages for t in texts(m) if t.startswith("*")]
    assert all(t.count("*") == 2 for t in (b.split("\n")[0] for b in bold))  # only our title markers


def test_a_ten_kilobyte_word_is_cut_between_entities_never_inside_one() -> None:
    text = neutralise("&" * 4000 + "a" * 6000)
    pieces = chunks(text, 2999)
    assert "".join(pieces) == text and all(size(p) <= 2999 for p in pieces)
    assert all(not re.search(r"&(?:a|am|amp)?$", p) for p in pieces[:-1])


def test_neutralise_defuses_mentions_and_markup() -> None:
    out = neutralise("<!channel> hi @here and @Everyone, mail a@herebefore.com *b* _i_ ~s~ `c` a&b")
    assert out.startswith("&lt;!channel&gt;") and "@\u200bhere" in out and "@\u200bEveryone" in out
    assert "a@herebefore.com" in out  # not a mention word
    assert not re.search(r"[*_~`]", out) and "a&amp;b" in out


def test_source_links_are_escaped_and_only_http() -> None:
    assert link_url("https://x.example/a?b=1&c=<2>|3 4") == "https://x.example/a?b=1&amp;c=%3C2%3E%7C3%204"
    assert link_url("javascript:alert(1)") is None and link_url("https://x.example/" + "a" * 2000) is None
    digest = make_digest(1)
    card = render_reply(Reply("", story=digest.stories[0]))
    assert "<https://news0.example/a/0?x=1&amp;y=2|Outlet 0>" in json.dumps(card.blocks, ensure_ascii=False)
    odd = replace(digest.stories[0], sources=(SourceRef(name="Feed|<b>", url="ftp://x", title="t"),))
    blocks = render_reply(Reply("", story=odd)).blocks
    assert "Feed|&lt;b&gt;" in blocks[-2]["text"]["text"]
    assert blocks[-1]["elements"][0]["text"] == "1 outlet (only Feed|&lt;b&gt;) · Topic 0"  # why it is here


def test_empty_digest_says_so_and_keeps_notes() -> None:
    digest = make_digest(0, notes=("Nothing could not be read so far; its stories may be missing.",))
    [message] = render_digest(digest)
    assert_within_limits([message])
    rendered = "\n".join(texts(message))
    assert "No new stories for Test Region" in rendered and "Nothing could not be read" in rendered
    assert message.story_ids == ()


def test_reply_converts_core_bold_and_defuses_echoed_input() -> None:
    message = render_reply(Reply("**Subscribed** this channel. There is no region '<!channel>'.\n`digest help`"))
    text = message.blocks[0]["text"]["text"]
    assert text.startswith("*Subscribed* this channel") and "&lt;!channel&gt;" in text and "`digest help`" in text
    long = render_reply(Reply("\n".join(f"• line {i} " + "words " * 40 for i in range(200))))
    assert_within_limits([long])
    assert "".join(t["text"]["text"] for t in long.blocks).count("• line") == 200


def test_bidirectional_overrides_cannot_reverse_what_readers_see() -> None:
    """A title "\u202eevil.com\u202c gro.elgoog" reads "moc.live google.org" on screen: the override and
    embedding characters (never needed by right-to-left text itself, which Urdu and Arabic feeds show right
    without them) are dropped from article text; the marks (U+200E/U+200F) stay."""
    assert neutralise("\u202eevil.com\u202c gro.elgoog \u2067x\u2069") == "evil.com gro.elgoog x"
    assert neutralise("اردو\u200f text") == "اردو\u200f text"
