"""A channel's memory of stories: what it was shown of each, and what its next digest shows of them.

A story the channel was shown before (on an earlier local day; the same story id, see
:mod:`digests.continuity`) comes again only when it has something new: outlets the channel has not seen
report it, or summary sentences that say what neither its summaries nor the articles they linked to said
(:func:`digests.stories.new_sentences`): an edited copy of an article the channel was shown is not new
because its summary picked another of that article's sentences. It then comes once
as an update, carrying only what is new and where the channel saw it before (:class:`SeenBefore`); with
nothing new it is left out, and a note says how many were. Pure functions: the adapters only render.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from digests.models import Digest, SeenBefore, Story, TopicGroup
from digests.stories import new_sentences
from digests.text import article_sentences


@dataclass(frozen=True, slots=True)
class Shown:
    """What one subscription's digest of one local day (``day``, "YYYY-MM-DD") showed of one story, and the
    message that carried it (a Discord message link, a Slack permalink; None when not known)."""

    story_id: int
    day: str
    outlets: tuple[str, ...]
    sentences: tuple[str, ...]
    link: str | None = None
    article_ids: tuple[int, ...] = ()  # the articles it linked to
    read: tuple[str, ...] = ()  # their texts, when read back (what the channel could read there)


@dataclass(frozen=True, slots=True)
class Plan:
    """A channel's digest after its memory: what it shows, and how many stories it left out as repeats."""

    digest: Digest
    updates: int
    repeats_left_out: int


def repeats_note(count: int) -> str:
    """The note that says how many stories were left out for having nothing new."""
    return (f"{count} {'story' if count == 1 else 'stories'} this channel saw before "
            f"{'has' if count == 1 else 'have'} nothing new today and {'is' if count == 1 else 'are'} left out.")


def plan_digest(digest: Digest, memory: Iterable[Shown]) -> Plan:
    """``digest`` as this channel should see it, given what it was shown before (``memory``, earlier days
    only): repeats without anything new left out, stories with something new turned into updates."""
    seen = _by_story(memory)
    updates = repeats = 0
    groups: list[TopicGroup] = []
    for group in digest.topics:
        kept: list[Story] = []
        for story in group.stories:
            planned = _planned(story, seen)
            if planned is None:
                repeats += 1
                continue
            updates += planned.update is not None
            kept.append(planned)
        if kept:
            groups.append(replace(group, stories=tuple(kept), weight=float(sum(len(s.sources) for s in kept))))
    more = [planned for story in digest.more if (planned := _planned(story, seen)) is not None]
    notes = (*digest.notes, repeats_note(repeats)) if repeats else digest.notes
    return Plan(replace(digest, topics=tuple(groups), more=tuple(more), notes=notes), updates, repeats)


def to_read(digest: Digest, memory: Iterable[Shown]) -> set[int]:
    """The articles whose text decides whether a story is new: those the channel was shown of each story that
    no new outlet reports (read them, and give them to :func:`plan_digest` with :func:`with_read`)."""
    seen = _by_story(memory)
    wanted: set[int] = set()
    for story in (*digest.stories, *digest.more):
        before = seen.get(story.story_id, []) if story.story_id is not None else []
        outlets = {name.casefold() for shown in before for name in shown.outlets}
        if before and all(s.name.casefold() in outlets for s in story.sources):
            wanted.update(i for shown in before for i in shown.article_ids)
    return wanted


def _by_story(memory: Iterable[Shown]) -> dict[int, list[Shown]]:
    seen: dict[int, list[Shown]] = {}
    for shown in memory:
        seen.setdefault(shown.story_id, []).append(shown)
    return seen


def _planned(story: Story, seen: Mapping[int, Sequence[Shown]]) -> Story | None:
    return update_of(story, seen.get(story.story_id, ())) if story.story_id is not None else story


def with_read(memory: Iterable[Shown], texts: Mapping[int, str]) -> list[Shown]:
    """``memory`` with the texts of the articles it linked to (``texts``: article id -> text)."""
    return [replace(shown, read=tuple(texts[i] for i in shown.article_ids if i in texts)) for shown in memory]


def update_of(story: Story, before: Sequence[Shown]) -> Story | None:
    """``story`` after what the channel was shown of it (``before``): unchanged if nothing; None if it has
    nothing new; else an update with only the new outlets (all of them when only sentences are new), the new
    sentences, what new outlets add that is new, and where the channel saw it last."""
    if not before:
        return story
    outlets = {name.casefold() for shown in before for name in shown.outlets}
    said = [sentence for shown in sorted(before, key=lambda s: s.day) for sentence in shown.sentences]
    said += [line for shown in before for text in shown.read for line in article_sentences(text, story.language)]
    fresh_sources = tuple(s for s in story.sources if s.name.casefold() not in outlets)
    fresh = new_sentences(story.summary, said)
    if not fresh_sources and not fresh:
        return None
    last = max(before, key=lambda s: (s.day, s.link is not None))
    names = tuple(dict.fromkeys(name for shown in before for name in shown.outlets))
    additions = tuple(a for a in story.additions  # what a new outlet adds that the channel has not read
                      if a.source.casefold() not in outlets and new_sentences([a.sentence], [*said, *fresh]))
    return replace(story, sources=fresh_sources or story.sources, summary=fresh, additions=additions,
                   update=SeenBefore(day=last.day, link=last.link, outlets=names))


def shown_of(digest: Digest, *, day: str, links: Mapping[str, str] | None = None) -> list[Shown]:
    """What a posted digest showed of each story with a stored id (``links``: story key -> the message that
    carried it). Stories left out at the story limit were shown as a headline only: not remembered."""
    links = links or {}
    return [Shown(story_id=story.story_id, day=day, outlets=tuple(dict.fromkeys(s.name for s in story.sources)),
                  sentences=story.summary, link=links.get(story.id), article_ids=story.article_ids)
            for story in digest.stories if story.story_id is not None]
