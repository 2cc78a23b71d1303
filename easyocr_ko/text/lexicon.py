"""The generator's lexicon: curated word tables for sentences, digits and Latin lines, and the shipped name and
place lists.

Two kinds of data:

* tables in this module (nouns by category, verbs and adjectives with their conjugation class and the categories
  of nouns they take, time words, fixed expressions, units, acronyms ...).  They carry grammar, so they are kept
  in code, next to :mod:`easyocr_ko.text.grammar` which they must agree with.  Rows with several fields are
  :class:`typing.NamedTuple` s (:class:`Transitive`, :class:`Verb`, :class:`SubjectVerb`, :class:`Adjective`,
  :class:`Predicate`, :class:`Device`, :class:`CountUnit`); the order of every table is part of the generator's
  output (a row is drawn by its index), so rows are only ever appended, never reordered.
* the plain lists shipped in ``dicts/`` (``names_*.txt``, ``places_*.txt``; see ``dicts/README.md``), read by
  :func:`name_lists` and :func:`place_lists`; with the pools a generator indexes from its dictionary they make
  the :class:`WordPools` that the makers of names, sentences and Latin lines take.

Every Hangul syllable of the tables is in KS X 1001 (checked by ``tests/text/test_lexicon.py``).

>>> TRANSITIVE[0].lemma, TRANSITIVE[0].objects, DEVICES[0].verbs[0].lemma
('먹다', ('food',), '켜다')
"""
from __future__ import annotations

import random
from collections.abc import Sequence
from functools import cache
from typing import Any, NamedTuple, TypeVar

from easyocr_ko.text.dictionary import normalize_text

__all__ = [
    "Transitive", "Verb", "SubjectVerb", "Adjective", "Predicate", "Device", "CountUnit", "Region", "NameLists",
    "PlaceLists", "NOUNS", "TRANSITIVE", "MOTION", "AT_PLACE", "SUBJECT_VERBS", "BROKEN", "ADJECTIVES",
    "ADJ_SUBJECTS", "TIMES", "ADVERBS_VERB", "ADVERBS_ADJ", "SUBJECTS_1P", "EXPRESSIONS", "GENERIC_OBJ",
    "GENERIC_SUBJ", "TALK", "PAST_FORMS", "PRESENT_FORMS", "FUTURE_FORMS", "NEUTRAL_FORMS", "ACRONYM_NOUNS",
    "DEVICES", "LATIN_PHRASES", "ACRONYMS", "LATIN_SHOP", "LATIN_GENERIC", "EMAIL_DOMAINS", "ID_PARTS", "LABELS",
    "INTERJECTIONS", "COUNT_UNITS", "ORDERABLE_UNITS", "PLATE_SYLLABLES", "WEEKDAYS", "SYMBOLS", "WordPools", "pick",
    "name_lists", "place_lists",
]

T = TypeVar("T")


def pick(rng: random.Random, items: Sequence[T]) -> T:
    """One entry of ``items`` (non-empty), drawn uniformly with exactly one ``rng.randrange`` call.

    Raises:
        ValueError: ``items`` is empty.
    """
    return items[rng.randrange(len(items))]


# --------------------------------------------------------------------------------------------------------
# Row types
# --------------------------------------------------------------------------------------------------------
class Verb(NamedTuple):
    """A predicate and its conjugation class."""

    lemma: str
    """Dictionary form, e.g. ``"걷다"``."""
    irregular: str
    """One of :data:`easyocr_ko.text.grammar.IRREGULAR` (``""`` regular)."""


class Transitive(NamedTuple):
    """A transitive verb and the :data:`NOUNS` categories of its objects (먹다 takes ``food``)."""

    lemma: str
    irregular: str
    objects: tuple[str, ...]


class SubjectVerb(NamedTuple):
    """An intransitive verb with the nouns that can be its subject (비가 오다)."""

    subjects: tuple[str, ...]
    lemma: str
    irregular: str


class Adjective(NamedTuple):
    """An adjective and what it describes: :data:`NOUNS` categories or :data:`ADJ_SUBJECTS` keys."""

    lemma: str
    irregular: str
    subjects: tuple[str, ...]


class Predicate(NamedTuple):
    """A verb or adjective said of any noun (its subject): 시간이 있다, 계획이 바뀌다."""

    lemma: str
    pos: str
    """``"verb"`` or ``"adj"``."""
    irregular: str


class Device(NamedTuple):
    """A Latin term used as an object (TV를 켜다), with the verbs that take it."""

    term: str
    batchim: bool
    """Whether the term is read with a final consonant (ATM 에이티엠 -> 을; TV 티비 -> 를)."""
    verbs: tuple[Verb, ...]


class CountUnit(NamedTuple):
    """A counter or unit written after a number (3개, 1.5L)."""

    unit: str
    values: Sequence[Any]
    """The numbers it is drawn with (ints, or floats printed with ``:g``)."""
    items: tuple[str, ...]
    """Words written before the count (사과 3개, 키 170cm)."""


def _rows(row_type: type[T], rows: tuple[tuple, ...]) -> tuple[T, ...]:
    """The positional ``rows`` as ``row_type`` rows (the tables below stay compact, one row per tuple)."""
    return tuple(row_type(*row) for row in rows)


# --------------------------------------------------------------------------------------------------------
# Sentences
# --------------------------------------------------------------------------------------------------------
# Nouns by category, for sentence templates and labels (장소: 학교).
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
TRANSITIVE: tuple[Transitive, ...] = _rows(Transitive, (
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
))
# Verbs of motion to a place (place + 에).
MOTION: tuple[str, ...] = ("가다", "오다", "다니다", "도착하다", "돌아가다", "돌아오다", "들어가다", "나가다",
                           "올라가다", "내려가다")
# Intransitive verbs done at a place (place + 에서), with their irregular class.
AT_PLACE: tuple[Verb, ...] = _rows(Verb, (
    ("일하다", ""), ("공부하다", ""), ("쉬다", ""), ("놀다", ""), ("자다", ""), ("운동하다", ""), ("걷다", "d"),
    ("살다", ""), ("기다리다", ""), ("노래하다", ""), ("산책하다", ""), ("쇼핑하다", ""), ("일어나다", ""),
    ("웃다", ""), ("울다", ""),
))
# Intransitive verbs with a subject: (subjects, lemma, irregular class).
SUBJECT_VERBS: tuple[SubjectVerb, ...] = _rows(SubjectVerb, (
    (("비", "눈"), "오다", ""), (("비", "눈"), "내리다", ""),
    (("수업", "회의", "영화", "공연", "방학", "시험", "경기"), "시작되다", ""),
    (("수업", "회의", "영화", "공연", "방학", "시험", "경기", "일"), "끝나다", ""),
    (("문", "가게", "창문", "은행"), "열리다", ""), (("문", "가게", "창문", "은행"), "닫히다", ""),
    (("가격", "물가", "기온", "월급"), "오르다", "reu"), (("가격", "물가", "기온", "성적"), "떨어지다", ""),
    (("버스", "기차", "택배", "손님", "편지"), "도착하다", ""), (("준비", "주문", "예약", "연락", "결정"), "되다", ""),
    (("문제", "일", "약속", "친구"), "생기다", ""), (("결과", "성적", "신제품"), "나오다", ""),
    (("계획", "주소", "번호", "날씨"), "바뀌다", ""),
))
# Machines that break down (컴퓨터가 고장 나다).
BROKEN = ("컴퓨터", "휴대폰", "자동차", "냉장고", "엘리베이터", "세탁기", "프린터")
# Adjectives: (lemma, irregular, subject categories or literal subjects).
ADJECTIVES: tuple[Adjective, ...] = _rows(Adjective, (
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
))
# Literal subjects of the adjective subject categories that are not NOUNS categories.
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
# Predicates used with any dictionary noun: as its object (noun을 확인하다) and as its subject (noun이 있다).
GENERIC_OBJ: tuple[Verb, ...] = _rows(Verb, (
    ("확인하다", ""), ("준비하다", ""), ("찾다", ""), ("사다", ""), ("보다", ""), ("정리하다", ""),
    ("설명하다", ""), ("기억하다", ""), ("소개하다", ""), ("좋아하다", ""), ("받다", ""), ("고르다", "reu"),
))
GENERIC_SUBJ: tuple[Predicate, ...] = _rows(Predicate, (
    ("있다", "adj", ""), ("없다", "adj", ""), ("필요하다", "adj", ""), ("중요하다", "adj", ""),
    ("많다", "adj", ""), ("좋다", "adj", ""), ("생기다", "verb", ""), ("바뀌다", "verb", ""),
))
# Verbs of talking and thinking about a dictionary noun (noun에 대해 이야기하다).
TALK = ("이야기하다", "생각하다", "말하다", "공부하다", "조사하다", "질문하다")

# Sentence-final forms by tense: names of grammar.FORMS, plus "will" (-ㄹ 거예요), which the generator composes
# itself (it also writes half of the "request" forms as -아/어 주세요).
PAST_FORMS = ("past", "past_polite", "past_formal")
PRESENT_FORMS = ("polite", "formal", "plain")
FUTURE_FORMS = ("future_formal", "future_polite", "will")
NEUTRAL_FORMS = ("past", "past_polite", "past_formal", "polite", "formal", "future_formal")  # any -하다 word

# --------------------------------------------------------------------------------------------------------
# Latin and punctuation
# --------------------------------------------------------------------------------------------------------
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
DEVICES: tuple[Device, ...] = tuple(Device(term, batchim, _rows(Verb, verbs)) for term, batchim, verbs in (
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
))
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
# Form labels and the kind of value written after them (장소: 학교; "dict": a dictionary noun).
LABELS = {"장소": "place", "이름": "name", "담당": "name", "작성자": "name", "준비물": "things", "참고": "dict",
          "메모": "dict", "제목": "dict", "비고": "dict", "주제": "dict", "목적": "dict", "메뉴": "food",
          "음료": "drink", "과목": "subject", "받는 사람": "name", "도착지": "place"}
INTERJECTIONS = ("아", "와", "음", "네", "아니요", "어", "자", "그래요", "정말요", "진짜")
SYMBOLS = ",.?!()-~:/'\"%&@#+"
"""The only ASCII punctuation generated lines use (besides digits, Latin letters and the space)."""
# --------------------------------------------------------------------------------------------------------
# Digits
# --------------------------------------------------------------------------------------------------------
# (unit, values, words written before the count); counts of ORDERABLE_UNITS may end in 주세요 / 있어요 ...
COUNT_UNITS: tuple[CountUnit, ...] = _rows(CountUnit, (
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
))
ORDERABLE_UNITS = ("개", "인분", "병", "권", "장", "잔", "마리", "봉지", "박스", "대", "켤레")
PLATE_SYLLABLES = "가나다라마거너더러머버서어저고노도로모보소오조구누두루무부수우주바사아자배하허호"  # car plates
WEEKDAYS = "월화수목금토일"


# --------------------------------------------------------------------------------------------------------
# Names and places shipped in dicts/
# --------------------------------------------------------------------------------------------------------
class Region(NamedTuple):
    """A row of ``dicts/places_regions.txt``."""

    full: str
    """Province or metropolitan city, full name (서울특별시)."""
    short: str
    """Its short name (서울)."""
    district: str
    """A district in it (강남구)."""


class NameLists(NamedTuple):
    """The shipped name lists (``dicts/names_*.txt``)."""

    surnames: tuple[str, ...]
    """Surnames, most frequent first."""
    surname_weights: tuple[float, ...]
    """Draw weight of each surname: 1 / rank (김 1, 이 1/2 ...)."""
    given_full: tuple[str, ...]
    """Whole given names (민준, 영수, 하늘)."""
    given_first: tuple[str, ...]
    """First syllables of composed given names."""
    given_second: tuple[str, ...]
    """Second syllables of composed given names."""
    given_single: tuple[str, ...]
    """One-syllable given names (솔, 결)."""
    titles: tuple[str, ...]
    """Titles after a full name (씨, 대리, 선생님)."""
    surname_titles: tuple[str, ...]
    """Titles that may also follow a bare surname (박 과장)."""


class PlaceLists(NamedTuple):
    """The shipped place lists (``dicts/places_*.txt``)."""

    regions: tuple[Region, ...]
    roads: tuple[str, ...]
    """Road names (테헤란로), written before a building number."""
    dongs: tuple[str, ...]
    """Legal-dong names (역삼동), written before a lot number."""
    shop_prefixes: tuple[str, ...]
    """First words of shop and apartment names (행복, 한빛)."""
    shop_types: tuple[str, ...]
    """Kinds of shop (약국, 분식)."""


class WordPools(NamedTuple):
    """What the makers of :mod:`~easyocr_ko.text.sentences` and :mod:`~easyocr_ko.text.latin` draw from besides
    the tables of this module: the shipped lists and the pools a
    :class:`~easyocr_ko.text.generator.TextGenerator` indexes from its dictionary once.

    Every pool a maker draws from is non-empty, except ``ha_words`` and ``doe_words`` (checked before drawing)
    and ``latin_words`` (likewise); ``words`` is only tested for being non-empty.
    """

    words: Sequence[str]
    """The usable dictionary entries (possibly empty)."""
    nouns: Sequence[str]
    """Dictionary entries that look like nouns, or the ``thing`` nouns of :data:`NOUNS` when there are none."""
    ha_words: Sequence[str]
    """Hangul dictionary entries of 3-6 syllables ending in 하다."""
    doe_words: Sequence[str]
    """Hangul dictionary entries of 3-6 syllables ending in 되다."""
    latin_words: Sequence[str]
    """ASCII-letter dictionary entries of 2 or more letters."""
    names: NameLists
    """The shipped name lists (:func:`name_lists`)."""
    places: PlaceLists
    """The shipped place lists (:func:`place_lists`)."""


@cache
def _data_rows(name: str) -> tuple[tuple[str, ...], ...]:
    """Rows of a shipped ``dicts/`` list: UTF-8, ``#`` comments and blank lines skipped, fields split on TAB and
    normalised with :func:`easyocr_ko.text.dictionary.normalize_text`.

    Raises:
        FileNotFoundError: the file is not in the installed ``dicts/`` folder.
    """
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
    """The second field of the rows of ``name`` whose first field is ``kind``, in file order."""
    return tuple(row[1] for row in _data_rows(name) if row[0] == kind)


@cache
def name_lists() -> NameLists:
    """The shipped name lists, read once per process.

    Raises:
        FileNotFoundError: a ``dicts/names_*.txt`` file is missing.
    """
    surnames = tuple(row[0] for row in _data_rows("names_surnames.txt"))
    titles = _data_rows("names_titles.txt")
    return NameLists(
        surnames=surnames,
        surname_weights=tuple(1.0 / (rank + 1) for rank in range(len(surnames))),
        given_full=tuple(row[0] for row in _data_rows("names_given_full.txt")),
        given_first=_column("names_given_syllables.txt", "1"),
        given_second=_column("names_given_syllables.txt", "2"),
        given_single=_column("names_given_syllables.txt", "0"),
        titles=tuple(row[0] for row in titles),
        surname_titles=tuple(row[0] for row in titles if row[1:] == ("1",)),
    )


@cache
def place_lists() -> PlaceLists:
    """The shipped place lists, read once per process (region rows without exactly 3 fields are skipped).

    Raises:
        FileNotFoundError: a ``dicts/places_*.txt`` file is missing.
    """
    return PlaceLists(
        regions=tuple(Region(*row) for row in _data_rows("places_regions.txt") if len(row) == 3),
        roads=_column("places_roads.txt", "road"),
        dongs=_column("places_roads.txt", "dong"),
        shop_prefixes=_column("places_shops.txt", "prefix"),
        shop_types=_column("places_shops.txt", "type"),
    )
