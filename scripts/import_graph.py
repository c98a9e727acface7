"""Which module of bot/ and digests/ imports which, folded to the level that shows the architecture.

    python scripts/import_graph.py [ROOT]        # default: this checkout

Each line is ``importer -> imported`` between groups: ``bot.core``, ``bot.adapters.<name>``, ``bot.cli``,
``bot.runtime`` (or the top-level modules of bot/ where there is no such package yet), ``digests``. Imports
inside functions count too (they are still dependencies).
"""

from __future__ import annotations

import ast
import sys
from collections import defaultdict
from pathlib import Path

PACKAGES = ("bot.core", "bot.adapters.console", "bot.adapters.discord", "bot.adapters.slack", "bot.cli",
            "bot.runtime")


def group(module: str) -> str | None:
    """The group a module belongs to, or None outside bot/ and digests/."""
    if module == "digests" or module.startswith("digests."):
        return "digests"
    if not (module == "bot" or module.startswith("bot.")):
        return None
    for package in PACKAGES:
        if module == package or module.startswith(package + "."):
            return package
    return ".".join(module.split(".")[:2])  # a top-level module of bot/


def module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path, module: str) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            base = node.module if node.level == 0 else ".".join([*module.split(".")[:-node.level], node.module])
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def edges(root: Path) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = defaultdict(set)
    for path in sorted([*root.glob("bot/**/*.py"), *root.glob("digests/**/*.py")]):
        module = module_name(root, path)
        source = group(module)
        if source is None or "migrations" in module:
            continue
        for imported in imports(path, module):
            target = group(imported)
            if target is not None and target != source:
                graph[source].add(target)
    return graph


def main() -> int:
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1]
    graph = edges(root)
    for source in sorted(graph):
        print(f"{source:<22} -> {', '.join(sorted(graph[source] - {'bot'}))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
