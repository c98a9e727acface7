"""Settings: a TOML file validated with pydantic, environment overrides, secrets from the environment.

Where settings come from, first match wins: ``--settings PATH``, ``$KHOBOR_SETTINGS``, ``./settings.toml``,
else the built-in defaults (the same values as ``settings.example.toml``). Environment variables then
override deployment keys (see ``ENV_OVERRIDES``). Secrets are read only from ``KHOBOR_<NAME>`` or the file
named by ``KHOBOR_<NAME>_FILE`` (Docker secrets), never from TOML.
"""

from __future__ import annotations

import difflib
import os
import re
import tomllib
import zoneinfo
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator, model_validator

from bot.defaults import DEFAULT_REGIONS
from bot.errors import SettingsError, UnknownRegionError
from bot.secrets import read_secrets, secret_keys_in_toml
from digests.dburl import async_url, check_database_url, check_folder
from digests.summary_config import ALGORITHMS, SummaryConfig
from digests.topic_seeds import LABEL_LANGUAGES, fallback_label

DEFAULT_SUMMARY = SummaryConfig()
ENV_SETTINGS = "KHOBOR_SETTINGS"
LOCAL_SETTINGS = Path("settings.toml")
# Environment variable -> dotted settings key. Values are parsed as TOML scalars when they look like one.
ENV_OVERRIDES: dict[str, str] = {
    "KHOBOR_DATA_DIR": "data_dir",
    "KHOBOR_DATABASE_URL": "storage.url",
    "KHOBOR_LOG_LEVEL": "log.level",
    "KHOBOR_LOG_FORMAT": "log.format",
    "KHOBOR_COLLECT_INTERVAL_MINUTES": "collect.interval_minutes",
    "KHOBOR_USER_AGENT": "collect.user_agent",
}
# Names in the tz database that are not places: they follow the server's own configuration.
NOT_PLACES = frozenset({"localtime", "posixrules", "Factory"})


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


@cache
def _timezones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def check_timezone(name: str) -> str:
    """Return ``name`` if it is an IANA timezone, else raise ValueError naming the closest ones."""
    if name in NOT_PLACES:
        raise ValueError(f"{name!r} depends on the server's configuration; use an IANA name like 'Asia/Dhaka'")
    if name in _timezones():
        return name
    close = difflib.get_close_matches(name, sorted(_timezones()), n=3, cutoff=0.6)
    hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else " (use an IANA name like 'Asia/Dhaka')"
    raise ValueError(f"{name!r} is not a timezone{hint}")


class FeedSettings(_Model):
    url: str
    name: str = Field(min_length=1)  # default: the URL's host without "www."
    topic: str | None = Field(default=None, min_length=1, max_length=40)  # a section feed's topic: evidence

    @model_validator(mode="before")
    @classmethod
    def _default_name(cls, data: Any) -> Any:
        if isinstance(data, dict) and "name" not in data and isinstance(data.get("url"), str):
            host = urlsplit(data["url"]).hostname or ""
            return {**data, "name": host.removeprefix("www.") or data["url"]}
        return data

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not re.match(r"^https?://[^/\s]+", value):
            raise ValueError(f"{value!r} is not an http(s) URL")
        return value


class TopicSettings(_Model):
    label: str = Field(min_length=1, max_length=40)
    keywords: list[str] = Field(min_length=1)


class RegionSettings(_Model):
    name: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,39}$")]
    title: str = Field(min_length=1)  # default: the name in words ("south-asia" -> "South Asia")
    timezone: str = "UTC"
    # The first names the built-in topic labels' language (unless label_language); exports list them. Each
    # article's language is detected from its text either way.
    languages: list[Annotated[str, Field(pattern=r"^[a-z]{2,3}$")]] = Field(default_factory=list)
    feeds: list[FeedSettings] = Field(min_length=1)
    topics: list[TopicSettings] | None = None  # None: the built-in taxonomy
    label_language: str | None = None  # the built-in topics' labels: en, bn, hi or ur; None: first of languages
    other_topic: str = Field(default="", max_length=40)  # "": "Other news" in the label language

    @property
    def labels_language(self) -> str:
        """The language of the built-in topics' labels: ``label_language``, else the first of ``languages``,
        else English."""
        return self.label_language or (self.languages[0] if self.languages else "en")

    @model_validator(mode="after")
    def _labels(self) -> RegionSettings:
        language = self.labels_language
        if self.label_language is not None and language not in LABEL_LANGUAGES:
            raise ValueError(f"label_language {language!r} has no built-in labels; use one of {LABEL_LANGUAGES}")
        if not self.other_topic:  # the model is frozen: set the derived default once, while validating
            object.__setattr__(self, "other_topic", fallback_label(language))
        return self

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        return check_timezone(value)

    @model_validator(mode="before")
    @classmethod
    def _default_title(cls, data: Any) -> Any:
        if isinstance(data, dict) and "title" not in data and isinstance(data.get("name"), str):
            return {**data, "title": data["name"].replace("-", " ").title()}
        return data


class StorageSettings(_Model):
    url: str | None = Field(default=None, description="SQLAlchemy URL; default: SQLite in data_dir")
    connect_timeout_seconds: float = Field(default=10.0, gt=0, le=300)
    keep_days: int = Field(default=30, ge=1, le=3650)  # articles older than this are pruned (stories stay)

    @field_validator("url")
    @classmethod
    def _openable(cls, value: str | None) -> str | None:
        if value is not None:
            check_database_url(value)
        return value


class CollectSettings(_Model):
    interval_minutes: int = Field(default=30, ge=1, le=24 * 60)
    timeout_seconds: float = Field(default=15.0, gt=0, le=300)
    connect_timeout_seconds: float = Field(default=5.0, gt=0, le=60)
    max_body_bytes: int = Field(default=5 * 1024 * 1024, ge=1024, le=100 * 1024 * 1024)
    max_redirects: int = Field(default=5, ge=0, le=20)
    retries: int = Field(default=3, ge=0, le=10)
    user_agent: str = "Khobor/0.1 (+https://github.com/khobor/khobor; news digest bot)"
    per_host_concurrency: int = Field(default=2, ge=1, le=16)
    concurrency: int = Field(default=16, ge=1, le=256)
    max_new_per_feed: int = Field(default=30, ge=1, le=1000)
    workers: int = Field(default=1, ge=0, le=64)
    fetch_pages: bool = True
    allow_private_links: bool = False
    backoff_max_hours: float = Field(default=24.0, gt=0, le=24 * 7)
    deadline_seconds: float = Field(default=60.0, ge=1, le=600)  # one feed or page, retries included
    max_retry_after_seconds: float = Field(default=30.0, ge=0, le=3600)  # longer waits: the next pass

    @field_validator("user_agent")
    @classmethod
    def _header_value(cls, value: str) -> str:
        if not value.strip() or len(value) > 500 or any(ord(c) < 32 or ord(c) == 127 for c in value):
            raise ValueError("must be one line of at most 500 characters, without control characters")
        return value


class ScheduleSettings(_Model):
    grace_minutes: int = Field(default=180, ge=0, le=24 * 60)
    resync_seconds: int = Field(default=60, ge=5, le=3600)
    collect_tick_seconds: int = Field(default=60, ge=5, le=3600)
    collect_jitter_seconds: int = Field(default=5, ge=0, le=300)
    deliver_concurrency: int = Field(default=256, ge=1, le=4096)
    leader_retry_seconds: float = Field(default=10.0, ge=1, le=300)


class SummarySettings(_Model):
    algorithm: str = DEFAULT_SUMMARY.algorithm
    sentences: int = Field(default=DEFAULT_SUMMARY.sentences, ge=1, le=10)
    max_chars: int = Field(default=DEFAULT_SUMMARY.max_chars, ge=80, le=3000)
    timeout_seconds: float = Field(default=DEFAULT_SUMMARY.timeout_s, gt=0, le=60)
    url_deadline_seconds: float = Field(default=20.0, ge=5, le=120)  # `summary URL` answers within this

    @field_validator("algorithm")
    @classmethod
    def _known(cls, value: str) -> str:
        if value not in ALGORITHMS:
            raise ValueError(f"{value!r} is not a summary algorithm; choose one of {', '.join(ALGORITHMS)}")
        return value


class DigestSettings(_Model):
    hours: int = Field(default=24, ge=1, le=24 * 7)
    max_stories: int = Field(default=20, ge=1, le=200)


class DiscordSettings(_Model):
    api_base_url: str | None = None  # e.g. a proxy; default: discord.py's own
    guild_ids: list[str] = Field(default_factory=list)  # sync slash commands to these servers at once
    manager_user_ids: list[str] = Field(default_factory=list)  # may change subscriptions anywhere


class SlackSettings(_Model):
    api_base_url: str | None = None  # default: https://slack.com/api/
    mode: Literal["socket", "http"] = "socket"
    http_host: str = "0.0.0.0"  # noqa: S104 (HTTP mode listens for Slack's requests)
    http_port: int = Field(default=3000, ge=0, le=65535)  # 0: any free port
    manager_user_ids: list[str] = Field(default_factory=list)  # besides workspace admins and owners


class ConsoleSettings(_Model):
    channel: str = Field(default="console", min_length=1)  # the console acts as an admin of this channel


class HealthSettings(_Model):
    enabled: bool = True
    host: str = "0.0.0.0"  # noqa: S104 (probes and Prometheus come from outside the container)
    port: int = Field(default=8080, ge=0, le=65535)  # 0: any free port
    database_timeout_seconds: float = Field(default=2.0, gt=0, le=30)


class LogSettings(_Model):
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"  # Khobor's own lines
    library_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "WARNING"  # APScheduler, aiohttp, ...
    format: Literal["text", "json"] = "text"

    @field_validator("level", "library_level", mode="before")
    @classmethod
    def _upper(cls, value: Any) -> Any:
        return value.upper() if isinstance(value, str) else value


class Secrets(_Model):
    """Tokens, only ever from the environment. ``repr`` and ``str`` never show them."""

    discord_token: SecretStr | None = None
    slack_bot_token: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None


class Settings(_Model):
    data_dir: Path = Path("data")
    storage: StorageSettings = StorageSettings()
    collect: CollectSettings = CollectSettings()
    schedule: ScheduleSettings = ScheduleSettings()
    summary: SummarySettings = SummarySettings()
    digest: DigestSettings = DigestSettings()
    discord: DiscordSettings = DiscordSettings()
    slack: SlackSettings = SlackSettings()
    console: ConsoleSettings = ConsoleSettings()
    health: HealthSettings = HealthSettings()
    log: LogSettings = LogSettings()
    regions: list[RegionSettings] = Field(
        default_factory=lambda: [RegionSettings.model_validate(r) for r in DEFAULT_REGIONS], min_length=1
    )
    secrets: Secrets = Secrets()

    @field_validator("data_dir")
    @classmethod
    def _folder(cls, value: Path) -> Path:
        check_folder(value)
        return value

    @field_validator("regions")
    @classmethod
    def _unique_regions(cls, regions: list[RegionSettings]) -> list[RegionSettings]:
        names = [r.name for r in regions]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"region names must be unique; repeated: {', '.join(dupes)}")
        return regions

    @property
    def database_url(self) -> str:
        """The SQLAlchemy async URL, with the driver filled in for plain sqlite/postgresql URLs."""
        return async_url(self.storage.url.strip() if self.storage.url else
                         f"sqlite+aiosqlite:///{self.data_dir / 'khobor.db'}")

    def region(self, name: str) -> RegionSettings:
        """The region called ``name``; raises UnknownRegionError listing the valid names."""
        for region in self.regions:
            if region.name == name:
                return region
        raise UnknownRegionError(name, [r.name for r in self.regions])


def settings_path(cli_path: str | None, environ: Mapping[str, str]) -> Path | None:
    """Which file to read: the CLI flag, ``$KHOBOR_SETTINGS``, ``./settings.toml``, else none."""
    if cli_path:
        return Path(cli_path)
    if environ.get(ENV_SETTINGS):
        return Path(environ[ENV_SETTINGS])
    return LOCAL_SETTINGS if LOCAL_SETTINGS.is_file() else None


def load_settings(cli_path: str | None = None, environ: Mapping[str, str] | None = None) -> Settings:
    """Read, merge and validate the settings; raises SettingsError listing every problem at once.

    Each problem names where the value came from: the file's key path, or the environment variable."""
    env = os.environ if environ is None else environ
    path = settings_path(cli_path, env)
    named_by = "--settings" if cli_path else ENV_SETTINGS if env.get(ENV_SETTINGS) else None
    source = str(path) if path else "built-in defaults"
    raw = _read_toml(path, named_by) if path else {}
    problems = secret_keys_in_toml(raw)
    from_env = _apply_env_overrides(raw, env)
    secrets, secret_problems = read_secrets(env)
    problems += secret_problems
    raw["secrets"] = secrets
    try:
        settings = Settings.model_validate(raw)
        problems += missing_secrets(settings)
    except ValidationError as exc:
        problems += [_describe(err, from_env) for err in exc.errors()]
    if problems:
        uses_env = any(name.startswith("KHOBOR_") and name != ENV_SETTINGS for name in env)
        raise SettingsError(f"{source} with the environment" if uses_env else source, problems)
    return settings


def missing_secrets(settings: Settings) -> list[str]:
    """Secrets that `khobor run` would stop for, so that check-settings reports them first."""
    secrets = settings.secrets
    if secrets.slack_bot_token is None:
        return []
    needs = "slack_app_token" if settings.slack.mode == "socket" else "slack_signing_secret"
    if getattr(secrets, needs) is not None:
        return []
    variable = f"KHOBOR_{needs.upper()}"
    return [f"{variable} (environment variable): slack.mode = {settings.slack.mode!r} needs it (or {variable}_FILE) "
            "besides KHOBOR_SLACK_BOT_TOKEN"]


def _read_toml(path: Path, named_by: str | None) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        fix = {"--settings": "fix the path or drop --settings",
               ENV_SETTINGS: f"fix the path in ${ENV_SETTINGS} or unset it"}.get(named_by or "", "")
        raise SettingsError(str(path), [f"file not found; copy settings.example.toml there, or {fix}"
                                        if fix else "file not found; copy settings.example.toml"]) from None
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(str(path), [f"not valid TOML: {exc}"]) from None
    except RecursionError:
        raise SettingsError(str(path), ["not a settings file: its tables or arrays are nested too deeply"]) from None
    except UnicodeDecodeError:
        raise SettingsError(str(path), ["not UTF-8 text; save it as UTF-8"]) from None
    except OSError as exc:
        raise SettingsError(str(path), [f"cannot be read: {exc.strerror}"]) from None


def _apply_env_overrides(raw: dict[str, Any], env: Mapping[str, str]) -> dict[str, str]:
    """Put the environment's values into ``raw``; returns dotted key -> the variable it came from."""
    applied: dict[str, str] = {}
    for var, dotted in ENV_OVERRIDES.items():
        if var not in env:
            continue
        *parents, leaf = dotted.split(".")
        table = raw
        for part in parents:
            child = table.get(part)
            if not isinstance(child, dict):
                child = table[part] = {}
            table = child
        table[leaf] = env[var]
        applied[dotted] = var
    return applied


def _describe(error: Mapping[str, Any], from_env: Mapping[str, str] | None = None) -> str:
    path = ""
    for part in error["loc"]:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    message = str(error["msg"]).removeprefix("Value error, ")
    if error["type"] == "extra_forbidden":
        message = "unknown key; check its spelling against settings.example.toml"
    elif error["type"] == "missing":
        message = "is required"
    var = (from_env or {}).get(path)
    where = f"{var} (environment variable)" if var else path or "environment"
    return f"{where}: {message}"
