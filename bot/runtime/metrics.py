"""Prometheus metrics, on a registry of their own (served at ``/metrics`` by ``bot.health``).

    metrics = Metrics()
    metrics.record_collection(reports, regions={"https://x/feed": "south-asia"}, now=now)
    metrics.deliveries.labels(platform="slack", status="posted").inc()

The pipeline (``digests``) knows nothing of this: the runtime records what the pipeline returns. Labels are
bounded: feed URLs and regions come from the settings, platforms and statuses are fixed sets.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from prometheus_client import CollectorRegistry, Counter, Gauge, generate_latest

from digests.collect import FeedReport

SUCCESS = frozenset({"ok", "not-modified"})  # a feed that answered, new articles or not


class Metrics:
    """Every metric the bot exports. One per process (``App.metrics``); tests make their own."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry(auto_describe=True)
        r = self.registry
        self.articles_collected = Counter("khobor_articles_collected", "New articles stored, by region",
                                          ["region"], registry=r)
        self.feed_failures = Counter("khobor_feed_failures", "Feed reads that failed, by feed URL",
                                     ["feed"], registry=r)
        self.summaries = Counter("khobor_summaries", "Articles summarised", registry=r)
        self.digests_built = Counter("khobor_digests_built", "Digests composed, by region", ["region"], registry=r)
        self.deliveries = Counter("khobor_deliveries", "Delivery outcomes (posted, paused, failed; retry for "
                                  "each failed attempt), by platform", ["platform", "status"], registry=r)
        self.rate_limit_wait = Counter("khobor_rate_limit_wait_seconds", "Seconds deliveries waited for the "
                                       "platform's pace (and its Retry-After)", ["platform"], registry=r)
        self.queue_depth = Gauge("khobor_delivery_queue_depth", "Deliveries queued or in progress, by platform",
                                 ["platform"], registry=r)
        self.last_collection = Gauge("khobor_last_collection_success_timestamp", "Unix time of the last pass in "
                                     "which a feed of the region was read successfully", ["region"], registry=r)

    def record_collection(self, reports: Iterable[FeedReport], *, regions: Mapping[str, str],
                          now: datetime) -> None:
        """Count a pass: new articles per region, failures per feed, and each region that was read at ``now``.
        ``regions`` maps feed URL to region; a feed not in it is counted under region ``""``."""
        succeeded: set[str] = set()
        for report in reports:
            region = regions.get(report.url, "")
            if report.new:
                self.articles_collected.labels(region=region).inc(report.new)
            if report.status == "failed":
                self.feed_failures.labels(feed=report.url).inc()
            elif report.status in SUCCESS:
                succeeded.add(region)
        for region in succeeded:
            self.last_collection.labels(region=region).set(now.timestamp())

    def exposition(self) -> bytes:
        """The metrics in Prometheus' text format."""
        return generate_latest(self.registry)
