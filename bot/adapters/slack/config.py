"""What the Slack adapter is given: its own settings and secrets, nothing else of the settings."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import SecretStr

from bot.settings import Settings, SlackSettings


@dataclass(frozen=True, slots=True)
class SlackSecrets:
    slack_bot_token: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None


@dataclass(frozen=True, slots=True)
class SlackConfig:
    slack: SlackSettings
    secrets: SlackSecrets

    @classmethod
    def of(cls, settings: Settings) -> SlackConfig:
        """The Slack part of ``settings``."""
        s = settings.secrets
        return cls(settings.slack, SlackSecrets(s.slack_bot_token, s.slack_app_token, s.slack_signing_secret))
