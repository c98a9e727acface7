"""Properties of loading settings: any value of any TOML type at the keys people edit (timezones, topics, feed
and database URLs, folders, numbers) gives Settings or a SettingsError naming the key; never a traceback."""

from __future__ import annotations

import json
import math
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.errors import SettingsError
from bot.settings import Settings, load_settings
from tests.strategies import examples, hostile_text

KEYS = ("data_dir", "storage.url", "storage.keep_days", "collect.interval_minutes", "collect.user_agent",
        "summary.algorithm", "summary.max_chars", "log.level", "discord.api_base_url", "slack.api_base_url",
        "slack.http_port", "health.port", "regions[0].name", "regions[0].timezone", "regions[0].languages",
        "regions[0].label_language", "regions[0].feeds[0].url", "regions[0].feeds[0].name",
        "regions[0].feeds[0].topic", "regions[0].topics", "regions[0].topics[0].label",
        "regions[0].topics[0].keywords", "regions[0].other_topic", "regions")
TEXT_LIKE = st.one_of(
    hostile_text,
    st.sampled_from(["Asia/Dhaka", "asia/dhaka", "UTC+6", "localtime", "Factory", "../../etc/passwd", "Asia/",
                     "/etc/localtime", "sqlite:///", "sqlite:////nonexistent/deep/dir/k.db", "postgresql://h:99999/d",
                     "postgresql://[::1", "mysql://u@h/d", "sqlite+pysqlite:///x.db", "http://[", "https://",
                     "https://news.example/feed", "http://news.example:99999/", "file:///etc/passwd", "a" * 5_000,
                     "/" + "b" * 300 + "/c", "sqlite:///" + "d" * 5_000 + "/k.db", "\u0000", "."]),
)
SCALARS = st.one_of(TEXT_LIKE, st.booleans(), st.integers(-(2**63), 2**63 - 1), st.floats(),
                    st.dates(), st.datetimes(), st.times())
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3)
                      | st.dictionaries(st.sampled_from(["label", "keywords", "url", "name", "x"]), inner, max_size=3),
                      max_leaves=6)


def toml(value: Any) -> str:
    """``value`` as a TOML value (inline tables and arrays)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf") if math.isinf(value) else repr(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, str):
        return json.dumps(value)  # a JSON string is a TOML basic string (no surrogates here)
    if isinstance(value, list):
        return "[" + ", ".join(toml(v) for v in value) + "]"
    return "{" + ", ".join(f"{json.dumps(k)} = {toml(v)}" for k, v in value.items()) + "}"


def base(folder: Path) -> dict[str, Any]:
    return {"data_dir": str(folder), "regions": [{"name": "test", "timezone": "Asia/Dhaka", "feeds": [
        {"url": "https://news.example/feed", "name": "News"}], "topics": [{"label": "Sport", "keywords": ["cup"]}]}]}


def put(document: dict[str, Any], key: str, value: Any) -> None:
    """Set a dotted key with list indexes (``regions[0].feeds[0].url``), making tables as needed."""
    target: Any = document
    parts = key.replace("[", ".[").split(".")
    for part, following in zip(parts, [*parts[1:], None], strict=True):
        index: Any = int(part[1:-1]) if part.startswith("[") else part
        if following is None:
            target[index] = value
            return
        if isinstance(target, dict) and index not in target:
            target[index] = {}
        target = target[index]


def write(document: dict[str, Any], path: Path) -> None:
    lines = [f"{json.dumps(k)} = {toml(v)}" for k, v in document.items() if not isinstance(v, dict)]
    for table, values in document.items():
        if isinstance(values, dict):
            lines += [f"[{json.dumps(table)}]", *(f"{json.dumps(k)} = {toml(v)}" for k, v in values.items())]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@examples(300)
@given(changes=st.lists(st.tuples(st.sampled_from(KEYS), VALUES), min_size=1, max_size=3))
def test_any_settings_value_loads_or_says_which_key_is_wrong(tmp_path: Path, changes: list[tuple[str, Any]]) -> None:
    document = base(tmp_path)
    for key, value in changes:
        try:
            put(document, key, value)
        except (KeyError, IndexError, TypeError):  # a parent replaced by a scalar earlier: not this key then
            continue
    path = tmp_path / "settings.toml"
    write(document, path)
    try:
        loaded = load_settings(str(path), {})
    except SettingsError as exc:
        message = str(exc)
        assert message.startswith(f"settings: {path}") and "Traceback" not in message, message
        return
    assert isinstance(loaded, Settings)


@pytest.mark.parametrize("text", ["", "\x00", "a = ", "[[regions]]\n" * 5_000, "x = [" * 100_000, "\ufeffa = 1",
                                  "a = \"\\ud800\""])
def test_any_file_text_loads_or_says_what_is_wrong(tmp_path: Path, text: str) -> None:
    path = tmp_path / "settings.toml"
    path.write_text(text, encoding="utf-8")
    try:
        load_settings(str(path), {})
    except SettingsError as exc:
        assert str(exc).startswith(f"settings: {path}")


@pytest.mark.parametrize(("key", "value", "expected"), [
    ("data_dir", "a" * 5_000, "data_dir: 'aaa"),
    ("data_dir", "/" + "b" * 300 + "/c", "cannot be a folder (File name too long)"),
    ("storage.url", "sqlite:///" + "d" * 300 + "/k.db", "storage.url: 'ddd"),
    ("data_dir", "\x00", "data_dir: '\\x00' holds a NUL character"),
    ("storage.url", "sqlite:///\x00/k.db", "storage.url: '\\x00' holds a NUL character"),
])
def test_folders_no_file_system_can_make_are_named_not_raised(tmp_path: Path, key: str, value: str,
                                                               expected: str) -> None:
    """Found by the property above: a path part over 255 bytes made check_folder raise OSError (a traceback
    from check-settings and run), and a NUL passed the check only to fail at start-up."""
    document = base(tmp_path)
    put(document, key, value)
    write(document, tmp_path / "settings.toml")
    with pytest.raises(SettingsError) as raised:
        load_settings(str(tmp_path / "settings.toml"), {})
    assert expected in str(raised.value) and len(str(raised.value)) < 600


@pytest.mark.parametrize(("key", "value", "expected"), [
    ("discord.api_base_url", "not a url", "discord.api_base_url: 'not a url' is not an http(s) URL"),
    ("slack.api_base_url", "slack.example/api/", "slack.api_base_url: 'slack.example/api/' is not an http(s) URL"),
    ("regions[0].feeds[0].url", "http://[::1/feed", "is not a usable URL (Invalid IPv6 URL)"),
    ("regions[0].feeds[0].url", "https://news.example:99999/feed", "is not a usable URL (Port out of range"),
])
def test_unusable_urls_are_settings_problems(tmp_path: Path, key: str, value: str, expected: str) -> None:
    """Found by the property above: ``[discord] api_base_url = "not a url"`` loaded, then `khobor run` ended
    with "unexpected error (InvalidUrlClientError …); this is a bug". A feed URL with a bad port or IPv6 host
    is now refused by the same rule, when the file is checked rather than when the feed is read."""
    document = base(tmp_path)
    put(document, key, value)
    write(document, tmp_path / "settings.toml")
    with pytest.raises(SettingsError) as raised:
        load_settings(str(tmp_path / "settings.toml"), {})
    assert expected in str(raised.value)
