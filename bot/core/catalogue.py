"""What the settings offer a channel: regions, their topics and feeds. One home for these lookups.

    catalogue = Catalogue(settings.regions)
    region = catalogue.region("south-asia")         # or UnknownRegionError naming the closest ones
    catalogue.topic_labels(region)                  # ["Politics", ..., "Other news"] in the region's language
    catalogue.feeds("south-asia")                   # [FeedSource(...), ...]
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence

from bot.errors import UnknownRegionError
from bot.region_settings import RegionSettings
from digests.models import FeedSource
from digests.taxonomy import TopicSpec, default_taxonomy
from digests.topic_seeds import LABELS


def closest(value: str, choices: Sequence[str]) -> str:
    """The valid choices, closest matches to ``value`` first."""
    near = difflib.get_close_matches(value, choices, n=len(choices), cutoff=0.0)
    return ", ".join(near or choices)


def taxonomy(region: RegionSettings) -> list[TopicSpec]:
    """The region's topics, or the built-in taxonomy labelled in the region's language."""
    if region.topics is None:
        return list(default_taxonomy(region.labels_language))
    return [TopicSpec(label=t.label, keywords=tuple(t.keywords)) for t in region.topics]


class Catalogue:
    """The regions of the settings, looked up by name."""

    def __init__(self, regions: Sequence[RegionSettings]) -> None:
        self.regions = list(regions)
        self._by_name = {r.name: r for r in self.regions}

    @property
    def names(self) -> list[str]:
        return [r.name for r in self.regions]

    def region(self, name: str) -> RegionSettings:
        """The region called ``name`` (case-insensitive), or UnknownRegionError naming the closest ones."""
        found = self._by_name.get(name) or self._by_name.get(name.lower())
        if found is None:
            raise UnknownRegionError(name, closest(name, self.names).split(", "))
        return found

    def unknown_region(self, name: str) -> str:
        """What to tell someone who named a region that does not exist: the valid ones, closest first."""
        return f"There is no region {name!r}. Regions: {closest(name, self.names)}."

    def topic_labels(self, region: RegionSettings) -> list[str]:
        """Every topic a channel of ``region`` may choose, the fallback group last."""
        return [t.label for t in taxonomy(region)] + [region.other_topic]

    def topic_label(self, region: RegionSettings, wanted: str) -> str | None:
        """The region's label for what someone typed: the label itself in any case, or, for the built-in
        topics, its English name ("Sport" in a Bangla region is "খেলা"); None when there is no such topic."""
        labels = self.topic_labels(region)
        by_fold = {label.casefold(): label for label in labels}
        if wanted.casefold() in by_fold:
            return by_fold[wanted.casefold()]
        if region.topics is None and len(labels) == len(LABELS["en"]):
            english = {label.casefold(): n for n, label in enumerate(LABELS["en"])}
            if wanted.casefold() in english:
                return labels[english[wanted.casefold()]]
        return None

    def feeds(self, region: str | None = None) -> list[FeedSource]:
        """The feeds of one region, or of all regions."""
        regions = [self.region(region)] if region else self.regions
        return [FeedSource(url=f.url, name=f.name, region=r.name, topic=f.topic) for r in regions for f in r.feeds]

    def describe(self) -> str:
        """Every region with its timezone, feeds and topics."""
        lines = []
        for region in self.regions:
            topics = ", ".join(self.topic_labels(region))
            lines.append(f"• {region.name}: {region.title} ({region.timezone}, {len(region.feeds)} feeds). "
                         f"Topics: {topics}.")
        return "Regions:\n" + "\n".join(lines)
