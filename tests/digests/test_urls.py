"""canonical_url, host_of and content_hash: each normalisation rule, and what must stay distinct."""

from __future__ import annotations

import pytest

from digests.urls import canonical_url, content_hash, host_of

BASE = "https://news.example.com/world/story-123"


@pytest.mark.parametrize(
    "variant",
    [
        "HTTPS://NEWS.Example.COM/world/story-123",  # scheme and host case
        "http://news.example.com/world/story-123",  # scheme folded to https
        "https://news.example.com:443/world/story-123",  # default port
        "http://news.example.com:80/world/story-123",
        "https://news.example.com/world/story-123#comments",  # fragment
        "https://news.example.com/world/story-123/",  # trailing slash
        "https://news.example.com//world//story-123",  # duplicate slashes
        "https://news.example.com/world/./x/../story-123",  # dot segments
        "https://news.example.com/world/story-123?utm_source=rss&utm_medium=feed&utm_campaign=x",
        "https://news.example.com/world/story-123?fbclid=abc",
        "https://news.example.com/world/story-123?gclid=abc&dclid=d&msclkid=m",
        "https://news.example.com/world/story-123?mc_cid=1&mc_eid=2",
        "https://news.example.com/world/story-123?igshid=xyz",
        "https://news.example.com/world/story-123?ref_src=twsrc",
        "https://news.example.com/world/story-123?UTM_Source=Caps",  # parameter names compared casefolded
        "https://news.example.com/world/story-123/amp",  # AMP suffix
        "https://news.example.com/world/story-123/amp/",
        "https://news.example.com/amp/world/story-123",  # AMP path segment
        "https://news.example.com/world/story-123?amp=1",  # AMP switch
        "https://news.example.com/world/story-123?amp",
        "https://news.example.com/world/story-123?outputType=amp",
        "https://amp.news.example.com/world/story-123",  # AMP subdomain
        "https://news-example-com.cdn.ampproject.org/c/s/news.example.com/world/story-123",  # AMP cache
        "https://m.news.example.com/world/story-123",  # mobile subdomains
        "https://mobile.news.example.com/world/story-123",
        "https://www.news.example.com/world/story-123",
        "https://news.example.com/world/story-123?m=1",  # Blogger's mobile switch
    ],
)
def test_variants_of_one_article_share_a_key(variant: str) -> None:
    assert canonical_url(variant) == canonical_url(BASE)


def test_canonical_form_is_a_readable_url() -> None:
    assert canonical_url("HTTP://WWW.Example.COM:80/A/b/?utm_source=x&z=1&a=2#top") == "https://example.com/A/b?a=2&z=1"
    assert canonical_url("https://example.com") == "https://example.com/"


def test_amp_html_suffix_maps_to_html_page() -> None:
    assert canonical_url("https://example.com/news/story.amp.html") == canonical_url(
        "https://example.com/news/story.html"
    )


def test_remaining_query_parameters_are_sorted() -> None:
    assert canonical_url("https://example.com/a?b=2&a=1") == canonical_url("https://example.com/a?a=1&b=2")


def test_query_encoding_variants_are_equal() -> None:
    assert canonical_url("https://example.com/s?q=a+b") == canonical_url("https://example.com/s?q=a%20b")
    assert canonical_url("https://example.com/%e0%a6%ac") == canonical_url("https://example.com/%E0%A6%AC")


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("https://example.com/article?id=1", "https://example.com/article?id=2"),
        ("https://example.com/News/Story", "https://example.com/news/story"),  # path case is kept
        ("https://example.com/a?page=2", "https://example.com/a?page=3"),
        ("https://example.com/view.php?cid=10", "https://example.com/view.php?cid=11"),
        ("https://example.com/p?gallery=3", "https://example.com/p?gallery=4"),
        ("https://example.com/p?story_id=7", "https://example.com/p?story_id=8"),
        ("https://example.com/p?ref=abc", "https://example.com/p?ref=def"),  # ref is not a known tracker
        ("https://example.com/a", "https://example.com/b"),
        ("https://one.example.com/a", "https://two.example.com/a"),
        ("https://example.com/a", "https://example.org/a"),
        ("https://example.com:8080/a", "https://example.com/a"),  # non-default port
        ("https://example.com/p?m=2024-05", "https://example.com/p?m=2024-06"),  # m is only dropped as 0/1
        ("https://example.com/lamp/", "https://example.com/"),  # only whole "amp" segments go
    ],
)
def test_distinct_articles_stay_distinct(one: str, other: str) -> None:
    assert canonical_url(one) != canonical_url(other)


def test_variant_host_labels_never_strip_the_registrable_domain() -> None:
    assert canonical_url("https://m.co.uk/x") == "https://m.co.uk/x"
    assert canonical_url("https://m.bbc.co.uk/news/1") == "https://bbc.co.uk/news/1"
    assert canonical_url("https://www.amp.dev/about") == "https://amp.dev/about"


def test_punycode_host_is_decoded() -> None:
    assert canonical_url("https://xn--bcher-kva.example/a") == canonical_url("https://bücher.example/a")


@pytest.mark.parametrize(
    "text", ["", "   ", "not a url", "mailto:someone@example.com", "ftp://example.com/f", "http://[bad/a"]
)
def test_non_http_input_is_returned_stripped_without_raising(text: str) -> None:
    assert canonical_url(f"  {text}  ") == text.strip()


def test_host_of() -> None:
    assert host_of("https://WWW.BBC.co.uk:443/news/world-1") == "bbc.co.uk"
    assert host_of("https://m.prothomalo.example/bangladesh/x") == "prothomalo.example"
    assert host_of("http://[::1]:8080/x") == "::1"
    assert host_of("not a url") == ""


def test_content_hash_ignores_case_punctuation_and_spacing() -> None:
    one = "Flood waters recede.\n\nResidents return home — slowly!"
    other = "flood  waters recede residents return home, slowly"
    assert content_hash(one) == content_hash(other)
    assert content_hash("“Quoted” text") == content_hash('"quoted" TEXT')
    assert content_hash("soft\u00adhyphen") == content_hash("soft hyphen")


def test_content_hash_handles_bengali_marks() -> None:
    assert content_hash("ঢাকায় বৃষ্টি।") == content_hash("ঢাকায়   বৃষ্টি")
    assert content_hash("ঢাকায় বৃষ্টি") != content_hash("ঢাকায় বৃষ্ট")  # a vowel sign is a different word


def test_content_hash_keeps_words_digits_and_order() -> None:
    assert content_hash("three dead") != content_hash("four dead")
    assert content_hash("3 dead") != content_hash("4 dead")
    assert content_hash("a b") != content_hash("b a")
    assert len(content_hash("x")) == 64


def test_clean_link_drops_only_tracking_parameters() -> None:
    from digests.urls import clean_link

    assert clean_link("http://www.example.com/a/b?utm_source=rss&id=7&UTM_Medium=x&fbclid=1&page=2#frag") == \
        "http://www.example.com/a/b?id=7&page=2#frag"
    assert clean_link("https://example.com/a?utm_source=rss") == "https://example.com/a"
    assert clean_link("https://example.com/a?q=%20x&ref=home") == "https://example.com/a?q=%20x&ref=home"
    assert clean_link("not a url") == "not a url"
