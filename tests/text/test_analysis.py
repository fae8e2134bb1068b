"""Behaviour of the whole analysis on texts written for these tests (not from the corpus)."""

import pytest

from minwon.text.analysis import CATEGORY_CODES, analyze


def codes(text: str) -> set[str]:
    return {c.code for c in analyze(text).categories}


def test_negated_outage_is_not_an_outage() -> None:
    found = codes("끊김은 없는데 요금이 지난달보다 두 배나 더 나왔어요. 부가서비스를 가입한 적도 없는데 청구됐네요.")
    assert "billing" in found
    assert "outage" not in found


def test_a_request_to_read_out_the_rrn_is_privacy_without_personal_data() -> None:
    analysis = analyze("대리점 직원이 전화로 주민번호 13자리를 불러 달라고 해서 버스 안에서 큰 소리로 말해야 했어요. 너무 불쾌합니다.")
    assert "privacy" in {c.code for c in analysis.categories}
    assert analysis.pii == []


def test_refused_repair_visit_story() -> None:
    analysis = analyze(
        "인터넷이 매일 저녁 끊기는데 지사에서는 전산상 이상 없음이라며 AS 방문을 거부했습니다. "
        "세 번 전화한 끝에 내일 가겠다고 해놓고 약속 시간보다 네 시간 늦게 왔어요. 다른 통신사로 옮기겠습니다."
    )
    found = {c.code for c in analysis.categories}
    assert {"outage", "repair_visit", "runaround"} <= found
    assert analysis.churn in ("risk", "churned")
    assert analysis.is_complaint


def test_a_plain_question_is_not_a_complaint() -> None:
    analysis = analyze("다음 달에 약정이 끝나는데 다른 요금제로 바꾸려면 어떻게 해야 하나요?")
    assert not analysis.is_complaint
    assert analysis.sentiment["label"] != "negative"


def test_praise_is_positive() -> None:
    analysis = analyze("설치 기사님이 정말 친절하시고 선 정리까지 깔끔하게 해주셨어요. 속도도 빨라져서 대만족입니다!")
    assert analysis.sentiment["label"] == "positive"
    assert not analysis.is_complaint


def test_anger_ranks_a_furious_text_above_a_calm_one() -> None:
    furious = analyze("아 진짜 미치겠네 ㅅㅂ 고객센터 40분 기다리다 끊겼다 장난하냐!!")
    calm = analyze("고객센터 연결이 조금 오래 걸렸지만 상담은 잘 받았습니다.")
    assert furious.sentiment["anger"] > calm.sentiment["anger"] + 0.3


def test_churned_customer() -> None:
    assert analyze("그냥 오늘 다른 통신사로 번호이동 했어요. 속이 다 시원하네요 이제 안녕").churn == "churned"


def test_web_capture_is_cleaned_before_analysis() -> None:
    raw = (
        "본문 바로가기\n로그인\n홈 > 커뮤니티 > 자유게시판\n"
        "인터넷 3주째 끊김 ㅡㅡ\n"
        "저녁만 되면 인터넷이 끊겨서 게임도 못 하고 재택근무도 못 합니다. 고객센터는 전화를 안 받아요.\n"
        "추천 12 비추천 0\n댓글 3\n저도 그래요\nⓒ 커뮤니티 All rights reserved.\n"
    )
    analysis = analyze(raw)
    assert "본문 바로가기" not in analysis.clean_text
    assert "All rights reserved" not in analysis.clean_text
    assert "저녁만 되면 인터넷이 끊겨서" in analysis.clean_text
    assert "outage" in {c.code for c in analysis.categories}


def test_record_is_complete_and_consistent() -> None:
    record = analyze("KT 인터넷이 3개월째 끊겨요. 연락처는 010-2345-6789 입니다.").to_record("1")
    assert record["id"] == "1"
    assert "[전화번호]" in record["masked_text"] and "010-2345-6789" not in record["masked_text"]
    assert record["summary"] and "010-2345-6789" not in record["summary"]
    assert len([s for s in record["summary"].split(". ") if s]) <= 3
    for category in record["categories"]:
        assert category["code"] in CATEGORY_CODES
        assert record["clean_text"][category["start"] : category["end"]] == category["evidence"]


@pytest.mark.parametrize("text", ["", "   ", "ㅋ", "!!!", "a" * 5000, "가" * 20000])
def test_degenerate_texts_do_not_crash(text: str) -> None:
    analysis = analyze(text)
    assert len(analysis.summary) <= 3 * 201 + 2
