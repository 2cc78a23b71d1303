"""easyocr_ko.hangul: syllable composition and decomposition (by hand and over all 11,172 syllables), final
consonants, the Hangul tests, decomposition into conjoining jamo and terminal display width."""
from __future__ import annotations

import unicodedata

import pytest

from easyocr_ko.hangul import (
    HANGUL_SYLLABLES,
    LEADS,
    SYLLABLE_FIRST,
    SYLLABLE_LAST,
    TAILS,
    VOWELS,
    compose_syllable,
    decompose_syllable,
    display_width,
    has_batchim,
    is_hangul,
    is_hangul_syllable,
    to_jamo,
)

ALL_SYLLABLES = "".join(chr(c) for c in range(0xAC00, 0xD7A4))  # written out, not from the module under test
COMPAT_JAMO = "".join(chr(c) for c in range(0x3131, 0x318F))
CONJOINING_JAMO = "".join(chr(c) for c in range(0x1100, 0x1200))


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


# ---------------------------------------------------------------- constants


def test_constants() -> None:
    assert (SYLLABLE_FIRST, SYLLABLE_LAST) == (0xAC00, 0xD7A3)
    assert HANGUL_SYLLABLES == ALL_SYLLABLES and len(HANGUL_SYLLABLES) == 11172
    assert (len(LEADS), len(VOWELS), len(TAILS)) == (19, 21, 28)


# ---------------------------------------------------------------- composition


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


def test_has_batchim() -> None:
    assert has_batchim("밥") and has_batchim("서울")
    assert not has_batchim("커피") and not has_batchim("") and not has_batchim("ATM")


# ---------------------------------------------------------------- what is Hangul


def test_is_hangul_syllable_and_is_hangul() -> None:
    assert all(is_hangul_syllable(c) and is_hangul(c) for c in ALL_SYLLABLES)
    assert not is_hangul_syllable("ㄱ") and not is_hangul_syllable("가나") and not is_hangul_syllable("")
    assert all(is_hangul(c) for c in COMPAT_JAMO + CONJOINING_JAMO)
    assert is_hangul("\ua960") and is_hangul("\ud7b0") and is_hangul("\uffa1")  # extended-A/B, halfwidth jamo
    assert not any(is_hangul(c) for c in "aZ1 .漢字\u3130\u318f")  # U+3130 and U+318F: next to the jamo block
    assert not is_hangul(chr(SYLLABLE_FIRST - 1)) and not is_hangul(chr(SYLLABLE_LAST + 1))


# ---------------------------------------------------------------- jamo and width


def test_to_jamo() -> None:
    assert to_jamo("있") == "\u110b\u1175\u11bb"
    assert to_jamo("가") == "\u1100\u1161"
    assert to_jamo(ALL_SYLLABLES) == nfd(ALL_SYLLABLES)
    assert to_jamo("ㄱㅏㄳ") == "\u1100\u1161\u11aa"
    assert all(0x1100 <= ord(c) <= 0x11FF for c in to_jamo(COMPAT_JAMO))
    assert len(to_jamo(COMPAT_JAMO)) == len(COMPAT_JAMO)
    # everything else untouched: accents, full-width Latin, halfwidth jamo, conjoining jamo, Hanja
    for text in ("é", "Ａ１", "\uffa1", CONJOINING_JAMO, "漢字", "abc 123!"):
        assert to_jamo(text) == text
    assert to_jamo(nfd("대한민국")) == to_jamo("대한민국")


def test_display_width() -> None:
    assert display_width("") == 0
    assert display_width("abc 1!") == 6
    assert display_width("한글") == 4
    assert display_width("가a") == 3
    assert display_width("漢字Ａ") == 6  # CJK and full-width Latin are wide
    assert display_width("\uffa1") == 1  # halfwidth jamo
