"""A second `khobor run` on the same SQLite database is refused clearly (issue 14)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.cli.main import main
from bot.runtime.instance import AlreadyRunningError, lock_path, single_instance, sole_owner
from tests.fakes.settings import Region, write_settings


def settings(tmp_path: Path) -> str:
    region = Region("home", "Home", [("Nowhere", "http://127.0.0.1:9/feed")])
    return write_settings(tmp_path, region, collect={"workers": 0}, more="[health]\nport = 0\n")


def test_only_sqlite_files_are_locked(tmp_path: Path) -> None:
    assert lock_path(f"sqlite+aiosqlite:///{tmp_path / 'k.db'}") == tmp_path / "k.db.lock"
    assert lock_path("sqlite+aiosqlite:///:memory:") is None
    assert lock_path("postgresql+asyncpg://u:p@h/db") is None  # PostgreSQL elects a leader instead


def test_a_second_holder_is_refused_and_the_lock_is_free_again_after(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'k.db'}"
    with single_instance(url):
        with pytest.raises(AlreadyRunningError) as refused, single_instance(url):
            pass
        assert f"another khobor is already running on {tmp_path / 'k.db'} (process {os.getpid()})" in \
            str(refused.value)
    with single_instance(url):  # released
        pass


def test_second_khobor_run_exits_1_with_a_message(tmp_path: Path) -> None:
    path = settings(tmp_path)
    first = subprocess.Popen([sys.executable, "-m", "bot", "--settings", path, "run"], stdin=subprocess.DEVNULL,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, cwd=tmp_path)
    lock = tmp_path / "khobor.db.lock"
    try:
        deadline = time.monotonic() + 60
        while not (lock.exists() and lock.read_text().strip() == str(first.pid)):
            assert first.poll() is None and time.monotonic() < deadline, "the first khobor run did not start"
            time.sleep(0.1)
        second = subprocess.run([sys.executable, "-m", "bot", "run", "--settings", path], stdin=subprocess.DEVNULL,
                                capture_output=True, text=True, cwd=tmp_path, timeout=60)
        assert second.returncode == 1
        said = " ".join(second.stderr.split())
        assert f"khobor: run: another khobor is already running on {tmp_path / 'khobor.db'} " \
               f"(process {first.pid}); with SQLite run one instance" in said
        assert first.poll() is None  # the first one is untouched
    finally:
        first.send_signal(signal.SIGTERM)
        assert first.wait(timeout=60) == 0


def test_run_refused_in_process_too(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = settings(tmp_path)
    with single_instance(f"sqlite+aiosqlite:///{tmp_path / 'khobor.db'}"):
        assert main(["run", "--settings", path]) == 1
    assert "another khobor is already running" in capsys.readouterr().err


def test_the_lock_holder_is_the_sole_owner_of_its_database_while_it_holds_it(tmp_path: Path) -> None:
    """Outside review (q17r): holding the SQLite lock proves every other `khobor run` on the database dead (the lock
    goes with its process), so its delivery leases need not run out before this one resumes them."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'k.db'}"
    assert not sole_owner(url)
    with single_instance(url):
        assert sole_owner(url)
        assert not sole_owner(f"sqlite+aiosqlite:///{tmp_path / 'other.db'}")
    assert not sole_owner(url)
    assert not sole_owner("postgresql+asyncpg://u:p@h/db")  # several instances may live: leases decide
