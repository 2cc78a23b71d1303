"""easyocr_ko.text.names: names from the shipped lists (surnames by rank), titles and labels, and shop names."""
from __future__ import annotations

import random
from collections import Counter

from easyocr_ko.text.lexicon import name_lists, place_lists
from easyocr_ko.text.names import full_name, given_name, name_line, shop_name


def test_names_use_shipped_surnames() -> None:
    names = name_lists()
    surnames = set(names.surnames)
    full = [full_name(random.Random(i), names) for i in range(300)]
    assert all(n[:2] in surnames or n[0] in surnames for n in full)
    assert all(2 <= len(n) <= 5 for n in full)
    assert Counter(n[0] for n in full).most_common(1)[0][0] == "김"


def test_given_names_are_one_or_two_syllables_mostly() -> None:
    names = name_lists()
    given = [given_name(random.Random(i), names) for i in range(300)]
    assert all(1 <= len(g) <= 3 for g in given)
    assert Counter(len(g) for g in given).most_common(1)[0][0] == 2


def test_name_lines_reach_titles_labels_and_shops() -> None:
    names, places = name_lists(), place_lists()
    lines = [name_line(random.Random(i), names, places) for i in range(600)]
    assert all(line and line == line.strip() and "  " not in line for line in lines)
    assert any(line.split(" ")[-1] in names.titles for line in lines if " " in line)
    assert any(line.endswith(tuple(places.shop_types)) for line in lines)
    assert any(", " in line for line in lines)  # two names


def test_shop_names_end_in_a_shop_type() -> None:
    names, places = name_lists(), place_lists()
    shops = [shop_name(random.Random(i), names, places) for i in range(200)]
    assert all(s.endswith(tuple(places.shop_types)) for s in shops)
    assert any(s.split(" ")[0].endswith("네") for s in shops)  # someone's given name + 네
