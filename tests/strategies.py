"""Hypothesis strategies for hostile news: text built from the pieces that ping, link, format or escape on
Discord, Slack and in Markdown, mixed with arbitrary Unicode; stories and digests made of it."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

from hypothesis import settings
from hypothesis import strategies as st

from digests.models import Addition, Digest, SeenBefore, SourceRef, Story, TopicGroup

NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
DEEP = os.environ.get("HYPOTHESIS_PROFILE") == "deep"


def examples(count: int) -> settings:
    """A property's bound: ``count`` examples (seconds in the suite), twenty times as many when
    ``HYPOTHESIS_PROFILE=deep`` searches longer."""
    return settings(max_examples=count * (20 if DEEP else 1))


# Mentions and their look-alikes on both platforms, links in both syntaxes, escapes, and the characters a
# renderer removes or rewrites (controls, zero-width, soft hyphen, bidi), so that removing one can join others.
PIECES = (
    "@everyone", "@here", "@EveryOne", "@HERE", "@channel", "@Channel", "@", "everyone", "here", "channel",
    "<@123>", "<@!123>", "<@&456>", "<#789>", "</digest subscribe:1>", "<t:1700000000:R>", "<:pepe:42>",
    "<a:dance:43>", "<id:customize>", "<!channel>", "<!here>", "<!everyone>", "<!subteam^S0123|@team>",
    "<!subteam^S0123>", "<@U0123>", "<#C0123|general>", "<!date^1700000000^{date}|x>",
    "@\u200beveryone", "@\u200deveryone", "@\u2060here", "\uff20everyone", "@\u0435veryone", "\uff1c@123\uff1e",
    "\ufe6b", "\uff03", "\uff1c", "\uff1e", "\uff5c",
    "[click](https://evil.example/phish)", "[https://good.example/](https://evil.example/x)",
    "<https://evil.example|click>", "](", ")", "[", "]", "(", "<", ">", "|", "!", "&", "^", "#", ":",
    "`", "```", "*", "**", "_", "__", "~~", "||", "\\", "\\\\", "\\<", "\\@", "> ", "# ", "- ", "1. ", "-# ",
    "&lt;", "&gt;", "&amp;", "&lt;!channel&gt;", "&#64;here", "%40everyone",
    "https://evil.example/", "http://x.example/a_b*c", "https://x.example/@everyone/(x)<@123>",
    "123", "U0123", " ", "\n", "\r\n", "\t", "\x00", "\x07", "\x1b[31m", "\x7f", "\x85", "\u2028",
    "\u200b", "\u200c", "\u200d", "\u00ad", "\u202e", "\ufeff", "\u0301", "😀", "বাংলা", "عربى",
)

hostile_text = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=6)), max_size=10).map("".join)
# Mostly short; sometimes far over any platform limit (a 10 KB word, thousands of mentions).
long_text = st.one_of(hostile_text, hostile_text, hostile_text,
                      st.builds(lambda text, times: text * times, hostile_text, st.integers(1, 300)))
urls = st.one_of(
    st.sampled_from(["https://outlet.example/story", "http://a.example/a?b=1&c=2", "javascript:alert(1)", "",
                     "ftp://x.example/", "https://" + "a" * 600 + ".example/"]),
    st.builds(lambda scheme, rest: scheme + rest, st.sampled_from(["https://", "http://", "HTTPS://", ""]),
              hostile_text),
)


def sources(max_size: int = 4) -> st.SearchStrategy[tuple[SourceRef, ...]]:
    ref = st.builds(SourceRef, name=long_text, url=urls, title=hostile_text)
    return st.lists(ref, max_size=max_size).map(tuple)


@st.composite
def stories(draw: st.DrawFn, *, topic: st.SearchStrategy[str] = hostile_text) -> Story:
    """A story whose every text is hostile."""
    update = draw(st.none() | st.builds(SeenBefore, day=st.dates().map(str), link=st.none() | urls,
                                        outlets=st.lists(hostile_text, max_size=3).map(tuple)))
    return Story(id=draw(st.uuids()).hex, title=draw(long_text),
                 summary=tuple(draw(st.lists(long_text, max_size=4))), sources=draw(sources()),
                 topic=draw(topic), language=draw(st.none() | st.sampled_from(["en", "bn"])),
                 published=draw(st.none() | st.just(NOW)),
                 matched_keywords=tuple(draw(st.lists(hostile_text, max_size=3))),
                 additions=tuple(draw(st.lists(st.builds(Addition, source=long_text, url=urls, sentence=long_text),
                                               max_size=3))),
                 update=update)


def digest_of(story_list: list[Story], *, title: str = "Test", notes: tuple[str, ...] = (),
              more: tuple[Story, ...] = ()) -> Digest:
    labels = list(dict.fromkeys(s.topic for s in story_list))
    groups = tuple(TopicGroup(label=label, stories=tuple(s for s in story_list if s.topic == label), weight=1.0)
                   for label in labels)
    return Digest(region="test", title=title, window_start=NOW - timedelta(hours=24), window_end=NOW,
                  generated_at=NOW, topics=groups, notes=notes, more=more)


@st.composite
def digests(draw: st.DrawFn, *, max_stories: int = 4) -> Digest:
    """A digest of hostile stories, notes and stories left out, under a hostile title."""
    return digest_of(draw(st.lists(stories(), max_size=max_stories)), title=draw(long_text),
                     notes=tuple(draw(st.lists(long_text, max_size=3))),
                     more=tuple(draw(st.lists(stories(), max_size=3))))


@st.composite
def big_digests(draw: st.DrawFn) -> Digest:
    """Many stories (up to 120) and notes, some of them long, over few or many topics."""
    count = draw(st.integers(0, 120))
    topics = draw(st.integers(1, 30))
    bulk = draw(st.sampled_from(["", "x" * 900, "word " * 900]))
    story_list = [Story(id=f"s{i}", title=f"Story {i} {bulk[:300]}", summary=(f"First {i}. {bulk}",),
                        sources=tuple(SourceRef(name=f"Outlet {j}", url=f"https://o{j}.example/{i}/{bulk[:100]}",
                                                title="t") for j in range(i % 12)),
                        topic=f"Topic {i % topics}", language="en", published=NOW,
                        additions=(Addition(source="More", url="https://m.example/", sentence=bulk),) * (i % 3))
                  for i in range(count)]
    notes = tuple(f"Feed {n} failed. {bulk[:400]}" for n in range(draw(st.integers(0, 60))))
    more = tuple(Story(id=f"m{i}", title=f"More {i}", summary=(), sources=(), topic=f"T{i % 5}", language=None,
                       published=None) for i in range(draw(st.integers(0, 300))))
    return digest_of(story_list, notes=notes, more=more)
