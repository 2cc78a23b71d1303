"""Text lines for synthetic data: dictionary words, names, short sentences, digits, Latin mixes and random syllables.

A recognizer trained on dictionary headwords alone (``가다``, ``먹다``) reads isolated words but fails on
conjugated forms (``했다``, ``먹었다``: korean_g2 lacks 했/었/겠/됐 ...), on lines with spaces and on lines mixing
digits or Latin letters.  This module draws short, varied, realistic lines of six kinds (:data:`KIND_NAMES`):

* ``word``      -- an entry of the given dictionary, as before;
* ``name``      -- a Korean personal name (surname + 1-2 syllable given name), often with a title (씨, 대리 ...),
  or a shop-style name (행복 약국);
* ``sentence``  -- 2-6 eojeol from templates, curated nouns/predicates and the dictionary's nouns and
  ``-하다``/``-되다`` words, with conjugated endings composed from jamo
  (:func:`easyocr_ko.text.grammar.conjugate`);
* ``digits``    -- dates, times, phone numbers, prices, addresses, rooms/floors, counts with units, percentages
  (:mod:`easyocr_ko.text.digits`);
* ``latin``     -- Hangul mixed with Latin acronyms/words (KTX 승차권, Wi-Fi 비밀번호), e-mail addresses and
  punctuation (``, . ? ! ( ) - ~ : / ' "``);
* ``syllables`` -- 1-5 KS X 1001 syllables drawn uniformly, so that rare syllables are trained too (weight 0 in
  the default mix).

Every line is NFC, has single spaces and no leading/trailing space, no tab/newline/control character, is at
most ``TextMix.max_chars`` characters long, and (by default) uses only KS X 1001 Hangul syllables (the 2,350
that handwriting fonts draw) and printable ASCII from a small symbol set (:data:`SYMBOLS`).

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
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from easyocr_ko.errors import EasyOcrKoError
from easyocr_ko.hangul import is_hangul_syllable
from easyocr_ko.text.dictionary import label_problem, normalize_text
from easyocr_ko.text.digits import digits_line
from easyocr_ko.text.grammar import attach_particle, conjugate, copula
from easyocr_ko.text.lexicon import (
    ACRONYM_NOUNS,
    ACRONYMS,
    ADJ_SUBJECTS,
    ADJECTIVES,
    ADVERBS_ADJ,
    ADVERBS_VERB,
    AT_PLACE,
    BROKEN,
    DEVICES,
    EMAIL_DOMAINS,
    EXPRESSIONS,
    FUTURE_FORMS,
    GENERIC_OBJ,
    GENERIC_SUBJ,
    ID_PARTS,
    INTERJECTIONS,
    LABELS,
    LATIN_GENERIC,
    LATIN_PHRASES,
    LATIN_SHOP,
    MOTION,
    NEUTRAL_FORMS,
    NOUNS,
    PAST_FORMS,
    PRESENT_FORMS,
    SUBJECT_VERBS,
    SUBJECTS_1P,
    TALK,
    TIMES,
    TRANSITIVE,
    WEEKDAYS,
    Transitive,
    Verb,
    name_lists,
    pick,
    place_lists,
)

__all__ = ["KIND_NAMES", "SYMBOLS", "MIN_MAX_CHARS", "MAX_ATTEMPTS", "TextMix", "TextGenerator", "text_for",
           "generate_texts", "mix_summary"]

KIND_NAMES = ("word", "name", "sentence", "digits", "latin", "syllables")
"""The kinds of line, in the order of :class:`TextMix`'s weights and of :func:`mix_summary`'s counts."""
SYMBOLS = ",.?!()-~:/'\"%&@#+"
"""The only ASCII punctuation generated lines use (besides digits, Latin letters and the space)."""
MIN_MAX_CHARS = 8
"""Smallest allowed :attr:`TextMix.max_chars` (every kind has forms this short)."""
MAX_ATTEMPTS = 200
"""Candidates tried per sample before giving up (each kind has short forms; see the tests)."""

_ON_DEVICE_VERBS = (Verb("확인하다", ""), Verb("찾다", ""), Verb("보내다", ""), Verb("받다", ""))
"""Verbs for what is found on a device (SNS에서 사진을 확인하다)."""
_NOT_NOUN_ENDINGS = ("다", "히", "게", "로", "록", "고", "면", "서", "지만", "적", "나", "요", "까")

_Template = Callable[[random.Random, list[str], str], tuple[list[str], str]]
"""A sentence template, ``(rng, parts, tense) -> (eojeol, final form)``: ``parts`` holds the optional time word; the
template appends to it (or starts a new list) and returns it."""


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
    :meth:`valid`.

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
        self._nouns = [w for w in hangul if _looks_like_noun(w)] or list(NOUNS["thing"])
        self._ha_words = [w for w in hangul if w.endswith("하다") and 3 <= len(w) <= 6]
        self._doe_words = [w for w in hangul if w.endswith("되다") and 3 <= len(w) <= 6]
        self._latin_words = [w for w in self.words if len(w) >= 2 and w.isascii() and w.isalpha()]
        self._names = name_lists()
        self._places = place_lists()
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
        character, 1..max_chars characters, KS X 1001 syllables and ASCII letters/digits/:data:`SYMBOLS` only
        (the last two with ``ks_x_1001_only``)."""
        if not text or len(text) > self.mix.max_chars or text != normalize_text(text):
            return False
        return _word_ok(text, self._ks, self.mix.ks_x_1001_only)

    # ---- helpers -------------------------------------------------------------------------------------
    def _surname(self, rng: random.Random) -> str:
        """A surname, rank r drawn with weight 1/r."""
        return rng.choices(self._names.surnames, self._names.surname_weights)[0]

    def _given_name(self, rng: random.Random) -> str:
        """A given name: 50 % a whole shipped name, 45 % two shipped syllables, 5 % one syllable."""
        r = rng.random()
        if r < 0.5:
            return pick(rng, self._names.given_full)
        if r < 0.95:
            return pick(rng, self._names.given_first) + pick(rng, self._names.given_second)
        return pick(rng, self._names.given_single)

    def _full_name(self, rng: random.Random) -> str:
        """Surname + given name, no space (김민준)."""
        return self._surname(rng) + self._given_name(rng)

    def _noun(self, rng: random.Random, category: str) -> str:
        """A noun of a :data:`~easyocr_ko.text.lexicon.NOUNS` category or an
        :data:`~easyocr_ko.text.lexicon.ADJ_SUBJECTS` key.

        Raises:
            KeyError: an unknown category.
        """
        if category in ADJ_SUBJECTS:
            return pick(rng, ADJ_SUBJECTS[category])
        return pick(rng, NOUNS[category])

    def _time(self, rng: random.Random, tense: str | None = None) -> tuple[str, str]:
        """``(time word, tense)``; the tense (``past``/``future``/``present``/``any``) is drawn when not given."""
        tense = tense or pick(rng, ("past", "future", "present", "any", "any"))
        return pick(rng, TIMES[tense]), tense

    @staticmethod
    def _forms_for(tense: str, pos: str) -> tuple[str, ...]:
        """The sentence-final forms that agree with ``tense`` (``request`` only for verbs, never in the past)."""
        forms = {"past": PAST_FORMS, "future": FUTURE_FORMS + PRESENT_FORMS, "present": PRESENT_FORMS,
                 "any": PAST_FORMS + PRESENT_FORMS + FUTURE_FORMS}[tense]
        if pos == "verb" and tense in ("future", "any"):
            forms += ("request", "request")
        return forms

    def _final(self, rng: random.Random, lemma: str, form: str, pos: str = "verb", irregular: str = "") -> str:
        """A sentence-final predicate: a grammar form, ``will`` (-ㄹ 거예요) or ``request`` (half of them
        -아/어 주세요, which draws one number)."""
        if form == "will":
            return conjugate(lemma, "adnominal_future", pos, irregular) + " 거예요"
        if form == "request" and rng.random() < 0.5:
            return conjugate(lemma, "infinitive", pos, irregular) + " 주세요"
        return conjugate(lemma, form, pos, irregular)

    def _punctuate(self, rng: random.Random, text: str, form: str) -> str:
        """``text`` with a final ``.`` (10 %) or ``?``/``!`` (6 %, ``?`` after question-like forms)."""
        r = rng.random()
        if text[-1] in SYMBOLS:
            return text
        if r < 0.10:
            return text + "."
        if r < 0.16:
            return text + ("?" if form in ("polite", "past_polite", "will", "future_polite") else "!")
        return text

    # ---- kinds: word, syllables, name, digits ----------------------------------------------------------
    def _word(self, rng: random.Random) -> str:
        """A usable dictionary entry, uniformly."""
        return pick(rng, self.words)

    def _syllables(self, rng: random.Random) -> str:
        """1-5 KS X 1001 syllables (3 most often), each uniform."""
        n = rng.choice((1, 2, 2, 3, 3, 3, 4, 4, 5))
        return "".join(rng.choice(self._ks_list) for _ in range(n))

    def _name(self, rng: random.Random) -> str:
        """A full name, with a title (김민준 대리), a surname with a title (박 과장), a given name with 씨/님, a
        labelled name (담당자 김민준), two names, or a shop name (12 %)."""
        r = rng.random()
        if r < 0.33:
            return self._full_name(rng)
        if r < 0.66:
            return f"{self._full_name(rng)} {pick(rng, self._names.titles)}"
        if r < 0.74:
            title = pick(rng, self._names.surname_titles)
            return f"{self._surname(rng)} {title}"
        if r < 0.78:
            return f"{self._given_name(rng)} {pick(rng, ('씨', '님'))}"
        if r < 0.85:
            label = pick(rng, ("담당자", "성명:", "이름:", "받는 분", "보내는 분", "작성자:", "보호자", "대표"))
            return f"{label} {self._full_name(rng)}"
        if r < 0.88:
            return f"{self._full_name(rng)}, {self._full_name(rng)}"
        return self._shop_name(rng)

    def _shop_name(self, rng: random.Random) -> str:
        """A prefix (shipped word, district without its suffix, or someone's given name + 네) + a shop type."""
        prefix_kind = rng.random()
        if prefix_kind < 0.6:
            prefix = pick(rng, self._places.shop_prefixes)
        elif prefix_kind < 0.8:
            prefix = pick(rng, self._places.regions).district.split(" ")[-1][:-1]  # 강남구 -> 강남
        else:
            prefix = self._given_name(rng) + "네"
        return prefix + pick(rng, ("", " ")) + pick(rng, self._places.shop_types)

    def _digits(self, rng: random.Random) -> str:
        """See :func:`easyocr_ko.text.digits.digits_line`."""
        return digits_line(rng, self._places)

    # ---- kind: sentence --------------------------------------------------------------------------------
    def _sentence(self, rng: random.Random) -> str:
        """A fixed expression (6 %), a sentence around a dictionary word (28 % when there are words) or a
        template sentence; ``""`` (never valid) unless it has 2-6 eojeol."""
        r = rng.random()
        if r < 0.06:
            text, form = self._expression(rng), "polite"
        elif r < 0.34 and self.words:
            text, form = self._dict_sentence(rng)
        else:
            text, form = self._template_sentence(rng)
        if not 2 <= len(text.split(" ")) <= 6:
            return ""  # an empty line is never valid: the caller draws again
        return self._punctuate(rng, text, form)

    def _expression(self, rng: random.Random) -> str:
        """A fixed expression; a one-eojeol one gets a vocative so that every sentence has 2-6 eojeol."""
        text = pick(rng, EXPRESSIONS)
        if " " not in text:
            vocative = pick(rng, ("여러분", "선생님", "어머니", "사장님", "고객님", f"{self._given_name(rng)} 씨"))
            text = f"{vocative}, {text}"
        return text

    def _template_sentence(self, rng: random.Random) -> tuple[str, str]:
        """``(sentence, final form)`` from one of 11 equally likely template slots, after an optional time word
        (45 %; without it the tense is ``any``).  Some templates drop the time word."""
        templates: tuple[_Template, ...] = (
            self._transitive_sentence, self._transitive_sentence, self._transitive_sentence,
            self._motion_sentence, self._at_place_sentence, self._subject_sentence,
            self._adjective_sentence, self._adjective_sentence,
            self._two_clause_sentence, self._auxiliary_sentence, self._copula_sentence,
        )
        template = pick(rng, templates)
        time, tense = self._time(rng)
        lead: list[str] = []
        if rng.random() < 0.45:
            lead.append(time)
        else:
            tense = "any"
        parts, form = template(rng, lead, tense)
        return " ".join(parts), form

    def _transitive_sentence(self, rng: random.Random, parts: list[str], tense: str) -> tuple[list[str], str]:
        """[I] [time] [place에서] object을/를 [adverb] verb: 저는 어제 시장에서 사과를 샀다."""
        verb = pick(rng, TRANSITIVE)
        form = pick(rng, self._forms_for(tense, "verb"))
        if form != "request" and rng.random() < 0.25:
            parts.insert(0, pick(rng, SUBJECTS_1P))
        if rng.random() < 0.3:
            parts.append(attach_particle(self._noun(rng, "place"), "에서"))
        parts.append(attach_particle(self._noun(rng, pick(rng, verb.objects)), "을/를"))
        if rng.random() < 0.25:
            parts.append(pick(rng, ADVERBS_VERB))
        parts.append(self._final(rng, verb.lemma, form, "verb", verb.irregular))
        return parts, form

    def _motion_sentence(self, rng: random.Random, parts: list[str], tense: str) -> tuple[list[str], str]:
        """[time] [person과 같이] place에/으로 verb of motion: 친구와 같이 학교에 가요."""
        lemma = pick(rng, MOTION)
        form = pick(rng, self._forms_for(tense, "verb"))
        if rng.random() < 0.3:
            parts += [attach_particle(self._noun(rng, "person"), "과/와"), "같이"]
        parts.append(attach_particle(self._noun(rng, "place"), pick(rng, ("에", "에", "으로/로"))))
        parts.append(self._final(rng, lemma, form))
        return parts, form

    def _at_place_sentence(self, rng: random.Random, parts: list[str], tense: str) -> tuple[list[str], str]:
        """[time] place에서 [adverb] verb: 도서관에서 열심히 공부했어요."""
        verb = pick(rng, AT_PLACE)
        form = pick(rng, self._forms_for(tense, "verb"))
        parts.append(attach_particle(self._noun(rng, "place"), "에서"))
        if rng.random() < 0.3:
            parts.append(pick(rng, ADVERBS_VERB))
        parts.append(self._final(rng, verb.lemma, form, "verb", verb.irregular))
        return parts, form

    def _subject_sentence(self, rng: random.Random, parts: list[str], tense: str) -> tuple[list[str], str]:
        """[time] subject이/가 intransitive verb: 비가 왔다; 15 % a breakdown: 컴퓨터가 고장 났어요."""
        row = pick(rng, SUBJECT_VERBS)
        form = pick(rng, [f for f in self._forms_for(tense, "verb") if f != "request"])
        lemma, irregular = row.lemma, row.irregular
        if rng.random() < 0.15:
            parts += [attach_particle(pick(rng, BROKEN), "이/가"), "고장"]
            lemma, irregular = "나다", ""
        else:
            parts.append(attach_particle(pick(rng, row.subjects), "이/가"))
        parts.append(self._final(rng, lemma, form, "verb", irregular))
        return parts, form

    def _adjective_sentence(self, rng: random.Random, parts: list[str], tense: str) -> tuple[list[str], str]:
        """[time] subject이/가 [degree] adjective, sometimes two joined by -지만: 날씨가 정말 좋아요."""
        adjective = pick(rng, ADJECTIVES)
        form = pick(rng, [f for f in self._forms_for(tense, "adj") if f != "request"])
        category = pick(rng, adjective.subjects)
        subject = self._noun(rng, category)
        if category == "person" and rng.random() < 0.4:
            parts.append(pick(rng, ("저는", "나는", "오늘은", "요즘")))
        else:
            parts.append(attach_particle(subject, pick(rng, ("이/가", "이/가", "은/는", "도"))))
        if rng.random() < 0.4:
            parts.append(pick(rng, ADVERBS_ADJ))
        if rng.random() < 0.15:
            parts.append(conjugate(adjective.lemma, "but", "adj", adjective.irregular))
            adjective = pick(rng, [a for a in ADJECTIVES if category in a.subjects])
        parts.append(self._final(rng, adjective.lemma, form, "adj", adjective.irregular))
        return parts, form

    def _two_clause_sentence(self, rng: random.Random, _lead: list[str], _tense: str) -> tuple[list[str], str]:
        """Two clauses joined by -고 or -아/어서 (no time word): 밥을 먹고 학교에 갔다."""
        form = pick(rng, PAST_FORMS + PRESENT_FORMS)
        choice = rng.randrange(3)
        verb = pick(rng, TRANSITIVE)
        clauses = (self._and_then_clauses, self._go_and_clauses, self._because_clauses)
        return clauses[choice](rng, verb, form), form

    def _and_then_clauses(self, rng: random.Random, verb: Transitive, form: str) -> list[str]:
        """밥을 먹고 학교에 갔다."""
        return [attach_particle(self._noun(rng, pick(rng, verb.objects)), "을/를"),
                conjugate(verb.lemma, "and", "verb", verb.irregular),
                attach_particle(self._noun(rng, "place"), "에"), conjugate(pick(rng, MOTION), form)]

    def _go_and_clauses(self, rng: random.Random, verb: Transitive, form: str) -> list[str]:
        """시장에 가서 사과를 샀다."""
        return [attach_particle(self._noun(rng, "place"), "에"),
                conjugate(pick(rng, ("가다", "들어가다", "오다", "나가다")), "so"),
                attach_particle(self._noun(rng, pick(rng, verb.objects)), "을/를"),
                conjugate(verb.lemma, form, "verb", verb.irregular)]

    def _because_clauses(self, rng: random.Random, verb: Transitive, form: str) -> list[str]:
        """날씨가 더워서 물을 마셨다."""
        adjective = pick(rng, [a for a in ADJECTIVES if "weather" in a.subjects or "person" in a.subjects])
        subject = "날씨" if "weather" in adjective.subjects else pick(rng, ("저는", "너무", "오늘은"))
        return [attach_particle(subject, "이/가") if subject == "날씨" else subject,
                conjugate(adjective.lemma, "so", "adj", adjective.irregular),
                attach_particle(self._noun(rng, pick(rng, verb.objects)), "을/를"),
                conjugate(verb.lemma, form, "verb", verb.irregular)]

    def _auxiliary_sentence(self, rng: random.Random, _lead: list[str], _tense: str) -> tuple[list[str], str]:
        """object을/를 verb-고 싶다 / verb-고 있다 / a negation (공부하지 않다, 안 먹다), or a noun phrase
        (:meth:`_noun_phrase`); no time word."""
        verb = pick(rng, TRANSITIVE)
        obj = attach_particle(self._noun(rng, pick(rng, verb.objects)), "을/를")
        aux = rng.randrange(4)
        form = pick(rng, ("polite", "past", "past_polite", "formal", "plain", "past_formal"))
        if aux == 0:
            return [obj, conjugate(verb.lemma, "and", "verb", verb.irregular), conjugate("싶다", form, "adj")], form
        if aux == 1:
            return [obj, conjugate(verb.lemma, "and", "verb", verb.irregular), conjugate("있다", form, "adj")], form
        if aux == 3:
            return self._noun_phrase(rng, verb), form
        if verb.lemma.endswith("하다") and len(verb.lemma) > 2:
            return [obj, verb.lemma[:-2] + "하지", conjugate("않다", form, "verb")], form
        return [obj, pick(rng, ("안", "못")), conjugate(verb.lemma, form, "verb", verb.irregular)], form

    def _noun_phrase(self, rng: random.Random, verb: Transitive) -> list[str]:
        """A past relative clause with the copula (어제 산 가방이에요) or, half of the time when an adjective
        fits, an adjective phrase (정말 맛있는 김치찌개)."""
        category = pick(rng, verb.objects)
        noun = self._noun(rng, category)
        time, _ = self._time(rng, "past")
        ending = pick(rng, ("polite", "formal", "plain"))
        parts = [time, conjugate(verb.lemma, "adnominal_past", "verb", verb.irregular), copula(noun, ending)]
        if rng.random() < 0.5:
            adjectives = [a for a in ADJECTIVES if category in a.subjects]
            if adjectives:
                adjective = pick(rng, adjectives)
                parts = [pick(rng, ADVERBS_ADJ), conjugate(adjective.lemma, "adnominal", "adj", adjective.irregular),
                         noun]
        return parts

    def _copula_sentence(self, rng: random.Random, _lead: list[str], _tense: str) -> tuple[list[str], str]:
        """topic은/는 noun이다 (no time word): 저는 학생입니다 / 여기는 도서관이에요 / 제 이름은 김민준입니다."""
        form = pick(rng, ("polite", "formal", "past", "past_polite"))
        choice = rng.randrange(3)
        if choice == 0:
            return [pick(rng, ("저는", "제 친구는", "우리 형은", "그 사람은")),
                    copula(self._noun(rng, "person"), form)], form
        if choice == 1:
            return [pick(rng, ("여기는", "저기는", "이곳은", "거기는")), copula(self._noun(rng, "place"), form)], form
        return [pick(rng, ("제 이름은", "담당자는", "저는")), copula(self._full_name(rng), form)], form

    def _dict_sentence(self, rng: random.Random) -> tuple[str, str]:
        """Sentences around the dictionary's own nouns and -하다/-되다 words (POS-neutral endings only)."""
        noun = pick(rng, self._nouns)
        form = pick(rng, NEUTRAL_FORMS)
        choice = rng.randrange(6)
        if choice == 0:
            verb = pick(rng, GENERIC_OBJ)
            predicate_text = self._final(rng, verb.lemma, form, "verb", verb.irregular)
            return f"{attach_particle(noun, '을/를')} {predicate_text}", form
        if choice == 1:
            predicate = pick(rng, GENERIC_SUBJ)
            predicate_text = conjugate(predicate.lemma, form, predicate.pos, predicate.irregular)
            return f"{attach_particle(noun, '이/가')} {predicate_text}", form
        if choice == 2 and self._ha_words:
            lemma = pick(rng, self._ha_words)
            head = pick(rng, TIMES["any"] + ADVERBS_ADJ[:5] + ("다시", "같이", "먼저"))
            if rng.random() < 0.3:
                other = pick(rng, self._ha_words)
                return f"{conjugate(other, 'and')} {conjugate(lemma, form)}", form
            return f"{head} {conjugate(lemma, form)}", form
        if choice == 3 and self._doe_words:
            return f"{attach_particle(noun, '이/가')} {conjugate(pick(rng, self._doe_words), form)}", form
        if choice == 4:
            form = pick(rng, ("polite", "formal", "past"))
            other = pick(rng, self._nouns)
            return f"{attach_particle(noun, '은/는')} {copula(other, form)}", form
        return f"{attach_particle(noun, '에')} 대해 {conjugate(pick(rng, TALK), form)}", form

    # ---- kind: latin -----------------------------------------------------------------------------------
    def _latin(self, rng: random.Random) -> str:
        """Acronym phrases (25 %), device sentences (12 %), Latin words and phrases (15 %), e-mail and web
        addresses (7 %), codes (6 %), and Hangul with punctuation but no Latin letter (35 %)."""
        r = rng.random()
        if r < 0.25:
            return self._acronym_phrase(rng)
        if r < 0.37:
            return self._device_sentence(rng)
        if r < 0.52:
            return self._latin_phrase(rng)
        if r < 0.59:
            return self._web_address(rng)
        if r < 0.65:
            return self._code(rng)
        return self._punctuation(rng)

    def _acronym_phrase(self, rng: random.Random) -> str:
        """KTX 승차권, USB 안내, PDF 보고서, sometimes with the copula (CCTV 설치입니다)."""
        u = rng.random()
        if u < 0.5:
            text = pick(rng, ACRONYM_NOUNS)
        elif u < 0.75:
            text = f"{pick(rng, ACRONYMS)} {pick(rng, LATIN_GENERIC)}"
        else:
            text = f"{pick(rng, ACRONYMS)} {pick(rng, self._nouns)}"
        if is_hangul_syllable(text[-1]) and rng.random() < 0.15:
            text = copula(text, pick(rng, ("formal", "polite")))
        return text

    def _device_sentence(self, rng: random.Random) -> str:
        """TV를 켜세요, ATM을 찾았다, SNS에서 사진을 확인했어요."""
        device = pick(rng, DEVICES)
        verb = pick(rng, device.verbs)
        form = pick(rng, PAST_FORMS + PRESENT_FORMS + ("request",))
        head = attach_particle(device.term, "을/를", device.batchim)
        if device.term in ("SNS", "PC", "E-mail", "USB") and rng.random() < 0.4:
            place = attach_particle(device.term, "에서", device.batchim)
            head = f"{place} {attach_particle(self._noun(rng, 'send'), '을/를')}"
            verb = pick(rng, _ON_DEVICE_VERBS)
        return f"{head} {self._final(rng, verb.lemma, form, 'verb', verb.irregular)}"

    def _latin_phrase(self, rng: random.Random) -> str:
        """A Latin dictionary word with a Hangul noun, a Latin shop name (Cafe 한빛) or a sign (OPEN 09:00)."""
        if self._latin_words and rng.random() < 0.3:
            return f"{pick(rng, self._latin_words)} {pick(rng, LATIN_GENERIC)}"
        if rng.random() < 0.3:
            shop, prefix = pick(rng, LATIN_SHOP), pick(rng, self._places.shop_prefixes)
            return pick(rng, (f"{shop} {prefix}", f"{prefix} {shop}", f"{shop.upper()} {prefix}"))
        text = pick(rng, LATIN_PHRASES)
        if text in ("OPEN", "CLOSE"):
            text += f" {rng.randrange(6, 12):02d}:00"
        return text

    def _web_address(self, rng: random.Random) -> str:
        """An e-mail address, or a web address, a user ID or a hashtag."""
        suffix = pick(rng, ("", str(rng.randrange(100)), str(rng.randrange(1970, 2010))))
        user = pick(rng, ID_PARTS) + suffix
        address = f"{user}@{pick(rng, EMAIL_DOMAINS)}"
        if rng.random() < 0.4:
            return pick(rng, (f"www.{pick(rng, ID_PARTS)}.co.kr", f"{pick(rng, ID_PARTS)}.com",
                              f"ID: {user}", f"#{pick(rng, NOUNS['food'] + NOUNS['place'])}"))
        return address

    def _code(self, rng: random.Random) -> str:
        """Short codes: D-day, quarters, seat and grade letters, blood types, sizes, O/X."""
        return pick(rng, (f"D-{rng.randrange(1, 100)}", "D-day", f"Q{rng.randrange(1, 5)}", "Q&A",
                          f"{pick(rng, 'ABC')}-{rng.randrange(1, 30)}",
                          f"{pick(rng, 'ABCDEF')}{rng.randrange(1, 9)}",
                          f"{pick(rng, 'ABO')}형", f"{pick(rng, ('S', 'M', 'L', 'XL'))} 사이즈",
                          f"{pick(rng, 'ABCD')}등급", f"{pick(rng, ('ABCD'))}반", "O/X", "A/B"))

    # ---- punctuation (part of the latin kind) ----------------------------------------------------------
    def _punctuation(self, rng: random.Random) -> str:
        """Hangul with the punctuation of :data:`SYMBOLS` and no Latin letter, from one of 8 equally likely
        makers."""
        makers: tuple[Callable[[random.Random], str], ...] = (
            self._quoted, self._question_or_exclamation, self._parenthesised, self._labelled_value,
            self._range, self._slashed, self._punctuated_sentence, self._interjection,
        )
        return pick(rng, makers)(rng)

    def _quoted(self, rng: random.Random) -> str:
        """'사과' or "감사합니다"."""
        inner = pick(rng, self._nouns) if rng.random() < 0.5 else pick(rng, EXPRESSIONS)
        return pick(rng, (f"'{inner}'", f"\"{inner}\""))

    def _question_or_exclamation(self, rng: random.Random) -> str:
        """사과 샀어요?  /  음, 먹어요?  /  와, 정말 좋다!  /  정말요?"""
        verb = pick(rng, TRANSITIVE)
        obj = self._noun(rng, pick(rng, verb.objects))
        form = pick(rng, ("polite", "past_polite"))
        adjective = pick(rng, ("좋다", "맛있다", "재미있다", "예쁘다", "멋있다"))
        exclaim = conjugate(adjective, pick(rng, ("plain", "polite")), "adj")
        return pick(rng, (f"{obj} {conjugate(verb.lemma, form, 'verb', verb.irregular)}?",
                          f"{pick(rng, INTERJECTIONS)}, {conjugate(verb.lemma, form, 'verb', verb.irregular)}?",
                          f"{pick(rng, ('와', '우와', '아'))}, {pick(rng, ADVERBS_ADJ)} {exclaim}!",
                          f"{pick(rng, ('정말요', '진짜', '왜요', '어디요', '언제요', '뭐라고요', '그래요'))}?"))

    def _parenthesised(self, rng: random.Random) -> str:
        """(주)한빛, 김민준(35세), 학교(월), (단위: 원) ..."""
        prefix, name = pick(rng, self._places.shop_prefixes), self._full_name(rng)
        return pick(rng, (f"(주){prefix}", f"(사){prefix}협회", f"{name}({rng.randrange(1, 90)}세)",
                          f"{pick(rng, self._nouns)}(필수)", "(단위: 원)", f"(예: {name})",
                          f"{pick(rng, NOUNS['place'])}({pick(rng, WEEKDAYS)})"))

    def _labelled_value(self, rng: random.Random) -> str:
        """A form field, label: value (장소: 학교, 준비물: 연필, 공책)."""
        label = pick(rng, tuple(LABELS))
        kind = LABELS[label]
        if kind == "name":
            value = self._full_name(rng)
        elif kind == "things":
            value = ", ".join(pick(rng, NOUNS["thing"]) for _ in range(rng.randrange(1, 4)))
        elif kind in NOUNS:
            value = self._noun(rng, kind)
        else:
            value = pick(rng, self._nouns)
        return f"{label}: {value}"

    def _range(self, rng: random.Random) -> str:
        """월~금, 서울 - 부산, 3~15일."""
        a, b = pick(rng, NOUNS["place"]), pick(rng, NOUNS["place"])
        return pick(rng, (f"{pick(rng, WEEKDAYS)}~{pick(rng, WEEKDAYS)}", f"{a}~{b}",
                          f"{a} - {b}", f"{a} ~ {b}", f"{rng.randrange(1, 10)}~{rng.randrange(10, 30)}일"))

    def _slashed(self, rng: random.Random) -> str:
        """예/아니요, 상/중/하, 커피/녹차."""
        return pick(rng, ("예/아니요", "남/여", "O/X", "유/무", "상/중/하", "찬성/반대",
                          f"{pick(rng, NOUNS['drink'])}/{pick(rng, NOUNS['drink'])}"))

    def _punctuated_sentence(self, rng: random.Random) -> str:
        """A template sentence ending in . ! ? or ..."""
        text, _ = self._template_sentence(rng)
        return text + pick(rng, (".", "!", "?", "..."))

    def _interjection(self, rng: random.Random) -> str:
        """네, 알겠습니다.  /  아, 감사합니다!"""
        expression = pick(rng, [e for e in EXPRESSIONS if "," not in e and "?" not in e])
        return f"{pick(rng, INTERJECTIONS)}, {expression}{pick(rng, ('.', '!', ''))}"


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
