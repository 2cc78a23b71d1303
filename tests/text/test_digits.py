"""easyocr_ko.text.digits: phone numbers in Korean formats, valid calendar dates, and every maker drawn with its
weight, each line made from its own RNG."""
from __future__ import annotations

import datetime
import random
import re
from collections import Counter

from easyocr_ko.text import digits
from easyocr_ko.text.digits import date, digits_line, phone
from easyocr_ko.text.lexicon import place_lists

PHONE = re.compile(r"(?:(?:전화|Tel\.|연락처:|휴대폰|문의|TEL|팩스|대표번호) )?"
                   r"(?:010-\d{4}-\d{4}|02-\d{3,4}-\d{4}|0[3-6]\d-\d{3,4}-\d{4}|1[56]\d\d-\d{4}"
                   r"|010 \d{4} \d{4}|\(02\) \d{3}-\d{4}|010\.\d{4}\.\d{4})")


def test_phone_numbers_match_korean_formats() -> None:
    phones = [phone(random.Random(i)) for i in range(400)]
    assert all(PHONE.fullmatch(p) for p in phones), [p for p in phones if not PHONE.fullmatch(p)][:5]
    assert any(re.fullmatch(r"010-\d{4}-\d{4}", p) for p in phones)
    assert any(re.fullmatch(r"02-\d{3}-\d{4}", p) for p in phones)


def test_dates_are_valid_calendar_dates() -> None:
    dates = [date(random.Random(i)) for i in range(600)]
    seen = Counter()
    for text in dates:
        m = re.search(r"(\d{4})년 (\d{1,2})월 (\d{1,2})일 ([월화수목금토일])요일", text)
        if m:
            y, mo, d = map(int, m.groups()[:3])
            assert "월화수목금토일"[datetime.date(y, mo, d).weekday()] == m[4], text
            seen["weekday"] += 1
        m = re.search(r"\b(\d{4})\.(\d{2})\.(\d{2})$", text)
        if m:
            datetime.date(*map(int, m.groups()))  # raises on 2024.02.30
            seen["dotted"] += 1
        if re.fullmatch(r"(?:\S+ )?\d{2}/\d{2}/\d{2}", text):
            seen["slashed"] += 1
        if re.fullmatch(r"(?:\S+:? )?\d{4}년 \d{1,2}월 \d{1,2}일", text):
            seen["korean"] += 1
    assert min(seen["weekday"], seen["dotted"], seen["slashed"], seen["korean"]) > 0, seen


def test_every_maker_is_reachable_and_lines_are_printable() -> None:
    places = place_lists()
    lines = [digits_line(random.Random(i), places) for i in range(1000)]
    assert all(line and line.isprintable() and line == line.strip() for line in lines)
    assert any("원" in line for line in lines) and any("%" in line for line in lines)
    assert any(re.fullmatch(r"\d+호", line) for line in lines) or any("층" in line for line in lines)
    assert digits._part_of_day(0) == "새벽" and digits._part_of_day(23) == "밤"
