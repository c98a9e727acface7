"""The package boundaries: digests and the core never need discord, slack_bolt, slack_sdk (or, for digests, bot);
the core imports no runtime, command line, wiring or adapter; adapters import no runtime and not each other."""

from __future__ import annotations

import ast
import asyncio
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]

BLOCKER = """
import importlib.abc, pkgutil, sys
BLOCKED = {blocked!r}
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ImportError(f"{{name}} is blocked here")
sys.meta_path.insert(0, Block())
import digests
for module in pkgutil.walk_packages(digests.__path__, "digests."):
    if ".migrations" not in module.name:
        __import__(module.name)
{extra}
loaded = sorted(m for m in sys.modules if m.split(".")[0] in BLOCKED)
print("loaded:", loaded)
"""


def run_blocked(blocked: set[str], extra: str = "") -> subprocess.CompletedProcess[str]:
    code = BLOCKER.format(blocked=blocked, extra=extra)
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          check=False)


def test_digests_imports_without_the_bot_or_any_chat_library() -> None:
    result = run_blocked({"bot", "discord", "slack_bolt", "slack_sdk"})
    assert result.returncode == 0, result.stderr
    assert "loaded: []" in result.stdout


def test_the_core_and_console_import_without_chat_libraries() -> None:
    extra = "import bot.core.service, bot.core.commands, bot.core.summary, bot.adapters.console.adapter, bot.cli.main"
    result = run_blocked({"discord", "slack_bolt", "slack_sdk"}, extra)
    assert result.returncode == 0, result.stderr
    assert "loaded: []" in result.stdout


def imported_by(package: Path) -> dict[str, set[str]]:
    """Every bot/digests module each module under ``package`` imports (at any depth in the file)."""
    found: dict[str, set[str]] = {}
    for path in package.rglob("*.py"):
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module)
                names.update(f"{node.module}.{alias.name}" for alias in node.names)
            elif isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
        found[module] = {n for n in names if n.split(".")[0] in ("bot", "digests")}
    return found


def offenders(package: Path, forbidden: tuple[str, ...]) -> list[str]:
    return sorted(f"{module} imports {name}" for module, names in imported_by(package).items() for name in names
                  if any(name == f or name.startswith(f + ".") for f in forbidden))


def test_the_core_imports_no_runtime_cli_app_or_adapter() -> None:
    """Issue 12: the core knows ports, not the runtime, the command line, the wiring or a platform."""
    assert offenders(ROOT / "bot" / "core", ("bot.runtime", "bot.cli", "bot.app", "bot.adapters")) == []


def test_adapters_import_no_runtime_cli_app_and_not_each_other() -> None:
    for adapter in ("console", "discord", "slack"):
        others = tuple(f"bot.adapters.{a}" for a in ("console", "discord", "slack") if a != adapter)
        assert offenders(ROOT / "bot" / "adapters" / adapter, ("bot.runtime", "bot.cli", "bot.app", *others)) == []


def test_digests_imports_nothing_of_the_bot_at_all() -> None:
    assert offenders(ROOT / "digests", ("bot",)) == []


def test_collection_workers_import_no_scikit_learn_scipy_or_nltk() -> None:
    # what a worker process runs (parse, extract, summarise, story words) must not load the digest's
    # clustering libraries: each spawned worker would pay their import in time and memory
    code = ("import importlib, sys, digests.workers\n"
            "for name in digests.workers.WORKER_MODULES: importlib.import_module(name)\n"
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'sklearn', 'scipy', 'nltk'}))")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                            check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


# What only the workers (extraction, summaries) or a digest's build need: the collecting process, which fetches,
# matches stories and stores, imports none of them (about 0.3 s of its start-up for the workers' part).
NOT_IN_THE_COLLECTOR = {"sklearn", "scipy", "nltk", "trafilatura", "sumy", "numpy", "py3langid", "stopwordsiso"}

COLLECT_AND_REPORT = """
import atexit, sys
atexit.register(lambda: print("heavy:", sorted({m.split(".")[0] for m in sys.modules} & %r)))
from bot.cli.main import main
sys.exit(main())
"""


async def test_khobor_collect_imports_neither_the_digest_code_nor_the_workers(tmp_path: Path) -> None:
    """Issue 15: ``khobor collect`` builds no digest, so it does not pay the digest's imports (1-2 s of start-up
    in each run), nor those of what its workers run (trafilatura, sumy, NumPy); a real pass over loopback feeds,
    pages read in worker processes, stories and summaries stored."""
    from tests.fakes.news import serve_site
    from tests.fakes.settings import Region, write_settings
    from tests.fakes.webserver import WebServer

    async with WebServer() as server:
        serve_site(server, "dhaka", 3)
        region = Region("test", "Test Region", [("Dhaka Times", server.url("/dhaka/feed"))])
        path = write_settings(tmp_path, region, collect={"timeout_seconds": 5, "workers": 1},
                              data_dir=tmp_path / "data")
        child = await asyncio.create_subprocess_exec(
            sys.executable, "-c", COLLECT_AND_REPORT % NOT_IN_THE_COLLECTOR, "--settings", path, "collect", cwd=ROOT,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        out, err = await asyncio.wait_for(child.communicate(), timeout=120)
    assert child.returncode == 0, err.decode()
    assert "3 new article(s) from 1 feed(s)" in out.decode()
    assert "heavy: []" in out.decode()


APP_START = """
import asyncio, sys
from bot.app import App
from bot.settings import load_settings

async def main():
    async with App(load_settings(sys.argv[1]), digests=sys.argv[2] == "yes"):
        print(sorted({m.split(".")[0] for m in sys.modules} & {"sklearn", "nltk"}))

asyncio.run(main())
"""


@pytest.mark.parametrize(("digests", "heavy"), [("yes", "['sklearn']"), ("no", "[]")])
def test_an_app_that_builds_digests_imports_their_code_at_start(tmp_path: Path, digests: str, heavy: str) -> None:
    """... while ``khobor run`` (``App`` by default) imports it at start, so a digest's first build, at its due
    minute, does not pay it."""
    from tests.fakes.settings import Region, write_settings

    path = write_settings(tmp_path, Region("test", "Test Region", [("Feed", "http://127.0.0.1:9/feed")]),
                          data_dir=tmp_path / "data")
    result = subprocess.run([sys.executable, "-c", APP_START, path, digests], cwd=ROOT, capture_output=True,
                            text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == heavy
