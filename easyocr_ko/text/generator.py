"""Text lines for synthetic data: dictionary words, names, short sentences, digits and Latin mixes.

A recognizer trained on dictionary headwords alone (``가다``, ``먹다``) reads isolated words but fails on
conjugated forms (``했다``, ``먹었다``: korean_g2 lacks 했/었/겠/됐 ...), on lines with spaces and on lines mixing
digits or Latin letters.  This module draws short, varied, realistic lines of five kinds (:data:`KIND_NAMES`):

* ``word``     -- an entry of the given dictionary, as before;
* ``name``     -- a Korean personal name (surname + 1-2 syllable given name), often with a title (씨, 대리 ...),
  or a shop-style name (행복 약국);
* ``sentence`` -- 2-6 eojeol from templates, curated nouns/predicates and the dictionary's nouns and
  ``-하다``/``-되다`` words, with conjugated endings composed from jamo (:func:`conjugate`);
* ``digits``   -- dates, times, phone numbers, prices, addresses, rooms/floors, counts with units, percentages;
* ``latin``    -- Hangul mixed with Latin acronyms/words (KTX 승차권, Wi-Fi 비밀번호), e-mail addresses and
  punctuation (``, . ? ! ( ) - ~ : / ' "``).

Every line is NFC, has single spaces and no leading/trailing space, no tab/newline/control character, is at
most ``TextMix.max_chars`` characters long, and (by default) uses only KS X 1001 Hangul syllables (the 2,350
that handwriting fonts draw) and printable ASCII from a small symbol set (:data:`SYMBOLS`).

Sample ``i`` is drawn from its own RNG seeded by a hash of ``(seed, i)``, so :func:`text_for` gives the same
line whatever the order or the process that asks, and :func:`generate_texts` is ``[text_for(i) ...]``.

Names, titles, regions, roads and shop words live in ``dicts/names_*.txt`` and ``dicts/places_*.txt`` (see
``dicts/README_textgen.md``); the sentence lexicon carries grammar (conjugation class, object categories) and
is kept here next to the code it must agree with.

>>> gen = TextGenerator(["사과", "학교"], TextMix.parse("sentence=1"), seed=0)
>>> text, kind = gen(0)
>>> kind
'sentence'
"""
from __future__ import annotations

import datetime
import hashlib
import math
import random
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from functools import lru_cache
from typing import Sequence

from easyocr_ko.text.dictionary import label_problem, normalize_text
from easyocr_ko.errors import EasyOcrKoError
from easyocr_ko.hangul import compose_syllable, decompose_syllable, has_batchim, is_hangul_syllable

KIND_NAMES = ("word", "name", "sentence", "digits", "latin", "syllables")
SYMBOLS = ",.?!()-~:/'\"%&@#+"
"""The only ASCII punctuation generated lines use (besides digits, Latin letters and the space)."""
MIN_MAX_CHARS = 8
MAX_ATTEMPTS = 200  # candidates tried per sample before giving up (each kind has short forms; see tests)

# --------------------------------------------------------------------------------------------------------
# Hangul composition (Unicode 15, section 3.12 "Conjoining Jamo Behavior": S = 0xAC00 + (L*21 + V)*28 + T)
# --------------------------------------------------------------------------------------------------------
def _with_tail(syllable: str, tail: str) -> str:
    lead, vowel, _ = decompose_syllable(syllable)
    return compose_syllable(lead, vowel, tail)


def _with_vowel(syllable: str, vowel: str) -> str:
    lead, _, tail = decompose_syllable(syllable)
    return compose_syllable(lead, vowel, tail)


def attach_particle(word: str, particle: str, batchim: bool | None = None) -> str:
    """``word`` followed by the right form of a two-form particle.

    Args:
        word: a noun (its last syllable decides the form).
        particle: ``"을/를"``, ``"이/가"``, ``"은/는"``, ``"과/와"``, ``"이에요/예요"``, ``"이었다/였다"``,
            ``"으로/로"`` ... (form after a final consonant / form after a vowel), or a one-form particle such as
            ``"에서"``.  ``으로/로`` takes ``로`` after a final ㄹ too (서울로).
        batchim: overrides the final-consonant test (for Latin words: ``"ATM"`` reads 에이티엠 -> ``True``).

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


# --------------------------------------------------------------------------------------------------------
# Conjugation
# --------------------------------------------------------------------------------------------------------
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
IRREGULAR = ("", "b", "d", "reu")
"""Conjugation classes that cannot be read off the spelling: ``b`` ㅂ-irregular (덥다 -> 더워요, 돕다 ->
도와요), ``d`` ㄷ-irregular (듣다 -> 들어요), ``reu`` 르-irregular (모르다 -> 몰라요).  ``-하다`` (해), ㄹ-stems
(알다 -> 압니다, 아는) and ㅡ-stems (쓰다 -> 써요) are regular and recognised from the spelling."""
_BRIGHT = "ㅏㅑㅗ"


def _stem(lemma: str) -> str:
    if len(lemma) < 2 or not lemma.endswith("다") or not all(is_hangul_syllable(c) for c in lemma):
        raise ValueError(f"{lemma!r} is not a Hangul predicate in dictionary form (…다)")
    return lemma[:-1]


def _infinitive(stem: str, irregular: str) -> str:
    """The -아/어 form (연결형): 가 먹어 해 봐 와 돼 써 바빠 더워 도와 들어 몰라 쉬어."""
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
    if irregular == "reu":
        if last != "르" or len(stem) < 2 or decompose_syllable(stem[-2])[2]:
            raise ValueError(f"르-irregular stem {stem!r} must end in 르 after an open syllable")
        prev_vowel = decompose_syllable(stem[-2])[1]
        return stem[:-2] + _with_tail(stem[-2], "ㄹ") + ("라" if prev_vowel in _BRIGHT else "러")
    if irregular:
        raise ValueError(f"unknown irregular class {irregular!r}: use one of {IRREGULAR}")
    if last == "하":
        return stem[:-1] + "해"
    if tail:
        return stem + ("아" if vowel in _BRIGHT else "어")
    if vowel == "ㅡ":  # ㅡ drops: 쓰 -> 써, 바쁘 -> 바빠, 예쁘 -> 예뻐 (harmony from the syllable before)
        bright = len(stem) > 1 and decompose_syllable(stem[-2])[1] in _BRIGHT
        return stem[:-1] + _with_vowel(last, "ㅏ" if bright else "ㅓ")
    contracted = {"ㅏ": "ㅏ", "ㅓ": "ㅓ", "ㅕ": "ㅕ", "ㅐ": "ㅐ", "ㅗ": "ㅘ", "ㅜ": "ㅝ", "ㅣ": "ㅕ", "ㅚ": "ㅙ"}
    if vowel in contracted:
        return stem[:-1] + _with_vowel(last, contracted[vowel])
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


def conjugate(lemma: str, form: str, pos: str = "verb", irregular: str = "") -> str:
    """Conjugate a Korean predicate by composing jamo (Unicode Hangul syllable arithmetic).

    Regular verbs and adjectives, ``-하다`` (하 -> 해), ㄹ-stems (ㄹ drops before ㄴ/ㅂ/ㅅ), ㅡ-stems and the
    ㅂ/ㄷ/르 irregulars named by ``irregular`` are handled; other irregular classes (ㅅ, ㅎ, 러, 우 ...) are not
    and must not be passed as regular.

    Args:
        lemma: dictionary form ending in 다, Hangul only (``먹다``).
        form: one of :data:`FORMS`.
        pos: ``"verb"`` or ``"adj"`` (decides ``plain`` and ``adnominal``; adjectives have no ``request`` or
            ``adnominal_past``).
        irregular: one of :data:`IRREGULAR`.

    Returns:
        The conjugated word, NFC.

    Raises:
        ValueError: unknown form/pos/class, a lemma that is not ``…다``, or a form an adjective does not take.

    >>> [conjugate(v, "past") for v in ("가다", "하다", "먹다", "보다", "오다", "되다")]
    ['갔다', '했다', '먹었다', '봤다', '왔다', '됐다']
    >>> conjugate("먹다", "formal"), conjugate("가다", "formal"), conjugate("알다", "formal")
    ('먹습니다', '갑니다', '압니다')
    """
    stem = _stem(lemma)
    if pos not in ("verb", "adj"):
        raise ValueError(f"pos must be 'verb' or 'adj', not {pos!r}")
    if form not in FORMS:
        raise ValueError(f"unknown form {form!r}: use one of {', '.join(FORMS)}")
    if pos == "adj" and form in ("request", "adnominal_past"):
        raise ValueError(f"adjective {lemma!r} has no {form!r} form")
    last = stem[-1]
    final = decompose_syllable(last)[2]
    if form == "dict" or (form == "plain" and pos == "adj"):
        return lemma
    if form in ("and", "but", "future_formal", "future_polite"):
        return stem + {"and": "고", "but": "지만", "future_formal": "겠습니다", "future_polite": "겠어요"}[form]
    if form in ("infinitive", "polite", "so"):
        return _infinitive(stem, irregular) + {"infinitive": "", "polite": "요", "so": "서"}[form]
    if form in ("past", "past_polite", "past_formal"):
        inf = _infinitive(stem, irregular)
        past = inf[:-1] + _with_tail(inf[-1], "ㅆ")
        return past + {"past": "다", "past_polite": "어요", "past_formal": "습니다"}[form]
    if form == "formal":
        if final == "ㄹ" and not irregular:
            return stem[:-1] + _with_tail(last, "ㅂ") + "니다"
        if final:
            return stem + "습니다"
        return stem[:-1] + _with_tail(last, "ㅂ") + "니다"
    if form == "plain":  # verbs: -ㄴ다 / -는다
        if final == "ㄹ" and not irregular:
            return stem[:-1] + _with_tail(last, "ㄴ") + "다"
        if final:
            return stem + "는다"
        return stem[:-1] + _with_tail(last, "ㄴ") + "다"
    if form == "adnominal" and (pos == "verb" or stem.endswith(("있", "없"))):
        if final == "ㄹ" and not irregular:
            return stem[:-1] + _with_tail(last, "") + "는"
        return stem + "는"
    if form in ("adnominal", "adnominal_past"):
        return _eu_form(stem, irregular, tail="ㄴ")
    if form == "adnominal_future":
        return _eu_form(stem, irregular, tail="ㄹ")
    if form == "if":
        return _eu_form(stem, irregular, rest="면")
    return _eu_form(stem, irregular, rest="세요")  # request


def copula(noun: str, form: str, batchim: bool | None = None) -> str:
    """``noun`` + 이다: ``polite`` 학생이에요/의사예요, ``formal`` 학생입니다, ``past`` 학생이었다/의사였다,
    ``past_polite`` 이었어요/였어요, ``plain`` 학생이다.

    Raises:
        ValueError: another form.
    """
    table = {"polite": "이에요/예요", "past": "이었다/였다", "past_polite": "이었어요/였어요", "formal": "입니다",
             "plain": "이다", "past_formal": "이었습니다/였습니다"}
    if form not in table:
        raise ValueError(f"copula has no form {form!r}: use one of {', '.join(table)}")
    return attach_particle(noun, table[form], batchim)


# --------------------------------------------------------------------------------------------------------
# The mix of kinds
# --------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class TextMix:
    """Proportions of the kinds of lines and their length limit.

    Attributes:
        word / name / sentence / digits / latin / syllables: relative weights (floats >= 0, not all zero);
            normalised by :attr:`weights`, so ``word=2, sentence=2`` is a 50/50 mix.  ``syllables`` (default 0)
            draws 1-5 KS X 1001 syllables uniformly, so that every syllable of a KS X 1001 charset is trained,
            however rare it is in words.
        max_chars: longest line in characters, spaces included (>= :data:`MIN_MAX_CHARS`).
        ks_x_1001_only: drop dictionary entries with a Hangul syllable outside KS X 1001 or a character other
            than Hangul and printable ASCII (generated parts always obey this).

    Raises:
        EasyOcrKoError: a negative or non-finite weight, all weights zero, or ``max_chars`` too small.
    """

    word: float = 0.4
    name: float = 0.1
    sentence: float = 0.2
    digits: float = 0.15
    latin: float = 0.15
    syllables: float = 0.0
    max_chars: int = 25
    ks_x_1001_only: bool = True

    def __post_init__(self) -> None:
        for kind in KIND_NAMES:
            value = getattr(self, kind)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
                raise EasyOcrKoError(f"text mix weight {kind}={value!r} must be a finite number >= 0")
        if sum(getattr(self, kind) for kind in KIND_NAMES) <= 0:
            raise EasyOcrKoError("text mix weights are all zero: give at least one kind a weight > 0")
        if isinstance(self.max_chars, bool) or not isinstance(self.max_chars, int) or self.max_chars < MIN_MAX_CHARS:
            raise EasyOcrKoError(f"text mix max_chars={self.max_chars!r} must be an integer >= {MIN_MAX_CHARS}")

    @property
    def weights(self) -> dict[str, float]:
        """Normalised proportions per kind, in :data:`KIND_NAMES` order, summing to 1."""
        total = sum(getattr(self, kind) for kind in KIND_NAMES)
        return {kind: getattr(self, kind) / total for kind in KIND_NAMES}

    @classmethod
    def parse(cls, spec: str) -> "TextMix":
        """Read a CLI option such as ``"word=0.4,sentence=0.2,digits=0.15,latin=0.15,name=0.1,max_chars=30"``.

        Kinds not named get weight 0 (``"sentence=1"`` means sentences only); ``max_chars`` defaults to 25.
        Spaces around items are ignored.

        Raises:
            EasyOcrKoError: empty spec, an item without ``=``, an unknown or repeated key, a value that is not a
                number, or a value :class:`TextMix` rejects.
        """
        items = [item.strip() for item in spec.split(",") if item.strip()]
        if not items:
            raise EasyOcrKoError(f"empty text mix {spec!r}: write e.g. 'word=0.4,sentence=0.3,digits=0.3'")
        values: dict = {kind: 0.0 for kind in KIND_NAMES}
        seen: set[str] = set()
        for item in items:
            key, sep, raw = (part.strip() for part in item.partition("="))
            if not sep or not key or not raw:
                raise EasyOcrKoError(f"text mix item {item!r} is not key=value (e.g. 'word=0.4')")
            if key not in KIND_NAMES and key != "max_chars":
                raise EasyOcrKoError(f"unknown text mix key {key!r}: use {', '.join(KIND_NAMES)} or max_chars")
            if key in seen:
                raise EasyOcrKoError(f"text mix key {key!r} is given twice")
            seen.add(key)
            try:
                values[key] = int(raw) if key == "max_chars" else float(raw)
            except ValueError:
                kind = "an integer" if key == "max_chars" else "a number"
                raise EasyOcrKoError(f"text mix value {key}={raw!r} is not {kind}") from None
        return cls(**values)

    def spec(self) -> str:
        """The inverse of :meth:`parse` (weights as given, not normalised): ``'word=0.4,name=0.1,...'``."""
        return ",".join([f"{kind}={getattr(self, kind):g}" for kind in KIND_NAMES] + [f"max_chars={self.max_chars}"])


# --------------------------------------------------------------------------------------------------------
# Lexicons
# --------------------------------------------------------------------------------------------------------
@lru_cache(maxsize=None)
def _data_rows(name: str) -> tuple[tuple[str, ...], ...]:
    """Rows of a shipped ``dicts/`` list: UTF-8, ``#`` comments and blank lines skipped, fields split on TAB."""
    from easyocr_ko.resources import dicts_dir

    path = dicts_dir() / name
    if not path.is_file():
        raise FileNotFoundError(f"textgen data file missing: {path} (reinstall easyocr-ko)")
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            rows.append(tuple(normalize_text(field) for field in line.split("\t")))
    return tuple(rows)


def _column(name: str, kind: str) -> tuple[str, ...]:
    return tuple(row[1] for row in _data_rows(name) if row[0] == kind)


# Nouns by category, for sentence templates (all syllables KS X 1001; checked by the tests).
NOUNS: dict[str, tuple[str, ...]] = {
    "food": ("밥", "빵", "김치", "라면", "비빔밥", "김밥", "떡볶이", "냉면", "불고기", "사과", "과일", "고기", "생선",
             "국수", "케이크", "치킨", "피자", "만두", "떡", "계란", "과자", "도시락", "짜장면", "햄버거", "귤",
             "딸기", "수박", "포도", "바나나", "감자", "고구마", "반찬", "미역국", "김치찌개", "삼겹살", "샐러드"),
    "drink": ("물", "커피", "우유", "차", "주스", "녹차", "콜라", "라떼", "음료수", "생수", "보리차", "식혜", "맥주"),
    "thing": ("책", "가방", "우산", "옷", "신발", "모자", "시계", "안경", "지갑", "휴대폰", "노트북", "공책", "연필",
              "볼펜", "선물", "꽃", "표", "의자", "책상", "컴퓨터", "카메라", "자전거", "열쇠", "장갑", "목도리",
              "양말", "필통", "지우개", "달력", "상자", "택배", "영수증", "충전기", "이어폰", "거울", "인형"),
    "reading": ("책", "신문", "소설", "잡지", "편지", "뉴스", "기사", "보고서", "안내문", "시", "만화책", "교과서",
                "메시지", "메일", "계약서", "설명서"),
    "watch": ("영화", "드라마", "뉴스", "경기", "공연", "전시회", "사진", "만화", "야구", "축구", "연극", "뮤지컬"),
    "listen": ("음악", "노래", "라디오", "강의", "설명", "이야기", "방송", "소식"),
    "write": ("편지", "일기", "보고서", "이름", "주소", "글", "숙제", "메모", "답장", "계획서", "이메일", "소설"),
    "subject": ("한국어", "영어", "수학", "과학", "역사", "피아노", "태권도", "요리", "운전", "수영", "중국어",
                "일본어", "컴퓨터", "그림", "기타", "춤", "미술", "음악"),
    "place": ("학교", "회사", "집", "병원", "은행", "시장", "공원", "도서관", "식당", "카페", "백화점", "우체국",
              "편의점", "약국", "교회", "영화관", "극장", "공항", "역", "마트", "사무실", "교실", "서울", "부산",
              "제주도", "바다", "산", "고향", "미용실", "체육관", "수영장", "학원", "호텔", "대학교", "박물관",
              "미술관", "동물원", "시청", "정류장", "놀이터", "운동장"),
    "person": ("친구", "선생님", "어머니", "아버지", "동생", "언니", "오빠", "누나", "형", "할머니", "할아버지",
               "아이", "학생", "동료", "손님", "사장님", "가족", "남편", "아내", "아들", "딸", "부모님", "이웃",
               "선배", "후배", "의사", "간호사", "엄마", "아빠"),
    "send": ("편지", "메일", "문자", "택배", "사진", "선물", "메시지", "소포", "서류", "이메일"),
    "door": ("문", "창문", "가게", "냉장고", "서랍"),
    "clothes": ("옷", "치마", "바지", "셔츠", "코트", "원피스", "교복", "정장", "잠옷", "외투", "티셔츠"),
    "shoes": ("신발", "양말", "운동화", "구두", "슬리퍼", "부츠"),
    "vehicle": ("버스", "지하철", "택시", "기차", "비행기", "자전거", "배"),
    "device": ("불", "컴퓨터", "텔레비전", "에어컨", "휴대폰", "난방", "전등", "라디오"),
    "instrument": ("피아노", "기타", "테니스", "북"),
    "wash": ("손", "얼굴", "그릇", "과일", "머리", "발", "컵", "접시"),
    "room": ("방", "교실", "집", "사무실", "화장실", "부엌", "거실", "마당"),
    "reserve": ("식당", "호텔", "표", "방", "자리", "병원", "비행기표", "기차표"),
    "hair": ("머리", "종이", "고기", "케이크", "사과"),
    "song": ("노래", "동요", "애국가"),
    "picture": ("그림", "지도", "얼굴", "만화"),
    "phone": ("전화",),
    "pack": ("짐", "도시락", "가방", "선물"),
    "taxi": ("택시", "손", "기회"),
}

# Transitive verbs: (lemma, irregular class, object categories).
TRANSITIVE: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("먹다", "", ("food",)), ("마시다", "", ("drink",)), ("사다", "", ("thing", "food", "drink", "clothes")),
    ("읽다", "", ("reading",)), ("보다", "", ("watch",)), ("듣다", "d", ("listen",)), ("쓰다", "", ("write",)),
    ("만들다", "", ("food", "thing")), ("배우다", "", ("subject",)), ("가르치다", "", ("subject",)),
    ("공부하다", "", ("subject",)), ("찾다", "", ("thing",)), ("잃어버리다", "", ("thing",)),
    ("보내다", "", ("send",)), ("받다", "", ("send",)), ("좋아하다", "", ("food", "drink", "subject", "watch")),
    ("준비하다", "", ("food", "thing")), ("팔다", "", ("thing", "food")), ("고르다", "reu", ("thing", "clothes")),
    ("기다리다", "", ("person",)), ("만나다", "", ("person",)), ("돕다", "b", ("person",)),
    ("부르다", "reu", ("song",)), ("빌리다", "", ("thing", "reading")), ("씻다", "", ("wash",)),
    ("닫다", "", ("door",)), ("열다", "", ("door",)), ("입다", "", ("clothes",)), ("신다", "", ("shoes",)),
    ("끄다", "", ("device",)), ("켜다", "", ("device",)), ("타다", "", ("vehicle",)), ("치다", "", ("instrument",)),
    ("청소하다", "", ("room",)), ("예약하다", "", ("reserve",)), ("주문하다", "", ("food", "drink")),
    ("확인하다", "", ("send", "reading")), ("바꾸다", "", ("thing", "clothes")), ("자르다", "reu", ("hair",)),
    ("걸다", "", ("phone",)), ("그리다", "", ("picture",)), ("싸다", "", ("pack",)), ("잡다", "", ("taxi",)),
    ("기억하다", "", ("person",)), ("사랑하다", "", ("person",)), ("정리하다", "", ("room", "send")),
)
# Verbs of motion to a place (place + 에).
MOTION: tuple[str, ...] = ("가다", "오다", "다니다", "도착하다", "돌아가다", "돌아오다", "들어가다", "나가다",
                           "올라가다", "내려가다")
# Intransitive verbs done at a place (place + 에서), with their irregular class.
AT_PLACE: tuple[tuple[str, str], ...] = (
    ("일하다", ""), ("공부하다", ""), ("쉬다", ""), ("놀다", ""), ("자다", ""), ("운동하다", ""), ("걷다", "d"),
    ("살다", ""), ("기다리다", ""), ("노래하다", ""), ("산책하다", ""), ("쇼핑하다", ""), ("일어나다", ""),
    ("웃다", ""), ("울다", ""),
)
# Intransitive verbs with a subject: (subjects, lemma, irregular, two-eojeol prefix).
SUBJECT_VERBS: tuple[tuple[tuple[str, ...], str, str], ...] = (
    (("비", "눈"), "오다", ""), (("비", "눈"), "내리다", ""),
    (("수업", "회의", "영화", "공연", "방학", "시험", "경기"), "시작되다", ""),
    (("수업", "회의", "영화", "공연", "방학", "시험", "경기", "일"), "끝나다", ""),
    (("문", "가게", "창문", "은행"), "열리다", ""), (("문", "가게", "창문", "은행"), "닫히다", ""),
    (("가격", "물가", "기온", "월급"), "오르다", "reu"), (("가격", "물가", "기온", "성적"), "떨어지다", ""),
    (("버스", "기차", "택배", "손님", "편지"), "도착하다", ""), (("준비", "주문", "예약", "연락", "결정"), "되다", ""),
    (("문제", "일", "약속", "친구"), "생기다", ""), (("결과", "성적", "신제품"), "나오다", ""),
    (("계획", "주소", "번호", "날씨"), "바뀌다", ""),
)
BROKEN = ("컴퓨터", "휴대폰", "자동차", "냉장고", "엘리베이터", "세탁기", "프린터")
# Adjectives: (lemma, irregular, subject categories or literal subjects).
ADJECTIVES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("좋다", "", ("weather", "thing", "place", "watch")), ("덥다", "b", ("weather",)), ("춥다", "b", ("weather",)),
    ("맑다", "", ("sky",)), ("흐리다", "", ("sky",)), ("따뜻하다", "", ("weather", "food")),
    ("시원하다", "", ("weather", "drink")), ("쌀쌀하다", "", ("weather",)),
    ("맛있다", "", ("food", "drink")), ("맛없다", "", ("food",)), ("맵다", "b", ("food",)), ("짜다", "", ("food",)),
    ("달다", "", ("food", "drink")), ("싱겁다", "b", ("food",)), ("뜨겁다", "b", ("food", "drink")),
    ("차갑다", "b", ("drink",)), ("비싸다", "", ("food", "thing", "clothes")), ("싸다", "", ("food", "thing")),
    ("크다", "", ("thing", "place", "clothes")), ("작다", "", ("thing", "place", "clothes")),
    ("예쁘다", "", ("thing", "clothes", "place")), ("무겁다", "b", ("thing",)), ("가볍다", "b", ("thing",)),
    ("길다", "", ("clothes", "watch")), ("짧다", "", ("clothes", "watch")), ("깨끗하다", "", ("place", "room")),
    ("편하다", "", ("clothes", "shoes")), ("불편하다", "", ("clothes", "shoes")), ("귀엽다", "b", ("thing",)),
    ("멋있다", "", ("thing", "clothes", "person")), ("넓다", "", ("place", "room")), ("좁다", "", ("place", "room")),
    ("조용하다", "", ("place",)), ("시끄럽다", "b", ("place",)), ("멀다", "", ("place",)),
    ("가깝다", "b", ("place",)), ("복잡하다", "", ("place",)), ("밝다", "", ("room",)), ("어둡다", "b", ("room",)),
    ("바쁘다", "", ("person",)), ("아프다", "", ("person",)), ("기쁘다", "", ("person",)),
    ("슬프다", "", ("person", "watch")), ("친절하다", "", ("person",)), ("착하다", "", ("person",)),
    ("피곤하다", "", ("person",)), ("행복하다", "", ("person",)), ("배고프다", "", ("person",)),
    ("졸리다", "", ("person",)), ("즐겁다", "b", ("person",)), ("어렵다", "b", ("subject",)),
    ("쉽다", "b", ("subject",)), ("재미있다", "", ("subject", "watch")), ("재미없다", "", ("subject", "watch")),
    ("중요하다", "", ("subject",)), ("힘들다", "", ("subject", "person")), ("무섭다", "b", ("watch",)),
    ("빠르다", "reu", ("vehicle",)), ("많다", "", ("food", "person")),
)
ADJ_SUBJECTS = {"weather": ("날씨", "오늘 날씨", "바람", "방 안"), "sky": ("하늘", "날씨")}
TIMES: dict[str, tuple[str, ...]] = {
    "past": ("어제", "어제 저녁", "지난주에", "지난 주말에", "작년에", "아까", "방금", "그저께", "지난달에",
             "어젯밤에", "옛날에"),
    "future": ("내일", "내일 아침", "다음 주에", "이따가", "나중에", "내년에", "모레", "다음 달에"),
    "present": ("요즘", "매일", "보통", "항상", "자주"),
    "any": ("오늘", "지금", "아침에", "저녁에", "오후에", "주말에", "점심에", "밤에", "오늘 아침"),
}
ADVERBS_VERB = ("같이", "함께", "빨리", "천천히", "많이", "다시", "먼저", "혼자", "열심히", "일찍", "늦게", "잘",
                "또", "조금", "오래")
ADVERBS_ADJ = ("정말", "아주", "너무", "매우", "좀", "조금", "진짜", "꽤", "제일", "참")
SUBJECTS_1P = ("저는", "나는", "우리는", "제가", "내가", "우리가")
EXPRESSIONS = ("감사합니다", "안녕하세요", "수고하셨습니다", "잘 먹겠습니다", "잘 먹었습니다", "죄송합니다",
               "괜찮아요", "알겠습니다", "고맙습니다", "축하합니다", "생일 축하해요", "새해 복 많이 받으세요",
               "처음 뵙겠습니다", "다음에 또 봐요", "좋은 하루 되세요", "수고하세요", "잠시만 기다려 주세요",
               "조심히 가세요", "많이 드세요", "안녕히 가세요", "안녕히 계세요", "어서 오세요", "잘 지냈어요?",
               "오랜만이에요", "만나서 반가워요", "반갑습니다", "잘 부탁드립니다", "미안해요", "사랑해요",
               "힘내세요", "도와주셔서 감사합니다", "다녀왔습니다", "다녀오겠습니다", "잘 자요", "맛있게 드세요",
               "괜찮습니다", "네, 알겠습니다", "아니요, 괜찮아요", "정말 고마워요", "늦어서 죄송합니다")
# Predicates used with any dictionary noun (lemma, irregular, pos, particle before it).
GENERIC_OBJ = (("확인하다", ""), ("준비하다", ""), ("찾다", ""), ("사다", ""), ("보다", ""), ("정리하다", ""),
               ("설명하다", ""), ("기억하다", ""), ("소개하다", ""), ("좋아하다", ""), ("받다", ""), ("고르다", "reu"))
GENERIC_SUBJ = (("있다", "adj", ""), ("없다", "adj", ""), ("필요하다", "adj", ""), ("중요하다", "adj", ""),
                ("많다", "adj", ""), ("좋다", "adj", ""), ("생기다", "verb", ""), ("바뀌다", "verb", ""))
TALK = ("이야기하다", "생각하다", "말하다", "공부하다", "조사하다", "질문하다")

PAST_FORMS = ("past", "past_polite", "past_formal")
PRESENT_FORMS = ("polite", "formal", "plain")
FUTURE_FORMS = ("future_formal", "future_polite", "will")
NEUTRAL_FORMS = ("past", "past_polite", "past_formal", "polite", "formal", "future_formal")  # any -하다 word

# Latin: acronyms read letter by letter (batchim follows the last letter: L M N R end in a consonant).
ACRONYM_NOUNS = (
    "KTX 승차권", "KTX 예매", "USB 메모리", "USB 케이블", "QR 코드", "CCTV 설치", "CCTV 작동 중", "Wi-Fi 비밀번호",
    "Wi-Fi 연결", "PC방", "TV 리모컨", "TV 프로그램", "ATM 기기", "ATM 수수료", "SNS 계정", "GPS 신호", "LED 조명",
    "DVD 대여", "AI 스피커", "IT 회사", "CEO 인사말", "PDF 파일", "OTP 번호", "SMS 인증", "A4 용지", "A/S 센터",
    "A/S 문의", "PPT 자료", "VIP 고객", "ID 카드", "CD 플레이어", "MP3 파일", "3D 프린터", "K-POP 공연", "LTE 요금제",
    "5G 요금제", "SUV 차량", "HDMI 케이블", "ARS 안내", "MRI 검사", "CT 촬영", "X-ray 검사", "PCR 검사", "LPG 충전소",
    "DIY 가구", "OST 앨범", "TV 광고", "PC 수리", "SW 교육", "e-book", "Q&A 게시판", "FAQ", "D-day", "B1 주차장",
    "GS 편의점", "NFC 결제", "PIN 번호", "URL 주소", "UN 본부", "IMF 외환위기", "OECD 회원국", "BMI 지수",
)
# (term, reads with a final consonant, verbs that take it as object (lemma, irregular class)).
DEVICES: tuple[tuple[str, bool, tuple[tuple[str, str], ...]], ...] = (
    ("TV", False, (("켜다", ""), ("끄다", ""), ("사다", ""), ("고치다", ""), ("보다", ""))),
    ("PC", False, (("켜다", ""), ("끄다", ""), ("고치다", ""), ("사다", ""))),
    ("USB", False, (("연결하다", ""), ("찾다", ""), ("사다", ""), ("꽂다", ""))),
    ("CCTV", False, (("설치하다", ""), ("확인하다", ""))),
    ("GPS", False, (("켜다", ""), ("끄다", ""), ("확인하다", ""))),
    ("LED", False, (("켜다", ""), ("끄다", ""), ("바꾸다", ""), ("설치하다", ""))),
    ("Wi-Fi", False, (("켜다", ""), ("끄다", ""), ("연결하다", ""))),
    ("ATM", True, (("찾다", ""), ("이용하다", ""))),
    ("OTP", False, (("확인하다", ""), ("입력하다", ""))),
    ("PDF", False, (("만들다", ""), ("보내다", ""), ("확인하다", ""), ("열다", ""))),
    ("SNS", False, (("하다", ""), ("시작하다", ""), ("확인하다", ""))),
    ("QR 코드", False, (("찍다", ""), ("확인하다", ""), ("만들다", ""))),
    ("DVD", False, (("빌리다", ""), ("보다", ""), ("사다", ""))),
    ("CD", False, (("듣다", "d"), ("사다", ""))),
    ("ID", False, (("만들다", ""), ("입력하다", ""), ("확인하다", ""), ("잊어버리다", ""))),
    ("URL", True, (("복사하다", ""), ("입력하다", ""), ("보내다", ""))),
    ("PIN", True, (("입력하다", ""), ("바꾸다", ""))),
    ("E-mail", True, (("보내다", ""), ("확인하다", ""), ("받다", ""), ("쓰다", ""))),
)
LATIN_PHRASES = (
    "OPEN", "CLOSE", "Take out 가능", "Free Wi-Fi", "NEW 신메뉴", "BEST 메뉴", "Coffee & Tea", "Happy Birthday!",
    "Thank you!", "Good luck!", "Welcome to Seoul", "Seoul Station", "I love Korea", "Hello!", "No Parking",
    "EXIT 비상구", "Staff Only", "PUSH 미세요", "PULL 당기세요", "Made in Korea", "Best seller", "Sold out",
    "Merry Christmas", "See you!", "Good morning", "Coffee 한 잔", "SALE 중", "Daily Menu", "Open 연중무휴",
    "Fighting!", "OK", "Yes/No", "ON/OFF", "Check-in", "Check-out", "Lunch Box", "Kids Cafe", "Photo Zone",
    "Team A", "Plan B", "Step 1", "Room 101", "Gate 3", "No.1", "Vol.2", "Ver 2.0", "1st", "2nd", "3rd",
)
ACRONYMS = ("KTX", "SRT", "USB", "QR", "CCTV", "PC", "TV", "ATM", "SNS", "GPS", "LED", "AI", "IT", "PDF", "OTP",
            "SMS", "VIP", "CEO", "KBS", "MBC", "EBS", "NGO", "UN", "EU", "DNA", "CPU", "SSD", "LCD", "NFC", "PPT",
            "MP3", "HD", "4K", "3D", "5G", "LTE", "SUV", "ARS", "FAQ", "A/S", "K-POP", "E-mail", "Wi-Fi", "A4", "B5")
LATIN_SHOP = ("Cafe", "Hair", "Mart", "Bakery", "Studio", "Coffee", "Pizza", "Beauty", "Nail", "Kids", "Pet",
              "Fitness", "Dental", "Books", "Flower", "Burger", "Pilates", "Yoga", "Music", "Art")
LATIN_GENERIC = ("안내", "이용", "예약", "문의", "가격", "정보", "시간", "위치", "할인", "이벤트", "신청")
EMAIL_DOMAINS = ("naver.com", "gmail.com", "daum.net", "hanmail.net", "kakao.com", "korea.kr", "nate.com",
                 "company.co.kr", "school.ac.kr")
ID_PARTS = ("kim", "lee", "park", "choi", "jung", "kang", "minjun", "seoyeon", "jiho", "hana", "sky", "star",
            "happy", "love", "sun", "blue", "min", "hello", "korea", "info", "help", "admin", "shop", "cafe")
LABELS = {"장소": "place", "이름": "name", "담당": "name", "작성자": "name", "준비물": "things", "참고": "dict",
          "메모": "dict", "제목": "dict", "비고": "dict", "주제": "dict", "목적": "dict", "메뉴": "food",
          "음료": "drink", "과목": "subject", "받는 사람": "name", "도착지": "place"}
INTERJECTIONS = ("아", "와", "음", "네", "아니요", "어", "자", "그래요", "정말요", "진짜")
# (unit, values, words written before the count); counts of ORDERABLE_UNITS may end in 주세요 / 있어요 ...
COUNT_UNITS: tuple[tuple[str, Sequence, tuple[str, ...]], ...] = (
    ("개", range(1, 100), ("사과", "계란", "귤", "만두", "상자", "과자", "빵", "의자")),
    ("kg", (1, 2, 3, 5, 10, 20, 0.5, 1.5, 2.5, 65, 70), ("쌀", "감자", "고기", "사과", "몸무게", "체중", "무게")),
    ("cm", range(1, 200), ("키", "길이", "높이", "너비", "폭")),
    ("L", (0.5, 1, 1.5, 2, 5, 18), ("물", "우유", "생수", "휘발유", "용량")),
    ("ml", (100, 200, 250, 330, 350, 500, 1000), ("우유", "물", "주스", "콜라", "용량")),
    ("인분", range(1, 6), ("삼겹살", "불고기", "김밥", "떡볶이", "냉면")),
    ("명", range(1, 50), ("어른", "아이", "학생", "손님", "성인", "정원", "참가자")),
    ("분", range(1, 60), ("도보", "약", "소요 시간", "대기", "휴식")),
    ("시간", range(1, 24), ("약", "하루", "소요 시간", "운동", "공부")),
    ("km", (1, 2, 5, 10, 42.195, 3.5, 100), ("거리", "마라톤", "약", "총")),
    ("병", range(1, 13), ("물", "우유", "콜라", "맥주", "주스", "생수", "소주")),
    ("권", range(1, 20), ("책", "공책", "소설", "잡지", "만화책")),
    ("장", range(1, 100), ("표", "사진", "종이", "우표", "티켓", "A4 용지")),
    ("잔", range(1, 6), ("커피", "녹차", "라떼", "맥주", "물", "우유")),
    ("마리", range(1, 10), ("고양이", "강아지", "생선", "닭", "오징어", "새")),
    ("g", (50, 100, 200, 250, 500, 600), ("고기", "설탕", "밀가루", "소금", "버터", "삼겹살")),
    ("도", (36.5, 25, 30, 100, 18, 37.2, 5), ("체온", "기온", "온도", "물")),
    ("세", range(1, 100), ("나이", "만", "연령")),
    ("살", range(1, 100), ("나이", "올해", "우리 아이")),
    ("대", range(1, 10), ("자동차", "컴퓨터", "자전거", "버스", "택시")),
    ("회", range(1, 30), ("주", "하루", "총", "1일")),
    ("번", range(1, 10), ("하루", "일주일에", "한 달에", "총")),
    ("켤레", range(1, 5), ("양말", "신발", "운동화", "장갑")),
    ("m", range(1, 500), ("높이", "거리", "길이", "약")),
    ("mm", range(1, 100), ("강수량", "두께", "길이")),
    ("봉지", range(1, 10), ("과자", "라면", "사탕", "쓰레기")),
    ("박스", range(1, 20), ("사과", "귤", "택배", "라면", "물")),
)
ORDERABLE_UNITS = ("개", "인분", "병", "권", "장", "잔", "마리", "봉지", "박스", "대", "켤레")
PLATE_SYLLABLES = "가나다라마거너더러머버서어저고노도로모보소오조구누두루무부수우주바사아자배하허호"  # car plates
WEEKDAYS = "월화수목금토일"


def _word_ok(text: str, ks: frozenset[str], strict: bool) -> bool:
    if label_problem(text):
        return False
    for char in text:
        if is_hangul_syllable(char):
            if strict and char not in ks:
                return False
        elif strict and not (" " <= char <= "~"):
            return False
        elif unicodedata.category(char).startswith(("C", "Z")) and char != " ":
            return False
    return True


_NOT_NOUN_ENDINGS = ("다", "히", "게", "로", "록", "고", "면", "서", "지만", "적", "나", "요", "까")


def _looks_like_noun(word: str) -> bool:
    """A rough test for a noun among Hangul dictionary entries that carry no part of speech: 2-4 syllables,
    not ending like a predicate (…다), an adverb (…히, …게, …로) or a determiner (…적), not reduplicated
    (따로따로).  Some adverbs still pass; sentences stay grammatical in form, if not always in sense."""
    half = len(word) // 2
    return (2 <= len(word) <= 4 and not word.endswith(_NOT_NOUN_ENDINGS)
            and not (len(word) % 2 == 0 and word[:half] == word[half:]))


def _part_of_day(hour: int) -> str:
    """새벽 (0-5 h), 아침 (6-9), 오전 (10-11), 낮 (12-16), 저녁 (17-20), 밤 (21-23)."""
    for limit, name in ((6, "새벽"), (10, "아침"), (12, "오전"), (17, "낮"), (21, "저녁"), (24, "밤")):
        if hour < limit:
            return name
    raise ValueError(f"hour {hour} not in 0..23")


def _format_number(value: int) -> str:
    return f"{value:,}"


class TextGenerator:
    """Draws the line for sample ``i`` from ``words`` and the shipped lexicons, reproducibly.

    Build it once (it indexes the word list) and call it per sample; it holds no mutable state, so a worker
    process can own a copy and draw any indices in any order.

    Args:
        words: the dictionary (e.g. :func:`easyocr_ko.text.dictionary.load_dictionary` ``.words``); entries are
            normalised with :func:`easyocr_ko.text.dictionary.normalize_text`.  Hangul-only entries that look like
            nouns (2-4 syllables, see ``_looks_like_noun``) also serve as nouns in sentences, and entries ending
            in 하다/되다 as predicates (conjugated with endings valid for verbs and adjectives alike).
        mix: proportions and limits.
        seed: the dataset seed.

    Attributes:
        words: the usable dictionary entries (unique, NFC, within ``max_chars`` and the character rules).
        dropped_words: entries of ``words`` left out because they break those rules.

    Raises:
        EasyOcrKoError: ``mix.word > 0`` but no dictionary entry is usable.
    """

    def __init__(self, words: Sequence[str], mix: TextMix | None = None, seed: int = 0):
        from easyocr_ko.charset import ks_x_1001_hangul

        self.mix = mix or TextMix()
        self.seed = int(seed)
        self._ks = frozenset(ks_x_1001_hangul())
        self._ks_list = ks_x_1001_hangul()
        unique = list(dict.fromkeys(normalize_text(w) for w in words if normalize_text(w)))
        strict = self.mix.ks_x_1001_only
        self.words = [w for w in unique if len(w) <= self.mix.max_chars and _word_ok(w, self._ks, strict)]
        self.dropped_words = len(unique) - len(self.words)
        if self.mix.word > 0 and not self.words:
            raise EasyOcrKoError("no dictionary entry is usable for 'word' lines: give a dictionary or set word=0")
        hangul = [w for w in self.words if all(c in self._ks for c in w)]
        self._nouns = [w for w in hangul if _looks_like_noun(w)] or list(NOUNS["thing"])
        self._ha_words = [w for w in hangul if w.endswith("하다") and 3 <= len(w) <= 6]
        self._doe_words = [w for w in hangul if w.endswith("되다") and 3 <= len(w) <= 6]
        self._latin_words = [w for w in self.words if len(w) >= 2 and w.isascii() and w.isalpha()]
        self._surnames = [row[0] for row in _data_rows("names_surnames.txt")]
        self._surname_weights = [1.0 / (rank + 1) for rank in range(len(self._surnames))]
        self._given_full = [row[0] for row in _data_rows("names_given_full.txt")]
        self._given = {pos: _column("names_given_syllables.txt", pos) for pos in ("0", "1", "2")}
        self._titles = [row[0] for row in _data_rows("names_titles.txt")]
        self._surname_titles = [row[0] for row in _data_rows("names_titles.txt") if row[1:] == ("1",)]
        self._regions = [row for row in _data_rows("places_regions.txt") if len(row) == 3]
        self._roads = _column("places_roads.txt", "road")
        self._dongs = _column("places_roads.txt", "dong")
        self._shop_prefix = _column("places_shops.txt", "prefix")
        self._shop_type = _column("places_shops.txt", "type")
        weights = self.mix.weights
        self._kinds = [k for k in KIND_NAMES if weights[k] > 0]
        self._cum = []
        total = 0.0
        for kind in self._kinds:
            total += weights[kind]
            self._cum.append(total)

    # ---- public -------------------------------------------------------------------------------------
    def rng_for(self, index: int) -> random.Random:
        """The RNG of sample ``index``: seeded by BLAKE2b of ``(seed, index)``, independent of other samples."""
        digest = hashlib.blake2b(f"easyocr-ko/textgen/{self.seed}/{index}".encode(), digest_size=8).digest()
        return random.Random(int.from_bytes(digest, "little"))

    def __call__(self, index: int) -> tuple[str, str]:
        """``(text, kind)`` of sample ``index`` (any int >= 0), the same whenever and wherever it is asked.

        Raises:
            EasyOcrKoError: no line of the drawn kind fits ``max_chars`` after :data:`MAX_ATTEMPTS` tries.
        """
        rng = self.rng_for(index)
        u = rng.random()
        kind = next((k for k, c in zip(self._kinds, self._cum) if u < c), self._kinds[-1])
        make = getattr(self, f"_{kind}")
        for _ in range(MAX_ATTEMPTS):
            text = normalize_text(make(rng))
            if self.valid(text):
                return text, kind
        raise EasyOcrKoError(f"could not make a {kind!r} line of at most {self.mix.max_chars} characters: "
                             f"raise max_chars or set {kind}=0")

    def generate(self, n: int, start: int = 0) -> list[tuple[str, str]]:
        """``[self(i) for i in range(start, start + n)]``."""
        if n < 0:
            raise ValueError("n must be >= 0")
        return [self(i) for i in range(start, start + n)]

    def valid(self, text: str) -> bool:
        """Whether ``text`` obeys the output rules: NFC, single inner spaces, no edge space, no control
        character, 1..max_chars characters, KS X 1001 syllables and ASCII letters/digits/:data:`SYMBOLS` only
        (the last two with ``ks_x_1001_only``)."""
        if not text or len(text) > self.mix.max_chars or text != normalize_text(text):
            return False
        if not _word_ok(text, self._ks, self.mix.ks_x_1001_only):
            return False
        return True

    # ---- helpers -------------------------------------------------------------------------------------
    @staticmethod
    def _pick(rng: random.Random, items: Sequence):
        return items[rng.randrange(len(items))]

    def _given_name(self, rng: random.Random) -> str:
        r = rng.random()
        if r < 0.5:
            return self._pick(rng, self._given_full)
        if r < 0.95:
            return self._pick(rng, self._given["1"]) + self._pick(rng, self._given["2"])
        return self._pick(rng, self._given["0"])

    def _full_name(self, rng: random.Random) -> str:
        return rng.choices(self._surnames, self._surname_weights)[0] + self._given_name(rng)

    def _noun(self, rng: random.Random, category: str) -> str:
        if category in ADJ_SUBJECTS:
            return self._pick(rng, ADJ_SUBJECTS[category])
        return self._pick(rng, NOUNS[category])

    def _time(self, rng: random.Random, tense: str | None = None) -> tuple[str, str]:
        tense = tense or self._pick(rng, ("past", "future", "present", "any", "any"))
        return self._pick(rng, TIMES[tense]), tense

    @staticmethod
    def _forms_for(tense: str, pos: str) -> tuple[str, ...]:
        forms = {"past": PAST_FORMS, "future": FUTURE_FORMS + PRESENT_FORMS, "present": PRESENT_FORMS,
                 "any": PAST_FORMS + PRESENT_FORMS + FUTURE_FORMS}[tense]
        if pos == "verb" and tense in ("future", "any"):
            forms += ("request", "request")
        return forms

    def _final(self, rng: random.Random, lemma: str, form: str, pos: str = "verb", irregular: str = "") -> str:
        """A sentence-final predicate: a :data:`FORMS` form, ``will`` (-ㄹ 거예요) or ``request``."""
        if form == "will":
            return conjugate(lemma, "adnominal_future", pos, irregular) + " 거예요"
        if form == "request" and rng.random() < 0.5:
            return conjugate(lemma, "infinitive", pos, irregular) + " 주세요"
        return conjugate(lemma, form, pos, irregular)

    def _punctuate(self, rng: random.Random, text: str, form: str) -> str:
        r = rng.random()
        if text[-1] in SYMBOLS:
            return text
        if r < 0.10:
            return text + "."
        if r < 0.16:
            return text + ("?" if form in ("polite", "past_polite", "will", "future_polite") else "!")
        return text

    # ---- kinds ---------------------------------------------------------------------------------------
    def _word(self, rng: random.Random) -> str:
        return self._pick(rng, self.words)

    def _syllables(self, rng: random.Random) -> str:
        n = rng.choice((1, 2, 2, 3, 3, 3, 4, 4, 5))
        return "".join(rng.choice(self._ks_list) for _ in range(n))

    def _name(self, rng: random.Random) -> str:
        r = rng.random()
        if r < 0.33:
            return self._full_name(rng)
        if r < 0.66:
            return f"{self._full_name(rng)} {self._pick(rng, self._titles)}"
        if r < 0.74:
            title = self._pick(rng, self._surname_titles)
            return f"{rng.choices(self._surnames, self._surname_weights)[0]} {title}"
        if r < 0.78:
            return f"{self._given_name(rng)} {self._pick(rng, ('씨', '님'))}"
        if r < 0.85:
            label = self._pick(rng, ("담당자", "성명:", "이름:", "받는 분", "보내는 분", "작성자:", "보호자", "대표"))
            return f"{label} {self._full_name(rng)}"
        if r < 0.88:
            return f"{self._full_name(rng)}, {self._full_name(rng)}"
        prefix_kind = rng.random()
        if prefix_kind < 0.6:
            prefix = self._pick(rng, self._shop_prefix)
        elif prefix_kind < 0.8:
            prefix = self._pick(rng, self._regions)[2].split(" ")[-1][:-1]  # 강남구 -> 강남
        else:
            prefix = self._given_name(rng) + "네"
        return prefix + self._pick(rng, ("", " ")) + self._pick(rng, self._shop_type)

    def _sentence(self, rng: random.Random) -> str:
        r = rng.random()
        if r < 0.06:
            text, form = self._pick(rng, EXPRESSIONS), "polite"
            if " " not in text:  # one eojeol: add a vocative so that every sentence has 2-6
                vocative = self._pick(rng, ("여러분", "선생님", "어머니", "사장님", "고객님", f"{self._given_name(rng)} 씨"))
                text = f"{vocative}, {text}"
        elif r < 0.34 and self.words:
            text, form = self._dict_sentence(rng)
        else:
            text, form = self._template_sentence(rng)
        if not 2 <= len(text.split(" ")) <= 6:
            return ""  # an empty line is never valid: the caller draws again
        return self._punctuate(rng, text, form)

    def _template_sentence(self, rng: random.Random) -> tuple[str, str]:
        pattern = rng.randrange(11)
        time, tense = self._time(rng)
        parts: list[str] = []
        if rng.random() < 0.45:
            parts.append(time)
        else:
            tense = "any"
        if pattern <= 2:  # transitive: [time] [place에서] obj을 [adv] V
            lemma, irr, cats = self._pick(rng, TRANSITIVE)
            form = self._pick(rng, self._forms_for(tense, "verb"))
            if form != "request" and rng.random() < 0.25:
                parts.insert(0, self._pick(rng, SUBJECTS_1P))
            if rng.random() < 0.3:
                parts.append(attach_particle(self._noun(rng, "place"), "에서"))
            parts.append(attach_particle(self._noun(rng, self._pick(rng, cats)), "을/를"))
            if rng.random() < 0.25:
                parts.append(self._pick(rng, ADVERBS_VERB))
            parts.append(self._final(rng, lemma, form, "verb", irr))
        elif pattern == 3:  # motion: [time] [person과 같이] place에 V
            lemma = self._pick(rng, MOTION)
            form = self._pick(rng, self._forms_for(tense, "verb"))
            if rng.random() < 0.3:
                parts += [attach_particle(self._noun(rng, "person"), "과/와"), "같이"]
            parts.append(attach_particle(self._noun(rng, "place"), self._pick(rng, ("에", "에", "으로/로"))))
            parts.append(self._final(rng, lemma, form))
        elif pattern == 4:  # at a place: [time] place에서 [adv] V
            lemma, irr = self._pick(rng, AT_PLACE)
            form = self._pick(rng, self._forms_for(tense, "verb"))
            parts.append(attach_particle(self._noun(rng, "place"), "에서"))
            if rng.random() < 0.3:
                parts.append(self._pick(rng, ADVERBS_VERB))
            parts.append(self._final(rng, lemma, form, "verb", irr))
        elif pattern == 5:  # subject + intransitive verb
            subjects, lemma, irr = self._pick(rng, SUBJECT_VERBS)
            form = self._pick(rng, [f for f in self._forms_for(tense, "verb") if f != "request"])
            if rng.random() < 0.15:
                parts += [attach_particle(self._pick(rng, BROKEN), "이/가"), "고장"]
                lemma, irr = "나다", ""
            else:
                parts.append(attach_particle(self._pick(rng, subjects), "이/가"))
            parts.append(self._final(rng, lemma, form, "verb", irr))
        elif pattern <= 7:  # adjective: subject이/가 [degree] ADJ
            lemma, irr, cats = self._pick(rng, ADJECTIVES)
            form = self._pick(rng, [f for f in self._forms_for(tense, "adj") if f != "request"])
            category = self._pick(rng, cats)
            subject = self._noun(rng, category)
            if category == "person" and rng.random() < 0.4:
                parts.append(self._pick(rng, ("저는", "나는", "오늘은", "요즘")))
            else:
                parts.append(attach_particle(subject, self._pick(rng, ("이/가", "이/가", "은/는", "도"))))
            if rng.random() < 0.4:
                parts.append(self._pick(rng, ADVERBS_ADJ))
            if rng.random() < 0.15:
                parts.append(conjugate(lemma, "but", "adj", irr))
                lemma, irr, _ = self._pick(rng, [a for a in ADJECTIVES if category in a[2]])
            parts.append(self._final(rng, lemma, form, "adj", irr))
        elif pattern == 8:  # two clauses
            parts = []
            form = self._pick(rng, PAST_FORMS + PRESENT_FORMS)
            choice = rng.randrange(3)
            lemma, irr, cats = self._pick(rng, TRANSITIVE)
            if choice == 0:  # 밥을 먹고 학교에 갔다
                parts += [attach_particle(self._noun(rng, self._pick(rng, cats)), "을/를"),
                          conjugate(lemma, "and", "verb", irr),
                          attach_particle(self._noun(rng, "place"), "에"), conjugate(self._pick(rng, MOTION), form)]
            elif choice == 1:  # 시장에 가서 사과를 샀다
                parts += [attach_particle(self._noun(rng, "place"), "에"),
                          conjugate(self._pick(rng, ("가다", "들어가다", "오다", "나가다")), "so"),
                          attach_particle(self._noun(rng, self._pick(rng, cats)), "을/를"),
                          conjugate(lemma, form, "verb", irr)]
            else:  # 날씨가 더워서 물을 마셨다
                adj, airr, acats = self._pick(rng, [a for a in ADJECTIVES if "weather" in a[2] or "person" in a[2]])
                subject = "날씨" if "weather" in acats else self._pick(rng, ("저는", "너무", "오늘은"))
                parts += [attach_particle(subject, "이/가") if subject == "날씨" else subject,
                          conjugate(adj, "so", "adj", airr),
                          attach_particle(self._noun(rng, self._pick(rng, cats)), "을/를"),
                          conjugate(lemma, form, "verb", irr)]
        elif pattern == 9:  # want / progressive / negative / noun phrase
            lemma, irr, cats = self._pick(rng, TRANSITIVE)
            parts = [attach_particle(self._noun(rng, self._pick(rng, cats)), "을/를")]
            aux = rng.randrange(4)
            form = self._pick(rng, ("polite", "past", "past_polite", "formal", "plain", "past_formal"))
            if aux == 0:
                parts += [conjugate(lemma, "and", "verb", irr), conjugate("싶다", form, "adj")]
            elif aux == 1:
                parts += [conjugate(lemma, "and", "verb", irr), conjugate("있다", form, "adj")]
            elif aux == 2:
                if lemma.endswith("하다") and len(lemma) > 2:
                    parts += [lemma[:-2] + "하지", conjugate("않다", form, "verb")]
                else:
                    parts += [self._pick(rng, ("안", "못")), conjugate(lemma, form, "verb", irr)]
            else:  # 어제 산 가방이에요 / 맛있는 김치찌개
                cat = self._pick(rng, cats)
                noun = self._noun(rng, cat)
                time, tense = self._time(rng, "past")
                ending = self._pick(rng, ("polite", "formal", "plain"))
                parts = [time, conjugate(lemma, "adnominal_past", "verb", irr), copula(noun, ending)]
                if rng.random() < 0.5:
                    adjs = [a for a in ADJECTIVES if cat in a[2]]
                    if adjs:
                        adj, airr, _ = self._pick(rng, adjs)
                        parts = [self._pick(rng, ADVERBS_ADJ), conjugate(adj, "adnominal", "adj", airr), noun]
        else:  # copula: 저는 학생입니다 / 여기는 도서관이에요 / 이름은 김민준입니다
            form = self._pick(rng, ("polite", "formal", "past", "past_polite"))
            choice = rng.randrange(3)
            if choice == 0:
                parts = [self._pick(rng, ("저는", "제 친구는", "우리 형은", "그 사람은")),
                         copula(self._noun(rng, "person"), form)]
            elif choice == 1:
                parts = [self._pick(rng, ("여기는", "저기는", "이곳은", "거기는")), copula(self._noun(rng, "place"), form)]
            else:
                parts = [self._pick(rng, ("제 이름은", "담당자는", "저는")), copula(self._full_name(rng), form)]
        return " ".join(parts), form

    def _dict_sentence(self, rng: random.Random) -> tuple[str, str]:
        """Sentences around the dictionary's own nouns and -하다/-되다 words (POS-neutral endings only)."""
        noun = self._pick(rng, self._nouns)
        form = self._pick(rng, NEUTRAL_FORMS)
        choice = rng.randrange(6)
        if choice == 0:
            lemma, irr = self._pick(rng, GENERIC_OBJ)
            return f"{attach_particle(noun, '을/를')} {self._final(rng, lemma, form, 'verb', irr)}", form
        if choice == 1:
            lemma, pos, irr = self._pick(rng, GENERIC_SUBJ)
            return f"{attach_particle(noun, '이/가')} {conjugate(lemma, form, pos, irr)}", form
        if choice == 2 and self._ha_words:
            lemma = self._pick(rng, self._ha_words)
            head = self._pick(rng, TIMES["any"] + ADVERBS_ADJ[:5] + ("다시", "같이", "먼저"))
            if rng.random() < 0.3:
                other = self._pick(rng, self._ha_words)
                return f"{conjugate(other, 'and')} {conjugate(lemma, form)}", form
            return f"{head} {conjugate(lemma, form)}", form
        if choice == 3 and self._doe_words:
            return f"{attach_particle(noun, '이/가')} {conjugate(self._pick(rng, self._doe_words), form)}", form
        if choice == 4:
            form = self._pick(rng, ("polite", "formal", "past"))
            other = self._pick(rng, self._nouns)
            return f"{attach_particle(noun, '은/는')} {copula(other, form)}", form
        return f"{attach_particle(noun, '에')} 대해 {conjugate(self._pick(rng, TALK), form)}", form

    def _digits(self, rng: random.Random) -> str:
        makers = (self._date, self._clock, self._phone, self._price, self._address, self._room, self._count,
                  self._percent, self._numeral)
        return rng.choices(makers, (16, 12, 14, 14, 12, 9, 12, 5, 6))[0](rng)

    def _date(self, rng: random.Random) -> str:
        day = datetime.date(1980, 1, 1) + datetime.timedelta(days=rng.randrange(56 * 365))
        y, m, d, w = day.year, day.month, day.day, WEEKDAYS[day.weekday()]
        formats = (f"{y}년 {m}월 {d}일", f"{y}.{m:02d}.{d:02d}", f"{y}. {m}. {d}.", f"{y % 100:02d}/{m:02d}/{d:02d}",
                   f"{y}-{m:02d}-{d:02d}", f"{m}월 {d}일", f"{m}월 {d}일 ({w})", f"{y}년 {m}월 {d}일 {w}요일",
                   f"{m}/{d}", f"{y}년 {m}월", f"{m}월 {d}일까지", f"{y}.{m}.{d}", f"'{y % 100:02d}.{m:02d}.{d:02d}",
                   f"{y}년도", f"{m}.{d}({w})")
        text = self._pick(rng, formats)
        if rng.random() < 0.15:
            text = f"{self._pick(rng, ('생년월일:', '날짜:', '작성일', '유통기한', '접수일:', '발행일'))} {text}"
        return text

    def _clock(self, rng: random.Random) -> str:
        h, mi = rng.randrange(24), rng.choice((0, 0, 5, 10, 15, 20, 30, 30, 40, 45, 50, rng.randrange(60)))
        h12 = h % 12 or 12
        ampm = "오전" if h < 12 else "오후"
        h2 = min(h + rng.randrange(1, 9), 23)
        formats = (f"{ampm} {h12}시", f"{ampm} {h12}시 {mi}분", f"{h:02d}:{mi:02d}", f"{h}:{mi:02d}",
                   f"{h12}시 반", f"{h12}시 {mi}분", f"{h}시 {mi}분", f"{h:02d}:00~{h2:02d}:00",
                   f"{ampm} {h12}시~{h2 % 12 or 12}시", f"{_part_of_day(h)} {h12}시",
                   f"{h12}:{mi:02d} {'AM' if h < 12 else 'PM'}", f"{rng.randrange(1, 5)}시간 {mi}분",
                   f"{mi}분 후", f"{h}시 {mi}분 {rng.randrange(60)}초")
        text = self._pick(rng, formats)
        if rng.random() < 0.15:
            text = f"{self._pick(rng, ('영업시간', '출발', '도착', '마감', '시작', '회의'))} {text}"
        return text

    def _phone(self, rng: random.Random) -> str:
        n4 = lambda: f"{rng.randrange(10000):04d}"  # noqa: E731
        kind = rng.randrange(6)
        if kind <= 1:
            number = f"010-{n4()}-{n4()}"
        elif kind == 2:
            number = f"02-{rng.randrange(200, 1000) if rng.random() < 0.5 else rng.randrange(2000, 10000)}-{n4()}"
        elif kind == 3:
            area = self._pick(rng, ("031", "032", "033", "041", "042", "043", "051", "052", "053", "054", "055",
                                    "061", "062", "063", "064"))
            number = f"{area}-{rng.randrange(200, 1000) if rng.random() < 0.4 else rng.randrange(2000, 10000)}-{n4()}"
        elif kind == 4:
            number = f"{self._pick(rng, ('1588', '1577', '1544', '1566', '1600', '1644', '1661'))}-{n4()}"
        else:
            number = self._pick(rng, (f"010 {n4()} {n4()}", f"(02) {rng.randrange(200, 1000)}-{n4()}",
                                      f"010.{n4()}.{n4()}"))
        if rng.random() < 0.3:
            number = f"{self._pick(rng, ('전화', 'Tel.', '연락처:', '휴대폰', '문의', 'TEL', '팩스', '대표번호'))} {number}"
        return number

    def _price(self, rng: random.Random) -> str:
        r = rng.random()
        if r < 0.55:
            value = rng.choice((rng.randrange(1, 100) * 100, rng.randrange(1, 100) * 1000, rng.randrange(1, 1000) * 500,
                                rng.randrange(1, 2000) * 1000, rng.randrange(1, 10000) * 10))
            text = f"{_format_number(value)}원"
        elif r < 0.85:
            man = rng.choice((rng.randrange(1, 10), rng.randrange(10, 100), rng.randrange(100, 1000)))
            text = self._pick(rng, (f"{man}만 원", f"{man}만 {rng.randrange(1, 10)}천 원", f"{man}만원",
                                    f"{rng.randrange(1, 10)}천 원", f"{rng.randrange(1, 20)}억 원",
                                    f"{rng.randrange(1, 10)}억 {rng.randrange(1, 10)}천만 원"))
        else:
            text = f"{rng.randrange(1, 100) * 100}원"
        if rng.random() < 0.4:
            label = self._pick(rng, ("가격", "합계", "총", "할인가", "정가", "1인", "입장료", "배송비", "잔액",
                                     "금액:", "월", "판매가", "결제 금액"))
            text = f"{label} {text}"
        elif rng.random() < 0.15:
            text = copula(text, self._pick(rng, ("formal", "polite")))
        return text

    def _address(self, rng: random.Random) -> str:
        full, short, district = self._pick(rng, self._regions)
        region = full if rng.random() < 0.5 else short
        r = rng.random()
        if r < 0.45:
            road = self._pick(rng, self._roads)
            number = str(rng.randrange(1, 400)) + (f"-{rng.randrange(1, 30)}" if rng.random() < 0.25 else "")
            head = self._pick(rng, (f"{region} {district}", district))
            return f"{head} {road} {number}"
        if r < 0.65:
            head = self._pick(rng, (district, f"{region} {district}"))
            return f"{head} {self._pick(rng, self._dongs)} {rng.randrange(1, 999)}-{rng.randrange(1, 99)}"
        dong, ho = rng.randrange(101, 120), rng.randrange(1, 26) * 100 + rng.randrange(1, 9)
        if r < 0.85:
            name = self._pick(rng, self._shop_prefix) + self._pick(rng, ("아파트", "빌라", "마을", "타워"))
            return self._pick(rng, (f"{name} {dong}동 {ho}호", f"{dong}동 {ho}호"))
        return self._pick(rng, (f"우편번호 {rng.randrange(1000, 64000):05d}", f"({rng.randrange(1000, 64000):05d})",
                                f"{self._pick(rng, self._roads)} {rng.randrange(1, 400)}, {rng.randrange(2, 20)}층"))

    def _room(self, rng: random.Random) -> str:
        floor = rng.randrange(1, 30)
        return self._pick(rng, (
            f"{floor * 100 + rng.randrange(1, 20)}호", f"{floor}층", f"B{rng.randrange(1, 6)}",
            f"B{rng.randrange(1, 6)}층",
            f"지하 {rng.randrange(1, 6)}층", f"{floor}층 {floor * 100 + rng.randrange(1, 20)}호",
            f"제{rng.randrange(1, 12)}강의실", f"{rng.randrange(1, 13)}번 출구", f"{rng.randrange(1, 50)}번 게이트",
            f"{rng.randrange(1, 20)}번 창구", f"{rng.randrange(1, 800)}번 버스", f"버스 {rng.randrange(100, 9800)}번",
            f"{rng.randrange(1, 7)}학년 {rng.randrange(1, 12)}반",
            f"{rng.randrange(1, 4)}학년 {rng.randrange(1, 12)}반 {rng.randrange(1, 36)}번",
            f"{self._pick(rng, 'ABCDE')}동 {floor * 100 + rng.randrange(1, 20)}호", f"{rng.randrange(1, 10)}호선",
            f"{rng.randrange(1, 30)}번 테이블", f"{rng.randrange(1, 60)}번 좌석", f"{floor}층 화장실",
            f"{rng.randrange(10, 400)}{self._pick(rng, PLATE_SYLLABLES)} {rng.randrange(1000, 10000)}"))

    def _count(self, rng: random.Random) -> str:
        unit, values, items = self._pick(rng, COUNT_UNITS)
        number = self._pick(rng, values)
        text = f"{number:g}{unit}" if isinstance(number, float) else f"{number}{unit}"
        r = rng.random()
        if r < 0.55:
            text = f"{self._pick(rng, items)} {text}"
            if unit in ORDERABLE_UNITS and rng.random() < 0.3:
                text = self._pick(rng, (f"{text} 주세요", f"{text} 있어요", f"{text} 남았어요", copula(text, "formal")))
        elif r < 0.65:
            text = f"{self._pick(rng, ('총', '약', '최대', '최소', '1인당'))} {text}"
        elif r < 0.7:
            nights = rng.randrange(1, 5)
            text = f"{nights}박 {nights + 1}일"
        elif r < 0.73:
            text = f"영하 {rng.randrange(1, 20)}도"
        return text

    def _percent(self, rng: random.Random) -> str:
        value = self._pick(rng, (str(rng.randrange(1, 101)), f"{rng.randrange(1, 100)}.{rng.randrange(10)}"))
        return self._pick(rng, (f"{value}%", f"할인 {value}%", f"{value}% 할인", f"습도 {value}%", f"배터리 {value}%",
                                f"최대 {value}%", f"{value}% 증가", f"강수확률 {value}%", f"{value}%까지"))

    def _numeral(self, rng: random.Random) -> str:
        n = rng.randrange(1, 100)
        return self._pick(rng, (
            f"제{n}조", f"제{n}회", f"{n}위", f"{rng.randrange(10)}:{rng.randrange(10)}",
            f"{rng.randrange(1, 10)}/{rng.randrange(2, 11)}", f"{n}~{n + rng.randrange(1, 50)}명",
            f"{rng.randrange(1990, 2036)}학년도", f"No. {n}", f"{n}.{rng.randrange(100):02d}",
            _format_number(rng.randrange(1000, 10**7)), str(rng.randrange(10**6)), f"{n}번째", f"{n}년 전", f"{n}일째",
            f"{rng.randrange(1, 5)}.{rng.randrange(10)}점", f"{n}쪽", f"{n}-{rng.randrange(1, 10)}", f"{n}번"))

    def _latin(self, rng: random.Random) -> str:
        r = rng.random()
        if r < 0.25:
            u = rng.random()
            if u < 0.5:
                text = self._pick(rng, ACRONYM_NOUNS)
            elif u < 0.75:
                text = f"{self._pick(rng, ACRONYMS)} {self._pick(rng, LATIN_GENERIC)}"
            else:
                text = f"{self._pick(rng, ACRONYMS)} {self._pick(rng, self._nouns)}"
            if is_hangul_syllable(text[-1]) and rng.random() < 0.15:
                text = copula(text, self._pick(rng, ("formal", "polite")))
            return text
        if r < 0.37:
            term, batchim, verbs = self._pick(rng, DEVICES)
            lemma, irr = self._pick(rng, verbs)
            form = self._pick(rng, PAST_FORMS + PRESENT_FORMS + ("request",))
            head = attach_particle(term, "을/를", batchim)
            if term in ("SNS", "PC", "E-mail", "USB") and rng.random() < 0.4:
                head = f"{attach_particle(term, '에서', batchim)} {attach_particle(self._noun(rng, 'send'), '을/를')}"
                lemma, irr = self._pick(rng, (("확인하다", ""), ("찾다", ""), ("보내다", ""), ("받다", "")))
            return f"{head} {self._final(rng, lemma, form, 'verb', irr)}"
        if r < 0.52:
            if self._latin_words and rng.random() < 0.3:
                return f"{self._pick(rng, self._latin_words)} {self._pick(rng, LATIN_GENERIC)}"
            if rng.random() < 0.3:
                shop, prefix = self._pick(rng, LATIN_SHOP), self._pick(rng, self._shop_prefix)
                return self._pick(rng, (f"{shop} {prefix}", f"{prefix} {shop}", f"{shop.upper()} {prefix}"))
            text = self._pick(rng, LATIN_PHRASES)
            if text in ("OPEN", "CLOSE"):
                text += f" {rng.randrange(6, 12):02d}:00"
            return text
        if r < 0.59:
            suffix = self._pick(rng, ("", str(rng.randrange(100)), str(rng.randrange(1970, 2010))))
            user = self._pick(rng, ID_PARTS) + suffix
            address = f"{user}@{self._pick(rng, EMAIL_DOMAINS)}"
            if rng.random() < 0.4:
                return self._pick(rng, (f"www.{self._pick(rng, ID_PARTS)}.co.kr", f"{self._pick(rng, ID_PARTS)}.com",
                                        f"ID: {user}", f"#{self._pick(rng, NOUNS['food'] + NOUNS['place'])}"))
            return address
        if r < 0.65:
            return self._pick(rng, (f"D-{rng.randrange(1, 100)}", "D-day", f"Q{rng.randrange(1, 5)}", "Q&A",
                                    f"{self._pick(rng, 'ABC')}-{rng.randrange(1, 30)}",
                                    f"{self._pick(rng, 'ABCDEF')}{rng.randrange(1, 9)}",
                                    f"{self._pick(rng, 'ABO')}형", f"{self._pick(rng, ('S', 'M', 'L', 'XL'))} 사이즈",
                                    f"{self._pick(rng, 'ABCD')}등급", f"{self._pick(rng, ('ABCD'))}반", "O/X", "A/B"))
        return self._punctuation(rng)

    def _punctuation(self, rng: random.Random) -> str:
        """Hangul with the punctuation of :data:`SYMBOLS` and no Latin letter."""
        choice = rng.randrange(8)
        if choice == 0:  # quotes
            inner = self._pick(rng, self._nouns) if rng.random() < 0.5 else self._pick(rng, EXPRESSIONS)
            return self._pick(rng, (f"'{inner}'", f"\"{inner}\""))
        if choice == 1:  # question / exclamation
            lemma, irr, cats = self._pick(rng, TRANSITIVE)
            obj = self._noun(rng, self._pick(rng, cats))
            form = self._pick(rng, ("polite", "past_polite"))
            adjective = self._pick(rng, ("좋다", "맛있다", "재미있다", "예쁘다", "멋있다"))
            exclaim = conjugate(adjective, self._pick(rng, ("plain", "polite")), "adj")
            return self._pick(rng, (f"{obj} {conjugate(lemma, form, 'verb', irr)}?",
                                    f"{self._pick(rng, INTERJECTIONS)}, {conjugate(lemma, form, 'verb', irr)}?",
                                    f"{self._pick(rng, ('와', '우와', '아'))}, {self._pick(rng, ADVERBS_ADJ)} {exclaim}!",
                                    f"{self._pick(rng, ('정말요', '진짜', '왜요', '어디요', '언제요', '뭐라고요', '그래요'))}?"))
        if choice == 2:  # parentheses
            prefix, name = self._pick(rng, self._shop_prefix), self._full_name(rng)
            return self._pick(rng, (f"(주){prefix}", f"(사){prefix}협회", f"{name}({rng.randrange(1, 90)}세)",
                                    f"{self._pick(rng, self._nouns)}(필수)", "(단위: 원)", f"(예: {name})",
                                    f"{self._pick(rng, NOUNS['place'])}({self._pick(rng, WEEKDAYS)})"))
        if choice == 3:  # label: value
            label = self._pick(rng, tuple(LABELS))
            kind = LABELS[label]
            if kind == "name":
                value = self._full_name(rng)
            elif kind == "things":
                value = ", ".join(self._pick(rng, NOUNS["thing"]) for _ in range(rng.randrange(1, 4)))
            elif kind in NOUNS:
                value = self._noun(rng, kind)
            else:
                value = self._pick(rng, self._nouns)
            return f"{label}: {value}"
        if choice == 4:  # ranges
            a, b = self._pick(rng, NOUNS["place"]), self._pick(rng, NOUNS["place"])
            return self._pick(rng, (f"{self._pick(rng, WEEKDAYS)}~{self._pick(rng, WEEKDAYS)}", f"{a}~{b}",
                                    f"{a} - {b}", f"{a} ~ {b}", f"{rng.randrange(1, 10)}~{rng.randrange(10, 30)}일"))
        if choice == 5:  # slashes
            return self._pick(rng, ("예/아니요", "남/여", "O/X", "유/무", "상/중/하", "찬성/반대",
                                    f"{self._pick(rng, NOUNS['drink'])}/{self._pick(rng, NOUNS['drink'])}"))
        if choice == 6:  # a conjugated sentence with final punctuation
            text, form = self._template_sentence(rng)
            return text + self._pick(rng, (".", "!", "?", "..."))
        expression = self._pick(rng, [e for e in EXPRESSIONS if "," not in e and "?" not in e])
        return f"{self._pick(rng, INTERJECTIONS)}, {expression}{self._pick(rng, ('.', '!', ''))}"


# --------------------------------------------------------------------------------------------------------
# Functional API
# --------------------------------------------------------------------------------------------------------
def text_for(index: int, words: Sequence[str], seed: int, mix: TextMix | None = None) -> tuple[str, str]:
    """``(text, kind)`` of sample ``index``, independent of every other index (build a :class:`TextGenerator`
    once instead when drawing many: this indexes ``words`` on each call).

    Raises:
        EasyOcrKoError: see :class:`TextGenerator`.
    """
    return TextGenerator(words, mix, seed)(index)


def generate_texts(n: int, words: Sequence[str], seed: int, mix: TextMix | None = None) -> list[tuple[str, str]]:
    """``n`` lines ``(text, kind)`` for samples ``0 .. n-1``; same seed -> same list.

    Args:
        n: number of lines (>= 0).
        words: the dictionary.
        seed: the dataset seed.
        mix: proportions and limits (default :class:`TextMix`).

    Raises:
        ValueError: ``n < 0``.
        EasyOcrKoError: see :class:`TextGenerator`.
    """
    return TextGenerator(words, mix, seed).generate(n)


def mix_summary(samples: Sequence[tuple[str, str]], character: str | None = None) -> dict:
    """Counts for a summary file: lines per kind, mean length, and the share (in [0, 1]) of lines holding a
    character outside ``character`` (default korean_g2's 1,008), overall and per kind."""
    from easyocr_ko.charset import korean_g2_characters

    allowed = set(character if character is not None else korean_g2_characters())
    per_kind = Counter(kind for _, kind in samples)
    outside = Counter(kind for text, kind in samples if any(c not in allowed for c in text))
    n = len(samples)
    return {
        "lines": n,
        "per_kind": {kind: per_kind[kind] for kind in KIND_NAMES},
        "mean_chars": (sum(len(t) for t, _ in samples) / n) if n else 0.0,
        "share_outside_charset": (sum(outside.values()) / n) if n else 0.0,
        "share_outside_charset_per_kind": {k: outside[k] / per_kind[k] for k in KIND_NAMES if per_kind[k]},
    }


def _click_command():
    import click

    @click.command("texts")
    @click.option("--n", "count", type=click.IntRange(min=0), default=20, show_default=True, help="lines to print")
    @click.option("--seed", type=int, default=0, show_default=True)
    @click.option("--mix", "mix_spec", default=None,
                  help="proportions, e.g. 'word=0.4,sentence=0.2,digits=0.15,latin=0.15,name=0.1,max_chars=25'")
    @click.option("--dict", "dict_paths", multiple=True, type=click.Path(path_type=Path),
                  help="dictionary file (repeatable; default: the shipped one)")
    @click.option("--json", "as_json", is_flag=True, help="print a summary (mix_summary) as JSON instead of lines")
    def texts(count: int, seed: int, mix_spec: str | None, dict_paths: tuple, as_json: bool) -> None:
        """Print synthetic text lines (kind<TAB>text) as ``gen`` would draw them."""
        import json

        from easyocr_ko.text.dictionary import load_dictionary

        mix = TextMix.parse(mix_spec) if mix_spec else TextMix()
        samples = generate_texts(count, load_dictionary(dict_paths).words, seed, mix)
        if as_json:
            click.echo(json.dumps(mix_summary(samples), ensure_ascii=False, indent=2))
            return
        for text, kind in samples:
            click.echo(f"{kind}\t{text}")

    return texts


texts_command = _click_command()
"""``easyocr-ko texts``: a click command for the lead to register (``main.add_command(texts_command)``)."""

__all__ = [
    "KIND_NAMES", "SYMBOLS", "FORMS", "IRREGULAR", "TextMix", "TextGenerator", "text_for", "generate_texts",
    "mix_summary", "conjugate", "copula", "attach_particle", "compose_syllable", "decompose_syllable",
    "has_batchim", "is_hangul_syllable", "texts_command",
]
