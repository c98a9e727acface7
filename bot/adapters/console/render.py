"""A digest for a terminal, as rich renderables: the console adapter's and ``khobor digest``'s text format.

Article text goes in as plain Text, never as markup, and through :func:`inert`: a control character in a
headline would otherwise reach the terminal, where ESC starts sequences that clear the screen, retitle the
window or write the clipboard."""

from __future__ import annotations

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.rule import Rule
from rich.style import Style
from rich.text import Text

from digests.models import Digest, Story
from digests.render import UPDATE_MARK, empty_text, explain_text, more_text, seen_text, window_text

# C0 controls but tab and newline, DEL and the C1 controls (CSI U+009B and OSC U+009D start sequences too).
_CONTROLS = dict.fromkeys([*range(9), *range(11, 32), *range(127, 160)], " ")


def inert(text: str) -> str:
    """Third-party text safe to print on a terminal: every control character but tab and newline a space."""
    return text.translate(_CONTROLS)


def _link(url: str, *, bold: bool = False) -> Style:
    """A dim (or bold) style linking to ``url``; no link when it is empty (built, not parsed: any URL)."""
    return Style(dim=not bold, bold=bold, link=inert(url).strip() or None)


def digest_text(digest: Digest) -> Group:
    """The digest for a terminal. Article text goes in as plain Text, never as markup."""
    parts: list[RenderableType] = [
        Text(inert(f"{digest.title} news digest"), style="bold underline"),
        Text(window_text(digest), style="dim"),
    ]
    if digest.empty:
        parts.append(Text(inert(empty_text(digest))))
    for group in digest.topics:
        parts.append(Rule(Text(inert(group.label), style="bold cyan"), align="left"))
        for story in group.stories:
            parts.append(_story_text(story))
    if digest.more:
        parts.append(Text(inert(more_text(digest)), style="dim"))
    parts += [Text(inert(f"Note: {note}"), style="yellow") for note in digest.notes]
    return Group(*parts)


def _story_text(story: Story) -> Hanging:
    body = Text()
    if story.update is not None:
        body.append(f"{UPDATE_MARK}: ", style="bold yellow")
    body.append(inert(story.title) + "\n", style="bold")
    if story.summary:
        body.append(inert(" ".join(story.summary)) + "\n")
    if story.update is not None and story.sources:
        body.append("New from: ", style="dim")
    for i, source in enumerate(story.sources):
        body.append(", " if i else "", style="dim")
        body.append(inert(source.name), style=_link(source.url))
    if explain_text(story):
        body.append(inert(f"\n{explain_text(story)}"), style="dim italic")
    for addition in story.additions:  # what further outlets add, each named and linked
        body.append("\n+ ")
        body.append(inert(addition.source), style=_link(addition.url, bold=True))
        body.append(inert(f": {addition.sentence}"))
    if story.update is not None:
        body.append("\n" + seen_text(story.update), style="dim")
        if story.update.link:
            body.append(inert(f" {story.update.link}"), style=_link(story.update.link))
    return Hanging("• ", body)


class Hanging:
    """Text after a bullet, its wrapped lines indented under the text rather than under the bullet."""

    def __init__(self, bullet: str, body: Text) -> None:
        self.bullet = bullet
        self.body = body

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        indent = len(self.bullet)
        for n, line in enumerate(self.body.wrap(console, max(options.max_width - indent, 10))):
            line.rstrip()
            yield Text(self.bullet if n == 0 else " " * indent) + line
