"""Entities of a complaint: operators, products, places, organisations, durations, money, dates."""

from __future__ import annotations

import re
from dataclasses import dataclass

from minwon.text.gazetteer import find_places
from minwon.text.numbers import NATIVE_NUMBERS, parse_korean_amount

__all__ = ["Entities", "extract_entities", "find_places"]

_A = r"(?<![A-Za-z0-9])"  # ASCII word boundaries that also work next to Hangul
_Z = r"(?![A-Za-z0-9])"

_MVNO = (
    r"알뜰\s?폰|헬로\s?모바일|리브\s?[엠m]|kb\s?리브|kt\s?엠\s?모바일|kt\s?m\s?모바일|세븐\s?모바일|티\s?플러스|"
    r"프리티|이야기\s?모바일|스노우맨|u\+\s?유모바일|유\s?모바일|a\s?모바일|에넥스|모빙|토스\s?모바일|여유\s?모바일|"
    r"mvno|헬로비전\s?모바일|아이즈\s?모바일|인스\s?모바일|sk\s?7\s?모바일"
)
_COMPANY_PATTERNS: list[tuple[str, str]] = [
    ("SK브로드밴드", (r"sk\s?브로드밴드|에스케이\s?브로드밴드|" + _A + r"skb" + _Z + r"|sk\s?b\s?tv|b\s?tv")),
    ("LG헬로비전", (r"lg\s?헬로비전|헬로\s?비전")),
    ("KT스카이라이프", (r"스카이\s?라이프")),
    ("딜라이브", (r"딜라이브")),
    ("SKT", (_A + r"skt" + _Z + r"|sk\s?텔레콤|에스케이\s?텔레콤|에스케이티|" + _A + r"sk" + _Z + r"(?!\s?브로드)|"
                       r"티\s?월드|t\s?월드|에스케이")),
    ("LGU+", (_A + r"lg\s?u\s?\+|" + _A + r"lgu" + _Z + r"|lg\s?유플(러스)?|엘지\s?유플(러스)?|유플러스|"
                        r"(?<![가-힣])유플(?![가-힣])|lg\s?텔레콤|엘지\s?텔레콤|" + _A + r"u\+|엘지|" + _A + r"lg" + _Z)),
    ("KT", (_A + r"kt" + _Z + r"|케이티|올레|kt(?=[가-힣])")),
]
_PRODUCT_PATTERNS: list[tuple[str, str]] = [
    ("landline", (r"집\s?전화|유선\s?전화|일반\s?전화|인터넷\s?전화|" + _A + r"070" + _Z + r"|시내\s?전화")),
    ("internet", (r"인터넷(?!\s?전화)|기가\s?(인터넷|라이트|슬림)|광랜|초고속|랜선|모뎀|" + _A + r"ont" + _Z)),
    ("iptv", (_A + r"iptv" + _Z + r"|아이피\s?티비|셋[톱탑]\s?박스|셋[톱탑]|올레\s?tv|지니\s?tv|" + _A
                        + r"b\s?tv|u\+\s?tv|티비|" + _A + r"tv" + _Z + r"|케이블\s?방송")),
    ("wifi", (r"와이\s?파이|" + _A + r"wi-?fi" + _Z + r"|공유기|무선\s?랜|핫\s?스팟|에그")),
    ("wibro", (r"와이브로|" + _A + r"wibro" + _Z)),
    ("mobile", (r"휴대\s?폰|핸드\s?폰|휴대\s?전화|스마트\s?폰|모바일|이동\s?전화|갤럭시|아이폰|유심|" + _A
                          + r"u?sim" + _Z + r"|(?<![가-힣])폰|통화|데이터|문자|알뜰\s?폰")),
    ("2g", (_A + r"2g" + _Z + r"|2세대|" + _A + r"01[16789]" + _Z + r"(?![-\s]?\d{3,4}[-\s]?\d{4})")),
    ("3g", (_A + r"3g" + _Z + r"|3세대|" + _A + r"wcdma" + _Z)),
    ("lte", (_A + r"(lte|4g)" + _Z + r"|엘티이")),
    ("5g", (_A + r"5g" + _Z + r"|5세대|파이브지|오지\s?(폰|요금)")),
]


def _combined(patterns: list[tuple[str, str]]) -> tuple[re.Pattern[str], dict[str, str]]:
    """One pass over the text for a whole family: at one position the first listed
    alternative wins, so "SK브로드밴드" is never read as "SK"."""
    names = {f"g{i}": name for i, (name, _pattern) in enumerate(patterns)}
    joined = "|".join(f"(?P<g{i}>{pattern})" for i, (_name, pattern) in enumerate(patterns))
    return re.compile(joined, re.I), names


_COMPANIES, _COMPANY_NAMES = _combined([("MVNO", _MVNO), *_COMPANY_PATTERNS])
_PRODUCTS, _PRODUCT_NAMES = _combined(_PRODUCT_PATTERNS)
_ORGS = re.compile(
    r"[가-힣]{1,6}지사|[가-힣A-Za-z+]{0,8}고객\s?센터|" + _A + r"(?:114|100|106|1372)" + _Z + r"|[가-힣A-Za-z+]{0,6}대리점|"
    r"[가-힣A-Za-z+]{0,6}판매점|[가-힣A-Za-z+]{0,6}직영점|[가-힣A-Za-z+]{0,4}플라자|콜\s?센터|방송통신위원회|방통위|"
    r"과학기술정보통신부|과기정통부|과기부|미래창조과학부|미래부|한국소비자원|소비자원|소비자보호원|통신분쟁조정위원회|"
    r"분쟁조정위원회|국민신문고|공정거래위원회|공정위|개인정보보호위원회|개인정보위|소비자상담센터|경찰서|경찰청|"
    r"[가-힣A-Za-z]{0,4}(?:AS|A/S)센터|서비스센터|민원센터|상담센터|본사|고객만족팀|고객보호팀|해지방어팀|해지\s?부서|"
    r"기술지원팀|개통팀|품질팀|전파관리소|한국전파진흥협회|방송통신심의위원회|방심위|금융감독원|금감원"
)
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
    return Entities(
        products=_products(text),
        companies=_companies(text),
        places=find_places(text),
        orgs=_unique(m.group(0) for m in _ORGS.finditer(text)),
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


def _companies(text: str) -> list[str]:
    return _unique(_COMPANY_NAMES[str(m.lastgroup)] for m in _COMPANIES.finditer(text))


def _products(text: str) -> list[str]:
    found = {_PRODUCT_NAMES[str(m.lastgroup)] for m in _PRODUCTS.finditer(text)}
    if found & {"2g", "3g", "lte", "5g"}:
        found.add("mobile")  # a network generation is a mobile subscription
    return [name for name, _pattern in _PRODUCT_PATTERNS if name in found]


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


def _dates(text: str) -> list[dict[str, object]]:
    result: list[dict[str, object]] = []
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
