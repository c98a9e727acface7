"""extract_article on handwritten pages: boilerplate, metadata, stubs, malformed HTML, encodings, language."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from digests.extract import MIN_WORDS, choose_language, enough_words, extract_article, looks_like_html, word_count

URL = "https://gazette.example/local/riverside-library-reopens"

BODY_PARAGRAPHS = [
    "The Riverside public library opened its doors again on Tuesday, eight months after floodwater "
    "damaged the ground floor, the reading room and most of the children's collection.",
    "Volunteers spent the winter drying and cataloguing more than four thousand books, and the town "
    "council paid for new shelving, a raised floor and pumps that switch on automatically when the river "
    "rises above its banks.",
    "Head librarian Tomas Okafor said the first visitors queued before sunrise, adding that the homework "
    "club and the weekly storytelling hour would restart next month.",
    "The council expects the upper floor, which houses the local history archive, to reopen in the "
    "summer once its climate control system has been replaced.",
]

BOILERPLATE = [
    "We use cookies to improve your experience",
    "Buy discount garden furniture today",
    "Bridge closed for inspection",
    "Great news for the kids of this town",
    "Subscribe to our newsletter",
    "All rights reserved",
]


def article_page(paragraphs: list[str] = BODY_PARAGRAPHS, lang: str = "en", head: str = "") -> str:
    body = "\n".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8">
<title>Riverside library reopens after flood repairs | The Khobor Gazette</title>
<meta property="og:title" content="Riverside library reopens after flood repairs">
<meta name="author" content="Mira Sengupta">
<meta property="article:published_time" content="2024-03-05T09:30:00+06:00">
{head}</head>
<body>
<header><nav><ul><li><a href="/">Home</a></li><li><a href="/local">Local</a></li>
<li><a href="/sport">Sport</a></li><li><a href="/weather">Weather</a></li></ul></nav>
<div class="cookie-banner">{BOILERPLATE[0]}. Accept all cookies?</div></header>
<div class="ad-slot advertisement">Advertisement: {BOILERPLATE[1]}</div>
<main><article><h1>Riverside library reopens after flood repairs</h1>
<p class="byline">By Mira Sengupta</p>
{body}
</article>
<aside class="related"><h2>Related stories</h2>
<ul><li><a href="/a">{BOILERPLATE[2]}</a></li><li><a href="/b">Market hours change</a></li></ul></aside>
<section id="comments" class="comments"><h3>Comments</h3>
<div class="comment">First! {BOILERPLATE[3]}.</div></section></main>
<footer><p>{BOILERPLATE[4]} for the week's top stories.</p>
<p>&copy; 2024 The Khobor Gazette. {BOILERPLATE[5]}. Privacy policy. Terms of use.</p></footer>
</body></html>"""


# Written for this test: a made-up weather report in Bengali.
BENGALI_PARAGRAPHS = [
    "ঢাকায় আজ সকাল থেকে ভারী বৃষ্টি হচ্ছে এবং শহরের অনেক রাস্তায় পানি জমে গেছে। অফিসগামী মানুষ "
    "যানবাহন না পেয়ে দীর্ঘ সময় ধরে অপেক্ষা করেছেন।",
    "আবহাওয়া অধিদপ্তর জানিয়েছে যে আগামী তিন দিন দেশের বিভিন্ন অঞ্চলে মাঝারি থেকে ভারী বৃষ্টি হতে পারে। "
    "নদীর তীরে বসবাসকারী মানুষদের সতর্ক থাকতে বলা হয়েছে।",
    "সিটি করপোরেশনের কর্মকর্তারা বলেছেন, জলাবদ্ধতা দূর করতে অতিরিক্ত পাম্প বসানো হয়েছে এবং কর্মীরা "
    "সারা রাত কাজ করবেন। স্কুলগুলো আগামীকাল খোলা থাকবে কি না, তা সকালে জানানো হবে।",
]


def test_article_text_without_boilerplate() -> None:
    article = extract_article(article_page(), url=URL)
    assert article is not None
    for paragraph in BODY_PARAGRAPHS:
        assert paragraph in article.text
    for junk in BOILERPLATE:
        assert junk not in article.text


def test_metadata_from_meta_tags() -> None:
    article = extract_article(article_page().encode(), url=URL)
    assert article is not None
    assert article.title == "Riverside library reopens after flood repairs"
    assert article.author == "Mira Sengupta"
    assert article.published == datetime(2024, 3, 5, tzinfo=UTC)  # day precision
    assert article.language == "en"


def test_dated_entries_do_not_look_for_the_pages_date() -> None:
    # the feed dated the entry and its date is the one stored: the page's date is not looked for (costly)
    marked = extract_article(article_page(), url=URL, dated=True)
    assert marked is not None and marked.published is None
    assert (marked.title, marked.author) == ("Riverside library reopens after flood repairs", "Mira Sengupta")
    page = article_page([*BODY_PARAGRAPHS, "Updated on 12 March 2024 at 10:00."]).replace(
        '<meta property="article:published_time" content="2024-03-05T09:30:00+06:00">', "")
    searched = extract_article(page, url=URL)  # undated: the markup, then the text is searched
    assert searched is not None and searched.published == datetime(2024, 3, 12, tzinfo=UTC)
    undated = extract_article(page, url=URL, dated=True)
    assert undated is not None and undated.published is None
    assert "Updated on 12 March 2024" in undated.text


def test_script_only_page_is_none() -> None:
    page = (
        "<!DOCTYPE html><html><head><title>App</title><script src='/bundle.js'></script></head>"
        "<body><div id='root'></div><script>window.__STATE__ = {articles: []}; render('#root');</script>"
        "<noscript>Please enable JavaScript</noscript></body></html>"
    )
    assert extract_article(page, url=URL) is None


def test_paywall_stub_is_none() -> None:
    stub = ["This article is for subscribers only.", "Already a subscriber? Log in to continue reading."]
    assert extract_article(article_page(stub), url=URL) is None


@pytest.mark.parametrize(
    "html",
    [b"", "", b"\x00\xff\xfe\x00", "<<<>>>", "</div></p>", "<html><body></body></html>", "just text", b"\x1f\x8b"],
)
def test_junk_input_gives_none_without_raising(html: bytes | str) -> None:
    assert extract_article(html, url=URL) is None


def test_malformed_html_still_extracts() -> None:
    paragraphs = "".join(f"<p>{paragraph}<div><span>" for paragraph in BODY_PARAGRAPHS)  # never closed
    page = f"<html><head><title>Broken</title></head><body></b></i><article>{paragraphs}</td></tr>\x00</html"
    article = extract_article(page, url=URL)
    assert article is not None
    assert BODY_PARAGRAPHS[0] in article.text
    assert BODY_PARAGRAPHS[-1] in article.text


def test_latin1_bytes_with_meta_charset() -> None:
    paragraphs = [f"Le café numéro {n} a rouvert ce matin après des travaux. " * 4 for n in range(4)]
    page = article_page(paragraphs, lang="fr").replace('<meta charset="utf-8">', '<meta charset="iso-8859-1">')
    article = extract_article(page.encode("iso-8859-1"), url=URL)
    assert article is not None
    assert "Le café numéro 2 a rouvert" in article.text
    assert article.language == "fr"


def test_bengali_page_declared() -> None:
    article = extract_article(article_page(BENGALI_PARAGRAPHS, lang="bn-BD"), url=URL)
    assert article is not None
    assert BENGALI_PARAGRAPHS[1] in article.text
    assert article.language == "bn"


def test_bengali_page_detected_without_lang() -> None:
    page = article_page(BENGALI_PARAGRAPHS).replace(' lang="en"', "")
    article = extract_article(page, url=URL)
    assert article is not None and article.language == "bn"


def test_bengali_page_with_wrong_template_lang() -> None:
    article = extract_article(article_page(BENGALI_PARAGRAPHS, lang="en-US"), url=URL)
    assert article is not None and article.language == "bn"


def test_content_language_meta() -> None:
    head = '<meta http-equiv="Content-Language" content="bn">'
    page = article_page(BENGALI_PARAGRAPHS, head=head).replace(' lang="en"', "")
    article = extract_article(page, url=URL)
    assert article is not None and article.language == "bn"


def test_choose_language() -> None:
    english = " ".join(BODY_PARAGRAPHS)
    assert choose_language(None, english) == "en"
    assert choose_language("en", english) == "en"
    assert choose_language("de", "Kurz.") == "de"  # declared wins when detection is unsure
    assert choose_language(None, "") is None


def test_enough_words_counts_the_opening_first_and_then_the_whole() -> None:
    assert enough_words("word " * 40) and not enough_words("word " * 39)
    assert enough_words("x" * 3000 + " word" * 39)  # one long token, then the words beyond the opening
    assert not enough_words("x" * 3000 + " word" * 38)
    assert enough_words("今天下雨了" * 16)  # 80 unspaced characters: 40 words


@pytest.mark.parametrize("minimum", [1, 5, 40, 300])
def test_enough_words_agrees_with_counting_the_whole_text(minimum: int) -> None:
    texts = [" ".join(BODY_PARAGRAPHS), " ".join(BENGALI_PARAGRAPHS), "今天下雨了" * 90, "x" * 330 + " word" * 50,
             "a-b " * 200, "word " * 39, "", "  \n ", "Ωμέγα " * 41, "ঢাকায় " * 10 + "今天" * 400]
    for text in texts:
        for end in (len(text), 310, 320, 330, 2000, 2010):
            assert enough_words(text[:end], minimum) is (word_count(text[:end]) >= minimum), (text[:40], end)


def test_word_count() -> None:
    assert word_count("three small words") == 3
    assert word_count("ঢাকায় আজ বৃষ্টি") == 3  # vowel signs stay inside their words
    assert word_count("今天下雨了") == 2  # unspaced script: one word per two characters
    assert MIN_WORDS == 40


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"<!DOCTYPE html><html>", True),
        (b"\xef\xbb\xbf  <html lang='en'>", True),
        (b'<?xml version="1.0"?>\n<!-- x -->\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0//EN"><html>', True),
        (b"<head><title>x</title>", True),
        (b'<?xml version="1.0"?><rss version="2.0">', False),
        (b"<!-- comment --><feed xmlns='http://www.w3.org/2005/Atom'>", False),
        (b"", False),
        (b"<!-- never closed", False),
        (b"plain text", False),
    ],
)
def test_looks_like_html(body: bytes, expected: bool) -> None:
    assert looks_like_html(body) is expected


def test_a_declared_language_the_text_plainly_agrees_with_skips_the_detector(monkeypatch: pytest.MonkeyPatch) -> None:
    import digests.language as language

    def refuse(text: str) -> tuple[str | None, float]:
        raise AssertionError("the detector ran")

    english = " ".join(BODY_PARAGRAPHS)
    monkeypatch.setattr(language, "detect_language", refuse)
    assert choose_language("en", english) == "en"
    assert choose_language("bn", " ".join(BENGALI_PARAGRAPHS)) == "bn"
    with pytest.raises(AssertionError, match="detector ran"):  # a template's lang="en" on Bengali text is checked
        choose_language("en", " ".join(BENGALI_PARAGRAPHS))
    with pytest.raises(AssertionError, match="detector ran"):  # and so is a German page marked English
        choose_language("en", "Die Regierung hat am Dienstag neue Regeln für den Hafen beschlossen, "
                              "nachdem das Schiff im Sturm gesunken war und viele Menschen vermisst werden. " * 3)
