"""Properties of reading a subscriptions import (``khobor import``), a door to the one subscription normaliser:
any values in an export's entries give subscriptions or problems that say what is wrong; never a traceback."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from bot.cli.transfer import TransferError, read_import
from bot.settings import FeedSettings, RegionSettings, Settings
from tests.strategies import examples, hostile_text

SETTINGS = Settings(regions=[RegionSettings(name="test", timezone="Asia/Dhaka",
                                            feeds=[FeedSettings(url="https://news.example/feed", name="News")])])
values = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | hostile_text
                      | st.sampled_from(["test", "08:00", "25:00", "Asia/Dhaka", "discord", "slack", "C1"]),
                      lambda inner: st.lists(inner, max_size=3) | st.dictionaries(hostile_text, inner, max_size=2),
                      max_leaves=5)
entries = st.fixed_dictionaries(
    {"platform": st.sampled_from(["discord", "slack", "console"]) | values, "workspace_id": st.just("W1") | values,
     "channel_id": st.just("C1") | values, "region": st.just("test") | values, "time": st.just("08:00") | values},
    optional={"timezone": values, "topics": st.lists(hostile_text, max_size=3) | values,
              "keywords": st.lists(hostile_text, max_size=3) | values, "paused": values, "pause_reason": values,
              "extra": values})
exports = st.fixed_dictionaries({"khobor_export": st.just(1) | values,
                                 "subscriptions": st.lists(entries | values, max_size=4) | values},
                                optional={"regions": st.lists(st.dictionaries(st.sampled_from(
                                    ["name", "title", "timezone", "languages", "feeds"]), values, max_size=4),
                                    max_size=2) | values})


@examples(150)
@given(exports)
def test_any_export_gives_subscriptions_or_problems(export: dict[str, Any]) -> None:
    try:
        imported = read_import(json.dumps(export).encode(), SETTINGS)
    except TransferError as exc:
        assert str(exc).startswith("import: ")
        return
    assert len(imported.subscriptions) + len(imported.problems) <= imported.total
    for problem in imported.problems:
        assert str(problem).strip()
