"""The topic terms' counts are scikit-learn's, to the bit, without its per-token loop; URL paths read off plain
links are urlsplit's."""

from __future__ import annotations

from urllib.parse import urlsplit

import numpy as np
from sklearn.feature_extraction.text import TfidfTransformer, TfidfVectorizer

from digests.stories import word_tokens
from digests.topic_hints import url_path, url_sections
from digests.topic_terms import term_counts
from tests.digests.news_fixtures import news_day


def test_term_counts_are_the_vectorizers_to_the_bit() -> None:
    documents = [word_tokens(f"{doc.title} {doc.text}") for doc in news_day()] + [[], ["flood", "flood", "ferry"]]
    vectorizer = TfidfVectorizer(analyzer=lambda words: words, sublinear_tf=True, dtype=np.float64)
    expected = vectorizer.fit_transform(documents)
    counted = term_counts(iter(documents))  # read once, one document at a time
    assert counted is not None
    counts, terms, vocabulary = counted
    got = TfidfTransformer(sublinear_tf=True).fit_transform(counts)
    assert np.array_equal(got.indptr, expected.indptr) and np.array_equal(got.indices, expected.indices)
    assert np.array_equal(got.data, expected.data)  # same values in the same order: same sums downstream
    assert list(terms) == list(vectorizer.get_feature_names_out()) and vocabulary == vectorizer.vocabulary_


def test_term_counts_of_documents_without_a_word_are_none() -> None:
    assert term_counts(iter([[], []])) is None
    assert term_counts(iter([])) is None


def test_url_paths_are_urlsplits() -> None:
    urls = ["http://a.example/x/y?q=1#f", "https://a.example", "https://a.example?x=/a/b", "https://a.example#/a/b",
            "https://a.example/a#b?c", "https://u:p@a.example:80/s/t/", "http://[::1]/a/b", "HTTP://A.example/x/y",
            "https://a.example/x\ty/z", " https://a.example/x/y", "https://a.example/%E0%A6%96/a", "ftp://a/b/c",
            "//a.example/c/d", "https://a.example/x?y#z/w", "https://a.example/sport/football/123-abc", "not a url"]
    assert [url_path(url) for url in urls] == [urlsplit(url).path for url in urls]
    assert url_sections("https://x.example/sport/football/123-abc") == ["sport", "football"]
