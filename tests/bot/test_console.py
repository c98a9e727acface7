"""The core through the console harness: every command, every bad argument, permissions."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from rich.console import Console

from bot.adapters.console.adapter import ConsoleAdapter
from bot.app import App
from bot.settings import load_settings
from tests.fakes.settings import Region, write_settings
from tests.fakes.webserver import WebServer

NOW = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)  # 07:00 in Dhaka


@pytest.fixture
def outlets_now() -> datetime:
    return NOW


@pytest.fixture
async def harness(outlets: WebServer, tmp_path: Path) -> AsyncIterator[ConsoleAdapter]:
    south_asia = Region("south-asia", "South Asia", [("Dhaka Daily", outlets.url("/dhaka-daily/feed")),
                                                      ("Delta Times", outlets.url("/delta/feed"))])
    nepal = Region("nepal", "Nepal", [("Quiet", outlets.url("/quiet/feed"))], timezone="Asia/Kathmandu")
    path = write_settings(tmp_path, south_asia, nepal, collect={"workers": 0})
    settings = load_settings(path, {})
    async with App(settings) as app:
        await app.collector().collect([])  # nothing yet; feeds are read by the tests that need them
        yield ConsoleAdapter(app.core_service(clock=lambda: NOW), settings.console, output=Console(file=io.StringIO()))


async def collect(harness: ConsoleAdapter) -> None:
    from bot.app import feed_sources

    app = harness.service.news
    await app.collector().collect(feed_sources(app.settings, "south-asia"))


async def test_help_and_regions(harness: ConsoleAdapter) -> None:
    assert "digest subscribe REGION" in await harness.command("digest help")
    assert "digest subscribe REGION" in await harness.command("digest")
    regions = await harness.command("digest regions")
    assert "south-asia: South Asia (Asia/Dhaka, 2 feeds)" in regions and "Topics: Politics" in regions


async def test_subscribe_with_defaults_then_list_shows_next_delivery(harness: ConsoleAdapter) -> None:
    reply = await harness.command("digest subscribe south-asia")
    assert "Subscribed this channel to the South Asia digest" in reply
    assert "every day at 08:00 Asia/Dhaka (next: Wed 25 Nov 08:00)" in reply
    listing = await harness.command("digest list")
    assert "south-asia: Delivered every day at 08:00 Asia/Dhaka" in listing


async def test_resubscribing_updates_time_timezone_topics_keywords(harness: ConsoleAdapter) -> None:
    await harness.command("digest subscribe south-asia")
    reply = await harness.command('digest subscribe south-asia 6:30 Asia/Kolkata topics=sport,economy '
                                  'keywords="cancer ward, rupee"')
    assert "Updated this channel's South Asia digest" in reply
    assert "06:30 Asia/Kolkata (next: Wed 25 Nov 06:30); Sport, Economy; keywords: cancer ward, rupee" in reply
    assert (await harness.command("digest list")).count("Delivered") == 1


@pytest.mark.parametrize(("line", "expected"), [
    ("digest subscribe south-asa", "There is no region 'south-asa'. Regions: south-asia, nepal"),
    ("digest subscribe south-asia 25:00", "'25:00' is not a time; use 24-hour HH:MM"),
    ("digest subscribe south-asia 08:00 Asia/Dhakka", "'Asia/Dhakka' is not a timezone; did you mean 'Asia/Dhaka'"),
    ("digest subscribe south-asia topics=sprot", "Unknown topic 'sprot'. Topics of south-asia: Sport"),
    ("digest subscribe", "needs a region"),
    ('digest subscribe south-asia keywords="unclosed', "close your quotes"),
    ("digest subscribe south-asia 08:00 Asia/Dhaka extra", "unexpected 'extra'"),
    ("digest list now", "takes no arguments"),
    ("digest unsubscribe a b", "at most one region"),
    ("digest frobnicate", "unknown digest command 'frobnicate'"),
    ("weather today", "unknown command 'weather'"),
    ("summary", "needs a URL or some words"),
])
async def test_bad_arguments_get_clear_replies(harness: ConsoleAdapter, line: str, expected: str) -> None:
    assert expected in await harness.command(line)


async def test_unsubscribe_one_and_all(harness: ConsoleAdapter) -> None:
    await harness.command("digest subscribe south-asia")
    await harness.command("digest subscribe nepal 07:00")
    assert "Unsubscribed this channel from: nepal" in await harness.command("digest unsubscribe nepal")
    assert "is not subscribed to 'nepal'" in await harness.command("digest unsubscribe nepal")
    assert "from: south-asia" in await harness.command("digest unsubscribe")
    assert "no digest yet" in await harness.command("digest list")


async def test_only_managers_change_subscriptions_reading_is_open(harness: ConsoleAdapter) -> None:
    for line in ("digest subscribe south-asia", "digest unsubscribe", "digest now"):
        assert "Only people who can manage this channel" in await harness.command(line, can_manage=False)
    assert "no digest yet" in await harness.command("digest list", can_manage=False)
    assert "Regions:" in await harness.command("digest regions", can_manage=False)
    assert "digest help" in await harness.command("digest help", can_manage=False)


async def test_digest_now_posts_here_with_the_channel_filters(harness: ConsoleAdapter) -> None:
    await collect(harness)
    await harness.command("digest subscribe south-asia topics=sport")
    out = await harness.command("digest now")
    assert "not counted as the daily one" in out
    (_, digest, _), = harness.posted
    assert [s.title for s in digest.stories] == ["Sri Lanka beat Nepal to clinch T20 series"]
    assert "Sri Lanka beat Nepal" in out


async def test_summary_of_words_finds_the_story_with_its_sources(harness: ConsoleAdapter) -> None:
    await collect(harness)
    out = await harness.command("summary sylhet floods")
    assert "Summary (2 outlets):" in out and "Dhaka Daily" in out and "Delta Times" in out
    assert "<http://" in out and "utm_" not in out  # the feeds' links carry utm_*; readers see them without
    assert "No story matches 'volcano eruption'" in await harness.command("summary volcano eruption")


async def test_summary_of_a_private_url_is_refused(harness: ConsoleAdapter, outlets: WebServer) -> None:
    out = await harness.command(f"summary {outlets.url('/delta/kathmandu-cancer-ward')}")
    assert "refused" in out and "loopback" in out


async def test_a_link_is_a_link_whatever_its_case_and_other_schemes_are_refused(harness: ConsoleAdapter) -> None:
    """Outside review (q17r): `HTTP://...` (as phones capitalise it) and `ftp://...` were searched as words ("No story
    matches"). The first is fetched through the guard; the second is refused, saying what to give instead."""
    assert "refused: 127.0.0.1 is a loopback address" in await harness.command("summary HTTP://127.0.0.1/x")
    out = " ".join((await harness.command("summary ftp://example.com/report")).split())
    assert "only http and https links can be summarised, not ftp://" in out and "No story" not in out


async def test_the_core_checks_times_in_commands_built_from_options(harness: ConsoleAdapter) -> None:
    from bot.core.commands import Subscribe

    reply = await harness.service.execute(Subscribe(region="south-asia", time="25:99"), channel=harness.channel,
                                          user=harness.user())
    assert not reply.ok and "'25:99' is not a time" in reply.text


async def test_each_story_in_a_digest_explains_itself(harness: ConsoleAdapter) -> None:
    # Issue 16: outlets, the single-outlet mark, the topic and the keywords that matched, what a further outlet adds.
    await collect(harness)
    await harness.command('digest subscribe south-asia keywords="sylhet, Election, volcano"')
    out = await harness.command("digest now")
    (_, digest, _), = harness.posted
    flood, poll = digest.stories  # the cricket, rates and hospital stories match no keyword
    assert (flood.outlet_count, flood.matched_keywords, poll.matched_keywords) == (2, ("sylhet",), ("Election",))
    flat = " ".join(out.split())  # as a reader sees it, whatever the terminal's width
    assert "Dhaka Daily, Delta Times 2 outlets · Environment · matched: sylhet + Delta Times: Tens of thousands " \
        "of people were stranded in northeastern Bangladesh on Tuesday as rivers burst their banks." in flat
    assert "Delta Times 1 outlet (only Delta Times) · Politics · matched: Election" in flat
    assert poll.single_outlet and poll.additions == ()


async def test_an_etc_gmt_zone_says_which_way_its_offset_goes(harness: ConsoleAdapter) -> None:
    """POSIX inverts the sign of Etc/GMT names: Etc/GMT+6 is six hours behind UTC. Someone who meant UTC+6 is
    told what they chose rather than getting the digest twelve hours off."""
    reply = await harness.command("digest subscribe south-asia 08:00 Etc/GMT+6")
    assert "Etc/GMT+6 (= UTC-6" in reply
    assert "(= UTC" not in await harness.command("digest subscribe south-asia 08:00 Asia/Dhaka")
