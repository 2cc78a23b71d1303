"""Tests for easyocr_ko.evaluation.metrics: hand-computed values, edge cases, and that no default path drops Hangul."""
from __future__ import annotations

import doctest
import itertools
import math
import random
import unicodedata

import pytest

from easyocr_ko.evaluation import metrics
from easyocr_ko.evaluation.metrics import (
    Normalization,
    accuracy,
    align,
    cer,
    confusions,
    content_kind,
    edit_distance,
    group_summaries,
    jamo_cer,
    length_bucket,
    norm_ed,
    sample_norm_ed,
    score_pair,
    single_syllable_accuracy,
    summarize,
    worst_group,
)

ALL_SYLLABLES = "".join(chr(c) for c in range(0xAC00, 0xD7A4))
COMPAT_JAMO = "".join(chr(c) for c in range(0x3131, 0x318F))


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def test_docstring_examples():
    result = doctest.testmod(metrics)
    assert result.attempted > 10 and result.failed == 0


# ----------------------------------------------------------------------------------------- edit distance
@pytest.mark.parametrize(
    "a, b, expected",
    [
        ("있다", "잇다", 1),
        ("", "", 0),
        ("abc", "", 3),
        ("", "abc", 3),
        ("kitten", "sitting", 3),
        ("ab", "ba", 2),  # no transpositions
        ("한국어", "한국", 1),
        ("가나다라", "나다라마", 2),
    ],
)
def test_edit_distance(a, b, expected):
    assert edit_distance(a, b) == expected
    assert edit_distance(b, a) == expected


def test_edit_distance_counts_code_points():
    assert edit_distance(nfd("한"), "한") == 3  # 3 jamo vs 1 syllable: 1 sub + 2 del


def test_align_examples():
    assert align("abc", "abd") == [("equal", "a", "a"), ("equal", "b", "b"), ("sub", "c", "d")]
    assert align("abc", "ac") == [("equal", "a", "a"), ("del", "b", ""), ("equal", "c", "c")]
    assert align("ac", "abc") == [("equal", "a", "a"), ("ins", "", "b"), ("equal", "c", "c")]
    assert align("", "") == []
    assert align("가", "") == [("del", "가", "")]
    assert align("", "가") == [("ins", "", "가")]


def test_align_prefers_substitution_on_ties():
    # 'ab' -> 'ba' costs 2 either as two substitutions or as ins + del; substitutions win.
    assert align("ab", "ba") == [("sub", "a", "b"), ("sub", "b", "a")]
    # 'a' -> 'b': one substitution, never del + ins.
    assert align("a", "b") == [("sub", "a", "b")]
    assert align("있다", "잇다") == [("sub", "있", "잇"), ("equal", "다", "다")]


@pytest.mark.parametrize(
    "truth, prediction",
    [("kitten", "sitting"), ("가나다라", "나다라마"), ("abc", "xyzabc"), ("대한민국", "대한"), ("", "ab")],
)
def test_align_is_consistent_with_edit_distance(truth, prediction):
    ops = align(truth, prediction)
    assert "".join(op.truth for op in ops) == truth
    assert "".join(op.prediction for op in ops) == prediction
    assert sum(op.kind != "equal" for op in ops) == edit_distance(truth, prediction)
    assert align(truth, prediction) == ops  # deterministic


# ------------------------------------------------------------------------------------------------ norm_ED
def test_sample_norm_ed_hand_values():
    assert sample_norm_ed("abc", "abd") == pytest.approx(2 / 3)
    assert sample_norm_ed("ab", "abcd") == pytest.approx(0.5)  # divided by the longer string
    assert sample_norm_ed("abc", "") == 0.0  # empty prediction
    assert sample_norm_ed("", "abc") == 0.0  # empty truth
    assert sample_norm_ed("", "") == 1.0  # both empty: exact match (DTRB would add 0)
    assert sample_norm_ed("있다", "잇다") == 0.5


def test_corpus_norm_ed_is_mean_of_samples_as_fraction():
    pairs = [("abc", "abd"), ("ab", "ab")]
    assert norm_ed(pairs) == pytest.approx((2 / 3 + 1) / 2)
    assert norm_ed([("abc", "xyz")]) == 0.0


# ------------------------------------------------------------------------------------------------ CER
def test_cer_is_micro_average():
    # edits 1 + 0 over 3 + 2 truth characters (a mean of per-sample rates would give 1/6)
    assert cer([("abc", "abd"), ("ab", "ab")]) == pytest.approx(1 / 5)


def test_cer_empty_prediction_and_insertions():
    assert cer([("가나다", "")]) == 1.0
    assert cer([("a", "bcd")]) == 3.0  # CER can exceed 1
    assert cer([("", "x"), ("ab", "ab")]) == 0.5  # empty truth still contributes its insertions


def test_cer_with_no_truth_characters():
    assert cer([("", ""), ("", "")]) == 0.0
    assert cer([("", ""), ("", "x")]) == math.inf
    s = summarize([("", "")])
    assert (s.accuracy, s.norm_ED, s.CER, s.jamo_CER) == (1.0, 1.0, 0.0, 0.0)
    s = summarize([("", "가")])
    assert (s.accuracy, s.norm_ED, s.CER, s.jamo_CER) == (0.0, 0.0, math.inf, math.inf)


def test_jamo_cer_hand_values():
    # 있 = ᄋ ᅵ ᆻ (3 jamo), 다 = ᄃ ᅡ (2 jamo): one final consonant wrong out of 5 jamo.
    assert jamo_cer([("있다", "잇다")]) == pytest.approx(1 / 5)
    assert cer([("있다", "잇다")]) == pytest.approx(1 / 2)
    assert jamo_cer([("있", "잇")]) == pytest.approx(1 / 3)
    assert cer([("있", "잇")]) == 1.0
    # a missing syllable costs all its jamo: 한국 (6 jamo) read as 한 (3 jamo)
    assert jamo_cer([("한국", "한")]) == pytest.approx(3 / 6)
    # compatibility jamo ㅋ alone for 크: only the vowel is missing
    assert jamo_cer([("크", "ㅋ")]) == pytest.approx(1 / 2)


# ------------------------------------------------------------------------------------------ normalisation
def test_nfc_vs_nfd_input():
    truth, prediction = nfd("한글"), "한글"
    assert len(truth) == 6
    s = summarize([(truth, prediction)])
    assert (s.accuracy, s.norm_ED, s.CER, s.jamo_CER) == (1.0, 1.0, 0.0, 0.0)
    raw = summarize([(truth, prediction)], Normalization(nfc=False))
    # 6 jamo code points vs 2 syllables: 2 substitutions + 4 deletions over 6 truth characters
    assert (raw.accuracy, raw.edits, raw.n_chars, raw.CER) == (0.0, 6, 6, 1.0)
    assert raw.norm_ED == 0.0
    assert raw.jamo_CER == 0.0  # the jamo forms are identical either way
    assert raw.normalization.startswith("no Unicode normalization")


def test_default_normalization_strips_outer_whitespace_only():
    norm = Normalization()
    assert norm.apply(" \t가 나\u3000") == "가 나"
    assert accuracy([(" 가 나 ", "가 나")]) == 1.0
    assert accuracy([("가 나", "가나")]) == 0.0
    assert cer([("가 나", "가나")]) == pytest.approx(1 / 3)
    assert Normalization(strip=False).apply(" 가 ") == " 가 "


def test_space_options():
    assert accuracy([("가  나", "가 나")]) == 0.0
    assert accuracy([("가  나", "가 나")], Normalization(collapse_spaces=True)) == 1.0
    assert Normalization(collapse_spaces=True).apply(" 가\t\n나  다 ") == "가 나 다"
    assert accuracy([("가 나", "가나")], Normalization(remove_spaces=True)) == 1.0
    assert Normalization(remove_spaces=True, collapse_spaces=True).apply(" 가 나\u3000다 ") == "가나다"


def test_casefold_option():
    assert accuracy([("ABC", "abc")]) == 0.0
    assert cer([("ABC", "abc")]) == 1.0
    assert accuracy([("ABC", "abc")], Normalization(casefold=True)) == 1.0
    assert Normalization(casefold=True).apply("Straße 한글") == "strasse 한글"


def test_describe():
    assert Normalization().describe() == "NFC; strip outer whitespace; inner whitespace kept; case-sensitive"
    assert Normalization(nfc=False, strip=False, collapse_spaces=True, casefold=True).describe() == (
        "no Unicode normalization; outer whitespace kept; inner whitespace collapsed to one space; "
        "casefold (case-insensitive)"
    )
    assert "all whitespace removed" in Normalization(remove_spaces=True).describe()
    assert summarize([("a", "a")]).normalization == Normalization().describe()


def _non_space(text: str) -> str:
    return "".join(c for c in text if not c.isspace())


def test_no_option_ever_drops_a_hangul_or_other_non_whitespace_character():
    text = " " + ALL_SYLLABLES + "\t" + COMPAT_JAMO + " 3월 4일 漢字, ①! \u3000" + nfd("한글") + " "
    for flags in itertools.product([False, True], repeat=5):
        norm = Normalization(*flags)
        expected = unicodedata.normalize("NFC", text) if norm.nfc else text
        assert _non_space(norm.apply(text)) == _non_space(expected), norm


def test_default_path_counts_every_korean_character():
    truth = ALL_SYLLABLES + COMPAT_JAMO
    s = summarize([(truth, "")])
    assert s.n_chars == len(truth)
    assert s.CER == 1.0 and s.jamo_CER == 1.0
    assert s.n_jamo == len(nfd(ALL_SYLLABLES)) + len(COMPAT_JAMO)
    perfect = summarize([(truth, truth)])
    assert (perfect.accuracy, perfect.CER, perfect.edits) == (1.0, 0.0, 0)
    # a Korean prediction is never normalised into agreement with a different truth
    assert accuracy([("가나다", "가나")]) == 0.0
    assert cer([("ㄱ", "")]) == 1.0


# ------------------------------------------------------------------------------------------- summaries
def test_summary_fields():
    s = summarize([("abc", "abd", 0.5), ("있다", "잇다", 1.0), ("가", "가", 0.9)])
    assert s.n == 3 and s.n_correct == 1
    assert s.accuracy == pytest.approx(1 / 3)
    assert s.norm_ED == pytest.approx((2 / 3 + 1 / 2 + 1) / 3)
    assert (s.edits, s.n_chars) == (2, 6)
    assert s.CER == pytest.approx(2 / 6)
    assert (s.jamo_edits, s.n_jamo) == (2, 3 + 5 + 2)  # 'abc' 3, 있다 5, 가 2; c->d and ᆻ->ᆺ
    assert s.jamo_CER == pytest.approx(2 / 10)
    assert s.mean_confidence == pytest.approx(0.8)
    assert s.to_dict()["CER"] == s.CER
    assert summarize([("a", "a")]).mean_confidence is None


def test_rows_with_metadata_are_accepted():
    assert summarize([("가", "가", None, "NanumPen")]).accuracy == 1.0


def test_summarize_errors():
    with pytest.raises(ValueError, match="no samples"):
        summarize([])
    with pytest.raises(ValueError, match="sample 1: prediction must be a str, got NoneType"):
        summarize([("a", "a"), ("b", None)])
    with pytest.raises(ValueError, match="1 of 2 samples carry a confidence"):
        summarize([("a", "a", 0.5), ("b", "b")])
    with pytest.raises(ValueError, match="sample 0 must be a"):
        summarize(["ab"])


def test_score_pair():
    p = score_pair(" 있다", nfd("잇다"), confidence=0.25)
    assert (p.truth, p.prediction, p.correct, p.edits, p.n_chars, p.jamo_edits, p.n_jamo, p.confidence) == (
        "있다", "잇다", False, 1, 2, 1, 5, 0.25,
    )
    assert p.norm_ED == 0.5


# -------------------------------------------------------------------------------------------- groups
@pytest.mark.parametrize(
    "text, kind",
    [
        ("가나다", "hangul"),
        ("안녕, 세상!", "hangul"),
        ("ㅋㅋ", "hangul"),
        (nfd("한글"), "hangul"),
        ("3월", "digits"),
        ("2024", "digits"),
        ("A동 3층", "latin"),
        ("abc", "latin"),
        ("가a1", "latin"),
        ("!?", "other"),
        ("", "other"),
        ("漢字", "other"),
        ("１２", "other"),  # full-width digits are not ASCII digits
    ],
)
def test_content_kind(text, kind):
    assert content_kind(text) == kind


@pytest.mark.parametrize(
    "length, bucket",
    [(0, "0"), (1, "1"), (2, "2-3"), (3, "2-3"), (4, "4-6"), (6, "4-6"), (7, "7-10"), (10, "7-10"), (11, "11+"),
     (40, "11+")],
)
def test_length_bucket(length, bucket):
    assert length_bucket("가" * length) == bucket


def test_length_bucket_counts_nfc_characters_and_custom_edges():
    assert length_bucket(nfd("한글")) == "2-3"
    assert length_bucket("abcde", edges=(1, 5)) == "5+"
    assert length_bucket("abcd", edges=(1, 5)) == "1-4"
    assert length_bucket("a", edges=(2, 3)) == "0-1"
    with pytest.raises(ValueError, match="strictly increasing"):
        length_bucket("a", edges=(1, 1))
    with pytest.raises(ValueError, match="strictly increasing"):
        length_bucket("a", edges=(0, 2))


ROWS = [
    ("가나", "가나", 0.9, "NanumPen"),
    ("다라", "다마", 0.4, "NanumPen"),
    ("있다", "잇다", 0.5, "UnPen"),
    ("가", "", 0.1, "UnPen"),
    ("hello", "hello", 0.8, "Bandal"),
    ("3월 4일", "3월 4일", 0.7, "Bandal"),
    ("가나다라마바사아자차카", "가나다라마바사아자차카", 0.9, "Bandal"),
]


def test_group_summaries_by_font():
    groups = group_summaries(ROWS, key=lambda row: row[3])
    assert list(groups) == ["Bandal", "NanumPen", "UnPen"]
    assert groups["NanumPen"].n == 2 and groups["NanumPen"].CER == pytest.approx(1 / 4)
    assert groups["UnPen"].CER == pytest.approx(2 / 3)
    assert groups["UnPen"].jamo_CER == pytest.approx(3 / 7)  # ᆻ->ᆺ, and 가's 2 jamo missing, of 5 + 2
    assert groups["Bandal"].accuracy == 1.0
    assert groups["UnPen"].mean_confidence == pytest.approx(0.3)


def test_group_summaries_by_truth_keys():
    by_kind = group_summaries(ROWS, key="content_kind")
    assert {k: v.n for k, v in by_kind.items()} == {"digits": 1, "hangul": 5, "latin": 1}
    by_length = group_summaries(ROWS, key="length_bucket")
    assert list(by_length) == ["1", "2-3", "4-6", "11+"]  # natural order, not string order
    assert by_length["2-3"].n == 3
    # buckets use the normalised truth: ' 가 ' is one character after the default strip
    assert list(group_summaries([(" 가 ", "가")], key="length_bucket")) == ["1"]
    with pytest.raises(ValueError, match="unknown group key 'font'"):
        group_summaries(ROWS, key="font")


def test_worst_group():
    groups = group_summaries(ROWS, key=lambda row: row[3])
    assert worst_group(groups, "CER", min_n=1) == "UnPen"
    assert worst_group(groups, "jamo_CER", min_n=1) == "UnPen"
    assert worst_group(groups, "accuracy", min_n=1) == "UnPen"
    assert worst_group(groups, "norm_ED", min_n=1) == "UnPen"
    assert worst_group(groups, "CER", min_n=3) == "Bandal"  # the only group with 3 samples
    assert worst_group(groups, "CER", min_n=4) is None
    assert worst_group(groups) is None  # default min_n=10
    with pytest.raises(ValueError, match="unknown metric 'wer'"):
        worst_group(groups, "wer")
    with pytest.raises(ValueError, match="min_n"):
        worst_group(groups, min_n=0)


def test_worst_group_ties_go_to_the_larger_group_then_the_name():
    groups = group_summaries(
        [("a", "b", None, "f10"), ("a", "b", None, "f2"), ("a", "b", None, "f3"), ("b", "c", None, "f3")],
        key=lambda row: row[3],
    )
    assert worst_group(groups, "CER", min_n=1) == "f3"
    del groups["f3"]
    assert worst_group(groups, "CER", min_n=1) == "f2"  # natural order: f2 before f10


def test_infinite_cer_group_is_worst():
    groups = group_summaries([("", "x", None, "a"), ("abc", "xyz", None, "b")], key=lambda row: row[3])
    assert groups["a"].CER == math.inf
    assert worst_group(groups, "CER", min_n=1) == "a"


# ---------------------------------------------------------------------------------------- confusions
def test_confusions_hand_counts():
    pairs = [("있다", "잇다"), ("있어", "잇어"), ("가나", "가다"), ("abc", "ac"), ("ab", "abx"), ("같다", "같다")]
    assert confusions(pairs) == [
        (("있", "잇"), 2),
        (("", "x"), 1),
        (("b", ""), 1),
        (("나", "다"), 1),
    ]
    assert confusions(pairs, include_indels=False) == [(("있", "잇"), 2), (("나", "다"), 1)]
    assert confusions(pairs, top=1) == [(("있", "잇"), 2)]
    assert confusions(pairs, top=0) == []
    assert confusions([]) == []
    with pytest.raises(ValueError, match="top"):
        confusions(pairs, top=-1)


def test_confusions_use_normalised_strings():
    assert confusions([(nfd("한"), "한")]) == []
    assert confusions([(nfd("한"), "한")], normalization=Normalization(nfc=False))[0][1] == 1


def test_single_syllable_accuracy():
    pairs = [("가", "가"), ("나", "다"), ("가나", "가나"), ("a", "a"), (nfd("한"), "한"), ("ㄱ", "ㄴ")]
    assert single_syllable_accuracy(pairs) == pytest.approx(2 / 3)  # 가 right, 나 wrong, NFD 한 right
    assert single_syllable_accuracy([("가나", "가나"), ("ㄱ", "ㄱ")]) is None
    # without NFC, the NFD 한 is three jamo, not one syllable
    assert single_syllable_accuracy(pairs, Normalization(nfc=False)) == pytest.approx(1 / 2)


def test_edit_distance_matches_full_table_on_random_strings():
    # edit_distance trims common prefixes/suffixes; align fills the whole table: they must agree.
    rng = random.Random(0)
    for _ in range(500):
        a = "".join(rng.choice("ab가각") for _ in range(rng.randint(0, 8)))
        b = "".join(rng.choice("ab가각") for _ in range(rng.randint(0, 8)))
        assert edit_distance(a, b) == sum(op.kind != "equal" for op in align(a, b)), (a, b)
