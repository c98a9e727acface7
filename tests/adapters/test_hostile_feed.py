"""A hostile feed, collected for real and rendered on both platforms: nobody pinged, every limit kept."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.adapters.discord.render import render_digest as discord_digest
from bot.adapters.slack.render import render_digest as slack_digest
from bot.app import App, feed_sources
from bot.settings import load_settings
from tests.fakes.discord_api import limit_problems
from tests.fakes.news import FakeArticle, article_page, rss
from tests.fakes.settings import Region, write_settings
from tests.fakes.slack_api import block_problems
from tests.fakes.webserver import WebServer

PINGS = "@everyone @here <@123456789012345678> <@!42> <@&987654321> <#555> <!channel> <!here> <!everyone> <@U0123>"
MARKUP = "**bold** __under__ ~~strike~~ `code` ||spoiler|| [click](https://evil.example) > quote # Heading *b* _i_"


SUBJECTS = ("bridge collapse", "school strike", "hospital fire", "port closure", "tea harvest", "rail fares",
            "cyclone warning", "cricket riot", "bank fraud", "mobile outage", "dengue cases", "textile exports")
TOWNS = ("Sylhet", "Khulna", "Pokhara", "Galle", "Quetta", "Mysuru", "Jaffna", "Bogura", "Herat", "Kandy",
         "Patna", "Multan")


def hostile_articles(now: datetime) -> list[FakeArticle]:
    articles = []
    for n, (subject, town) in enumerate(zip(SUBJECTS, TOWNS, strict=True)):
        paragraphs = tuple(
            f"The {subject} in {town} worsened, {PINGS} said on {k} counts. {MARKUP} "
            f"{'W' * 10_000 if k == 2 else f'{town} residents described the {subject} to reporters.'}"
            for k in range(5)
        )
        title = f"{PINGS} {subject} in {town} {MARKUP}" + " long" * 80
        articles.append(FakeArticle(f"/hostile/{n}", title, paragraphs, now - timedelta(hours=n + 1)))
    return articles


def parsed_text(blocks: list[dict[str, Any]]) -> list[str]:
    """The mrkdwn texts of Slack blocks: Slack acts on mentions there, never in plain_text (headers)."""
    found = []
    for block in blocks:
        for part in [block.get("text"), *block.get("elements", []), *block.get("fields", [])]:
            if isinstance(part, dict) and part.get("type") == "mrkdwn":
                found.append(str(part["text"]))
    return found


def raw_mentions(text: str) -> list[str]:
    """Mentions a platform would act on: unbroken @everyone/@here, <@..>, <@&..>, <#..>, <!...>."""
    return re.findall(r"@everyone|@here|<@!?&?\d+>|<#\d+>|<!(?:channel|here|everyone)>|<@U\w+>", text)


async def test_hostile_feed_pings_nobody_on_discord_or_slack(tmp_path: Path) -> None:
    now = datetime.now(UTC)
    async with WebServer() as server:
        articles = hostile_articles(now)
        server.add_text("/hostile/feed", rss("hostile", server.url("").rstrip("/"), articles),
                        content_type="application/rss+xml")
        for article in articles:
            server.add_text(article.path, article_page(article, author=PINGS))
        region = Region("test", "Test <!channel> @everyone", [("@here <@&1> Times", server.url("/hostile/feed"))],
                        timezone="UTC")
        path = write_settings(tmp_path, region, collect={"workers": 0})
        async with App(load_settings(path, {})) as app:
            await app.collector().collect(feed_sources(app.settings))
            digest = await app.build_digest("test", now=now + timedelta(minutes=1))
    assert len(digest.stories) >= 10

    discord_messages = discord_digest(digest)
    for message in discord_messages:
        body = {"content": message.content, "embeds": [e.to_dict() for e in message.embeds]}
        assert limit_problems(body) == []
        assert raw_mentions(json.dumps(body, ensure_ascii=False)) == []
    assert sorted(i for m in discord_messages for i in m.story_ids) == sorted(s.id for s in digest.stories)

    slack_messages = slack_digest(digest)
    for message in slack_messages:
        assert block_problems(message.blocks) == []
        assert raw_mentions(json.dumps([message.text, parsed_text(message.blocks)], ensure_ascii=False)) == []
    assert sorted(i for m in slack_messages for i in m.story_ids) == sorted(s.id for s in digest.stories)
