"""Settings: the validated model of a deployment (pydantic), and ``load_settings`` that builds it.

Where the raw values come from (which file, the environment's overrides, how a problem names its origin) is
``bot.settings_sources``; secrets are ``bot.secrets``. Environment variables override deployment keys (see
``bot.settings_sources.ENV_OVERRIDES``). Secrets are read only from ``KHOBOR_<NAME>`` or the file named by
``KHOBOR_<NAME>_FILE`` (Docker secrets), never from TOML.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator

from bot.defaults import DEFAULT_REGIONS
from bot.errors import SettingsError, UnknownRegionError
from bot.region_settings import FeedSettings as FeedSettings
from bot.region_settings import RegionSettings as RegionSettings
from bot.region_settings import SettingsModel, check_http_url
from bot.region_settings import check_timezone as check_timezone
from bot.secrets import read_secrets, secret_keys_in_toml
from bot.settings_sources import ENV_SETTINGS, apply_env_overrides, describe, read_toml, settings_file
from digests.dburl import async_url, check_database_url, check_folder
from digests.summary_config import ALGORITHMS, SummaryConfig

DEFAULT_SUMMARY = SummaryConfig()


class StorageSettings(SettingsModel):
    url: str | None = Field(default=None, description="SQLAlchemy URL; default: SQLite in data_dir")
    connect_timeout_seconds: float = Field(default=10.0, gt=0, le=300)
    keep_days: int = Field(default=30, ge=1, le=3650)  # articles older than this are pruned (stories stay)

    @field_validator("url")
    @classmethod
    def _openable(cls, value: str | None) -> str | None:
        if value is not None:
            check_database_url(value)
        return value


class CollectSettings(SettingsModel):
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


class ScheduleSettings(SettingsModel):
    grace_minutes: int = Field(default=180, ge=0, le=24 * 60)
    resync_seconds: int = Field(default=60, ge=5, le=3600)
    collect_tick_seconds: int = Field(default=60, ge=5, le=3600)
    collect_jitter_seconds: int = Field(default=5, ge=0, le=300)
    deliver_concurrency: int = Field(default=256, ge=1, le=4096)
    leader_retry_seconds: float = Field(default=10.0, ge=1, le=300)


class SummarySettings(SettingsModel):
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


class DigestSettings(SettingsModel):
    hours: int = Field(default=24, ge=1, le=24 * 7)
    max_stories: int = Field(default=20, ge=1, le=200)


class DiscordSettings(SettingsModel):
    api_base_url: str | None = None  # e.g. a proxy; default: discord.py's own
    guild_ids: list[str] = Field(default_factory=list)  # sync slash commands to these servers at once
    manager_user_ids: list[str] = Field(default_factory=list)  # may change subscriptions anywhere

    @field_validator("api_base_url")
    @classmethod
    def _api_url(cls, value: str | None) -> str | None:
        return None if value is None else check_http_url(value)


class SlackSettings(SettingsModel):
    api_base_url: str | None = None  # default: https://slack.com/api/
    mode: Literal["socket", "http"] = "socket"
    http_host: str = "0.0.0.0"  # noqa: S104 (HTTP mode listens for Slack's requests)
    http_port: int = Field(default=3000, ge=0, le=65535)  # 0: any free port
    manager_user_ids: list[str] = Field(default_factory=list)  # besides workspace admins and owners

    @field_validator("api_base_url")
    @classmethod
    def _api_url(cls, value: str | None) -> str | None:
        return None if value is None else check_http_url(value)


class ConsoleSettings(SettingsModel):
    channel: str = Field(default="console", min_length=1)  # the console acts as an admin of this channel


class HealthSettings(SettingsModel):
    enabled: bool = True
    host: str = "0.0.0.0"  # noqa: S104 (probes and Prometheus come from outside the container)
    port: int = Field(default=8080, ge=0, le=65535)  # 0: any free port
    database_timeout_seconds: float = Field(default=2.0, gt=0, le=30)


class LogSettings(SettingsModel):
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"  # Khobor's own lines
    library_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "WARNING"  # APScheduler, aiohttp, ...
    format: Literal["text", "json"] = "text"

    @field_validator("level", "library_level", mode="before")
    @classmethod
    def _upper(cls, value: Any) -> Any:
        return value.upper() if isinstance(value, str) else value


class Secrets(SettingsModel):
    """Tokens, only ever from the environment. ``repr`` and ``str`` never show them."""

    discord_token: SecretStr | None = None
    slack_bot_token: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None


class Settings(SettingsModel):
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



def load_settings(cli_path: str | None = None, environ: Mapping[str, str] | None = None) -> Settings:
    """Read, merge and validate the settings; raises SettingsError listing every problem at once.

    Each problem names where the value came from: the file's key path, or the environment variable."""
    env = os.environ if environ is None else environ
    chosen = settings_file(cli_path, env)
    source = str(chosen[0]) if chosen else "built-in defaults"
    raw = read_toml(*chosen) if chosen else {}
    problems = secret_keys_in_toml(raw)
    from_env = apply_env_overrides(raw, env)
    secrets, secret_problems = read_secrets(env)
    problems += secret_problems
    raw["secrets"] = secrets
    try:
        settings = Settings.model_validate(raw)
        problems += missing_secrets(settings)
    except ValidationError as exc:
        problems += [describe(err, from_env) for err in exc.errors()]
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
