"""easyocr_ko.text.sentences: sentences of 2-6 eojeol with conjugated endings beyond korean_g2, template
sentences, sentence-final forms and nouns by category."""
from __future__ import annotations

import random
from collections import Counter

import pytest

from easyocr_ko.charset import korean_g2_characters
from easyocr_ko.resources import default_dictionary
from easyocr_ko.text.generator import KIND_NAMES, TextMix, generate_texts
from easyocr_ko.text.lexicon import NOUNS, WordPools, name_lists, place_lists
from easyocr_ko.text.sentences import final, noun, sentence_line, template_sentence


@pytest.fixture(scope="module")
def words() -> list[str]:
    return default_dictionary().read_text(encoding="utf-8").splitlines()


def _pools(words: list[str]) -> WordPools:
    return WordPools(words=words, nouns=["사과", "학교", "도서관"], ha_words=["공부하다", "깨끗하다"],
                     doe_words=["준비되다"], latin_words=[], names=name_lists(), places=place_lists())


def test_sentences_have_two_to_six_eojeol_and_new_syllables(words: list[str]) -> None:
    mix = TextMix(**{k: (1.0 if k == "sentence" else 0.0) for k in KIND_NAMES})
    samples = generate_texts(1500, words, seed=2, mix=mix)
    outside = [t for t, _ in samples if not 2 <= len(t.split(" ")) <= 6]
    assert not outside, outside[:5]
    g2 = set(korean_g2_characters())
    beyond = Counter(c for t, _ in samples for c in set(t) if "\uac00" <= c <= "\ud7a3" and c not in g2)
    for syllable in "했었았겠됐":
        assert beyond[syllable] > 0, syllable
    assert sum(any(c not in g2 for c in t) for t, _ in samples) / len(samples) > 0.4


@pytest.mark.parametrize("dictionary", [[], ["사과"]])
def test_sentence_line_is_empty_or_two_to_six_eojeol(dictionary: list[str]) -> None:
    pools = _pools(dictionary)
    lines = [sentence_line(random.Random(i), pools) for i in range(500)]
    assert all(line == "" or 2 <= len(line.split(" ")) <= 6 for line in lines)
    assert sum(bool(line) for line in lines) > 450
    if dictionary:  # sentences around the dictionary's nouns and -하다/-되다 words
        assert any("공부" in line or "깨끗" in line or "준비" in line for line in lines)


def test_template_sentences_return_their_final_form() -> None:
    pools = _pools([])
    for i in range(200):
        text, form = template_sentence(random.Random(i), pools)
        assert text and text == text.strip() and "  " not in text
        assert form in ("past", "past_polite", "past_formal", "polite", "formal", "plain", "future_formal",
                        "future_polite", "will", "request")


def test_final_forms_and_nouns() -> None:
    assert final(random.Random(0), "가다", "will") == "갈 거예요"
    requests = {final(random.Random(i), "먹다", "request") for i in range(20)}
    assert "먹어 주세요" in requests and len(requests) == 2
    assert noun(random.Random(0), "food") in NOUNS["food"]
    with pytest.raises(KeyError):
        noun(random.Random(0), "no such category")
