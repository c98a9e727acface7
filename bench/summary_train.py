"""Fit the ``learned`` summary's sentence scorer on the even halves of BBC, CNN and Daily Mail, and print it.

Every sentence that competes in ``summarize`` gets the features of :func:`digests.sentence_features.features`
(no corpus identity among them). The labels are an oracle's: per article, the sentences picked greedily (at
most 3) to maximise ROUGE-1 + ROUGE-2 F1 against the reference, with rouge-score's stemmed tokens. The
model is a conditional logit (a softmax over each article's sentences, the oracle's sentences the target),
fitted with L-BFGS and an L2 penalty on the standardised features; each corpus weighs the same in the loss
whatever its article count. Then the redundancy of the picks (maximal marginal relevance, as ``support``)
is chosen on the same even halves by the worst shortfall against the goals (BBC: sumy's best + 2, measured
as in bench/summary_tune.py; CNN, Daily Mail: Lead-3 + 0.5). Prints the coefficients as the constants of
digests/sentence_features.py (LEARNED_WEIGHTS, LEARNED_REDUNDANCY). Report them with
``bench/summary_quality.py --split odd --n 0`` (the odd halves are never read here).
Run: ``.venv/bin/python bench/summary_train.py [--n 0] [--penalty 1.0]``
"""

from __future__ import annotations

import argparse
import statistics
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from rouge_score.tokenizers import DefaultTokenizer
from scipy.optimize import minimize

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bbc
import summary_tune

from digests import summarize as module
from digests.sentence_features import FEATURES, features, support_terms
from digests.text import Tokenizer, article_sentences, stop_words

REDUNDANCY = (0.0, 0.5, 1.0, 2.0)
_TOKENS = DefaultTokenizer(use_stemmer=True)


@dataclass(frozen=True, slots=True)
class Example:
    """One article: its competing sentences, their features, the oracle's picks among them, the reference."""

    sentences: tuple[str, ...]
    matrix: np.ndarray
    shared: np.ndarray
    oracle: tuple[int, ...]
    precision: np.ndarray
    reference: tuple[str, ...]


def _ngrams(tokens: Sequence[str], n: int) -> Counter[tuple[str, ...]]:
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def _f1(candidate: Counter[tuple[str, ...]], reference: Counter[tuple[str, ...]]) -> float:
    hits = sum((candidate & reference).values())
    if not hits:
        return 0.0
    precision, recall = hits / sum(candidate.values()), hits / sum(reference.values())
    return 2 * precision * recall / (precision + recall)


def oracle(sentences: Sequence[str], reference: Sequence[str], picks: int = bbc.SENTENCES) -> tuple[int, ...]:
    """Greedy: add the sentence that most raises ROUGE-1 + ROUGE-2 F1 of the picks (in article order, capped
    at bbc.CAP_WORDS words as they are scored), while one does."""
    wanted = _TOKENS.tokenize(" ".join(reference))
    goal = (_ngrams(wanted, 1), _ngrams(wanted, 2))
    chosen: list[int] = []
    best = 0.0
    for _ in range(picks):
        gains = []
        for index in set(range(len(sentences))) - set(chosen):
            joined = _TOKENS.tokenize(" ".join(bbc.cap([sentences[i] for i in sorted([*chosen, index])])))
            gains.append((_f1(_ngrams(joined, 1), goal[0]) + _f1(_ngrams(joined, 2), goal[1]), -index))
        if not gains or max(gains)[0] <= best:
            break
        best, index = max(gains)[0], -max(gains)[1]
        chosen.append(index)
    return tuple(sorted(chosen))


def precision(sentences: Sequence[str], reference: Sequence[str]) -> np.ndarray:
    """Each sentence's ROUGE-2 precision against the reference: the share of its bigrams the reference has."""
    goal = _ngrams(_TOKENS.tokenize(" ".join(reference)), 2)
    found = []
    for sentence in sentences:
        bigrams = _ngrams(_TOKENS.tokenize(sentence), 2)
        found.append(sum((bigrams & goal).values()) / max(sum(bigrams.values()), 1))
    return np.array(found)


def examples(articles: Sequence[bbc.Article]) -> list[Example]:
    """The articles as ``summarize`` sees them (English, default budget), with two or more competing sentences."""
    tokenizer, stop = Tokenizer("en"), stop_words("en")
    found = []
    for article in articles:
        sentences = article_sentences(article.text, "en")
        candidates = module._rankable(sentences, module.DEFAULT_CONFIG.max_chars, module.MAX_RANKED_SENTENCES)
        if len(candidates) < 2:
            continue
        chosen = tuple(sentences[i] for i in candidates)
        words = [tokenizer.to_words(sentence) for sentence in chosen]
        shared = support_terms(words, stop, module.SUPPORT_BACKWARD).shared
        found.append(Example(chosen, features(words, "en", stop), shared, oracle(chosen, article.reference),
                             precision(chosen, article.reference), article.reference))
    return found


def fit(corpora: dict[str, list[Example]], penalty: float, labels: str = "oracle",
        share: dict[str, float] | None = None) -> np.ndarray:
    """Weights of the raw features maximising the oracle's likelihood under a softmax per article."""
    rows = [example for found in corpora.values() for example in found]
    matrix = np.vstack([example.matrix for example in rows])
    mean, scale = matrix.mean(axis=0), matrix.std(axis=0)
    scale[scale == 0] = 1.0
    standard = (matrix - mean) / scale
    sizes = np.array([len(example.sentences) for example in rows])
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    share = share or {name: 1 / len(corpora) for name in corpora}
    weight = np.concatenate([np.full(len(found), share[name] / len(found)) for name, found in corpora.items()])
    target = np.zeros(len(matrix))
    for start, example in zip(starts, rows, strict=True):
        if labels == "oracle":
            target[start + np.array(example.oracle, dtype=int)] = 1 / max(len(example.oracle), 1)
        else:
            target[start : start + len(example.sentences)] = example.precision / max(example.precision.sum(), 1e-9)
    article = np.repeat(np.arange(len(rows)), sizes)

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        score = standard @ w
        top = np.maximum.reduceat(score, starts)
        exp = np.exp(score - top[article])
        total = np.add.reduceat(exp, starts)
        probability = exp / total[article]
        log_partition = top + np.log(total)
        value = float(weight @ (log_partition - np.add.reduceat(target * score, starts)))
        gradient = standard.T @ (weight[article] * (probability - target))
        return value + penalty * float(w @ w) / len(rows), gradient + 2 * penalty * w / len(rows)

    result = minimize(loss, np.zeros(matrix.shape[1]), jac=True, method="L-BFGS-B")
    return np.asarray(result.x / scale)


def picks(example: Example, weights: np.ndarray, redundancy: float) -> tuple[int, ...]:
    """The sentences ``summarize`` would return with these weights: best first, diverse, within the budget."""
    order = module._diverse_order(example.matrix @ weights, example.shared, redundancy)
    return tuple(sorted(module._fit(order, example.sentences, module.DEFAULT_CONFIG)))


_SCORED: dict[tuple[int, tuple[int, ...]], float] = {}  # (id of the example, picks): ROUGE-2, for the sweeps


def rouge2(found: Sequence[Example], weights: np.ndarray, redundancy: float) -> float:
    """Mean ROUGE-2 of the picks (bench/bbc.py's scoring); most settings repeat most articles' picks."""
    scores = []
    for example in found:
        chosen = picks(example, weights, redundancy)
        key = (id(example), chosen)
        if key not in _SCORED:
            _SCORED[key] = bbc.rouge(example.reference, [example.sentences[i] for i in chosen])[1]
        scores.append(_SCORED[key])
    return statistics.fmean(scores)


def support_weights() -> np.ndarray:
    """The default ``support`` score as weights of the same features (its centrality, commonness, length
    prior and position prior are columns of FEATURES)."""
    weights = np.zeros(len(FEATURES))
    for name, value in (("centrality", 1.0), ("commonness", 1.0), ("length_rise", module._LENGTH_RISE),
                        ("length", -module._LENGTH_FALL), ("position", -module.SUPPORT_POSITION)):
        weights[FEATURES.index(name)] = value
    return weights


def line(label: str, scores: dict[str, float]) -> str:
    return f"{label:40s} | R-2 " + " ".join(f"{name} {value:6.2f}" for name, value in scores.items())


def probe(corpora: dict[str, list[Example]], step: float) -> None:
    """From ``support``, move one feature's weight by +- ``step`` of its standard deviation at a time and
    print each corpus's ROUGE-2 change: is there a direction that lifts all three at once?"""
    base = support_weights()
    before = {name: rouge2(found, base, module.SUPPORT_REDUNDANCY) for name, found in corpora.items()}
    spread = np.vstack([e.matrix for found in corpora.values() for e in found]).std(axis=0)
    print(f"\nprobe: one feature at a time from support, +- {step} sd, R-2 change per corpus")
    for index, name in enumerate(FEATURES):
        for sign in (1.0, -1.0):
            weights = base.copy()
            weights[index] += sign * step / (spread[index] or 1.0)
            after = {corpus: rouge2(found, weights, module.SUPPORT_REDUNDANCY) for corpus, found in corpora.items()}
            print(f"{name:28s} {sign * step:+.2f} sd | " + " ".join(
                f"{corpus} {after[corpus] - before[corpus]:+6.2f}" for corpus in corpora), flush=True)


def choose_redundancy(corpora: dict[str, list[Example]], weights: np.ndarray, goal: dict[str, float]) -> float:
    """The redundancy whose worst corpus falls least short of its goal, printing every one."""
    best = (-np.inf, 0.0)
    for redundancy in REDUNDANCY:
        scores = {name: rouge2(found, weights, redundancy) for name, found in corpora.items()}
        worst = min(scores[name] - goal[name] for name in corpora)
        print(line(f"learned, redundancy {redundancy:.2f}", scores) + f" | worst vs goal {worst:+.2f}", flush=True)
        best = max(best, (worst, redundancy))
    return best[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--n", type=int, default=0, help="articles per corpus from the even half (0: all)")
    parser.add_argument("--labels", choices=("oracle", "precision"), default="oracle",
                        help="the target: the oracle's picks, or each sentence's ROUGE-2 precision")
    parser.add_argument("--share", default="", help="corpus shares of the loss, e.g. bbc=0.5,cnn=0.25,dailymail=0.25")
    parser.add_argument("--penalty", type=float, default=1.0, help="L2 penalty on the standardised weights")
    parser.add_argument("--probe", type=float, default=0.0, help="also probe support's neighbourhood (step in sd)")
    args = parser.parse_args()
    articles = {name: bbc.load_corpus(name, args.n or None, "even") for name in bbc.CORPORA}
    goal = summary_tune.goals(articles)
    corpora = {name: examples(found) for name, found in articles.items()}
    share = {k: float(v) for k, v in (item.split("=") for item in args.share.split(",") if item)} or None
    weights = fit(corpora, args.penalty, args.labels, share)
    print(line("goals", {name: goal[name] for name in corpora}))
    support = {name: rouge2(found, support_weights(), module.SUPPORT_REDUNDANCY) for name, found in corpora.items()}
    print(line("support (the default)", support))
    redundancy = choose_redundancy(corpora, weights, goal)
    print("\nLEARNED_WEIGHTS = {")
    for name, value in zip(FEATURES, weights, strict=True):
        print(f'    "{name}": {value:.4f},')
    print(f"}}\nLEARNED_REDUNDANCY = {redundancy}")
    if args.probe:
        probe(corpora, args.probe)


if __name__ == "__main__":
    main()
