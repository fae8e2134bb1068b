"""Keep the headline and body of a raw web capture; drop the site around it.

People paste whole pages: menus, bylines, photo captions, share buttons, related-article
lists, board listings, comment sections, e-mail headers and quoted replies, and
sometimes the body twice. The cleaner works line by line:

1. Normalise whitespace and collapse repeated blocks: a run of lines that repeats an
   earlier run (compared with all whitespace removed) is dropped and counted; lines the
   copy lacks or adds next to the run (a byline, a caption) are tolerated. Short lines
   alone ("네.", "감사합니다") never start a run, so dialogue survives.
2. Classify every line by its shape: menus and table rows (cells split by tabs, wide
   gaps, bars), breadcrumbs, bylines, dates, counters, form labels, captions, UI words,
   mail headers, "end of post" markers (comment headers, 이전글/다음글, tags, copyright,
   signatures, quoted history) and, for the rest, a prose score from length and whether
   the line ends like a Korean sentence (…다, …요, …죠, …음, ?, !). Box headings
   (관련기사, 많이 본 뉴스, [사진], AD, 개발자 답변) mark the lines they govern as chrome,
   and 3+ consecutive short lines ending in the same word are a UI list (share buttons).
3. A transcript (2+ speaker labels used 2+ times, most of the text) keeps its dialogue
   lines only; a list of rated items (2+ ★★★☆☆ lines, e.g. app reviews) keeps every
   item's text and title.
4. Otherwise the body is the window of lines with the highest total score
   (max-subarray) in the first section (sections end at the markers above) that holds
   real text; for e-mail the search starts after the first header block. Chrome inside
   the window is dropped, short text inside it is kept, and a casual post's trailing
   fragment ("진짜 최악") is kept. Lines after the chosen section are never classified.
5. The headline is found by walking back from the body over bylines, dates, counters,
   tool rows and labels and taking up to three title-shaped lines (not for e-mail).

Everything is stdlib `re` and string tests; regexes that scan a line are guarded by cheap
substring/first-character tests, and ordinary sentences take a fast path. Quality and
speed: bench/clean_eval.py; tests: tests/text/test_clean.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import groupby


@dataclass(frozen=True, slots=True)
class Cleaned:
    text: str
    repeated_blocks_removed: int


# --------------------------------------------------------------------------- kinds
_TEXT = 0  # reads like content; kept when inside the body window
_CHROME = 1  # furniture that may sit between headline and body (byline, date, counts)
_HARD = 2  # structure that ends a headline search (menu, breadcrumb, table, list box)
_MAIL = 3  # e-mail header line
_STOP = 4  # the post is over: comment header, 이전글/다음글, tags, copyright
_END = 5  # the message is over: signature, quoted history, forwarded original

# Box kinds: the heading governs the lines after it.
_BOX_RELATED = 1  # related / popular lists: items until real prose
_BOX_MEDIA = 2  # [사진], [지도]: caption/widget lines until a blank line
_BOX_AD = 3  # AD marker: the ad copy line after it
_BOX_REPLY = 4  # developer reply under a review: its text until the next chrome line

# ------------------------------------------------------------------ sentence endings
# Final syllables that end a Korean sentence (formal, polite, plain, and the noun-ending
# styles of posts: …함, …임, …음, …됨, …옴).
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


def _last_syllable(s: str) -> str:
    for ch in reversed(s):
        if "가" <= ch <= "힣":
            return ch
    return ""


# ---------------------------------------------------------------------- patterns
# Shapes recognised at the start of a line, tried in this order by one match().
_HEAD = re.compile(
    "|".join(
        [
            # end of the new message: signature separator, quote, forwarded original
            r"(?P<end>-{2,}\s*(?i:original message|forwarded message)|-{2,}\s*(?:원본|전달된)\s*메시지"
            r"|-- ?$|_{8,}$|[>＞]|(?i:sent from my|begin forwarded message|on .{4,100}wrote:?$))",
            # photo/graphic caption
            r"(?P<cap>[▲△▷◁]|[\[(<]?\s*(?:사진|그래픽|자료|영상|출처|이미지|일러스트|도표|캡처)\s*[=:：]|/\s*사진)",
            r"(?P<copy>[<\[(]?\s*(?:저작권자|(?i:copyright)|ⓒ|©|\([cC]\)))",
            r"(?P<note>※)",
            r"(?P<mail>(?:(?i:from|to|cc|bcc|sent|date|subject|reply-to|return-path|received|message-id"
            r"|mime-version|content-[\w-]+|x-[\w-]+|delivered-to)|보낸\s*사람|받는\s*사람|숨은\s*참조"
            r"|보낸\s*날짜|받은\s*날짜)\s*[:：])",
            r"(?P<media>[\[(](?:사진|이미지|그림|동영상|영상|스티커|이모티콘|지도|링크|파일|첨부\s*이미지"
            r"|(?i:gif|image|photo|video|map|sticker))[^\])]{0,20}[\])]$)",
            r"(?P<cmt>(?:전체\s*|베스트\s*|(?i:best)\s*|인기\s*)?(?:댓글|덧글|코멘트|(?i:comments?)|답변)"
            r"(?=$|[\s\d\[(•·:]))",
            r"(?P<post>댓글(?:을|\s*(?:쓰기|작성|남기기|달기))|(?i:leave a (?:comment|reply)|post comment)"
            r"|(?:이전|다음|윗|아랫)\s*글|(?:작가|블로그)의\s*(?:이전|다음)\s*글|태그$|(?i:tags?)(?:\s*[:：]|$)"
            r"|키워드\s*[:：]?$)",
            r"(?P<ad>\[?\s*(?:(?i:ad|ads|advertisement|sponsored)|광고|파워링크|스폰서|협찬)\s*\]?$)",
            # a form/post label on its own line: 제목, 작성자, * 민원 내용 (4,000자 이내)
            r"(?P<label>[*\s]*(?:민원\s*|신청\s*|게시\s*)?(?:제목|내용|본문|작성자|작성일|등록일|수정일"
            r"|조회(?:\s*수)?|추천(?:\s*수)?|글쓴이|날짜|이름|성명|연락처|휴대전화|전화번호|이메일|주소|분류"
            r"|분야|카테고리|첨부\s*파일|첨부|공개\s*여부|신청\s*번호|신청\s*일|처리\s*기관|처리\s*상태"
            r"|처리\s*결과|진행\s*상태|답변\s*상태|상태|번호|비밀번호|아이디)\s*(?:\([^)]*\))?\s*[:：]?$)",
            r"(?P<star>\*)",
            r"(?P<dateline>[\[(][^\])=]{1,15}=[^\])]{1,15}[\])])",  # [서울=뉴시스], (서울=연합뉴스)
            r"(?P<by>(?i:by|posted|written|published)\s)",
            r"(?P<hash>#)",
        ]
    )
)
_EMAIL_END_TAILS = ("에서 보냄", "에서 보냈습니다", "에서 전송됨", "님이 작성:", "님이 작성", "wrote:")
_COUNT = re.compile(r"\d[\d,]*")
_ODD_SPACE = re.compile(r"[^\S ]|  ")  # any whitespace but a single plain space
_ANGLE_ADDR = re.compile(r"<[^<>\s@]+@[^<>\s]+>")
_COPYRIGHT_ANY = re.compile(r"무단\s*(?:전재|복제|배포)|재배포\s*금지|(?i:all rights reserved)")
_CAPTION_END = re.compile(
    r"(?:ⓒ|©)\s*[^\s.]+(?:\s[^\s.]+)?\s*$|[\[(][^\])]{0,30}(?:제공|DB\s*금지|캡처|갈무리)[^\])]{0,30}[\])]$"
)
_BOX_HEADING = re.compile(
    r"(?:관련|많이\s*본|인기|추천|주요|최신|최근|이웃\s*|새로운|다른|실시간|연관|함께\s*(?:본|읽은)|핫|"
    r"오늘의|이\s*시각)\s*(?:기사|뉴스|글|포스트|게시물|게시글|검색어|이슈|영상)(?:\s*(?:목록|보기|더보기))?"
    r"\s*[>›»]?$|랭킹$|^전체\s*글(?:\s*목록)?$|^(?i:related(?: posts| articles)?|recent posts|"
    r"recent comments|popular posts|you may also like|more from .*)$"
)
_BOX_ENDS = ("기사", "뉴스", "글", "포스트", "게시물", "게시글", "검색어", "이슈", "영상", "목록", "보기", "랭킹", ">", "›", "»")
_REPLY_HEADING = re.compile(r"(?:개발자|판매자|운영자)\s*(?:의\s*)?(?:답변|응답|답글|댓글)|(?i:developer (?:response|reply))")
_SEP = re.compile(r"\s*[|│]\s*|\s(?:\s+|[·•/]\s)|\t")  # cells: wide gaps, bars, " · ", " / ", tabs
_SEP_CHARS = frozenset("|│·•/")  # without these (or a wide gap in the raw line): one cell
_DIGITS = frozenset("0123456789")
# Characters that text lines commonly carry besides letters (no separators, brackets of
# labels, colons, @, =, copyright or arrow signs): see the shortcut in _classify.
_TEXTY = frozenset("0123456789.,'\"!?~…()%-+“”‘’「」『』·[]:：*#&/")
_BREADCRUMB = re.compile(r"(?:^|\s)(?:홈|(?i:home)|처음)\s*[>›»]|\s[>›»]\s")
_FORM = re.compile(r"\[\s?\]|☐|☑|(?:^|\s)[○●◯◉]\s")
_KV = re.compile(r"[*\s]*[가-힣A-Za-z][가-힣A-Za-z0-9 ]{0,10}?\s*[:：]\s*\S")
_BYLINE_WORD = re.compile(r"(?:기자|특파원|선임기자|논설위원|객원기자|통신원|리포터|에디터|칼럼니스트)(?=$|[\s=·,\]])")
_BY_TAIL = re.compile(r".*\sby\s+\S+$")
_SIGNOFF = re.compile(r"(?:뉴스|방송|TV|일보)\s*[가-힣]{2,4}(?:\s*기자)?입니다\.?$")  # TV news sign-off
_LETTER_SIGN = re.compile(r"[가-힣]{2,4}\s*(?:드림|올림|배상)\.?$")
_LETTER_TAILS = ("드림", "올림", "배상", "드림.", "올림.")
_META = re.compile(  # dates, times, "3분 전", phone numbers, month-name dates
    r"\d(?:\d{3}\s*[.\-/년]\s*\d{1,2}\s*[.\-/월]\s*\d|:\d\d|\s*(?:초|분|시간|일|주|개월)\s*전|\d{0,3}-[\d*]{3,4}-\d{4})"
    r"|[A-Z][a-z]{2,8}\.?\s+\d{1,2}[,.]?\s+\d{4}"
)
_URL = re.compile(r"https?://|www\.|^\S+@\S+\.\S+$|\S+@[\w-]+\.[\w.]+\s*$")
_FILE = re.compile(r"\.(?:jpe?g|png|gif|pdf|hwp|docx?|xlsx?|zip|mp4|m4a|mp3)\b", re.I)
_CTA_TAILS = ("바로가기", "바로 가기", "보러가기", "보러 가기", "자세히 보기", "더 보기", "더보기", "▶", "►", "»")
_NUMTOK = re.compile(r"[\d,.:%/+\-()\[\]#★☆♡♥❤]+$")
_NUMTOKS = re.compile(r"(?<!\S)[\d,.:%/+\-()\[\]#★☆♡♥❤]+(?!\S)")
_PAGER = re.compile(r"(?:\S{1,4}\s+)?(?:[\[(]?\d+[\])]?\s+){2,}[\[(]?\d*[\])]?\s*\S{0,4}$")
_LONGWORD = re.compile(r"[^\s\d,.:%/+\-()\[\]#★☆♡♥❤]{6,}")
_LETTERS = re.compile(r"[^\W\d_]+")
_HANGUL = re.compile(r"[가-힣]")
_FEATURES = re.compile(r"[^가-힣ㄱ-ㅣ A-Za-z]")  # digits, punctuation, symbols, brackets…
_EMOJI_LINE = re.compile("[\U0001f000-\U0001faff\ufe0f\u200d\\sㄱ-ㅣ~^;.!?ㅡ]+$")
_PLAIN_PUNCT = frozenset(".,'\"!?~…")  # sentence punctuation: a line with only these is "plain"
_JAMO_LINE = re.compile(r"[ㄱ-ㅣ\s~^;.!?ㅡ]+$")
_DIGIT = re.compile(r"\d")
# A sentence-like line without any of these characters cannot be chrome (fast path).
_SPECIAL = re.compile(r"[|│·•>›»\[○●◯◉☐☑=ⓒ©@\t▲△▷◁※*#]")
_UI_STRIP = "[]()<>〈〉◀▶◁▷|·•:：#"
_UI_PUNCT = re.compile(r"[\[\]()<>〈〉◀▶◁▷|·•:：#]+")
_UI_WORDS = """로그인 로그아웃 회원가입 검색 전체메뉴 메뉴 홈 home 닫기 열기 더보기 펼치기 접기 공유 공유하기 인쇄
    스크랩 신고 신고하기 목록 글쓰기 답글 답글쓰기 수정 삭제 이전 다음 처음 처음으로 맨위로 top 위로 구독
    구독하기 구독신청 좋아요 싫어요 추천 추천하기 비추천 비추 공감 공감하기 댓글 댓글닫기 새로고침 본문 보기
    url복사 url 복사 링크복사 링크 주소복사 페이스북 트위터 카카오톡 카카오스토리 밴드 네이버 라인 x facebook
    twitter 이메일 메일 저장 북마크 이웃추가 서로이웃 추가 다운로드 편집 설정 답장 전달 전체답장 임시저장
    미리보기 사이트맵 english 글자크기 크기 작게 크게 기사 듣기 바로가기 건너뛰기 전체 반응형 취소 확인 등록
    제출 신청 선택 앱 앱에서 app 알림 알림받기 팔로우 follow share like reply 슬퍼요 화나요 스크랩하기
    저장하기 인쇄하기 카카오 텔레그램 가 나"""
_UI = frozenset(_UI_WORDS.split())
_UI = _UI | {w.upper() for w in _UI} | {w.capitalize() for w in _UI}
# First characters that can start a _HEAD shape (guards the match call).
_HEAD_FIRST = frozenset(
    "-_>＞sSoObB▲△▷◁[(</사그자영출이일도캡<저cCⓒ©※fFtTdDrRmMxX보받숨전베인댓덧코답lLpP다윗아작블태키aA광파스협"
    "* 민신게제내본등수조추글날성연휴주분카첨공처진상번비wW#"
)
# Head shapes that a long sentence-like line can still have: 이전글/다음글 rows, 태그,
# 댓글 쓰기, "Sent from my", "On … wrote:" (mail headers need a colon).
_FAST_HEAD_FIRST = frozenset("이다윗아작블태tT키댓lLpPsSoObB")
_RELATED_MAX = 12  # lines a related-articles box may hold


# ------------------------------------------------------------------ classification
def _byline(s: str) -> bool:
    """홍길동 기자, Posted … by 소소, 부산방송 김도윤입니다., 박준호 드림."""
    return (
        _BYLINE_WORD.search(s) is not None
        or (" by " in s and _BY_TAIL.match(s) is not None)
        or (s.endswith(("입니다", "입니다.")) and _SIGNOFF.search(s) is not None)
        or (s.endswith(_LETTER_TAILS) and _LETTER_SIGN.match(s) is not None)
    )


def _classify(s: str, raw: str) -> tuple[int, float, int, int]:  # noqa: C901, PLR0911, PLR0912
    """(kind, score, ending, box) of one normalised line; raw keeps tabs and gaps."""
    n = len(s)
    end = _ending(s)
    if (
        end == 2
        and n >= 30
        and "  " not in raw
        and _SPECIAL.search(s) is None
        and (n >= 50 or s[-2:] != "니다")
        and "무단" not in s
        and "저작권" not in s
        and "금지" not in s
        and "ights" not in s
        and not s.endswith(_EMAIL_END_TAILS)
        and ((s[0] not in _FAST_HEAD_FIRST and ":" not in s and "：" not in s) or _HEAD.match(s) is None)
    ):
        return _text(s, n, end)  # an ordinary sentence: no chrome shape can apply

    m = _HEAD.match(s) if s[0] in _HEAD_FIRST else None
    if m is not None:
        g = m.lastgroup
        if g == "end":
            return _END, -3.0, end, 0
        if g == "cap":
            return _CHROME, -1.0, end, 0
        if g == "copy":
            return _STOP, -3.0, end, 0
        if g == "note":
            return _CHROME, -1.5, end, 0
        if g == "mail":
            return _MAIL, -3.0, end, 0
        if g == "media":
            return _CHROME, -0.5, end, _BOX_MEDIA
        if g == "ad":
            return _CHROME, -1.0, end, _BOX_AD
        if g == "label":
            return _CHROME, -2.5, end, 0
        if g == "post" and n <= 80:
            return _STOP, -3.0, end, 0
        if end != 2:
            if g == "cmt" and n <= 40:
                count = _COUNT.search(s, m.end())
                if count is not None and count.group() == "0":
                    return _CHROME, -2.5, end, 0  # "댓글 0": no comments follow
                return _STOP, -3.0, end, 0
            if g == "star" and n < 40:
                return _CHROME, -2.5, end, 0
        if n < 50 and (g == "dateline" or g == "by"):
            return _CHROME, -2.5, end, 0
        if g == "hash" and all(t[0] == "#" for t in s.split()):
            return _CHROME, -2.5, end, 0

    if s.endswith(_EMAIL_END_TAILS):
        return _END, -3.0, end, 0
    if "\t" in raw:
        cells = [c for c in raw.split("\t") if c.strip()]
        if len(cells) > 1 and not (max(map(len, cells)) >= 40 and end == 2):
            return _HARD, -2.5, end, 0
    if n < 160 and ("무단" in s or "금지" in s or "ights" in s) and _COPYRIGHT_ANY.search(s):
        return _STOP, -3.0, end, 0
    if "@" in s and n < 120 and _ANGLE_ADDR.search(s):
        return _MAIL, -3.0, end, 0
    if n >= 90:
        return _text(s, n, end)
    toks = s.split()
    ntok = len(toks)
    found = _FEATURES.findall(s)  # every character that is not a letter or a space
    feats = set(found)
    digits = not feats.isdisjoint(_DIGITS)
    if "  " in raw or not feats.isdisjoint(_SEP_CHARS) or "\t" in raw or "\u00a0" in raw or "\u3000" in raw:
        parts = [p for p in _SEP.split(raw) if p and p.strip("·•|-/>›»◀▶ ")]
        if len(parts) >= 2:
            longest = max(map(len, parts))
            if n < 60 or longest <= 20:
                with_digits = sum(map(bool, map(_DIGIT.search, parts))) if digits else 0
                first = parts[0].lstrip("▶►▷ ")
                if len(parts) >= 3 and (with_digits <= 1 or _NUMTOK.match(first) or first in ("공지", "notice")):
                    if sum(1 for p in parts if p[-1] == "기" or p in _UI) * 2 >= len(parts):
                        return _CHROME, -2.5, end, 0  # tool row: 글씨 키우기, 복사하기, 공유하기
                    return _HARD, -2.5, end, 0  # menu, listing row, pagination
                if longest <= 20 and (end != 2 or with_digits):
                    return _CHROME, -2.5, end, 0  # meta row: nick + date + counts

    c0 = s[0]
    last = s[-1]
    if c0 in "[(" and last in "])" and s.find(last, 0, n - 1) < 0 and end != 2:
        return _CHROME, -1.0, end, 0  # [포텐], [기고], [인쇄용 페이지]
    if ("ⓒ" in s or "©" in s or last in "])") and _CAPTION_END.search(s):
        return _CHROME, -1.0, end, 0
    if end != 2 and n <= 40 and (s.endswith(_BOX_ENDS) or c0 in "RrPpYyMm") and _BOX_HEADING.search(s):
        return _HARD, -1.0, end, _BOX_RELATED
    if n <= 40 and ("개발자" in s or "판매자" in s or "운영자" in s or "eveloper" in s) and _REPLY_HEADING.search(s):
        return _CHROME, -2.0, end, _BOX_REPLY
    if n < 80 and (toks[0].strip(_UI_STRIP) in _UI or toks[-1].strip(_UI_STRIP) in _UI):
        ui_toks = _UI_PUNCT.sub(" ", s).split() if _UI_PUNCT.search(s) else toks
        ui = sum(map(_UI.__contains__, ui_toks))
        if ui and ui * 4 >= len(ui_toks) * 3:
            return _CHROME, -2.5, end, 0  # tool rows: 공유 인쇄 스크랩, 로그인 회원가입
    if feats <= _PLAIN_PUNCT and "  " not in raw and "\t" not in raw:
        # Only letters, single spaces and sentence punctuation: just the word-shaped rules.
        if n < 50 and (end != 2 or n < 25 or s.endswith(("입니다", "입니다."))) and _byline(s):
            return _CHROME, -2.5, end, 0
        if end != 2 and n < 60 and "www." in s and _URL.search(s) is not None:
            return _CHROME, -2.5, end, 0
        if n < 60 and s.endswith(_CTA_TAILS):
            return _CHROME, -1.0, end, 0
        if ntok >= 3 and n == 2 * ntok - 1:
            return _CHROME, -2.0, end, 0  # 가 가 가 가
        if n < 40 and (n - ntok + 1 - len(found)) * 5 < n * 2:
            return _CHROME, -2.0, end, 0
        if _HANGUL.search(s) is None:
            if _JAMO_LINE.match(s):
                return _TEXT, 0.3, end, 0
            return _CHROME, -1.0, end, 0
        return _text(s, n, end)
    if (
        end
        and ntok >= 3
        and n >= 15
        and feats <= _TEXTY
        and "  " not in raw
        and "\t" not in raw
        and " · " not in s
        and " / " not in s
        and "[ ]" not in s
        and "[]" not in s
        and (end == 2 or feats.isdisjoint(":："))
        and s[0] not in "*#"
    ):
        # Words with numbers, quotes or brackets that end like a clause or sentence:
        # only bylines, dates, call-to-action links and symbol-heavy lines remain.
        if n < 50 and (end != 2 or n < 25 or s.endswith(("입니다", "입니다."))) and _byline(s):
            return _CHROME, -2.5, end, 0
        if (
            end != 2
            and n < 60
            and (
                (digits and _META.search(s) is not None)
                or (("http" in s or "www." in s) and _URL.search(s) is not None)
                or ("." in s and _FILE.search(s) is not None)
            )
        ):
            return _CHROME, -2.5, end, 0
        if n < 60 and s.endswith(_CTA_TAILS):
            return _CHROME, -1.0, end, 0
        if n < 40 and (n - ntok + 1 - len(found)) * 5 < n * 2:
            return _CHROME, -2.0, end, 0
        if _HANGUL.search(s) is None:
            return (_TEXT, 0.3, end, 0) if _JAMO_LINE.match(s) else (_CHROME, -1.0, end, 0)
        return _text(s, n, end)

    if not feats.isdisjoint(">›»") and _BREADCRUMB.search(s) and (n < 50 or s.count(">") + s.count("›") >= 2):
        return _HARD, -2.5, end, 0
    if not feats.isdisjoint("[○●☐☑◯◉") and _FORM.search(s):
        return _CHROME, -2.0, end, 0
    if end != 2 and not feats.isdisjoint(":：") and _KV.match(s):
        return _CHROME, -2.5, end, 0  # key: value meta
    if n < 50 and (end != 2 or "=" in s or n < 25 or s.endswith(("입니다", "입니다."))) and _byline(s):
        return _CHROME, -2.5, end, 0
    if (
        end != 2
        and n < 60
        and (
            (digits and _META.search(s) is not None)
            or (("@" in feats or "http" in s or "www." in s) and _URL.search(s) is not None)
            or ("." in s and _FILE.search(s) is not None)
        )
    ):
        return _CHROME, -2.5, end, 0
    if n < 60 and s.endswith(_CTA_TAILS):
        return _CHROME, -1.0, end, 0
    if digits and ntok >= 2:
        nums = len(_NUMTOKS.findall(s))
        if nums == ntok or (ntok >= 3 and nums >= 2 and _PAGER.match(s)):
            return _CHROME, -2.0, end, 0  # pagination: 1 2 3 4 5 다음
        if (
            nums
            and end == 0
            and n < 60
            and not _NUMTOK.match(toks[0])
            and (nums * 2 >= ntok - 1 or _NUMTOK.match(toks[-1]))
            and not _LONGWORD.search(s)
        ):
            return _CHROME, -2.5, end, 0  # counters: 공감 7 댓글 2
    elif ntok >= 3 and n == 2 * ntok - 1:
        return _CHROME, -2.0, end, 0  # 가 가 가 가
    if n < 40 and found and max(found) >= "\U0001f000" and _EMOJI_LINE.match(s) is not None:
        return _TEXT, 0.3, end, 0  # 😭, 🥲🥲: an emoticon line inside a post
    if n < 40 and (n - ntok + 1 - len(found)) * 5 < n * 2:
        return _CHROME, -2.0, end, 0  # numbers, dates, symbols, separators
    if _HANGUL.search(s) is None:
        if _JAMO_LINE.match(s):
            return _TEXT, 0.3, end, 0  # ㅋㅋㅋ, ㅠㅠ
        return _CHROME, -1.0, end, 0
    return _text(s, n, end)


_LIST_ITEM = re.compile(r"(?:\d{1,2}[.)]|\(\d{1,2}\)|[①-⑳]|[■□●◆◇▪•‣\-–]|[가-하][.)])\s")  # in-body list/heading
_SECTION_TAILS = ("정보", "안내", "내역", "현황", "결과", "약관", "동의", "설정", "메뉴", "서비스")


def _text(s: str, n: int, end: int) -> tuple[int, float, int, int]:
    words = s.count(" ") + 1
    if n <= 14 and end == 0 and words <= 3 and s.endswith(_SECTION_TAILS):
        return _CHROME, -1.0, end, 0  # page/form section heading: 신청인 정보, 이송 안내
    if n >= 60 and words >= 8 and end != 2:  # long run-on text: prose whatever its ending
        score = 0.5 + min(n, 250) / 35
    elif n >= 25 and words >= 3:
        if end == 2:
            score = 1.0 + min(n, 250) / 25
        elif end == 1:
            score = 0.5 + min(n, 250) / 50
        else:
            score = 0.3
    elif words >= 2:
        score = 0.6 if end else (0.1 if _LIST_ITEM.match(s) else -0.2)
    else:
        score = 0.4 if end == 2 else -0.6
    return _TEXT, score, end, 0


def _apply_boxes(
    texts: list[str],
    blanks: list[bool],
    kinds: list[int],
    scores: list[float],
    ends: list[int],
    boxes: list[int],
    lo: int,
    n: int,
) -> None:
    """Within lines lo..n-1, mark the lines a box heading governs (related list, media, ad,
    reply) as chrome."""
    i = lo
    while i < n:
        box = boxes[i]
        i += 1
        if not box:
            continue
        if box == _BOX_RELATED:
            taken = 0
            while i < n and taken < _RELATED_MAX and kinds[i] == _TEXT and not (len(texts[i]) >= 40 and ends[i] == 2):
                kinds[i], scores[i] = _CHROME, -0.3
                i += 1
                taken += 1
        elif box == _BOX_MEDIA:
            taken = 0
            while i < n and taken < 4 and not blanks[i] and len(texts[i]) < 50 and kinds[i] not in (_STOP, _END, _MAIL):
                kinds[i], scores[i] = _CHROME, -0.5
                i += 1
                taken += 1
        elif box == _BOX_AD:
            if i < n and kinds[i] == _TEXT and len(texts[i]) < 80:
                kinds[i], scores[i] = _CHROME, -1.0
                i += 1
        else:  # _BOX_REPLY
            while i < n and kinds[i] == _TEXT:
                kinds[i], scores[i] = _CHROME, -1.0
                i += 1


def _mark_templates(texts: list[str], kinds: list[int], scores: list[float], lo: int, hi: int) -> None:
    """Three or more consecutive short lines ending in the same word are a UI list
    (share buttons "페이스북(으)로 …", "트위터(으)로 …"), not text."""
    words = [
        t[t.rfind(" ") + 1 :] if k == _TEXT and len(t) < 40 and " " in t else ""
        for t, k in zip(texts[lo:hi], kinds[lo:hi], strict=True)
    ]
    if len(words) - words.count("") < 3:
        return
    x = lo
    for word, group in groupby(words):
        size = len(list(group))
        if size >= 3 and len(word) >= 2:
            for y in range(x, x + size):
                kinds[y], scores[y] = _CHROME, -1.0
        x += size


# ------------------------------------------------------------------------ repeats
def _collapse(texts: list[str]) -> tuple[list[bool] | None, int]:
    """Mark runs that repeat an earlier run (whitespace-insensitive); count the blocks.

    A run starts at a line of 12+ non-space characters seen before and extends both
    ways while the lines match the earlier copy. It is dropped if it spans 2+ lines
    with 30+ characters, or one line of 40+ characters; so "네." or a short turn said
    twice in a call is kept. Runs closer than 3 lines count as one block.
    """
    keys = [t.replace(" ", "") for t in texts]
    n = len(keys)
    long_keys = [k for k in keys if len(k) >= 12]
    if len(set(long_keys)) == len(long_keys):
        return None, 0  # no long line occurs twice: nothing can start a run
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
                # The copy may lack or reorder a line or two of the original (a byline,
                # a caption): lines next to the run that occur within 4 lines of the
                # matching spot in the original belong to the same repeat.
                o = j - b
                while start - 1 > last_end and start - 1 > j + f - 1:
                    near = keys[max(0, o - 4) : o]
                    if keys[start - 1] not in near:
                        break
                    o = max(0, o - 4) + len(near) - 1 - near[::-1].index(keys[start - 1])
                    start -= 1
                o = j + f
                while stop < n and o < start:
                    near = keys[o : min(o + 4, start)]
                    if keys[stop] not in near:
                        break
                    o += near.index(keys[stop]) + 1
                    stop += 1
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
    return drop, blocks


# ---------------------------------------------------------------------- dialogue
_SPEAKER = re.compile(
    r"(?:[\[(]?\d{1,2}:\d{2}(?::\d{2})?[\])]?\s*)?"
    r"([^\s:：\[\]()<>]{1,8}(?:\s?\d)?(?:\s*\([^)]{1,10}\))?)\s*"
    r"(?:[\[(]\d{1,2}:\d{2}(?::\d{2})?[\])]\s*)?[:：]\s*\S"
)
_NOT_SPEAKER_WORDS = (
    "from to cc bcc date sent subject reply-to return-path received message-id mime-version delivered-to "
    "보낸사람 받는사람 숨은참조 보낸날짜 받은날짜 제목 내용 날짜 일시 시간 주소 연락처 이메일 작성자 분류 "
    "사건명 화자 녹취자 참석자 길이 파일 http https"
)
_NOT_SPEAKERS = frozenset(_NOT_SPEAKER_WORDS.split())


def _speakers(texts: list[str]) -> tuple[list[str | None], set[str]]:
    """Speaker label of each line ("상담원: …", "[00:01:02] 고객: …") and the labels used twice+."""
    labels: list[str | None] = [None] * len(texts)
    counts: dict[str, int] = {}
    match = _SPEAKER.match
    for x, t in [(x, t) for x, t in enumerate(texts) if ":" in t or "：" in t]:
        m = match(t)
        if m is not None:
            lab = m.group(1)
            low = lab.lower()
            if low in _NOT_SPEAKERS or low.startswith(("content-", "x-")) or not _LETTERS.search(lab):
                continue
            labels[x] = lab
            counts[lab] = counts.get(lab, 0) + 1
    return labels, {lab for lab, c in counts.items() if c >= 2}


def _dialogue(
    texts: list[str], classes: list[tuple[int, float, int, int]], labels: list[str | None], speakers: set[str]
) -> list[str] | None:
    """If the capture is a transcript, return its dialogue lines; else None."""
    n_dialogue = sum(1 for lab in labels if lab in speakers)
    if n_dialogue < 4 or n_dialogue * 2 < sum(1 for c in classes if c[0] == _TEXT and c[1] > 0):
        return None
    out: list[str] = []
    prev_dialogue = False
    for x, t in enumerate(texts):
        if labels[x] in speakers:
            out.append(t)
            prev_dialogue = True
            continue
        # A turn wrapped onto the next line: a sentence between two dialogue lines.
        kind, _, end, _ = classes[x]
        if (
            prev_dialogue
            and kind == _TEXT
            and end == 2
            and t[0] not in "([<※-"
            and any(labels[y] in speakers for y in range(x + 1, min(x + 3, len(texts))))
        ):
            out.append(t)
            continue
        prev_dialogue = False
    return out


# ------------------------------------------------------------------- rated lists
_RATING = re.compile(r"[★☆✩✭⭐]{3,}")
_ITEM_COUNT = re.compile(r"\d[\d,.]*\s*(?:천|만)?\s*(?:명|개|건|회)")


def _rated_items(texts: list[str], raws: list[str], blanks: list[bool]) -> list[str] | None:
    """A list of rated items (app or shop reviews): every item's text, not one window.

    Each item has a rating line (★★☆☆☆); the item text is the positive text around it
    and the short title line just before the rating, if any. The list runs from the
    first rating to the next end-of-post marker after the last one.
    """
    rating = [x for x, t in enumerate(texts) if len(t) < 40 and _RATING.match(t)]
    if len(rating) < 2:
        return None
    n = len(texts)
    classes = list(map(_classify, texts, raws))
    kinds = [c[0] for c in classes]
    scores = [c[1] for c in classes]
    ends = [c[2] for c in classes]
    boxes = [c[3] for c in classes]
    for x in rating:
        kinds[x], scores[x] = _CHROME, -2.0
    _apply_boxes(texts, blanks, kinds, scores, ends, boxes, 0, n)
    header = set(texts[: max(rating[0] - 1, 0)])
    nxt = 0
    for x in range(rating[0], n):
        if _ITEM_COUNT.match(texts[x]):
            kinds[x] = _CHROME  # "38명이 이 리뷰가 유용하다고 평가함"
        elif texts[x] in header and len(texts[x]) >= 2:
            # The developer (named in the page header) answering: skip to the next item.
            while nxt < len(rating) and rating[nxt] <= x:
                nxt += 1
            stop_reply = rating[nxt] - 1 if nxt < len(rating) else n
            for y in range(x, stop_reply):
                kinds[y] = _CHROME
    stop = next((x for x in range(rating[-1], n) if kinds[x] >= _STOP), n)
    titles = {x - 1 for x in rating if x > 0 and kinds[x - 1] == _TEXT and scores[x - 1] > -0.5}
    lo = rating[0] - 1 if rating[0] - 1 in titles else rating[0]
    out = [texts[x] for x in range(lo, stop) if kinds[x] == _TEXT and (scores[x] > 0 or x in titles)]
    return out or None


# ------------------------------------------------------------------------ window
def _best_window(scores: list[float], lo: int, hi: int) -> tuple[float, int, int]:
    """Max-subarray over scores[lo:hi]: (total, first, last); (0, -1, -1) if none > 0."""
    best, bs, be = 0.0, -1, -1
    cur, cs = 0.0, lo
    for x in range(lo, hi):
        if cur <= 0:
            cur, cs = 0.0, x
        cur += scores[x]
        if cur > best:
            best, bs, be = cur, cs, x
    return best, bs, be


def _title_like(t: str, kind: int) -> bool:
    n = len(t)
    return (
        kind == _TEXT
        and 10 <= n <= 150
        and " " in t
        and not (n >= 60 and t[-1] == ".")
        and t[-1] not in ":："
        and _HANGUL.search(t) is not None
    )


def _is_copyright(t: str) -> bool:
    m = _HEAD.match(t)
    return m is not None and m.lastgroup == "copy"


def _headline(texts: list[str], kinds: list[int], scores: list[float], start: int) -> list[int]:
    """Up to three title-shaped lines above the body, skipping bylines/dates/counts/labels."""
    found: list[int] = []
    skipped = 0
    i = start - 1
    while i >= 0 and len(found) < 3:
        kind = kinds[i]
        if _title_like(texts[i], kind):
            found.append(i)
        elif found or kind in (_HARD, _MAIL, _END) or (kind == _TEXT and scores[i] > 0):
            break
        elif kind == _STOP and _is_copyright(texts[i]):
            break  # copyright / footer
        else:
            skipped += 1
            if skipped > 10:
                break
        i -= 1
    found.reverse()
    return found


# -------------------------------------------------------------------------- main
def clean(raw: str) -> Cleaned:
    raws: list[str] = []
    blanks: list[bool] = []
    blank = False
    for st in [line.strip() for line in raw.splitlines()]:
        if st:
            raws.append(st)
            blanks.append(blank)
            blank = False
        else:
            blank = True
    if not raws:
        return Cleaned("", 0)
    if "\u200b" in raw or "\ufeff" in raw:
        kept = [(r.replace("\u200b", "").replace("\ufeff", "").strip(), b) for r, b in zip(raws, blanks, strict=True)]
        raws = [r for r, _ in kept if r]
        blanks = [b for r, b in kept if r]
        if not raws:
            return Cleaned("", 0)
    texts = [" ".join(r.split()) if _ODD_SPACE.search(r) else r for r in raws]

    drop, removed = _collapse(texts)
    if drop is not None:
        texts = [t for t, d in zip(texts, drop, strict=True) if not d]
        raws = [r for r, d in zip(raws, drop, strict=True) if not d]
        blanks = [b for b, d in zip(blanks, drop, strict=True) if not d]

    n = len(texts)
    if raw.count(":") + raw.count("：") >= 4:
        labels, speakers = _speakers(texts)
        if len(speakers) >= 2:
            dialogue = _dialogue(texts, list(map(_classify, texts, raws)), labels, speakers)
            if dialogue is not None:
                return Cleaned("\n".join(dialogue), removed)

    if raw.count("★") + raw.count("☆") >= 6:
        items = _rated_items(texts, raws, blanks)
        if items is not None:
            return Cleaned("\n".join(items), removed)

    # Classify section by section and stop at the first section that holds the body.
    # Sections end at comment headers, 이전글/다음글, tags, copyright (STOP) and at
    # signatures/quotes (END: after some text, nothing later can be the message).
    classify = _classify
    classes: list[tuple[int, float, int, int]] = []
    append = classes.append
    kinds: list[int] = []
    scores: list[float] = []
    ends: list[int] = []
    boxes: list[int] = []
    mail_lines = 0
    first_hdr = -1
    seen_text = False
    chosen: tuple[float, int, int] | None = None
    fallback: tuple[float, int, int] = (0.0, -1, -1)
    lo = 0
    for x in range(n + 1):
        if x < n:
            c = classify(texts[x], raws[x])
            append(c)
            if c[0] < _MAIL:  # text, chrome or structure: the section goes on
                continue
        done = len(kinds)  # bring the flat lists up to date (rarely: at section ends)
        if done < len(classes):
            new = classes[done:]
            kinds.extend([c[0] for c in new])
            scores.extend([c[1] for c in new])
            ends.extend([c[2] for c in new])
            boxes.extend([c[3] for c in new])
            seen_text = seen_text or max(scores[done:x], default=0.0) > 0
        if x < n:
            if kinds[x] == _MAIL:
                mail_lines += 1
                if first_hdr < 0:
                    first_hdr = x
            elif kinds[x] == _END and not mail_lines and texts[x][0] in ">＞":
                kinds[x], scores[x] = _CHROME, -1.0  # a quoted line in a post, not a reply history
                continue
        # x closes the section [lo, x)
        if x > lo:
            if any(boxes[lo:x]):
                _apply_boxes(texts, blanks, kinds, scores, ends, boxes, lo, x)
            _mark_templates(texts, kinds, scores, lo, x)
            cand = _best_window(scores, lo, x)
            is_mail = mail_lines >= 2
            early_ok = x == n or kinds[x] != _MAIL
            if is_mail and lo <= first_hdr:
                early_ok = False  # the message follows the first header block
            if early_ok and cand[0] >= (0.5 if is_mail else 2.0):
                chosen = cand
                break
            if cand[0] > fallback[0]:
                fallback = cand
        lo = x + 1
        if x < n and kinds[x] == _END and seen_text:
            break
    n = len(kinds)  # lines classified; later ones cannot matter
    _, s, e = chosen or fallback
    if s < 0:
        return Cleaned("", removed)

    # A casual post often ends on a short line without a sentence ending ("진짜 최악"):
    # take up to two such lines right after the window when chrome (or the end) follows
    # them, unless the body is formal written prose (…다.), where they are labels.
    y = e + 1
    while y < n and y <= e + 2 and kinds[y] == _TEXT and -0.5 < scores[y] <= 0 and not blanks[y]:
        y += 1
    if y > e + 1 and (y == n or kinds[y] != _TEXT) and _last_syllable(texts[e]) != "다":
        e = y - 1
    keep = [y for y in range(s, e + 1) if kinds[y] == _TEXT and scores[y] > -0.5]
    if not (mail_lines >= 2 and first_hdr < s):
        head = [y for y in _headline(texts, kinds, scores, s) if y < s]
        keep = head + keep
    return Cleaned("\n".join([texts[y] for y in keep]), removed)
