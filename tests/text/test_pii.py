import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from minwon.text.analysis import analyze
from minwon.text.pii import PLACEHOLDERS, find_pii, luhn_valid, mask, rrn_kind

WEIGHTS = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)


def with_checksum(first12: str, foreign: bool = False) -> str:
    total = sum(int(d) * w for d, w in zip(first12, WEIGHTS, strict=True))
    return first12 + str(((13 if foreign else 11) - total % 11) % 10)


@st.composite
def rrns(draw: st.DrawFn) -> tuple[str, str]:
    born = draw(st.dates(min_value=dt.date(1930, 1, 1), max_value=dt.date(2019, 12, 31)))
    foreign = draw(st.booleans())
    gender = draw(st.sampled_from((1, 2) if born.year < 2000 else (3, 4)))
    if foreign:
        gender += 4
    body = born.strftime("%y%m%d") + str(gender) + "".join(str(draw(st.integers(0, 9))) for _ in range(5))
    digits = with_checksum(body, foreign)
    return ("foreign_rn" if foreign else "rrn"), f"{digits[:6]}-{digits[6:]}"


@st.composite
def new_style_rrns(draw: st.DrawFn) -> tuple[str, str]:
    born = draw(st.dates(min_value=dt.date(2020, 10, 1), max_value=dt.date(2025, 12, 31)))
    tail = "".join(str(draw(st.integers(0, 9))) for _ in range(6))
    return "rrn", f"{born.strftime('%y%m%d')}-{draw(st.sampled_from('34'))}{tail}"


def _digits(draw: st.DrawFn, n: int, first: str = "0123456789") -> str:
    return draw(st.sampled_from(first)) + "".join(str(draw(st.integers(0, 9))) for _ in range(n - 1))


@st.composite
def phones(draw: st.DrawFn) -> tuple[str, str]:
    kind = draw(st.sampled_from(["mobile", "seoul", "area", "safe"]))
    if kind == "mobile":
        number = f"010-{_digits(draw, 4, '23456789')}-{_digits(draw, 4)}"
    elif kind == "seoul":
        number = f"02-{_digits(draw, 3, '23456789')}-{_digits(draw, 4)}"
    elif kind == "area":
        number = f"{draw(st.sampled_from(['031', '051', '055', '064']))}-{_digits(draw, 3, '2345678')}-{_digits(draw, 4)}"
    else:
        number = f"0505-{_digits(draw, 3, '2345678')}-{_digits(draw, 4)}"
    return "phone", number


@st.composite
def cards(draw: st.DrawFn) -> tuple[str, str]:
    body = draw(st.sampled_from("45")) + "".join(str(draw(st.integers(0, 9))) for _ in range(14))
    check = next(str(d) for d in range(10) if luhn_valid(body + str(d)))
    digits = body + check
    return "card", "-".join(digits[i : i + 4] for i in range(0, 16, 4))


emails = st.tuples(
    st.just("email"),
    st.builds(
        lambda user, host, tld: f"{user}@{host}.{tld}",
        st.text("abcdefghijklmnopqrstuvwxyz0123456789", min_size=3, max_size=10),
        st.text("abcdefghijklmnopqrstuvwxyz", min_size=3, max_size=8),
        st.sampled_from(["com", "co.kr", "net", "kr"]),
    ),
)
accounts = st.builds(lambda d: ("account", f"{d[:3]}-{d[3:9]}-{d[9:]}"), st.text("0123456789", min_size=13, max_size=13))
addresses = st.builds(
    lambda city, road, number: ("address", f"{city} {road} {number}"),
    st.sampled_from(["서울특별시 마포구", "부산광역시 해운대구", "경상남도 진주시", "경기도 수원시 장안구"]),
    st.sampled_from(["월드컵북로", "해운대로", "진양호로", "정조로"]),
    st.integers(1, 999),
)
pii_values = st.one_of(rrns(), new_style_rrns(), phones(), cards(), emails, addresses)
filler = st.lists(
    st.sampled_from(["인터넷이", "자꾸", "끊겨요", "고객센터는", "연락", "주세요", "요금이", "두 배", "나왔어요", "기사님", "내일", "방문"]),
    min_size=0,
    max_size=6,
).map(" ".join)


@st.composite
def documents(draw: st.DrawFn) -> tuple[str, list[tuple[str, str]]]:
    parts: list[str] = []
    planted: list[tuple[str, str]] = []
    for _ in range(draw(st.integers(1, 4))):
        parts.append(draw(filler))
        if draw(st.booleans()):
            kind, value = draw(accounts)
            parts.append("환불 계좌 " + value)
        else:
            kind, value = draw(pii_values)
            parts.append(value)
        planted.append((kind, value))
    parts.append(draw(filler))
    return " ".join(p for p in parts if p), planted


@settings(max_examples=300, deadline=None)
@given(documents())
def test_planted_personal_data_is_found_and_masked(document: tuple[str, list[tuple[str, str]]]) -> None:
    text, planted = document
    spans = find_pii(text)
    found = {(s.type, text[s.start : s.end]) for s in spans}
    for kind, value in planted:
        assert (kind, value) in found, f"{kind} {value!r} not found in {found}"
    masked = mask(text, spans)
    for span in spans:
        assert text[span.start : span.end] not in masked
    assert find_pii(masked) == []


@settings(max_examples=40, deadline=None)
@given(documents())
def test_analysis_offsets_index_clean_text_and_nothing_survives_masking(document: tuple[str, list]) -> None:
    text, _planted = document
    analysis = analyze(text)
    previous_end = 0
    for span in analysis.pii:
        assert previous_end <= span["start"] < span["end"] <= len(analysis.clean_text)
        previous_end = span["end"]
        assert analysis.clean_text[span["start"] : span["end"]] not in analysis.masked_text
    assert find_pii(analysis.masked_text) == []
    for category in analysis.categories:
        assert analysis.clean_text[category.start : category.end] == category.evidence


def test_rrn_checksum_is_required_before_october_2020_only() -> None:
    assert rrn_kind(with_checksum("900101123456")) == "rrn"
    wrong = with_checksum("900101123456")[:-1] + str((int(with_checksum("900101123456")[-1]) + 1) % 10)
    assert rrn_kind(wrong) is None
    assert rrn_kind("2110153987654") == "rrn"  # born 2021-10-15: random tail, no checksum
    assert rrn_kind("9013011234567") is None  # 13th month
    assert rrn_kind(with_checksum("900101523456", foreign=True)) == "foreign_rn"


def test_company_numbers_and_mentions_are_not_personal() -> None:
    text = "대표번호 1588-1234 나 080-123-4567 로 전화하래요. 주민번호 13자리를 불러 달라고 하더라고요."
    assert find_pii(text) == []


def test_placeholders_are_typed() -> None:
    text = "연락처 010-2345-6789, 메일 a.b@example.co.kr"
    spans = find_pii(text)
    assert mask(text, spans) == f"연락처 {PLACEHOLDERS['phone']}, 메일 {PLACEHOLDERS['email']}"
