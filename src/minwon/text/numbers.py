"""Korean amounts as people write them: 3만5천, 12,000, 월 4만 9천 9백, 두 달, 하루 종일."""

from __future__ import annotations

import re

NATIVE_NUMBERS = {
    "한": 1, "하나": 1, "두": 2, "둘": 2, "세": 3, "셋": 3, "석": 3, "서": 3, "네": 4, "넷": 4, "넉": 4,
    "다섯": 5, "여섯": 6, "일곱": 7, "여덟": 8, "아홉": 9, "열": 10, "열한": 11, "열두": 12,
    "스무": 20, "스물": 20, "서른": 30,
}
SINO_DIGITS = {"일": 1, "이": 2, "삼": 3, "사": 4, "오": 5, "육": 6, "칠": 7, "팔": 8, "구": 9}
_SMALL_UNITS = {"십": 10, "백": 100, "천": 1000}
_BIG_UNITS = {"만": 10_000, "억": 100_000_000, "조": 1_000_000_000_000}
_TOKEN = re.compile(r"\d[\d,]*(?:\.\d+)?|[십백천만억조]|[일이삼사오육칠팔구]")


def parse_korean_amount(text: str) -> float | None:
    """'3만5천' → 35000, '4만 9천 9백' → 49900, '12,000' → 12000, '1.5만' → 15000."""
    total = 0.0
    section = 0.0  # the part below the current 만/억 unit
    number: float | None = None
    seen = False
    for token in _TOKEN.findall(text.replace(" ", "")):
        seen = True
        if token[0].isdigit():
            number = float(token.replace(",", ""))
        elif token in SINO_DIGITS:
            number = float(SINO_DIGITS[token])
        elif token in _SMALL_UNITS:
            section += (number if number is not None else 1.0) * _SMALL_UNITS[token]
            number = None
        else:
            section += number if number is not None else 0.0
            total += (section if section else 1.0) * _BIG_UNITS[token]
            section = 0.0
            number = None
    if not seen:
        return None
    return total + section + (number or 0.0)
