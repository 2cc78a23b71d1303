"""The ``name`` kind of generated line: Korean personal names, with titles and labels, and shop names.

Names are composed from the shipped lists (:func:`easyocr_ko.text.lexicon.name_lists`): a surname drawn with
weight 1 / rank and a given name that is a whole shipped name, two shipped syllables or one syllable.  Shop names
take a prefix and a kind of shop from :func:`easyocr_ko.text.lexicon.place_lists`.

Each function takes the sample's :class:`random.Random` and draws from it in a fixed order (the generator's output
for a seed depends on that order); the results are not yet checked against the line rules (length, characters):
:class:`easyocr_ko.text.generator.TextGenerator` does that and draws again when a line does not fit.

>>> import random
>>> from easyocr_ko.text.lexicon import name_lists
>>> len(full_name(random.Random(0), name_lists())) in range(2, 6)
True
"""
from __future__ import annotations

import random

from easyocr_ko.text.lexicon import NameLists, PlaceLists, pick

__all__ = ["name_line", "surname", "given_name", "full_name", "shop_name"]


def name_line(rng: random.Random, names: NameLists, places: PlaceLists) -> str:
    """One line of the ``name`` kind: a full name (33 %), with a title (김민준 대리, 33 %), a surname with a title
    (박 과장, 8 %), a given name with 씨/님 (4 %), a labelled name (담당자 김민준, 7 %), two names (3 %), or a shop
    name (12 %, :func:`shop_name`).

    Args:
        rng: the sample's RNG.
        names: the shipped name lists.
        places: the shipped place lists (for :func:`shop_name`).
    """
    r = rng.random()
    if r < 0.33:
        return full_name(rng, names)
    if r < 0.66:
        return f"{full_name(rng, names)} {pick(rng, names.titles)}"
    if r < 0.74:
        title = pick(rng, names.surname_titles)
        return f"{surname(rng, names)} {title}"
    if r < 0.78:
        return f"{given_name(rng, names)} {pick(rng, ('씨', '님'))}"
    if r < 0.85:
        label = pick(rng, ("담당자", "성명:", "이름:", "받는 분", "보내는 분", "작성자:", "보호자", "대표"))
        return f"{label} {full_name(rng, names)}"
    if r < 0.88:
        return f"{full_name(rng, names)}, {full_name(rng, names)}"
    return shop_name(rng, names, places)


def surname(rng: random.Random, names: NameLists) -> str:
    """A surname, rank r drawn with weight 1/r (one ``rng.choices`` call)."""
    return rng.choices(names.surnames, names.surname_weights)[0]


def given_name(rng: random.Random, names: NameLists) -> str:
    """A given name: 50 % a whole shipped name, 45 % two shipped syllables, 5 % one syllable."""
    r = rng.random()
    if r < 0.5:
        return pick(rng, names.given_full)
    if r < 0.95:
        return pick(rng, names.given_first) + pick(rng, names.given_second)
    return pick(rng, names.given_single)


def full_name(rng: random.Random, names: NameLists) -> str:
    """Surname + given name, no space (김민준): 2-5 syllables."""
    return surname(rng, names) + given_name(rng, names)


def shop_name(rng: random.Random, names: NameLists, places: PlaceLists) -> str:
    """A prefix (shipped word 60 %, district without its suffix 20 %, someone's given name + 네 20 %), an optional
    space and a shop type (행복 약국, 강남분식, 민준네 꽃집)."""
    prefix_kind = rng.random()
    if prefix_kind < 0.6:
        prefix = pick(rng, places.shop_prefixes)
    elif prefix_kind < 0.8:
        prefix = pick(rng, places.regions).district.split(" ")[-1][:-1]  # 강남구 -> 강남
    else:
        prefix = given_name(rng, names) + "네"
    return prefix + pick(rng, ("", " ")) + pick(rng, places.shop_types)
