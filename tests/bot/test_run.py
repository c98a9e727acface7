"""`khobor run` as a real process: the console when no token is set, collection at start, clean SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from pathlib import Path

from bot.app import App
from bot.settings import load_settings
from tests.fakes.settings import Region, write_settings
from tests.fakes.stories import day_of_news
from tests.fakes.webserver import WebServer


async def test_run_serves_the_console_collects_and_stops_on_sigterm(tmp_path: Path) -> None:
    async with WebServer() as server:
        day_of_news(server)
        settings = write_settings(tmp_path, Region("test", "Test Region",
                                                   [("Dhaka Daily", server.url("/dhaka-daily/feed"))]))
        env = {k: v for k, v in os.environ.items() if not k.startswith("KHOBOR_")} | {"COLUMNS": "200"}
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "--settings", settings, "run", env=env,
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
        assert process.stdin is not None and process.stdout is not None
        for _ in range(300):  # the first collection pass reads the feed at start
            await asyncio.sleep(0.1)
            if server.hits("/dhaka-daily/sl-beat-nepal"):
                break
        process.stdin.write(b"digest regions\n")
        await process.stdin.drain()
        await asyncio.sleep(1.5)
        process.send_signal(signal.SIGTERM)
        output, _ = await asyncio.wait_for(process.communicate(), timeout=30)
    text = output.decode()
    assert process.returncode == 0, text
    assert "running with console" in text
    assert "test: Test Region (Asia/Dhaka, 1 feeds)" in text
    assert "stopping" in text and "Traceback" not in text


async def test_stopping_while_a_worker_is_busy_closes_the_database_first_without_blocking(tmp_path: Path) -> None:
    """SIGTERM while a worker extracts a big page: App.stop waited for it on the event loop (a synchronous
    executor shutdown), so the shutdown step's time ran out during it and the database's close, next, was cut
    off (a traceback in the log of a clean stop). The database closes at once; the worker is waited for off the
    loop, last."""
    settings = load_settings(write_settings(tmp_path, Region("test", "Test Region", [("x", "https://x.test/feed")]),
                                            collect={"workers": 1}), {})
    app = App(settings, digests=False)
    await app.start()
    await app.run_cpu(int)  # the worker is up
    busy = asyncio.create_task(app.run_cpu(time.sleep, 2.5))
    await asyncio.sleep(0.3)
    closed: list[float] = []
    store_close = app.store.close

    async def close() -> None:
        closed.append(time.monotonic())
        await store_close()

    app.store.close = close  # type: ignore[method-assign]
    ticks = 0

    async def heartbeat() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.05)
            ticks += 1

    beating = asyncio.create_task(heartbeat())
    started = time.monotonic()
    await app.stop()
    beating.cancel()
    assert closed and closed[0] - started < 1.0
    assert ticks >= 10  # the loop kept running while the worker finished
    await asyncio.gather(busy, return_exceptions=True)
