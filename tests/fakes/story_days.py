"""Three days of a loopback region built from the BBC News Summary set, for story memory across days.

Each BBC article is an event. Day 1 brings new events, each from one of three outlets (its opening paragraphs:
what is known that day). Day 2 brings follow-ups of some day-1 events from another outlet (the opening's first
50 words or more, then two paragraphs not yet reported: new facts), edited copies of others from the same
outlet (a new URL, "said" made "says", nothing new), and new events; day 3 likewise (follow-ups of day-1 and
day-2 events). Every article's ground truth is kept: which event, what kind, which
day, so what the platforms received can be judged from outside.
"""

from __future__ import annotations

import gzip
import json
import random
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from digests.models import ArticleDoc
from digests.stories import group_stories
from tests.fakes.news import FakeArticle, article_page, rss
from tests.fakes.webserver import WebServer

OUTLETS = ("Northern Post", "Harbour Times", "Valley Herald")
NEW, FOLLOW, EDIT = "new", "follow", "edit"
RECAP_WORDS = 50  # a follow-up restates the event's opening (some BBC items open with 3-word lines)


@dataclass(frozen=True, slots=True)
class Event:
    key: str  # the BBC id, e.g. "business/001"
    title: str
    paragraphs: tuple[str, ...]

    @property
    def recap(self) -> tuple[str, ...]:
        """What a follow-up restates first: the opening paragraphs, at least ``RECAP_WORDS`` words of them."""
        words = 0
        for end, paragraph in enumerate(self.paragraphs[:self.split], start=1):
            words += len(paragraph.split())
            if words >= RECAP_WORDS:
                return self.paragraphs[:end]
        return self.paragraphs[:self.split]

    @property
    def split(self) -> int:
        """Paragraphs reported on the event's first day; the rest are what follow-ups add."""
        return max(2, (len(self.paragraphs) * 3 + 4) // 5)


@dataclass(frozen=True, slots=True)
class Piece:
    """One article of the simulation and its ground truth."""

    event: str
    kind: str  # new | follow | edit
    day: int  # 1, 2, 3
    outlet: str
    article: FakeArticle


def load_events(path: Path, count: int, *, seed: int, min_paragraphs: int = 6) -> list[Event]:
    """``count`` BBC articles of at least ``min_paragraphs`` paragraphs, distinct headlines, in a seeded order."""
    events: list[Event] = []
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            row = json.loads(line)
            paragraphs = tuple(p.strip() for p in row["text"].split("\n\n") if p.strip())
            if len(paragraphs) >= min_paragraphs:
                events.append(Event(row["id"], row["title"].strip(), paragraphs))
    random.Random(seed).shuffle(events)
    return distinct(events[:count * 2])[:count]


def distinct(events: list[Event]) -> list[Event]:
    """One event of each set the story grouping calls the same event: the BBC set holds some twice (a rewrite
    under a new headline) and several reports of one event; kept, they would be one story to the bot and two
    events to the ground truth."""
    docs = [ArticleDoc(id=n, title=e.title, text="\n".join(e.paragraphs[:e.split]), summary=(), source="bbc",
                       url=f"https://bbc.example/{e.key}", language="en") for n, e in enumerate(events)]
    firsts = sorted(min(group) for group in group_stories(docs))
    return [events[i] for i in firsts]


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")[:60]


def edited(paragraphs: tuple[str, ...]) -> tuple[str, ...]:
    """A copy edited without news: "said" made "says" throughout, the opening marked as updated."""
    changed = tuple(re.sub(r"\bsaid\b", "says", p) for p in paragraphs)
    return (f"Updated: {changed[0]}", *changed[1:])


class Simulation:
    """The three days' articles, each day's publication window ending at ``ends[day - 1]``."""

    def __init__(self, events: list[Event], *, per_day: int, follows: int, edits: int, ends: list[datetime],
                 seed: int = 7) -> None:
        self.events = {e.key: e for e in events}
        self.ends = ends
        self.pieces: list[Piece] = []
        self._outlet: dict[str, list[str]] = {}  # event -> outlets that reported it so far
        rng = random.Random(seed)
        fresh = list(events)
        for day in (1, 2, 3):
            earlier = [e for e in self._outlet if self._first_day(e) < day]
            rng.shuffle(earlier)
            followed = self._followable(earlier, day)[:follows]
            copied = [e for e in earlier if e not in followed][:edits]
            for event in followed:
                self._add(event, FOLLOW, day)
            for event in copied:
                self._add(event, EDIT, day)
            for _ in range(per_day):
                self._add(fresh.pop(0).key, NEW, day)

    def _first_day(self, event: str) -> int:
        return min(p.day for p in self.pieces if p.event == event)

    def _followable(self, earlier: list[str], day: int) -> list[str]:
        """Events with facts left to report and an outlet that has not reported them: yesterday's and older
        ones in turn, yesterday's first."""
        able = [e for e in earlier if len(self._outlet[e]) < len(OUTLETS) and self._facts_left(e)]
        recent = [e for e in able if self._first_day(e) == day - 1]
        older = [e for e in able if self._first_day(e) < day - 1]
        turns = [e for pair in zip(recent, older, strict=False) for e in pair]
        return turns + recent[len(turns) // 2:] + older[len(turns) // 2:]

    def _facts_left(self, event: str) -> bool:
        told = sum(1 for p in self.pieces if p.event == event and p.kind == FOLLOW)
        return self.events[event].split + told < len(self.events[event].paragraphs)

    def _add(self, key: str, kind: str, day: int) -> None:
        event, index = self.events[key], len(self.pieces)
        when = self.ends[day - 1] - timedelta(hours=22) + timedelta(minutes=7 * (index % 150))
        if kind == NEW:
            outlet = OUTLETS[index % len(OUTLETS)]
            paragraphs, title = event.paragraphs[:event.split], event.title
        elif kind == FOLLOW:
            outlet = next(o for o in OUTLETS if o not in self._outlet[key])
            told = sum(1 for p in self.pieces if p.event == key and p.kind == FOLLOW)
            new = event.paragraphs[event.split + told:event.split + told + 2]
            paragraphs, title = (*event.recap, *new), event.title
        else:
            outlet = self._outlet[key][0]
            paragraphs, title = edited(event.paragraphs[:event.split]), event.title
        self._outlet.setdefault(key, [])
        if outlet not in self._outlet[key]:
            self._outlet[key].append(outlet)
        path = f"/{slug(outlet)}/{slug(key)}-{kind}-{day}"
        self.pieces.append(Piece(key, kind, day, outlet, FakeArticle(path, title, paragraphs, when)))

    def by_path(self) -> dict[str, Piece]:
        return {p.article.path: p for p in self.pieces}

    def serve(self, server: WebServer, day: int) -> None:
        """Each outlet's feed as it stands at the end of ``day`` (its articles so far, newest first), and pages."""
        base = server.url("").rstrip("/")
        for outlet in OUTLETS:
            items = sorted((p.article for p in self.pieces if p.outlet == outlet and p.day <= day),
                           key=lambda a: a.published, reverse=True)
            server.add_text(f"/{slug(outlet)}/feed", rss(outlet, base, items), content_type="application/rss+xml")
            for article in items:
                server.add_text(article.path, article_page(article))

    def expected(self, day: int) -> dict[str, str]:
        """What each event of ``day`` should be for a channel that saw every earlier day: ``new`` (shown
        plainly), ``update`` (it has a new outlet), ``nothing`` (only edited copies: not shown again)."""
        kinds: dict[str, set[str]] = {}
        for piece in self.pieces:
            if piece.day == day:
                kinds.setdefault(piece.event, set()).add(piece.kind)
        return {event: NEW if NEW in k else "update" if FOLLOW in k else "nothing" for event, k in kinds.items()}
