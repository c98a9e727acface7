"""A process spawned from the ``khobor`` script does not import the command line's runtime again."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).parents[2]


# A spawned worker runs the parent's main script again as __mp_main__; the khobor script is two lines that import
# bot.cli.main, so what that module imports at its top every worker imports too.
SCRIPT_MODULES = """
import sys
import bot.cli.main
print(sorted({m.split(".")[0] for m in sys.modules} & {"pydantic", "rich", "sqlalchemy", "aiohttp"}),
      sorted(m for m in sys.modules if m.startswith("bot.") and m not in {"bot.cli.main", "bot.cli.parser",
                                                                           "bot.cli", "bot.errors"}))
"""


def test_the_module_the_khobor_script_imports_imports_no_runtime() -> None:
    result = subprocess.run([sys.executable, "-c", SCRIPT_MODULES], cwd=ROOT, capture_output=True, text=True,
                            timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["[]", "[]"]


def _worker_state() -> tuple[int, int, bool]:
    """Run in a worker: its parent, and whether the language model is loaded before any task asked for it and
    what the worker runs is frozen out of the garbage collector's walks."""
    import gc
    import os

    from digests.language import load_identifier

    return os.getpid(), os.getppid(), load_identifier.cache_info().currsize == 1 and gc.get_freeze_count() > 30_000


async def _in_workers(tmp_path: Path, workers: int, *calls: tuple[Any, ...]) -> list[Any]:
    """Each call (a function and its arguments) run in the worker pool of an app with ``workers`` workers."""
    import asyncio

    from bot.app import App
    from bot.settings import load_settings
    from tests.bot.test_edges import NOWHERE
    from tests.fakes.settings import write_settings

    settings = load_settings(write_settings(tmp_path, NOWHERE, collect={"workers": workers}), {})
    async with App(settings) as app:
        return list(await asyncio.gather(*(app.run_cpu(*call) for call in calls)))


async def test_workers_fork_from_a_server_that_loaded_what_they_run_once(tmp_path: Path) -> None:
    """Workers fork from a fork server (never from the process that runs the event loop and its threads) that
    imported the worker modules and loaded the language model: a worker neither imports nor decompresses them."""
    import os

    states = await _in_workers(tmp_path, 2, *[(_worker_state,)] * 4)
    assert all(loaded for _, _, loaded in states)
    parents = {parent for _, parent, _ in states}
    assert len(parents) == 1 and os.getpid() not in parents  # the fork server's children, not ours


def _math_threads() -> list[int]:
    """Run in a worker: the thread count of each math library NumPy loaded (threadpoolctl reads them)."""
    import numpy  # noqa: F401  (loaded by the fork server already; spawned, by the worker's modules)
    from threadpoolctl import threadpool_info

    return [pool["num_threads"] for pool in threadpool_info()]


async def test_a_worker_multiplies_matrices_on_one_thread(tmp_path: Path) -> None:
    """NumPy's math library keeps to one thread in a worker: the pool is the parallelism, and OpenBLAS's own thread
    per core spun after each summary's matrix product (9 % more CPU per article on bench/scale.py's 300 feeds)."""
    [threads] = await _in_workers(tmp_path, 1, (_math_threads,))
    assert threads and set(threads) == {1}


async def test_workers_yield_the_cores_to_the_process_that_feeds_them(tmp_path: Path) -> None:
    """A worker runs at a lower priority than the process that fetches, stores and answers (its thread waited for a
    core a third of the time while the workers computed, and then they ran dry)."""
    import os

    from digests.workers import WORKER_NICENESS

    [niceness] = await _in_workers(tmp_path, 1, (os.nice, 0))
    assert niceness == min(os.nice(0) + WORKER_NICENESS, 19)


class HeldPool:
    """Builds a WorkerPool whose first worker starts only when the test says so (a fork server slow to load)."""

    @staticmethod
    def make(release: Any) -> Any:
        import os

        from digests.workers import WorkerPool, init_worker, worker_context

        class Held(WorkerPool):
            def _first_worker(self) -> None:
                release.wait(60)
                super()._first_worker()

        return Held(1, mp_context=worker_context(), initializer=init_worker, initargs=(os.getpid(),))


async def test_the_event_loop_runs_on_while_the_pool_starts() -> None:
    """The first task submitted from the event loop does not wait, in the loop, for the pool's first worker
    (with a fork server, its imports and the language model: the loop stalled 0.84 s)."""
    import asyncio
    import os
    import threading

    release = threading.Event()
    pool = HeldPool.make(release)
    loop = asyncio.get_running_loop()
    try:
        first = loop.run_in_executor(pool, os.getpid)  # returned: the loop was not held
        ticks = 0
        for _ in range(5):
            await asyncio.sleep(0.01)
            ticks += 1
        assert ticks == 5 and not first.done()
        release.set()
        assert await asyncio.wait_for(first, 120) != os.getpid()  # run by a worker
        assert await loop.run_in_executor(pool, os.getpid) != os.getpid()  # and so is what follows
    finally:
        release.set()
        pool.shutdown()


def test_work_held_for_a_pool_that_never_started_is_cancelled_with_it() -> None:
    import os
    import threading

    release = threading.Event()
    pool = HeldPool.make(release)
    held = pool.submit(os.getpid)
    pool.shutdown(wait=False, cancel_futures=True)
    release.set()
    assert held.cancelled()


# A command that collects starts the fork server before it imports the app; the server is the one the pool forks from.
EARLY_SERVER = """
import multiprocessing.forkserver as forkserver, os, sys
from bot.cli.commands import start_workers
from bot.settings import load_settings
start_workers(load_settings(sys.argv[1], {}))
pid = forkserver._forkserver._forkserver_pid
command = open(f"/proc/{pid}/cmdline").read() if pid else ""
print(pid is not None, "digests.worker_preload" in command, "bot.app" in sys.modules)
"""


def test_a_collecting_command_starts_the_fork_server_before_its_imports(tmp_path: Path) -> None:
    """The fork server's imports and language model (about a second of CPU) load on another core while the command
    imports and opens the database; with ``workers = 0`` (work in this process) there is none."""
    from tests.bot.test_edges import NOWHERE
    from tests.fakes.settings import write_settings

    said = []
    for workers in (2, 0):
        (tmp_path / str(workers)).mkdir()
        settings = write_settings(tmp_path / str(workers), NOWHERE, collect={"workers": workers})
        result = subprocess.run([sys.executable, "-c", EARLY_SERVER, str(settings)], cwd=ROOT, capture_output=True,
                                text=True, timeout=120, check=False)
        assert result.returncode == 0, result.stderr
        said.append(result.stdout.split())
    assert said == [["True", "True", "False"], ["False", "False", "False"]]
