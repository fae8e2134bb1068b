"""Korean places as customers write them, normalised to the current 시/도.

The table (data/places.tsv, built by tools/build_places.py from NGII boundaries) holds
every 시/도, 시/군/구 and 읍/면/동 with a representative point. Lookup goes word by
word over the longest known prefix, so "아현동에서", "진주 사는데", "마포구청" and
"아현역" are found without scanning thousands of names over every character.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

PLACES_PATH = Path(__file__).parent / "data" / "places.tsv"

SIDO_ALIASES = {
    "서울특별시": ["서울", "서울시"], "부산광역시": ["부산", "부산시"], "대구광역시": ["대구", "대구시"],
    "인천광역시": ["인천", "인천시"], "광주광역시": ["광주", "광주시"], "대전광역시": ["대전", "대전시"],
    "울산광역시": ["울산", "울산시"], "세종특별자치시": ["세종", "세종시"], "경기도": ["경기"],
    "강원특별자치도": ["강원", "강원도"], "충청북도": ["충북"], "충청남도": ["충남"],
    "전북특별자치도": ["전북", "전라북도"], "전라남도": ["전남"], "경상북도": ["경북"], "경상남도": ["경남"],
    "제주특별자치도": ["제주", "제주도"],
}
# Bare city/county names that are also ordinary words ("음성" voice, "예산" budget).
_COMMON_WORDS = frozenset(
    ["이천", "사천", "화성", "영양", "상주", "양산", "구리", "음성", "예산", "보은", "장수", "진도", "고령", "무안", "인제", "동해", "남해", "장성", "거창", "광주", "중구", "동구", "서구", "남구", "북구", "강서", "고성", "영동", "청도", "하남", "광명", "오산", "의왕", "안성", "통영", "김해", "성주", "봉화", "영주", "정선", "보성", "신안", "완도", "부여", "서천", "청양", "금산", "태안", "단양", "영월", "양구", "화천", "철원", "홍천", "횡성", "양양", "속초", "삼척", "태백", "군위", "의성", "청송", "영덕", "칠곡", "예천", "울진", "울릉", "문경", "경산", "영천", "김천", "안동", "구미", "경주", "포항", "함양", "산청", "하동", "의령", "함안", "창녕", "합천", "밀양", "거제", "남원", "김제", "고창", "부안", "순창", "임실", "무주", "진안", "완주", "정읍", "익산", "군산", "목포", "여수", "순천", "나주", "광양", "담양", "곡성", "구례", "고흥", "화순", "장흥", "강진", "해남", "영암", "함평", "영광", "중랑", "광진", "성동", "용산", "종로", "마포", "강남", "강북", "강동", "송파", "서초", "관악", "동작", "구로", "금천", "양천", "은평", "도봉", "노원", "성북", "동안", "수정", "수지", "동남", "서북", "성산", "상당", "소사", "단원", "중원", "원미", "오정", "상록", "만안", "권선", "영통", "팔달", "장안", "처인", "기흥", "흥덕", "서원", "청원", "덕진", "완산", "의창", "진해", "회원", "합포", "덕양", "일산동", "일산서"]
)
_PARTICLE_TAIL = re.compile(
    r"^(?:에서는|에서도|에서|에는|에도|에|의|은|는|이|가|을|를|도|만|까지|부터|쪽|지역|근처|인근|일대|으로|로|과|와|"
    r"랑|이랑|하고|사는|살|인데|이에요|이요|요|)$"
)
_WORD = re.compile(r"[가-힣]+")


@dataclass(frozen=True, slots=True)
class Place:
    sido: str
    sigungu: str
    level: str  # sido | sigungu | emd
    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class _Entry:
    places: tuple[Place, ...]
    strict: bool  # bare name: only when followed by nothing or a particle


@lru_cache(maxsize=1)
def _index() -> dict[str, _Entry]:
    entries: dict[str, list[Place]] = {}
    strict: dict[str, bool] = {}

    def add(name: str, place: Place, is_strict: bool) -> None:
        bucket = entries.setdefault(name, [])
        if place not in bucket:
            bucket.append(place)
        strict[name] = strict.get(name, True) and is_strict

    with PLACES_PATH.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            place = Place(row["sido"], row["sigungu"], row["level"], float(row["lat"]), float(row["lon"]))
            name = row["name"]
            if row["level"] == "sido":
                add(name, place, False)
                for alias in SIDO_ALIASES.get(name, []):
                    add(alias, place, True)
            elif row["level"] == "sigungu":
                # "수원시장안구" is written "수원시 장안구", "수원 장안구" or "장안구".
                parts = re.findall(r"[가-힣]+?(?:시|군|구)(?=[가-힣]+(?:구)$)|[가-힣]+$", name)
                for part in parts if len(parts) > 1 else [name]:
                    add(part, place, False)
                    base = part[:-1]
                    if len(base) >= 2 and base not in _COMMON_WORDS:
                        add(base, place, True)
            elif len(name) >= 3 and name.endswith(("동", "읍", "면", "가", "리")):
                add(name, place, False)
                if name.endswith("동") and len(name) >= 3:
                    add(name[:-1] + "역", place, False)
    return {name: _Entry(tuple(places), strict[name]) for name, places in entries.items()}


@lru_cache(maxsize=1)
def _prefixes() -> frozenset[str]:
    """First two letters of every name: most words of a text fail this one lookup."""
    return frozenset(name[:2] for name in _index())


def _region(places: tuple[Place, ...], mentioned_sido: set[str]) -> tuple[str | None, str | None]:
    sidos = {p.sido for p in places}
    if len(sidos) > 1 and mentioned_sido & sidos:
        places = tuple(p for p in places if p.sido in mentioned_sido)
        sidos = {p.sido for p in places}
    if len(sidos) != 1:
        return None, None
    sigungus = {p.sigungu for p in places if p.sigungu}
    return next(iter(sidos)), (next(iter(sigungus)) if len(sigungus) == 1 else None)


def find_places(text: str) -> list[dict[str, object]]:
    index = _index()
    hits: list[tuple[str, _Entry]] = []
    prefixes = _prefixes()
    for match in _WORD.finditer(text):
        word = match.group(0)
        if word[:2] not in prefixes:
            continue
        for length in range(min(len(word), 12), 1, -1):
            entry = index.get(word[:length])
            if entry is None:
                continue
            if entry.strict and not _PARTICLE_TAIL.match(word[length:]):
                continue
            hits.append((word[:length], entry))
            break
    mentioned = {p.sido for _name, entry in hits for p in entry.places if len({q.sido for q in entry.places}) == 1}
    result: list[dict[str, object]] = []
    seen: set[str] = set()
    for name, entry in hits:
        if name in seen:
            continue
        sido, sigungu = _region(entry.places, mentioned)
        # A dong or station name shared by several districts is only a guess: leave it out.
        if sido is None and all(p.level == "emd" for p in entry.places):
            continue
        seen.add(name)
        result.append({"text": name, "region": sido, "sigungu": sigungu})
    return result


def locate(text: str) -> Place | None:
    """The most specific single place a short area description names (for dispatch)."""
    best: Place | None = None
    rank = {"sido": 0, "sigungu": 1, "emd": 2}
    for hit in find_places(text):
        entry = _index()[str(hit["text"])]
        candidates = [p for p in entry.places if hit["region"] is None or p.sido == hit["region"]]
        if len(candidates) == 1 and (best is None or rank[candidates[0].level] > rank[best.level]):
            best = candidates[0]
    return best
