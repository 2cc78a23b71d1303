"""easyocr_ko.text.generator: the text mix and its parser, determinism and order-independence of the generator,
proportions, the output rules, the word and syllables kinds, and mix_summary.  The other kinds' makers are tested
in test_names.py, test_sentences.py, test_digits.py and test_latin.py."""
from __future__ import annotations

import json
import os
import re
import string
import subprocess
import sys
import unicodedata
from collections import Counter

import pytest

from easyocr_ko.charset import ks_x_1001_hangul
from easyocr_ko.errors import EasyOcrKoError
from easyocr_ko.resources import default_dictionary
from easyocr_ko.text.generator import (
    KIND_NAMES,
    TextGenerator,
    TextMix,
    generate_texts,
    mix_summary,
    text_for,
)
from easyocr_ko.text.lexicon import SYMBOLS

KS = set(ks_x_1001_hangul())
ALLOWED_NON_HANGUL = set(string.ascii_letters + string.digits + SYMBOLS + " ")


@pytest.fixture(scope="module")
def words() -> list[str]:
    return default_dictionary().read_text(encoding="utf-8").splitlines()


@pytest.fixture(scope="module")
def default_samples(words: list[str]) -> list[tuple[str, str]]:
    return generate_texts(2000, words, seed=11, mix=TextMix())


def _kind_only(kind: str, max_chars: int = 25) -> TextMix:
    return TextMix(**{k: (1.0 if k == kind else 0.0) for k in KIND_NAMES}, max_chars=max_chars)


def _rule_violation(text: str, max_chars: int) -> str | None:
    if not text or len(text) > max_chars:
        return "length"
    if unicodedata.normalize("NFC", text) != text:
        return "not NFC"
    if text != text.strip() or "  " in text:
        return "spacing"
    for c in text:
        if "\uac00" <= c <= "\ud7a3":
            if c not in KS:
                return f"{c!r} not in KS X 1001"
        elif c not in ALLOWED_NON_HANGUL:
            return f"{c!r} not allowed"
    return None


# ---------------------------------------------------------------- TextMix


def test_textmix_weights_normalised_and_parse_round_trip() -> None:
    mix = TextMix.parse(" word=2, sentence=2 ,max_chars=30")
    assert mix.weights == {"word": 0.5, "name": 0.0, "sentence": 0.5, "digits": 0.0, "latin": 0.0, "syllables": 0.0}
    assert mix.max_chars == 30
    assert TextMix.parse(TextMix().spec()) == TextMix()
    assert abs(sum(TextMix().weights.values()) - 1.0) < 1e-12


@pytest.mark.parametrize(("spec", "message"), [
    ("", "empty text mix"),
    (" , ", "empty text mix"),
    ("word", "not key=value"),
    ("word=", "not key=value"),
    ("words=1", "unknown text mix key 'words'"),
    ("word=1,word=2", "given twice"),
    ("word=abc", "is not a number"),
    ("word=-1", "must be a finite number >= 0"),
    ("word=nan", "must be a finite number >= 0"),
    ("word=0,sentence=0", "all zero"),
    ("word=1,max_chars=3", "max_chars=3 must be an integer >= 8"),
    ("word=1,max_chars=2.5", "is not an integer"),
])
def test_textmix_parse_errors(spec: str, message: str) -> None:
    with pytest.raises(EasyOcrKoError, match=re.escape(message)):
        TextMix.parse(spec)


# ---------------------------------------------------------------- generator


def test_same_seed_same_list_other_seed_other_list(words: list[str]) -> None:
    a = generate_texts(300, words, seed=3)
    assert a == generate_texts(300, words, seed=3)
    b = generate_texts(300, words, seed=4)
    assert sum(x != y for x, y in zip(a, b)) > 250


def test_text_for_is_order_independent(words: list[str]) -> None:
    gen = TextGenerator(words, TextMix(), seed=7)
    forward = gen.generate(200)
    backward = [gen(i) for i in reversed(range(200))][::-1]
    assert forward == backward
    assert gen.generate(50, start=150) == forward[150:]
    assert text_for(123, words, 7) == forward[123]


def test_independent_of_hash_seed_and_process(words: list[str]) -> None:
    code = ("import json, sys; from easyocr_ko.text.generator import generate_texts; from easyocr_ko.resources import "
            "default_dictionary; w = default_dictionary().read_text(encoding='utf-8').splitlines(); "
            "print(json.dumps(generate_texts(100, w, seed=5)))")
    env = dict(os.environ, PYTHONHASHSEED="12345")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    assert [tuple(x) for x in json.loads(out)] == generate_texts(100, words, seed=5)


def test_proportions_within_tolerance(default_samples: list[tuple[str, str]]) -> None:
    counts = Counter(kind for _, kind in default_samples)
    for kind, share in TextMix().weights.items():
        assert abs(counts[kind] / len(default_samples) - share) < 0.03, (kind, counts[kind])
    assert set(counts) == {k for k, share in TextMix().weights.items() if share > 0}  # every kind with a weight

def test_syllables_kind_covers_ks_x_1001(words: list[str]) -> None:
    from easyocr_ko.charset import ks_x_1001_hangul

    samples = generate_texts(3000, words, seed=2, mix=TextMix.parse("syllables=1"))
    seen = {c for text, kind in samples for c in text}
    assert {kind for _, kind in samples} == {"syllables"}
    assert seen <= set(ks_x_1001_hangul())
    assert len(seen) > 2000  # ~9,000 uniform draws reach nearly all 2,350 syllables


def test_custom_mix_excludes_zero_kinds(words: list[str]) -> None:
    samples = generate_texts(1000, words, seed=1, mix=TextMix.parse("sentence=3,digits=1"))
    counts = Counter(kind for _, kind in samples)
    assert set(counts) == {"sentence", "digits"}
    assert abs(counts["sentence"] / 1000 - 0.75) < 0.04


@pytest.mark.parametrize("max_chars", [8, 12, 25])
def test_output_rules_hold_for_every_line(words: list[str], max_chars: int) -> None:
    mix = TextMix(max_chars=max_chars)
    samples = generate_texts(1500, words, seed=max_chars, mix=mix)
    bad = [(t, k, _rule_violation(t, max_chars)) for t, k in samples if _rule_violation(t, max_chars)]
    assert not bad, bad[:5]
    assert all(c.isprintable() for t, _ in samples for c in t)


def test_default_lines_obey_rules(default_samples: list[tuple[str, str]]) -> None:
    bad = [(t, _rule_violation(t, 25)) for t, _ in default_samples if _rule_violation(t, 25)]
    assert not bad, bad[:5]


def test_word_kind_draws_dictionary_entries_and_filters_non_ks() -> None:
    entries = ["사과", "  학교 ", "뷁", "café", "bell\x07"]
    gen = TextGenerator(entries, _kind_only("word"), seed=0)
    assert gen.words == ["사과", "학교"]
    assert gen.dropped_words == 3
    assert {t for t, _ in gen.generate(50)} == {"사과", "학교"}
    loose = TextGenerator(entries, TextMix(word=1, name=0, sentence=0, digits=0, latin=0, ks_x_1001_only=False), seed=0)
    assert loose.words == ["사과", "학교", "뷁", "café"]


def test_empty_dictionary(words: list[str]) -> None:
    with pytest.raises(EasyOcrKoError, match="no dictionary entry is usable"):
        TextGenerator([], TextMix(), seed=0)
    samples = TextGenerator([], TextMix.parse("name=1,digits=1,sentence=1,latin=1"), seed=0).generate(200)
    assert all(_rule_violation(t, 25) is None for t, _ in samples)


def test_mix_summary_counts() -> None:
    summary = mix_summary([("했다", "sentence"), ("가다", "word"), ("3개", "digits"), ("먹었다", "sentence")])
    assert summary["per_kind"] == {"word": 1, "name": 0, "sentence": 2, "digits": 1, "latin": 0, "syllables": 0}
    assert summary["share_outside_charset"] == 0.5  # 했 and 었 are not in korean_g2
    assert summary["share_outside_charset_per_kind"]["sentence"] == 1.0
