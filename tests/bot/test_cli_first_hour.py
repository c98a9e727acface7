"""The command line as a new user meets it (issue 14): --version, --settings anywhere, where the settings came
from, what export wrote, and commands that start without loading the heavy stack."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli.main import build_parser, main

ROOT = Path(__file__).parents[2]
EXAMPLE = str(ROOT / "settings.example.toml")


def minimal_settings(tmp_path: Path) -> str:
    path = tmp_path / "mine.toml"
    path.write_text(f'data_dir = "{tmp_path / "data"}"\n[[regions]]\nname = "home"\n'
                    'feeds = [{ url = "http://127.0.0.1:9/feed" }]\n', encoding="utf-8")
    return str(path)


def test_version_prints_the_installed_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["--version"])
    assert stopped.value.code == 0
    assert capsys.readouterr().out.startswith("khobor 0.")


def test_settings_is_accepted_after_the_command_too(tmp_path: Path) -> None:
    path = minimal_settings(tmp_path)
    assert build_parser().parse_args(["check-settings", "--settings", path]).settings == path
    assert build_parser().parse_args(["--settings", path, "check-settings"]).settings == path
    assert build_parser().parse_args(["check-settings"]).settings is None
    # Given after the command, it wins over the one before it, as the last word usually does.
    assert build_parser().parse_args(["--settings", "a", "digest", "--settings", path]).settings == path


def test_check_settings_names_the_file_it_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("KHOBOR_SETTINGS", raising=False)
    path = minimal_settings(tmp_path)
    assert main(["check-settings", "--settings", path]) == 0
    assert f"read: {Path(path).resolve()} (--settings)" in capsys.readouterr().out

    monkeypatch.setenv("KHOBOR_SETTINGS", path)
    monkeypatch.setenv("KHOBOR_LOG_LEVEL", "warning")
    assert main(["check-settings"]) == 0
    assert "($KHOBOR_SETTINGS); overridden by KHOBOR_LOG_LEVEL" in capsys.readouterr().out


def test_check_settings_says_when_it_used_the_built_in_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("KHOBOR_SETTINGS", raising=False)
    monkeypatch.chdir(tmp_path)  # no ./settings.toml here
    assert main(["check-settings"]) == 0
    assert "read: the built-in defaults (no --settings, no $KHOBOR_SETTINGS, no ./settings.toml)" in \
        capsys.readouterr().out


def test_export_to_a_file_says_what_it_wrote(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "backup.json"
    assert main(["export", "--output", str(out), "--settings", minimal_settings(tmp_path)]) == 0
    told = capsys.readouterr()
    assert told.out == ""
    assert f"wrote 0 subscription(s) and 1 feed(s) in 1 region(s), as JSON to {out}" in told.err
    assert json.loads(out.read_text(encoding="utf-8"))["subscriptions"] == []

    opml = tmp_path / "feeds.opml"
    assert main(["export", "--format", "opml", "--output", str(opml), "--settings", EXAMPLE]) == 0
    assert f"wrote 10 feed(s) in 1 region(s), as OPML to {opml}" in capsys.readouterr().err


def test_export_to_an_unwritable_place_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "no-such-folder" / "x.opml"
    assert main(["export", "--format", "opml", "--output", str(target), "--settings", EXAMPLE]) == 2
    err = capsys.readouterr().err.replace("\n", "")  # rich wraps long lines at 80 columns
    assert f"khobor: export: cannot write {target}: No such file or directory" in err


def test_summarize_help_shows_the_way_for_pages_on_your_own_network(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["summarize", "--help"])
    assert "| khobor summarize -" in " ".join(capsys.readouterr().out.split())


HEAVY = ("sklearn", "scipy", "discord", "slack_bolt", "slack_sdk", "trafilatura", "sumy", "nltk", "numpy",
         "feedparser", "sqlalchemy", "aiohttp")


@pytest.mark.parametrize("argv", [["--help"], ["check-settings"]])
def test_help_and_check_settings_load_none_of_the_heavy_stack(argv: list[str], tmp_path: Path) -> None:
    # What is imported, not how fast: the time is measured by bench/cli_startup.py.
    probe = ("import sys\nfrom bot.cli.main import main\ntry:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
             f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r})))")
    done = subprocess.run([sys.executable, "-c", probe, *argv], cwd=tmp_path, capture_output=True, text=True,
                          check=True, env={"PATH": "/usr/bin:/bin"})
    assert done.stdout.strip().splitlines()[-1] == "[]"
