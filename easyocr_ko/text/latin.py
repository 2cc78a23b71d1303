"""The ``latin`` kind of generated line: Hangul mixed with Latin acronyms and words (KTX 승차권, Wi-Fi 비밀번호),
e-mail and web addresses, short codes, and Hangul with punctuation (``, . ? ! ( ) - ~ : / ' "``).

About a third of these lines are Hangul with punctuation and no Latin word (the mark ``O/X`` aside), using
:data:`~easyocr_ko.text.lexicon.SYMBOLS` (:func:`punctuation`), which handwriting data sets rarely show.

Each function takes the sample's :class:`random.Random` and draws from it in a fixed order (the generator's output
for a seed depends on that order); the results are not yet checked against the line rules (length, characters):
:class:`easyocr_ko.text.generator.TextGenerator` does that and draws again when a line does not fit.

>>> import random
>>> code(random.Random(0))
'C반'
"""
from __future__ import annotations

import random
from collections.abc import Callable, Sequence

from easyocr_ko.hangul import is_hangul_syllable
from easyocr_ko.text.grammar import attach_particle, conjugate, copula
from easyocr_ko.text.lexicon import (
    ACRONYM_NOUNS,
    ACRONYMS,
    ADVERBS_ADJ,
    DEVICES,
    EMAIL_DOMAINS,
    EXPRESSIONS,
    ID_PARTS,
    INTERJECTIONS,
    LABELS,
    LATIN_GENERIC,
    LATIN_PHRASES,
    LATIN_SHOP,
    NOUNS,
    PAST_FORMS,
    PRESENT_FORMS,
    TRANSITIVE,
    WEEKDAYS,
    PlaceLists,
    Verb,
    WordPools,
    pick,
)
from easyocr_ko.text.names import full_name
from easyocr_ko.text.sentences import final, noun, template_sentence

__all__ = ["latin_line", "acronym_phrase", "device_sentence", "latin_phrase", "web_address", "code", "punctuation"]

_ON_DEVICE_VERBS = (Verb("확인하다", ""), Verb("찾다", ""), Verb("보내다", ""), Verb("받다", ""))
"""Verbs for what is found on a device (SNS에서 사진을 확인하다)."""


def latin_line(rng: random.Random, pools: WordPools) -> str:
    """One line of the ``latin`` kind: acronym phrases (25 %), device sentences (12 %), Latin words and phrases
    (15 %), e-mail and web addresses (7 %), codes (6 %), and Hangul with punctuation but no Latin letter (35 %).

    Args:
        rng: the sample's RNG.
        pools: the shipped lists and the generator's dictionary pools.
    """
    r = rng.random()
    if r < 0.25:
        return acronym_phrase(rng, pools.nouns)
    if r < 0.37:
        return device_sentence(rng)
    if r < 0.52:
        return latin_phrase(rng, pools.latin_words, pools.places)
    if r < 0.59:
        return web_address(rng)
    if r < 0.65:
        return code(rng)
    return punctuation(rng, pools)


def acronym_phrase(rng: random.Random, nouns: Sequence[str]) -> str:
    """KTX 승차권, USB 안내, PDF 보고서 (an acronym before one of ``nouns``), sometimes with the copula
    (CCTV 설치입니다)."""
    u = rng.random()
    if u < 0.5:
        text = pick(rng, ACRONYM_NOUNS)
    elif u < 0.75:
        text = f"{pick(rng, ACRONYMS)} {pick(rng, LATIN_GENERIC)}"
    else:
        text = f"{pick(rng, ACRONYMS)} {pick(rng, nouns)}"
    if is_hangul_syllable(text[-1]) and rng.random() < 0.15:
        text = copula(text, pick(rng, ("formal", "polite")))
    return text


def device_sentence(rng: random.Random) -> str:
    """TV를 켜세요, ATM을 찾았다, SNS에서 사진을 확인했어요."""
    device = pick(rng, DEVICES)
    verb = pick(rng, device.verbs)
    form = pick(rng, PAST_FORMS + PRESENT_FORMS + ("request",))
    head = attach_particle(device.term, "을/를", device.batchim)
    if device.term in ("SNS", "PC", "E-mail", "USB") and rng.random() < 0.4:
        place = attach_particle(device.term, "에서", device.batchim)
        head = f"{place} {attach_particle(noun(rng, 'send'), '을/를')}"
        verb = pick(rng, _ON_DEVICE_VERBS)
    return f"{head} {final(rng, verb.lemma, form, 'verb', verb.irregular)}"


def latin_phrase(rng: random.Random, latin_words: Sequence[str], places: PlaceLists) -> str:
    """One of ``latin_words`` (Latin dictionary entries, may be empty) with a Hangul noun, a Latin shop name
    (Cafe 한빛) or a sign (OPEN 09:00)."""
    if latin_words and rng.random() < 0.3:
        return f"{pick(rng, latin_words)} {pick(rng, LATIN_GENERIC)}"
    if rng.random() < 0.3:
        shop, prefix = pick(rng, LATIN_SHOP), pick(rng, places.shop_prefixes)
        return pick(rng, (f"{shop} {prefix}", f"{prefix} {shop}", f"{shop.upper()} {prefix}"))
    text = pick(rng, LATIN_PHRASES)
    if text in ("OPEN", "CLOSE"):
        text += f" {rng.randrange(6, 12):02d}:00"
    return text


def web_address(rng: random.Random) -> str:
    """An e-mail address, or a web address, a user ID or a hashtag."""
    suffix = pick(rng, ("", str(rng.randrange(100)), str(rng.randrange(1970, 2010))))
    user = pick(rng, ID_PARTS) + suffix
    address = f"{user}@{pick(rng, EMAIL_DOMAINS)}"
    if rng.random() < 0.4:
        return pick(rng, (f"www.{pick(rng, ID_PARTS)}.co.kr", f"{pick(rng, ID_PARTS)}.com",
                          f"ID: {user}", f"#{pick(rng, NOUNS['food'] + NOUNS['place'])}"))
    return address


def code(rng: random.Random) -> str:
    """Short codes: D-day, quarters, seat and grade letters, blood types, sizes, O/X."""
    return pick(rng, (f"D-{rng.randrange(1, 100)}", "D-day", f"Q{rng.randrange(1, 5)}", "Q&A",
                      f"{pick(rng, 'ABC')}-{rng.randrange(1, 30)}",
                      f"{pick(rng, 'ABCDEF')}{rng.randrange(1, 9)}",
                      f"{pick(rng, 'ABO')}형", f"{pick(rng, ('S', 'M', 'L', 'XL'))} 사이즈",
                      f"{pick(rng, 'ABCD')}등급", f"{pick(rng, ('ABCD'))}반", "O/X", "A/B"))


# --------------------------------------------------------------------------------------------------------
# Punctuation (part of the latin kind)
# --------------------------------------------------------------------------------------------------------
def punctuation(rng: random.Random, pools: WordPools) -> str:
    """Hangul with the punctuation of :data:`~easyocr_ko.text.lexicon.SYMBOLS` and no Latin word (``O/X`` aside),
    from one of 8 equally likely makers.

    Args:
        rng: the sample's RNG.
        pools: the shipped lists and the generator's dictionary pools.
    """
    makers: tuple[Callable[[random.Random, WordPools], str], ...] = (
        _quoted, _question_or_exclamation, _parenthesised, _labelled_value,
        _range, _slashed, _punctuated_sentence, _interjection,
    )
    return pick(rng, makers)(rng, pools)


def _quoted(rng: random.Random, pools: WordPools) -> str:
    """'사과' or "감사합니다"."""
    inner = pick(rng, pools.nouns) if rng.random() < 0.5 else pick(rng, EXPRESSIONS)
    return pick(rng, (f"'{inner}'", f"\"{inner}\""))


def _question_or_exclamation(rng: random.Random, _pools: WordPools) -> str:
    """사과 샀어요?  /  음, 먹어요?  /  와, 정말 좋다!  /  정말요?"""
    verb = pick(rng, TRANSITIVE)
    obj = noun(rng, pick(rng, verb.objects))
    form = pick(rng, ("polite", "past_polite"))
    adjective = pick(rng, ("좋다", "맛있다", "재미있다", "예쁘다", "멋있다"))
    exclaim = conjugate(adjective, pick(rng, ("plain", "polite")), "adj")
    return pick(rng, (f"{obj} {conjugate(verb.lemma, form, 'verb', verb.irregular)}?",
                      f"{pick(rng, INTERJECTIONS)}, {conjugate(verb.lemma, form, 'verb', verb.irregular)}?",
                      f"{pick(rng, ('와', '우와', '아'))}, {pick(rng, ADVERBS_ADJ)} {exclaim}!",
                      f"{pick(rng, ('정말요', '진짜', '왜요', '어디요', '언제요', '뭐라고요', '그래요'))}?"))


def _parenthesised(rng: random.Random, pools: WordPools) -> str:
    """(주)한빛, 김민준(35세), 학교(월), (단위: 원) ..."""
    prefix, name = pick(rng, pools.places.shop_prefixes), full_name(rng, pools.names)
    return pick(rng, (f"(주){prefix}", f"(사){prefix}협회", f"{name}({rng.randrange(1, 90)}세)",
                      f"{pick(rng, pools.nouns)}(필수)", "(단위: 원)", f"(예: {name})",
                      f"{pick(rng, NOUNS['place'])}({pick(rng, WEEKDAYS)})"))


def _labelled_value(rng: random.Random, pools: WordPools) -> str:
    """A form field, label: value (장소: 학교, 준비물: 연필, 공책)."""
    label = pick(rng, tuple(LABELS))
    kind = LABELS[label]
    if kind == "name":
        value = full_name(rng, pools.names)
    elif kind == "things":
        value = ", ".join(pick(rng, NOUNS["thing"]) for _ in range(rng.randrange(1, 4)))
    elif kind in NOUNS:
        value = noun(rng, kind)
    else:
        value = pick(rng, pools.nouns)
    return f"{label}: {value}"


def _range(rng: random.Random, _pools: WordPools) -> str:
    """월~금, 서울 - 부산, 3~15일."""
    a, b = pick(rng, NOUNS["place"]), pick(rng, NOUNS["place"])
    return pick(rng, (f"{pick(rng, WEEKDAYS)}~{pick(rng, WEEKDAYS)}", f"{a}~{b}",
                      f"{a} - {b}", f"{a} ~ {b}", f"{rng.randrange(1, 10)}~{rng.randrange(10, 30)}일"))


def _slashed(rng: random.Random, _pools: WordPools) -> str:
    """예/아니요, 상/중/하, 커피/녹차."""
    return pick(rng, ("예/아니요", "남/여", "O/X", "유/무", "상/중/하", "찬성/반대",
                      f"{pick(rng, NOUNS['drink'])}/{pick(rng, NOUNS['drink'])}"))


def _punctuated_sentence(rng: random.Random, pools: WordPools) -> str:
    """A template sentence (:func:`easyocr_ko.text.sentences.template_sentence`) ending in . ! ? or ..."""
    text, _ = template_sentence(rng, pools)
    return text + pick(rng, (".", "!", "?", "..."))


def _interjection(rng: random.Random, _pools: WordPools) -> str:
    """네, 알겠습니다.  /  아, 감사합니다!"""
    expression = pick(rng, [e for e in EXPRESSIONS if "," not in e and "?" not in e])
    return f"{pick(rng, INTERJECTIONS)}, {expression}{pick(rng, ('.', '!', ''))}"
