"""Pictures of a digest as Discord and Slack show it, drawn from the payloads Khobor really sends.

A day of the project's own sample news (tests/fakes/stories.py) goes through the real pipeline stages
(summaries, stories, topics) and the real renderers; the payloads are laid out as HTML in each platform's
style and photographed with headless Chromium (Debian's `chromium` package).

    .venv/bin/python scripts/preview_digest.py    # writes docs/preview-discord.png, docs/preview-slack.png

It also draws the next day's digest of a channel that got this one (docs/preview-update-discord.png and
docs/preview-update-slack.png): a third outlet's follow-up of the flood story comes as an update with only
what is new and a link to the earlier post, and the story with nothing new is left out with a note.
"""

from __future__ import annotations

import html
import re
import subprocess
import sys
import tempfile
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.adapters.discord.render import render_digest as discord_messages  # noqa: E402
from bot.adapters.slack.render import render_digest as slack_messages  # noqa: E402
from digests.compose import DigestSpec, compose_digest  # noqa: E402
from digests.memory import plan_digest, shown_of  # noqa: E402
from digests.models import ArticleDoc, Digest  # noqa: E402
from digests.summarize import summarize  # noqa: E402
from tests.fakes import stories  # noqa: E402

NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
OUTLETS = [("Dhaka Daily", "Floods cut off 40,000 families in Sylhet", stories.FLOOD),
           ("Delta Times", "Rivers burst banks in Bangladesh's northeast", stories.FLOOD_EDITED),
           ("Dhaka Daily", "Sri Lanka beat Nepal to clinch T20 series", stories.CRICKET),
           ("Indus Ledger", "Pakistan central bank holds rate at 12pc", stories.RATES),
           ("Valley Post", "Kathmandu hospital opens cancer ward", stories.HOSPITAL),
           ("Ganges Herald", "Bihar to vote in three phases", stories.ELECTION)]


FOLLOW_UP = ("Sylhet Mirror", "Floods cut off 40,000 families in Sylhet as shelters fill", (
    *stories.FLOOD[:3],
    "By Wednesday evening the district had opened 212 shelters, most of them in schools, and health teams "
    "reported the first cases of diarrhoea among children in Companiganj.",
    "The government released 500 tonnes of rice and 2 crore taka for the worst-hit unions, the disaster "
    "management ministry said."))


def docs_of(items: list[tuple[str, str, tuple[str, ...]]], *, first: int, now: datetime) -> list[ArticleDoc]:
    return [ArticleDoc(id=first + n, title=title, text=" ".join(text), source=outlet,
                       summary=summarize(" ".join(text), language="en").sentences,
                       url=f"https://{outlet.lower().replace(' ', '')}.example/{first + n}",
                       published=now - timedelta(hours=n + 1), language="en", story_id=first + n)
            for n, (outlet, title, text) in enumerate(items)]


def sample_digest() -> Digest:
    spec = DigestSpec(region="south-asia", title="South Asia", start=NOW - timedelta(hours=24), end=NOW)
    return compose_digest(docs_of(OUTLETS, first=0, now=NOW), spec, now=NOW)


def update_digest() -> Digest:
    """The next day for a channel that was shown :func:`sample_digest`: the flood's follow-up from a new
    outlet, an edited copy of the cricket report, and the channel's memory of yesterday."""
    yesterday, today = sample_digest(), NOW + timedelta(days=1)
    links = {s.id: f"https://discord.com/channels/1/2/{100 + n}" for n, s in enumerate(yesterday.stories)}
    recent = docs_of(OUTLETS, first=0, now=NOW)
    texts = {doc.id: doc.text for doc in recent}  # what the store reads back of the articles shown
    memory = [replace(shown, read=tuple(texts[i] for i in shown.article_ids))
              for shown in shown_of(yesterday, day=f"{NOW:%Y-%m-%d}", links=links)]
    cricket = ("Dhaka Daily", "Sri Lanka beat Nepal to clinch T20 series", stories.CRICKET)
    docs = docs_of([FOLLOW_UP, cricket], first=50, now=today)
    spec = DigestSpec(region="south-asia", title="South Asia", start=NOW, end=today)
    return plan_digest(compose_digest(docs, spec, now=today, recent=recent), memory).digest


def discord_inline(text: str) -> str:
    text = html.escape(text)
    text = re.sub(r"\[([^\]]+)\]\((?:&lt;)?(https?://[^)&]+)(?:&gt;)?\)", r'<a href="\2">\1</a>', text)
    text = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", text)
    text = re.sub(r"\\(.)", r"\1", text)
    return "<br>".join(f"<small>{line[3:]}</small>" if line.startswith("-# ") else line for line in text.split("\n"))


def discord_html(digest: Digest) -> str:
    parts = []
    for message in discord_messages(digest):
        parts.append(f"<div class=content>{discord_inline(message.content)}</div>")
        for embed in (e.to_dict() for e in message.embeds):
            fields = "".join(f"<div class=fname>{discord_inline(f['name'])}</div>"
                             f"<div>{discord_inline(f['value'])}</div>" for f in embed.get("fields", []))
            parts.append(
                f"<div class=embed style='border-color:#{embed.get('color', 0):06x}'>"
                f"<div class=etitle>{discord_inline(embed.get('title', ''))}</div>"
                f"<div>{discord_inline(embed.get('description', ''))}</div>{fields}"
                f"<div class=footer>{html.escape(embed.get('footer', {}).get('text', ''))}</div></div>")
    style = ("body{background:#313338;color:#dbdee1;font:15px/1.4 sans-serif;width:720px;padding:16px}"
             ".content{margin:8px 0}.embed{background:#2b2d31;border-left:4px solid;border-radius:4px;"
             "padding:10px 14px;margin:6px 0}.etitle{font-weight:bold;color:#00a8fc;margin-bottom:6px}"
             ".fname{font-weight:bold;margin-top:8px}.footer{font-size:12px;color:#949ba4;margin-top:8px}"
             "a{color:#00a8fc;text-decoration:none}small{color:#949ba4}")
    return f"<html><head><style>{style}</style></head><body>{''.join(parts)}</body></html>"


def slack_inline(text: str) -> str:
    text = re.sub(r"<(https?://[^|>]+)\|([^>]+)>", r'<a href="\1">\2</a>', text)
    text = re.sub(r"(?<![\w*])\*([^*\n]+)\*(?![\w*])", r"<b>\1</b>", text)
    return text.replace("\n", "<br>")


def slack_html(digest: Digest) -> str:
    parts = []
    for message in slack_messages(digest):
        for block in message.blocks:
            kind = block["type"]
            if kind == "header":
                parts.append(f"<h3>{html.escape(block['text']['text'])}</h3>")
            elif kind == "divider":
                parts.append("<hr>")
            elif kind == "context":
                parts.append(f"<div class=ctx>{' '.join(slack_inline(e['text']) for e in block['elements'])}</div>")
            elif kind == "section":
                parts.append(f"<div class=sec>{slack_inline(block['text']['text'])}</div>")
        parts.append("<div class=ctx>— message end —</div>")
    style = ("body{background:#fff;color:#1d1c1d;font:15px/1.45 sans-serif;width:720px;padding:16px}"
             "h3{margin:12px 0 4px}.ctx{font-size:12px;color:#616061;margin:4px 0}.sec{margin:6px 0}"
             "hr{border:0;border-top:1px solid #ddd}a{color:#1264a3;text-decoration:none}")
    return f"<html><head><style>{style}</style></head><body>{''.join(parts)}</body></html>"


def photograph(page: str, out: Path, *, height: int = 1180) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "page.html"
        source.write_text(page, encoding="utf-8")
        command = ["/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu",
                   "--disable-background-networking", "--disable-component-update", "--disable-sync",
                   "--no-first-run", f"--user-data-dir={tmp}/u", "--hide-scrollbars", f"--window-size=760,{height}",
                   f"--screenshot={out}", source.as_uri()]
        subprocess.run(command, check=True, capture_output=True, timeout=120)  # noqa: S603 (fixed command)


def main() -> None:
    digest = sample_digest()
    docs = ROOT / "docs"
    docs.mkdir(exist_ok=True)
    photograph(discord_html(digest), docs / "preview-discord.png")
    photograph(slack_html(digest), docs / "preview-slack.png")
    update = update_digest()
    photograph(discord_html(update), docs / "preview-update-discord.png", height=400)
    photograph(slack_html(update), docs / "preview-update-slack.png", height=340)
    print(f"wrote {docs / 'preview-discord.png'}, {docs / 'preview-slack.png'} and the update's two pictures")


if __name__ == "__main__":
    main()
