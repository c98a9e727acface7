"""The test fakes themselves: what the other tests rely on them for."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.fakes.stories import news_hour


def test_the_day_of_news_is_one_day_whatever_the_hour_the_tests_run() -> None:
    for hour in range(24):
        now = datetime(2026, 12, 7, hour, 10, tzinfo=UTC)
        written = news_hour(now)
        assert written <= now and now - written < timedelta(hours=9)
        assert (written - timedelta(hours=7)).date() == (written - timedelta(hours=2)).date()
