"""Record a console session: `khobor run` in tmux against loopback feeds, with the scheduler busy.

The README's quick start (`make run`: no token set, so the console) on a settings file whose feeds are on
this machine: two outlets whose feeds gain an article every 40 s, read every minute (the collection tick
every 5 s), and a digest subscribed for two minutes after the start, delivered by the scheduler while the
prompt waits. Commands are typed with `tmux send-keys`; the whole pane, scrollback included, is saved.

    .venv/bin/python scripts/console_session.py [--minutes 3] [--output docs/console-session.txt]

Needs tmux (Debian: apt-get install tmux).
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import subprocess
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from aiohttp import web

ROOT = Path(__file__).resolve().parents[1]
SESSION = "khobor-console-session"
STARTED = time.monotonic()
OUTLETS = {"dhaka-daily": "Dhaka Daily", "delta-times": "Delta Times"}
EVENTS = [
    ("Floods cut off villages in Sylhet", "Rivers burst their banks after days of monsoon rain in the north east."),
    ("Central bank holds its policy rate", "The governor said inflation had eased but the taka remained weak."),
    ("Tigers clinch the T20 series in Colombo", "The captain scored a century as the bowlers took early wickets."),
    ("New children's wing opens at Dhaka Medical", "Doctors welcomed the first patients to the paediatric unit."),
    ("Parliament passes the election bill", "Opposition lawmakers walked out before the vote on the new law."),
    ("Port strike ends after wage deal", "Dock workers returned to Chittagong after a week of stoppages."),
]


def items(outlet: str) -> list[int]:
    """Two articles at the start, then one more every 40 s."""
    return list(range(2 + int((time.monotonic() - STARTED) // 40)))


async def feed(request: web.Request) -> web.Response:
    outlet = request.match_info["outlet"]
    base = f"http://{request.host}"
    entries = "".join(
        f"<item><title>{EVENTS[n % len(EVENTS)][0]} ({OUTLETS[outlet]} #{n})</title>"
        f"<link>{base}/{outlet}/{n}.html?utm_source=rss</link><guid>{outlet}-{n}</guid>"
        f"<description>{EVENTS[n % len(EVENTS)][1]}</description></item>" for n in items(outlet))
    body = f'<?xml version="1.0"?><rss version="2.0"><channel><title>{OUTLETS[outlet]}</title>{entries}</channel></rss>'
    return web.Response(body=body.encode(), content_type="application/rss+xml")


async def page(request: web.Request) -> web.Response:
    n = int(request.match_info["n"])
    title, lead = EVENTS[n % len(EVENTS)]
    outlet = OUTLETS[request.match_info["outlet"]]  # each outlet words it its own way: two sources, one story
    text = " ".join(f"{lead} {outlet} heard more from officials on day {n}, in report {k}." for k in range(6))
    return web.Response(text=f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
                             f"<p>{text}</p></article></body></html>", content_type="text/html")


def settings_file(folder: Path, port: int) -> Path:
    feeds = ", ".join(f'{{ name = "{name}", url = "http://127.0.0.1:{port}/{slug}/feed" }}'
                      for slug, name in OUTLETS.items())
    path = folder / "settings.toml"
    path.write_text(f"""data_dir = "{folder / 'data'}"
[collect]
interval_minutes = 1
workers = 0
retries = 0
allow_private_links = true
[schedule]
collect_tick_seconds = 5
collect_jitter_seconds = 0
resync_seconds = 5
[health]
port = 0
[[regions]]
name = "loopback"
title = "Loopback News"
feeds = [{feeds}]
""", encoding="utf-8")
    return path


TMUX = shutil.which("tmux") or "tmux"


async def tmux(*args: str, check: bool = True) -> str:
    done = await asyncio.to_thread(subprocess.run, [TMUX, *args], check=check, capture_output=True, text=True)
    return done.stdout


async def type_line(text: str, pause: float = 2.0) -> None:
    await tmux("send-keys", "-t", SESSION, "-l", text)
    await tmux("send-keys", "-t", SESSION, "Enter")
    await asyncio.sleep(pause)


PROMPT = "khobor>"


async def watch_bottom_line(until: float) -> list[tuple[str, str]]:
    """The last non-blank line of the visible screen every 5 s until ``until``: where the prompt should be."""
    seen = []
    while time.monotonic() < until:
        await asyncio.sleep(5)
        screen = await tmux("capture-pane", "-p", "-t", SESSION)
        lines = [line.rstrip() for line in screen.splitlines() if line.strip()]
        seen.append((datetime.now(UTC).strftime("%H:%M:%S"), lines[-1] if lines else ""))
    return seen


async def record(minutes: float, output: Path) -> None:
    app = web.Application()
    app.router.add_get("/{outlet}/feed", feed)
    app.router.add_get("/{outlet}/{n:\\d+}.html", page)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    with tempfile.TemporaryDirectory() as folder:
        settings = settings_file(Path(folder), port)
        khobor = ROOT / ".venv" / "bin" / "khobor"
        await tmux("new-session", "-d", "-s", SESSION, "-x", "110", "-y", "45", f"{khobor} run --settings {settings}")
        await tmux("set-option", "-t", SESSION, "history-limit", "20000")
        try:
            await asyncio.sleep(12)  # start-up: migrations, the first collection
            await type_line("help", 4)
            due = (datetime.now(UTC) + timedelta(minutes=2)).strftime("%H:%M")
            await type_line(f"digest subscribe loopback {due} UTC")
            await type_line("digest list")
            bottoms = await watch_bottom_line(STARTED + minutes * 60)
            await type_line("summary floods", 4)
            screen = await tmux("capture-pane", "-p", "-J", "-S", "-", "-t", SESSION)
            await type_line("quit", 6)
        finally:
            await tmux("kill-session", "-t", SESSION, check=False)
    await runner.cleanup()
    elapsed = time.monotonic() - STARTED
    kept = sum(line == PROMPT for _, line in bottoms)
    header = (f"# `khobor run` in tmux (110x45), console adapter, loopback feeds; {elapsed:.0f} s recorded.\n"
              "# Made by scripts/console_session.py. While the scheduler ran, the screen's last line was read every\n"
              f"# 5 s: it was the bare prompt {kept} times out of {len(bottoms)}"
              f"{'' if kept == len(bottoms) else ' (see below)'}. Then the pane's full scrollback, as tmux shows it.\n")
    header += "".join(f"#   {when} {line!r}\n" for when, line in bottoms if line != PROMPT) + "\n"
    await asyncio.to_thread(output.write_text, header + screen.rstrip() + "\n", encoding="utf-8")
    print(f"wrote {output} ({len(screen.splitlines())} lines, {elapsed:.0f} s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=3.0, help="how long the scheduler runs")
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "console-session.txt")
    args = parser.parse_args()
    if shutil.which("tmux") is None:
        raise SystemExit("console_session: tmux is not installed (Debian: apt-get install tmux)")
    asyncio.run(record(args.minutes, args.output))


if __name__ == "__main__":
    main()
