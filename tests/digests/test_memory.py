"""Story memory: stable story ids across days, a channel's memory of what it was shown, repeats left out,
updates marked with only what is new, recorded exactly when the delivery is recorded posted."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from bot.core.summary import development_lines
from digests.compose import DigestSpec, compose_digest
from digests.continuity import STORY_OPEN, continued_groups, development, unique_story_ids
from digests.memory import Shown, plan_digest, repeats_note, shown_of, to_read, update_of, with_read
from digests.models import Addition, ArticleDoc, Digest, SourceRef, Story, TopicGroup
from digests.render import outlets_text, to_dict, to_markdown
from digests.store import Store, Subscriptions
from digests.store.deliveries import Deliveries
from digests.stories import new_sentences
from digests.story_index import StoryIndex

NOW = datetime(2026, 11, 25, 2, tzinfo=UTC)
FLOOD = ("Floods cut off villages in Sylhet district",
         "Rivers burst their banks in Sylhet after days of monsoon rain, cutting off forty thousand families in "
         "Companiganj and Gowainghat while army boats carried food to shelters.")
RATES = ("Central bank holds interest rate at twelve percent",
         "The governor said inflation had eased for a fourth month but the rupee remained weak against the dollar "
         "and business groups had wanted a cut.")


def doc(n: int, event: tuple[str, str], outlet: str, *, hours_ago: float, story: int | None = None,
        summary: tuple[str, ...] | None = None) -> ArticleDoc:
    return ArticleDoc(id=n, title=event[0], text=event[1], summary=summary or (event[1],), source=outlet,
                      url=f"https://{outlet.lower()}.example/{n}", published=NOW - timedelta(hours=hours_ago),
                      language="en", story_id=story)


def story(key: str, outlets: tuple[str, ...], summary: tuple[str, ...], story_id: int | None) -> Story:
    sources = tuple(SourceRef(o, f"https://{o.lower()}.example/{key}", key) for o in outlets)
    return Story(id=key, title=f"Story {key}", summary=summary, sources=sources, topic="News", language="en",
                 published=NOW, story_id=story_id)


def digest_of(*stories: Story) -> Digest:
    return Digest("r", "R", NOW - timedelta(days=1), NOW, NOW, (TopicGroup("News", stories, float(len(stories))),))


def test_todays_articles_continue_yesterdays_story_and_carry_its_stored_id() -> None:
    yesterday = [doc(1, FLOOD, "Dhaka", hours_ago=30, story=11), doc(2, RATES, "Karachi", hours_ago=28, story=12)]
    today = [doc(3, FLOOD, "Delta", hours_ago=3, story=99), doc(4, ("Kathmandu opens a cancer ward",
             "A new ward with sixty beds opened at the teaching hospital."), "Delta", hours_ago=2, story=13)]
    groups = {tuple(members): stored for members, stored in continued_groups(today, yesterday)}
    assert groups == {(0,): 11, (1,): 13}  # the flood report joins yesterday's story 11, not the index's 99
    spec = DigestSpec(region="r", title="R", start=NOW - timedelta(days=1), end=NOW)
    composed = compose_digest(today, spec, now=NOW, recent=yesterday)
    assert sorted(s.story_id for s in composed.stories if s.story_id) == [11, 13]
    flood = next(s for s in composed.stories if s.story_id == 11)
    assert [s.name for s in flood.sources] == ["Delta"]  # only the window's articles are shown
    assert StoryIndex().horizon == STORY_OPEN == timedelta(days=3)


def test_a_stored_id_is_kept_by_one_story_only() -> None:
    assert unique_story_ids([([0], 5), ([1], 5), ([2], None), ([3], 6)]) == [([0], 5), ([1], None), ([2], None),
                                                                              ([3], 6)]


def test_nothing_new_is_left_out_and_something_new_is_an_update_with_only_the_new() -> None:
    said = ("Rivers burst their banks in Sylhet.", "Army boats carried food to shelters.")
    memory = [Shown(story_id=1, day="2026-11-24", outlets=("Dhaka",), sentences=said, link="https://l/1"),
              Shown(story_id=2, day="2026-11-24", outlets=("Karachi",), sentences=("Rate held at 12%.",), link=None)]
    edited = story("a", ("Dhaka",), ("Rivers have burst their banks in Sylhet.",), 1)  # an edited copy
    follow = story("b", ("Delta", "Karachi"), ("Rate held at 12%.", "Lenders expect a cut in January."), 2)
    fresh = story("c", ("Delta",), ("A cancer ward opened.",), 3)
    plan = plan_digest(digest_of(edited, follow, fresh), memory)
    assert (plan.updates, plan.repeats_left_out) == (1, 1)
    shown = {s.id: s for s in plan.digest.stories}
    assert set(shown) == {"b", "c"} and shown["c"] == fresh
    update = shown["b"]
    assert update.update is not None and update.update.day == "2026-11-24" and update.update.link is None
    assert [s.name for s in update.sources] == ["Delta"]  # the new outlet only
    assert update.summary == ("Lenders expect a cut in January.",)  # the new sentence only
    with_additions = replace(follow, additions=(Addition("Karachi", "https://k/1", "Rate held at 12%."),
                                                Addition("Delta", "https://d/1", "Lenders expect a cut in January."),
                                                Addition("Delta", "https://d/1", "Bond yields fell on the news.")))
    planned = update_of(with_additions, memory[1:])
    assert planned is not None and [a.sentence for a in planned.additions] == ["Bond yields fell on the news."]
    assert plan.digest.notes == (repeats_note(1),)
    assert outlets_text(update) == "2 outlets so far, 1 new"  # not "1 outlet (only Delta)"
    assert outlets_text(replace(update, sources=follow.sources[1:])) == "1 outlet so far"
    assert "1 story this channel saw before has nothing new" in repeats_note(1)


def test_new_sentences_alone_make_an_update_that_keeps_its_sources_and_links_the_last_sighting() -> None:
    before = [Shown(1, "2026-11-23", ("Dhaka",), ("First fact.",), "https://l/23"),
              Shown(1, "2026-11-24", ("Delta",), ("Second fact here.",), "https://l/24")]
    again = story("a", ("Dhaka",), ("First fact.", "A third and different fact emerged today."), 1)
    update = update_of(again, before)
    assert update is not None and update.update is not None
    assert update.update.link == "https://l/24" and update.update.outlets == ("Dhaka", "Delta")
    assert update.summary == ("A third and different fact emerged today.",) and update.sources == again.sources
    assert update_of(story("a", ("Delta", "Dhaka"), ("Second fact here.",), 1), before) is None
    assert update_of(again, []) is again
    assert new_sentences(["A.", "B is new.", "B is new."], ["A."]) == ("B is new.",)


def test_stories_without_a_stored_id_and_left_out_ones_are_not_remembered() -> None:
    anonymous, kept = story("x", ("Dhaka",), ("S.",), None), story("y", ("Delta",), ("T.",), 7)
    digest = replace(digest_of(anonymous, kept), more=(story("z", ("Dhaka",), ("U.",), 8),))
    shown = shown_of(digest, day="2026-11-25", links={"y": "https://discord.com/channels/1/2/3"})
    assert shown == [Shown(7, "2026-11-25", ("Delta",), ("T.",), "https://discord.com/channels/1/2/3")]
    plan = plan_digest(digest, [Shown(8, "2026-11-24", ("Dhaka",), ("U.",))])
    assert plan.digest.more == () and len(plan.digest.stories) == 2  # a seen story is not listed as "more" again
    plan = plan_digest(digest, [Shown(8, "2026-11-24", ("Reuters",), ("U.",))])
    assert [s.update is not None for s in plan.digest.more] == [True]  # ... unless it has something new


def test_an_update_renders_marked_with_its_link_in_markdown_and_json() -> None:
    memory = [Shown(2, "2026-11-24", ("Karachi",), ("Rate held.",), "https://team.slack.com/archives/C1/p1")]
    plan = plan_digest(digest_of(story("b", ("Delta",), ("Lenders expect a cut.",), 2)), memory)
    text = to_markdown(plan.digest)
    assert "**Update: Story b**" in text
    assert "[Seen here on 2026-11-24](<https://team.slack.com/archives/C1/p1>)" in text
    data = to_dict(plan.digest)["topics"][0]["stories"][0]
    assert data["update"] == {"day": "2026-11-24", "link": "https://team.slack.com/archives/C1/p1",
                              "outlets_before": ["Karachi"]} and data["story_id"] == 2


async def test_memory_is_written_with_the_posted_mark_and_read_for_later_days_only(store: Store) -> None:
    sub, _ = await Subscriptions(store.engine).upsert(
        platform="slack", workspace_id="T1", channel_id="C1", region="r", delivery_time="08:00",
        timezone="Asia/Dhaka", topics=None, keywords=(), user_id="U1", now=NOW)
    deliveries, day = Deliveries(store.engine), date(2026, 11, 25)
    record = await deliveries.claim(subscription_id=sub.id, digest_date=day, nonce="k1-261125-aa", late=False,
                                    now=NOW)
    shown = [Shown(5, day.isoformat(), ("Dhaka",), ("S one.",), "https://l/5"), Shown(6, day.isoformat(), (), ())]
    await deliveries.mark_posted(delivery_id=record.id, message_ids=["1"], thread_id=None, now=NOW, shown=shown)
    await deliveries.mark_posted(delivery_id=record.id, message_ids=["1"], thread_id=None, now=NOW, shown=shown)
    assert await deliveries.seen(subscription_id=sub.id, story_ids=[5, 6, 7], before=day) == []  # same day
    later = await deliveries.seen(subscription_id=sub.id, story_ids=[5, 6, 7], before=day + timedelta(days=1))
    assert later == shown  # written once, however often the posted mark is
    assert await deliveries.article_texts(article_ids={999}) == {} == await deliveries.article_texts(article_ids=())
    assert await deliveries.seen(subscription_id=sub.id, story_ids=[], before=day + timedelta(days=1)) == []


def test_a_story_develops_day_by_day_with_each_days_outlets_and_new_facts() -> None:
    first = doc(1, FLOOD, "Dhaka", hours_ago=50, summary=("Rivers burst their banks in Sylhet.",))
    copy = doc(2, FLOOD, "Dhaka", hours_ago=49, summary=("Rivers have burst their banks in Sylhet.",))
    follow = doc(3, FLOOD, "Delta", hours_ago=26, summary=("Rivers burst their banks in Sylhet.",
                                                            "The army opened forty shelters in schools."))
    quiet = doc(4, FLOOD, "Delta", hours_ago=25, summary=("The army opened forty shelters in schools.",))
    late = doc(5, FLOOD, "Karachi", hours_ago=2, summary=("Water began to recede on Thursday.",))
    days = development([late, quiet, follow, copy, first], max_sentences=3, max_chars=600)
    assert [(d.day, d.outlets, d.sentences) for d in days] == [
        ("2026-11-23", ("Dhaka",), ("Rivers burst their banks in Sylhet.",)),
        ("2026-11-24", ("Delta",), ("The army opened forty shelters in schools.",)),
        ("2026-11-25", ("Karachi",), ("Water began to recede on Thursday.",))]
    story_value = Story(id="f", title="Floods", summary=(), sources=(), topic="", language="en", published=NOW,
                        development=days)
    lines = development_lines(story_value)
    assert lines[1] == "2026-11-24 · Delta: The army opened forty shelters in schools."


def test_an_edited_copy_whose_summary_picked_another_sentence_of_the_read_article_is_not_new() -> None:
    article = ("Rivers burst their banks in Sylhet on Tuesday. Army boats carried food to forty shelters. "
               "Farmers said the water destroyed the seedbeds meant for next month.")
    before = [Shown(1, "2026-11-24", ("Dhaka",), ("Rivers burst their banks in Sylhet on Tuesday.",), None,
                    article_ids=(10,), read=(article,))]
    copy = story("a", ("Dhaka",), ("Farmers says the water destroyed the seedbeds meant for next month.",), 1)
    assert update_of(copy, before) is None
    unread = [replace(before[0], read=())]
    assert to_read(digest_of(copy), unread) == {10}  # only stories no new outlet reports need their articles read
    assert to_read(digest_of(story("a", ("Delta",), ("X.",), 1)), unread) == set()
    assert with_read(unread, {10: article, 11: "other"}) == before
    news = story("a", ("Dhaka",), ("The government announced compensation for the farmers on Thursday.",), 1)
    assert update_of(news, before) is not None


async def test_a_story_stays_open_three_days_after_its_last_article(store: Store) -> None:
    from digests.intake import Intake
    from digests.pipeline import build_digest, summary_key
    from digests.summarize import SummaryConfig
    from tests.digests.test_intake import feed, new_article

    feed_id, config = await feed(store), SummaryConfig()
    first = Intake(store, summary=config, summary_key=summary_key(config), stories=StoryIndex(), clock=lambda: NOW)
    (ferry,) = await first.add([new_article(feed_id, 0)])  # published NOW - 1 h, given a stored story
    # Later copies are stored without an index: the digest's own comparison with the days before decides.
    later = Intake(store, summary=config, summary_key=summary_key(config), clock=lambda: NOW)
    ids: dict[int, list[int | None]] = {}
    for days in (1, 5):
        copy = replace(new_article(feed_id, 1), url=f"https://o.example/{days}", link=f"https://o.example/{days}",
                       content_hash=f"copy{days}", published_at=NOW + timedelta(days=days))
        await later.add([copy])
        end = NOW + timedelta(days=days, hours=1)
        spec = DigestSpec(region="r", title="R", start=end - timedelta(days=1), end=end)
        digest = await build_digest(store, spec, feed_urls=["https://outlet.example/feed"], summary=config, now=end)
        ids[days] = [s.story_id for s in digest.stories]
    assert ferry is not None and ids == {1: [ferry.story_id], 5: [None]}
