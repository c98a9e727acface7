"""`khobor export` / `khobor import`: JSON and OPML out, subscriptions in, feeds as TOML to paste, hostile XML."""

from __future__ import annotations

import asyncio
import json
import tomllib
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from bot.cli import transfer
from bot.cli.feeds_toml import _toml_str
from bot.cli.main import main
from bot.settings import RegionSettings
from digests.store import Subscriptions, open_database

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
FIELDS = ("platform", "workspace_id", "channel_id", "region", "delivery_time", "timezone", "topics", "keywords",
          "pause_reason")


@pytest.fixture(autouse=True)
def wide_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "250")  # rich wraps at 80 columns when not on a terminal


def settings_file(tmp_path: Path, name: str = "settings.toml", data: str = "data") -> str:
    path = tmp_path / name
    path.write_text(f"""data_dir = "{tmp_path / data}"
[[regions]]
name = "south-asia"
title = "News & <Views> of South Asia"
timezone = "Asia/Dhaka"
languages = ["en", "bn"]
feeds = [
  {{ name = "Dhaka \\"Tribune\\" & <Co>", url = "https://dhaka.example/feed?a=1&b=2" }},
  {{ name = "Lahore Times", url = "https://lahore.example/rss" }},
]
[[regions]]
name = "europe"
title = "Europe"
timezone = "Europe/London"
languages = ["en"]
feeds = [{{ name = "London Daily", url = "https://london.example/feed" }}]
""")
    return str(path)


def db_url(tmp_path: Path, data: str = "data") -> str:
    return f"sqlite+aiosqlite:///{tmp_path / data / 'khobor.db'}"


async def with_subs(url: str, action):  # type: ignore[no-untyped-def]
    engine = await open_database(url)
    try:
        return await action(Subscriptions(engine))
    finally:
        await engine.dispose()


async def seed(subs: Subscriptions) -> None:
    await subs.upsert(platform="discord", workspace_id="g1", channel_id="c1", region="south-asia",
                      delivery_time="07:30", timezone="Asia/Kolkata", topics=["Politics"], keywords=["flood", "a b"],
                      user_id="u1", now=NOW)
    gone, _ = await subs.upsert(platform="slack", workspace_id="T1", channel_id="C9", region="europe",
                                delivery_time="18:00", timezone="Europe/London", topics=None, keywords=[],
                                user_id="u2", now=NOW)
    await subs.pause(subscription_id=gone.id, reason="channel_not_found", now=NOW)


def snapshot(url: str) -> list[tuple[object, ...]]:
    async def read(subs: Subscriptions) -> list[tuple[object, ...]]:
        return sorted((*(getattr(s, f) for f in FIELDS), s.active) for s in await subs.all(active_only=False))
    return asyncio.run(with_subs(url, read))


def run(*argv: str) -> int:
    return main(list(argv))


def test_export_json_lists_regions_and_every_subscription(tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    path = settings_file(tmp_path)
    asyncio.run(with_subs(db_url(tmp_path), seed))
    assert run("--settings", path, "export") == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["khobor_export"] == 1 and doc["exported_at"]
    assert doc["regions"][0] == {"name": "south-asia", "title": "News & <Views> of South Asia",
                                 "timezone": "Asia/Dhaka", "languages": ["en", "bn"],
                                 "feeds": [{"name": 'Dhaka "Tribune" & <Co>', "url": "https://dhaka.example/feed?a=1&b=2"},
                                           {"name": "Lahore Times", "url": "https://lahore.example/rss"}]}
    assert doc["subscriptions"] == [
        {"platform": "discord", "workspace_id": "g1", "channel_id": "c1", "region": "south-asia", "time": "07:30",
         "timezone": "Asia/Kolkata", "topics": ["Politics"], "keywords": ["flood", "a b"], "paused": False,
         "pause_reason": None},
        {"platform": "slack", "workspace_id": "T1", "channel_id": "C9", "region": "europe", "time": "18:00",
         "timezone": "Europe/London", "topics": None, "keywords": [], "paused": True,
         "pause_reason": "channel_not_found"},
    ]


def test_export_opml_is_well_formed_and_escaped(tmp_path: Path) -> None:
    out = tmp_path / "feeds.opml"
    assert run("--settings", settings_file(tmp_path), "export", "--format", "opml", "--output", str(out)) == 0
    raw = out.read_bytes()
    assert b"&amp;" in raw and b"&lt;" in raw and b"<Co>" not in raw
    root = ET.fromstring(raw)
    assert root.tag == "opml" and root.get("version") == "2.0"
    groups = root.findall("body/outline")
    assert [g.get("text") for g in groups] == ["News & <Views> of South Asia", "Europe"]
    first = groups[0].findall("outline")[0]
    assert first.attrib["type"] == "rss"
    assert first.attrib["text"] == 'Dhaka "Tribune" & <Co>'
    assert first.attrib["xmlUrl"] == "https://dhaka.example/feed?a=1&b=2"
    assert not (tmp_path / "data").exists()  # OPML is settings only: no database opened


def test_round_trip_restores_the_same_subscriptions_into_a_fresh_database(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = settings_file(tmp_path)
    asyncio.run(with_subs(db_url(tmp_path), seed))
    export = tmp_path / "export.json"
    assert run("--settings", source, "export", "--output", str(export)) == 0

    fresh = settings_file(tmp_path, "fresh.toml", "fresh")
    assert run("--settings", fresh, "import", str(export)) == 0
    captured = capsys.readouterr()
    assert "imported 2 subscription(s): 2 new, 0 updated; 0 of 2 invalid" in captured.err
    assert "every feed in the file is already configured" in captured.err and captured.out == ""
    assert snapshot(db_url(tmp_path, "fresh")) == snapshot(db_url(tmp_path))

    assert run("--settings", fresh, "import", str(export)) == 0  # again: updates, no duplicates
    assert "0 new, 2 updated" in capsys.readouterr().err
    assert snapshot(db_url(tmp_path, "fresh")) == snapshot(db_url(tmp_path))


def export_with(subscriptions: Sequence[object]) -> str:
    return json.dumps({"khobor_export": 1, "exported_at": NOW.isoformat(), "regions": [],
                       "subscriptions": subscriptions})


GOOD = {"platform": "discord", "workspace_id": "g1", "channel_id": "c1", "region": "south-asia", "time": "7:05",
        "timezone": "Asia/Dhaka", "topics": ["politics"], "keywords": [], "paused": False, "pause_reason": None}


def test_invalid_entries_are_reported_by_index_and_the_valid_ones_imported(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    entries = [GOOD, GOOD | {"region": "mars"}, GOOD | {"channel_id": "c2", "timezone": "Asia/Dhaka_"},
               GOOD | {"channel_id": "c3", "time": "25:00"}, GOOD, "nonsense",
               GOOD | {"channel_id": "c4", "topics": ["Quidditch"], "colour": "red"},
               GOOD | {"channel_id": "c5", "platform": "irc"}]
    file = tmp_path / "in.json"
    file.write_text(export_with(entries))
    assert run("--settings", settings_file(tmp_path), "import", str(file)) == 2
    err = capsys.readouterr().err
    assert "invalid subscriptions[0]" not in err
    # the core's normaliser speaks for every door: the same words as in chat
    assert "invalid subscriptions[1]: There is no region 'mars'. Regions: europe, south-asia." in err
    assert "invalid subscriptions[2]: 'Asia/Dhaka_' is not a timezone; did you mean 'Asia/Dhaka'" in err
    assert "invalid subscriptions[3]: '25:00' is not a time; use 24-hour HH:MM" in err
    assert "invalid subscriptions[4]: repeats subscriptions[0] (same channel and region)" in err
    assert "invalid subscriptions[5]: not an object" in err
    assert "invalid subscriptions[6]: unknown key 'colour'; Unknown topic 'Quidditch'" in err
    assert "invalid subscriptions[7]: platform 'irc' is not one of discord, slack, console" in err
    assert "imported 1 subscription(s): 1 new, 0 updated; 7 of 8 invalid" in err
    [row] = snapshot(db_url(tmp_path))
    assert row[:7] == ("discord", "g1", "c1", "south-asia", "07:05", "Asia/Dhaka", ("Politics",))


def test_files_that_cannot_be_used_exit_2_and_import_nothing(tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    path = settings_file(tmp_path)
    for name, content in (("a.json", '{"subscriptions": []}'), ("b.json", "{not json"), ("c.txt", "hello"),
                          ("d.opml", "<opml><body><outline")):
        (tmp_path / name).write_text(content)
        assert run("--settings", path, "import", str(tmp_path / name)) == 2
    err = capsys.readouterr().err
    assert "not a khobor export" in err and "not valid JSON" in err and "neither a khobor JSON export nor OPML" in err
    assert "not well-formed XML" in err
    assert run("--settings", path, "import", str(tmp_path / "missing.json")) == 2
    assert "import: cannot read" in capsys.readouterr().err
    assert not (tmp_path / "data").exists()


OPML = """<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0"><head><title>My reader</title></head><body>
  <outline text="News &amp; &lt;Views&gt; of South Asia">
    <outline type="rss" text="Dhaka again" xmlUrl="https://dhaka.example/feed?a=1&amp;b=2"/>
    <outline type="rss" text="Karachi &quot;Post&quot;" xmlUrl="https://karachi.example/rss"/>
    <outline type="rss" text="Bad scheme" xmlUrl="javascript:alert(1)"/>
  </outline>
  <outline text="Tech &amp; Science"><outline text="Nested">
    <outline type="rss" text="Ars" xmlUrl="https://ars.example/feed" htmlUrl="https://ars.example/"/>
  </outline></outline>
  <outline type="rss" text="Loose feed" xmlUrl="https://loose.example/atom"/>
  <outline type="rss" text="London again" xmlUrl="https://london.example/feed"/>
</body></opml>"""


def test_opml_import_prints_toml_for_new_feeds_only(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    file = tmp_path / "reader.opml"
    file.write_text(OPML)
    assert run("--settings", settings_file(tmp_path), "import", str(file)) == 0
    captured = capsys.readouterr()
    out = captured.out
    assert "Dhaka again" not in out and "javascript:" not in out  # configured already; not an http(s) feed
    assert "# Add to the feeds of the configured region 'south-asia':" in out
    assert '#   { name = "Karachi \\"Post\\"", url = "https://karachi.example/rss" },' in out
    parsed = tomllib.loads(out)  # pasteable as it is
    regions = [RegionSettings.model_validate(r) for r in parsed["regions"]]
    assert [(r.name, r.title, [f.url for f in r.feeds]) for r in regions] == [
        ("nested", "Nested", ["https://ars.example/feed"]),
        ("imported-feeds", "Imported feeds", ["https://loose.example/atom", "https://london.example/feed"]),
    ]
    assert "4 feed(s) are not configured yet" in captured.err and "were not imported" in captured.err
    assert not (tmp_path / "data").exists()  # nothing to write: no database opened


def test_json_import_prints_toml_for_regions_and_feeds_not_configured(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = json.loads(export_with([]))
    doc["regions"] = [
        {"name": "europe", "title": "Europe", "timezone": "Europe/London", "languages": ["en"],
         "feeds": [{"name": "London Daily", "url": "https://london.example/feed"},
                   {"name": "Paris Soir", "url": "https://paris.example/feed"}]},
        {"name": "east-africa", "title": "East Africa", "timezone": "Africa/Nairobi", "languages": ["en", "sw"],
         "feeds": [{"name": "Nairobi News", "url": "https://nairobi.example/rss"}]},
    ]
    file = tmp_path / "in.json"
    file.write_text(json.dumps(doc))
    assert run("--settings", settings_file(tmp_path), "import", str(file)) == 0
    out = capsys.readouterr().out
    assert "London Daily" not in out and "Paris Soir" in out
    [region] = tomllib.loads(out)["regions"]
    assert region == {"name": "east-africa", "title": "East Africa", "timezone": "Africa/Nairobi",
                      "languages": ["en", "sw"], "feeds": [{"name": "Nairobi News", "url": "https://nairobi.example/rss"}]}


XXE = """<?xml version="1.0"?>
<!DOCTYPE opml [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<opml version="2.0"><body><outline text="&secret;">
  <outline type="rss" text="&secret;" xmlUrl="https://x.example/feed"/></outline></body></opml>"""
LAUGHS = ('<?xml version="1.0"?>\n<!DOCTYPE opml [<!ENTITY lol "lol">'
          + "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10 if i > 1 else "&lol;" * 10}">' for i in range(1, 10))
          + ']>\n<opml version="2.0"><body><outline text="&lol9;" xmlUrl="https://x.example/feed"/></body></opml>')
EXTERNAL = """<?xml version="1.0"?>
<!DOCTYPE opml SYSTEM "http://127.0.0.1:9/evil.dtd">
<opml version="2.0"><body><outline text="x" xmlUrl="https://x.example/feed"/></body></opml>"""


@pytest.mark.parametrize("hostile", [XXE, LAUGHS, EXTERNAL], ids=["xxe", "billion-laughs", "external-dtd"])
def test_hostile_opml_is_refused_safely(tmp_path: Path, capsys: pytest.CaptureFixture[str], hostile: str) -> None:
    file = tmp_path / "evil.opml"
    file.write_text(hostile)
    assert run("--settings", settings_file(tmp_path), "import", str(file)) == 2
    captured = capsys.readouterr()
    assert "OPML with a DOCTYPE (entities, external references) is refused" in captured.err
    assert captured.out == "" and "root:" not in captured.err and "lollol" not in captured.err


def test_utf16_xxe_is_refused_and_the_parser_alone_would_not_read_files(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    file = tmp_path / "evil.opml"
    file.write_bytes(XXE.replace('"1.0"?>', '"1.0" encoding="UTF-16"?>', 1).encode("utf-16"))
    assert run("--settings", settings_file(tmp_path), "import", str(file)) == 2
    assert "DOCTYPE" in capsys.readouterr().err

    monkeypatch.setattr(transfer, "_declares_dtd", lambda data: False)  # defence in depth: the parser itself
    for hostile in (XXE, LAUGHS, EXTERNAL, "<!DOCTYPE opml><opml><body/></opml>"):
        with pytest.raises(transfer.TransferError) as caught:
            transfer.parse_opml(hostile.encode())
        assert "root:" not in str(caught.value) and "lollol" not in str(caught.value)


def test_dry_run_changes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = settings_file(tmp_path)
    file = tmp_path / "in.json"
    file.write_text(export_with([GOOD, GOOD | {"channel_id": "c2", "region": "mars"}]))
    assert run("--settings", path, "import", "--dry-run", str(file)) == 2
    assert "would import 1 subscription(s); 1 of 2 invalid" in capsys.readouterr().err
    assert not (tmp_path / "data").exists()  # not even created

    asyncio.run(with_subs(db_url(tmp_path), seed))
    before = snapshot(db_url(tmp_path))
    file.write_text(export_with([GOOD | {"channel_id": "c1", "time": "23:59", "topics": None}]))
    assert run("--settings", path, "import", "--dry-run", str(file)) == 0
    assert snapshot(db_url(tmp_path)) == before


def test_toml_strings_escape_quotes_backslashes_and_control_characters() -> None:
    value = 'a "b" \\ c\n\t\x01\x7f ক'
    assert tomllib.loads(f"x = {_toml_str(value)}")["x"] == value
