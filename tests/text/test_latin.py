"""easyocr_ko.text.latin: Latin mixes, addresses and codes, and the punctuation lines without a Latin letter."""
from __future__ import annotations

import random
import re
import string

from easyocr_ko.text.latin import code, latin_line, latin_phrase, punctuation, web_address
from easyocr_ko.text.lexicon import SYMBOLS, WordPools, name_lists, place_lists

POOLS = WordPools(words=["사과"], nouns=["사과", "학교"], ha_words=[], doe_words=[], latin_words=["hello"],
                  names=name_lists(), places=place_lists())


def test_latin_lines_mix_latin_letters_and_punctuation() -> None:
    lines = [latin_line(random.Random(i), POOLS) for i in range(1000)]
    assert all(line and line.isprintable() and line == line.strip() for line in lines)
    ascii_ok = set(string.ascii_letters + string.digits + SYMBOLS + " ")
    assert all(c in ascii_ok or "\uac00" <= c <= "\ud7a3" for line in lines for c in line)
    no_latin = sum(not re.search("[A-Za-z]", line) for line in lines) / len(lines)
    assert 0.3 < no_latin < 0.5  # the punctuation lines (35 %) and a few codes


def test_punctuation_lines_hold_no_latin_letter() -> None:
    lines = [punctuation(random.Random(i), POOLS) for i in range(400)]
    assert {line for line in lines if re.search("[A-Za-z]", line)} <= {"O/X"}  # O/X is a mark, not a word
    assert all(any(c in SYMBOLS for c in line) for line in lines)


def test_addresses_codes_and_dictionary_words() -> None:
    addresses = [web_address(random.Random(i)) for i in range(200)]
    assert any(re.fullmatch(r"[a-z]+\d*@[a-z.]+", a) for a in addresses)
    assert any(a.startswith("#") for a in addresses)
    codes = {code(random.Random(i)) for i in range(200)}
    assert "D-day" in codes and any(re.fullmatch(r"D-\d+", c) for c in codes)
    phrases = [latin_phrase(random.Random(i), POOLS.latin_words, POOLS.places) for i in range(200)]
    assert any(p.startswith("hello ") for p in phrases)
    assert not any(p.startswith("hello ") for p in (latin_phrase(random.Random(i), [], POOLS.places)
                                                    for i in range(200)))
