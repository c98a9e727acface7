"""Secrets: read only from ``KHOBOR_<NAME>`` or the file named by ``KHOBOR_<NAME>_FILE`` (Docker secrets), checked
so that a wrong file (binary, several lines, endless like /dev/zero) is a clear problem, never a crash."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

SECRET_NAMES = ("discord_token", "slack_bot_token", "slack_app_token", "slack_signing_secret")
MAX_SECRET_BYTES = 16 * 1024  # a token file larger than this is the wrong file (or /dev/zero)


def secret_keys_in_toml(raw: dict[str, Any]) -> list[str]:
    """Secrets found in the settings file: each one a problem, and removed."""
    problems = []
    if "secrets" in raw:
        problems.append("secrets: secrets are never read from the settings file; use environment variables")
        del raw["secrets"]
    for section in ("discord", "slack"):
        table = raw.get(section)
        if not isinstance(table, dict):
            continue
        for key in list(table):
            if any(word in key for word in ("token", "secret")):
                env = f"KHOBOR_{section.upper()}_{key.upper()}"
                problems.append(f"{section}.{key}: secrets are not read from the settings file; "
                                f"set {env} or {env}_FILE instead")
                del table[key]
    return problems


def read_secrets(env: Mapping[str, str]) -> tuple[dict[str, str], list[str]]:
    """The secrets set in the environment or in the files it names, and the problems with them."""
    secrets: dict[str, str] = {}
    problems: list[str] = []
    for name in SECRET_NAMES:
        var = f"KHOBOR_{name.upper()}"
        if env.get(var):
            value, problem = env[var].strip(), None
        elif env.get(f"{var}_FILE"):
            var = f"{var}_FILE"
            value, problem = _read_secret_file(Path(env[var]))
        else:
            continue
        problem = problem or _secret_problem(value)
        if problem:
            problems.append(f"{var} (environment variable): {problem}")
        else:
            secrets[name] = value
    return secrets, problems


def _read_secret_file(file: Path) -> tuple[str, str | None]:
    """The file's text, read with a size cap, or a problem saying why it cannot be the secret."""
    try:
        with file.open("rb") as handle:
            data = handle.read(MAX_SECRET_BYTES + 1)
    except OSError as exc:
        return "", f"cannot read {file}: {exc.strerror}"
    if len(data) > MAX_SECRET_BYTES:
        return "", f"{file} is larger than {MAX_SECRET_BYTES // 1024} KiB; it should hold only the secret"
    try:
        return data.decode("utf-8").strip(), None
    except UnicodeDecodeError:
        return "", f"{file} is not UTF-8 text; it should hold only the secret"


def _secret_problem(value: str) -> str | None:
    if not value:
        return "is empty"
    if "\n" in value or "\r" in value:
        return "has several lines; it should hold only the secret, on one line"
    if any(ord(c) < 32 or ord(c) == 127 or 0xD800 <= ord(c) <= 0xDFFF for c in value):
        return "holds control characters; it should hold only the secret"
    return None
