"""Keep the headline and body of a raw web capture; drop the site around it.

People paste whole pages: menus, bylines, photo captions, share buttons, related-article
lists, board listings, comment sections, e-mail headers and quoted replies, and
sometimes the body twice. The cleaner works line by line: each line is classified by
patterns of known chrome, then the body is taken as the lines between the first real
text and the first "end of article" marker, and repeated blocks are collapsed.
Measured on tests/text/captures (precision/recall of kept lines in bench/RESULTS.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_WS = re.compile(r"[ \t\u00a0\u3000]+")

# Lines that are chrome whatever their context.
_CHROME_PATTERNS = [
    r"(본문|메뉴|주메뉴|내비게이션)\s*(바로\s*가기|건너\s*뛰기)",
    r"^(skip to|바로가기)",
    r"^(홈|home)\s*[>›»]",
    r".+\s[>›»]\s.+\s[>›»]\s",  # breadcrumbs
    r"(ⓒ|©|\(c\)|copyright|all rights reserved|무단\s*전재|재배포\s*금지|무단\s*복제)",
    r"^[▲△▶▷■□◆◇※☞▼▽]\s*.{0,80}(ⓒ|©|제공|사진|=|연합|뉴스)",
    r"^\[?(사진|그래픽|자료|영상|출처)\s*[=:]",
    r"^▲",
    r"^\[[^\]]{1,20}=[^\]]{1,20}\]\s*\S{2,5}\s*(기자|특파원)\s*$",
    r"^\S{2,5}\s*(기자|특파원|리포터|통신원)(\s*[\w.+-]+@[\w.-]+)?\s*$",
    r"^[\w.+-]+@[\w-]+\.[\w.-]+$",
    r"^\S{2,5}\s*(기자|특파원)\s*[=·|]",
    r"^(입력|수정|등록|승인|발행|업데이트|기사입력|최종수정|작성일|작성)\s*[:：]?\s*\d{4}[.\-/년]",
    r"^(입력|수정)\s*\d{2,4}[.\-/]",
    r"^(공감|댓글|구독|구독하기|이웃추가|스크랩|공유|공유하기|신고|신고하기|인쇄|목록|좋아요|추천|비추천|조회수?|"
    r"url\s*복사|링크\s*복사|글자\s*크기|가\s*가|맨\s*위로|top|글쓰기|답글|답글쓰기|수정|삭제|이전글|다음글|"
    r"카테고리|태그|반응형|로그인|로그아웃|회원가입|전체\s*메뉴|검색|닫기|더보기|펼치기|접기)"
    r"(\s*[:：]?\s*[\d,]+)?\s*$",
    r"^#\S+(\s+#\S+)*$",  # hashtag rows
    r"^(페이스북|트위터|카카오톡|카카오스토리|네이버\s*밴드|밴드|라인|url\s*복사|메일|인쇄|스크랩|x)"
    r"(\s*[|·/]?\s*(페이스북|트위터|카카오톡|카카오스토리|밴드|라인|url\s*복사|링크\s*복사|메일|인쇄|스크랩|x))+\s*$",
    r"(회사\s*소개|이용\s*약관|개인정보\s*처리\s*방침|청소년\s*보호\s*정책|광고\s*문의|제휴\s*문의|고객\s*센터).*"
    r"[|·].*(회사\s*소개|이용\s*약관|개인정보\s*처리\s*방침|청소년\s*보호\s*정책|광고|제휴|이메일\s*무단\s*수집)",
    r"^(이전|◀|<|«)?\s*(\d+\s+){2,}\d+\s*(다음|▶|>|»)?\s*$",  # pagination
    r"^(이전|다음)\s*(\d+\s*)+(이전|다음)?$",
    r"^번호\s+제목\s+(글쓴이|작성자|이름)",  # board listing header
    r"^\d{1,7}\s+.{2,80}\s+\S{1,12}\s+(\d{2,4}[.\-/]\d{1,2}[.\-/]\d{1,2}|\d{1,2}:\d{2})\s+\d+(\s+\d+)?\s*$",
    r"^(공지|notice|hot|best)\s+.{2,80}\s+(\d{2,4}[.\-/]\d{1,2}[.\-/]\d{1,2}|\d{1,2}:\d{2})",
    r"^(광고|ad|advertisement|sponsored|파워링크)\b",
    r"^(from|to|cc|bcc|sent|date|subject|보낸\s*사람|받는\s*사람|참조|날짜|보낸\s*날짜|제목)\s*[:：]",
    r"^(녹취\s*(일시|번호|파일)|상담\s*(번호|일시|채널)|통화\s*(일시|시간)|녹음\s*(일시|시간)|처리\s*결과\s*코드)\s*[:：]",
    r"(이\s*메일은|본\s*메일은|본\s*메일에는|this e-?mail).*(발신\s*전용|수신|비밀|기밀|confidential|개인정보)",
    r"^(무단\s*수집\s*거부|이메일\s*무단\s*수집)",
    r"^(문의|대표\s*전화|주소|사업자\s*등록\s*번호|등록\s*번호|발행인|편집인|통신판매업)\s*[:：]",
    r"^(첨부\s*파일|첨부)\s*[:：(]",
    r"^\d+\s*(명|개)?\s*(이|가)?\s*(공감|좋아요|추천)(했|함|합니다)?",
    r"^(앱|app)?\s*(다운로드|설치)\s*(하기)?$",
    r"^(평점|별점)\s*[:：]?\s*[★☆\d.]+",
    r"^[★☆]{3,}",
    r"^(도움이\s*돼요|도움이\s*되었나요|도움\s*안\s*돼요)",
    r"^(sns|sns\s*공유|기사\s*공유|기사\s*저장|북마크)",
    r"^(기사\s*원문|원문\s*보기|관련\s*링크)\b",
]
_CHROME = re.compile("|".join(f"(?:{p})" for p in _CHROME_PATTERNS), re.I)

# Lines after which the article is over: what follows is site furniture or comments.
_END_MARKERS = re.compile(
    r"^(관련\s*기사|관련\s*뉴스|많이\s*본\s*(뉴스|기사)|인기\s*기사|추천\s*기사|주요\s*기사|최신\s*기사|"
    r"이\s*시각\s*주요\s*뉴스|핫\s*이슈|오늘의\s*(뉴스|이슈)|다른\s*기사\s*보기|이\s*기자의\s*다른\s*기사|"
    r"(전체\s*)?댓글\s*[\d(]*|댓글\s*(쓰기|작성|\d+\s*개)|베스트\s*댓글|best\s*댓글|comments?\s*\(?\d*\)?|"
    r"이\s*블로그의\s*(다른|인기)\s*글|이\s*카테고리의\s*다른\s*글|다른\s*글\s*보기|"
    r"-{2,}\s*original message\s*-{2,}|-{2,}\s*원본\s*메시지\s*-{2,}|-{2,}\s*forwarded message\s*-{2,}|"
    r"on .{5,80} wrote:|.{2,60}(님이|이|가)\s*작성(하신|한)?\s*(글|메일)?\s*[:：]?$|"
    r"--|-- |__+|={3,}|"
    r"목록|이전글|다음글|윗글|아랫글|"
    r"회사\s*소개\s*[|·].*)\s*$",
    re.I,
)
# A comment line under a post: "닉네임 2026.03.02 14:22" or "ㄴ 답글".
_QUOTED = re.compile(r"^(>|＞|\|)")
_SENTENCE_LIKE = re.compile(r"[가-힣].*[가-힣]")


@dataclass(frozen=True, slots=True)
class Cleaned:
    text: str
    repeated_blocks_removed: int


def _normalise(line: str) -> str:
    return _WS.sub(" ", line).strip()


def _is_chrome(line: str) -> bool:
    return bool(_CHROME.search(line)) or bool(_QUOTED.match(line))


def _is_body_text(line: str) -> bool:
    """A line that reads like prose: long enough and mostly Hangul words."""
    return len(line) >= 25 and bool(_SENTENCE_LIKE.search(line)) and " " in line


def clean(raw: str) -> Cleaned:
    lines = [_normalise(line) for line in raw.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    lines = [line for line in lines if line]
    kept: list[str] = []
    started = False
    pending: list[str] = []  # short lines seen before the body starts: maybe headline, maybe menu
    for line in lines:
        if started and _END_MARKERS.match(line):
            # A marker ends the article unless the body goes on right after it
            # (e.g. a "--" used as a separator inside a letter).
            break
        if _is_chrome(line):
            if not started:
                pending.clear()
            continue
        if not started:
            if _is_body_text(line) or _looks_like_dialogue(line):
                started = True
                kept.extend(_headline(pending))
                pending.clear()
                kept.append(line)
            else:
                pending.append(line)
            continue
        kept.append(line)
    if not started:
        kept = [line for line in pending if not _is_menu_word(line)]
    kept, removed = _collapse_repeats(kept)
    return Cleaned("\n".join(kept), removed)


def _looks_like_dialogue(line: str) -> bool:
    return bool(re.match(r"^(상담원|상담사|고객|직원|기사|나|저|A|B|Q|질문|답변)\s*[:：]", line))


def _is_menu_word(line: str) -> bool:
    return len(line) <= 6 and " " not in line


def _headline(pending: list[str]) -> list[str]:
    """The headline is the last prose-like short line(s) before the body, not the menu."""
    candidates = [line for line in pending if not _is_menu_word(line) and len(line) >= 8]
    return candidates[-2:]


def _collapse_repeats(lines: list[str]) -> tuple[list[str], int]:
    """Drop a run of lines that repeats an earlier run (a body captured twice).

    A run starts at a line of at least 25 characters seen before; short lines alone
    ("네.", "감사합니다") may legitimately repeat and are kept.
    """
    keys = [line.replace(" ", "") for line in lines]
    first_seen: dict[str, int] = {}
    result: list[str] = []
    removed_blocks = 0
    i = 0
    while i < len(lines):
        key = keys[i]
        earlier = first_seen.get(key)
        if earlier is not None and len(key) >= 20:
            j = 0
            while i + j < len(lines) and earlier + j < i and keys[earlier + j] == keys[i + j]:
                j += 1
            removed_blocks += 1
            i += max(j, 1)
            continue
        first_seen.setdefault(key, i)
        result.append(lines[i])
        i += 1
    return result, removed_blocks
