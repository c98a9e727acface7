"""Extractive summaries: whole sentences of the cleaned article, in article order, within a character budget.

The default algorithm, ``support``, scores a sentence by how much of its content the rest of the article
shares (centrality), how common its vocabulary is across the article, and a length prior (see
:func:`_support_order`); it is numpy on the sentences' words, ~0.6 ms an article (bench/summary_speed.py).
``pacsum`` (:mod:`digests.pacsum`) ranks by PacSum's directed centrality instead, and ``learned`` by a
linear scorer over per-sentence features (:mod:`digests.sentence_features`), within the same bounds.
sumy's algorithms are selectable by name and run on the same sentences through
:class:`digests.text.Tokenizer`. Languages outside :data:`digests.language.SUPPORTED`, and any run that
overruns its time, get the lead sentences instead.

Time is bounded by construction rather than interrupted: this runs in a process-pool worker or a thread,
where signal alarms are unavailable, and a thread cannot be killed, so a runaway ranking would keep its CPU
after any timeout. The input is cut to :data:`MAX_INPUT_CHARS`, only the first :data:`MAX_RANKED_SENTENCES`
sentences (:data:`MAX_SUMY_SENTENCES` for sumy's algorithms; at most :data:`MAX_RANKED_WORDS` words)
compete, and sentences longer than the budget never enter ranking. Each stage then takes at most tens of
milliseconds on any input (a few hundred for sumy's KL), and the deadline is checked between stages: past
it, the lead summary is returned.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import numpy as np
from sumy.models.dom import ObjectDocumentModel, Paragraph, Sentence

from digests.language import SUPPORTED, choose_language
from digests.models import Summary
from digests.pacsum import pacsum_scores
from digests.sentence_features import LEARNED_REDUNDANCY, SUPPORT_LENGTH_CAP, learned_scores, support_terms
from digests.summary_config import ALGORITHMS as ALGORITHMS  # re-exported: callers name it from here
from digests.summary_config import SUMY_NAMES
from digests.summary_config import SummaryConfig as SummaryConfig
from digests.text import Tokenizer, article_sentences, prose, stemmer, stop_words

logger = logging.getLogger(__name__)


@functools.cache
def sumy_algorithms() -> dict[str, Callable[..., Any]]:
    """sumy's summarizer classes by the names settings accept. Imported when first asked for: sumy's
    summarizers import NLTK, and NLTK imports scikit-learn and SciPy (2 s and 140 MB in each worker
    process), which the default algorithm never uses."""
    from sumy.summarizers.kl import KLSummarizer
    from sumy.summarizers.lex_rank import LexRankSummarizer
    from sumy.summarizers.lsa import LsaSummarizer
    from sumy.summarizers.luhn import LuhnSummarizer
    from sumy.summarizers.reduction import ReductionSummarizer
    from sumy.summarizers.sum_basic import SumBasicSummarizer
    from sumy.summarizers.text_rank import TextRankSummarizer

    classes: dict[str, Callable[..., Any]] = {
        "textrank": TextRankSummarizer, "lexrank": LexRankSummarizer, "lsa": LsaSummarizer,
        "luhn": LuhnSummarizer, "kl": KLSummarizer, "sumbasic": SumBasicSummarizer,
        "reduction": ReductionSummarizer,
    }
    assert tuple(classes) == SUMY_NAMES  # the names settings accept are the classes here
    return classes

DEFAULT_CONFIG = SummaryConfig()
NUMPY_ALGORITHMS = ("support", "pacsum", "learned")  # Khobor's own: numpy on the words, bounded by MAX_RANKED_*

# A long feature is ~60 KB of text; what lies beyond is comments, listings or a broken page.
MAX_INPUT_CHARS = 100_000
MAX_RANKED_SENTENCES = 150
MAX_RANKED_WORDS = 5_000
# sumy's algorithms are pure Python and grow with the square (KL: the cube) of the sentence count: at 60
# sentences of 33 words the slowest, KL, takes ~0.4 s here, Reduction ~0.13 s; at 150, KL takes ~5 s.
MAX_SUMY_SENTENCES = 60
# The length prior of ``support``: min(words, SUPPORT_LENGTH_CAP) ** RISE / words ** FALL, highest at 30 words.
# Tuned on the even-index BBC articles (RISE 0.8-1.4 and FALL 0.3-0.5 are within 0.3 ROUGE-2 of each other).
_LENGTH_RISE = 1.1
_LENGTH_FALL = 0.4
ELLIPSIS = "…"
# A sentence sharing this share of its words with the title (Jaccard) repeats it: "Python 3.6.0 is now available!"
# under the same headline, "Produktinformationen \"Trixie Natura ...\"" under "Trixie Natura ..." (5 of 6 words).
TITLE_REPEAT = 0.7
# Position and redundancy, chosen on the even halves of BBC, CNN and Daily Mail together (bench/summary_tune.py):
# the setting whose worst corpus falls least short of its goal (BBC: sumy's best + 2; CNN, Daily Mail: Lead-3
# + 0.5 ROUGE-2). BBC's references are long extracts spread through the text and reward centrality alone;
# CNN's and Daily Mail's highlights favour the lead and distinct facts. No setting met all three goals.
# Adding PacSum's directed centrality (digests.pacsum) to the score, 36 settings (summary_tune.py --sweeps
# mix), lifted the worst corpus by at most 0.17 (position 0.2 + 0.1 x forward-only centrality: Daily Mail
# +0.28 +- 0.18 per-article standard error, CNN -0.06, BBC -0.16): within noise, so the score stays without it.
# Nor did a learned scorer (``learned``, digests.sentence_features, bench/summary_train.py): fitted on the
# three even halves alike it lands between ``support`` and ``pacsum`` on each; and from this score, no move of
# one of its 18 features' weights (position, article length, PacSum's directions, lead centrality and their
# products; down to 0.03 standard deviations) lifted all three corpora at once (summary_train.py --probe).
# Nor, fitted on the even halves and read on the odd ones (worst shortfall against the goals; support -1.47
# even, -2.94 odd), did: a network of 8 tanh units over these features plus quotes, capitals, digits, character
# length and questions (oracle labels -4.50 / -6.31; each sentence's reference bigrams as labels -1.67 / -2.79);
# a softmax surrogate of the picks' expected ROUGE-2 F1 (-2.50 / -2.80); a direct search of the linear weights
# that had to lift both quarters of the even halves (bench/summary_search.py: -1.21 / -3.60). Daily Mail, the
# worst corpus, has 103 articles a half: a scorer's paired gain there carries +- 0.4 to 1.0 of standard error.
# Nor did a summary-level choice: the three sentences (of the 10 densest) that cover the most weight of the
# article's repeated word pairs and content words (Gillick and Favre's concept coverage), with or without a
# position term: below ``support`` on all three even halves and on the odd ones (45.23 / 10.34 / 18.68 against
# 53.73 / 10.49 / 18.84 ROUGE-2). Nor did reciprocal-rank fusion of ``support``, ``pacsum`` and the lead: it
# trades BBC for CNN as the weights in the score do (even halves, equal weights: 48.99 / 12.28 / 18.70).
# On the Bengali and Urdu proxy's even halves (bench/summary_south_asia.py) Lead-3 leads, as on CNN and Daily
# Mail: 5.83 / 16.01 against 4.10 / 13.92 for ``support``, 5.46 / 15.69 for ``pacsum``; only BBC rewards
# centrality alone.
SUPPORT_BACKWARD = 1.0  # weight of what a sentence shares with earlier ones (PacSum's lambda1 / lambda2)
SUPPORT_POSITION = 0.2  # how fast the score falls with the sentence's position: - POSITION * log(1 + index)
SUPPORT_REDUNDANCY = 0.5  # picks are made one by one, each score less REDUNDANCY x its cosine to the picked


def summarize(text: str, *, language: str | None, config: SummaryConfig = DEFAULT_CONFIG,
              title: str | None = None) -> Summary:
    """Summarise ``text`` with whole sentences, in article order, in at most ``config.max_chars`` characters.

    ``language`` is an ISO 639-1 code; when None it is detected. Unsupported languages get the lead
    sentences (``algorithm="lead"``). Sentences are chosen best-first and skipped when they do not fit the
    remaining budget; when not even one sentence fits, the first sentence is cut at a word boundary and
    ends in an ellipsis: the only case where the summary is not made of whole sentences. Empty text gives
    an empty summary. Never raises. ``config.timeout_s`` bounds splitting and ranking; detecting the language
    and building a sumy summarizer (their models and NLTK load on a process's first call, seconds on a busy
    machine) come before it. A sentence that repeats ``title`` (the article's headline, which a digest shows
    above the summary) is left out, unless the article has no other.
    """
    try:
        return _summarize(text, language, config, title)
    except Exception:  # a summary is never worth failing the pipeline for: fall back to the lead
        logger.warning("summarize: ranking failed (%s); using the lead sentences", config.algorithm, exc_info=True)
        try:
            sentences = _without_title(prose(article_sentences(text[:MAX_INPUT_CHARS], language)), title, language)
            return _lead(sentences, language, config)
        except Exception:
            logger.warning("summarize: could not split the text into sentences; empty summary", exc_info=True)
            return Summary((), "lead", language)


def _summarize(text: str, language: str | None, config: SummaryConfig, title: str | None) -> Summary:
    truncated = len(text) > MAX_INPUT_CHARS
    text = text[:MAX_INPUT_CHARS]
    if language is None:
        language = choose_language(None, text)
    if config.algorithm in SUMY_NAMES and language in SUPPORTED:
        _sumy_summarizer(config.algorithm, language)  # a process's first imports sumy's summarizers and NLTK: seconds
    deadline = time.monotonic() + config.timeout_s
    sentences = article_sentences(text, language)
    if truncated and len(sentences) > 1:
        sentences.pop()  # it may have been cut in the middle
    sentences = _without_title(prose(sentences), title, language)
    if config.algorithm == "lead" or language not in SUPPORTED or time.monotonic() > deadline:
        return _lead(sentences, language, config)
    limit = MAX_RANKED_SENTENCES if config.algorithm in NUMPY_ALGORITHMS else MAX_SUMY_SENTENCES
    candidates = _rankable(sentences, config.max_chars, limit)
    order = _rank([sentences[i] for i in candidates], language, config.algorithm, deadline)
    if order is None or time.monotonic() > deadline:
        return _lead(sentences, language, config)
    chosen = _fit((candidates[i] for i in order), sentences, config)
    if not chosen:
        return _lead(sentences, language, config)
    return Summary(tuple(sentences[i] for i in sorted(chosen)), config.algorithm, language)


def _without_title(sentences: list[str], title: str | None, language: str | None) -> list[str]:
    """``sentences`` less those whose words are nearly the title's (Jaccard >= :data:`TITLE_REPEAT`): a page's
    heading that ends in "?" or "!", or a text that opens with its headline. All of them when none is left."""
    words = Tokenizer(language).to_words
    headline = set(words(title or ""))
    if not headline:
        return sentences
    kept = [s for s in sentences if _jaccard(headline, set(words(s))) < TITLE_REPEAT]
    return kept or sentences


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def _lead(sentences: Sequence[str], language: str | None, config: SummaryConfig) -> Summary:
    """The first sentences that fit, or the first sentence trimmed with an ellipsis when none fits."""
    chosen = _fit(range(len(sentences)), sentences, config)
    if chosen:
        return Summary(tuple(sentences[i] for i in chosen), "lead", language)
    if not sentences:
        return Summary((), "lead", language)
    return Summary((_trim(sentences[0], config.max_chars),), "lead", language)


def _fit(order: Iterable[int], sentences: Sequence[str], config: SummaryConfig) -> list[int]:
    """Indices taken best-first while they fit the budget (sentences are joined by one space); ``order`` is read
    only as far as that needs."""
    chosen: list[int] = []
    used = -1
    for index in order:
        if used + 1 + len(sentences[index]) <= config.max_chars:
            chosen.append(index)
            used += 1 + len(sentences[index])
            if len(chosen) == config.sentences:
                break
    return chosen


def _trim(sentence: str, max_chars: int) -> str:
    cut = sentence[: max_chars - len(ELLIPSIS)]
    head, space, _ = cut.rpartition(" ")
    return (head if space and head else cut).rstrip(" ,;:–—-") + ELLIPSIS


def _rankable(sentences: Sequence[str], max_chars: int, limit: int) -> list[int]:
    """Indices of the sentences that compete: those that fit the budget, up to the ranking bounds."""
    chosen: list[int] = []
    words = 0
    for index, sentence in enumerate(sentences):
        if len(sentence) > max_chars:
            continue
        words += sentence.count(" ") + 1
        if len(chosen) == limit or words > MAX_RANKED_WORDS:
            break
        chosen.append(index)
    return chosen


def _rank(sentences: Sequence[str], language: str, algorithm: str, deadline: float) -> Iterable[int] | None:
    """Indices of ``sentences`` best first, or None when the deadline passed."""
    if len(sentences) < 2:
        return list(range(len(sentences)))
    tokenizer = Tokenizer(language)
    if algorithm in NUMPY_ALGORITHMS:
        words = [tokenizer.to_words(sentence) for sentence in sentences]
        if time.monotonic() > deadline:
            return None
        if algorithm == "pacsum":
            score, _ = pacsum_scores(words, language, stop_words(language))
            return sorted(range(len(words)), key=lambda index: (-score[index], index))
        if algorithm == "learned":
            score, shared = learned_scores(words, language, stop_words(language))
            return _diverse_order(score, shared, LEARNED_REDUNDANCY)
        return _support_order(words, stop_words(language))
    return _sumy_order(sentences, tokenizer, _sumy_summarizer(algorithm, language))


def _support_order(words: Sequence[Sequence[str]], stop: frozenset[str]) -> Iterator[int]:
    """Sentences ranked best first by :func:`support_scores`, the picks avoiding each other's words."""
    score, shared = support_scores(words, stop)
    return _diverse_order(score, shared, SUPPORT_REDUNDANCY)


def support_scores(words: Sequence[Sequence[str]], stop: frozenset[str]) -> tuple[np.ndarray, np.ndarray]:
    """Each sentence's log score, centrality x commonness x a length prior, and its shared-word counts (rows).

    Centrality (what the sentences after it share with it, and :data:`SUPPORT_BACKWARD` x what those before it
    share) and commonness are :func:`digests.sentence_features.support_terms`; the length prior rises to
    :data:`SUPPORT_LENGTH_CAP` words, then falls slowly, since long sentences use budget.
    Each term alone measured below the product on the tuning split (bench/summary_quality.py). A position
    prior (:data:`SUPPORT_POSITION`) favours the lead, and the picks avoid repeating each other
    (:data:`SUPPORT_REDUNDANCY`, see :func:`_diverse_order`).
    """
    centrality, commonness, length, shared = support_terms(words, stop, SUPPORT_BACKWARD)
    score = (
        np.log(np.maximum(centrality, 0.0) + 0.5)
        + np.log(commonness + 0.5)
        + _LENGTH_RISE * np.log(np.minimum(length, SUPPORT_LENGTH_CAP))
        - _LENGTH_FALL * np.log(length)
        - SUPPORT_POSITION * np.log1p(np.arange(len(words)))
    )
    return score, shared


def _diverse_order(score: np.ndarray, vectors: np.ndarray, redundancy: float) -> Iterator[int]:
    """Maximal marginal relevance: indices picked one by one, each the best ``score`` less ``redundancy``
    times its highest cosine similarity (of the ``vectors`` rows) to those already picked; ties go to the
    earlier sentence. Picked as they are asked for: a summary of three sentences needs three picks, not an
    order of every sentence (15 % of a light page's summary)."""
    norms = np.linalg.norm(vectors, axis=1)
    unit = vectors / np.where(norms > 0, norms, 1.0)[:, None]
    similar = np.zeros(len(score))
    left = np.ones(len(score), dtype=bool)
    for _ in range(len(score)):
        pick = int(np.argmax(np.where(left, score - redundancy * similar, -np.inf)))
        yield pick
        left[pick] = False
        similar = np.maximum(similar, unit @ unit[pick])


def _sumy_order(sentences: Sequence[str], tokenizer: Tokenizer, summarizer: Any) -> list[int]:
    document = ObjectDocumentModel([Paragraph([Sentence(text, tokenizer) for text in sentences])])
    ranked: list[int] = []

    def keep_ranking(infos: list[Any]) -> list[Any]:
        # sumy hands its sentence-count callable the sentences sorted best first.
        ranked.extend(info.order for info in infos)
        return infos

    summarizer(document, keep_ranking)
    return ranked


@functools.cache
def _sumy_summarizer(algorithm: str, language: str) -> Any:
    summarizer = sumy_algorithms()[algorithm](stemmer(language))
    summarizer.stop_words = stop_words(language)
    return summarizer
