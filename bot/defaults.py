"""The built-in region, used when no settings file is given. Keep in step with settings.example.toml."""

from __future__ import annotations

from typing import Any

# Public RSS feeds of outlets across South Asia, in English and the region's languages.
SOUTH_ASIA: dict[str, Any] = {
    "name": "south-asia",
    "title": "South Asia",
    "timezone": "Asia/Dhaka",
    "languages": ["en", "bn", "hi", "ur"],
    "feeds": [
        {"name": "The Daily Star (Bangladesh)", "url": "https://www.thedailystar.net/frontpage/rss.xml"},
        {"name": "Prothom Alo (Bangladesh, Bangla)", "url": "https://www.prothomalo.com/feed/"},
        {"name": "BBC News Bangla", "url": "https://feeds.bbci.co.uk/bengali/rss.xml"},
        {"name": "The Hindu (India)", "url": "https://www.thehindu.com/news/national/feeder/default.rss"},
        {"name": "BBC News Hindi", "url": "https://feeds.bbci.co.uk/hindi/rss.xml"},
        {"name": "Dawn (Pakistan)", "url": "https://www.dawn.com/feeds/home"},
        {"name": "BBC News Urdu", "url": "https://feeds.bbci.co.uk/urdu/rss.xml"},
        {"name": "TOLOnews (Afghanistan)", "url": "https://tolonews.com/rss.xml"},
        {"name": "The Kathmandu Post (Nepal)", "url": "https://kathmandupost.com/rss"},
        {"name": "EconomyNext (Sri Lanka)", "url": "https://economynext.com/feed/"},
    ],
}

DEFAULT_REGIONS: tuple[dict[str, Any], ...] = (SOUTH_ASIA,)
