"""The package boundary: digests and the core never need discord, slack_bolt, slack_sdk (or, for digests, bot)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

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
    extra = "import bot.core.service, bot.core.commands, bot.core.summary, bot.adapters.console, bot.cli"
    result = run_blocked({"discord", "slack_bolt", "slack_sdk"}, extra)
    assert result.returncode == 0, result.stderr
    assert "loaded: []" in result.stdout
