"""Entities of a complaint: operators, products, places, organisations, durations, money, dates."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import ahocorasick

from minwon.text.gazetteer import find_places
from minwon.text.numbers import NATIVE_NUMBERS, parse_korean_amount

__all__ = ["Entities", "extract_entities", "find_places"]

_A = r"(?<![A-Za-z0-9])"  # ASCII word boundaries that also work next to Hangul

# Keywords found in one Aho-Corasick pass (longest match wins, so "kt엠모바일" is an
# MVNO and not KT, "인터넷 전화" a landline and not internet). Each keyword maps to the
# (kind, label) pairs it signals; spacing variants are listed where people write them.
_KEYWORDS: dict[str, tuple[tuple[str, str], ...]] = {}


def _keywords(kind: str, label: str, *terms: str) -> None:
    for term in terms:
        _KEYWORDS[term] = (*_KEYWORDS.get(term, ()), (kind, label))


_keywords("company", "MVNO", "알뜰폰", "알뜰 폰", "헬로모바일", "헬로 모바일", "리브엠", "리브m", "리브 엠", "kb리브",
          "kt엠모바일", "kt 엠모바일", "kt m모바일", "kt m 모바일", "세븐모바일", "sk7모바일", "티플러스", "프리티", "이야기모바일",
          "스노우맨", "u+유모바일", "u+ 유모바일", "유모바일", "a모바일", "에넥스", "모빙", "토스모바일", "여유모바일", "mvno",
          "아이즈모바일", "인스모바일")
_keywords("company", "SK브로드밴드", "sk브로드밴드", "sk 브로드밴드", "에스케이브로드밴드", "skb", "btv", "b tv", "sk btv")
_keywords("company", "LG헬로비전", "lg헬로비전", "헬로비전")
_keywords("company", "KT스카이라이프", "스카이라이프")
_keywords("company", "딜라이브", "딜라이브")
_keywords("company", "SKT", "skt", "sk텔레콤", "sk 텔레콤", "에스케이텔레콤", "에스케이티", "sk", "티월드", "t월드", "에스케이")
_keywords("company", "LGU+", "lgu+", "lg u+", "lgu", "lg유플러스", "lg 유플러스", "엘지유플러스", "엘지 유플러스", "유플러스",
          "엘지유플", "유플", "lg텔레콤", "엘지텔레콤", "u+", "엘지", "lg")
_keywords("company", "KT", "kt", "케이티", "올레")
_keywords("product", "landline", "집전화", "집 전화", "유선전화", "유선 전화", "일반전화", "인터넷전화", "인터넷 전화", "070",
          "시내전화")
_keywords("product", "internet", "인터넷", "기가인터넷", "광랜", "초고속", "랜선", "모뎀", "ont")
_keywords("product", "iptv", "iptv", "아이피티비", "셋톱", "셋탑", "올레tv", "올레 tv", "지니tv", "지니 tv", "btv", "b tv",
          "u+tv", "u+ tv", "티비", "tv", "케이블방송")
_keywords("product", "wifi", "와이파이", "와이 파이", "wifi", "wi-fi", "공유기", "무선랜", "핫스팟", "에그")
_keywords("product", "wibro", "와이브로", "wibro")
_keywords("product", "mobile", "휴대폰", "휴대 폰", "핸드폰", "핸드 폰", "휴대전화", "스마트폰", "모바일", "이동전화", "갤럭시",
          "아이폰", "유심", "usim", "폰", "통화", "데이터", "문자", "알뜰폰", "알뜰 폰")
_keywords("product", "2g", "2g", "2세대", "011", "016", "017", "018", "019")
_keywords("product", "3g", "3g", "3세대", "wcdma")
_keywords("product", "lte", "lte", "4g", "엘티이")
_keywords("product", "5g", "5g", "5세대", "파이브지")
_keywords("product", "iptv", "올레tv", "올레 tv")
_keywords("company", "KT", "올레tv", "올레 tv")
# Organisation names written with a place or brand before them: "아현지사", "KT플라자".
_ORG_SUFFIXES = ("지사", "고객센터", "고객 센터", "대리점", "판매점", "직영점", "플라자", "as센터", "a/s센터", "서비스센터")
_keywords("org", "", *_ORG_SUFFIXES, "114", "100", "106", "1372", "콜센터", "콜 센터", "방송통신위원회", "방통위",
          "과학기술정보통신부", "과기정통부", "과기부", "미래창조과학부", "미래부", "한국소비자원", "소비자원", "소비자보호원",
          "통신분쟁조정위원회", "분쟁조정위원회", "국민신문고", "공정거래위원회", "공정위", "개인정보보호위원회", "개인정보위",
          "소비자상담센터", "경찰서", "경찰청", "민원센터", "상담센터", "본사", "고객만족팀", "고객보호팀", "해지방어팀",
          "해지부서", "기술지원팀", "개통팀", "품질팀", "전파관리소", "방송통신심의위원회", "방심위", "금융감독원", "금감원")
# Keywords that are words only on their own: "폰" not inside "스폰서", "유플" not in "유플라워".
_ISOLATED = frozenset({"유플", "올레", "폰", "에그", "모빙", "프리티", "에넥스", "본사", "100", "106"})
_NETWORK_GENERATIONS = frozenset({"2g", "3g", "lte", "5g"})


@lru_cache(maxsize=1)
def _automaton() -> Any:
    automaton = ahocorasick.Automaton()
    for term, signals in _KEYWORDS.items():
        automaton.add_word(term, (term, signals))
    automaton.make_automaton()
    return automaton


def _is_alnum_ascii(char: str) -> bool:
    return char.isascii() and char.isalnum()


def _keyword_hits(text: str) -> list[tuple[int, int, tuple[tuple[str, str], ...]]]:
    lowered = text.lower()
    hits = []
    for end, (term, signals) in _automaton().iter_long(lowered):
        start = end - len(term) + 1
        before = lowered[start - 1] if start > 0 else " "
        after = lowered[end + 1] if end + 1 < len(lowered) else " "
        if _is_alnum_ascii(term[0]) and _is_alnum_ascii(before):
            continue
        if _is_alnum_ascii(term[-1]) and _is_alnum_ascii(after):
            continue
        if term in _ISOLATED and ("가" <= before <= "힣" or ("가" <= after <= "힣" and term != "폰")):
            continue
        if term[0].isdigit() and term in ("011", "016", "017", "018", "019") and re.match(r"[-\s]?\d{3,4}", lowered[end + 1 :]):
            continue  # the start of a phone number, not a 2G network
        hits.append((start, end + 1, signals))
    return hits


_NATIVE = "|".join(sorted(NATIVE_NUMBERS, key=len, reverse=True))
_DURATION = re.compile(
    r"(?<![\d가-힣])(\d+(?:\.\d+)?|" + _NATIVE + r")\s?(시간|분|개월|달|주일|주|년|일)"
    r"(째|간|\s?동안|\s?이상|\s?넘게|\s?넘도록|\s?가까이|\s?정도|이나|씩|여|만에)?"
)
_FIXED_DURATIONS = {
    "하루 종일": 24.0, "하루종일": 24.0, "하룻밤": 12.0, "하루": 24.0, "이틀": 48.0, "사흘": 72.0, "나흘": 96.0,
    "일주일": 168.0, "보름": 360.0, "반년": 4380.0, "한나절": 12.0, "반나절": 6.0,
}
_FIXED_DURATION = re.compile(r"(?<![가-힣])(" + "|".join(sorted(_FIXED_DURATIONS, key=len, reverse=True)) + r")")
_UNIT_HOURS = {"분": 1 / 60, "시간": 1.0, "일": 24.0, "주": 168.0, "주일": 168.0, "개월": 720.0, "달": 720.0, "년": 8760.0}
_MONEY = re.compile(
    r"(?<![\d가-힣.,])((?:(?:\d[\d,]*(?:\.\d+)?|[일이삼사오육칠팔구])?\s?[십백천만억]\s?)+(?:\d[\d,]*)?|\d[\d,]*(?:\.\d+)?)"
    r"\s?원(?![가-힣]*(?:래|인|칙|망|하는|한다|해요|했|하지|합니다|만\s?하))"
)
_DATE_FULL = re.compile(r"(?<!\d)(20\d{2}|19\d{2})\s?[.\-/년]\s?(\d{1,2})\s?[.\-/월]\s?(\d{1,2})\s?일?(?!\d)")
_DATE_PARTIAL = re.compile(
    r"(?:(?:지난|이번|다음|저번|올해|작년|지난해|내년)\s?(?:달\s?|주\s?)?)?(?<!\d)(?:\d{1,2}월\s?)?\d{1,2}일(?![가-힣]*(?:째|간|동안))"
    r"|(?<![가-힣])(?:지난|이번|다음|저번)\s?(?:달|주)\s?[월화수목금토일]요일|(?<![가-힣])(?:그제|그저께|어제|오늘|내일|모레)(?![가-힣]{0,1}(?:도록))"
)


@dataclass
class Entities:
    products: list[str]
    companies: list[str]
    places: list[dict[str, object]]
    orgs: list[str]
    durations: list[dict[str, object]]
    money: list[dict[str, object]]
    dates: list[dict[str, object]]


def extract_entities(text: str) -> Entities:
    companies: list[str] = []
    products: set[str] = set()
    orgs: list[str] = []
    for start, end, signals in _keyword_hits(text):
        for kind, label in signals:
            if kind == "company" and label not in companies:
                companies.append(label)
            elif kind == "product":
                products.add(label)
            elif kind == "org":
                orgs.append(_org_name(text, start, end))
    if products & _NETWORK_GENERATIONS:
        products.add("mobile")  # a network generation is a mobile subscription
    return Entities(
        products=[label for label in _PRODUCT_ORDER if label in products],
        companies=companies,
        places=find_places(text),
        orgs=_unique(orgs),
        durations=_distinct(_durations(text)),
        money=_distinct(_money(text)),
        dates=_distinct(_dates(text)),
    )


def _distinct(items: list[dict[str, object]]) -> list[dict[str, object]]:
    """The same expression written twice is one entity."""
    seen: set[object] = set()
    result = []
    for item in items:
        if item["text"] not in seen:
            seen.add(item["text"])
            result.append(item)
    return result


def _unique(items: object) -> list[str]:
    seen: dict[str, None] = {}
    for item in items:  # type: ignore[attr-defined]
        seen.setdefault(str(item).strip(), None)
    return [item for item in seen if item]


_PRODUCT_ORDER = ("mobile", "internet", "iptv", "landline", "wifi", "wibro", "2g", "3g", "lte", "5g")
_NAME_BEFORE = re.compile(r"[가-힣A-Za-z0-9+]{1,8}$")


def _org_name(text: str, start: int, end: int) -> str:
    """The organisation as written, with the place or brand glued before a suffix word."""
    term = text[start:end]
    if term.lower().replace(" ", "") in {s.replace(" ", "") for s in _ORG_SUFFIXES}:
        before = _NAME_BEFORE.search(text, max(0, start - 8), start)
        if before:
            return text[before.start() : end]
    return term


def _durations(text: str) -> list[dict[str, object]]:
    result: list[dict[str, object]] = []
    spans: list[tuple[int, int]] = []
    for match in _FIXED_DURATION.finditer(text):
        result.append({"text": match.group(0), "hours": _FIXED_DURATIONS[match.group(1)]})
        spans.append(match.span())
    for match in _DURATION.finditer(text):
        amount, unit, suffix = match.group(1), match.group(2), match.group(3)
        value = float(amount) if amount[0].isdigit() else float(NATIVE_NUMBERS[amount])
        if unit == "일" and not suffix:
            continue  # "18일" is a date, "3일째" a duration
        if unit == "년" and value >= 1900:
            continue
        if unit == "분" and not suffix and value > 59 and not amount[0].isdigit():
            continue
        if any(start <= match.start() < end for start, end in spans):
            continue
        result.append({"text": match.group(0), "hours": round(value * _UNIT_HOURS[unit], 3)})
    return result


def _money(text: str) -> list[dict[str, object]]:
    result: list[dict[str, object]] = []
    for match in _MONEY.finditer(text):
        amount = parse_korean_amount(match.group(1))
        if amount is None or amount <= 0:
            continue
        written = match.group(0)
        # "월 4만 9천 9백원": keep the "per month" the customer wrote
        prefix = text[max(0, match.start() - 2) : match.start()]
        if prefix.rstrip().endswith("월"):
            written = prefix.strip() + " " + written
        result.append({"text": written.strip(), "krw": int(round(amount))})
    return result


_DATE_HINT = re.compile(r"\d\s?[.\-/년일]|그제|그저께|어제|오늘|내일|모레|요일")


def _dates(text: str) -> list[dict[str, object]]:
    result: list[dict[str, object]] = []
    if not _DATE_HINT.search(text):
        return result
    taken: list[tuple[int, int]] = []
    for match in _DATE_FULL.finditer(text):
        year, month, day = (int(g) for g in match.groups())
        iso = f"{year:04d}-{month:02d}-{day:02d}" if 1 <= month <= 12 and 1 <= day <= 31 else None
        result.append({"text": match.group(0).strip(), "iso": iso})
        taken.append(match.span())
    for match in _DATE_PARTIAL.finditer(text):
        if any(start <= match.start() < end for start, end in taken):
            continue
        result.append({"text": match.group(0).strip(), "iso": None})
    return result
