"""Keep the headline and body of a raw web capture; drop the site around it.

People paste whole pages: menus, bylines, photo captions, share buttons, related-article
lists, board listings, comment sections, e-mail headers and quoted replies, and
sometimes the body twice. The cleaner works line by line, in five steps:

1. Normalise whitespace and collapse repeated blocks: a run of lines that repeats an
   earlier run (compared with all whitespace removed) is dropped and counted. Short
   lines alone ("네.", "감사합니다") never start a run, so dialogue survives.
2. Classify every line by its shape: menus and table rows (cells split by tabs or
   wide gaps), breadcrumbs, bylines, dates, counters, form labels, captions, UI words,
   mail headers, "end of post" markers (comment headers, 이전글/다음글, copyright,
   signature and quote markers) and, for the rest, a prose score from length and
   whether the line ends like a Korean sentence (…다, …요, …죠, …음, ?, !).
3. If the capture is a transcript (two or more speaker labels that alternate), keep
   the dialogue lines only.
4. Otherwise the body is the window of lines with the highest total score
   (max-subarray), searched in the first section before an end marker that holds real
   text; chrome inside the window is dropped, short text inside it is kept.
5. The headline is found by walking back from the body over bylines/dates/counters
   and taking up to three title-shaped lines (not for e-mails or transcripts).

Measured on tests/text/captures with bench/clean_eval.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Cleaned:
    text: str
    repeated_blocks_removed: int


# --------------------------------------------------------------------------- kinds
_TEXT = 0  # reads like content; kept when inside the body window
_CHROME = 1  # site furniture that may sit between headline and body (byline, date…)
_HARD = 2  # structure that ends a headline search (menu, breadcrumb, table, list box)
_MAIL = 3  # e-mail header line
_STOP = 4  # the post is over: comments, 이전글/다음글, tags, copyright
_END = 5  # the message is over: signature, quoted history, forwarded original

# ------------------------------------------------------------------ sentence endings
# Final syllables that end a Korean sentence (formal, polite, plain, noun-ending
# styles used in posts: …함, …임, …음, …됨, …옴).
_STRONG = frozenset("다요죠까네음함임됨옴듯군래냐셈줌뿐짐씀오")
# Endings of connective or casual clauses, common in short mobile-paste lines.
_MEDIUM = frozenset("지고서데게며면야어아해나라세걸건가거봄름대자니김")


def _ending(s: str) -> int:
    """2 = ends like a sentence, 1 = like a clause, 0 = like a noun/number/label."""
    question = False
    for ch in reversed(s):
        if "가" <= ch <= "힣":
            if ch in _STRONG or question:
                return 2
            return 1 if ch in _MEDIUM else 0
        if ch in "?!？！":
            question = True
        elif ch.isalnum() and not ("ㄱ" <= ch <= "ㅣ"):
            return 1 if question else 0
    return 0


# ---------------------------------------------------------------------- patterns
_HANGUL = re.compile(r"[가-힣]")
_DIGIT = re.compile(r"\d")
_LETTER = re.compile(r"[^\W\d_]")
_JAMO_LINE = re.compile(r"^[ㄱ-ㅣ\s~^;.!?ㅡ]+$")
_SEP = re.compile(r"\s{2,}|\t|\s*[|│]\s*|\s[·•]\s")
_NUMTOK = re.compile(r"^[\d,.:%/+\-()\[\]#★☆♡♥❤]+$")

_EMAIL_END = re.compile(
    r"-{2,}\s*(?:original message|원본 메시지|forwarded message|전달된 메시지)|-- ?$|_{8,}$"
    r"|[>＞]|sent from my|on .{4,100}wrote:?$|begin forwarded message",
    re.I,
)
_EMAIL_END_TAILS = ("에서 보냄", "에서 보냈습니다", "에서 전송됨", "님이 작성:", "님이 작성", "wrote:")
_MAIL_HDR = re.compile(
    r"^(?:from|to|cc|bcc|sent|date|subject|reply-to|return-path|received|message-id|"
    r"mime-version|content-[\w-]+|x-[\w-]+|delivered-to|보낸\s*사람|받는\s*사람|숨은\s*참조|"
    r"보낸\s*날짜|받은\s*날짜)\s*[:：]",
    re.I,
)
_ANGLE_ADDR = re.compile(r"<[^<>\s@]+@[^<>\s]+>")
_CAPTION_START = re.compile(
    r"^(?:[▲△▷◁]|[\[(<]?\s*(?:사진|그래픽|자료|영상|출처|이미지|일러스트|도표|캡처)\s*[=:：]|/\s*사진)"
)
_CAPTION_END = re.compile(
    r"(?:ⓒ|©)\s*[^\s.]+(?:\s[^\s.]+)?\s*$|[\[(][^\])]{0,30}(?:제공|DB\s*금지|캡처|갈무리)[^\])]{0,30}[\])]$"
)
_PLACEHOLDER = re.compile(
    r"^[\[(](?:사진|이미지|그림|동영상|영상|스티커|이모티콘|지도|링크|파일|첨부\s*이미지|gif|image|photo|"
    r"video|map|sticker)[^\])]{0,20}[\])]$",
    re.I,
)
_COPYRIGHT_START = re.compile(r"^[<\[(]?\s*(?:저작권자|copyright|ⓒ|©|\(c\))", re.I)
_COPYRIGHT_ANY = re.compile(r"무단\s*(?:전재|복제|배포)|재배포\s*금지|all rights reserved", re.I)
_BREADCRUMB = re.compile(r"(?:^|\s)(?:홈|home|처음)\s*[>›»]|\s[>›»]\s", re.I)
_COMMENT_HDR = re.compile(
    r"^(?:전체\s*|베스트\s*|best\s*|인기\s*)?(?:댓글|덧글|코멘트|comments?|답변)(?=$|[\s\d\[(•·:])"
    r"\s*[•·:]?\s*[\[(]?\s*(\d[\d,]*)?",
    re.I,
)
_COMMENT_OTHER = re.compile(
    r"^(?:댓글(?:을|\s*(?:쓰기|작성|남기기|달기))|leave a (?:comment|reply)|post comment|"
    r"(?:이전|다음|윗|아랫)\s*글|(?:작가|블로그)의\s*(?:이전|다음)\s*글|태그$|tags?\s*[:：]?|"
    r"키워드\s*[:：]?$)",
    re.I,
)
_BOX = re.compile(
    r"(?:관련|많이\s*본|인기|추천|주요|최신|최근|이웃\s*|새로운|다른|실시간|연관|함께\s*(?:본|읽은)|핫|"
    r"오늘의|이\s*시각)\s*(?:기사|뉴스|글|포스트|게시물|게시글|검색어|이슈|영상)(?:\s*(?:목록|보기|더보기))?"
    r"\s*[>›»]?$|랭킹$|^전체\s*글(?:\s*목록)?$|^(?:related(?: posts| articles)?|recent posts|"
    r"recent comments|popular posts|you may also like|more from .*)$",
    re.I,
)
_REPLY_HDR = re.compile(r"(?:개발자|판매자|운영자)\s*(?:의\s*)?(?:답변|응답|답글|댓글)|developer (?:response|reply)", re.I)
_AD = re.compile(r"^\[?\s*(?:ad|ads|advertisement|sponsored|광고|파워링크|스폰서|협찬)\s*\]?$", re.I)
_CTA = re.compile(r"(?:[▶►»]|바로\s*가기|보러\s*가기|자세히\s*보기|더\s*보기)\s*$")
_LABEL = re.compile(
    r"^[*\s]*(?:민원\s*|신청\s*|게시\s*)?(?:제목|내용|본문|작성자|작성일|등록일|수정일|조회(?:\s*수)?|"
    r"추천(?:\s*수)?|글쓴이|날짜|이름|성명|연락처|휴대전화|전화번호|이메일|주소|분류|분야|카테고리|"
    r"첨부\s*파일|첨부|공개\s*여부|신청\s*번호|신청\s*일|처리\s*기관|처리\s*상태|처리\s*결과|진행\s*상태|"
    r"답변\s*상태|상태|번호|비밀번호|아이디)\s*(?:\([^)]*\))?\s*[:：]?$"
)
_KV = re.compile(r"^[*\s]*[가-힣A-Za-z][가-힣A-Za-z0-9 ]{0,10}?\s*[:：]\s*\S")
_BYLINE_WORD = re.compile(
    r"(?:기자|특파원|선임기자|논설위원|객원기자|통신원|리포터|에디터|칼럼니스트)(?=$|[\s=·,\]])"
)
_DATELINE = re.compile(r"[\[(][^\])=]{1,15}=[^\])]{1,15}[\])]")
_BY = re.compile(r"(?:by|posted|written|published)\s|.*\sby\s+\S+$", re.I)
_SIGNOFF = re.compile(r"(?:뉴스|방송|TV|일보)\s*[가-힣]{2,4}(?:\s*기자)?입니다\.?$")
_LETTER_SIGN = re.compile(r"^[가-힣]{2,4}\s*(?:드림|올림|배상)\.?$")
_DATE = re.compile(
    r"\d(?:\d{3}\s*[.\-/년]\s*\d{1,2}\s*[.\-/월]\s*\d|:\d\d|\s*(?:초|분|시간|일|주|개월)\s*전)"
)
_MONTH_DATE = re.compile(r"[A-Z][a-z]{2,8}\.?\s+\d{1,2}[,.]?\s+\d{4}")
_PHONE = re.compile(r"\d{2,4}-[\d*]{3,4}-\d{4}")
_URL = re.compile(r"https?://|www\.|^\S+@\S+\.\S+$|\S+@[\w-]+\.[\w.]+\s*$")
_FILE = re.compile(r"\.(?:jpe?g|png|gif|pdf|hwp|docx?|xlsx?|zip|mp4|m4a|mp3)\b", re.I)
_FORM = re.compile(r"\[\s?\]|☐|☑|(?:^|\s)[○●◯◉]\s")
_SPEAKER = re.compile(
    r"^(?:[\[(]?\d{1,2}:\d{2}(?::\d{2})?[\])]?\s*)?"
    r"([^\s:：\[\]()<>]{1,8}(?:\s?\d)?(?:\s*\([^)]{1,10}\))?)\s*"
    r"(?:[\[(]\d{1,2}:\d{2}(?::\d{2})?[\])]\s*)?[:：]\s*\S"
)
_UI = frozenset(
    """로그인 로그아웃 회원가입 검색 전체메뉴 메뉴 홈 home 닫기 열기 더보기 펼치기 접기 공유 공유하기 인쇄
    스크랩 신고 신고하기 목록 글쓰기 답글 답글쓰기 수정 삭제 이전 다음 처음 처음으로 맨위로 top 위로 구독
    구독하기 구독신청 좋아요 싫어요 추천 추천하기 비추천 비추 공감 공감하기 댓글 댓글닫기 새로고침 본문 보기
    url복사 url 복사 링크복사 링크 주소복사 페이스북 트위터 카카오톡 카카오스토리 밴드 네이버 라인 x facebook
    twitter 이메일 메일 저장 북마크 이웃추가 서로이웃 추가 다운로드 편집 설정 답장 전달 전체답장 임시저장
    미리보기 사이트맵 english 번역보기 글자크기 글씨 크기 작게 크게 기사 듣기 요약 요약봇 바로가기 건너뛰기
    전체 반응형 듣기 취소 확인 등록 제출 신청 선택 sns 보내기 기사보내기 url 앱 앱에서 app 알림 알림받기 팔로우
    follow share like reply 예 아니요 아니오 도움이 됨 유용함 훈훈해요 슬퍼요 화나요 후속기사 원해요 좋아요
    리포트 스크랩하기 기사저장 저장하기 인쇄하기 메일보내기 카카오 텔레그램 줄 간격 가 나""".split()
)
_UI = _UI | {w.upper() for w in _UI} | {w.capitalize() for w in _UI}
_LETTER_TAILS = ("드림", "올림", "배상", "드림.", "올림.")
_CTA_TAILS = ("바로가기", "바로 가기", "보러가기", "보러 가기", "자세히 보기", "더 보기", "더보기")
_CAPTION_HEADS = frozenset("[(<사그자영출이일도캡/")
_MAIL_HEADS = frozenset("fFtTcCbBsSdDrRmMxX보받숨")
_COMMENT_HEADS = frozenset("전베bB인댓덧코cC답")
_OTHER_HEADS = frozenset("댓lLpP이다윗아작블태tT키")
_BOX_TAILS = frozenset("사스글트물어슈상록기킹>›»")
_AD_HEADS = frozenset("[aAsS광파스협")
_LABEL_HEADS = frozenset("*민신게제내본작등수조추글날이성연휴전주분카첨공처진답상번비아 ")
_UI_DELETE = str.maketrans("", "", "[]()<>〈〉◀▶◁▷|·•:：#")
_REL_LINE_SKIP = 12  # max lines a related-articles box may hold


@dataclass(slots=True)
class _Line:
    text: str
    raw: str  # stripped raw line, internal whitespace intact
    blank_before: bool
    kind: int = _TEXT
    score: float = 0.0
    end: int = 0
    box: int = 0  # 1 related box heading, 2 placeholder, 3 ad marker, 4 reply header
    count_zero: bool = False


# ------------------------------------------------------------------ classification
def _classify(ln: _Line) -> None:  # noqa: C901 - one flat decision list reads best
    """Set kind and score. Cheap substring/first-character tests guard every regex."""
    s = ln.text
    n = len(s)
    end = ln.end = _ending(s)
    c0 = s[0]
    last = s[-1]

    if (c0 in "-_>＞sSoObB" and _EMAIL_END.match(s)) or s.endswith(_EMAIL_END_TAILS):
        ln.kind, ln.score = _END, -3.0
        return
    if c0 in "▲△▷◁" or (c0 in _CAPTION_HEADS and _CAPTION_START.match(s)):
        ln.kind, ln.score = _CHROME, -1.0
        return
    if (c0 in "<[(저cCⓒ©" and _COPYRIGHT_START.match(s)) or (
        n < 160 and ("무단" in s or "금지" in s or "ights" in s) and _COPYRIGHT_ANY.search(s)
    ):
        ln.kind, ln.score = _STOP, -3.0
        return
    if c0 == "※":
        ln.kind, ln.score = _CHROME, -1.5
        return
    at = "@" in s
    if (c0 in _MAIL_HEADS and _MAIL_HDR.match(s)) or (at and n < 120 and _ANGLE_ADDR.search(s)):
        ln.kind, ln.score = _MAIL, -3.0
        return
    raw = ln.raw
    if "\t" in raw:
        cells = [c for c in raw.split("\t") if c.strip()]
        if len(cells) > 1 and not (max(len(c) for c in cells) >= 40 and end == 2):
            ln.kind, ln.score = _HARD, -2.5
            return
    if n >= 90:  # long lines: prose unless a caption/quote/copyright shape matched above
        _text_score(ln, s, n, end)
        return

    if c0 in "[(":
        if _PLACEHOLDER.match(s):
            ln.kind, ln.score, ln.box = _CHROME, -0.5, 2
            return
        if last in "])" and s.find(last, 0, n - 1) < 0 and end != 2:
            ln.kind, ln.score = _CHROME, -1.0  # [포텐], [기고], [인쇄용 페이지]
            return
    if ("ⓒ" in s or "©" in s or last in "])") and _CAPTION_END.search(s):
        ln.kind, ln.score = _CHROME, -1.0
        return
    if end != 2:
        if c0 in _COMMENT_HEADS and n <= 40:
            m = _COMMENT_HDR.match(s)
            if m:
                if m.group(1) == "0":
                    ln.kind, ln.score = _CHROME, -2.5
                else:
                    ln.kind, ln.score = _STOP, -3.0
                return
        if c0 in _OTHER_HEADS and n <= 60 and _COMMENT_OTHER.match(s):
            ln.kind, ln.score = _STOP, -3.0
            return
        if n <= 40 and (last in _BOX_TAILS or c0 in "RrPpYyMm") and _BOX.search(s):
            ln.kind, ln.score, ln.box = _HARD, -2.5, 1
            return
    if n <= 40 and ("개발자" in s or "판매자" in s or "운영자" in s or "eveloper" in s) and _REPLY_HDR.search(s):
        ln.kind, ln.score, ln.box = _CHROME, -2.0, 4
        return
    if c0 in _AD_HEADS and _AD.match(s):
        ln.kind, ln.score, ln.box = _CHROME, -1.0, 3
        return

    toks = s.split()
    ui_toks = s.translate(_UI_DELETE).split() if n < 80 else ()
    ui = sum(map(_UI.__contains__, ui_toks))
    if ui and ui * 4 >= len(ui_toks) * 3:
        ln.kind, ln.score = _CHROME, -2.5  # tool rows: 공유 인쇄 스크랩, 로그인 회원가입
        return
    digits = _DIGIT.search(s) is not None
    if "  " in raw or "|" in raw or "│" in raw or " · " in raw or " • " in raw:
        parts = [p for p in _SEP.split(raw) if p and p.strip("·•|-/>›»◀▶ ")]
        if len(parts) >= 2:
            longest = max(len(p) for p in parts)
            if n < 60 or longest <= 20:
                with_digits = sum(1 for p in parts if _DIGIT.search(p)) if digits else 0
                first = parts[0].lstrip("▶►▷ ")
                if len(parts) >= 3 and (with_digits <= 1 or _NUMTOK.match(first) or first in ("공지", "notice")):
                    ln.kind, ln.score = _HARD, -2.5  # menu, listing row, pagination
                    return
                if longest <= 20 and (end != 2 or with_digits):
                    ln.kind, ln.score = _CHROME, -2.5  # meta row: nick + date + counts
                    return
    if ("> " in s or "›" in s or "»" in s) and _BREADCRUMB.search(s) and (n < 50 or s.count(">") + s.count("›") >= 2):
        ln.kind, ln.score = _HARD, -2.5
        return
    if c0 in _LABEL_HEADS and _LABEL.match(s):
        ln.kind, ln.score = _CHROME, -2.5
        return
    if c0 == "*" and n < 40 and end != 2:
        ln.kind, ln.score = _CHROME, -2.5
        return
    if ("[" in s or "○" in s or "●" in s or "☐" in s or "☑" in s or "◯" in s) and _FORM.search(s):
        ln.kind, ln.score = _CHROME, -2.0
        return
    if end != 2 and (":" in s or "：" in s) and _KV.match(s):
        ln.kind, ln.score = _CHROME, -2.5
        return
    if n < 50:
        if (
            (_BYLINE_WORD.search(s) is not None)
            or (c0 in "[(" and "=" in s and _DATELINE.match(s))
            or (("by" in s or "By" in s or "osted" in s) and _BY.match(s))
            or (s.endswith(("입니다", "입니다.")) and _SIGNOFF.search(s))
            or (s.endswith(_LETTER_TAILS) and _LETTER_SIGN.match(s))
        ):
            if end != 2 or "=" in s or n < 25 or s.endswith(("입니다", "입니다.")):
                ln.kind, ln.score = _CHROME, -2.5
                return
    if end != 2 and n < 60 and (
        (digits and (_DATE.search(s) or _PHONE.search(s) or _MONTH_DATE.search(s)))
        or ((at or "http" in s or "www." in s) and _URL.search(s))
        or ("." in s and _FILE.search(s))
    ):
        ln.kind, ln.score = _CHROME, -2.5
        return
    if n < 60 and (last in "▶►»" or s.endswith(_CTA_TAILS)):
        ln.kind, ln.score = _CHROME, -1.0
        return
    if digits and len(toks) >= 2:
        nums = 0
        short = True
        for t in toks:
            if _NUMTOK.match(t):
                nums += 1
            elif len(t) > 5:
                short = False
        if nums == len(toks) or (len(toks) >= 3 and all(len(t) == 1 or _NUMTOK.match(t) for t in toks)):
            ln.kind, ln.score = _CHROME, -2.0  # pagination, 1 2 3 4 5
            return
        if (
            end == 0 and short and nums and n < 60 and not _NUMTOK.match(toks[0])
            and (nums * 2 >= len(toks) - 1 or _NUMTOK.match(toks[-1]))
        ):
            ln.kind, ln.score = _CHROME, -2.5  # counters: 공감 7 댓글 2
            return
    elif len(toks) >= 3 and all(len(t) == 1 for t in toks):
        ln.kind, ln.score = _CHROME, -2.0  # 가 가 가 가
        return
    if toks[0].startswith("#") and all(t.startswith("#") for t in toks):
        ln.kind, ln.score = _CHROME, -2.5
        return
    if n < 40 and len(_LETTER.findall(s)) * 5 < n * 2:
        ln.kind, ln.score = _CHROME, -2.0  # numbers, dates, symbols, separators
        return
    if not _HANGUL.search(s):
        if _JAMO_LINE.match(s):
            ln.kind, ln.score = _TEXT, 0.3
        else:
            ln.kind, ln.score = _CHROME, -1.0
        return
    _text_score(ln, s, n, end)


def _text_score(ln: _Line, s: str, n: int, end: int) -> None:
    words = s.count(" ") + 1
    ln.kind = _TEXT
    if n >= 60 and words >= 8 and end != 2:  # long run-on text: prose whatever its ending
        ln.score = 0.5 + min(n, 250) / 35
    elif n >= 25 and words >= 3:
        if end == 2:
            ln.score = 1.0 + min(n, 250) / 25
        elif end == 1:
            ln.score = 0.5 + min(n, 250) / 50
        else:
            ln.score = 0.3
    elif words >= 2:
        ln.score = 0.6 if end else -0.2
    else:
        ln.score = 0.4 if end == 2 else -0.6


def _apply_boxes(lines: list[_Line]) -> None:
    """Lines governed by a box heading: related lists, image captions, ad copy, replies."""
    i, n = 0, len(lines)
    while i < n:
        ln = lines[i]
        box = ln.box
        i += 1
        if not box:
            continue
        if box == 1:  # related / popular list: items until real prose
            taken = 0
            while i < n and taken < _REL_LINE_SKIP:
                nx = lines[i]
                if nx.kind != _TEXT or (len(nx.text) >= 40 and nx.end == 2):
                    break
                nx.kind, nx.score = _CHROME, -1.0
                i += 1
                taken += 1
        elif box == 2:  # placeholder: caption / widget lines up to the next blank line
            taken = 0
            while i < n and taken < 4 and not lines[i].blank_before and len(lines[i].text) < 50:
                if lines[i].kind in (_STOP, _END, _MAIL):
                    break
                lines[i].kind, lines[i].score = _CHROME, -0.5
                i += 1
                taken += 1
        elif box == 3:  # ad marker: the ad copy line after it
            if i < n and lines[i].kind == _TEXT and len(lines[i].text) < 80:
                lines[i].kind, lines[i].score = _CHROME, -1.0
                i += 1
        elif box == 4:  # developer reply: its text until the next non-text line
            while i < n and lines[i].kind == _TEXT:
                lines[i].kind, lines[i].score = _CHROME, -1.0
                i += 1


# ------------------------------------------------------------------------ repeats
def _collapse(lines: list[_Line]) -> tuple[list[_Line], int]:
    """Drop runs that repeat an earlier run (whitespace-insensitive); count blocks."""
    keys = ["".join(ln.text.split()) for ln in lines]
    n = len(keys)
    drop = [False] * n
    first: dict[str, int] = {}
    blocks = 0
    last_end = -10
    i = 0
    while i < n:
        k = keys[i]
        j = first.get(k)
        if j is not None and len(k) >= 12:
            b = 0
            while j - b - 1 >= 0 and i - b - 1 > j and not drop[i - b - 1] and keys[i - b - 1] == keys[j - b - 1]:
                b += 1
            f = 0
            while i + f < n and j + f < i - b and keys[i + f] == keys[j + f]:
                f += 1
            start, stop = i - b, i + f
            total = sum(len(keys[x]) for x in range(start, stop))
            if (stop - start >= 2 and total >= 30) or total >= 40:
                for x in range(start, stop):
                    drop[x] = True
                if start - last_end > 3 and total >= 40:
                    blocks += 1
                last_end = stop
                i = stop
                continue
        if k not in first:
            first[k] = i
        i += 1
    if not blocks and not any(drop):
        return lines, 0
    return [ln for ln, d in zip(lines, drop) if not d], blocks


# ---------------------------------------------------------------------- dialogue
_NOT_SPEAKERS = frozenset(
    "from to cc bcc date sent subject 제목 내용 날짜 일시 시간 주소 연락처 이메일 작성자 분류 사건명 화자 "
    "녹취자 참석자 길이 파일 http https".split()
)


def _dialogue(lines: list[_Line]) -> list[str] | None:
    """If the capture is a transcript, return its dialogue lines; else None."""
    labels: list[str | None] = []
    counts: dict[str, int] = {}
    for ln in lines:
        m = _SPEAKER.match(ln.text) if ":" in ln.text or "：" in ln.text else None
        if m and not _HANGUL.search(m.group(1)) and not m.group(1).isalpha():
            m = None
        lab = None
        if m:
            lab = m.group(1)
            if lab.lower() in _NOT_SPEAKERS or _MAIL_HDR.match(ln.text):
                lab = None
            else:
                counts[lab] = counts.get(lab, 0) + 1
        labels.append(lab)
    speakers = {lab for lab, c in counts.items() if c >= 2}
    if len(speakers) < 2:
        return None
    n_dialogue = sum(counts[s] for s in speakers)
    if n_dialogue < 4:
        return None
    text_lines = sum(1 for ln in lines if ln.kind == _TEXT and ln.score > 0)
    if n_dialogue * 2 < text_lines:
        return None
    out: list[str] = []
    prev_dialogue = False
    for idx, ln in enumerate(lines):
        if labels[idx] in speakers:
            out.append(ln.text)
            prev_dialogue = True
            continue
        # A turn wrapped onto the next line: prose between two dialogue lines.
        if prev_dialogue and ln.kind == _TEXT and ln.end == 2 and ln.text[0] not in "([<※-":
            nxt = next((labels[x] for x in range(idx + 1, min(idx + 3, len(lines)))), None)
            if nxt in speakers:
                out.append(ln.text)
                continue
        prev_dialogue = False
    return out


# ------------------------------------------------------------------------ window
def _best_window(lines: list[_Line], lo: int, hi: int) -> tuple[float, int, int]:
    best, bs, be = 0.0, -1, -1
    cur, cs = 0.0, lo
    for x in range(lo, hi):
        if cur <= 0:
            cur, cs = 0.0, x
        cur += lines[x].score
        if cur > best:
            best, bs, be = cur, cs, x
    return best, bs, be


def _title_like(ln: _Line) -> bool:
    s = ln.text
    return (
        ln.kind == _TEXT
        and 10 <= len(s) <= 150
        and " " in s
        and not (len(s) >= 60 and s.endswith("."))
        and not s.endswith((":", "："))
        and _HANGUL.search(s) is not None
    )


def _headline(lines: list[_Line], start: int) -> list[int]:
    found: list[int] = []
    skipped = 0
    i = start - 1
    while i >= 0 and len(found) < 3:
        ln = lines[i]
        if _title_like(ln):
            found.append(i)
        elif found:
            break
        elif ln.kind in (_HARD, _MAIL, _END) or (ln.kind == _TEXT and ln.score > 0):
            break
        elif ln.kind == _STOP and not _COMMENT_HDR.match(ln.text) and not _COMMENT_OTHER.match(ln.text):
            break  # copyright / footer
        else:
            skipped += 1
            if skipped > 10:
                break
        i -= 1
    return sorted(found)


# -------------------------------------------------------------------------- main
def clean(raw: str) -> Cleaned:
    lines: list[_Line] = []
    blank = False
    for line in raw.splitlines():
        stripped = line.strip().strip("\u200b\ufeff").strip()
        if not stripped:
            blank = True
            continue
        lines.append(_Line(" ".join(stripped.split()), stripped, blank))
        blank = False
    if not lines:
        return Cleaned("", 0)
    lines, removed = _collapse(lines)
    for ln in lines:
        _classify(ln)

    dialogue = _dialogue(lines)
    if dialogue is not None:
        return Cleaned("\n".join(dialogue), removed)

    _apply_boxes(lines)

    # Sections end at comment headers, 이전글/다음글, tags, copyright, signatures.
    n = len(lines)
    is_mail = sum(1 for ln in lines if ln.kind == _MAIL) >= 2
    segments: list[tuple[int, int]] = []
    lo = 0
    for x, ln in enumerate(lines):
        if ln.kind in (_STOP, _END) or (is_mail and ln.kind == _MAIL):
            if x > lo:
                segments.append((lo, x))
            lo = x + 1
            if ln.kind == _END and any(lines[y].score > 0 for y in range(x)):
                break
    else:
        if lo < n:
            segments.append((lo, n))
    if is_mail:  # the message body follows the first header block
        first_hdr = next(x for x, ln in enumerate(lines) if ln.kind == _MAIL)
        segments = [seg for seg in segments if seg[0] > first_hdr] or segments
    minimum = 0.5 if is_mail else 2.0
    chosen: tuple[float, int, int] | None = None
    best_any: tuple[float, int, int] = (0.0, -1, -1)
    for seg_lo, seg_hi in segments:
        cand = _best_window(lines, seg_lo, seg_hi)
        if cand[0] > best_any[0]:
            best_any = cand
        if cand[0] >= minimum:
            chosen = cand
            break
    if chosen is None:
        chosen = best_any
    _, s, e = chosen
    if s < 0:
        return Cleaned("", removed)

    keep = [x for x in range(s, e + 1) if lines[x].kind == _TEXT and lines[x].score > -0.5]
    if not (is_mail and any(ln.kind == _MAIL for ln in lines[:s])):
        head = [x for x in _headline(lines, s) if x not in keep]
        keep = head + keep
    return Cleaned("\n".join(lines[x].text for x in keep), removed)
