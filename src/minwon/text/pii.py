"""Personal data in Korean text: find the spans, and mask them with typed placeholders.

Candidates come from patterns; each kind is then validated the way the number itself
allows: 주민등록번호 by birth date and (for numbers issued before October 2020) the
checksum, telephone numbers by `phonenumbers` (1588-style company numbers, 080 toll-free
and premium numbers are not personal), cards by Luhn. ko-pii and presidio were measured
first (docs/design.md): ko-pii is ~160 documents/s, presidio needs spaCy models; this
module runs at thousands of documents/s on the same texts.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import phonenumbers
from phonenumbers import PhoneNumberType

PLACEHOLDERS = {
    "rrn": "[주민번호]",
    "foreign_rn": "[외국인등록번호]",
    "phone": "[전화번호]",
    "email": "[이메일]",
    "account": "[계좌번호]",
    "card": "[카드번호]",
    "address": "[주소]",
    "name": "[이름]",
}


@dataclass(frozen=True, slots=True)
class PiiSpan:
    type: str
    start: int
    end: int


_RRN = re.compile(r"(?<![\d-])(\d{2})(\d{2})(\d{2})\s?[-–]?\s?([0-9])(\d{6})(?![\d-])")
_EMAIL = re.compile(r"(?<![\w.+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_PHONE = re.compile(
    r"(?<![\d-])(?:\+82[\s-]?|\(?0)(?:1[016789]|2|3[1-3]|4[1-4]|5[1-5]|6[1-4]|50[2-8]|70)\)?[\s.-]?"
    r"\d{3,4}[\s.-]?\d{4}(?![\d-])"
)
_CARD = re.compile(r"(?<![\d-])(?:\d{4}[\s-]?\d{4}[\s-]?\d{4}[\s-]?\d{4}|\d{4}[\s-]?\d{6}[\s-]?\d{5})(?![\d-])")
_ACCOUNT = re.compile(r"(?<![\d-])\d{2,6}-\d{2,6}-\d{2,7}(?:-\d{1,3})?(?![\d-])")
_ACCOUNT_CONTEXT = re.compile(
    r"(계좌|통장|은행|입금|이체|환불|예금주|농협|국민|신한|우리|하나|기업|카카오뱅크|토스뱅크|새마을|우체국|수협|부산은행|대구은행)"
)
_NAME = re.compile(
    r"(?:성명|이름|고객명|가입자명|가입자|명의자|예금주|신청인|민원인|보호자)\s*[:：]?\s*([가-힣]{2,4})(?=$|[\s,.)(/님씨])"
)
_ADMIN = r"(?:[가-힣]{1,10}(?:특별시|광역시|특별자치시|특별자치도|도|시|군|구|읍|면))"
_BUILDING = r"\d{1,4}(?:-\d{1,4})?(?!\d|[,.]\d|\s?(?:만|천|백|원|개|일|시|분|년|번(?!길)|회|명|%|km|m\b|층|차|위|등|살|세|kg|g\b|대))"
_UNIT = r"(?:\s?,?\s?(?:[가-힣A-Za-z0-9]{1,15}(?:아파트|빌라|오피스텔|맨션|타워))?\s?\d{1,4}동\s?\d{1,5}호|\s?\d{1,5}호)?"
# Adverbs and particles that end in 로 and may stand before a number.
_ADVERB_RO = "진짜로|정말로|바로|새로|주로|따로|서로|실제로|대체로|제대로|멋대로|마음대로|그대로|별로|억지로|혼자로|앞으로|뒤로|위로|아래로|처음으로|최종으로|추가로|별도로|무료로|유료로|전화로|문자로|온라인으로|현금으로|카드로|자동으로|수동으로|임의로|일방적으로|월로|일로|년로"
# A road-name address needs an administrative unit before it, unless the road itself
# is unmistakable (…대로 12, …번길 3): "요금으로 3만원" must not become an address.
_ROAD_ADDRESS = re.compile(
    rf"(?:{_ADMIN}\s*){{1,4}}[가-힣0-9]{{1,15}}(?:로|길)\s?{_BUILDING}(?:번길\s?{_BUILDING})?{_UNIT}"
    rf"|[가-힣0-9]{{1,15}}(?:대로|[0-9]+번길|[0-9]+길)\s?{_BUILDING}{_UNIT}"
    rf"|(?<![가-힣])(?!(?:{_ADVERB_RO})\s)[가-힣]{{1,9}}[가-힣](?<![으달])로\s?{_BUILDING}(?:번길\s?{_BUILDING})?{_UNIT}"
)
_LOT_ADDRESS = re.compile(
    r"(?:(?:[가-힣]{1,10}(?:특별시|광역시|특별자치시|특별자치도|도|시|군|구))\s*){1,4}"
    r"(?:[가-힣0-9]{1,10}(?:읍|면)\s*)?[가-힣0-9]{1,10}(?:동|리|가)\s?\d{1,5}(?:-\d{1,5})?(?:번지)?"
    r"(?:\s?\d{1,4}동\s?\d{1,5}호|\s?\d{1,5}호)?"
)
_PERSONAL_PHONE_TYPES = {
    PhoneNumberType.MOBILE,
    PhoneNumberType.FIXED_LINE,
    PhoneNumberType.FIXED_LINE_OR_MOBILE,
    PhoneNumberType.VOIP,
    PhoneNumberType.PERSONAL_NUMBER,
}
_RRN_WEIGHTS = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)
# From October 2020 the last six digits are random: no checksum to check.
_CHECKSUM_ABOLISHED = dt.date(2020, 10, 1)


def rrn_kind(digits: str) -> str | None:
    """'rrn', 'foreign_rn' or None for a 13-digit string."""
    if len(digits) != 13 or not digits.isdigit():
        return None
    gender = int(digits[6])
    century = {1: 1900, 2: 1900, 5: 1900, 6: 1900, 3: 2000, 4: 2000, 7: 2000, 8: 2000, 9: 1800, 0: 1800}[gender]
    try:
        born = dt.date(century + int(digits[0:2]), int(digits[2:4]), int(digits[4:6]))
    except ValueError:
        return None
    if born > dt.date.today():
        return None
    foreign = gender in (5, 6, 7, 8)
    if born < _CHECKSUM_ABOLISHED:
        total = sum(int(d) * w for d, w in zip(digits[:12], _RRN_WEIGHTS, strict=True))
        expected = ((13 if foreign else 11) - total % 11) % 10
        if expected != int(digits[12]):
            return None
    return "foreign_rn" if foreign else "rrn"


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


_MOBILE_SHAPE = re.compile(r"(?:\+82[\s-]?|0)1[016789][\s.-]?\d{3,4}[\s.-]?\d{4}")


def _personal_phone(candidate: str) -> bool:
    # A mobile number is personal by its shape alone: phonenumbers' allocation tables lag
    # behind the carriers', and masking a real number we thought unallocated is the costly error.
    if _MOBILE_SHAPE.fullmatch(candidate.strip("()")):
        return True
    try:
        number = phonenumbers.parse(candidate, "KR")
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_valid_number(number) and phonenumbers.number_type(number) in _PERSONAL_PHONE_TYPES


_HAS_DIGITS = re.compile(r"\d")
# Cheap pre-checks: each expensive pattern runs only where its shape could occur.
_LONG_NUMBER = re.compile(r"\d{3,}[\s.–-]?\d{3,}")
_ADDRESS_HINT = re.compile(r"[로길동리가]\s?\d")
_NAME_HINT = re.compile(r"성명|이름|고객명|가입자|명의자|예금주|신청인|민원인|보호자")


def find_pii(text: str) -> list[PiiSpan]:
    """Non-overlapping PII spans, in text order; on overlap the longer span wins."""
    found: list[PiiSpan] = []
    has_digits = _HAS_DIGITS.search(text) is not None
    if not has_digits and "@" not in text and not _NAME_HINT.search(text):
        return found  # nothing here could be personal data: skip the expensive patterns
    long_numbers = has_digits and _LONG_NUMBER.search(text) is not None
    for match in _RRN.finditer(text) if long_numbers else ():
        digits = re.sub(r"\D", "", match.group(0))
        kind = rrn_kind(digits)
        if kind:
            found.append(PiiSpan(kind, match.start(), match.end()))
    for match in _EMAIL.finditer(text) if "@" in text else ():
        found.append(PiiSpan("email", match.start(), match.end()))
    for match in _CARD.finditer(text) if long_numbers else ():
        if luhn_valid(re.sub(r"\D", "", match.group(0))):
            found.append(PiiSpan("card", match.start(), match.end()))
    for match in _PHONE.finditer(text) if long_numbers else ():
        if _personal_phone(match.group(0)):
            found.append(PiiSpan("phone", match.start(), match.end()))
    for match in _ACCOUNT.finditer(text) if long_numbers else ():
        digits = re.sub(r"\D", "", match.group(0))
        context = text[max(0, match.start() - 30) : match.start()]
        phone_shaped = digits.startswith("0") and len(digits) <= 11 and _PHONE.fullmatch(match.group(0))
        if phone_shaped or not 10 <= len(digits) <= 14:
            continue
        if _ACCOUNT_CONTEXT.search(context) or (len(digits) >= 11 and not digits.startswith("0")):
            found.append(PiiSpan("account", match.start(), match.end()))
    for pattern in (_ROAD_ADDRESS, _LOT_ADDRESS) if _ADDRESS_HINT.search(text) else ():
        for match in pattern.finditer(text):
            found.append(PiiSpan("address", match.start(), match.end()))
    for match in _NAME.finditer(text):
        found.append(PiiSpan("name", match.start(1), match.end(1)))
    return _resolve_overlaps(found)


# When two kinds claim the same characters, validated numbers beat loose patterns.
_PRIORITY = {"rrn": 0, "foreign_rn": 0, "card": 1, "email": 1, "phone": 2, "account": 3, "address": 4, "name": 5}


def _resolve_overlaps(spans: list[PiiSpan]) -> list[PiiSpan]:
    ordered = sorted(spans, key=lambda s: (_PRIORITY[s.type], -(s.end - s.start), s.start))
    chosen: list[PiiSpan] = []
    for span in ordered:
        if all(span.end <= other.start or span.start >= other.end for other in chosen):
            chosen.append(span)
    return sorted(chosen, key=lambda s: s.start)


def mask(text: str, spans: list[PiiSpan]) -> str:
    parts: list[str] = []
    cursor = 0
    for span in spans:
        parts.append(text[cursor : span.start])
        parts.append(PLACEHOLDERS[span.type])
        cursor = span.end
    parts.append(text[cursor:])
    return "".join(parts)
