"""Composing a digest: which stories a story limit keeps, what it says about the rest, clean source links."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from digests.compose import DigestSpec, compose_digest, fair_cut
from digests.models import ArticleDoc, Digest, SourceRef, Story, TopicGroup
from digests.render import more_text, to_dict, to_markdown

NOW = datetime(2026, 11, 25, 2, tzinfo=UTC)


def story(n: int, topic: str, outlets: int = 1) -> Story:
    sources = tuple(SourceRef(f"Outlet {k}", f"https://o{k}.example/{topic}/{n}", f"t{n}") for k in range(outlets))
    return Story(id=f"{topic}-{n}", title=f"{topic} story {n}", summary=(f"Sentence {n}.",), sources=sources,
                 topic=topic, language="en", published=NOW - timedelta(minutes=n))


def test_a_busy_topic_cannot_push_a_whole_topic_out() -> None:
    # The day: 40 stories, 20 shown; politics has more outlets behind it, sport's 8 all went missing.
    stories = [story(n, "Politics", outlets=2) for n in range(32)] + [story(n, "Sport") for n in range(8)]
    shown, more = fair_cut(stories, 20)
    topics = [s.topic for s in shown]
    assert len(shown) == 20 and len(more) == 20
    # Sport's top story first, then its 2nd-4th before any politics story past the fourth.
    assert topics.count("Sport") == 4 and topics.count("Politics") == 16
    assert [s.id for s in shown if s.topic == "Sport"] == ["Sport-0", "Sport-1", "Sport-2", "Sport-3"]
    assert shown == sorted(shown, key=stories.index)  # still in order of importance
    assert {s.id for s in shown} | {s.id for s in more} == {s.id for s in stories}


def test_every_topic_keeps_its_top_story_before_any_gets_a_second() -> None:
    stories = [story(n, "Politics", outlets=3) for n in range(6)] + [story(0, "Sport"), story(0, "Health")]
    shown, more = fair_cut(stories, 3)
    assert [s.id for s in shown] == ["Politics-0", "Sport-0", "Health-0"]
    assert [s.id for s in more] == [f"Politics-{n}" for n in range(1, 6)]
    assert fair_cut(stories, 3 + 5) == (stories, [])
    assert fair_cut(stories, None) == (stories, [])


def test_more_text_names_how_many_and_their_topics() -> None:
    digest = Digest("r", "R", NOW, NOW, NOW, (TopicGroup("Politics", (story(0, "Politics"),), 1.0),),
                    more=(story(1, "Sport"), story(2, "Sport"), story(1, "Economy")))
    assert more_text(digest) == "3 more stories: Sport (2), Economy (1)"
    assert "_3 more stories: Sport (2), Economy (1)_" in to_markdown(digest)
    assert to_dict(digest)["more"]["story_count"] == 3
    assert [s["id"] for s in to_dict(digest)["more"]["stories"]] == ["Sport-1", "Sport-2", "Economy-1"]
    assert more_text(Digest("r", "R", NOW, NOW, NOW, ())) == ""


EVENTS = [
    ("Floods cut off villages in Sylhet", "Rivers burst their banks after days of monsoon rain in the north east."),
    ("Central bank holds interest rate", "The governor said inflation had eased but the currency remained weak."),
    ("Cricket team wins the final series", "The captain scored a century as the bowlers took early wickets."),
    ("New hospital wing opens for children", "Doctors and nurses welcomed the first patients to the paediatric unit."),
    ("Parliament passes the election bill", "Opposition lawmakers walked out before the vote on the new law."),
]


def test_compose_fills_more_and_shows_source_links_without_tracking() -> None:
    docs = [ArticleDoc(id=n, title=title, text=body, summary=(body,), source=f"Outlet {n}",
                       url=f"https://www.o{n}.example/news/{n}?id={n}&utm_source=rss&utm_medium=feed&fbclid=x#top",
                       published=NOW - timedelta(hours=n)) for n, (title, body) in enumerate(EVENTS)]
    spec = DigestSpec(region="r", title="R", start=NOW - timedelta(days=1), end=NOW, max_stories=3)
    digest = compose_digest(docs, spec, now=NOW)
    assert len(digest.stories) == 3 and len(digest.more) == 2
    urls = [source.url for s in digest.stories + digest.more for source in s.sources]
    assert sorted(urls) == [f"https://www.o{n}.example/news/{n}?id={n}#top" for n in range(5)]
