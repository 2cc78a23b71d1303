"""easyocr_ko.text.generator: Hangul composition, conjugation (hand-checked forms), particles, the text mix and its
parser, determinism and order-independence of the generator, proportions, and the output rules."""
from __future__ import annotations

import datetime
import json
import os
import re
import string
import subprocess
import sys
import unicodedata
from collections import Counter

import pytest
from click.testing import CliRunner

from easyocr_ko.charset import korean_g2_characters, ks_x_1001_hangul
from easyocr_ko.errors import EasyOcrKoError
from easyocr_ko.resources import default_dictionary
from easyocr_ko.text.generator import (
    KIND_NAMES,
    SYMBOLS,
    TextGenerator,
    TextMix,
    attach_particle,
    compose_syllable,
    conjugate,
    copula,
    decompose_syllable,
    generate_texts,
    mix_summary,
    text_for,
    texts_command,
)

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


# ---------------------------------------------------------------- Hangul composition


def test_compose_and_decompose_by_hand() -> None:
    assert compose_syllable("ㄱ", "ㅏ", "ㅆ") == "갔"
    assert compose_syllable("ㅎ", "ㅐ", "ㅆ") == "했"
    assert compose_syllable("ㄱ", "ㅏ") == "가" == "\uac00"
    assert decompose_syllable("힣") == ("ㅎ", "ㅣ", "ㅎ")
    assert decompose_syllable("됐") == ("ㄷ", "ㅙ", "ㅆ")
    with pytest.raises(ValueError):
        decompose_syllable("a")
    with pytest.raises(ValueError):
        compose_syllable("ㅏ", "ㄱ")


def test_compose_decompose_round_trip_all_syllables() -> None:
    for code in range(0xAC00, 0xD7A4):
        assert compose_syllable(*decompose_syllable(chr(code))) == chr(code)


# ---------------------------------------------------------------- conjugation (forms checked by hand)

PAST = [("가다", "갔다"), ("하다", "했다"), ("먹다", "먹었다"), ("보다", "봤다"), ("오다", "왔다"), ("되다", "됐다"),
        ("마시다", "마셨다"), ("배우다", "배웠다"), ("쉬다", "쉬었다"), ("쓰다", "썼다"), ("만들다", "만들었다"),
        ("공부하다", "공부했다"), ("보내다", "보냈다"), ("켜다", "켰다"), ("서다", "섰다"), ("찾다", "찾았다"),
        ("좋다", "좋았다"), ("기다리다", "기다렸다"), ("바꾸다", "바꿨다")]


@pytest.mark.parametrize(("lemma", "past"), PAST)
def test_regular_past(lemma: str, past: str) -> None:
    assert conjugate(lemma, "past") == past


def test_formal_polite_and_future() -> None:
    assert conjugate("먹다", "formal") == "먹습니다"
    assert conjugate("가다", "formal") == "갑니다"
    assert conjugate("하다", "formal") == "합니다"
    assert conjugate("알다", "formal") == "압니다"  # ㄹ drops before ㅂ
    assert conjugate("쉬다", "future_formal") == "쉬겠습니다"
    assert conjugate("먹다", "past_formal") == "먹었습니다"
    assert conjugate("하다", "past_polite") == "했어요"
    assert conjugate("보다", "past_polite") == "봤어요"
    assert conjugate("먹다", "polite") == "먹어요"
    assert conjugate("하다", "polite") == "해요"
    assert conjugate("되다", "polite") == "돼요"
    assert conjugate("오다", "so") == "와서"


def test_adnominal_connective_and_plain() -> None:
    assert conjugate("가다", "adnominal") == "가는"
    assert conjugate("먹다", "adnominal_past") == "먹은"
    assert conjugate("가다", "adnominal_past") == "간"
    assert conjugate("먹다", "adnominal_future") == "먹을"
    assert conjugate("크다", "adnominal", pos="adj") == "큰"
    assert conjugate("작다", "adnominal", pos="adj") == "작은"
    assert conjugate("맛있다", "adnominal", pos="adj") == "맛있는"  # 있다/없다 adjectives take -는
    assert conjugate("먹다", "and") == "먹고"
    assert conjugate("먹다", "plain") == "먹는다"
    assert conjugate("가다", "plain") == "간다"
    assert conjugate("덥다", "plain", pos="adj", irregular="b") == "덥다"
    assert conjugate("먹다", "if") == "먹으면"
    assert conjugate("가다", "request") == "가세요"


def test_l_stems() -> None:
    assert [conjugate("만들다", f) for f in ("plain", "adnominal", "adnominal_past", "request", "if", "polite")] == [
        "만든다", "만드는", "만든", "만드세요", "만들면", "만들어요"]
    assert conjugate("길다", "adnominal", pos="adj") == "긴"
    assert conjugate("살다", "formal") == "삽니다"


def test_eu_stems() -> None:
    assert conjugate("바쁘다", "polite", pos="adj") == "바빠요"
    assert conjugate("예쁘다", "past", pos="adj") == "예뻤다"
    assert conjugate("크다", "polite", pos="adj") == "커요"
    assert conjugate("배고프다", "polite", pos="adj") == "배고파요"


def test_irregular_classes() -> None:
    assert conjugate("덥다", "polite", pos="adj", irregular="b") == "더워요"
    assert conjugate("덥다", "adnominal", pos="adj", irregular="b") == "더운"
    assert conjugate("덥다", "formal", pos="adj", irregular="b") == "덥습니다"
    assert conjugate("돕다", "past", irregular="b") == "도왔다"
    assert conjugate("듣다", "past", irregular="d") == "들었다"
    assert conjugate("듣다", "plain", irregular="d") == "듣는다"
    assert conjugate("듣다", "adnominal_past", irregular="d") == "들은"
    assert conjugate("모르다", "polite", irregular="reu") == "몰라요"
    assert conjugate("부르다", "past", irregular="reu") == "불렀다"
    assert conjugate("모르다", "formal", irregular="reu") == "모릅니다"
    # the same stems conjugated as regular give the regular forms, so the class really matters
    assert conjugate("입다", "polite") == "입어요"
    assert conjugate("받다", "polite") == "받아요"


def test_conjugate_errors() -> None:
    with pytest.raises(ValueError, match="dictionary form"):
        conjugate("먹어", "past")
    with pytest.raises(ValueError, match="unknown form"):
        conjugate("먹다", "pluperfect")
    with pytest.raises(ValueError, match="adjective"):
        conjugate("크다", "request", pos="adj")
    with pytest.raises(ValueError, match="ㅂ"):
        conjugate("먹다", "past", irregular="b")


def test_particles_and_copula() -> None:
    assert attach_particle("밥", "을/를") == "밥을"
    assert attach_particle("커피", "을/를") == "커피를"
    assert attach_particle("학교", "이/가") == "학교가"
    assert attach_particle("서울", "으로/로") == "서울로"  # ㄹ final takes 로
    assert attach_particle("집", "으로/로") == "집으로"
    assert attach_particle("ATM", "을/를", batchim=True) == "ATM을"
    assert copula("학생", "polite") == "학생이에요"
    assert copula("의사", "polite") == "의사예요"
    assert copula("의사", "past") == "의사였다"
    assert copula("학생", "formal") == "학생입니다"


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


def test_sentences_have_two_to_six_eojeol_and_new_syllables(words: list[str]) -> None:
    samples = generate_texts(1500, words, seed=2, mix=_kind_only("sentence"))
    outside = [t for t, _ in samples if not 2 <= len(t.split(" ")) <= 6]
    assert not outside, outside[:5]
    g2 = set(korean_g2_characters())
    beyond = Counter(c for t, _ in samples for c in set(t) if "\uac00" <= c <= "\ud7a3" and c not in g2)
    for syllable in "했었았겠됐":
        assert beyond[syllable] > 0, syllable
    assert sum(any(c not in g2 for c in t) for t, _ in samples) / len(samples) > 0.4


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


PHONE = re.compile(r"(?:(?:전화|Tel\.|연락처:|휴대폰|문의|TEL|팩스|대표번호) )?"
                   r"(?:010-\d{4}-\d{4}|02-\d{3,4}-\d{4}|0[3-6]\d-\d{3,4}-\d{4}|1[56]\d\d-\d{4}"
                   r"|010 \d{4} \d{4}|\(02\) \d{3}-\d{4}|010\.\d{4}\.\d{4})")


def test_phone_numbers_match_korean_formats(words: list[str]) -> None:
    gen = TextGenerator(words, TextMix(), seed=0)
    phones = [gen._phone(gen.rng_for(i)) for i in range(400)]
    assert all(PHONE.fullmatch(p) for p in phones), [p for p in phones if not PHONE.fullmatch(p)][:5]
    assert any(re.fullmatch(r"010-\d{4}-\d{4}", p) for p in phones)
    assert any(re.fullmatch(r"02-\d{3}-\d{4}", p) for p in phones)


def test_dates_are_valid_calendar_dates(words: list[str]) -> None:
    gen = TextGenerator(words, TextMix(), seed=0)
    dates = [gen._date(gen.rng_for(i)) for i in range(600)]
    seen = Counter()
    for text in dates:
        m = re.search(r"(\d{4})년 (\d{1,2})월 (\d{1,2})일 ([월화수목금토일])요일", text)
        if m:
            y, mo, d = map(int, m.groups()[:3])
            assert "월화수목금토일"[datetime.date(y, mo, d).weekday()] == m[4], text
            seen["weekday"] += 1
        m = re.search(r"\b(\d{4})\.(\d{2})\.(\d{2})$", text)
        if m:
            datetime.date(*map(int, m.groups()))  # raises on 2024.02.30
            seen["dotted"] += 1
        if re.fullmatch(r"(?:\S+ )?\d{2}/\d{2}/\d{2}", text):
            seen["slashed"] += 1
        if re.fullmatch(r"(?:\S+:? )?\d{4}년 \d{1,2}월 \d{1,2}일", text):
            seen["korean"] += 1
    assert min(seen["weekday"], seen["dotted"], seen["slashed"], seen["korean"]) > 0, seen


def test_names_use_shipped_surnames(words: list[str]) -> None:
    gen = TextGenerator(words, _kind_only("name"), seed=0)
    surnames = set(gen._surnames)
    full = [gen._full_name(gen.rng_for(i)) for i in range(300)]
    assert all(n[:2] in surnames or n[0] in surnames for n in full)
    assert all(2 <= len(n) <= 5 for n in full)
    assert Counter(n[0] for n in full).most_common(1)[0][0] == "김"


def test_mix_summary_counts() -> None:
    summary = mix_summary([("했다", "sentence"), ("가다", "word"), ("3개", "digits"), ("먹었다", "sentence")])
    assert summary["per_kind"] == {"word": 1, "name": 0, "sentence": 2, "digits": 1, "latin": 0, "syllables": 0}
    assert summary["share_outside_charset"] == 0.5  # 했 and 었 are not in korean_g2
    assert summary["share_outside_charset_per_kind"]["sentence"] == 1.0


def test_texts_command_prints_kind_and_text(tmp_path) -> None:
    dictionary = tmp_path / "d.txt"
    dictionary.write_text("사과\n학교\n", encoding="utf-8")
    result = CliRunner().invoke(texts_command, ["--n", "6", "--mix", "word=1", "--dict", str(dictionary)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert len(lines) == 6 and all(line in ("word\t사과", "word\t학교") for line in lines)
    bad = CliRunner().invoke(texts_command, ["--mix", "word=x"])
    assert bad.exit_code != 0
