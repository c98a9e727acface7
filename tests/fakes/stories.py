"""A day of regional news for digest tests: five events, one of them carried by two outlets.

The texts are written for these tests (no third-party text). Each event is a list of paragraphs.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.fakes.news import FakeArticle, article_page, rss
from tests.fakes.webserver import WebServer

FLOOD = (
    "Flood water rose across Sylhet district on Tuesday after three days of heavy rain in the hills upstream.",
    "The district administration said more than forty thousand families were cut off in Companiganj and "
    "Gowainghat, where the Surma and Piyain rivers broke their banks overnight.",
    "Army boats carried dry food, drinking water and oral saline to shelters set up in schools and mosques.",
    "The Flood Forecasting and Warning Centre warned that the Surma would stay above the danger mark at "
    "Kanaighat until Thursday, with more rain expected in the Meghalaya hills.",
    "Local farmers said the water had destroyed boro seedbeds that were meant to be planted next month.",
)
CRICKET = (
    "Sri Lanka beat Nepal by six wickets in the second Twenty20 international in Colombo on Tuesday night.",
    "Chasing 151, the hosts reached the target with nine balls to spare thanks to an unbeaten fifty from "
    "their opening batter, who hit four sixes at the R. Premadasa Stadium.",
    "Nepal's captain said his bowlers had done well in the powerplay but let the game slip in the middle overs.",
    "The win gives Sri Lanka an unbeatable two-nil lead in the three-match series, with the last game on Friday.",
    "Tickets for the final match sold out within an hour of going on sale, the cricket board said.",
)
RATES = (
    "The State Bank of Pakistan kept its policy rate unchanged at twelve percent on Tuesday, citing sticky "
    "food prices and a wider current account gap.",
    "The governor told reporters in Karachi that inflation had eased for a fourth month but remained above "
    "the bank's medium-term target range.",
    "Business groups had lobbied for a cut of at least one percentage point to revive industrial lending.",
    "Analysts said the decision was expected after the rupee weakened against the dollar in recent weeks.",
    "The monetary policy committee will meet again in January, the central bank said in its statement.",
)
HOSPITAL = (
    "A new cancer ward with sixty beds opened at the public teaching hospital in Kathmandu on Tuesday.",
    "Health officials said patients from hill districts would no longer have to wait months for chemotherapy.",
    "The ward has two radiotherapy machines funded by the health ministry and a provincial government grant.",
    "Doctors said the hospital would also train nurses from district hospitals in cancer care next year.",
    "Patients' families welcomed the ward but asked for lower prices for medicines bought outside the hospital.",
)
ELECTION = (
    "India's Election Commission on Tuesday announced that voting for the Bihar assembly will be held in "
    "three phases next month.",
    "The chief election commissioner said the model code of conduct would take effect immediately across "
    "the state.",
    "Opposition parties asked for more polling stations in flood-hit districts and for paper trails to be "
    "counted at every booth.",
    "The ruling alliance said it would announce its candidates for the first phase by the end of the week.",
    "Votes will be counted on a single day after the third phase, the commission said.",
)
# The second outlet's version of the flood story: its own headline and opening, the same reporting below.
FLOOD_EDITED = (
    "Tens of thousands of people were stranded in northeastern Bangladesh on Tuesday as rivers burst their banks.",
    *FLOOD[1:4],
)


def news_hour(now: datetime) -> datetime:
    """The hour the day's news is written against: ``now``, or in a UTC day's first 8 hours the last minute of
    the day before, so the stories (2 to 7 hours old) are one day's, whatever the hour the tests run (from 00:00
    to 07:00 they straddled midnight and a story of two outlets became one that developed over 2 days)."""
    if now.hour >= 8:
        return now
    return now.replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(minutes=1)


def day_of_news(server: WebServer, now: datetime | None = None) -> dict[str, list[FakeArticle]]:
    """Serve two outlets' feeds and pages on ``server``; returns feed path -> its articles."""
    now = now or news_hour(datetime.now(UTC))
    hour = timedelta(hours=1)
    dhaka = [
        FakeArticle("/dhaka-daily/sylhet-floods", "Floods cut off 40,000 families in Sylhet", FLOOD, now - 3 * hour),
        FakeArticle("/dhaka-daily/sl-beat-nepal", "Sri Lanka beat Nepal to clinch T20 series", CRICKET, now - 5 * hour),
        FakeArticle("/dhaka-daily/sbp-holds-rate", "Pakistan central bank holds rate at 12pc", RATES, now - 6 * hour),
    ]
    delta = [
        FakeArticle("/delta/stranded-northeast", "Rivers burst banks in Bangladesh's northeast", FLOOD_EDITED,
                    now - 2 * hour),
        FakeArticle("/delta/kathmandu-cancer-ward", "Kathmandu hospital opens cancer ward", HOSPITAL, now - 4 * hour),
        FakeArticle("/delta/bihar-poll-dates", "Bihar to vote in three phases", ELECTION, now - 7 * hour),
    ]
    base = server.url("").rstrip("/")
    feeds = {"/dhaka-daily/feed": dhaka, "/delta/feed": delta}
    for path, articles in feeds.items():
        server.add_text(path, rss(path.split("/")[1], base, articles), content_type="application/rss+xml")
        for article in articles:
            server.add_text(article.path, article_page(article))
    return feeds
