"""Text lines for synthetic data: the mix of kinds, the generator that indexes a dictionary, draws a kind per
sample and calls its maker, and the functional API.

A recognizer trained on dictionary headwords alone (``가다``, ``먹다``) reads isolated words but fails on
conjugated forms (``했다``, ``먹었다``: korean_g2 lacks 했/었/겠/됐 ...), on lines with spaces and on lines mixing
digits or Latin letters.  This module draws short, varied, realistic lines of six kinds (:data:`KIND_NAMES`):

* ``word``      -- an entry of the given dictionary, as before;
* ``name``      -- a Korean personal name (surname + 1-2 syllable given name), often with a title (씨, 대리 ...),
  or a shop-style name (행복 약국) (:mod:`easyocr_ko.text.names`);
* ``sentence``  -- 2-6 eojeol from templates, curated nouns/predicates and the dictionary's nouns and
  ``-하다``/``-되다`` words, with conjugated endings composed from jamo
  (:mod:`easyocr_ko.text.sentences`);
* ``digits``    -- dates, times, phone numbers, prices, addresses, rooms/floors, counts with units, percentages
  (:mod:`easyocr_ko.text.digits`);
* ``latin``     -- Hangul mixed with Latin acronyms/words (KTX 승차권, Wi-Fi 비밀번호), e-mail addresses and
  punctuation (``, . ? ! ( ) - ~ : / ' "``) (:mod:`easyocr_ko.text.latin`);
* ``syllables`` -- 1-5 KS X 1001 syllables drawn uniformly, so that rare syllables are trained too (weight 0 in
  the default mix).

Every line is NFC, has single spaces and no leading/trailing space, no tab/newline/control character, is at
most ``TextMix.max_chars`` characters long, and (by default) uses only KS X 1001 Hangul syllables (the 2,350
that handwriting fonts draw) and printable ASCII from a small symbol set
(:data:`~easyocr_ko.text.lexicon.SYMBOLS`).

Sample ``i`` is drawn from its own RNG seeded by a hash of ``(seed, i)``, so :func:`text_for` gives the same
line whatever the order or the process that asks, and :func:`generate_texts` is ``[text_for(i) ...]``.  The
random draws of every maker happen in a fixed order: changing that order, or the order of a lexicon table,
changes every generated data set.

The word tables and the shipped name/place lists are in :mod:`easyocr_ko.text.lexicon`; particles and
conjugation in :mod:`easyocr_ko.text.grammar`.

>>> gen = TextGenerator(["사과", "학교"], TextMix.parse("sentence=1"), seed=0)
>>> text, kind = gen(0)
>>> kind
'sentence'
"""
from __future__ import annotations

import hashlib
import itertools
import math
import random
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from easyocr_ko.errors import EasyOcrKoError
from easyocr_ko.hangul import is_hangul_syllable
from easyocr_ko.text.dictionary import label_problem, normalize_text
from easyocr_ko.text.digits import digits_line
from easyocr_ko.text.latin import latin_line
from easyocr_ko.text.lexicon import NOUNS, WordPools, name_lists, pick, place_lists
from easyocr_ko.text.names import name_line
from easyocr_ko.text.sentences import sentence_line

__all__ = ["KIND_NAMES", "MIN_MAX_CHARS", "MAX_ATTEMPTS", "TextMix", "TextGenerator", "text_for",
           "generate_texts", "mix_summary"]

KIND_NAMES = ("word", "name", "sentence", "digits", "latin", "syllables")
"""The kinds of line, in the order of :class:`TextMix`'s weights and of :func:`mix_summary`'s counts."""
MIN_MAX_CHARS = 8
"""Smallest allowed :attr:`TextMix.max_chars` (every kind has forms this short)."""
MAX_ATTEMPTS = 200
"""Candidates tried per sample before giving up (each kind has short forms; see the tests)."""

_NOT_NOUN_ENDINGS = ("다", "히", "게", "로", "록", "고", "면", "서", "지만", "적", "나", "요", "까")


# --------------------------------------------------------------------------------------------------------
# The mix of kinds
# --------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class TextMix:
    """Proportions of the kinds of lines and their length limit.

    Attributes:
        word / name / sentence / digits / latin / syllables: relative weights (floats >= 0, not all zero);
            normalised by :attr:`weights`, so ``word=2, sentence=2`` is a 50/50 mix.  ``syllables`` (default 0)
            draws 1-5 KS X 1001 syllables uniformly, so that every syllable of a KS X 1001 charset is trained,
            however rare it is in words.
        max_chars: longest line in characters, spaces included (an int >= :data:`MIN_MAX_CHARS`).
        ks_x_1001_only: drop dictionary entries with a Hangul syllable outside KS X 1001 or a character other
            than Hangul and printable ASCII (generated parts always obey this).

    Raises:
        EasyOcrKoError: a negative or non-finite weight, all weights zero, or ``max_chars`` too small.
    """

    word: float = 0.4
    name: float = 0.1
    sentence: float = 0.2
    digits: float = 0.15
    latin: float = 0.15
    syllables: float = 0.0
    max_chars: int = 25
    ks_x_1001_only: bool = True

    def __post_init__(self) -> None:
        for kind in KIND_NAMES:
            value = getattr(self, kind)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
                raise EasyOcrKoError(f"text mix weight {kind}={value!r} must be a finite number >= 0")
        if sum(getattr(self, kind) for kind in KIND_NAMES) <= 0:
            raise EasyOcrKoError("text mix weights are all zero: give at least one kind a weight > 0")
        if isinstance(self.max_chars, bool) or not isinstance(self.max_chars, int) or self.max_chars < MIN_MAX_CHARS:
            raise EasyOcrKoError(f"text mix max_chars={self.max_chars!r} must be an integer >= {MIN_MAX_CHARS}")

    @property
    def weights(self) -> dict[str, float]:
        """Normalised proportions per kind (each in [0, 1]), in :data:`KIND_NAMES` order, summing to 1."""
        total = sum(getattr(self, kind) for kind in KIND_NAMES)
        return {kind: getattr(self, kind) / total for kind in KIND_NAMES}

    @classmethod
    def parse(cls, spec: str) -> TextMix:
        """Read a CLI option such as ``"word=0.4,sentence=0.2,digits=0.15,latin=0.15,name=0.1,max_chars=30"``.

        Kinds not named get weight 0 (``"sentence=1"`` means sentences only); ``max_chars`` defaults to 25.
        Spaces around items are ignored.

        Raises:
            EasyOcrKoError: empty spec, an item without ``=``, an unknown or repeated key, a value that is not a
                number, or a value :class:`TextMix` rejects.
        """
        items = [item.strip() for item in spec.split(",") if item.strip()]
        if not items:
            raise EasyOcrKoError(f"empty text mix {spec!r}: write e.g. 'word=0.4,sentence=0.3,digits=0.3'")
        values: dict = {kind: 0.0 for kind in KIND_NAMES}
        seen: set[str] = set()
        for item in items:
            key, sep, raw = (part.strip() for part in item.partition("="))
            if not sep or not key or not raw:
                raise EasyOcrKoError(f"text mix item {item!r} is not key=value (e.g. 'word=0.4')")
            if key not in KIND_NAMES and key != "max_chars":
                raise EasyOcrKoError(f"unknown text mix key {key!r}: use {', '.join(KIND_NAMES)} or max_chars")
            if key in seen:
                raise EasyOcrKoError(f"text mix key {key!r} is given twice")
            seen.add(key)
            try:
                values[key] = int(raw) if key == "max_chars" else float(raw)
            except ValueError:
                kind = "an integer" if key == "max_chars" else "a number"
                raise EasyOcrKoError(f"text mix value {key}={raw!r} is not {kind}") from None
        return cls(**values)

    def spec(self) -> str:
        """The inverse of :meth:`parse` (weights as given, not normalised): ``'word=0.4,name=0.1,...'``."""
        return ",".join([f"{kind}={getattr(self, kind):g}" for kind in KIND_NAMES] + [f"max_chars={self.max_chars}"])


# --------------------------------------------------------------------------------------------------------
# Word filters
# --------------------------------------------------------------------------------------------------------
def _word_ok(text: str, ks: frozenset[str], strict: bool) -> bool:
    """Whether ``text`` can be a label: no DTRB problem (:func:`label_problem`), no control or separator
    character but the space, and with ``strict`` only KS X 1001 syllables (``ks``) and printable ASCII."""
    if label_problem(text):
        return False
    for char in text:
        if is_hangul_syllable(char):
            if strict and char not in ks:
                return False
        elif strict and not (" " <= char <= "~"):
            return False
        elif unicodedata.category(char).startswith(("C", "Z")) and char != " ":
            return False
    return True


def _looks_like_noun(word: str) -> bool:
    """A rough test for a noun among Hangul dictionary entries that carry no part of speech: 2-4 syllables,
    not ending like a predicate (…다), an adverb (…히, …게, …로) or a determiner (…적), not reduplicated
    (따로따로).  Some adverbs still pass; sentences stay grammatical in form, if not always in sense."""
    half = len(word) // 2
    return (2 <= len(word) <= 4 and not word.endswith(_NOT_NOUN_ENDINGS)
            and not (len(word) % 2 == 0 and word[:half] == word[half:]))


# --------------------------------------------------------------------------------------------------------
# The generator
# --------------------------------------------------------------------------------------------------------
class TextGenerator:
    """Draws the line for sample ``i`` from ``words`` and the shipped lexicons, reproducibly.

    Build it once (it indexes the word list) and call it per sample; it holds no mutable state, so a worker
    process can own a copy and draw any indices in any order.

    Each kind has a maker method ``_<kind>(rng) -> str`` (``_word``, ``_name``, ``_sentence``, ``_digits``,
    ``_latin``, ``_syllables``); :meth:`__call__` draws the kind, then calls its maker until a line passes
    :meth:`valid`.  The makers of names, sentences, digits and Latin lines are the functions of
    :mod:`~easyocr_ko.text.names`, :mod:`~easyocr_ko.text.sentences`, :mod:`~easyocr_ko.text.digits` and
    :mod:`~easyocr_ko.text.latin`, given the pools this class indexes from ``words``
    (:class:`~easyocr_ko.text.lexicon.WordPools`).

    Args:
        words: the dictionary (e.g. :func:`easyocr_ko.text.dictionary.load_dictionary` ``.words``); entries are
            normalised with :func:`easyocr_ko.text.dictionary.normalize_text`.  Hangul-only entries that look like
            nouns (2-4 syllables, see ``_looks_like_noun``) also serve as nouns in sentences, and entries ending
            in 하다/되다 as predicates (conjugated with endings valid for verbs and adjectives alike).
        mix: proportions and limits (default :class:`TextMix`).
        seed: the dataset seed (any int).

    Attributes:
        mix: the :class:`TextMix`.
        seed: the seed, as an int.
        words: the usable dictionary entries (unique, NFC, within ``max_chars`` and the character rules).
        dropped_words: number of entries of ``words`` left out because they break those rules.

    Raises:
        EasyOcrKoError: ``mix.word > 0`` but no dictionary entry is usable.
        FileNotFoundError: a shipped ``dicts/names_*.txt`` or ``dicts/places_*.txt`` list is missing.
    """

    def __init__(self, words: Sequence[str], mix: TextMix | None = None, seed: int = 0):
        from easyocr_ko.charset import ks_x_1001_hangul  # lazily: charset imports torch

        self.mix = mix or TextMix()
        self.seed = int(seed)
        self._ks_list = ks_x_1001_hangul()
        self._ks = frozenset(self._ks_list)
        unique = list(dict.fromkeys(normalize_text(w) for w in words if normalize_text(w)))
        strict = self.mix.ks_x_1001_only
        self.words = [w for w in unique if len(w) <= self.mix.max_chars and _word_ok(w, self._ks, strict)]
        self.dropped_words = len(unique) - len(self.words)
        if self.mix.word > 0 and not self.words:
            raise EasyOcrKoError("no dictionary entry is usable for 'word' lines: give a dictionary or set word=0")
        hangul = [w for w in self.words if all(c in self._ks for c in w)]
        self._pools = WordPools(
            words=self.words,
            nouns=[w for w in hangul if _looks_like_noun(w)] or list(NOUNS["thing"]),
            ha_words=[w for w in hangul if w.endswith("하다") and 3 <= len(w) <= 6],
            doe_words=[w for w in hangul if w.endswith("되다") and 3 <= len(w) <= 6],
            latin_words=[w for w in self.words if len(w) >= 2 and w.isascii() and w.isalpha()],
            names=name_lists(),
            places=place_lists(),
        )
        weights = self.mix.weights
        self._kinds = [k for k in KIND_NAMES if weights[k] > 0]
        self._cum = list(itertools.accumulate(weights[k] for k in self._kinds))  # cumulative, last ~1.0

    # ---- public -------------------------------------------------------------------------------------
    def rng_for(self, index: int) -> random.Random:
        """The RNG of sample ``index``: seeded by BLAKE2b of ``(seed, index)``, independent of other samples."""
        digest = hashlib.blake2b(f"easyocr-ko/textgen/{self.seed}/{index}".encode(), digest_size=8).digest()
        return random.Random(int.from_bytes(digest, "little"))

    def __call__(self, index: int) -> tuple[str, str]:
        """``(text, kind)`` of sample ``index`` (any int >= 0), the same whenever and wherever it is asked.

        Raises:
            EasyOcrKoError: no line of the drawn kind fits ``max_chars`` after :data:`MAX_ATTEMPTS` tries.
        """
        rng = self.rng_for(index)
        u = rng.random()
        kind = next((k for k, c in zip(self._kinds, self._cum) if u < c), self._kinds[-1])
        make = getattr(self, f"_{kind}")
        for _ in range(MAX_ATTEMPTS):
            text = normalize_text(make(rng))
            if self.valid(text):
                return text, kind
        raise EasyOcrKoError(f"could not make a {kind!r} line of at most {self.mix.max_chars} characters: "
                             f"raise max_chars or set {kind}=0")

    def generate(self, n: int, start: int = 0) -> list[tuple[str, str]]:
        """``[self(i) for i in range(start, start + n)]``.

        Raises:
            ValueError: ``n < 0``.
            EasyOcrKoError: see :meth:`__call__`.
        """
        if n < 0:
            raise ValueError("n must be >= 0")
        return [self(i) for i in range(start, start + n)]

    def valid(self, text: str) -> bool:
        """Whether ``text`` obeys the output rules: NFC, single inner spaces, no edge space, no control
        character, 1..max_chars characters, KS X 1001 syllables and printable ASCII only (the last two with
        ``ks_x_1001_only``)."""
        if not text or len(text) > self.mix.max_chars or text != normalize_text(text):
            return False
        return _word_ok(text, self._ks, self.mix.ks_x_1001_only)

    # ---- makers: one per kind, ``(rng) -> str`` --------------------------------------------------------
    def _word(self, rng: random.Random) -> str:
        """A usable dictionary entry, uniformly."""
        return pick(rng, self.words)

    def _name(self, rng: random.Random) -> str:
        """See :func:`easyocr_ko.text.names.name_line`."""
        return name_line(rng, self._pools.names, self._pools.places)

    def _sentence(self, rng: random.Random) -> str:
        """See :func:`easyocr_ko.text.sentences.sentence_line`."""
        return sentence_line(rng, self._pools)

    def _digits(self, rng: random.Random) -> str:
        """See :func:`easyocr_ko.text.digits.digits_line`."""
        return digits_line(rng, self._pools.places)

    def _latin(self, rng: random.Random) -> str:
        """See :func:`easyocr_ko.text.latin.latin_line`."""
        return latin_line(rng, self._pools)

    def _syllables(self, rng: random.Random) -> str:
        """1-5 KS X 1001 syllables (3 most often), each uniform."""
        n = rng.choice((1, 2, 2, 3, 3, 3, 4, 4, 5))
        return "".join(rng.choice(self._ks_list) for _ in range(n))


# --------------------------------------------------------------------------------------------------------
# Functional API
# --------------------------------------------------------------------------------------------------------
def text_for(index: int, words: Sequence[str], seed: int, mix: TextMix | None = None) -> tuple[str, str]:
    """``(text, kind)`` of sample ``index``, independent of every other index (build a :class:`TextGenerator`
    once instead when drawing many: this indexes ``words`` on each call).

    Raises:
        EasyOcrKoError: see :class:`TextGenerator`.
    """
    return TextGenerator(words, mix, seed)(index)


def generate_texts(n: int, words: Sequence[str], seed: int, mix: TextMix | None = None) -> list[tuple[str, str]]:
    """``n`` lines ``(text, kind)`` for samples ``0 .. n-1``; same seed -> same list.

    Args:
        n: number of lines (>= 0).
        words: the dictionary.
        seed: the dataset seed.
        mix: proportions and limits (default :class:`TextMix`).

    Returns:
        ``[(text, kind), ...]``, ``kind`` one of :data:`KIND_NAMES`.

    Raises:
        ValueError: ``n < 0``.
        EasyOcrKoError: see :class:`TextGenerator`.
    """
    return TextGenerator(words, mix, seed).generate(n)


def mix_summary(samples: Sequence[tuple[str, str]], character: str | None = None) -> dict:
    """Counts for a summary file: lines per kind, mean length, and the share of lines holding a character
    outside ``character``, overall and per kind.

    Args:
        samples: ``(text, kind)`` pairs as :func:`generate_texts` returns them.
        character: the charset (default korean_g2's 1,008 characters).

    Returns:
        ``{"lines": int, "per_kind": {kind: int} (every kind of KIND_NAMES), "mean_chars": float,
        "share_outside_charset": float in [0, 1], "share_outside_charset_per_kind": {kind: float in [0, 1]}
        (kinds with at least one line)}``; means and shares are 0.0 for no samples.
    """
    from easyocr_ko.charset import korean_g2_characters  # lazily: charset imports torch

    allowed = set(character if character is not None else korean_g2_characters())
    per_kind = Counter(kind for _, kind in samples)
    outside = Counter(kind for text, kind in samples if any(c not in allowed for c in text))
    n = len(samples)
    return {
        "lines": n,
        "per_kind": {kind: per_kind[kind] for kind in KIND_NAMES},
        "mean_chars": (sum(len(t) for t, _ in samples) / n) if n else 0.0,
        "share_outside_charset": (sum(outside.values()) / n) if n else 0.0,
        "share_outside_charset_per_kind": {k: outside[k] / per_kind[k] for k in KIND_NAMES if per_kind[k]},
    }
