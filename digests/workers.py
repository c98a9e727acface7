"""Functions that run in worker processes. This module imports only what they need (no database).

The process that sends them work only names them (a function pickles by module and name), so the heavy
modules they run (trafilatura, sumy, NumPy, py3langid: about a second of CPU to import) are imported by the
functions themselves, and by :func:`init_worker` as a worker starts: ``khobor collect``'s own process, which
fetches, matches stories and stores, never imports them (tests/test_boundaries.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import gc
import importlib
import multiprocessing
import os
import select
import signal
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import CancelledError, Executor, Future, ProcessPoolExecutor
from functools import partial
from multiprocessing.context import BaseContext
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

if TYPE_CHECKING:
    from digests.models import ExtractedArticle, ParsedFeed, Summary
    from digests.summary_config import SummaryConfig

# Texts shorter than this are too generic ("Read the full story") to identify an article by content.
MIN_HASHED_TEXT = 200

PARENT_CHECK_S = 0.5
YOUNG_GC_THRESHOLD = 10_000  # new objects between collections of the youngest generation (Python's default: 700)
# What a worker runs, imported as it starts (while its parent is still starting up) rather than on its first task.
WORKER_MODULES = ("digests.feeds", "digests.extract", "digests.summarize", "digests.story_words")

# One thread for NumPy's matrix products in each worker (OpenBLAS in NumPy's wheels; OpenMP or MKL in other builds):
# the pool is the parallelism. Left alone, OpenBLAS starts a thread per core in every worker, and that thread spins
# on after each product (a summary makes a few): on bench/scale.py's 300 feeds it took 9 % more CPU per article and
# 7 % fewer articles a second.
ONE_MATH_THREAD = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")

WORKER_NICENESS = 10  # how much lower a worker's priority is than the process's that runs the pool (os.nice)

T = TypeVar("T")
P = ParamSpec("P")


async def run_in(executor: Executor | None, func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``func(*args, **kwargs)`` in ``executor`` (None: the loop's default threads), off the event loop. A partial
    of a module-level function pickles by name: a worker imports only that function's module."""
    return await asyncio.get_running_loop().run_in_executor(executor, partial(func, *args, **kwargs))


class WorkerPool(ProcessPoolExecutor):
    """A process pool whose first worker is started in a thread of its own. Started from a fork server, the first
    worker waits for the server to import and load what the workers run (0.5 to 0.8 s of CPU), and
    ``ProcessPoolExecutor.submit`` starts it in the thread that submits: the event loop's, which stalled
    (0.84 s measured). Work submitted meanwhile goes to the pool as soon as that worker is up."""

    def __init__(self, max_workers: int, **kwargs: Any) -> None:
        super().__init__(max_workers, **kwargs)
        self._up = threading.Event()
        self._lock = threading.Lock()
        self._starter: threading.Thread | None = None
        self._held: list[tuple[Future[Any], Callable[[], Any]]] = []

    def submit(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Future[T]:
        if not self._up.is_set():
            with self._lock:
                if not self._up.is_set():
                    future: Future[T] = Future()
                    self._held.append((future, partial(fn, *args, **kwargs)))
                    if self._starter is None:
                        self._starter = threading.Thread(target=self._start, name="pool-start", daemon=True)
                        self._starter.start()
                    return future
        return super().submit(fn, *args, **kwargs)

    def _first_worker(self) -> None:
        super().submit(os.getpid).result()

    def _start(self) -> None:
        with contextlib.suppress(Exception):  # a broken pool: the held work fails below with the pool's own error
            self._first_worker()
        with self._lock:
            self._up.set()
            held, self._held = self._held, []
        for future, work in held:
            if not future.set_running_or_notify_cancel():
                continue  # cancelled while it waited
            try:
                super().submit(work).add_done_callback(partial(_copy_outcome, future))
            except Exception as exc:  # shut down, or broken, meanwhile
                future.set_exception(exc)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        with self._lock:
            self._up.set()  # nothing more is held
            held, self._held = self._held, []
        for future, _ in held:
            if not cancel_futures and future.set_running_or_notify_cancel():
                future.set_exception(RuntimeError("the worker pool was shut down before it started"))
            else:
                future.cancel()
        super().shutdown(wait=wait, cancel_futures=cancel_futures)


def _copy_outcome(outer: Future[Any], inner: Future[Any]) -> None:
    if inner.cancelled():
        outer.set_exception(CancelledError())
    elif (error := inner.exception()) is not None:
        outer.set_exception(error)
    else:
        outer.set_result(inner.result())


def worker_context() -> BaseContext:
    """How worker processes start: forked from a fork server that has imported what they run and loaded the
    language identifier's model once (:func:`preload`), where the platform has one; else spawned, each
    importing on its own. (Forking the process that runs the event loop and its threads is unsafe; the fork
    server is a fresh single-threaded process.) Spawned, each worker paid 0.34 s of CPU for its imports and
    0.53 s for the model, and kept its own 70 MB copy of it; forked, they share one."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["digests.worker_preload"])
    return context


def start_worker_server() -> None:
    """Start the fork server now (:func:`worker_context`), where the platform has one: its imports and language
    model (0.5 s of CPU with the model's decompressed copy, 0.8 s without) then load on another core while this
    process imports and opens the database (about a second), instead of after, when the first feed is read. On
    100 feeds (bench/collect_startup.py, medians of 5) the first page was extracted 1.20 s after the command
    started instead of 1.85 s; the whole command took 6.95 s instead of 7.15 (on two cores busy from then on, the
    second saved is mostly CPU moved, not removed). A ``khobor collect`` that then finds nothing new has spent
    that CPU for nothing; a ``khobor run``'s fork server serves it for its whole life."""
    if worker_context().get_start_method() == "forkserver":
        from multiprocessing import forkserver

        forkserver.ensure_running()


def preload() -> None:
    """Import what the workers run (:data:`WORKER_MODULES`), load the language identifier, and freeze it all
    (:func:`freeze_imports`: in the fork server, so that no worker's collections walk, and write to, the pages
    the workers share). The process first lowers its priority (:func:`yield_to_the_pool_process`) and tells NumPy's
    math library to keep to one thread (:data:`ONE_MATH_THREAD`)."""
    yield_to_the_pool_process()
    for name in ONE_MATH_THREAD:
        os.environ.setdefault(name, "1")  # read as the library loads; an operator's own setting stays
    for name in WORKER_MODULES:
        importlib.import_module(name)
    from digests.language import load_identifier

    load_identifier()
    freeze_imports()


@functools.cache
def yield_to_the_pool_process() -> None:
    """Lower this process's priority by :data:`WORKER_NICENESS` (once: a forked worker inherits its fork server's).

    The process that runs the pool fetches, stores, matches stories and answers the chat platforms; the workers
    only compute, and its work is what feeds theirs. At equal priority its thread waited for a core a third of
    the time (4.85 s of a 14.5 s collection of 300 feeds, /proc's schedstat) while the workers computed, and then
    the workers ran dry: the two cores were 81 % used. Lowered, the workers take what the process leaves: on
    bench/scale.py's 300 feeds (3 alternating runs) 390 articles/s became 451, the cores 89 % used. Other
    programs on the machine (a PostgreSQL server, say) also come before the workers."""
    with contextlib.suppress(AttributeError, OSError):  # no os.nice on Windows
        os.nice(WORKER_NICENESS)


@functools.cache
def freeze_imports() -> None:
    """Once a process has imported everything (scikit-learn, SQLAlchemy, trafilatura...: 100,000s of objects that
    live as long as it does), move them out of the garbage collector's sight: it no longer walks them in every
    full collection. A 5,000-article digest took 4.3 s with the collector on and 2.8 s with it off (one
    measurement each, a loaded machine). Once per process, after a collection, so no garbage is frozen with them.
    In a fork server, frozen objects are also never written to by a worker's collections, so their pages stay
    shared (Python's documentation of :func:`gc.freeze`).

    The youngest generation is also collected less often (every :data:`YOUNG_GC_THRESHOLD` new objects): a
    collection pass allocates a few hundred objects per request and per article, and every tenth of tenth young
    collection walked the whole heap (the story index included). On the 6,000-article bench that was 0.55 s of
    the main process's CPU in collections, 0.27 s after."""
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_GC_THRESHOLD, middle, old)


def init_worker(pool_pid: int) -> None:
    """Set up a worker process: Ctrl-C is the pool's process's to handle (no traceback from here), the worker
    exits when that process is gone, even killed with SIGKILL, instead of running on as an orphan, and it has
    what its tasks run (:func:`preload`: done already in a forked worker).

    ``pool_pid`` is the process whose pool this is, not necessarily the parent: a forked worker's parent is
    the fork server, which lives as long as any worker holds its pipe open."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_with, args=(pool_pid,), name="pool-watch", daemon=True).start()
    preload()


def _exit_with(pid: int) -> None:
    """Exit this process when process ``pid`` ends: nobody will read its results."""
    try:
        handle = os.pidfd_open(pid)
    except ProcessLookupError:
        os._exit(1)
    except OSError:  # no pidfd here (a kernel before 5.3, a seccomp filter): look twice a second
        while _exists(pid):
            time.sleep(PARENT_CHECK_S)
        os._exit(1)
    select.select([handle], [], [])  # readable once the process has ended
    os._exit(1)


def _exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it is there, another user's
        pass
    return True


def parse_feed(body: bytes, *, url: str, content_type: str | None = None) -> ParsedFeed:
    """:func:`digests.feeds.parse_feed`, for a worker."""
    from digests.feeds import parse_feed

    return parse_feed(body, url=url, content_type=content_type)


def read_page(html: bytes, *, url: str, dated: bool, titled: bool = False,
              signed: bool = False) -> tuple[ExtractedArticle | None, str | None]:
    """A collected page's article (:func:`digests.extract.extract_article`; ``dated``, ``titled``, ``signed``: the
    feed gave the date, title, author, which the page is not searched for) and the content hash that identifies
    it when its text is long enough (hashing a text costs as much as storing it: done here, not in the
    process that stores)."""
    from digests.extract import extract_article
    from digests.urls import content_hash

    article = extract_article(html, url=url, dated=dated, titled=titled, signed=signed)
    if article is None or len(article.text) < MIN_HASHED_TEXT:
        return article, None
    return article, content_hash(article.text)


def read_pages(pages: Sequence[tuple[bytes, str, bool, bool, bool]],
               ) -> list[tuple[ExtractedArticle | None, str | None]]:
    """:func:`read_page` of (html, url, dated, titled, signed) tuples, in one trip to a worker (see
    :mod:`digests.page_reader`)."""
    return [read_page(html, url=url, dated=dated, titled=titled, signed=signed)
            for html, url, dated, titled, signed in pages]


def summarize_texts(items: Sequence[tuple[str, str, str | None]], config: SummaryConfig) -> list[Summary]:
    """Summarise (title, text, language) triples, as :func:`prepare_texts` takes them, in one trip to a worker."""
    from digests.summarize import summarize

    return [summarize(text, language=language, config=config, title=title) for title, text, language in items]


def prepare_texts(items: Sequence[tuple[str, str, str | None]],
                  config: SummaryConfig | None) -> list[tuple[Summary | None, list[str]]]:
    """For (title, text, language) triples of articles about to be stored: the summary (when ``config`` is
    given) and the words that identify the article's story, in one trip to a worker."""
    from digests.story_words import story_words
    from digests.summarize import summarize

    return [(summarize(text, language=language, config=config, title=title) if config is not None and text else None,
             story_words(title, text)) for title, text, language in items]


def words_of(items: Sequence[tuple[str, str]]) -> list[list[str]]:
    """The story words of (title, text) pairs (rebuilding the story index from the database)."""
    from digests.story_words import story_words

    return [story_words(title, text) for title, text in items]
