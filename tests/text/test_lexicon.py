"""easyocr_ko.text.lexicon: every table row has its named fields filled, the tables agree with the grammar (every
predicate conjugates, every category exists), all their Hangul is KS X 1001, and the shipped name/place lists."""
from __future__ import annotations

import random
from typing import Any, NamedTuple

import pytest

from easyocr_ko.charset import ks_x_1001_hangul
from easyocr_ko.hangul import is_hangul_syllable
from easyocr_ko.text import lexicon
from easyocr_ko.text.grammar import FORMS, IRREGULAR, conjugate
from easyocr_ko.text.lexicon import (
    ADJ_SUBJECTS,
    ADJECTIVES,
    AT_PLACE,
    COUNT_UNITS,
    DEVICES,
    GENERIC_OBJ,
    GENERIC_SUBJ,
    LABELS,
    NOUNS,
    SUBJECT_VERBS,
    TRANSITIVE,
    name_lists,
    pick,
    place_lists,
)

ROW_TABLES = {"TRANSITIVE": TRANSITIVE, "AT_PLACE": AT_PLACE, "SUBJECT_VERBS": SUBJECT_VERBS,
              "ADJECTIVES": ADJECTIVES, "GENERIC_OBJ": GENERIC_OBJ, "GENERIC_SUBJ": GENERIC_SUBJ, "DEVICES": DEVICES,
              "COUNT_UNITS": COUNT_UNITS}


def _rows(table: tuple) -> list[NamedTuple]:
    """The rows of a table, with the verbs nested in DEVICES rows too."""
    out = list(table)
    for row in table:
        out += list(getattr(row, "verbs", ()))
    return out


def _check_field(row: Any, name: str) -> None:
    value = getattr(row, name)
    if name == "irregular":
        assert value in IRREGULAR, row
    elif name == "batchim":
        assert isinstance(value, bool), row
    else:
        assert value, (row, name)  # non-empty string, tuple or range
        if isinstance(value, tuple):
            assert all(item or item == 0 for item in value), (row, name)


@pytest.mark.parametrize("name", ROW_TABLES)
def test_every_row_has_its_named_fields_filled(name: str) -> None:
    table = ROW_TABLES[name]
    assert table, name
    for row in _rows(table):
        assert hasattr(row, "_fields"), f"{name} row {row!r} is not a NamedTuple"
        for field in row._fields:
            _check_field(row, field)


def test_tables_agree_with_the_grammar() -> None:
    categories = set(NOUNS) | set(ADJ_SUBJECTS)
    for verb in TRANSITIVE:
        assert set(verb.objects) <= set(NOUNS), verb
    for adjective in ADJECTIVES:
        assert set(adjective.subjects) <= categories, adjective
    assert {kind for kind in LABELS.values()} - set(NOUNS) <= {"name", "things", "dict"}
    verbs = [(v.lemma, v.irregular) for v in _rows(TRANSITIVE) + _rows(AT_PLACE) + _rows(GENERIC_OBJ)]
    verbs += [(v.lemma, v.irregular) for v in SUBJECT_VERBS + tuple(v for d in DEVICES for v in d.verbs)]
    verbs += [(lemma, "") for lemma in lexicon.MOTION + lexicon.TALK]
    for lemma, irregular in verbs:
        assert [conjugate(lemma, form, "verb", irregular) for form in FORMS], lemma  # raises if a form is missing
    adjectives = [(a.lemma, a.irregular, "adj") for a in ADJECTIVES]
    adjectives += [(p.lemma, p.irregular, p.pos) for p in GENERIC_SUBJ]
    for lemma, irregular, pos in adjectives:
        forms = [f for f in FORMS if pos == "verb" or f not in ("request", "adnominal_past")]
        assert [conjugate(lemma, form, pos, irregular) for form in forms], lemma


def test_all_hangul_of_the_tables_is_ks_x_1001() -> None:
    ks = set(ks_x_1001_hangul())
    strings: list[str] = []

    def collect(value: Any) -> None:
        if isinstance(value, str):
            strings.append(value)
        elif isinstance(value, dict):
            for key, item in value.items():
                collect(key)
                collect(item)
        elif isinstance(value, (tuple, list)):
            for item in value:
                collect(item)

    for name in lexicon.__all__:
        if name.isupper():
            collect(getattr(lexicon, name))
    outside = {c for s in strings for c in s if is_hangul_syllable(c) and c not in ks}
    assert len(strings) > 1000 and not outside, outside


def test_shipped_name_and_place_lists() -> None:
    names, places = name_lists(), place_lists()
    assert names.surnames[:3] == ("김", "이", "박") and len(names.surnames) == len(names.surname_weights)
    assert names.surname_weights[:2] == (1.0, 0.5)
    for field in names._fields:
        assert getattr(names, field), field
    assert set(names.surname_titles) <= set(names.titles)
    assert all(len(s) == 1 for s in names.given_first + names.given_second + names.given_single)
    for field in places._fields:
        assert getattr(places, field), field
    assert all(r.full and r.short and r.district.endswith(("구", "시", "군", "동")) for r in places.regions)
    assert name_lists() is names  # read once


def test_pick_draws_one_randrange() -> None:
    a, b = random.Random(5), random.Random(5)
    items = ("가", "나", "다")
    assert pick(a, items) == items[b.randrange(3)]
    assert a.random() == b.random()
    with pytest.raises(ValueError):
        pick(a, ())


def test_shipped_lists_are_ks_x_1001() -> None:
    ks = set(ks_x_1001_hangul())
    names, places = name_lists(), place_lists()
    strings = [s for field in names._fields if field != "surname_weights" for s in getattr(names, field)]
    strings += [s for field in places._fields for row in getattr(places, field)
                for s in (row if isinstance(row, tuple) else (row,))]
    outside = {c for s in strings for c in s if is_hangul_syllable(c) and c not in ks}
    assert len(strings) > 300 and not outside, outside
