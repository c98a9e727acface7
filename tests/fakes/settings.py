"""Settings files for tests: regions whose feeds live on the loopback server."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

# Loopback feeds link to loopback pages, which the fetch guard refuses unless told otherwise; no retry waits.
TEST_COLLECT: Mapping[str, object] = {"allow_private_links": True, "retries": 0}


@dataclass(frozen=True, slots=True)
class Region:
    name: str
    title: str
    feeds: Sequence[tuple[str, str]]  # (name, url)
    timezone: str = "Asia/Dhaka"
    languages: Sequence[str] = ("en",)


def _value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value) if isinstance(value, str | list | tuple) else str(value)


def write_settings(folder: Path, *regions: Region, collect: Mapping[str, object] | None = None,
                   more: str = "", data_dir: Path | None = None) -> str:
    """Write ``folder/settings.toml`` (data in ``data_dir``, default ``folder``) and return its path;
    ``more`` adds TOML tables."""
    lines = [f"data_dir = {_value(str(data_dir or folder))}", "[collect]"]
    lines += [f"{key} = {_value(value)}" for key, value in {**TEST_COLLECT, **(collect or {})}.items()]
    lines.append(more)
    for region in regions:
        feeds = ", ".join(f"{{ name = {_value(name)}, url = {_value(url)} }}" for name, url in region.feeds)
        lines += ["[[regions]]", f"name = {_value(region.name)}", f"title = {_value(region.title)}",
                  f"timezone = {_value(region.timezone)}", f"languages = {_value(list(region.languages))}",
                  f"feeds = [{feeds}]"]
    path = folder / "settings.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)
