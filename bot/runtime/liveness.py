"""Whether the process that leased a delivery is provably dead, so its lease need not run out first.

A delivery's owner names its process (:func:`bot.runtime.delivery_policy.new_owner`). On Linux the name ends
with ``/<machine>.<start>``: a fingerprint of the kernel's boot id and the process's pid namespace, and the
process's start time in clock ticks since boot (``/proc/<pid>/stat``, field 22). Another process that sees
the same fingerprint shares the kernel and the pid namespace, so ``/proc/<pid>`` is that owner's entry if it
still lives: when the pid is gone, is a zombie, or belongs to a process started at another time (pids are
reused, and in a container every fresh start is pid 1), the owner is dead and cannot post again.

Anything else (another machine or container, no ``/proc``, an owner written before this suffix existed) is
never called dead: its lease is left to run out.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

PROC = Path("/proc")
_SUFFIX = re.compile(r":(\d+):[0-9a-f]+/([0-9a-f]{10})\.(\d+)$")


def _stat(pid: int | str, proc: Path) -> tuple[int, str, int] | None:
    """(pid, state, start time in ticks) of ``/proc/<pid>/stat``, or None when there is no such process."""
    try:
        text = (proc / str(pid) / "stat").read_text(encoding="ascii", errors="replace")
    except (FileNotFoundError, ProcessLookupError):
        return None
    head, _, tail = text.rpartition(")")  # the command name may hold spaces and parentheses
    fields = tail.split()
    return int(head.split(" (", 1)[0]), fields[0], int(fields[19])


def fingerprint(proc: Path = PROC) -> str | None:
    """This kernel boot and pid namespace as 10 hex digits; None where ``/proc`` cannot tell (not Linux, or a
    ``/proc`` of another pid namespace, whose pids would not be ours)."""
    try:
        boot = (proc / "sys/kernel/random/boot_id").read_text(encoding="ascii").strip()
        namespace = os.stat(proc / "self/ns/pid").st_ino
        own = _stat("self", proc)
    except (OSError, ValueError, IndexError):
        return None
    if own is None or own[0] != os.getpid():
        return None
    return hashlib.sha256(f"{boot}:{namespace}".encode()).hexdigest()[:10]


def process_suffix() -> str:
    """What :func:`owner_is_dead` needs about this process, appended to its owner name ("" off Linux). Read
    afresh at every call: a forked child is another process, started at another time."""
    machine = fingerprint()
    own = _stat("self", PROC) if machine is not None else None
    return f"/{machine}.{own[2]}" if machine is not None and own is not None else ""


def owner_is_dead(owner: str) -> bool:
    """True only when ``owner`` ran on this kernel in this pid namespace and its process is gone."""
    found = _SUFFIX.search(owner)
    if found is None:
        return False
    pid, theirs, start = int(found.group(1)), found.group(2), int(found.group(3))
    if fingerprint() != theirs:
        return False
    try:
        os.kill(pid, 0)  # sees every process of the namespace, even where /proc hides other users' (hidepid)
    except ProcessLookupError:
        return True
    except PermissionError:
        pass  # alive, another user's: its start time tells whether it is the owner
    try:
        now = _stat(pid, PROC)
    except (OSError, ValueError, IndexError):
        return False  # unreadable: not proven
    if now is None:
        return False  # hidden from us, or gone this instant: not proven
    return now[1] in ("Z", "X") or now[2] != start
