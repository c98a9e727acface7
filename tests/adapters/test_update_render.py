"""An update (a story the channel saw before, with something new) on every platform: marked, only what is new,
a link to where the channel saw it, within the platform's limits, and nothing in it pings."""

from __future__ import annotations

import io
import json
from dataclasses import replace

from rich.console import Console

from bot.adapters.console.render import digest_text
from bot.adapters.discord import render as discord_render
from bot.adapters.slack import render as slack_render
from digests.models import Digest, SeenBefore, Story
from tests.adapters.slack_fixtures import HOSTILE, make_digest
from tests.adapters.test_discord_render import PINGS as DISCORD_PINGS
from tests.adapters.test_discord_render import check_limits
from tests.adapters.test_discord_render import texts as discord_texts
from tests.adapters.test_slack_render import PINGS as SLACK_PINGS
from tests.adapters.test_slack_render import assert_within_limits
from tests.adapters.test_slack_render import texts as slack_texts

DISCORD_LINK = "https://discord.com/channels/1/2/3"
SLACK_LINK = "https://fake.slack.test/archives/C1/p1700000001000100"


def updated(link: str, *, hostile: bool = False, stories: int = 3) -> tuple[Digest, Story]:
    digest = make_digest(stories, summary=HOSTILE if hostile else "", title=HOSTILE if hostile else "Story")
    first = digest.topics[0]
    story = replace(first.stories[0], update=SeenBefore(day="2026-11-24", link=link, outlets=(HOSTILE,)))
    return replace(digest, topics=(replace(first, stories=(story, *first.stories[1:])), *digest.topics[1:])), story


def test_discord_marks_an_update_and_links_the_earlier_message() -> None:
    digest, story = updated(DISCORD_LINK)
    embed = discord_render.story_embed(story)
    assert embed.title is not None and embed.title.startswith("Update: ")
    fields = {f.name: f.value for f in embed.fields}
    assert fields["Seen before"] == f"[Seen here on 2026-11-24]({DISCORD_LINK})"
    assert any(name is not None and name.startswith("New source") for name in fields)
    messages = discord_render.render_digest(digest)
    check_limits(messages)
    assert sum("Update: " in (e.title or "") for m in messages for e in m.embeds) == 1


def test_discord_update_with_hostile_text_pings_no_one_and_keeps_limits() -> None:
    digest, _ = updated("https://evil.example/@everyone <@123>", hostile=True, stories=30)
    messages = discord_render.render_digest(digest)
    check_limits(messages)
    for message in messages:
        for text in discord_texts(message):
            assert not DISCORD_PINGS.search(text), text


def test_slack_marks_an_update_and_links_the_permalink() -> None:
    digest, story = updated(SLACK_LINK)
    blocks = json.dumps(slack_render.story_blocks(story))
    assert "*Update: Story" in blocks and f"<{SLACK_LINK}|Seen here on 2026-11-24>" in blocks and "New from:" in blocks
    messages = slack_render.render_digest(digest)
    assert_within_limits(messages)


def test_slack_update_with_hostile_text_pings_no_one_and_keeps_limits() -> None:
    digest, _ = updated("javascript:alert(1)", hostile=True, stories=30)
    messages = slack_render.render_digest(digest)
    assert_within_limits(messages)
    for message in messages:
        for text in slack_texts(message):
            assert not SLACK_PINGS.search(text.replace(f"<{SLACK_LINK}|", "")), text
    assert "javascript:" not in json.dumps([m.blocks for m in messages])


def test_permalinks_and_message_links_name_the_message_that_carried_each_story() -> None:
    assert slack_render.permalink("https://team.slack.com/", "C1", "1700000001.000100") == \
        "https://team.slack.com/archives/C1/p1700000001000100"
    assert slack_render.permalink("", "C1", "2.5", "1.5") == "https://slack.com/archives/C1/p25?thread_ts=1.5&cid=C1"
    messages = [slack_render.SlackMessage(text="a", story_ids=("s1",)),
                slack_render.SlackMessage(text="b", story_ids=("s2", "s3"))]
    links = dict(slack_render.story_links(messages, ["1.1", "2.2"], workspace_url="https://t.slack.com/",
                                          channel_id="C1"))
    assert links == {"s1": "https://t.slack.com/archives/C1/p11",
                     "s2": "https://t.slack.com/archives/C1/p22?thread_ts=1.1&cid=C1",
                     "s3": "https://t.slack.com/archives/C1/p22?thread_ts=1.1&cid=C1"}
    pages = [discord_render.DiscordMessage(story_ids=("s1",)), discord_render.DiscordMessage(story_ids=("s2",))]
    assert dict(discord_render.story_links(pages, ["10", "11"], guild_id="1", channel_id="2", thread_id="10")) == \
        {"s1": "https://discord.com/channels/1/2/10", "s2": "https://discord.com/channels/1/10/11"}
    assert discord_render.message_link("dm", "5", "6") == "https://discord.com/channels/@me/5/6"


def test_the_console_marks_an_update_with_where_it_was_seen() -> None:
    digest, _ = updated(DISCORD_LINK)
    out = io.StringIO()
    Console(file=out, width=200, color_system=None).print(digest_text(digest))
    text = out.getvalue()
    assert "Update: Story" in text and "Seen here on 2026-11-24" in text and "New from: " in text


def test_an_update_left_out_at_the_story_limit_is_marked_in_the_thread_list() -> None:
    digest, story = updated(DISCORD_LINK)
    listed = replace(digest, more=(story,))
    assert any("Update: " in m.content for m in discord_render.render_digest(listed))
    assert "Update: " in json.dumps([m.blocks for m in slack_render.render_digest(listed)])
