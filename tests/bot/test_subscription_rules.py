"""One home for a subscription's rules: the normaliser every door calls (issue 12)."""

from __future__ import annotations

import pytest

from bot.core.catalogue import Catalogue
from bot.core.subscriptions import InvalidSubscription, Wanted, normalise
from bot.settings import RegionSettings

DHAKA = RegionSettings.model_validate({"name": "south-asia", "title": "South Asia", "timezone": "Asia/Dhaka",
                                       "languages": ["en"], "feeds": [{"name": "x", "url": "https://x.test/feed"}]})
BANGLA = RegionSettings.model_validate({"name": "bangla", "title": "খবর", "timezone": "Asia/Dhaka",
                                        "languages": ["bn"], "feeds": [{"name": "y", "url": "https://y.test/feed"}]})
CATALOGUE = Catalogue([DHAKA, BANGLA])


def test_defaults_come_from_the_region() -> None:
    values = normalise(Wanted(region="South-Asia"), CATALOGUE)
    assert (values.region.name, values.time, values.timezone, values.topics, values.keywords) == \
        ("south-asia", "08:00", "Asia/Dhaka", None, ())


def test_times_in_any_digits_topics_in_any_case_and_one_keyword_grammar() -> None:
    values = normalise(Wanted(region="south-asia", time="৭:৩০", timezone="Asia/Kolkata", topics="sport, POLITICS",
                              keywords='"climate change" flood'), CATALOGUE)
    assert (values.time, values.timezone, values.topics, values.keywords) == \
        ("07:30", "Asia/Kolkata", ("Sport", "Politics"), ("climate change", "flood"))
    listed = normalise(Wanted(region="south-asia", topics=["Sport"], keywords=["climate  change", "flood"]),
                       CATALOGUE)
    assert listed.keywords == ("climate change", "flood") and listed.topics == ("Sport",)


def test_english_names_of_the_built_in_topics_work_in_a_bangla_region() -> None:
    assert normalise(Wanted(region="bangla", topics="Sport"), CATALOGUE).topics == ("খেলা",)
    assert normalise(Wanted(region="bangla", topics="খেলা"), CATALOGUE).topics == ("খেলা",)


def test_every_problem_is_named_at_once() -> None:
    with pytest.raises(InvalidSubscription) as caught:
        normalise(Wanted(region="south-asia", time="8am", timezone="Asia/Dhakka", topics="sprot"), CATALOGUE)
    problems = caught.value.problems
    assert len(problems) == 3
    assert "'8am' is not a time" in problems[0] and "08:00 for 8am" in problems[0]
    assert "'Asia/Dhakka' is not a timezone; did you mean 'Asia/Dhaka'" in problems[1]
    assert "Unknown topic 'sprot'" in problems[2] and problems[2].index("Sport") < problems[2].index("Politics")


def test_a_time_given_as_the_timezone_is_pointed_at() -> None:
    with pytest.raises(InvalidSubscription, match="'8am' is not a timezone; it looks like a time"):
        normalise(Wanted(region="south-asia", timezone="8am"), CATALOGUE)


def test_an_unknown_region_names_the_closest() -> None:
    with pytest.raises(InvalidSubscription, match=r"no region 'south-asai'. Regions: south-asia"):
        normalise(Wanted(region="south-asai"), CATALOGUE)


def test_a_timezone_in_the_wrong_case_is_the_timezone() -> None:
    """People type `asia/dhaka` or `ASIA/KOLKATA` (Slack has no autocomplete): one zone matches whatever the case,
    so it is that zone, stored under its IANA spelling; a typo's message ends with one question mark."""
    assert normalise(Wanted(region="south-asia", timezone="asia/kolkata"), CATALOGUE).timezone == "Asia/Kolkata"
    assert normalise(Wanted(region="south-asia", timezone="utc"), CATALOGUE).timezone == "UTC"
    with pytest.raises(InvalidSubscription) as caught:
        normalise(Wanted(region="south-asia", timezone="asia/dhakka"), CATALOGUE)
    assert "did you mean 'Asia/Dhaka'" in caught.value.problems[0] and "?." not in caught.value.problems[0]


def test_24_00_is_pointed_at_midnight() -> None:
    with pytest.raises(InvalidSubscription, match=r"'24:00' is not a time; .*00:00 for midnight"):
        normalise(Wanted(region="south-asia", time="24:00"), CATALOGUE)


@pytest.mark.parametrize("typed", ["UTC+6", "GMT+6", "+06:00", "utc+6"])
def test_an_offset_for_a_timezone_is_pointed_at_a_name(typed: str) -> None:
    with pytest.raises(InvalidSubscription) as caught:
        normalise(Wanted(region="south-asia", timezone=typed), CATALOGUE)
    assert "a city's timezone such as 'Asia/Dhaka', or 'Etc/GMT-6'" in caught.value.problems[0]
