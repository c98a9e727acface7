"""Terminal output of the command line: progress, tables, masked values."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from bot.adapters.console.render import digest_text
from digests.collect import FeedReport
from digests.models import Digest, Summary
from digests.render import to_json, to_markdown
from digests.store import FeedHealth

STATUS_STYLE = {"ok": "green", "not-modified": "cyan", "failed": "red", "backing-off": "yellow"}
# A pass over more feeds than this lists only those with a problem, this many at most: a table of thousands of
# rows buries them (and took 2.0 s of CPU to draw at 5,000 feeds); ``khobor feeds`` lists every feed.
LISTED_FEEDS = 50


@contextmanager
def collect_progress(console: Console, *, total: int) -> Iterator[Callable[[FeedReport], None]]:
    """A progress bar over feeds when on a terminal; a silent callback otherwise."""
    if not console.is_terminal:
        yield lambda _report: None
        return
    columns = (TextColumn("collecting"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
               TextColumn("{task.description}"))
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task("", total=total)
        yield lambda report: progress.update(task, advance=1, description=escape(report.name))


def collect_table(reports: Sequence[FeedReport], *, limit: int = LISTED_FEEDS) -> Table:
    """One row per feed: new, seen, pages unreadable, and the error if any. Over ``limit`` feeds, only the
    feeds with a problem (failed, backing off, pages unreadable), the first ``limit`` of them, and a caption
    saying what is left out."""
    listed = list(reports)
    caption = None
    if len(listed) > limit:
        troubled = [r for r in listed if r.status in ("failed", "backing-off") or r.page_errors or r.fallback]
        listed = troubled[:limit]
        fine = len(reports) - len(troubled)
        caption = (f"{fine} feed(s) read without a problem are not listed"
                   + (f", nor {len(troubled) - limit} more with a problem" if len(troubled) > limit else "")
                   + ": `khobor feeds` shows every feed")
    table = Table(title="Collection pass", title_justify="left", expand=False, caption=caption,
                  caption_justify="left")
    for name, justify in (("feed", "left"), ("status", "left"), ("new", "right"), ("seen", "right"),
                          ("summary only", "right"), ("problem", "left")):
        table.add_column(name, justify=justify, overflow="fold")  # type: ignore[arg-type]
    for r in listed:
        # The row already names the feed: drop the "fetch: <feed url>: " prefix.
        problem = (r.error or (r.page_errors[0] if r.page_errors else "")).replace(f"fetch: {r.url}: ", "")
        if r.page_errors and len(r.page_errors) > 1:
            problem += f" (+{len(r.page_errors) - 1} more pages)"
        table.add_row(escape(r.name), f"[{STATUS_STYLE[r.status]}]{r.status}[/]", str(r.new), str(r.seen),
                      str(r.fallback), escape(problem))
    return table


def collect_totals(reports: Sequence[FeedReport]) -> str:
    """A one-line summary of a pass."""
    failed = sum(r.status == "failed" for r in reports)
    waiting = sum(r.status == "backing-off" for r in reports)
    return (f"{sum(r.new for r in reports)} new article(s) from {len(reports)} feed(s); "
            f"{failed} failed, {waiting} backing off")


def _ago(when: datetime | None, now: datetime) -> str:
    if when is None:
        return "never"
    seconds = (now - when).total_seconds()
    if seconds < 0:
        return f"in {_span(-seconds)}"
    return f"{_span(seconds)} ago"


def _span(seconds: float) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds / size:.0f}{unit}"
    return f"{seconds:.0f}s"


def health_table(health: Sequence[FeedHealth], *, never_read: Sequence[str] = ()) -> Table:
    """Each feed's health: last success, failures in a row, next attempt, last error."""
    now = datetime.now(UTC)
    table = Table(title="Feeds", title_justify="left")
    for name in ("feed", "articles", "last success", "failures", "next try", "last error"):
        table.add_column(name, overflow="fold")
    for h in health:
        style = "red" if h.consecutive_failures >= 3 else ("yellow" if h.consecutive_failures else "green")
        table.add_row(f"{escape(h.name)}\n[dim]{escape(h.url)}[/]", str(h.articles), _ago(h.last_success_at, now),
                      f"[{style}]{h.consecutive_failures}[/]", _ago(h.next_attempt_at, now), escape(h.last_error or ""))
    for url in never_read:
        table.add_row(f"[dim]{escape(url)}[/]", "0", "never", "0", "next pass", "not collected yet")
    return table


def print_digest(console: Console, digest: Digest, fmt: str) -> None:
    """Print a digest as rich terminal text, Markdown or JSON."""
    if fmt == "json":
        console.file.write(to_json(digest) + "\n")
    elif fmt == "markdown":
        console.file.write(to_markdown(digest))
    else:
        console.print(digest_text(digest))


def print_summary(console: Console, summary: Summary, *, title: str | None) -> None:
    """Print an on-demand summary: title, the sentences, and how it was made."""
    if title:
        console.print(Text(title, style="bold"))
    if not summary.sentences:
        console.print("No sentences could be taken from this text.")
    for sentence in summary.sentences:
        console.print(Text(f"• {sentence}"))
    console.print(Text(f"{summary.algorithm}, language: {summary.language or 'unknown'}", style="dim"))
