"""What the Discord adapter is given: its own settings and token, nothing else of the settings."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import SecretStr

from bot.settings import DiscordSettings, Settings


@dataclass(frozen=True, slots=True)
class DiscordSecrets:
    discord_token: SecretStr | None = None


@dataclass(frozen=True, slots=True)
class DiscordConfig:
    discord: DiscordSettings
    secrets: DiscordSecrets

    @classmethod
    def of(cls, settings: Settings) -> DiscordConfig:
        """The Discord part of ``settings``."""
        return cls(settings.discord, DiscordSecrets(settings.secrets.discord_token))
