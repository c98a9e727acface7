"""Story identity across days: today's articles join a recent day's story when they report the same event.

The decision is the one that merges outlets within a window (:func:`digests.stories.group_stories`), taken
over the window's articles together with the region's articles of the ``STORY_OPEN`` before it: a group of
the window that takes in an earlier article continues that article's story. A story is open for new
articles while its newest article is at most ``STORY_OPEN`` old (3 days); after that a report of the same
event starts a new story. Each group carries the stored story id (``stories.id``) of its earliest article
that has one, so a story keeps one id across digests and days. The grouping decides, not the ids: when
two groups come out with the same id (the index that assigned ids when articles were stored had too few
articles to weigh words well, and put two events in one story) only the first keeps it, and the other is a
story without a stored id, which a channel's memory does not follow.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from digests.models import ArticleDoc, StoryDay
from digests.stories import group_stories, merge_summary, new_sentences
from digests.story_words import STORY_OPEN as STORY_OPEN  # re-exported: the story index reads it cheaply
from digests.text import article_sentences

RECENT_LIMIT = 900  # the newest earlier articles a window's articles are compared with

Group = tuple[list[int], int | None]  # indices into the window's articles, and the stored story id
_OLDEST = datetime.min.replace(tzinfo=UTC)


def continued_groups(docs: Sequence[ArticleDoc], recent: Sequence[ArticleDoc]) -> list[Group]:
    """Group ``docs`` (a window's articles) into stories, each joined to the recent story it continues.

    ``recent``: the region's articles of the ``STORY_OPEN`` before the window (those with a stored story
    count; the newest ``RECENT_LIMIT``). Only the window's articles are returned in the groups."""
    earlier = [doc for doc in recent if doc.story_id is not None][:RECENT_LIMIT]
    combined = [*docs, *earlier]
    groups: list[Group] = []
    for members in group_stories(combined):
        own = [i for i in members if i < len(docs)]
        if own:
            groups.append((own, earliest_story([combined[i] for i in members])))
    return unique_story_ids(groups)


def earliest_story(members: Sequence[ArticleDoc]) -> int | None:
    """The stored story of the earliest article that has one (the story the others continue), or None."""
    dated = sorted((d for d in members if d.story_id is not None), key=lambda d: (d.published or _OLDEST, d.id))
    return dated[0].story_id if dated else None


def unique_story_ids(groups: Sequence[Group]) -> list[Group]:
    """The groups with each story id kept by the first group that has it; a later one gets None."""
    taken: set[int] = set()
    unique: list[Group] = []
    for members, story in groups:
        if story is not None and story in taken:
            story = None
        elif story is not None:
            taken.add(story)
        unique.append((list(members), story))
    return unique


def development(docs: Sequence[ArticleDoc], *, max_sentences: int, max_chars: int) -> tuple[StoryDay, ...]:
    """A story's articles day by day (UTC dates, in order): each day's outlets and the facts new that day
    (its articles' summaries merged, less what earlier days' articles said: an edited copy adds nothing).
    Days that add neither a fact nor an outlet are left out."""
    days: dict[str, list[ArticleDoc]] = {}
    for doc in sorted(docs, key=lambda d: (d.published or _OLDEST, d.id)):
        days.setdefault(f"{(doc.published or _OLDEST).astimezone(UTC):%Y-%m-%d}", []).append(doc)
    said: list[str] = []
    outlets_seen: set[str] = set()
    out: list[StoryDay] = []
    for day, members in days.items():
        outlets = tuple(dict.fromkeys(d.source for d in members))
        merged = merge_summary([d.summary for d in members if d.summary], max_sentences=max_sentences,
                               max_chars=max_chars)
        fresh = new_sentences(merged, said)
        if fresh or not outlets_seen.issuperset(outlets):
            out.append(StoryDay(day=day, outlets=outlets, sentences=fresh))
        said += [line for d in members for line in article_sentences(d.text, d.language)] + list(fresh)
        outlets_seen.update(outlets)
    return tuple(out)
