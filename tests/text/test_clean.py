"""Tests for the boilerplate cleaner (minwon.text.clean).

The capture-set test uses bench/clean_eval.py: odd-numbered captures are the dev set the
cleaner was tuned on, even-numbered ones are held out. The floors sit about 0.03 below
what the cleaner achieves (dev 1.000/1.000, held-out 0.942/0.956 precision/recall).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from minwon.text.clean import Cleaned, clean

ROOT = Path(__file__).resolve().parents[2]


def _load_eval():
    spec = importlib.util.spec_from_file_location("clean_eval", ROOT / "bench" / "clean_eval.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    sys.modules[spec.name] = module  # dataclasses look the module up while building classes
    spec.loader.exec_module(module)
    return module


# ----------------------------------------------------------------- capture set
def test_capture_set_precision_and_recall_floors() -> None:
    totals = _load_eval().evaluate()
    held = totals["heldout"]
    dev = totals["dev"]
    assert held["files"] == 24 and dev["files"] == 24
    assert held["precision"] >= 0.91, held
    assert held["recall"] >= 0.92, held
    assert dev["precision"] >= 0.97, dev
    assert dev["recall"] >= 0.97, dev


# ------------------------------------------------------------------ empty input
@pytest.mark.parametrize("raw", ["", "\n", "   \n\t\n\u3000\u00a0\n", "\u200b\ufeff"])
def test_empty_input_returns_empty_text(raw: str) -> None:
    assert clean(raw) == Cleaned("", 0)


# ------------------------------------------------------------- repeated bodies
TITLE = "인터넷 저녁마다 끊김, 세 번 신고해도 그대로입니다"
BODY = [
    "통신사 고객센터에 세 번이나 전화했지만 아무도 해결해 주지 않았습니다.",
    "인터넷이 저녁마다 끊겨서 재택근무를 할 수가 없는 상황입니다.",
    "이번 달 요금은 감면해 주셔야 한다고 생각합니다.",
]


def test_body_captured_twice_is_collapsed_and_counted() -> None:
    raw = "\n".join([TITLE, *BODY, "[인쇄용 페이지]", TITLE, *BODY])
    result = clean(raw)
    assert result.text.splitlines() == [TITLE, *BODY]
    assert result.repeated_blocks_removed == 1


def test_body_captured_twice_with_different_whitespace_is_collapsed() -> None:
    second = [
        "\t" + TITLE + "   ",
        "",
        "\u00a0" + BODY[0].replace(" ", "  ", 1),  # double space after the first word
        "",
        "    " + BODY[1] + "\t",
        "\u3000" + BODY[2].replace(" ", "\u00a0"),
    ]
    raw = "\r\n".join(["본문 바로가기", TITLE, "작성자 : 홍길동", *BODY, "", "리더 모드", *second])
    result = clean(raw)
    assert result.text.splitlines() == [TITLE, *BODY]
    assert result.repeated_blocks_removed == 1


def test_short_turns_in_a_transcript_are_not_collapsed() -> None:
    raw = "\n".join(
        [
            "녹취 일시 : 2026-01-20 15:02",
            "상담원: 안녕하세요, 고객센터입니다. 무엇을 도와드릴까요?",
            "고객: 인터넷이 또 끊겼어요.",
            "상담원: 방문 기사님 배정해 드릴까요?",
            "고객: 네.",
            "상담원: 네.",
            "상담원: 내일 오전에 방문 예정입니다. 괜찮으실까요?",
            "고객: 네.",
            "상담원: 네.",
            "고객: 감사합니다.",
            "고객: 네.",
        ]
    )
    result = clean(raw)
    lines = result.text.splitlines()
    assert lines.count("고객: 네.") == 3
    assert lines.count("상담원: 네.") == 2
    assert "녹취 일시 : 2026-01-20 15:02" not in lines
    assert result.repeated_blocks_removed == 0


def test_short_lines_repeated_in_a_post_are_kept() -> None:
    raw = "\n".join(
        ["해지 방어 전화 또 옴", "오늘 아침에 한 번 받았고", "ㅋㅋㅋ", "점심에 또 받았음", "ㅋㅋㅋ", "진짜 다신 안 씀"]
    )
    result = clean(raw)
    assert result.text.splitlines().count("ㅋㅋㅋ") == 2
    assert result.repeated_blocks_removed == 0


# ---------------------------------------------------------------------- headline
def test_headline_and_subtitle_are_kept_byline_and_menus_dropped() -> None:
    raw = "\n".join(
        [
            "본문 바로가기",
            "정치  경제  사회  IT",
            "홈 > 뉴스 > IT",
            "통신요금 줄인상 예고에 소비자 반발 확산",
            '정부 "요금 인가 신중히 검토" 원론적 입장만',
            "[서울=한빛뉴스] 박지훈 기자",
            "입력 2026.01.12 09:10 수정 2026.01.12 10:02",
            "페이스북 트위터 카카오톡 URL복사",
            "이동통신 3사가 다음 달부터 일부 요금제 가격을 올리기로 하면서 소비자 반발이 커지고 있다.",
            "업계에 따르면 이번 인상 폭은 요금제별로 월 1천 원에서 3천 원 수준이다.",
            "ⓒ 한빛뉴스 무단전재 및 재배포 금지",
            "많이 본 뉴스",
            "1  갤럭시 새 모델 공개",
        ]
    )
    assert clean(raw).text.splitlines() == [
        "통신요금 줄인상 예고에 소비자 반발 확산",
        '정부 "요금 인가 신중히 검토" 원론적 입장만',
        "이동통신 3사가 다음 달부터 일부 요금제 가격을 올리기로 하면서 소비자 반발이 커지고 있다.",
        "업계에 따르면 이번 인상 폭은 요금제별로 월 1천 원에서 3천 원 수준이다.",
    ]


def test_post_title_kept_comments_dropped() -> None:
    raw = "\n".join(
        [
            "자유게시판",
            "유플 고객센터 연결 40분 대기",
            "닉네임123  2026.01.11 20:02  조회 88",
            "저녁에 인터넷 끊겨서 고객센터 전화했는데 40분 기다렸어요.",
            "겨우 연결됐더니 원격 점검하고 이상 없다고 끊음.",
            "진짜 최악",
            "추천 0  비추천 0",
            "댓글 2",
            "  나그네 | 3분 전",
            "  저도 어제 똑같이 당했어요. 고객센터 너무하네요.",
        ]
    )
    assert clean(raw).text.splitlines() == [
        "유플 고객센터 연결 40분 대기",
        "저녁에 인터넷 끊겨서 고객센터 전화했는데 40분 기다렸어요.",
        "겨우 연결됐더니 원격 점검하고 이상 없다고 끊음.",
        "진짜 최악",
    ]


# ------------------------------------------------------------ other page shapes
def test_email_keeps_new_message_only() -> None:
    raw = "\r\n".join(
        [
            "받은메일함  보낸메일함  스팸메일함",
            "From: 홍길동 <gildong@example.com>",
            "To: 고객센터 <help@example.co.kr>",
            "Subject: 부가서비스 요금 문의",
            "Date: Mon, 5 Jan 2026 10:12:00 +0900",
            "",
            "안녕하세요.",
            "지난달 청구서를 보니 제가 가입하지 않은",
            "부가서비스 요금 3,300원이 포함되어 있어 문의드립니다.",
            "감사합니다.",
            "홍길동 드림",
            "--",
            "010-1234-5678",
            "",
            "2026년 1월 2일 (금) 오후 3:02, 고객센터 <help@example.co.kr>님이 작성:",
            "> 고객님 문의가 접수되었습니다.",
        ]
    )
    assert clean(raw).text.splitlines() == [
        "안녕하세요.",
        "지난달 청구서를 보니 제가 가입하지 않은",
        "부가서비스 요금 3,300원이 포함되어 있어 문의드립니다.",
        "감사합니다.",
    ]


def test_mid_article_related_box_does_not_cut_the_body() -> None:
    raw = "\n".join(
        [
            "통신요금 인상 논란 확산",
            "입력 2026.01.12 09:10",
            "이동통신 3사가 다음 달부터 일부 요금제 가격을 올리기로 하면서 반발이 커지고 있다.",
            "관련기사",
            "통신 3사, 5G 요금제 개편 예고",
            "알뜰폰 번호이동 한 달 새 20% 늘어",
            "업계에 따르면 이번 인상 폭은 요금제별로 월 1천 원에서 3천 원 수준이다.",
            '소비자단체는 "인상 근거를 투명하게 공개해야 한다"고 주장했다.',
        ]
    )
    lines = clean(raw).text.splitlines()
    assert "관련기사" not in lines and "통신 3사, 5G 요금제 개편 예고" not in lines
    assert lines[0] == "통신요금 인상 논란 확산" and len(lines) == 4


def test_review_page_keeps_every_review() -> None:
    raw = "\n".join(
        [
            "마이통신",
            "평점 2.1 · 리뷰 1.2만개",
            "요금 조회가 안 돼요",
            "★☆☆☆☆",
            "kim**** · 2026.02.10",
            "업데이트 후 로그인하면 계속 튕깁니다. 몇 번을 재설치해도 똑같네요.",
            "개발자 답변",
            "고객님, 이용에 불편을 드려 죄송합니다. 빠르게 확인하겠습니다.",
            "2026.02.11",
            "너무 느려요",
            "★★☆☆☆",
            "lee**** · 2026.02.08",
            "메뉴 찾기가 너무 어렵고 화면 전환이 느립니다.",
            "더 보기",
        ]
    )
    assert clean(raw).text.splitlines() == [
        "요금 조회가 안 돼요",
        "업데이트 후 로그인하면 계속 튕깁니다. 몇 번을 재설치해도 똑같네요.",
        "너무 느려요",
        "메뉴 찾기가 너무 어렵고 화면 전환이 느립니다.",
    ]


def test_plain_text_passes_through_unchanged() -> None:
    text = "인터넷이 매일 저녁 끊기는데 AS 방문을 거부했습니다. 다른 통신사로 옮기겠습니다."
    assert clean(text) == Cleaned(text, 0)
    assert clean("  " + text + "  \n\n") == Cleaned(text, 0)
