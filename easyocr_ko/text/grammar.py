"""Korean grammar for generated lines: two-form particles, the copula 이다 and predicate conjugation.

Every form is composed from jamo with the Hangul syllable arithmetic of :mod:`easyocr_ko.hangul` (no word list of
conjugated forms): ``먹다`` + ``past`` -> stem ``먹`` -> infinitive ``먹어`` -> ``먹었`` + ``다``.

What is covered: regular verbs and adjectives, ``-하다`` (하 -> 해), ㄹ-stems (ㄹ drops before ㄴ/ㅂ/ㅅ), ㅡ-stems
(쓰 -> 써) and the ㅂ/ㄷ/르 irregular classes of :data:`IRREGULAR`.  What is not: the ㅅ, ㅎ, 러 and 우 irregulars
(낫다, 하얗다, 이르다, 푸다); the curated lexicon (:mod:`easyocr_ko.text.lexicon`) holds none of them.

>>> conjugate("먹다", "past"), conjugate("덥다", "polite", "adj", "b"), attach_particle("커피", "을/를")
('먹었다', '더워요', '커피를')
"""
from __future__ import annotations

from easyocr_ko.hangul import compose_syllable, decompose_syllable, has_batchim, is_hangul_syllable

__all__ = ["FORMS", "IRREGULAR", "attach_particle", "conjugate", "copula"]

FORMS = (
    "dict",            # 가다            dictionary form
    "past",            # 갔다 먹었다 했다  -았/었다
    "past_polite",     # 갔어요          -았/었어요
    "past_formal",     # 갔습니다        -았/었습니다
    "polite",          # 가요 먹어요 해요  -아/어요
    "formal",          # 갑니다 먹습니다  -(스)ㅂ니다
    "future_formal",   # 가겠습니다      -겠습니다
    "future_polite",   # 가겠어요        -겠어요
    "plain",           # 간다 먹는다 (verb), 덥다 (adjective)
    "and",             # 가고            -고
    "so",              # 가서 먹어서      -아/어서
    "but",             # 가지만          -지만
    "if",              # 가면 먹으면      -(으)면
    "request",         # 가세요 먹으세요  -(으)세요 (verbs)
    "adnominal",       # 가는 (verb), 큰 작은 맛있는 (adjective)
    "adnominal_past",  # 간 먹은 (verbs)
    "adnominal_future",  # 갈 먹을
    "infinitive",      # 가 먹어 해 봐     -아/어 (before 주세요, 보다 ...)
)
"""The forms :func:`conjugate` makes, with an example and the ending each adds."""
IRREGULAR = ("", "b", "d", "reu")
"""Conjugation classes that cannot be read off the spelling: ``""`` regular, ``b`` ㅂ-irregular (덥다 -> 더워요,
돕다 -> 도와요), ``d`` ㄷ-irregular (듣다 -> 들어요), ``reu`` 르-irregular (모르다 -> 몰라요).  ``-하다`` (해),
ㄹ-stems (알다 -> 압니다, 아는) and ㅡ-stems (쓰다 -> 써요) are regular and recognised from the spelling."""

_BRIGHT = "ㅏㅑㅗ"  # "bright" vowels: the stem takes -아 (not -어) after them
# ㅡ-less open stems contract with -아/어: 가+아 -> 가, 보+아 -> 봐, 마시+어 -> 마셔, 되+어 -> 돼.
_CONTRACTED = {"ㅏ": "ㅏ", "ㅓ": "ㅓ", "ㅕ": "ㅕ", "ㅐ": "ㅐ", "ㅗ": "ㅘ", "ㅜ": "ㅝ", "ㅣ": "ㅕ", "ㅚ": "ㅙ"}
# Forms made by a fixed suffix on the stem, on the infinitive (-아/어) and on the past stem (-았/었).
_STEM_ENDINGS = {"and": "고", "but": "지만", "future_formal": "겠습니다", "future_polite": "겠어요"}
_INFINITIVE_ENDINGS = {"infinitive": "", "polite": "요", "so": "서"}
_PAST_ENDINGS = {"past": "다", "past_polite": "어요", "past_formal": "습니다"}
# Forms of the -(으) type: (tail added to the stem's last syllable, syllables after it).
_EU_ENDINGS = {"adnominal": ("ㄴ", ""), "adnominal_past": ("ㄴ", ""), "adnominal_future": ("ㄹ", ""),
               "if": ("", "면"), "request": ("", "세요")}
_COPULA = {"polite": "이에요/예요", "past": "이었다/였다", "past_polite": "이었어요/였어요", "formal": "입니다",
           "plain": "이다", "past_formal": "이었습니다/였습니다"}


def _with_tail(syllable: str, tail: str) -> str:
    """``syllable`` with its final consonant replaced by ``tail`` (``""``: none): ``('가', 'ㅆ')`` -> ``'갔'``."""
    lead, vowel, _ = decompose_syllable(syllable)
    return compose_syllable(lead, vowel, tail)


def _with_vowel(syllable: str, vowel: str) -> str:
    """``syllable`` with its vowel replaced: ``('쓰', 'ㅓ')`` -> ``'써'``."""
    lead, _, tail = decompose_syllable(syllable)
    return compose_syllable(lead, vowel, tail)


def attach_particle(word: str, particle: str, batchim: bool | None = None) -> str:
    """``word`` followed by the right form of a two-form particle.

    Args:
        word: a noun (its last syllable decides the form).
        particle: ``"을/를"``, ``"이/가"``, ``"은/는"``, ``"과/와"``, ``"이에요/예요"``, ``"이었다/였다"``,
            ``"으로/로"`` ... (form after a final consonant / form after a vowel), or a one-form particle such as
            ``"에서"``.  ``으로/로`` takes ``로`` after a final ㄹ too (서울로).
        batchim: overrides the final-consonant test (for Latin words: ``"ATM"`` reads 에이티엠 -> ``True``);
            ``None`` tests the last syllable (a word not ending in a Hangul syllable counts as vowel-final).

    Returns:
        ``word`` + the particle, no space.

    >>> attach_particle("밥", "을/를"), attach_particle("커피", "을/를"), attach_particle("서울", "으로/로")
    ('밥을', '커피를', '서울로')
    """
    if "/" not in particle:
        return word + particle
    after_consonant, after_vowel = particle.split("/")
    final = has_batchim(word) if batchim is None else batchim
    if after_consonant.startswith("으로") and final and batchim is None and decompose_syllable(word[-1])[2] == "ㄹ":
        return word + after_vowel
    return word + (after_consonant if final else after_vowel)


def _stem(lemma: str) -> str:
    """``'먹다'`` -> ``'먹'``.

    Raises:
        ValueError: ``lemma`` is not 2+ Hangul syllables ending in 다.
    """
    if len(lemma) < 2 or not lemma.endswith("다") or not all(is_hangul_syllable(c) for c in lemma):
        raise ValueError(f"{lemma!r} is not a Hangul predicate in dictionary form (…다)")
    return lemma[:-1]


def _irregular_infinitive(stem: str, irregular: str) -> str:
    """The -아/어 form of a ㅂ/ㄷ/르-irregular stem: 더워 도와, 들어, 몰라.

    Raises:
        ValueError: the stem does not have the shape its class needs (ㅂ/ㄷ final; 르 after an open syllable).
    """
    last = stem[-1]
    lead, vowel, tail = decompose_syllable(last)
    if irregular == "b":
        if tail != "ㅂ":
            raise ValueError(f"ㅂ-irregular stem {stem!r} must end in ㅂ")
        return stem[:-1] + compose_syllable(lead, vowel) + ("와" if stem in ("돕", "곱") else "워")
    if irregular == "d":
        if tail != "ㄷ":
            raise ValueError(f"ㄷ-irregular stem {stem!r} must end in ㄷ")
        return stem[:-1] + compose_syllable(lead, vowel, "ㄹ") + ("아" if vowel in _BRIGHT else "어")
    if last != "르" or len(stem) < 2 or decompose_syllable(stem[-2])[2]:
        raise ValueError(f"르-irregular stem {stem!r} must end in 르 after an open syllable")
    prev_vowel = decompose_syllable(stem[-2])[1]
    return stem[:-2] + _with_tail(stem[-2], "ㄹ") + ("라" if prev_vowel in _BRIGHT else "러")


def _infinitive(stem: str, irregular: str) -> str:
    """The -아/어 form (연결형): 가 먹어 해 봐 와 돼 써 바빠 더워 도와 들어 몰라 쉬어.

    Raises:
        ValueError: an unknown class, a stem that does not fit its class, or a stem no rule covers.
    """
    if irregular in ("b", "d", "reu"):
        return _irregular_infinitive(stem, irregular)
    if irregular:
        raise ValueError(f"unknown irregular class {irregular!r}: use one of {IRREGULAR}")
    last = stem[-1]
    _, vowel, tail = decompose_syllable(last)
    if last == "하":
        return stem[:-1] + "해"
    if tail:
        return stem + ("아" if vowel in _BRIGHT else "어")
    if vowel == "ㅡ":  # ㅡ drops: 쓰 -> 써, 바쁘 -> 바빠, 예쁘 -> 예뻐 (harmony from the syllable before)
        bright = len(stem) > 1 and decompose_syllable(stem[-2])[1] in _BRIGHT
        return stem[:-1] + _with_vowel(last, "ㅏ" if bright else "ㅓ")
    if vowel in _CONTRACTED:
        return stem[:-1] + _with_vowel(last, _CONTRACTED[vowel])
    if vowel in "ㅟㅢ":
        return stem + "어"
    raise ValueError(f"no conjugation rule for a stem ending in {last!r}; add it to a curated class")


def _eu_form(stem: str, irregular: str, tail: str = "", rest: str = "") -> str:
    """Attach an ending of the -(으) type: tail ``ㄴ``/``ㄹ`` (간, 먹은, 만든) or syllables ``면``/``세요``."""
    last = stem[-1]
    lead, vowel, final = decompose_syllable(last)
    if irregular == "b":  # 덥 -> 더우 (더운, 더우면)
        stem, final = stem[:-1] + compose_syllable(lead, vowel) + "우", ""
    elif irregular == "d":  # 듣 -> 들으 (들은, 들으면)
        stem, final = stem[:-1] + compose_syllable(lead, vowel, "ㄹ") + "으", ""
    elif final == "ㄹ":  # ㄹ drops before ㄴ and ㅅ, and takes no 으: 안, 알, 아세요, 알면
        if tail == "ㄴ" or rest.startswith(("세", "니")):
            stem, final = stem[:-1] + compose_syllable(lead, vowel), ""
        elif tail == "ㄹ":
            return stem
        else:
            return stem + rest
    elif final:
        stem, final = stem + "으", ""
    return stem[:-1] + _with_tail(stem[-1], tail) + rest if tail else stem + rest


def _consonant_form(stem: str, irregular: str, tail: str, rest: str, after_final: str) -> str:
    """Endings that join an open stem as a final consonant and a closed one as a syllable: ``formal``
    (갑니다 / 먹습니다) and verbs' ``plain`` (간다 / 먹는다).  A regular ㄹ-stem drops its ㄹ (압니다, 안다)."""
    last = stem[-1]
    final = decompose_syllable(last)[2]
    if final and not (final == "ㄹ" and not irregular):
        return stem + after_final
    return stem[:-1] + _with_tail(last, tail) + rest


def _neun_form(stem: str, irregular: str) -> str:
    """The present adnominal -는 of verbs and of 있다/없다 adjectives: 가는 먹는 맛있는, 만드는 (ㄹ drops)."""
    if decompose_syllable(stem[-1])[2] == "ㄹ" and not irregular:
        return stem[:-1] + _with_tail(stem[-1], "") + "는"
    return stem + "는"


def _check_form(lemma: str, form: str, pos: str) -> None:
    """Raises ValueError for an unknown ``pos`` or ``form``, or a form an adjective does not take."""
    if pos not in ("verb", "adj"):
        raise ValueError(f"pos must be 'verb' or 'adj', not {pos!r}")
    if form not in FORMS:
        raise ValueError(f"unknown form {form!r}: use one of {', '.join(FORMS)}")
    if pos == "adj" and form in ("request", "adnominal_past"):
        raise ValueError(f"adjective {lemma!r} has no {form!r} form")


def conjugate(lemma: str, form: str, pos: str = "verb", irregular: str = "") -> str:
    """Conjugate a Korean predicate by composing jamo (Unicode Hangul syllable arithmetic).

    Regular verbs and adjectives, ``-하다`` (하 -> 해), ㄹ-stems (ㄹ drops before ㄴ/ㅂ/ㅅ), ㅡ-stems and the
    ㅂ/ㄷ/르 irregulars named by ``irregular`` are handled; other irregular classes (ㅅ, ㅎ, 러, 우 ...) are not
    and must not be passed as regular.

    Args:
        lemma: dictionary form ending in 다, Hangul syllables only (``먹다``).
        form: one of :data:`FORMS`.
        pos: ``"verb"`` or ``"adj"`` (decides ``plain`` and ``adnominal``; adjectives have no ``request`` or
            ``adnominal_past``).
        irregular: one of :data:`IRREGULAR`.

    Returns:
        The conjugated word, NFC.

    Raises:
        ValueError: unknown form/pos/class, a lemma that is not ``…다``, a form an adjective does not take, or a
            stem that does not fit its irregular class.

    >>> [conjugate(v, "past") for v in ("가다", "하다", "먹다", "보다", "오다", "되다")]
    ['갔다', '했다', '먹었다', '봤다', '왔다', '됐다']
    >>> conjugate("먹다", "formal"), conjugate("가다", "formal"), conjugate("알다", "formal")
    ('먹습니다', '갑니다', '압니다')
    """
    stem = _stem(lemma)
    _check_form(lemma, form, pos)
    if form == "dict" or (form == "plain" and pos == "adj"):
        return lemma
    if form in _STEM_ENDINGS:
        return stem + _STEM_ENDINGS[form]
    if form in _INFINITIVE_ENDINGS:
        return _infinitive(stem, irregular) + _INFINITIVE_ENDINGS[form]
    if form in _PAST_ENDINGS:
        infinitive = _infinitive(stem, irregular)
        return infinitive[:-1] + _with_tail(infinitive[-1], "ㅆ") + _PAST_ENDINGS[form]
    if form == "formal":
        return _consonant_form(stem, irregular, "ㅂ", "니다", "습니다")
    if form == "plain":  # verbs: -ㄴ다 / -는다
        return _consonant_form(stem, irregular, "ㄴ", "다", "는다")
    if form == "adnominal" and (pos == "verb" or stem.endswith(("있", "없"))):
        return _neun_form(stem, irregular)
    tail, rest = _EU_ENDINGS[form]
    return _eu_form(stem, irregular, tail=tail, rest=rest)


def copula(noun: str, form: str, batchim: bool | None = None) -> str:
    """``noun`` + 이다 in one of six forms.

    Args:
        noun: any word (its last syllable decides 이에요/예요 ...).
        form: ``polite`` 학생이에요/의사예요, ``formal`` 학생입니다, ``past`` 학생이었다/의사였다, ``past_polite``
            이었어요/였어요, ``past_formal`` 이었습니다/였습니다, ``plain`` 학생이다.
        batchim: as for :func:`attach_particle`.

    Returns:
        ``noun`` + the copula, no space.

    Raises:
        ValueError: another form.

    >>> copula("학생", "polite"), copula("의사", "past")
    ('학생이에요', '의사였다')
    """
    if form not in _COPULA:
        raise ValueError(f"copula has no form {form!r}: use one of {', '.join(_COPULA)}")
    return attach_particle(noun, _COPULA[form], batchim)
