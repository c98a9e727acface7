"""Where the settings' raw values come from: which file (``--settings``, ``$KHOBOR_SETTINGS``,
``./settings.toml``, else the built-in defaults), reading it as TOML, the environment variables that override
deployment keys, and how a validation problem names its origin (the file's key path or the variable).

It knows nothing of the settings' model: it returns plain dicts and strings for ``bot.settings`` to validate.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from bot.errors import SettingsError

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


def settings_file(cli_path: str | None, environ: Mapping[str, str]) -> tuple[Path, str] | None:
    """Which file to read, and what chose it: the CLI flag (``--settings``), ``$KHOBOR_SETTINGS``
    (``KHOBOR_SETTINGS``), ``./settings.toml`` (``settings.toml``), else None: the built-in defaults."""
    if cli_path:
        return Path(cli_path), "--settings"
    if environ.get(ENV_SETTINGS):
        return Path(environ[ENV_SETTINGS]), ENV_SETTINGS
    return (LOCAL_SETTINGS, str(LOCAL_SETTINGS)) if LOCAL_SETTINGS.is_file() else None


def read_toml(path: Path, named_by: str | None) -> dict[str, Any]:
    """The file's tables; raises SettingsError saying what is wrong with the file and how to fix it.

    ``named_by`` is what chose the file (see :func:`settings_file`), so a missing file's fix names it."""
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


def apply_env_overrides(raw: dict[str, Any], env: Mapping[str, str]) -> dict[str, str]:
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


def describe(error: Mapping[str, Any], from_env: Mapping[str, str] | None = None) -> str:
    """One pydantic error as a line that names where the value came from: its key path, or its variable."""
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
