import pytest

from minwon.text.entities import extract_entities
from minwon.text.gazetteer import find_places, locate
from minwon.text.numbers import parse_korean_amount


@pytest.mark.parametrize(
    ("written", "krw"),
    [("8만 원", 80000), ("3만5천원", 35000), ("12,000원", 12000), ("월 4만 9천 9백원", 49900), ("1억 2천만 원", 120000000),
     ("만원", 10000), ("2.5만원", 25000)],
)
def test_money_is_normalised_to_krw(written: str, krw: int) -> None:
    money = extract_entities(f"요금이 {written} 나왔어요").money
    assert money and money[0]["krw"] == krw
    assert written.replace("월 ", "") in str(money[0]["text"])


@pytest.mark.parametrize(
    ("written", "hours"),
    [("3개월째", 2160.0), ("2주", 336.0), ("20분 이상", 20 / 60), ("하루 종일", 24.0), ("석 달", 2160.0), ("이틀", 48.0),
     ("3일째", 72.0), ("5시간 동안", 5.0)],
)
def test_durations_are_normalised_to_hours(written: str, hours: float) -> None:
    durations = extract_entities(f"인터넷이 {written} 안 돼요").durations
    assert durations and durations[0]["text"] == written
    assert durations[0]["hours"] == pytest.approx(hours, abs=0.001)


def test_a_day_of_the_month_is_a_date_not_a_duration() -> None:
    entities = extract_entities("지난 18일에 기사님이 온다고 했어요")
    assert entities.durations == []
    assert entities.dates == [{"text": "지난 18일", "iso": None}]


def test_full_dates_get_iso() -> None:
    assert extract_entities("2026년 3월 2일과 2025.12.31 사이").dates == [
        {"text": "2026년 3월 2일", "iso": "2026-03-02"},
        {"text": "2025.12.31", "iso": "2025-12-31"},
    ]


def test_companies_products_and_orgs() -> None:
    entities = extract_entities(
        "SK브로드밴드 인터넷이랑 B tv 쓰다가 LG유플러스 5G 로 바꿨고 엄마는 알뜰폰(KT엠모바일)이에요. "
        "아현지사, 114, 방송통신위원회, 미래창조과학부에 다 연락했어요."
    )
    assert entities.companies == ["SK브로드밴드", "LGU+", "MVNO"]
    assert {"internet", "iptv", "mobile", "5g"} <= set(entities.products)
    assert {"아현지사", "114", "방송통신위원회", "미래창조과학부"} <= set(entities.orgs)


@pytest.mark.parametrize(
    ("text", "name", "region"),
    [
        ("진주 사는데 인터넷이", "진주", "경상남도"),
        ("아현역 근처에서", "아현역", "서울특별시"),
        ("춘천시 효자동", "춘천시", "강원특별자치도"),
        ("전주 덕진구 쪽", "덕진구", "전북특별자치도"),
        ("인천 미추홀구", "미추홀구", "인천광역시"),
        ("해운대에서", "해운대", "부산광역시"),
        ("경북 군위군", "군위군", "대구광역시"),
    ],
)
def test_places_are_normalised_to_the_current_sido(text: str, name: str, region: str) -> None:
    places = {p["text"]: p["region"] for p in find_places(text)}
    assert places.get(name) == region


def test_ambiguous_district_takes_the_sido_named_beside_it() -> None:
    places = {p["text"]: p["region"] for p in find_places("대구 중구에서")}
    assert places["중구"] == "대구광역시"


def test_common_words_are_not_places() -> None:
    assert find_places("음성 통화가 예산 문제로 2주 동안 이동 중에 끊겨요") == []


def test_locate_returns_coordinates_of_the_most_specific_place() -> None:
    place = locate("서울 마포구 아현동")
    assert place is not None and place.sigungu == "마포구" and 37.4 < place.lat < 37.7


def test_parse_korean_amount_rejects_text_without_numbers() -> None:
    assert parse_korean_amount("원") is None
