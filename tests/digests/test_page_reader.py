"""PageReader: collected pages go to the workers a few per trip, each page gets its own result."""

from __future__ import annotations

import asyncio
import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from typing import Any, TypeVar

import pytest

import digests.page_reader as page_reader
from digests.page_reader import PageReader
from digests.workers import read_page
from tests.digests.test_extract import BODY_PARAGRAPHS, article_page

T = TypeVar("T")


class Counting(ThreadPoolExecutor):
    """A thread pool that records how many pages each trip carried."""

    def __init__(self) -> None:
        super().__init__(1)
        self.trips: list[int] = []

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        self.trips.append(len(fn.args[0]))  # type: ignore[attr-defined]  # partial(read_pages, pages)
        return super().submit(fn, *args, **kwargs)


def pages(count: int) -> list[bytes]:
    return [article_page([f"Report {n} from the river desk.", *BODY_PARAGRAPHS]).encode() for n in range(count)]


async def test_pages_read_together_share_trips_and_get_their_own_results() -> None:
    with Counting() as executor:
        reader = PageReader(executor, batch=4)
        htmls = pages(10)
        results = await asyncio.gather(*(reader.read(h, url=f"https://x.example/{n}", dated=n % 2 == 0)
                                         for n, h in enumerate(htmls)))
    assert executor.trips == [4, 4, 2]  # the last two after the wait
    assert results == [read_page(h, url=f"https://x.example/{n}", dated=n % 2 == 0) for n, h in enumerate(htmls)]
    assert all(article is not None and f"Report {n} " in article.text for n, (article, _) in enumerate(results))


async def test_a_lone_page_is_sent_after_the_wait() -> None:
    with Counting() as executor:
        article, text_hash = await PageReader(executor, batch=4, wait_s=0.001).read(pages(1)[0], url="https://x.example/",
                                                                                   dated=False)
    assert executor.trips == [1] and article is not None and text_hash is not None


async def test_in_worker_processes() -> None:
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as executor:
        reader = PageReader(executor)
        results = await asyncio.gather(*(reader.read(h, url="https://x.example/", dated=True) for h in pages(6)))
    assert [text_hash for _, text_hash in results] == [read_page(h, url="https://x.example/", dated=True)[1]
                                                       for h in pages(6)]


async def test_a_cancelled_reader_leaves_the_others_their_results() -> None:
    with Counting() as executor:
        reader = PageReader(executor, batch=3)
        htmls = pages(3)
        first = asyncio.ensure_future(reader.read(htmls[0], url="https://x.example/0", dated=True))
        await asyncio.sleep(0)
        first.cancel()
        rest = await asyncio.gather(*(reader.read(h, url="https://x.example/", dated=True) for h in htmls[1:]))
    assert first.cancelled() and all(article is not None for article, _ in rest)


async def test_a_failed_trip_fails_every_page_of_it(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(batch: Sequence[tuple[bytes, str, bool]]) -> list[Any]:
        raise RuntimeError("worker pool broken")

    monkeypatch.setattr(page_reader, "read_pages", broken)
    executor: Executor
    with ThreadPoolExecutor(1) as executor:
        reader = PageReader(executor, batch=2)
        results = await asyncio.gather(*(reader.read(h, url="https://x.example/", dated=True) for h in pages(3)),
                                       return_exceptions=True)
    assert [str(r) for r in results] == ["worker pool broken"] * 3
