"""Issue 13, every case: no traceback, no hang, no orphan. Each test failed before the fix it names.

Processes are real (``python -m bot``), servers are loopback, databases are real SQLite (and PostgreSQL when
KHOBOR_TEST_POSTGRES_URL is set).
"""

from __future__ import annotations

import asyncio
import gzip
import io
import json
import os
import signal
import socket
import sys
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from ipaddress import ip_network
from pathlib import Path

import pytest
from aiohttp import web
from rich.console import Console

from bot.adapters.console.adapter import ConsoleAdapter
from bot.app import App, fetch_config
from bot.cli.main import failure, main
from bot.cli.transfer import SubscriptionEntry, import_subscriptions
from bot.core.commands import CommandError, parse_command
from bot.core.subscriptions import normalise_time
from bot.settings import load_settings
from digests.errors import StoreError
from digests.feeds import parse_feed
from digests.fetch import FetchConfig, Fetcher
from digests.guard import AddressPolicy
from digests.models import ArticleDoc
from digests.ondemand import first_article_per_outlet
from digests.store import NewArticle, Store, Subscriptions, open_database
from tests.fakes.settings import Region, write_settings
from tests.fakes.slack_api import FakeSlackApi
from tests.fakes.webserver import WebServer

ROOT = Path(__file__).parents[2]
LOOPBACK = AddressPolicy(allow=(ip_network("127.0.0.0/8"),))
NOWHERE = Region("test", "Test Region", [("Nowhere", "http://127.0.0.1:9/feed")])


def clean_env(**extra: str) -> dict[str, str]:
    """The environment without any KHOBOR_ variable of the machine, plus ``extra``."""
    return {k: v for k, v in os.environ.items() if not k.startswith("KHOBOR_")} | {"COLUMNS": "200"} | extra


async def khobor(*args: str, env: dict[str, str]) -> tuple[int, str]:
    """Run ``python -m bot ARGS`` to the end; (exit status, output)."""
    process = await asyncio.create_subprocess_exec(sys.executable, "-m", "bot", *args, env=env, cwd=ROOT,
                                                   stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    try:
        output, _ = await asyncio.wait_for(process.communicate(), timeout=120)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.returncode is not None
    return process.returncode, output.decode()


# ---- hangs and stops ------------------------------------------------------------------------------------------

def slack_run_settings(tmp_path: Path, api: FakeSlackApi) -> str:
    return write_settings(tmp_path, NOWHERE, more=f'[slack]\napi_base_url = "{api.base_url}"\nmode = "socket"\n'
                                                  "[health]\nenabled = false\n")


@pytest.mark.parametrize("answer", ["ok-false", "401", "500", "garbage"])
async def test_a_refused_slack_app_token_ends_start_up_with_exit_1(tmp_path: Path, answer: str) -> None:
    async with FakeSlackApi() as api:
        responses = {"ok-false": web.json_response({"ok": False, "error": "invalid_auth"}),
                     "401": web.json_response({"ok": False, "error": "not_authed"}, status=401),
                     "500": web.Response(status=500, text="oops"),
                     "garbage": web.Response(text="<html>not json</html>", content_type="text/html")}

        async def open_connection(_: web.Request) -> web.StreamResponse:
            return responses[answer]

        api.server.route("/api/apps.connections.open", open_connection, method="POST")
        env = clean_env(KHOBOR_SLACK_BOT_TOKEN=api.bot_token, KHOBOR_SLACK_APP_TOKEN="xapp-refused")
        status, output = await khobor("--settings", slack_run_settings(tmp_path, api), "run", env=env)
    assert status == 1, output
    assert "apps.connections.open failed" in output and "Traceback" not in output
    assert ("check KHOBOR_SLACK_APP_TOKEN" if answer in ("ok-false", "401") else "try again later") in output
    assert "xapp-refused" not in output


async def test_sigterm_during_start_up_is_honoured(tmp_path: Path) -> None:
    async with FakeSlackApi() as api:
        arrived = asyncio.Event()

        async def never_answer(_: web.Request) -> web.StreamResponse:
            arrived.set()
            await asyncio.sleep(3600)
            raise AssertionError("unreachable")

        api.server.route("/api/apps.connections.open", never_answer, method="POST")
        env = clean_env(KHOBOR_SLACK_BOT_TOKEN=api.bot_token, KHOBOR_SLACK_APP_TOKEN=api.app_token)
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "--settings", slack_run_settings(tmp_path, api), "run", env=env, cwd=ROOT,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
        await asyncio.wait_for(arrived.wait(), timeout=120)
        process.send_signal(signal.SIGTERM)
        try:  # bench/edges.py measures how soon; here: that it stops at all (before, it never did)
            output, _ = await asyncio.wait_for(process.communicate(), timeout=30)
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()
    assert process.returncode == 0 and "stopping during start-up" in output.decode(), output.decode()


def slow_pages_site(server: WebServer, count: int = 6) -> str:
    """A feed whose article pages never answer: a collection pass is under way until the test ends."""
    items = "".join(f"<item><title>Story {n}</title><link>{server.url(f'/slow/{n}')}</link>"
                    f"<description>Story {n} in a few words.</description></item>" for n in range(count))
    server.add_text("/feed", f'<?xml version="1.0"?><rss version="2.0"><channel><title>Slow</title>{items}'
                             "</channel></rss>", content_type="application/rss+xml")

    async def hang(_: web.Request) -> web.StreamResponse:
        await asyncio.sleep(3600)
        raise AssertionError("unreachable")

    for n in range(count):
        server.route(f"/slow/{n}", hang)
    return server.url("/feed")


def descendants_of(pid: int) -> list[int]:
    """The processes below ``pid``: its children, theirs... (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = [], list(children.get(pid, []))
    while todo:
        found.append(todo.pop())
        todo += children.get(found[-1], [])
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


@contextmanager
def killed_afterwards(pids: list[int]) -> Iterator[None]:
    try:
        yield
    finally:
        for pid in pids:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)


async def collect_with_workers(tmp_path: Path, server: WebServer, *, output: int = asyncio.subprocess.PIPE
                               ) -> asyncio.subprocess.Process:
    """`khobor collect` in its own session, running until its worker is up. (An orphan would hold an
    output pipe open, and asyncio waits for the pipes before it reports an exit: pass DEVNULL to kill.)"""
    settings = write_settings(tmp_path, Region("slow", "Slow", [("Slow", slow_pages_site(server))]),
                              collect={"workers": 1, "timeout_seconds": 300})
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "--settings", settings, "collect", env=clean_env(), cwd=ROOT,
        start_new_session=True, stdout=output, stderr=asyncio.subprocess.STDOUT)
    for _ in range(1200):
        await asyncio.sleep(0.1)
        if server.hits("/slow/0") and len(descendants_of(process.pid)) >= 3:  # resource tracker, fork server, worker
            break
    await asyncio.sleep(0.5)
    return process


async def test_workers_die_with_their_parent_on_kill_9(tmp_path: Path) -> None:
    async with WebServer() as server:
        process = await collect_with_workers(tmp_path, server, output=asyncio.subprocess.DEVNULL)
        children = descendants_of(process.pid)
        with killed_afterwards(children):
            assert len(children) >= 2
            process.kill()
            await process.wait()
            for _ in range(600):  # bench/edges.py measures how soon; here: that they go
                if not any(alive(pid) for pid in children):
                    break
                await asyncio.sleep(0.1)
            assert [pid for pid in children if alive(pid)] == []


async def test_ctrl_c_prints_no_worker_traceback(tmp_path: Path) -> None:
    async with WebServer() as server:
        process = await collect_with_workers(tmp_path, server)
        with killed_afterwards([process.pid, *descendants_of(process.pid)]):
            os.killpg(process.pid, signal.SIGINT)  # what the terminal does: the whole process group
            output, _ = await asyncio.wait_for(process.communicate(), timeout=30)
    text = output.decode()
    assert process.returncode == 130 and "interrupted" in text
    assert "Traceback" not in text and "KeyboardInterrupt" not in text, text


def serve_hostile(server: WebServer) -> None:
    """``/busy``: 503 asking to wait 100 s; ``/trickle``: a page sent a byte a second."""
    server.add_bytes("/busy", b"", status=503, headers={"Retry-After": "100"})

    async def trickle(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/html"})
        await response.prepare(request)
        for byte in b"<html><body><p>" * 1000:
            await response.write(bytes([byte]))
            await asyncio.sleep(1)
        return response

    server.route("/trickle", trickle)


@pytest.fixture
async def hostile() -> AsyncIterator[WebServer]:
    """A 503 server asking to wait 100 s, and a server that sends a byte a second."""
    async with WebServer() as server:
        serve_hostile(server)
        yield server


@pytest.mark.parametrize("path", ["/busy", "/trickle"])
async def test_summary_of_a_url_answers_within_its_deadline(tmp_path: Path, hostile: WebServer, path: str) -> None:
    settings = load_settings(write_settings(tmp_path, NOWHERE, more="[summary]\nurl_deadline_seconds = 5\n"), {})
    async with App(settings) as app:
        await app.fetcher.close()
        app._fetcher = Fetcher(fetch_config(settings), policy=LOOPBACK)  # the loopback stands in for a site
        await app.fetcher.start()
        harness = ConsoleAdapter(app.core_service(), settings.console, output=Console(file=io.StringIO()))
        async with asyncio.timeout(5 + 3):
            said = await harness.command(f"summary {hostile.url(path)}")
    assert ("asks to wait 100 s" if path == "/busy" else "within") in said, said


async def test_a_long_retry_after_is_not_waited_past_the_deadline(hostile: WebServer) -> None:
    waits: list[float] = []

    async def record(seconds: float) -> None:
        waits.append(seconds)

    async with Fetcher(FetchConfig(max_retry_after_s=300, deadline_s=60), sleep=record) as fetcher:
        with pytest.raises(Exception, match="asks to wait 100 s"):
            await fetcher.fetch(hostile.url("/busy"))
    assert waits == [] and hostile.hits("/busy") == 1


async def test_one_slow_host_does_not_delay_other_hosts_feeds(tmp_path: Path) -> None:
    from digests.collect import CollectConfig, Collector
    from digests.models import FeedSource

    async with WebServer("127.0.0.1", "127.0.0.2") as server:
        slow_feed = slow_pages_site(server, count=8)
        server.add_text("/fast", '<?xml version="1.0"?><rss version="2.0"><channel><title>Fast</title><item>'
                                 f'<title>Quick</title><link>{server.url("/quick", host="127.0.0.2")}</link>'
                                 "<description>A quick story.</description></item></channel></rss>",
                        content_type="application/rss+xml")
        server.add_text("/quick", "<html><body><p>A quick story, told in full.</p></body></html>")
        store = Store(await open_database(f"sqlite+aiosqlite:///{tmp_path / 'k.db'}"))
        async with Fetcher(FetchConfig(retries=0, per_host_concurrency=2), policy=LOOPBACK) as fetcher:
            collector = Collector(store=store, fetcher=fetcher, config=CollectConfig(concurrency=4,
                                  per_host_concurrency=2, guard_links=False))
            fast_done = asyncio.Event()
            feeds = [FeedSource(url=slow_feed, name="Slow", region="r"),
                     FeedSource(url=server.url("/fast", host="127.0.0.2"), name="Fast", region="r")]
            passing = asyncio.create_task(collector.collect(
                feeds, progress=lambda report: fast_done.set() if report.name == "Fast" else None))
            try:
                await asyncio.wait_for(fast_done.wait(), timeout=10)
            finally:
                passing.cancel()
        await store.close()


async def test_a_database_that_never_answers_is_a_clear_error_soon() -> None:
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    try:
        with pytest.raises(StoreError, match="did not answer in time"):
            await asyncio.wait_for(open_database(f"postgresql+asyncpg://u@127.0.0.1:{port}/db", timeout_s=1),
                                   timeout=20)
    finally:
        listener.close()


MIGRATE = "import asyncio, sys\nfrom digests.store import open_database\n" \
          "asyncio.run(open_database(sys.argv[1]))\n"


async def test_processes_starting_together_migrate_one_at_a_time(database_url: str) -> None:
    processes = [await asyncio.create_subprocess_exec(sys.executable, "-c", MIGRATE, database_url, cwd=ROOT,
                                                      stderr=asyncio.subprocess.PIPE) for _ in range(6)]
    results = [await process.communicate() for process in processes]
    assert [p.returncode for p in processes] == [0] * 6, [err.decode()[-400:] for _, err in results]


# ---- bad input: a message and exit 2, never a traceback --------------------------------------------------------

def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    status = main(args)
    captured = capsys.readouterr()
    return status, captured.out + captured.err


@pytest.mark.parametrize(("variable", "value", "said"), [
    ("KHOBOR_DATABASE_URL", "postgresql://u@db:abc/k", "bad port"),
    ("KHOBOR_DATABASE_URL", "postgresql://u@[::1/k", "bad port or IPv6"),
    ("KHOBOR_DATABASE_URL", "::::", "not a URL"),
    ("KHOBOR_DATABASE_URL", "mysql://u@db/k", "'mysql' databases are not supported"),
    ("KHOBOR_USER_AGENT", "Khobor\r\nX-Injected: 1", "without control characters"),
    ("KHOBOR_DATA_DIR", "{file}/data", "is a file"),
])
@pytest.mark.parametrize("command", ["check-settings", "feeds"])
def test_bad_environment_values_are_named_and_caught_by_check_settings(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path, variable: str,
        value: str, said: str, command: str) -> None:
    (tmp_path / "file").write_text("x")
    monkeypatch.setenv(variable, value.format(file=tmp_path / "file"))
    status, output = run_cli(["--settings", write_settings(tmp_path, NOWHERE), command], capsys)
    assert status == 2, output
    assert f"{variable} (environment variable)" in output and said in output and "Traceback" not in output


@pytest.mark.parametrize(("content", "said"), [(b"\xff\xfetoken", "not UTF-8"), (b"xoxb-1\nxoxb-2\n", "several lines"),
                                               (None, "larger than 16 KiB")])
def test_secret_files_are_read_with_a_cap_and_checked(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str], content: bytes | None,
                                                      said: str) -> None:
    path = tmp_path / "token"
    if content is not None:
        path.write_bytes(content)
    monkeypatch.setenv("KHOBOR_DISCORD_TOKEN_FILE", str(path) if content is not None else "/dev/zero")
    status, output = run_cli(["--settings", write_settings(tmp_path, NOWHERE), "check-settings"], capsys)
    assert status == 2 and "KHOBOR_DISCORD_TOKEN_FILE (environment variable)" in output and said in output


def test_toml_nested_100k_deep_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "deep.toml"
    path.write_text("a = " + "[" * 100_000 + "]" * 100_000 + "\n")
    status, output = run_cli(["--settings", str(path), "check-settings"], capsys)
    assert status == 2 and "nested too deeply" in output and "Traceback" not in output


def test_khobor_settings_naming_a_missing_file_says_so(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("KHOBOR_SETTINGS", str(tmp_path / "missing.toml"))
    status, output = run_cli(["check-settings"], capsys)
    assert status == 2 and "$KHOBOR_SETTINGS" in output and "--settings" not in output


def test_export_into_a_missing_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, output = run_cli(["--settings", write_settings(tmp_path, NOWHERE), "export", "--format", "opml",
                              "--output", str(tmp_path / "no" / "feeds.opml")], capsys)
    assert status == 2 and "folder exists" in output and "Traceback" not in output


@pytest.mark.parametrize(("document", "said"), [
    ('{"khobor_export": 1, "x": ' + "[" * 200_000 + "]" * 200_000 + "}", "nested too deeply"),
    ('{"khobor_export": 1, "regions": [{"name": "r", "feeds": 5}]}', "regions[0].feeds must be a list"),
])
def test_import_of_a_malformed_export(tmp_path: Path, capsys: pytest.CaptureFixture[str], document: str,
                                      said: str) -> None:
    (tmp_path / "in.json").write_text(document)
    status, output = run_cli(["--settings", write_settings(tmp_path, NOWHERE), "import", str(tmp_path / "in.json")],
                             capsys)
    assert status == 2 and said in output and "Traceback" not in output


def test_lone_surrogates_in_an_import(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    entry = {"platform": "console", "workspace_id": "w", "region": "test", "time": "08:00"}
    document = {"khobor_export": 1,
                "regions": [{"name": "new", "feeds": [{"name": "Bad \ud800 name", "url": "https://x.test/feed"}]}],
                "subscriptions": [entry | {"channel_id": "good"}, entry | {"channel_id": "bad\udcff"}]}
    (tmp_path / "in.json").write_text(json.dumps(document))
    status, output = run_cli(["--settings", write_settings(tmp_path, NOWHERE), "import", str(tmp_path / "in.json")],
                             capsys)
    assert status == 2 and "Traceback" not in output
    assert "subscriptions[1]: holds text that is not valid Unicode" in output
    assert "imported 1 subscription(s)" in output and 'name = "Bad \ufffd name"' in output


def test_an_unexpected_error_is_one_line_not_a_traceback() -> None:
    message, status = failure(RuntimeError("boom"))
    assert status == 1 and "unexpected error (RuntimeError: boom)" in message and "\n" not in message


# ---- input that was accepted but wrong -------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["ls", "text.gz"])
def test_summarize_refuses_binary_files(tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str) -> None:
    path = tmp_path / name
    path.write_bytes(Path("/bin/ls").read_bytes()[:65536] if name == "ls" else gzip.compress(b"Plain words. " * 99))
    status, output = run_cli(["--settings", write_settings(tmp_path, NOWHERE), "summarize", str(path)], capsys)
    assert status == 2 and "binary file" in output


def test_times_in_other_scripts_are_normalised() -> None:
    assert normalise_time("08:0৫") == "08:05" and normalise_time("1٨:3٠") == "18:30"
    assert normalise_time("০৮:৩০") == "08:30" and normalise_time("²:00") is None


def test_commands_are_capped_before_splitting_and_bad_bytes_refused() -> None:
    with pytest.raises(CommandError, match="at most 4,000"):
        parse_command("summary " + "x " * 500_000)
    with pytest.raises(CommandError, match="not valid text"):
        parse_command("digest subscribe south-asia \udcff")


@pytest.fixture
async def console_harness(tmp_path: Path) -> AsyncIterator[ConsoleAdapter]:
    settings = load_settings(write_settings(tmp_path, NOWHERE, collect={"workers": 0}), {})
    async with App(settings) as app:
        yield ConsoleAdapter(app.core_service(), settings.console, output=Console(file=io.StringIO()))


async def test_localtime_is_refused_and_digits_are_stored_in_ascii(console_harness: ConsoleAdapter) -> None:
    assert "depends on the server" in await console_harness.command("digest subscribe test 08:00 localtime")
    assert "'8am' is not a time; use 24-hour HH:MM" in await console_harness.command("digest subscribe test 8am")
    assert "every day at 18:30 Asia/Dhaka" in await console_harness.command("digest subscribe test 1٨:3٠")


async def test_the_console_reads_on_after_bytes_that_are_not_utf8(console_harness: ConsoleAdapter) -> None:
    output = io.StringIO()
    stdin = io.TextIOWrapper(io.BytesIO(b"digest \xff\xfe regions\ndigest regions\n"), encoding="utf-8")
    adapter = ConsoleAdapter(console_harness.service, console_harness.service.news.settings.console,
                             output=Console(file=output, width=200), stdin=stdin)
    await asyncio.wait_for(adapter.run(), timeout=10)
    assert "not valid text" in output.getvalue() and "test: Test Region" in output.getvalue()


async def test_stored_titles_and_texts_are_capped(tmp_path: Path) -> None:
    store = Store(await open_database(f"sqlite+aiosqlite:///{tmp_path / 'k.db'}"))
    feeds = await store.sync_feeds(feeds=[("https://x.test/feed", "X")], now=datetime.now(UTC))
    await store.add_articles(now=datetime.now(UTC), articles=[NewArticle(
        feed_id=feeds["https://x.test/feed"], url="https://x.test/1", link="https://x.test/1", title="T" * 10_000_000,
        text="word " * 2_000_000, source="X", content_hash="h", text_origin="feed", fetched_at=datetime.now(UTC))])
    (pending,) = await store.articles_needing_summary(config="c", since=datetime(2000, 1, 1, tzinfo=UTC), limit=5)
    await store.close()
    assert len(pending.title) <= 1_000 and len(pending.text) <= 200_000


def test_a_surrogate_reference_in_a_feed_spares_the_good_items() -> None:
    items = "".join(f"<item><title>{title}</title><link>https://x.test/{n}</link></item>"
                    for n, title in enumerate(["Good one", "Bad &#xD800; one", "Good &#55296; two", "Good three"]))
    parsed = parse_feed(f'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>{items}</channel></rss>'
                        .encode(), url="https://x.test/feed")
    assert [e.title for e in parsed.entries] == ["Good one", "Bad \ufffd one", "Good \ufffd two", "Good three"]


async def test_an_import_lands_whole_or_not_at_all(tmp_path: Path) -> None:
    engine = await open_database(f"sqlite+aiosqlite:///{tmp_path / 'k.db'}")
    subscriptions = Subscriptions(engine)

    def entry(channel: str) -> SubscriptionEntry:
        return SubscriptionEntry(platform="console", workspace_id="w", channel_id=channel, region="test",
                                 time="08:00", timezone="Asia/Dhaka", topics=None, keywords=(), paused=False,
                                 pause_reason=None)

    with pytest.raises(UnicodeEncodeError):  # the database refuses the second entry midway
        await import_subscriptions([entry("good"), entry("bad\udcff")], subscriptions, now=datetime.now(UTC))
    remaining = await subscriptions.all(active_only=False)
    await engine.dispose()
    assert remaining == []


def test_summary_of_words_links_each_outlet_to_its_first_article() -> None:
    def doc(n: int, source: str) -> ArticleDoc:
        return ArticleDoc(id=n, url=f"https://{source}.test/{n}", title=f"Title {n}", text="", source=source,
                          language="en", published=None, summary=())

    sources = first_article_per_outlet([doc(1, "dawn"), doc(2, "star"), doc(3, "dawn")])
    assert [(s.name, s.url) for s in sources] == [("dawn", "https://dawn.test/1"), ("star", "https://star.test/2")]


def test_check_settings_reports_the_slack_secret_that_run_would_stop_for(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("KHOBOR_SLACK_BOT_TOKEN", "xoxb-1")
    status, output = run_cli(["--settings", write_settings(tmp_path, NOWHERE), "check-settings"], capsys)
    assert status == 2 and "KHOBOR_SLACK_APP_TOKEN (environment variable): slack.mode = 'socket' needs it" in output
