"""`khobor run` as a real process: the console when no token is set, collection at start, clean SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

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
