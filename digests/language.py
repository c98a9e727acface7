"""Language identification (py3langid) and the languages the summariser handles natively."""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import tempfile
import time
import zipfile
from array import array
from importlib.metadata import version
from pathlib import Path
from typing import Any

import numpy as np
import regex
from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

logger = logging.getLogger(__name__)

_STALE_PART_S = 3600  # a copy still being written after an hour was left by a killed process

# Languages with a sentence splitter (sentencex), a maintained stop-word list (stopwordsiso) and, where one
# exists, a Snowball stemmer: ranking works there. Bengali, Hindi and Urdu have stop words but no stemmer.
# Other languages get a lead-sentences summary.
SUPPORTED = frozenset(
    {"en", "bn", "hi", "ur"} | {"da", "de", "es", "fi", "fr", "hu", "it", "nl", "no", "pt", "ro", "ru", "sv"}
)

# Detection only picks languages with an ISO 639-1 code that news is written in; classical and
# constructed languages (Latin, Sanskrit, Esperanto, Volapük) are mostly false hits on short text.
_NOT_NEWS_LANGUAGES = frozenset({"eo", "la", "sa", "vo"})
# Below this the detector is guessing (its probabilities are length-calibrated by py3langid).
_MIN_CONFIDENCE = 0.5
# A declared <html lang> wins unless the detector is at least this sure it is wrong: CMS templates
# often keep lang="en" on pages written in Bengali, Hindi, Urdu...
_OVERRIDE_CONFIDENCE = 0.95
_DETECT_CHARS = 2000


# A declared language is taken without running the detector when the text plainly agrees: its letters are in
# the language's own script (Bengali, Devanagari, Arabic for Urdu), or, for English, its common words make up
# a good share of the opening. Detection costs more than extracting a light page; this check, a few µs.
_SCRIPTS = {"bn": regex.compile(r"\p{Bengali}"), "hi": regex.compile(r"\p{Devanagari}"),
            "ur": regex.compile(r"\p{Arabic}")}
_LETTER = regex.compile(r"\p{L}")
_ENGLISH = frozenset({
    "the", "of", "and", "to", "in", "a", "is", "that", "for", "on", "was", "with", "as", "by", "at", "from", "it",
    "his", "her", "said", "has", "have", "be", "are", "were", "its", "their", "which", "after", "an", "who", "not",
    "but", "this", "will",
})
_WORDS = regex.compile(r"\p{L}+")
_CHECK_CHARS = 600
_AGREES = 0.8  # share of letters in the script
_ENGLISH_SHARE = 0.2  # share of words that are English function words (German or French text: under 0.05)


def plainly(declared: str, text: str) -> bool:
    """Whether ``text`` plainly is in the ``declared`` language, without the detector (False: not sure)."""
    head = text[:_CHECK_CHARS]
    script = _SCRIPTS.get(declared)
    if script is not None:
        letters = len(_LETTER.findall(head))
        return letters > 0 and len(script.findall(head)) >= _AGREES * letters
    if declared == "en":
        words = _WORDS.findall(head.casefold())
        return len(words) >= 20 and sum(w in _ENGLISH for w in words) >= _ENGLISH_SHARE * len(words)
    return False


def choose_language(declared: str | None, text: str) -> str | None:
    """ISO 639-1 language of ``text``: the declared one unless detection confidently disagrees (detection is
    skipped when the text plainly agrees with the declared language)."""
    if declared is not None and plainly(declared, text):
        return declared
    detected, confidence = detect_language(text)
    if declared is None:
        return detected if confidence >= _MIN_CONFIDENCE else None
    if detected is not None and detected != declared and confidence >= _OVERRIDE_CONFIDENCE:
        return detected
    return declared


def detect_language(text: str) -> tuple[str | None, float]:
    """Most likely ISO 639-1 language of ``text`` and the detector's probability for it."""
    if not text.strip():
        return None, 0.0
    # The opening paragraphs settle the language; scoring a whole long article only costs time.
    language, confidence = load_identifier().classify(text[:_DETECT_CHARS])
    return str(language), float(confidence)


@functools.cache
def load_identifier() -> LanguageIdentifier:
    """The detector, its model loaded once per process: from the decompressed copy in the cache directory
    (:func:`model_cache`), else from py3langid's LZMA-compressed file (68 MB decompressed: 0.36 s of CPU each time
    a process loads it), which is then copied there for the next process."""
    cache = model_cache()
    identifier = _read_cached(cache) if cache is not None else None
    if identifier is None:
        identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
        if cache is not None:
            _write_cached(identifier, cache)
    wanted = [code for code in identifier.labels if len(code) == 2 and code not in _NOT_NEWS_LANGUAGES]
    identifier.set_languages(wanted)
    return identifier


def model_cache() -> Path | None:
    """Where the decompressed model is kept: ``$KHOBOR_CACHE_DIR``, else ``$XDG_CACHE_HOME/khobor``, else
    ``~/.cache/khobor``; one file per py3langid release and model file. None without a home directory."""
    folder = os.environ.get("KHOBOR_CACHE_DIR")
    if not folder:
        base = os.environ.get("XDG_CACHE_HOME") or (os.path.join(home, ".cache") if (home := _home()) else None)
        if base is None:
            return None
        folder = os.path.join(base, "khobor")
    model = MODEL_DIR / MODEL_FILE
    try:
        size = model.stat().st_size
    except OSError:
        return None
    return Path(folder) / f"py3langid-{version('py3langid')}-{size}.npz"


def _home() -> str | None:
    home = os.path.expanduser("~")
    return None if home == "~" else home


def _read_cached(path: Path) -> LanguageIdentifier | None:
    try:
        with np.load(path, allow_pickle=False) as data:
            return LanguageIdentifier(data["ptc"], data["pc"], data["classes"].tolist(),
                                      _stdlib_array(data["nextmove"]), data["output"].tolist(), norm_probs=True,
                                      tk_row=_stdlib_array(data["row"]))
    except FileNotFoundError:
        return None
    except (OSError, EOFError, ValueError, KeyError, zipfile.BadZipFile) as exc:  # truncated, another layout...
        logger.info("language: the cached model %s is unreadable (%s); reading py3langid's own", path, exc)
        return None


def _write_cached(identifier: LanguageIdentifier, path: Path) -> None:
    """Keep ``identifier``'s whole model (before ``set_languages``) decompressed at ``path`` (written beside and
    renamed: a reader never sees half a file), and remove what earlier copies left in the folder: another
    release's copy, or a half-written one whose writer was killed (:data:`_STALE_PART_S` old)."""
    arrays = {"ptc": identifier.nb_ptc, "pc": identifier.nb_pc, "classes": np.array(identifier.nb_classes),
              "nextmove": np.asarray(identifier.tk_nextmove), "row": np.asarray(identifier.tk_row),
              "output": np.asarray(identifier.tk_output, dtype=np.int32)}
    part = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _remove_leftovers(path)
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=path.name, suffix=".part", delete=False) as out:
            part = out.name
            np.savez(out, **arrays)
        os.replace(part, path)
    except OSError as exc:  # a read-only home, a full disk: the next process decompresses again
        logger.info("language: could not keep the decompressed model in %s (%s)", path.parent, exc)
    finally:
        if part is not None:  # whatever stopped the copy (renamed, it is gone already)
            with contextlib.suppress(FileNotFoundError):
                os.unlink(part)


def _remove_leftovers(path: Path) -> None:
    now = time.time()
    for other in path.parent.glob("py3langid-*"):
        if other.name == path.name:
            continue
        try:
            if other.suffix != ".part" or now - other.stat().st_mtime > _STALE_PART_S:
                other.unlink()
        except OSError:  # gone meanwhile, or not ours to remove
            continue


def _stdlib_array(values: np.ndarray[Any, Any]) -> array[int]:
    """A NumPy array of unsigned integers as the stdlib array py3langid's tokenizer walks."""
    out = array({2: "H", 4: "I", 8: "L"}[values.dtype.itemsize])
    out.frombytes(np.ascontiguousarray(values).data.cast("B"))
    return out
