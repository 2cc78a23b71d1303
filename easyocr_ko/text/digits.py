"""The ``digits`` kind of generated line: dates, times, phone numbers, prices, addresses, rooms and floors, counts
with units, percentages and other numerals, written the ways Korean forms, signs and receipts write them.

Each function takes the sample's :class:`random.Random` and draws from it in a fixed order (the generator's output
for a seed depends on that order); the results are not yet checked against the line rules (length, characters):
:class:`easyocr_ko.text.generator.TextGenerator` does that and draws again when a line does not fit.

>>> import random
>>> rng = random.Random(0)
>>> [date(rng), clock(rng), phone(rng), price(rng)]
["'14.07.24", '40분 후', '043-9439-3578', '41,050원']
"""
from __future__ import annotations

import datetime
import random

from easyocr_ko.text.grammar import copula
from easyocr_ko.text.lexicon import COUNT_UNITS, ORDERABLE_UNITS, PLATE_SYLLABLES, WEEKDAYS, PlaceLists, pick

__all__ = ["digits_line", "date", "clock", "phone", "price", "address", "room", "count", "percent", "numeral"]

_MAKER_WEIGHTS = (16, 12, 14, 14, 12, 9, 12, 5, 6)
"""Relative weights of date, clock, phone, price, address, room, count, percent and numeral lines."""


def digits_line(rng: random.Random, places: PlaceLists) -> str:
    """One line of the ``digits`` kind: one of the makers below, drawn with :data:`_MAKER_WEIGHTS`.

    Args:
        rng: the sample's RNG.
        places: the shipped place lists (for :func:`address`).
    """
    makers = (date, clock, phone, price, lambda r: address(r, places), room, count, percent, numeral)
    return rng.choices(makers, _MAKER_WEIGHTS)[0](rng)


def _part_of_day(hour: int) -> str:
    """새벽 (0-5 h), 아침 (6-9), 오전 (10-11), 낮 (12-16), 저녁 (17-20), 밤 (21-23) for an ``hour`` in 0..23.

    Raises:
        ValueError: ``hour`` is 24 or more.
    """
    for limit, name in ((6, "새벽"), (10, "아침"), (12, "오전"), (17, "낮"), (21, "저녁"), (24, "밤")):
        if hour < limit:
            return name
    raise ValueError(f"hour {hour} not in 0..23")


def _format_number(value: int) -> str:
    """Thousands separated by commas: ``12345`` -> ``'12,345'``."""
    return f"{value:,}"


def _labelled(rng: random.Random, text: str, p: float, labels: tuple[str, ...]) -> str:
    """``text``, with probability ``p`` after a label of ``labels`` and a space (one ``rng.random()`` draw, then
    one :func:`~easyocr_ko.text.lexicon.pick` when it fires)."""
    return f"{pick(rng, labels)} {text}" if rng.random() < p else text


def date(rng: random.Random) -> str:
    """A calendar date from 1980 to 2035 in one of 15 formats (2024년 3월 5일, 2024.03.05, 3월 5일 (화) ...),
    sometimes after a label (생년월일:)."""
    day = datetime.date(1980, 1, 1) + datetime.timedelta(days=rng.randrange(56 * 365))
    y, m, d, w = day.year, day.month, day.day, WEEKDAYS[day.weekday()]
    formats = (f"{y}년 {m}월 {d}일", f"{y}.{m:02d}.{d:02d}", f"{y}. {m}. {d}.", f"{y % 100:02d}/{m:02d}/{d:02d}",
               f"{y}-{m:02d}-{d:02d}", f"{m}월 {d}일", f"{m}월 {d}일 ({w})", f"{y}년 {m}월 {d}일 {w}요일",
               f"{m}/{d}", f"{y}년 {m}월", f"{m}월 {d}일까지", f"{y}.{m}.{d}", f"'{y % 100:02d}.{m:02d}.{d:02d}",
               f"{y}년도", f"{m}.{d}({w})")
    return _labelled(rng, pick(rng, formats), 0.15, ("생년월일:", "날짜:", "작성일", "유통기한", "접수일:", "발행일"))


def clock(rng: random.Random) -> str:
    """A time of day, a time range or a duration (오후 3시 30분, 09:00~18:00, 2시간 15분 ...)."""
    h, mi = rng.randrange(24), rng.choice((0, 0, 5, 10, 15, 20, 30, 30, 40, 45, 50, rng.randrange(60)))
    h12 = h % 12 or 12
    ampm = "오전" if h < 12 else "오후"
    h2 = min(h + rng.randrange(1, 9), 23)
    formats = (f"{ampm} {h12}시", f"{ampm} {h12}시 {mi}분", f"{h:02d}:{mi:02d}", f"{h}:{mi:02d}",
               f"{h12}시 반", f"{h12}시 {mi}분", f"{h}시 {mi}분", f"{h:02d}:00~{h2:02d}:00",
               f"{ampm} {h12}시~{h2 % 12 or 12}시", f"{_part_of_day(h)} {h12}시",
               f"{h12}:{mi:02d} {'AM' if h < 12 else 'PM'}", f"{rng.randrange(1, 5)}시간 {mi}분",
               f"{mi}분 후", f"{h}시 {mi}분 {rng.randrange(60)}초")
    return _labelled(rng, pick(rng, formats), 0.15, ("영업시간", "출발", "도착", "마감", "시작", "회의"))


def phone(rng: random.Random) -> str:
    """A Korean phone number: mobile 010, Seoul 02, a regional area code, a 15xx/16xx company number, or a
    spaced/dotted/parenthesised variant, sometimes after a label (전화, Tel.)."""
    def n4() -> str:
        return f"{rng.randrange(10000):04d}"

    kind = rng.randrange(6)
    if kind <= 1:
        number = f"010-{n4()}-{n4()}"
    elif kind == 2:
        number = f"02-{rng.randrange(200, 1000) if rng.random() < 0.5 else rng.randrange(2000, 10000)}-{n4()}"
    elif kind == 3:
        area = pick(rng, ("031", "032", "033", "041", "042", "043", "051", "052", "053", "054", "055",
                          "061", "062", "063", "064"))
        number = f"{area}-{rng.randrange(200, 1000) if rng.random() < 0.4 else rng.randrange(2000, 10000)}-{n4()}"
    elif kind == 4:
        number = f"{pick(rng, ('1588', '1577', '1544', '1566', '1600', '1644', '1661'))}-{n4()}"
    else:
        number = pick(rng, (f"010 {n4()} {n4()}", f"(02) {rng.randrange(200, 1000)}-{n4()}", f"010.{n4()}.{n4()}"))
    return _labelled(rng, number, 0.3, ("전화", "Tel.", "연락처:", "휴대폰", "문의", "TEL", "팩스", "대표번호"))


def price(rng: random.Random) -> str:
    """An amount in won (12,000원, 3만 5천 원, 2억 원), sometimes after a label (합계) or with the copula."""
    r = rng.random()
    if r < 0.55:
        value = rng.choice((rng.randrange(1, 100) * 100, rng.randrange(1, 100) * 1000, rng.randrange(1, 1000) * 500,
                            rng.randrange(1, 2000) * 1000, rng.randrange(1, 10000) * 10))
        text = f"{_format_number(value)}원"
    elif r < 0.85:
        man = rng.choice((rng.randrange(1, 10), rng.randrange(10, 100), rng.randrange(100, 1000)))
        text = pick(rng, (f"{man}만 원", f"{man}만 {rng.randrange(1, 10)}천 원", f"{man}만원",
                          f"{rng.randrange(1, 10)}천 원", f"{rng.randrange(1, 20)}억 원",
                          f"{rng.randrange(1, 10)}억 {rng.randrange(1, 10)}천만 원"))
    else:
        text = f"{rng.randrange(1, 100) * 100}원"
    if rng.random() < 0.4:
        label = pick(rng, ("가격", "합계", "총", "할인가", "정가", "1인", "입장료", "배송비", "잔액",
                           "금액:", "월", "판매가", "결제 금액"))
        text = f"{label} {text}"
    elif rng.random() < 0.15:
        text = copula(text, pick(rng, ("formal", "polite")))
    return text


def address(rng: random.Random, places: PlaceLists) -> str:
    """A road-name or lot-number address, an apartment unit or a postcode, from the shipped region, road, dong
    and shop-prefix lists (well formed, but the address need not exist)."""
    region_row = pick(rng, places.regions)
    region = region_row.full if rng.random() < 0.5 else region_row.short
    district = region_row.district
    r = rng.random()
    if r < 0.45:
        road = pick(rng, places.roads)
        number = str(rng.randrange(1, 400)) + (f"-{rng.randrange(1, 30)}" if rng.random() < 0.25 else "")
        head = pick(rng, (f"{region} {district}", district))
        return f"{head} {road} {number}"
    if r < 0.65:
        head = pick(rng, (district, f"{region} {district}"))
        return f"{head} {pick(rng, places.dongs)} {rng.randrange(1, 999)}-{rng.randrange(1, 99)}"
    dong, ho = rng.randrange(101, 120), rng.randrange(1, 26) * 100 + rng.randrange(1, 9)
    if r < 0.85:
        name = pick(rng, places.shop_prefixes) + pick(rng, ("아파트", "빌라", "마을", "타워"))
        return pick(rng, (f"{name} {dong}동 {ho}호", f"{dong}동 {ho}호"))
    return pick(rng, (f"우편번호 {rng.randrange(1000, 64000):05d}", f"({rng.randrange(1000, 64000):05d})",
                      f"{pick(rng, places.roads)} {rng.randrange(1, 400)}, {rng.randrange(2, 20)}층"))


def room(rng: random.Random) -> str:
    """A room, floor, exit, gate, counter, bus, class, seat or car-plate number (1203호, B2층, 3번 출구 ...)."""
    floor = rng.randrange(1, 30)
    return pick(rng, (
        f"{floor * 100 + rng.randrange(1, 20)}호", f"{floor}층", f"B{rng.randrange(1, 6)}",
        f"B{rng.randrange(1, 6)}층",
        f"지하 {rng.randrange(1, 6)}층", f"{floor}층 {floor * 100 + rng.randrange(1, 20)}호",
        f"제{rng.randrange(1, 12)}강의실", f"{rng.randrange(1, 13)}번 출구", f"{rng.randrange(1, 50)}번 게이트",
        f"{rng.randrange(1, 20)}번 창구", f"{rng.randrange(1, 800)}번 버스", f"버스 {rng.randrange(100, 9800)}번",
        f"{rng.randrange(1, 7)}학년 {rng.randrange(1, 12)}반",
        f"{rng.randrange(1, 4)}학년 {rng.randrange(1, 12)}반 {rng.randrange(1, 36)}번",
        f"{pick(rng, 'ABCDE')}동 {floor * 100 + rng.randrange(1, 20)}호", f"{rng.randrange(1, 10)}호선",
        f"{rng.randrange(1, 30)}번 테이블", f"{rng.randrange(1, 60)}번 좌석", f"{floor}층 화장실",
        f"{rng.randrange(10, 400)}{pick(rng, PLATE_SYLLABLES)} {rng.randrange(1000, 10000)}"))


def count(rng: random.Random) -> str:
    """A count with a unit of :data:`~easyocr_ko.text.lexicon.COUNT_UNITS` (사과 3개, 1.5L, 키 170cm), an order
    (만두 2개 주세요), a stay (2박 3일) or a temperature below zero (영하 5도)."""
    unit = pick(rng, COUNT_UNITS)
    number = pick(rng, unit.values)
    text = f"{number:g}{unit.unit}" if isinstance(number, float) else f"{number}{unit.unit}"
    r = rng.random()
    if r < 0.55:
        text = f"{pick(rng, unit.items)} {text}"
        if unit.unit in ORDERABLE_UNITS and rng.random() < 0.3:
            text = pick(rng, (f"{text} 주세요", f"{text} 있어요", f"{text} 남았어요", copula(text, "formal")))
    elif r < 0.65:
        text = f"{pick(rng, ('총', '약', '최대', '최소', '1인당'))} {text}"
    elif r < 0.7:
        nights = rng.randrange(1, 5)
        text = f"{nights}박 {nights + 1}일"
    elif r < 0.73:
        text = f"영하 {rng.randrange(1, 20)}도"
    return text


def percent(rng: random.Random) -> str:
    """A percentage, 1-100 or with one decimal, often with a word (할인 30%, 습도 45.5%)."""
    value = pick(rng, (str(rng.randrange(1, 101)), f"{rng.randrange(1, 100)}.{rng.randrange(10)}"))
    return pick(rng, (f"{value}%", f"할인 {value}%", f"{value}% 할인", f"습도 {value}%", f"배터리 {value}%",
                      f"최대 {value}%", f"{value}% 증가", f"강수확률 {value}%", f"{value}%까지"))


def numeral(rng: random.Random) -> str:
    """Other numbers: articles and rounds (제3조), ranks, scores, fractions, ranges, years, pages, big numbers."""
    n = rng.randrange(1, 100)
    return pick(rng, (
        f"제{n}조", f"제{n}회", f"{n}위", f"{rng.randrange(10)}:{rng.randrange(10)}",
        f"{rng.randrange(1, 10)}/{rng.randrange(2, 11)}", f"{n}~{n + rng.randrange(1, 50)}명",
        f"{rng.randrange(1990, 2036)}학년도", f"No. {n}", f"{n}.{rng.randrange(100):02d}",
        _format_number(rng.randrange(1000, 10**7)), str(rng.randrange(10**6)), f"{n}번째", f"{n}년 전", f"{n}일째",
        f"{rng.randrange(1, 5)}.{rng.randrange(10)}점", f"{n}쪽", f"{n}-{rng.randrange(1, 10)}", f"{n}번"))
