"""The ``sentence`` kind of generated line: 2-6 eojeol with conjugated endings, from templates, fixed expressions
and the dictionary's own nouns and ``-하다``/``-되다`` words.

A recognizer trained on dictionary headwords alone (``가다``, ``먹다``) fails on conjugated forms (``했다``,
``먹었다``: korean_g2 lacks 했/었/겠/됐 ...) and on lines with spaces.  The templates here put curated nouns and
predicates of :mod:`easyocr_ko.text.lexicon` in grammatical order (저는 어제 시장에서 사과를 샀다), with particles
and endings composed from jamo by :mod:`easyocr_ko.text.grammar`; the tense of the ending agrees with the time word.

Each function takes the sample's :class:`random.Random` and draws from it in a fixed order (the generator's output
for a seed depends on that order); the results are not yet checked against the line rules (length, characters):
:class:`easyocr_ko.text.generator.TextGenerator` does that and draws again when a line does not fit.
:func:`noun`, :func:`final` and :func:`template_sentence` also serve the ``latin`` kind
(:mod:`easyocr_ko.text.latin`).

>>> import random
>>> from easyocr_ko.text.lexicon import NOUNS, WordPools, name_lists, place_lists
>>> pools = WordPools([], list(NOUNS["thing"]), [], [], [], name_lists(), place_lists())
>>> 2 <= len(template_sentence(random.Random(0), pools)[0].split(" ")) <= 6
True
"""
from __future__ import annotations

import random
from collections.abc import Callable

from easyocr_ko.text.grammar import attach_particle, conjugate, copula
from easyocr_ko.text.lexicon import (
    ADJ_SUBJECTS,
    ADJECTIVES,
    ADVERBS_ADJ,
    ADVERBS_VERB,
    AT_PLACE,
    BROKEN,
    EXPRESSIONS,
    FUTURE_FORMS,
    GENERIC_OBJ,
    GENERIC_SUBJ,
    MOTION,
    NEUTRAL_FORMS,
    NOUNS,
    PAST_FORMS,
    PRESENT_FORMS,
    SUBJECT_VERBS,
    SUBJECTS_1P,
    SYMBOLS,
    TALK,
    TIMES,
    TRANSITIVE,
    NameLists,
    Transitive,
    WordPools,
    pick,
)
from easyocr_ko.text.names import full_name, given_name

__all__ = ["sentence_line", "template_sentence", "noun", "final"]

_Template = Callable[[random.Random, NameLists, list[str], str], tuple[list[str], str]]
"""A sentence template, ``(rng, names, parts, tense) -> (eojeol, final form)``: ``parts`` holds the optional time
word; the template appends to it (or starts a new list) and returns it."""


# --------------------------------------------------------------------------------------------------------
# Helpers shared with the latin kind
# --------------------------------------------------------------------------------------------------------
def noun(rng: random.Random, category: str) -> str:
    """A noun of a :data:`~easyocr_ko.text.lexicon.NOUNS` category or an
    :data:`~easyocr_ko.text.lexicon.ADJ_SUBJECTS` key (one draw).

    Raises:
        KeyError: an unknown category.
    """
    if category in ADJ_SUBJECTS:
        return pick(rng, ADJ_SUBJECTS[category])
    return pick(rng, NOUNS[category])


def final(rng: random.Random, lemma: str, form: str, pos: str = "verb", irregular: str = "") -> str:
    """A sentence-final predicate: a grammar form (:func:`easyocr_ko.text.grammar.conjugate`), ``will``
    (-ㄹ 거예요) or ``request`` (half of them -아/어 주세요, which draws one number)."""
    if form == "will":
        return conjugate(lemma, "adnominal_future", pos, irregular) + " 거예요"
    if form == "request" and rng.random() < 0.5:
        return conjugate(lemma, "infinitive", pos, irregular) + " 주세요"
    return conjugate(lemma, form, pos, irregular)


def _time(rng: random.Random, tense: str | None = None) -> tuple[str, str]:
    """``(time word, tense)``; the tense (``past``/``future``/``present``/``any``) is drawn when not given."""
    tense = tense or pick(rng, ("past", "future", "present", "any", "any"))
    return pick(rng, TIMES[tense]), tense


def _forms_for(tense: str, pos: str) -> tuple[str, ...]:
    """The sentence-final forms that agree with ``tense`` (``request`` only for verbs, never in the past)."""
    forms = {"past": PAST_FORMS, "future": FUTURE_FORMS + PRESENT_FORMS, "present": PRESENT_FORMS,
             "any": PAST_FORMS + PRESENT_FORMS + FUTURE_FORMS}[tense]
    if pos == "verb" and tense in ("future", "any"):
        forms += ("request", "request")
    return forms


def _punctuate(rng: random.Random, text: str, form: str) -> str:
    """``text`` with a final ``.`` (10 %) or ``?``/``!`` (6 %, ``?`` after question-like forms)."""
    r = rng.random()
    if text[-1] in SYMBOLS:
        return text
    if r < 0.10:
        return text + "."
    if r < 0.16:
        return text + ("?" if form in ("polite", "past_polite", "will", "future_polite") else "!")
    return text


# --------------------------------------------------------------------------------------------------------
# The kind
# --------------------------------------------------------------------------------------------------------
def sentence_line(rng: random.Random, pools: WordPools) -> str:
    """One line of the ``sentence`` kind: a fixed expression (6 %), a sentence around a dictionary word (28 % when
    there are words) or a template sentence, sometimes with final punctuation.

    Args:
        rng: the sample's RNG.
        pools: the shipped lists and the generator's dictionary pools.

    Returns:
        The sentence, or ``""`` (never a valid line: the caller draws again) unless it has 2-6 eojeol.
    """
    r = rng.random()
    if r < 0.06:
        text, form = _expression(rng, pools.names), "polite"
    elif r < 0.34 and pools.words:
        text, form = _dict_sentence(rng, pools)
    else:
        text, form = template_sentence(rng, pools)
    if not 2 <= len(text.split(" ")) <= 6:
        return ""  # an empty line is never valid: the caller draws again
    return _punctuate(rng, text, form)


def _expression(rng: random.Random, names: NameLists) -> str:
    """A fixed expression; a one-eojeol one gets a vocative so that every sentence has 2-6 eojeol."""
    text = pick(rng, EXPRESSIONS)
    if " " not in text:
        vocative = pick(rng, ("여러분", "선생님", "어머니", "사장님", "고객님", f"{given_name(rng, names)} 씨"))
        text = f"{vocative}, {text}"
    return text


def template_sentence(rng: random.Random, pools: WordPools) -> tuple[str, str]:
    """``(sentence, final form)`` from one of 11 equally likely template slots, after an optional time word
    (45 %; without it the tense is ``any``).  Some templates drop the time word.

    Args:
        rng: the sample's RNG.
        pools: the shipped lists (the names, for the copula template).
    """
    templates: tuple[_Template, ...] = (
        _transitive_sentence, _transitive_sentence, _transitive_sentence,
        _motion_sentence, _at_place_sentence, _subject_sentence,
        _adjective_sentence, _adjective_sentence,
        _two_clause_sentence, _auxiliary_sentence, _copula_sentence,
    )
    template = pick(rng, templates)
    time, tense = _time(rng)
    lead: list[str] = []
    if rng.random() < 0.45:
        lead.append(time)
    else:
        tense = "any"
    parts, form = template(rng, pools.names, lead, tense)
    return " ".join(parts), form


def _transitive_sentence(rng: random.Random, _names: NameLists, parts: list[str],
                         tense: str) -> tuple[list[str], str]:
    """[I] [time] [place에서] object을/를 [adverb] verb: 저는 어제 시장에서 사과를 샀다."""
    verb = pick(rng, TRANSITIVE)
    form = pick(rng, _forms_for(tense, "verb"))
    if form != "request" and rng.random() < 0.25:
        parts.insert(0, pick(rng, SUBJECTS_1P))
    if rng.random() < 0.3:
        parts.append(attach_particle(noun(rng, "place"), "에서"))
    parts.append(attach_particle(noun(rng, pick(rng, verb.objects)), "을/를"))
    if rng.random() < 0.25:
        parts.append(pick(rng, ADVERBS_VERB))
    parts.append(final(rng, verb.lemma, form, "verb", verb.irregular))
    return parts, form


def _motion_sentence(rng: random.Random, _names: NameLists, parts: list[str], tense: str) -> tuple[list[str], str]:
    """[time] [person과 같이] place에/으로 verb of motion: 친구와 같이 학교에 가요."""
    lemma = pick(rng, MOTION)
    form = pick(rng, _forms_for(tense, "verb"))
    if rng.random() < 0.3:
        parts += [attach_particle(noun(rng, "person"), "과/와"), "같이"]
    parts.append(attach_particle(noun(rng, "place"), pick(rng, ("에", "에", "으로/로"))))
    parts.append(final(rng, lemma, form))
    return parts, form


def _at_place_sentence(rng: random.Random, _names: NameLists, parts: list[str],
                       tense: str) -> tuple[list[str], str]:
    """[time] place에서 [adverb] verb: 도서관에서 열심히 공부했어요."""
    verb = pick(rng, AT_PLACE)
    form = pick(rng, _forms_for(tense, "verb"))
    parts.append(attach_particle(noun(rng, "place"), "에서"))
    if rng.random() < 0.3:
        parts.append(pick(rng, ADVERBS_VERB))
    parts.append(final(rng, verb.lemma, form, "verb", verb.irregular))
    return parts, form


def _subject_sentence(rng: random.Random, _names: NameLists, parts: list[str], tense: str) -> tuple[list[str], str]:
    """[time] subject이/가 intransitive verb: 비가 왔다; 15 % a breakdown: 컴퓨터가 고장 났어요."""
    row = pick(rng, SUBJECT_VERBS)
    form = pick(rng, [f for f in _forms_for(tense, "verb") if f != "request"])
    lemma, irregular = row.lemma, row.irregular
    if rng.random() < 0.15:
        parts += [attach_particle(pick(rng, BROKEN), "이/가"), "고장"]
        lemma, irregular = "나다", ""
    else:
        parts.append(attach_particle(pick(rng, row.subjects), "이/가"))
    parts.append(final(rng, lemma, form, "verb", irregular))
    return parts, form


def _adjective_sentence(rng: random.Random, _names: NameLists, parts: list[str],
                        tense: str) -> tuple[list[str], str]:
    """[time] subject이/가 [degree] adjective, sometimes two joined by -지만: 날씨가 정말 좋아요."""
    adjective = pick(rng, ADJECTIVES)
    form = pick(rng, [f for f in _forms_for(tense, "adj") if f != "request"])
    category = pick(rng, adjective.subjects)
    subject = noun(rng, category)
    if category == "person" and rng.random() < 0.4:
        parts.append(pick(rng, ("저는", "나는", "오늘은", "요즘")))
    else:
        parts.append(attach_particle(subject, pick(rng, ("이/가", "이/가", "은/는", "도"))))
    if rng.random() < 0.4:
        parts.append(pick(rng, ADVERBS_ADJ))
    if rng.random() < 0.15:
        parts.append(conjugate(adjective.lemma, "but", "adj", adjective.irregular))
        adjective = pick(rng, [a for a in ADJECTIVES if category in a.subjects])
    parts.append(final(rng, adjective.lemma, form, "adj", adjective.irregular))
    return parts, form


def _two_clause_sentence(rng: random.Random, _names: NameLists, _lead: list[str],
                         _tense: str) -> tuple[list[str], str]:
    """Two clauses joined by -고 or -아/어서 (no time word): 밥을 먹고 학교에 갔다."""
    form = pick(rng, PAST_FORMS + PRESENT_FORMS)
    choice = rng.randrange(3)
    verb = pick(rng, TRANSITIVE)
    clauses = (_and_then_clauses, _go_and_clauses, _because_clauses)
    return clauses[choice](rng, verb, form), form


def _and_then_clauses(rng: random.Random, verb: Transitive, form: str) -> list[str]:
    """밥을 먹고 학교에 갔다."""
    return [attach_particle(noun(rng, pick(rng, verb.objects)), "을/를"),
            conjugate(verb.lemma, "and", "verb", verb.irregular),
            attach_particle(noun(rng, "place"), "에"), conjugate(pick(rng, MOTION), form)]


def _go_and_clauses(rng: random.Random, verb: Transitive, form: str) -> list[str]:
    """시장에 가서 사과를 샀다."""
    return [attach_particle(noun(rng, "place"), "에"),
            conjugate(pick(rng, ("가다", "들어가다", "오다", "나가다")), "so"),
            attach_particle(noun(rng, pick(rng, verb.objects)), "을/를"),
            conjugate(verb.lemma, form, "verb", verb.irregular)]


def _because_clauses(rng: random.Random, verb: Transitive, form: str) -> list[str]:
    """날씨가 더워서 물을 마셨다."""
    adjective = pick(rng, [a for a in ADJECTIVES if "weather" in a.subjects or "person" in a.subjects])
    subject = "날씨" if "weather" in adjective.subjects else pick(rng, ("저는", "너무", "오늘은"))
    return [attach_particle(subject, "이/가") if subject == "날씨" else subject,
            conjugate(adjective.lemma, "so", "adj", adjective.irregular),
            attach_particle(noun(rng, pick(rng, verb.objects)), "을/를"),
            conjugate(verb.lemma, form, "verb", verb.irregular)]


def _auxiliary_sentence(rng: random.Random, _names: NameLists, _lead: list[str],
                        _tense: str) -> tuple[list[str], str]:
    """object을/를 verb-고 싶다 / verb-고 있다 / a negation (공부하지 않다, 안 먹다), or a noun phrase
    (:func:`_noun_phrase`); no time word."""
    verb = pick(rng, TRANSITIVE)
    obj = attach_particle(noun(rng, pick(rng, verb.objects)), "을/를")
    aux = rng.randrange(4)
    form = pick(rng, ("polite", "past", "past_polite", "formal", "plain", "past_formal"))
    if aux == 0:
        return [obj, conjugate(verb.lemma, "and", "verb", verb.irregular), conjugate("싶다", form, "adj")], form
    if aux == 1:
        return [obj, conjugate(verb.lemma, "and", "verb", verb.irregular), conjugate("있다", form, "adj")], form
    if aux == 3:
        return _noun_phrase(rng, verb), form
    if verb.lemma.endswith("하다") and len(verb.lemma) > 2:
        return [obj, verb.lemma[:-2] + "하지", conjugate("않다", form, "verb")], form
    return [obj, pick(rng, ("안", "못")), conjugate(verb.lemma, form, "verb", verb.irregular)], form


def _noun_phrase(rng: random.Random, verb: Transitive) -> list[str]:
    """A past relative clause with the copula (어제 산 가방이에요) or, half of the time when an adjective
    fits, an adjective phrase (정말 맛있는 김치찌개)."""
    category = pick(rng, verb.objects)
    head = noun(rng, category)
    time, _ = _time(rng, "past")
    ending = pick(rng, ("polite", "formal", "plain"))
    parts = [time, conjugate(verb.lemma, "adnominal_past", "verb", verb.irregular), copula(head, ending)]
    if rng.random() < 0.5:
        adjectives = [a for a in ADJECTIVES if category in a.subjects]
        if adjectives:
            adjective = pick(rng, adjectives)
            parts = [pick(rng, ADVERBS_ADJ), conjugate(adjective.lemma, "adnominal", "adj", adjective.irregular),
                     head]
    return parts


def _copula_sentence(rng: random.Random, names: NameLists, _lead: list[str], _tense: str) -> tuple[list[str], str]:
    """topic은/는 noun이다 (no time word): 저는 학생입니다 / 여기는 도서관이에요 / 제 이름은 김민준입니다."""
    form = pick(rng, ("polite", "formal", "past", "past_polite"))
    choice = rng.randrange(3)
    if choice == 0:
        return [pick(rng, ("저는", "제 친구는", "우리 형은", "그 사람은")),
                copula(noun(rng, "person"), form)], form
    if choice == 1:
        return [pick(rng, ("여기는", "저기는", "이곳은", "거기는")), copula(noun(rng, "place"), form)], form
    return [pick(rng, ("제 이름은", "담당자는", "저는")), copula(full_name(rng, names), form)], form


def _dict_sentence(rng: random.Random, pools: WordPools) -> tuple[str, str]:
    """Sentences around the dictionary's own nouns and -하다/-되다 words (POS-neutral endings only)."""
    head = pick(rng, pools.nouns)
    form = pick(rng, NEUTRAL_FORMS)
    choice = rng.randrange(6)
    if choice == 0:
        verb = pick(rng, GENERIC_OBJ)
        predicate_text = final(rng, verb.lemma, form, "verb", verb.irregular)
        return f"{attach_particle(head, '을/를')} {predicate_text}", form
    if choice == 1:
        predicate = pick(rng, GENERIC_SUBJ)
        predicate_text = conjugate(predicate.lemma, form, predicate.pos, predicate.irregular)
        return f"{attach_particle(head, '이/가')} {predicate_text}", form
    if choice == 2 and pools.ha_words:
        lemma = pick(rng, pools.ha_words)
        lead = pick(rng, TIMES["any"] + ADVERBS_ADJ[:5] + ("다시", "같이", "먼저"))
        if rng.random() < 0.3:
            other = pick(rng, pools.ha_words)
            return f"{conjugate(other, 'and')} {conjugate(lemma, form)}", form
        return f"{lead} {conjugate(lemma, form)}", form
    if choice == 3 and pools.doe_words:
        return f"{attach_particle(head, '이/가')} {conjugate(pick(rng, pools.doe_words), form)}", form
    if choice == 4:
        form = pick(rng, ("polite", "formal", "past"))
        other = pick(rng, pools.nouns)
        return f"{attach_particle(head, '은/는')} {copula(other, form)}", form
    return f"{attach_particle(head, '에')} 대해 {conjugate(pick(rng, TALK), form)}", form
