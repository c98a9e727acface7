"""Plain values passed between the pipeline stages."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class FeedSource:
    """A feed as configured for a region."""

    url: str
    name: str
    region: str
    topic: str | None = None  # a section feed's topic, from the settings: evidence for its stories


@dataclass(frozen=True, slots=True)
class FetchResult:
    """What one HTTP GET produced (after redirects, decompression and the size cap)."""

    url: str  # the URL asked for
    final_url: str  # after redirects
    status: int
    body: bytes
    headers: dict[str, str]
    etag: str | None = None
    last_modified: str | None = None

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One item of a parsed feed."""

    url: str  # the link as given by the feed (absolute)
    title: str
    summary: str  # plain text, may be empty
    author: str | None = None
    published: datetime | None = None  # timezone-aware UTC
    guid: str | None = None
    categories: tuple[str, ...] = ()  # RSS <category>, Atom category, dc:subject, JSON Feed tags
    language: str | None = None  # ISO 639-1 code the feed declares for the item (JSON Feed)


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """A feed parsed from bytes: what could be read, and the problem if there was one."""

    title: str | None
    entries: list[FeedEntry] = field(default_factory=list)
    error: str | None = None  # set when the feed was broken (entries may still be present)


@dataclass(frozen=True, slots=True)
class ExtractedArticle:
    """The main content of an article page."""

    text: str
    title: str | None = None
    author: str | None = None
    published: datetime | None = None  # timezone-aware UTC
    language: str | None = None  # ISO 639-1 code


@dataclass(frozen=True, slots=True)
class Summary:
    """An extractive summary: whole sentences of the source, in article order."""

    sentences: tuple[str, ...]
    algorithm: str  # the algorithm that produced it ("lead" when a fallback was used)
    language: str | None = None

    @property
    def text(self) -> str:
        return " ".join(self.sentences)


@dataclass(frozen=True, slots=True)
class ArticleDoc:
    """An article as the story and topic stages see it."""

    id: int
    title: str
    text: str
    summary: tuple[str, ...]
    source: str
    url: str
    published: datetime | None = None
    language: str | None = None
    categories: tuple[str, ...] = ()  # the feed item's own categories
    feed_url: str = ""
    story_id: int | None = None  # assigned when it was stored (None: stored before stories were)
    key: str = ""  # ``url`` in canonical form (digests.urls.canonical_url), as stored; "": not read


@dataclass(frozen=True, slots=True)
class SourceRef:
    """One outlet's article within a story."""

    name: str
    url: str
    title: str


MAX_ADDITIONS = 2  # further outlets shown per story: a line each keeps a story compact


@dataclass(frozen=True, slots=True)
class Addition:
    """What a further outlet adds to a story: its one sentence least covered by what the story says already."""

    source: str  # the outlet's name
    url: str  # the article the sentence is from
    sentence: str


@dataclass(frozen=True, slots=True)
class SeenBefore:
    """What makes a story an update in one channel: the channel was shown it before, there (``link``: the
    Discord message or Slack permalink of the post that carried it) on ``day`` (its local date), from these
    outlets. The story then carries only what is new since."""

    day: str
    link: str | None
    outlets: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class StoryDay:
    """One day of a story's development: the outlets that reported it that day and the facts (summary
    sentences) that were new that day."""

    day: str  # "YYYY-MM-DD" (UTC)
    outlets: tuple[str, ...]
    sentences: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Story:
    """One event, as reported by one or more outlets."""

    id: str  # stable across digests: derived from its first article's URL
    title: str
    summary: tuple[str, ...]  # sentences, no sentence twice
    sources: tuple[SourceRef, ...]
    topic: str
    language: str | None
    published: datetime | None
    article_ids: tuple[int, ...] = ()
    matched_keywords: tuple[str, ...] = ()  # the channel's keywords its headline or summary contains
    additions: tuple[Addition, ...] = ()  # what further outlets add (see digests.additions)
    story_id: int | None = None  # the stored story (stable across days), when its articles have one
    update: SeenBefore | None = None  # set when shown as an update of what a channel saw before
    development: tuple[StoryDay, ...] = ()  # day by day, when asked for (``summary WORDS``)

    @property
    def outlet_count(self) -> int:
        """How many outlets report it (``sources`` holds one per outlet)."""
        return len(self.sources)

    @property
    def single_outlet(self) -> bool:
        """Only one outlet reports it: a reader may want to weigh it so."""
        return len(self.sources) == 1


@dataclass(frozen=True, slots=True)
class TopicGroup:
    """Stories under one topic label."""

    label: str
    stories: tuple[Story, ...]
    weight: float


@dataclass(frozen=True, slots=True)
class Digest:
    """A region's news over a window, ready to render on any platform."""

    region: str
    title: str
    window_start: datetime
    window_end: datetime
    generated_at: datetime
    topics: tuple[TopicGroup, ...]
    notes: tuple[str, ...] = ()  # e.g. feeds that failed all day
    more: tuple[Story, ...] = ()  # left out at max_stories, most important first (each with its topic)

    @property
    def stories(self) -> tuple[Story, ...]:
        return tuple(story for group in self.topics for story in group.stories)

    @property
    def empty(self) -> bool:
        return not self.topics
