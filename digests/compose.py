"""Composing a digest: articles -> stories -> topics, filtered and ordered, as a platform-neutral value."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from digests.additions import outlet_additions
from digests.continuity import Group, continued_groups
from digests.models import MAX_ADDITIONS, ArticleDoc, Digest, SourceRef, Story, TopicGroup
from digests.stories import group_stories, lead_story_id, merge_summary
from digests.topic_hints import url_sections
from digests.topics import DEFAULT_TAXONOMY, FALLBACK_TOPIC, TopicSpec, assign_topics, matched_keywords, matches_filters
from digests.urls import clean_link

# A story's topic is read from its headline, its summary and this many first words of its lead article:
# a headline and three sentences are too little to place a story (bench/topic_windows.py).
TOPIC_LEAD_WORDS = 150

_OLDEST = datetime.min.replace(tzinfo=UTC)
# Topics are placed among at most this many stories, the most important first (of those the keywords keep):
# label spreading compares each story with its neighbours, which grows with the square of the count.
TOPIC_POOL = 2000
REGROUP_UP_TO = 300  # windows of at most this many articles are grouped afresh (see story_groups)


@dataclass(frozen=True, slots=True)
class DigestSpec:
    """What one digest covers and how much of it to show."""

    region: str
    title: str
    start: datetime
    end: datetime
    topics: Collection[str] | None = None  # None: every topic
    keywords: Sequence[str] = ()
    taxonomy: Sequence[TopicSpec] = field(default_factory=lambda: list(DEFAULT_TAXONOMY))
    fallback_topic: str = FALLBACK_TOPIC
    max_sentences: int = 3
    max_chars: int = 600
    max_stories: int | None = None
    feed_topics: Mapping[str, str] = field(default_factory=dict)  # feed URL -> its configured topic
    max_additions: int = MAX_ADDITIONS  # further outlets whose most novel sentence a story shows


def compose_digest(docs: Sequence[ArticleDoc], spec: DigestSpec, *, now: datetime, notes: Sequence[str] = (),
                   history: Sequence[tuple[ArticleDoc, str]] = (), recent: Sequence[ArticleDoc] = ()) -> Digest:
    """Group ``docs`` into stories under topics, keep what the spec asks for, most important first.

    ``history``: articles of the region's earlier digests with the topic each was placed under, labelled
    context for placing these (see :func:`digests.topics.assign_topics`). ``recent``: the region's articles
    of the days before the window, whose stories today's articles may continue (:mod:`digests.continuity`).
    The steps, :func:`pick_stories`, :func:`place_stories` and :func:`add_additions`, can run apart: then only
    the picked stories' lead articles, and the shown stories' articles, need their texts (see
    :func:`digests.pipeline.build_digest`)."""
    stories, groups = pick_stories(docs, spec, recent)
    digest = place_stories(stories, [[docs[i] for i in group] for group in groups], spec, now=now, notes=notes,
                           history=history)
    return add_additions(digest, docs, limit=spec.max_additions)


def pick_stories(docs: Sequence[ArticleDoc], spec: DigestSpec,
                 recent: Sequence[ArticleDoc] = ()) -> tuple[list[Story], list[list[int]]]:
    """The stories of ``docs`` a digest chooses among (:data:`TOPIC_POOL` at most), each with its articles'
    indices, the first of which is the article its topic is read from (see :func:`place_stories`). Reads no
    text but of articles without a story (and in windows of at most :data:`REGROUP_UP_TO`). Only the stories
    kept are composed (their summaries merged): a story's importance is read from its articles alone, so a
    window of 100,000 articles does not merge 50,000 summaries."""
    ranked, every = ranked_groups(docs, story_groups(docs, recent))
    return pool_stories(docs, ranked, spec, every=every)


def lead_indices(groups: Sequence[Sequence[int]]) -> list[int]:
    """The article of each story (as :func:`pick_stories` gives them) whose text its topic is read from."""
    return [group[0] for group in groups]


def place_stories(stories: Sequence[Story], members: Sequence[Sequence[ArticleDoc]], spec: DigestSpec, *,
                  now: datetime, notes: Sequence[str] = (), history: Sequence[tuple[ArticleDoc, str]] = ()) -> Digest:
    """Place the picked ``stories`` (``members``: each one's articles, the lead first) under topics, keep what
    the spec asks for, most important first; what further outlets add comes after (:func:`add_additions`)."""
    labels = assign_topics(
        [topic_text(group[0].title, story.summary, group[0].text) for story, group in
         zip(stories, members, strict=True)], spec.taxonomy, fallback=spec.fallback_topic,
        hints=[_hints(group, spec) for group in members],
        history=[(topic_text(doc.title, doc.summary, doc.text), label) for doc, label in history])
    kept = [_explained(story, label, spec) for story, label in zip(stories, labels, strict=True)
            if matches_filters(_topic_text(story), topics=spec.topics, story_topic=label, keywords=spec.keywords)]
    kept.sort(key=importance, reverse=True)
    kept, more = fair_cut(kept, spec.max_stories)
    return Digest(region=spec.region, title=spec.title, window_start=spec.start, window_end=spec.end,
                  generated_at=now, topics=_by_topic(kept, spec.fallback_topic), notes=tuple(notes),
                  more=tuple(more))


FAIR_SHARE = 4  # stories a topic may have before another topic's stories are cut (a topic's fifth waits)


def fair_cut(stories: Sequence[Story], limit: int | None) -> tuple[list[Story], list[Story]]:
    """The ``limit`` stories to show, and the rest, both most important first (``stories`` come so ordered).

    First every topic's top story, then the topics' second to fourth stories, and only then any topic's fifth
    and later ones; by importance within each tier. So a busy topic (30 politics stories) cannot push a whole
    topic (sport) out of the digest; what is left out is said (:attr:`Digest.more`), never dropped silently."""
    if limit is None or len(stories) <= limit:
        return list(stories), []
    seen: dict[str, int] = {}
    ranks = []
    for story in stories:
        ranks.append(seen.get(story.topic, 0))
        seen[story.topic] = ranks[-1] + 1
    tier = [0 if rank == 0 else 1 if rank < FAIR_SHARE else 2 for rank in ranks]
    chosen = set(sorted(range(len(stories)), key=lambda i: (tier[i], i))[:limit])
    return ([s for i, s in enumerate(stories) if i in chosen], [s for i, s in enumerate(stories) if i not in chosen])


def ranked_groups(docs: Sequence[ArticleDoc], identified: Sequence[Group]) -> tuple[list[Group], bool]:
    """The groups :func:`pool_stories` composes, in its order, and whether every one of them is kept (a window
    of at most TOPIC_POOL stories); else the most important first, of which TOPIC_POOL the keywords keep are.
    Reads only the articles' sources and times (a window can be read without headlines and summaries first)."""
    if len(identified) <= TOPIC_POOL:
        return list(identified), True
    return sorted(identified, key=lambda pair: _group_importance(docs, pair[0]), reverse=True), False


def pool_stories(docs: Sequence[ArticleDoc], ranked: Sequence[Group], spec: DigestSpec, *, every: bool,
                 room: int | None = None) -> tuple[list[Story], list[list[int]]]:
    """The stories of ``ranked`` (see :func:`ranked_groups`), each with its articles' indices: all of them when
    ``every``, else the first ``room`` (default TOPIC_POOL) the keywords keep (those groups' articles read in
    full)."""
    room = TOPIC_POOL if room is None else room
    if every:
        return [_story(docs, group, spec, story) for group, story in ranked], [list(group) for group, _ in ranked]
    stories: list[Story] = []
    kept: list[list[int]] = []
    for group, stored in ranked:
        if len(kept) >= room:
            break
        story = _story(docs, group, spec, stored)
        if matches_filters(_topic_text(story), topics=None, story_topic="", keywords=spec.keywords):
            stories.append(story)
            kept.append(list(group))
    return stories, kept


def _group_importance(docs: Sequence[ArticleDoc], group: Sequence[int]) -> tuple[int, datetime]:
    """:func:`importance` of the story ``group`` makes, without making it."""
    published = [moment for i in group if (moment := docs[i].published)]
    return len({docs[i].source for i in group}), max(published, default=_OLDEST)


def _explained(story: Story, label: str, spec: DigestSpec) -> Story:
    """The story under its topic, with the channel's keywords it matched: why it is in this digest."""
    return replace(story, topic=label, matched_keywords=matched_keywords(_topic_text(story), spec.keywords))


def add_additions(digest: Digest, docs: Sequence[ArticleDoc], *, limit: int) -> Digest:
    """``digest`` with what its shown stories' further outlets add, from ``docs`` (at least those stories'
    articles, with their texts: see :func:`additions_needed`)."""
    return replace(digest, topics=tuple(replace(topic, stories=tuple(with_additions(topic.stories, docs, limit=limit)))
                                        for topic in digest.topics))


def additions_needed(digest: Digest, limit: int) -> list[int]:
    """The articles whose texts :func:`add_additions` reads: those of the shown stories of several outlets."""
    return [i for story in digest.stories if story.outlet_count > 1 and limit > 0 for i in story.article_ids]


def with_additions(stories: Sequence[Story], docs: Sequence[ArticleDoc], *, limit: int) -> list[Story]:
    """``stories`` with what their further outlets add (:mod:`digests.additions`); only the stories shown are
    measured, and only those with more than one outlet."""
    by_id = {doc.id: doc for doc in docs}
    out = []
    for story in stories:
        members = [by_id[i] for i in story.article_ids if i in by_id]
        if story.outlet_count > 1 and limit > 0:
            story = replace(story, additions=outlet_additions(story.title, story.summary, members,
                                                              language=story.language, limit=limit))
        out.append(story)
    return out


def story_groups(docs: Sequence[ArticleDoc], recent: Sequence[ArticleDoc] = ()) -> list[Group]:
    """The stories of ``docs`` as indices with their stored story ids: the ones assigned when the articles
    were stored, and for articles stored before stories were, the grouping of
    :func:`digests.stories.group_stories` among those.

    A small window is grouped afresh, together with the ``recent`` articles whose stories it may continue
    (:func:`digests.continuity.continued_groups`): the story index decides with the words' rarity among the
    articles it holds, which says little while it holds only a handful (a new installation), and comparing
    every pair of a few hundred articles costs milliseconds."""
    if len(docs) <= REGROUP_UP_TO:
        return continued_groups(docs, recent)
    assigned: dict[int, list[int]] = {}
    loose: list[int] = []
    for i, doc in enumerate(docs):
        if doc.story_id is None:
            loose.append(i)
        else:
            assigned.setdefault(doc.story_id, []).append(i)
    groups: list[Group] = [(members, story) for story, members in assigned.items()]
    if loose:
        groups += [([loose[j] for j in group], None) for group in group_stories([docs[i] for i in loose])]
    return groups


def importance(story: Story) -> tuple[int, datetime]:
    """More outlets first, then the most recent."""
    return len(story.sources), story.published or _OLDEST


def _story(docs: Sequence[ArticleDoc], group: Sequence[int], spec: DigestSpec, stored: int | None) -> Story:
    # The first report leads: its headline and summary order, then what the others add.
    members = sorted((docs[i] for i in group), key=lambda d: (d.published or _OLDEST, d.id))
    lead = members[0]
    sources: dict[str, SourceRef] = {}
    for doc in members:
        if doc.source not in sources:
            sources[doc.source] = source_of(doc)
    summary = merge_summary([d.summary for d in members if d.summary],
                            max_sentences=spec.max_sentences, max_chars=spec.max_chars)
    return Story(id=lead_story_id(lead), title=lead.title, summary=summary,
                 sources=tuple(sources.values()), topic="", language=lead.language,
                 published=max((d.published for d in members if d.published), default=None),
                 article_ids=tuple(d.id for d in members), story_id=stored)


def topic_text(title: str, summary: Sequence[str], text: str) -> str:
    """What a story's topic is read from: headline, summary, and the lead of the article's text."""
    return " ".join((title, *summary, *text.split()[:TOPIC_LEAD_WORDS]))


def _hints(members: Sequence[ArticleDoc], spec: DigestSpec) -> list[str]:
    """What the outlets say about a story's topic: item categories, URL sections, the feeds' topics."""
    hints: list[str] = []
    for doc in members:
        hints.extend(doc.categories)
        hints.extend(url_sections(doc.url))
        if doc.feed_url in spec.feed_topics:
            hints.append(spec.feed_topics[doc.feed_url])
    return hints


def source_of(doc: ArticleDoc) -> SourceRef:
    """An article as a story's source, its link as readers should see it (no utm_* or other click tracking)."""
    return SourceRef(name=doc.source, url=clean_link(doc.url), title=doc.title)


def _topic_text(story: Story) -> str:
    return " ".join((story.title, *story.summary))


def _by_topic(stories: Sequence[Story], fallback: str) -> tuple[TopicGroup, ...]:
    groups: dict[str, list[Story]] = {}
    for story in stories:
        groups.setdefault(story.topic, []).append(story)
    topics = [TopicGroup(label=label, stories=tuple(members), weight=float(sum(len(s.sources) for s in members)))
              for label, members in groups.items()]
    # Heaviest topic first; the catch-all group always last.
    topics.sort(key=lambda t: (t.label != fallback, t.weight), reverse=True)
    return tuple(topics)
