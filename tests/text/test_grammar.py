"""easyocr_ko.text.grammar: conjugation (forms checked by hand: regular, -하다, ㄹ- and ㅡ-stems, the ㅂ/ㄷ/르
irregulars), its errors, two-form particles and the copula."""
from __future__ import annotations

import pytest

from easyocr_ko.text.grammar import FORMS, IRREGULAR, attach_particle, conjugate, copula

# ---------------------------------------------------------------- conjugation (forms checked by hand)

PAST = [("가다", "갔다"), ("하다", "했다"), ("먹다", "먹었다"), ("보다", "봤다"), ("오다", "왔다"), ("되다", "됐다"),
        ("마시다", "마셨다"), ("배우다", "배웠다"), ("쉬다", "쉬었다"), ("쓰다", "썼다"), ("만들다", "만들었다"),
        ("공부하다", "공부했다"), ("보내다", "보냈다"), ("켜다", "켰다"), ("서다", "섰다"), ("찾다", "찾았다"),
        ("좋다", "좋았다"), ("기다리다", "기다렸다"), ("바꾸다", "바꿨다")]


@pytest.mark.parametrize(("lemma", "past"), PAST)
def test_regular_past(lemma: str, past: str) -> None:
    assert conjugate(lemma, "past") == past


def test_formal_polite_and_future() -> None:
    assert conjugate("먹다", "formal") == "먹습니다"
    assert conjugate("가다", "formal") == "갑니다"
    assert conjugate("하다", "formal") == "합니다"
    assert conjugate("알다", "formal") == "압니다"  # ㄹ drops before ㅂ
    assert conjugate("쉬다", "future_formal") == "쉬겠습니다"
    assert conjugate("먹다", "past_formal") == "먹었습니다"
    assert conjugate("하다", "past_polite") == "했어요"
    assert conjugate("보다", "past_polite") == "봤어요"
    assert conjugate("먹다", "polite") == "먹어요"
    assert conjugate("하다", "polite") == "해요"
    assert conjugate("되다", "polite") == "돼요"
    assert conjugate("오다", "so") == "와서"


def test_adnominal_connective_and_plain() -> None:
    assert conjugate("가다", "adnominal") == "가는"
    assert conjugate("먹다", "adnominal_past") == "먹은"
    assert conjugate("가다", "adnominal_past") == "간"
    assert conjugate("먹다", "adnominal_future") == "먹을"
    assert conjugate("크다", "adnominal", pos="adj") == "큰"
    assert conjugate("작다", "adnominal", pos="adj") == "작은"
    assert conjugate("맛있다", "adnominal", pos="adj") == "맛있는"  # 있다/없다 adjectives take -는
    assert conjugate("먹다", "and") == "먹고"
    assert conjugate("먹다", "plain") == "먹는다"
    assert conjugate("가다", "plain") == "간다"
    assert conjugate("덥다", "plain", pos="adj", irregular="b") == "덥다"
    assert conjugate("먹다", "if") == "먹으면"
    assert conjugate("가다", "request") == "가세요"


def test_l_stems() -> None:
    assert [conjugate("만들다", f) for f in ("plain", "adnominal", "adnominal_past", "request", "if", "polite")] == [
        "만든다", "만드는", "만든", "만드세요", "만들면", "만들어요"]
    assert conjugate("길다", "adnominal", pos="adj") == "긴"
    assert conjugate("살다", "formal") == "삽니다"


def test_eu_stems() -> None:
    assert conjugate("바쁘다", "polite", pos="adj") == "바빠요"
    assert conjugate("예쁘다", "past", pos="adj") == "예뻤다"
    assert conjugate("크다", "polite", pos="adj") == "커요"
    assert conjugate("배고프다", "polite", pos="adj") == "배고파요"


def test_irregular_classes() -> None:
    assert conjugate("덥다", "polite", pos="adj", irregular="b") == "더워요"
    assert conjugate("덥다", "adnominal", pos="adj", irregular="b") == "더운"
    assert conjugate("덥다", "formal", pos="adj", irregular="b") == "덥습니다"
    assert conjugate("돕다", "past", irregular="b") == "도왔다"
    assert conjugate("듣다", "past", irregular="d") == "들었다"
    assert conjugate("듣다", "plain", irregular="d") == "듣는다"
    assert conjugate("듣다", "adnominal_past", irregular="d") == "들은"
    assert conjugate("모르다", "polite", irregular="reu") == "몰라요"
    assert conjugate("부르다", "past", irregular="reu") == "불렀다"
    assert conjugate("모르다", "formal", irregular="reu") == "모릅니다"
    # the same stems conjugated as regular give the regular forms, so the class really matters
    assert conjugate("입다", "polite") == "입어요"
    assert conjugate("받다", "polite") == "받아요"


def test_conjugate_errors() -> None:
    with pytest.raises(ValueError, match="dictionary form"):
        conjugate("먹어", "past")
    with pytest.raises(ValueError, match="unknown form"):
        conjugate("먹다", "pluperfect")
    with pytest.raises(ValueError, match="adjective"):
        conjugate("크다", "request", pos="adj")
    with pytest.raises(ValueError, match="ㅂ"):
        conjugate("먹다", "past", irregular="b")


def test_particles_and_copula() -> None:
    assert attach_particle("밥", "을/를") == "밥을"
    assert attach_particle("커피", "을/를") == "커피를"
    assert attach_particle("학교", "이/가") == "학교가"
    assert attach_particle("서울", "으로/로") == "서울로"  # ㄹ final takes 로
    assert attach_particle("집", "으로/로") == "집으로"
    assert attach_particle("ATM", "을/를", batchim=True) == "ATM을"
    assert copula("학생", "polite") == "학생이에요"
    assert copula("의사", "polite") == "의사예요"
    assert copula("의사", "past") == "의사였다"
    assert copula("학생", "formal") == "학생입니다"


def test_copula_forms_and_errors() -> None:
    assert copula("학생", "past_polite") == "학생이었어요"
    assert copula("의사", "past_formal") == "의사였습니다"
    assert copula("학생", "plain") == "학생이다"
    assert copula("ATM", "polite", batchim=True) == "ATM이에요"
    with pytest.raises(ValueError, match="copula has no form"):
        copula("학생", "request")


def test_one_form_particles_are_appended() -> None:
    assert attach_particle("학교", "에서") == "학교에서"
    assert attach_particle("TV", "을/를", batchim=False) == "TV를"
    assert attach_particle("ATM", "을/를") == "ATM를"  # no Hangul syllable: vowel-final unless batchim says so


def test_every_form_of_a_regular_verb_and_adjective() -> None:
    verb = [conjugate("먹다", form) for form in FORMS]
    assert verb == ["먹다", "먹었다", "먹었어요", "먹었습니다", "먹어요", "먹습니다", "먹겠습니다", "먹겠어요",
                    "먹는다", "먹고", "먹어서", "먹지만", "먹으면", "먹으세요", "먹는", "먹은", "먹을", "먹어"]
    adjective = [conjugate("작다", form, "adj") for form in FORMS if form not in ("request", "adnominal_past")]
    assert adjective == ["작다", "작았다", "작았어요", "작았습니다", "작아요", "작습니다", "작겠습니다", "작겠어요",
                         "작다", "작고", "작아서", "작지만", "작으면", "작은", "작을", "작아"]
    assert IRREGULAR == ("", "b", "d", "reu")
    with pytest.raises(ValueError, match="unknown irregular class"):
        conjugate("먹다", "past", irregular="s")
    with pytest.raises(ValueError, match="pos must be"):
        conjugate("먹다", "past", pos="noun")
