"""Pictures of a digest as Discord and Slack show it, drawn from the payloads Khobor really sends.

A day of the project's own sample news (tests/fakes/stories.py) goes through the real pipeline stages
(summaries, stories, topics) and the real renderers; the payloads are laid out as HTML in each platform's
style and photographed with headless Chromium (Debian's `chromium` package).

    .venv/bin/python scripts/preview_digest.py    # writes docs/preview-discord.png, docs/preview-slack.png
"""

from __future__ import annotations

import html
import re
import subprocess
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.adapters.discord.render import render_digest as discord_messages  # noqa: E402
from bot.adapters.slack.render import render_digest as slack_messages  # noqa: E402
from digests.compose import DigestSpec, compose_digest  # noqa: E402
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


def sample_digest() -> Digest:
    docs = [ArticleDoc(id=n, title=title, text=" ".join(text), source=outlet,
                       summary=summarize(" ".join(text), language="en").sentences,
                       url=f"https://{outlet.lower().replace(' ', '')}.example/{n}",
                       published=NOW - timedelta(hours=n + 1), language="en")
            for n, (outlet, title, text) in enumerate(OUTLETS)]
    spec = DigestSpec(region="south-asia", title="South Asia", start=NOW - timedelta(hours=24), end=NOW)
    return compose_digest(docs, spec, now=NOW)


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


def photograph(page: str, out: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "page.html"
        source.write_text(page, encoding="utf-8")
        command = ["/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu",
                   "--disable-background-networking", "--disable-component-update", "--disable-sync",
                   "--no-first-run", f"--user-data-dir={tmp}/u", "--hide-scrollbars", "--window-size=760,1180",
                   f"--screenshot={out}", source.as_uri()]
        subprocess.run(command, check=True, capture_output=True, timeout=120)  # noqa: S603 (fixed command)


def main() -> None:
    digest = sample_digest()
    docs = ROOT / "docs"
    docs.mkdir(exist_ok=True)
    photograph(discord_html(digest), docs / "preview-discord.png")
    photograph(slack_html(digest), docs / "preview-slack.png")
    print(f"wrote {docs / 'preview-discord.png'} and {docs / 'preview-slack.png'}")


if __name__ == "__main__":
    main()
