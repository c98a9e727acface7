"""A delivery's owner is provably dead when it ran on this machine (same kernel boot, same pid namespace) and its
process is gone, a zombie, or its pid now belongs to a process started at another time (as pid 1 does in every
fresh container). Anything else is not proven: its lease is left to run out."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.runtime.delivery_policy import new_owner
from bot.runtime.liveness import fingerprint, owner_is_dead

pytestmark = pytest.mark.skipif(fingerprint() is None, reason="needs Linux's /proc of this pid namespace")
CHILD = "from bot.runtime.delivery_policy import new_owner; print(new_owner(), flush=True); import time; time.sleep(60)"


def child_owner() -> tuple[subprocess.Popen[str], str]:
    """A live process of this machine and the owner name it would write on a delivery record."""
    child = subprocess.Popen([sys.executable, "-c", CHILD], stdout=subprocess.PIPE, text=True,
                             cwd=Path(__file__).resolve().parents[2])
    assert child.stdout is not None
    return child, child.stdout.readline().strip()


def test_a_live_process_is_not_dead_and_a_killed_one_is_even_before_it_is_reaped() -> None:
    child, owner = child_owner()
    try:
        assert not owner_is_dead(owner)
        child.kill()
        deadline = time.monotonic() + 10
        while not owner_is_dead(owner) and time.monotonic() < deadline:  # a zombie until waited for
            time.sleep(0.02)
        assert owner_is_dead(owner)
    finally:
        child.kill()
        child.wait()
    assert owner_is_dead(owner)  # reaped: the pid is gone


def test_a_reused_pid_is_told_apart_by_its_start_time() -> None:
    """This very process stands in for a new process that got a dead owner's pid (pid 1 in a restarted
    container): same pid, another start time."""
    owner = new_owner()
    assert not owner_is_dead(owner)
    head, _, start = owner.rpartition(".")
    assert owner_is_dead(f"{head}.{int(start) - 1}")


def test_owners_of_other_machines_or_without_the_suffix_are_never_called_dead() -> None:
    host_pid_token, _, rest = new_owner().partition("/")
    machine, _, start = rest.partition(".")
    other = "0123456789" if machine != "0123456789" else "9876543210"
    assert not owner_is_dead(f"{host_pid_token}/{other}.{int(start) - 1}")  # another container or machine
    assert not owner_is_dead("somehost:999999:deadbeef")  # written before owners carried the suffix
    assert not owner_is_dead("dead")


def test_an_owner_name_fits_its_column() -> None:
    assert len(new_owner()) <= 80
