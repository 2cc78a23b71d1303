"""Hangul syllable arithmetic and display width: the one place the package computes with Hangul code points.

Source: The Unicode Standard, section 3.12 "Conjoining Jamo Behavior": a precomposed syllable is
``S = 0xAC00 + (L * 21 + V) * 28 + T`` with L in [0, 19), V in [0, 21), T in [0, 28) (T = 0: no final consonant),
11,172 syllables U+AC00 가 .. U+D7A3 힣.

>>> decompose_syllable("갔"), compose_syllable("ㄱ", "ㅏ", "ㅆ")
(('ㄱ', 'ㅏ', 'ㅆ'), '갔')
>>> has_batchim("밥"), has_batchim("커피"), len(HANGUL_SYLLABLES)
(True, False, 11172)
"""
from __future__ import annotations

import unicodedata

__all__ = [
    "SYLLABLE_FIRST", "SYLLABLE_LAST", "HANGUL_SYLLABLES", "LEADS", "VOWELS", "TAILS", "is_hangul_syllable",
    "is_hangul", "decompose_syllable", "compose_syllable", "has_batchim", "to_jamo", "display_width",
]

SYLLABLE_FIRST, SYLLABLE_LAST = 0xAC00, 0xD7A3
"""First and last precomposed Hangul syllable code points (가, 힣)."""
HANGUL_SYLLABLES = "".join(chr(c) for c in range(SYLLABLE_FIRST, SYLLABLE_LAST + 1))
"""All 11,172 modern syllables, U+AC00..U+D7A3, in code-point order."""

#: Initial consonants (19), medial vowels (21) and finals (28, ``""`` = none) as Hangul Compatibility Jamo,
#: in the order of the Unicode composition formula.
LEADS = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
VOWELS = "ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ"
TAILS = ("", "ㄱ", "ㄲ", "ㄳ", "ㄴ", "ㄵ", "ㄶ", "ㄷ", "ㄹ", "ㄺ", "ㄻ", "ㄼ", "ㄽ", "ㄾ", "ㄿ", "ㅀ", "ㅁ", "ㅂ",
         "ㅄ", "ㅅ", "ㅆ", "ㅇ", "ㅈ", "ㅊ", "ㅋ", "ㅌ", "ㅍ", "ㅎ")

_L_BASE, _V_BASE, _T_BASE = 0x1100, 0x1161, 0x11A7  # conjoining jamo: first initial, medial, final - 1
_T_COUNT = 28
_N_COUNT = 21 * _T_COUNT  # vowels x finals = 588 syllables per initial consonant
# Hangul Compatibility Jamo letters (ㄱ U+3131 .. ㆎ U+318E).
_COMPAT_FIRST, _COMPAT_LAST = 0x3131, 0x318E
# Every code-point range that holds Hangul letters: conjoining jamo, compatibility jamo, jamo extended-A,
# syllables, jamo extended-B, halfwidth jamo.
_HANGUL_RANGES = (
    (0x1100, 0x11FF),
    (0x3131, 0x318E),
    (0xA960, 0xA97F),
    (SYLLABLE_FIRST, SYLLABLE_LAST),
    (0xD7B0, 0xD7FF),
    (0xFFA0, 0xFFDC),
)


def is_hangul_syllable(char: str) -> bool:
    """Whether ``char`` is one precomposed Hangul syllable (U+AC00 가 .. U+D7A3 힣)."""
    return len(char) == 1 and SYLLABLE_FIRST <= ord(char) <= SYLLABLE_LAST


def is_hangul(char: str) -> bool:
    """Whether the one character ``char`` is a Hangul letter of any block: syllables, conjoining jamo (and
    extended-A/B), compatibility jamo or halfwidth jamo."""
    code = ord(char)
    return any(lo <= code <= hi for lo, hi in _HANGUL_RANGES)


def decompose_syllable(syllable: str) -> tuple[str, str, str]:
    """``'갔'`` -> ``('ㄱ', 'ㅏ', 'ㅆ')``: lead, vowel and tail (``''`` when there is none) as compatibility jamo.

    Raises:
        ValueError: ``syllable`` is not one precomposed Hangul syllable.
    """
    if not is_hangul_syllable(syllable):
        raise ValueError(f"{syllable!r} is not a precomposed Hangul syllable")
    index = ord(syllable) - SYLLABLE_FIRST
    return LEADS[index // _N_COUNT], VOWELS[(index % _N_COUNT) // _T_COUNT], TAILS[index % _T_COUNT]


def compose_syllable(lead: str, vowel: str, tail: str = "") -> str:
    """``('ㄱ', 'ㅏ', 'ㅆ')`` -> ``'갔'``.

    Raises:
        ValueError: a jamo is not a valid lead, vowel or tail.
    """
    if lead not in LEADS or vowel not in VOWELS or tail not in TAILS or len(lead) != 1 or len(vowel) != 1:
        raise ValueError(f"cannot compose a syllable from {lead!r} + {vowel!r} + {tail!r}")
    return chr(SYLLABLE_FIRST + (LEADS.index(lead) * 21 + VOWELS.index(vowel)) * _T_COUNT + TAILS.index(tail))


def has_batchim(word: str) -> bool:
    """Whether the last syllable of ``word`` has a final consonant (받침); ``False`` if it is not Hangul."""
    return bool(word) and is_hangul_syllable(word[-1]) and decompose_syllable(word[-1])[2] != ""


def to_jamo(text: str) -> str:
    """``text`` with Hangul decomposed into conjoining jamo (U+1100..U+11FF), everything else unchanged.

    * Precomposed syllables (U+AC00..U+D7A3) become their initial + medial (+ final) jamo, exactly as NFD
      decomposes them: ``'있'`` -> ``'\\u110b\\u1175\\u11bb'`` (ᄋ ᅵ ᆻ; a double final such as ᆻ is one
      jamo).
    * Hangul Compatibility Jamo letters (U+3131..U+318E, e.g. ``'ㄱ'`` typed alone) become the conjoining
      jamo their NFKD decomposition gives (``'ㄱ'`` -> initial ``'\\u1100'``, ``'ㅏ'`` -> ``'\\u1161'``,
      final-only clusters such as ``'ㄳ'`` -> final ``'\\u11aa'``), so a stray ``ㅋ`` for ``크`` is one
      missing vowel, not two errors.  Only that block is mapped: NFKD is *not* applied to the whole string,
      because it would also rewrite full-width Latin, ligatures, circled digits and halfwidth jamo.
    * Everything else, including conjoining jamo already in the input and Latin letters with accents, is
      left as it is (plain NFD would split ``'é'`` into two code points).

    Because NFD input is already conjoining jamo, the result is the same for NFC and NFD spellings.

    Args:
        text: any string.

    Returns:
        The decomposed string; ``len`` is the number of jamo plus the number of other characters.

    >>> [hex(ord(c)) for c in to_jamo("있ㄱ")]
    ['0x110b', '0x1175', '0x11bb', '0x1100']
    """
    out = []
    for char in text:
        code = ord(char)
        if SYLLABLE_FIRST <= code <= SYLLABLE_LAST:
            index = code - SYLLABLE_FIRST
            out.append(chr(_L_BASE + index // _N_COUNT))
            out.append(chr(_V_BASE + (index % _N_COUNT) // _T_COUNT))
            if index % _T_COUNT:
                out.append(chr(_T_BASE + index % _T_COUNT))
        elif _COMPAT_FIRST <= code <= _COMPAT_LAST:
            out.append(unicodedata.normalize("NFKD", char))
        else:
            out.append(char)
    return "".join(out)


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal: 2 for East Asian Wide and Fullwidth characters (Hangul syllables,
    CJK), 1 for everything else (Unicode Standard Annex #11).

    >>> display_width("가a"), len("가a")
    (3, 2)
    """
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
