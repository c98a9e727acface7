"""One clock for the runtime: the time ``App(clock=...)`` is given is the time a collection pass, its metrics,
retention and the core read (a test sets it; nothing reads the wall clock behind its back)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.app import App
from bot.runtime.run import CollectPasses, collect_due, prune_old
from bot.settings import Settings
from tests.fakes.clock import Clock
from tests.fakes.stories import day_of_news
from tests.fakes.webserver import WebServer

WHEN = datetime(2026, 3, 1, 6, 0, tzinfo=UTC)


async def test_the_apps_clock_is_the_time_of_collection_metrics_retention_and_the_core(tmp_path: Path) -> None:
    clock = Clock(WHEN)
    async with WebServer() as server:
        day_of_news(server, now=WHEN)
        settings = Settings.model_validate({
            "data_dir": tmp_path, "collect": {"allow_private_links": True, "retries": 0, "workers": 0},
            "regions": [{"name": "test", "title": "Test", "feeds": [
                {"name": "Dhaka Daily", "url": server.url("/dhaka-daily/feed")},
                {"name": "Gone", "url": server.url("/gone/feed")}]}],
        })
        async with App(settings, clock=clock) as app:
            await collect_due(app, now=clock())
            health = {h.name: h for h in await app.store.feed_health()}
            assert health["Dhaka Daily"].last_success_at == WHEN
            assert health["Gone"].last_attempt_at == WHEN and health["Gone"].consecutive_failures == 1
            stamp = app.metrics.registry.get_sample_value("khobor_last_collection_success_timestamp",
                                                          {"region": "test"})
            assert stamp == WHEN.timestamp()
            assert app.core_service().clock is clock and CollectPasses(app).clock is clock

            stored = await app.store.count_articles()
            assert stored == 3
            clock.now = WHEN + timedelta(days=app.settings.storage.keep_days - 1)
            await prune_old(app)  # fetched at WHEN: kept until keep_days after it, by the app's clock
            assert await app.store.count_articles() == stored
            clock.now = WHEN + timedelta(days=app.settings.storage.keep_days + 1)
            await prune_old(app)
            assert await app.store.count_articles() == 0
