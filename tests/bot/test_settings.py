"""Settings: sources, validation with key paths, environment overrides, secrets."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.cli.main import main
from bot.errors import SettingsError, UnknownRegionError
from bot.settings import load_settings

ROOT = Path(__file__).parents[2]

BAD = """
data_dir = "x"
[collect]
interval_minutes = 0
colect_typo = 1
[[regions]]
name = "ok"
title = "OK"
timezone = "Asia/Dhaka"
languages = ["en"]
feeds = [{ url = "https://example.org/feed", name = "Example" }]
[[regions]]
name = "Bad Name"
title = "Bad"
timezone = "Asia/Dhakka"
languages = ["en"]
feeds = [{ url = "ftp://example.org/feed", name = "x" }]
"""


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "settings.toml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_example_file_equals_built_in_defaults() -> None:
    assert load_settings(str(ROOT / "settings.example.toml"), {}) == load_settings(None, {})


def test_default_region_is_south_asia_with_feeds_from_six_countries() -> None:
    region = load_settings(None, {}).region("south-asia")
    names = " ".join(f.name for f in region.feeds)
    for country in ("Bangladesh", "India", "Pakistan", "Afghanistan", "Nepal", "Sri Lanka"):
        assert country in names
    assert region.timezone == "Asia/Dhaka"


def test_every_problem_is_reported_at_once_with_its_key_path(tmp_path: Path) -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings(write(tmp_path, BAD), {})
    problems = "\n".join(caught.value.problems)
    assert "collect.interval_minutes: Input should be greater than or equal to 1" in problems
    assert "collect.colect_typo: unknown key" in problems
    assert "regions[1].timezone: 'Asia/Dhakka' is not a timezone; did you mean 'Asia/Dhaka'" in problems
    assert ("regions[1].name: 'Bad Name' is not a region name: use lowercase letters, digits and dashes "
            "(at most 40), e.g. 'bad-name'") in problems
    assert "regions[1].feeds[0].url: 'ftp://example.org/feed' is not an http(s) URL" in problems
    assert len(caught.value.problems) == 5


def test_bad_toml_and_missing_file_are_settings_errors(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="not valid TOML"):
        load_settings(write(tmp_path, "data_dir = "), {})
    with pytest.raises(SettingsError, match="file not found"):
        load_settings(str(tmp_path / "nope.toml"), {})


def test_source_order_flag_then_env_then_local_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    flag = tmp_path / "flag.toml"
    flag.write_text('data_dir = "from-flag"\n')
    env = tmp_path / "env.toml"
    env.write_text('data_dir = "from-env"\n')
    monkeypatch.chdir(tmp_path)
    (tmp_path / "settings.toml").write_text('data_dir = "from-local"\n')
    assert load_settings(str(flag), {"KHOBOR_SETTINGS": str(env)}).data_dir == Path("from-flag")
    assert load_settings(None, {"KHOBOR_SETTINGS": str(env)}).data_dir == Path("from-env")
    assert load_settings(None, {}).data_dir == Path("from-local")


def test_environment_overrides_deployment_keys() -> None:
    env = {"KHOBOR_DATABASE_URL": "postgresql://u:pw@db/khobor", "KHOBOR_LOG_LEVEL": "debug",
           "KHOBOR_COLLECT_INTERVAL_MINUTES": "5"}
    settings = load_settings(None, env)
    assert settings.database_url == "postgresql+asyncpg://u:pw@db/khobor"
    assert settings.log.level == "DEBUG"
    assert settings.collect.interval_minutes == 5


def test_bad_environment_value_names_the_variable() -> None:
    with pytest.raises(SettingsError, match=r"KHOBOR_COLLECT_INTERVAL_MINUTES \(environment variable\)"):
        load_settings(None, {"KHOBOR_COLLECT_INTERVAL_MINUTES": "often"})


def test_secrets_come_from_environment_or_files_and_never_show(tmp_path: Path) -> None:
    secret_file = tmp_path / "slack"
    secret_file.write_text("xoxb-from-file\n")
    settings = load_settings(None, {"KHOBOR_DISCORD_TOKEN": "discord-secret-123", "KHOBOR_SLACK_APP_TOKEN": "xapp-1",
                                    "KHOBOR_SLACK_BOT_TOKEN_FILE": str(secret_file)})
    assert settings.secrets.discord_token is not None
    assert settings.secrets.discord_token.get_secret_value() == "discord-secret-123"
    assert settings.secrets.slack_bot_token is not None
    assert settings.secrets.slack_bot_token.get_secret_value() == "xoxb-from-file"
    assert "discord-secret-123" not in repr(settings) and "xoxb-from-file" not in str(settings)


def test_secrets_in_toml_are_refused_without_echoing_them(tmp_path: Path) -> None:
    path = write(tmp_path, '[discord]\ntoken = "abc.def.leaked"\n')
    with pytest.raises(SettingsError) as caught:
        load_settings(path, {})
    assert "discord.token: secrets are not read from the settings file" in str(caught.value)
    assert "KHOBOR_DISCORD_TOKEN" in str(caught.value)
    assert "abc.def.leaked" not in str(caught.value)


def test_unreadable_secret_file_is_reported(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match=r"KHOBOR_SLACK_APP_TOKEN_FILE \(environment variable\): cannot read"):
        load_settings(None, {"KHOBOR_SLACK_APP_TOKEN_FILE": str(tmp_path / "missing")})


def test_unknown_region_lists_the_known_ones() -> None:
    with pytest.raises(UnknownRegionError, match="regions: south-asia"):
        load_settings(None, {}).region("europe")


def test_cli_exits_2_on_bad_settings_without_traceback(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--settings", write(tmp_path, BAD), "check-settings"]) == 2
    err = capsys.readouterr().err
    assert "regions[1].timezone" in err and "Traceback" not in err


def test_check_settings_masks_secrets(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("KHOBOR_DISCORD_TOKEN", "very-secret-token")
    monkeypatch.setenv("KHOBOR_DATABASE_URL", "postgresql://khobor:hunter2@db/khobor")
    monkeypatch.delenv("KHOBOR_SETTINGS", raising=False)
    assert main(["--settings", str(ROOT / "settings.example.toml"), "check-settings"]) == 0
    out = capsys.readouterr().out
    assert "very-secret-token" not in out and "hunter2" not in out
    assert "set (hidden)" in out and "settings OK" in out


def test_labels_follow_the_region_language_and_feeds_may_name_their_topic(tmp_path: Path) -> None:
    from bot.app import feed_sources, taxonomy

    path = tmp_path / "s.toml"
    path.write_text("""
[[regions]]
name = "dhaka"
title = "Dhaka"
timezone = "Asia/Dhaka"
languages = ["bn", "en"]
feeds = [{ url = "https://x.example/sport/rss", name = "X Sport", topic = "Sport" }]

[[regions]]
name = "delhi"
title = "Delhi"
timezone = "Asia/Kolkata"
languages = ["en", "hi"]
label_language = "hi"
other_topic = "Misc"
feeds = [{ url = "https://y.example/rss", name = "Y" }]
""", encoding="utf-8")
    settings = load_settings(path)
    dhaka, delhi = settings.regions
    assert (dhaka.other_topic, taxonomy(dhaka)[3].label) == ("অন্যান্য খবর", "খেলা")
    assert (delhi.other_topic, taxonomy(delhi)[0].label) == ("Misc", "राजनीति")
    assert feed_sources(settings, "dhaka")[0].topic == "Sport"
    path.write_text(path.read_text(encoding="utf-8").replace('"hi"\nother', '"de"\nother'), encoding="utf-8")
    with pytest.raises(SettingsError, match="label_language 'de'"):
        load_settings(path)


def test_a_region_needs_only_a_name_and_feeds(tmp_path: Path) -> None:
    path = tmp_path / "short.toml"
    path.write_text('[[regions]]\nname = "bay-area"\nfeeds = [{ url = "https://www.example.org/rss" },\n'
                    '  { url = "https://news.example.net/feed", name = "Example News" }]\n', encoding="utf-8")
    region = load_settings(str(path), {}).regions[0]
    assert (region.title, region.timezone, region.languages) == ("Bay Area", "UTC", [])
    assert [f.name for f in region.feeds] == ["example.org", "Example News"]


def test_unnamed_feeds_of_one_host_get_names_that_tell_them_apart(tmp_path: Path) -> None:
    path = tmp_path / "bbc.toml"
    path.write_text('[[regions]]\nname = "world"\nfeeds = [\n'
                    '  { url = "https://feeds.bbci.co.uk/news/world/rss.xml" },\n'
                    '  { url = "https://feeds.bbci.co.uk/news/business/rss.xml" },\n'
                    '  { url = "https://www.dawn.com/feeds/home" },\n'
                    '  { url = "https://x.example/feed" }, { url = "https://x.example/blog/feed" },\n'
                    '  { url = "https://y.example/rss" }, { url = "https://y.example/", name = "y.example" }]\n',
                    encoding="utf-8")
    names = [f.name for f in load_settings(str(path), {}).regions[0].feeds]
    assert names == ["feeds.bbci.co.uk (world)", "feeds.bbci.co.uk (business)", "dawn.com",
                     "x.example (feed)", "x.example (blog)", "y.example (rss)", "y.example"]


def test_a_region_without_feeds_is_still_refused_with_its_key_path(tmp_path: Path) -> None:
    path = tmp_path / "empty.toml"
    path.write_text('[[regions]]\nname = "x"\nfeeds = [{ name = "no url" }]\n', encoding="utf-8")
    with pytest.raises(SettingsError) as refused:
        load_settings(str(path), {})
    assert "regions[0].feeds[0].url: is required" in str(refused.value)


def test_example_file_documents_every_key() -> None:
    # Equal values alone would pass with a section left out; every key must be written (or shown commented).
    from pydantic import BaseModel

    from bot.settings import RegionSettings, Settings

    text = (ROOT / "settings.example.toml").read_text(encoding="utf-8")
    missing = []
    for section, field in Settings.model_fields.items():
        model = field.annotation
        if section == "secrets":
            continue
        if isinstance(model, type) and issubclass(model, BaseModel):
            if f"[{section}]" not in text:
                missing.append(f"[{section}]")
            missing += [f"{section}.{key}" for key in model.model_fields
                        if not re.search(rf"^(# )?{key} = ", text, re.MULTILINE)]
    missing += [f"regions.{key}" for key in RegionSettings.model_fields
                if not re.search(rf"^(#\s*)?{key} = ", text, re.MULTILINE)]
    assert missing == []


def test_a_language_code_in_capitals_is_named_with_what_to_write(tmp_path: Path) -> None:
    text = 'name = "x"\nlanguages = ["EN"]\nfeeds = [{ url = "https://example.org/feed" }]'
    with pytest.raises(SettingsError) as caught:
        load_settings(write(tmp_path, "[[regions]]\n" + text), {})
    assert caught.value.problems == ["regions[0].languages: 'EN' is not a language code: use ISO 639-1 codes in "
                                     "lower case, like 'en' or 'bn'"]
