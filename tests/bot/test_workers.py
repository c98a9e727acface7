"""A process spawned from the ``khobor`` script does not import the command line's runtime again."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

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
