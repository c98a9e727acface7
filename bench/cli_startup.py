"""CLI start-up: wall time of ``khobor --help`` and ``khobor check-settings``, as a new user feels it.

Each command is run as a fresh process (the installed ``khobor`` script next to this interpreter), in a
temporary directory so that no ``./settings.toml`` is read; the median of ``--runs`` runs is reported.
Peers in the same run: the bare interpreter (``python -c pass``, the floor), and the same interpreter
importing the heavy stack a command used to load before it started (scikit-learn, scipy, discord.py,
slack-bolt, trafilatura, sumy, feedparser, py3langid), which is what every command paid before issue 14.

Run: ``.venv/bin/python bench/cli_startup.py [--runs 7]``
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HEAVY = ("import sklearn.feature_extraction.text, sklearn.cluster, scipy.sparse, discord, slack_bolt.async_app, "
         "trafilatura, sumy.summarizers.text_rank, feedparser, py3langid")


def wall(argv: list[str], cwd: str, runs: int) -> float:
    """Median seconds for ``argv`` to run to completion (output discarded)."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="runs per command; the median is reported")
    args = parser.parse_args()
    python = Path(sys.executable)
    khobor = str(python.parent / "khobor")
    rows = {
        "khobor --help": [khobor, "--help"],
        "khobor check-settings": [khobor, "check-settings"],
        "python -c pass (floor)": [str(python), "-c", "pass"],
        "python importing the heavy stack": [str(python), "-c", HEAVY],
    }
    with tempfile.TemporaryDirectory() as cwd:
        for name, argv in rows.items():
            print(f"{name:36s} {wall(argv, cwd, args.runs):6.2f} s  (median of {args.runs})")


if __name__ == "__main__":
    main()
