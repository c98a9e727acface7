"""Each story explains itself: its outlets, the topic and keywords that put it in the digest, and what each
further outlet adds (issue 16)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from digests.additions import MIN_NOVELTY, outlet_additions
from digests.compose import DigestSpec, compose_digest
from digests.models import Addition, ArticleDoc, Digest, SourceRef, Story, TopicGroup
from digests.render import explain_text, to_dict, to_json, to_markdown
from digests.topics import matched_keywords, matches_filters

NOW = datetime(2026, 11, 25, 2, tzinfo=UTC)
TITLE = "Floods cut off forty thousand families in Sylhet"
LEAD = ("Floods have cut off forty thousand families in Sylhet after the Surma river burst its banks.",
        "The district administration opened two hundred shelters in schools and mosques.",
        "Forecasters expect more monsoon rain across the north east this week.")
NEW_FACT = "Army boats reached three stranded unions of Companiganj carrying rice and drinking water."
REWORDED = "Forty thousand families in Sylhet are cut off by floods after the Surma burst its banks."


def doc(n: int, source: str, summary: tuple[str, ...], *, title: str = TITLE, hours: int = 0) -> ArticleDoc:
    return ArticleDoc(id=n, title=title, text=" ".join(summary), summary=summary, source=source,
                      url=f"https://{source.split()[0].lower()}.example/sylhet/{n}?utm_source=rss",
                      published=NOW - timedelta(hours=hours), language="en")


def flood_docs() -> list[ArticleDoc]:
    return [doc(1, "Dhaka Daily", LEAD, hours=5),
            doc(2, "Delta Times", (LEAD[0], NEW_FACT), hours=4),
            doc(3, "Sylhet Mirror", (REWORDED, LEAD[1]), hours=3),
            doc(4, "Daily Star", ("Parliament passed the election bill after opposition lawmakers walked out.",
                                  "The new law changes how constituency boundaries are drawn."),
                title="Parliament passes the election bill", hours=2)]


def test_a_further_outlet_adds_its_most_novel_sentence_and_a_rewording_adds_nothing() -> None:
    spec = DigestSpec(region="r", title="R", start=NOW - timedelta(days=1), end=NOW, keywords=("Flood", "Sylhet"))
    digest = compose_digest(flood_docs(), spec, now=NOW)
    (story,) = digest.stories  # the election story has neither keyword
    assert story.outlet_count == 3 and not story.single_outlet
    assert story.summary == LEAD
    # Delta Times' new fact, linked to its article without tracking; Sylhet Mirror only reworded the lead.
    assert story.additions == (Addition("Delta Times", "https://delta.example/sylhet/2", NEW_FACT),)
    assert story.matched_keywords == ("Sylhet",)  # "Flood" is not a whole word of "Floods"


def test_matched_keywords_follow_the_filter_rule_and_the_channels_spelling() -> None:
    text = "Election commission sets the poll date; climate  change talks stall"
    assert matched_keywords(text, ["CLIMATE CHANGE", "poll", "vote", "election"]) == (
        "CLIMATE CHANGE", "poll", "election")
    assert matched_keywords(text, []) == ()
    assert matches_filters(text, topics=None, story_topic="", keywords=["vote", "poll"])
    assert not matches_filters(text, topics=None, story_topic="", keywords=["vote"])
    assert matches_filters(text, topics=None, story_topic="", keywords=["  "])


def test_without_keywords_every_story_is_kept_and_says_only_its_outlets_and_topic() -> None:
    spec = DigestSpec(region="r", title="R", start=NOW - timedelta(days=1), end=NOW)
    digest = compose_digest(flood_docs(), spec, now=NOW)
    single = next(s for s in digest.stories if s.outlet_count == 1)
    assert single.single_outlet and single.matched_keywords == () and single.additions == ()
    assert explain_text(single) == f"1 outlet (only Daily Star) · {single.topic}"
    flood = next(s for s in digest.stories if s.outlet_count == 3)
    assert explain_text(flood) == f"3 outlets · {flood.topic}"


def test_additions_pick_the_most_novel_outlets_first_at_most_the_limit() -> None:
    members = [doc(1, "Lead", LEAD),
               doc(2, "Half New", ("Floods cut off families in Sylhet as rescue teams from Dhaka arrived.",)),
               doc(3, "All New", ("Cholera cases rose in Companiganj clinics, doctors warned on Tuesday.",)),
               doc(4, "Also New", (NEW_FACT,)),
               doc(5, "Also New", ("Another Also New sentence about relief trucks and rice prices rising.",))]
    found = outlet_additions(TITLE, LEAD, members, language="en", limit=2)
    assert [a.source for a in found] == ["All New", "Also New"]  # "Half New" is less novel; one line an outlet
    assert len(outlet_additions(TITLE, LEAD, members, language="en", limit=5)) == 3
    assert outlet_additions(TITLE, LEAD, members[:1], language="en") == ()  # the lead outlet adds nothing
    assert outlet_additions(TITLE, LEAD, members, language="en", limit=0) == ()


def test_a_sentence_mostly_said_already_is_no_addition() -> None:
    said = "Rescue teams reached Companiganj with boats and rice."
    members = [doc(1, "Lead", LEAD), doc(2, "Other", ("Rescue teams reached Companiganj with boats on Monday.",))]
    assert outlet_additions(TITLE, (*LEAD, said), members, language="en") == ()  # novelty 1/6 < MIN_NOVELTY
    assert MIN_NOVELTY == 0.5


def test_markdown_and_json_carry_the_explanation_with_article_text_escaped() -> None:
    story = Story(id="s1", title="Floods", summary=("Rivers rose.",), topic="Environment", language="en",
                  published=NOW, sources=(SourceRef("Dhaka Daily", "https://d.example/1", "t"),
                                          SourceRef("Delta [Times]", "https://t.example/2", "t")),
                  matched_keywords=("flood",),
                  additions=(Addition("Delta [Times]", "https://t.example/2 <x>", "Boats **came** @everyone."),))
    digest = Digest("r", "R", NOW, NOW, NOW, (TopicGroup("Environment", (story,), 2.0),))
    markdown = to_markdown(digest)
    assert "  _2 outlets · Environment · matched: flood_" in markdown
    assert "  - [Delta \\[Times\\]](<https://t.example/2%3Cx%3E>) adds: Boats \\*\\*came\\*\\* @everyone." in markdown
    data = to_dict(digest)["topics"][0]["stories"][0]
    assert data["outlet_count"] == 2 and data["single_outlet"] is False
    assert data["matched_keywords"] == ["flood"]
    assert data["additions"] == [{"source": "Delta [Times]", "url": "https://t.example/2 <x>",
                                  "sentence": "Boats **came** @everyone."}]
    alone = replace(story, sources=story.sources[:1], additions=(), matched_keywords=())
    assert json.loads(to_json(replace(digest, topics=(TopicGroup("Environment", (alone,), 1.0),))))[
        "topics"][0]["stories"][0]["single_outlet"] is True
    assert explain_text(alone) == "1 outlet (only Dhaka Daily) · Environment"


def test_a_copy_adds_nothing_even_what_the_summary_left_out() -> None:
    # The lead's article has a sentence its three-sentence summary left out; a copying outlet's summary picks
    # it. The reader has not read it, but the copy does not add it: the first report said it.
    left_out = "Relief trucks from Dhaka were stuck on the highway at Bhairab for six hours on Monday."
    lead = replace(doc(1, "Dhaka Daily", LEAD), text=" ".join((*LEAD, left_out)))
    copy = doc(2, "Copy Desk", (LEAD[0], left_out.replace("were", "have been")))
    assert outlet_additions(TITLE, LEAD, [lead, copy], language="en") == ()
    own = doc(3, "Delta Times", (left_out, NEW_FACT))
    assert outlet_additions(TITLE, LEAD, [lead, copy, own], language="en") == (
        Addition("Delta Times", "https://delta.example/sylhet/3", NEW_FACT),)
