"""A digest for a terminal, as rich renderables: the console adapter's and ``khobor digest``'s text format."""

from __future__ import annotations

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.rule import Rule
from rich.style import Style
from rich.text import Text

from digests.models import Digest, Story
from digests.render import UPDATE_MARK, empty_text, explain_text, more_text, seen_text, window_text


def digest_text(digest: Digest) -> Group:
    """The digest for a terminal. Article text goes in as plain Text, never as markup."""
    parts: list[RenderableType] = [
        Text(f"{digest.title} news digest", style="bold underline"),
        Text(window_text(digest), style="dim"),
    ]
    if digest.empty:
        parts.append(Text(empty_text(digest)))
    for group in digest.topics:
        parts.append(Rule(Text(group.label, style="bold cyan"), align="left"))
        for story in group.stories:
            parts.append(_story_text(story))
    if digest.more:
        parts.append(Text(more_text(digest), style="dim"))
    parts += [Text(f"Note: {note}", style="yellow") for note in digest.notes]
    return Group(*parts)


def _story_text(story: Story) -> Hanging:
    body = Text()
    if story.update is not None:
        body.append(f"{UPDATE_MARK}: ", style="bold yellow")
    body.append(story.title + "\n", style="bold")
    if story.summary:
        body.append(" ".join(story.summary) + "\n")
    if story.update is not None and story.sources:
        body.append("New from: ", style="dim")
    for i, source in enumerate(story.sources):
        body.append(", " if i else "", style="dim")
        body.append(source.name, style=f"dim link {source.url}")
    if explain_text(story):
        body.append(f"\n{explain_text(story)}", style="dim italic")
    for addition in story.additions:  # what further outlets add, each named and linked
        body.append("\n+ ")
        body.append(addition.source, style=Style(bold=True, link=addition.url))
        body.append(f": {addition.sentence}")
    if story.update is not None:
        body.append("\n" + seen_text(story.update), style="dim")
        if story.update.link:
            body.append(f" {story.update.link}", style=f"dim link {story.update.link}")
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
