"""Stories left out at the story limit are said, and on Discord and Slack listed in the thread (issue 14)."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

from rich.console import Console

from bot.adapters.console.render import digest_text
from bot.adapters.discord.render import DiscordMessage
from bot.adapters.discord.render import render_digest as discord_digest
from bot.adapters.slack.render import render_digest as slack_digest
from digests.models import Digest, SourceRef, Story, TopicGroup
from tests.fakes.discord_api import limit_problems
from tests.fakes.slack_api import block_problems

NOW = datetime(2026, 11, 25, 2, tzinfo=UTC)


def story(n: int, topic: str, words: int = 8) -> Story:
    sources = (SourceRef(f"Outlet {n}", f"https://o.example/{topic}/{n}?utm_source=x", f"t{n}"),
               SourceRef("Second", f"https://two.example/{n}", "t"))
    return Story(id=f"{topic}-{n}", title=f"{topic} headline {n}", summary=(" ".join(["word"] * words) + ".",),
                 sources=sources, topic=topic, language="en", published=NOW - timedelta(minutes=n))


def problems(message: DiscordMessage) -> list[str]:
    return limit_problems({"content": message.content, "embeds": [e.to_dict() for e in message.embeds]})


def cut_digest(more: int = 3) -> Digest:
    shown = (TopicGroup("Politics", (story(0, "Politics"), story(1, "Politics")), 4.0),)
    left = tuple(story(10 + n, "Sport" if n % 3 else "Economy") for n in range(more))
    return Digest("south-asia", "South Asia", NOW - timedelta(days=1), NOW, NOW, shown,
                  notes=("Quiet Feed could not be read since 23 Nov.",), more=left)


def test_discord_says_how_many_in_the_head_and_lists_them_in_the_thread() -> None:
    messages = discord_digest(cut_digest())
    head, thread = messages[0], messages[1:]
    assert "3 more stories: Sport (2), Economy (1): in the thread below." in head.content
    assert "Quiet Feed could not be read" in head.content  # notes stay with the stories
    listed = "\n".join(m.content for m in thread)
    assert listed.startswith("**3 more stories: Sport (2), Economy (1)**, beyond the 2 above:")
    assert "• [Sport headline 11](<https://o.example/Sport/11?utm_source=x>) · Outlet 11 and 1 more" in listed
    assert listed.index("__Sport__") < listed.index("__Economy__")
    assert all(problems(m) == [] for m in messages)


def test_discord_splits_a_long_list_within_the_limits() -> None:
    messages = discord_digest(cut_digest(more=150))
    assert all(problems(m) == [] for m in messages)
    listed = "\n".join(m.content for m in messages[1:])
    assert listed.count("• [") == 100 and "… and 50 more" in listed  # 50 headlines a topic at most


def test_slack_says_how_many_in_the_head_and_lists_them_in_the_thread() -> None:
    messages = slack_digest(cut_digest())
    assert len(messages) == 2  # the list goes to the thread even though the head had room
    head_text = str(messages[0].blocks)
    assert "3 more in the thread" in head_text and "Quiet Feed could not be read" in head_text
    thread_text = "\n".join(b["text"]["text"] for b in messages[1].blocks if b["type"] == "section")
    assert thread_text.startswith("*3 more stories: Sport (2), Economy (1)*, beyond the 2 above:")
    assert "• <https://o.example/Sport/11?utm_source=x|Sport headline 11> · Outlet 11 and 1 more" in thread_text
    for message in slack_digest(cut_digest(more=150)):
        assert block_problems(message.blocks) == []


def test_text_output_says_how_many_more_and_keeps_its_hanging_indent() -> None:
    screen = io.StringIO()
    long_story = story(0, "Politics", words=40)
    digest = Digest("r", "R", NOW, NOW, NOW, (TopicGroup("Politics", (long_story,), 2.0),), more=(story(5, "Sport"),))
    Console(file=screen, width=40, no_color=True).print(digest_text(digest))
    lines = screen.getvalue().splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("• Politics headline 0"))
    body = lines[start + 1:lines.index("1 more story: Sport (1)")]
    assert len(body) > 3  # the summary wrapped over several lines...
    assert all(line.startswith("  ") and line.strip() for line in body)  # ...each under the title, not under •
