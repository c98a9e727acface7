"""Three days of a loopback region from the BBC set, through the real Discord and Slack adapters against the
loopback fakes: nothing shown twice without something new, every follow-up from a new outlet marked as an
update that links to the message that carried the story before, every new event shown; and ``summary WORDS``
tells the story's development day by day. (bench/story_days.py runs the same on more events and prints it.)"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bot.app import App
from bot.core.summary import summary_reply
from tests.conftest import shared_data
from tests.fakes.story_days import FOLLOW, Simulation, load_events
from tests.fakes.story_days_run import run
from tests.fakes.webserver import WebServer

FIRST = date(2026, 11, 24)
ENDS = [datetime(2026, 11, 24, 2, tzinfo=UTC) + timedelta(days=n) for n in range(3)]  # 08:00 in Dhaka


async def test_three_days_no_repeats_updates_marked_new_events_shown(tmp_path: Path) -> None:
    events = load_events(shared_data("bbc-news-summary", "articles.jsonl.gz"), 18, seed=3)
    sim = Simulation(events, per_day=4, follows=2, edits=2, ends=ENDS)
    answers: list[str] = []

    async def ask(app: App) -> None:
        followed = next(p for p in sim.pieces if p.kind == FOLLOW and p.day == 2)
        reply = await summary_reply(app, sim.events[followed.event].title, now=ENDS[2], url_deadline_s=5)
        answers.extend([reply.text, *reply.lines])

    async with WebServer() as outlets:
        figures = await run(sim, tmp_path, outlets, FIRST, after=ask)
    for platform, days in figures.items():
        assert [f.problems for f in days] == [[], [], []], platform
        assert [f.repeats for f in days] == [0, 0, 0], platform
        assert [(f.updates_marked, f.updates_expected) for f in days] == [(0, 0), (2, 2), (2, 2)], platform
        assert [f.links_ok for f in days] == [0, 2, 2], platform
        assert [(f.new_shown, f.new_expected) for f in days] == [(4, 4), (4, 4), (4, 4)], platform
        for day in days[1:]:
            assert day.largest_update is not None
            size = day.largest_update
            if platform == "discord":
                assert size.message_chars <= 6000 and size.message_blocks <= 10 and size.largest_block <= 4096
            else:
                assert size.message_blocks <= 50 and size.largest_block <= 3000
    assert "over 2 days" in answers[0] and len(answers) == 3  # the header, then a line per day
    assert answers[1].startswith("2026-11-2") and answers[2].startswith("2026-11-2") and answers[1] < answers[2]
