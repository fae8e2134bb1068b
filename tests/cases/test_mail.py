"""E-mail intake parsing: every fixture is built here, with the email package or as raw bytes."""

from __future__ import annotations

import base64
import quopri
import random
import re
import unicodedata
from datetime import UTC, datetime, timedelta, timezone
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from pathlib import Path

import pytest

from minwon.cases.mail import MailError, MailMessage, iter_messages, parse_message, quarantine

COMPLAINT = "인터넷이 3일째 끊겨요. 기사 방문을 요청합니다."
# 똠, 햏 and 뷁 exist in CP949 but not in EUC-KR: a decoder that reads ks_c_5601-1987 as
# EUC-KR (as Python does) fails on them.
CP949_ONLY = "똠방각하 햏자 뷁 요금이 두 번 청구됐어요."
KST = timezone(timedelta(hours=9))
HANGUL = re.compile(r"[가-힣]")


def b64_word(text: str, charset: str) -> bytes:
    return b"=?" + charset.encode() + b"?B?" + base64.b64encode(text.encode(charset)) + b"?="


def raw_mail(headers: list[bytes], body: bytes) -> bytes:
    return b"\r\n".join(headers) + b"\r\n\r\n" + body


def serialise(message: EmailMessage) -> bytes:
    return message.as_bytes(policy=SMTP)


def only_message(items: list[MailMessage | tuple[str, MailError, bytes]]) -> MailMessage:
    assert len(items) == 1
    item = items[0]
    assert isinstance(item, MailMessage), item
    return item


# --------------------------------------------------------------------------- bodies and charsets


def test_quoted_printable_cp949_body_and_every_field() -> None:
    data = raw_mail(
        [
            b"Return-Path: <hong@example.co.kr>",
            b"From: " + b64_word("홍길동", "euc-kr") + b" <hong@example.co.kr>",
            b"To: voc@telecom.example",
            b"Subject: " + b64_word("인터넷 장애 민원", "euc-kr"),
            b"Date: Mon, 6 Jan 2025 09:30:00 +0900",
            b"Message-ID: <20250106093000.1234@example.co.kr>",
            b"MIME-Version: 1.0",
            b"Content-Type: text/plain; charset=cp949",
            b"Content-Transfer-Encoding: quoted-printable",
        ],
        quopri.encodestring((COMPLAINT + "\r\n연락처로 전화 주세요.\r\n").encode("cp949")),
    )
    assert b"=C0=CE" in data  # really quoted-printable CP949 (인 = C0CE)

    message = parse_message(data, "hong.eml")

    assert message == MailMessage(
        message_id="<20250106093000.1234@example.co.kr>",
        sender="hong@example.co.kr",
        sender_name="홍길동",
        subject="인터넷 장애 민원",
        sent_at=datetime(2025, 1, 6, 9, 30, tzinfo=KST),
        text=COMPLAINT + "\n연락처로 전화 주세요.",
        source="hong.eml",
        attachments=[],
    )
    assert message.sent_at is not None and message.sent_at.utcoffset() == timedelta(hours=9)


def test_base64_utf8_body_built_with_the_email_package() -> None:
    mail = EmailMessage()
    mail["From"] = Address("김영희", addr_spec="younghee@example.com")
    mail["To"] = "voc@telecom.example"
    mail["Subject"] = "요금 이중 청구 문의"
    mail["Date"] = "Tue, 07 Jan 2025 14:05:09 +0900"
    mail["Message-ID"] = "<b64@example.com>"
    mail.set_content(COMPLAINT + "\n해결 부탁드립니다.\n", charset="utf-8", cte="base64")
    data = serialise(mail)
    assert b"Content-Transfer-Encoding: base64" in data and COMPLAINT.encode() not in data

    message = parse_message(data, "younghee.eml")

    assert message.sender == "younghee@example.com"
    assert message.sender_name == "김영희"
    assert message.subject == "요금 이중 청구 문의"
    assert message.message_id == "<b64@example.com>"
    assert message.sent_at == datetime(2025, 1, 7, 14, 5, 9, tzinfo=KST)
    assert message.text == COMPLAINT + "\n해결 부탁드립니다."
    assert message.attachments == []
    assert message.source == "younghee.eml"


def test_ks_c_5601_1987_is_read_as_cp949_in_body_subject_and_name() -> None:
    data = raw_mail(
        [
            b"From: " + b64_word("뷁돌이", "cp949").replace(b"cp949", b"ks_c_5601-1987") + b" <ms@example.kr>",
            b"Subject: " + b64_word("똠 요금 문의", "cp949").replace(b"cp949", b"ks_c_5601-1987"),
            b"Date: Wed, 08 Jan 2025 08:00:00 +0900",
            b"MIME-Version: 1.0",
            b'Content-Type: text/plain; charset="ks_c_5601-1987"',
            b"Content-Transfer-Encoding: base64",
        ],
        base64.encodebytes(CP949_ONLY.encode("cp949")),
    )

    message = parse_message(data, "outlook.eml")

    assert message.text == CP949_ONLY
    assert message.subject == "똠 요금 문의"
    assert message.sender_name == "뷁돌이"
    assert message.sender == "ms@example.kr"
    assert "\ufffd" not in message.text + message.subject


def test_iso_2022_kr_body() -> None:
    data = raw_mail(
        [b"From: a@example.kr", b"Subject: test", b"Content-Type: text/plain; charset=ISO-2022-KR"],
        COMPLAINT.encode("iso-2022-kr"),
    )
    assert parse_message(data, "old.eml").text == COMPLAINT


@pytest.mark.parametrize(
    ("declared", "body", "expected"),
    [
        ("utf-8", CP949_ONLY.encode("cp949"), CP949_ONLY),  # says UTF-8, is CP949
        ("euc-kr", COMPLAINT.encode("utf-8"), COMPLAINT),  # says EUC-KR, is UTF-8
        ("us-ascii", COMPLAINT.encode("cp949"), COMPLAINT),  # says ASCII, is CP949
        ("iso-8859-1", COMPLAINT.encode("cp949"), COMPLAINT),  # Latin-1 accepts any byte, yet it is CP949
        ("iso-8859-1", COMPLAINT.encode("utf-8"), COMPLAINT),
        ("x-no-such-charset", CP949_ONLY.encode("cp949"), CP949_ONLY),
    ],
    ids=["utf8-is-cp949", "euckr-is-utf8", "ascii-is-cp949", "latin1-is-cp949", "latin1-is-utf8", "unknown-charset"],
)
def test_a_wrongly_declared_charset_still_decodes(declared: str, body: bytes, expected: str) -> None:
    data = raw_mail(
        [b"From: a@example.kr", b"Subject: x", f"Content-Type: text/plain; charset={declared}".encode(), b"Content-Transfer-Encoding: 8bit"],
        body,
    )
    assert parse_message(data, "wrong.eml").text == expected


def test_real_latin_1_text_stays_latin_1() -> None:
    data = raw_mail([b"From: a@example.com", b"Content-Type: text/plain; charset=iso-8859-1"], b"Caf\xe9 tr\xe8s cher")
    assert parse_message(data, "fr.eml").text == "Café très cher"


def test_bytes_that_fit_no_charset_are_replaced_not_rejected() -> None:
    data = raw_mail([b"From: a@example.kr", b"Content-Type: text/plain; charset=utf-8"], COMPLAINT.encode() + b" \xff\xfe\xff")
    text = parse_message(data, "bad.eml").text
    assert text.startswith(COMPLAINT) and "\ufffd" in text


def test_text_is_nfc_and_tidy() -> None:
    decomposed = unicodedata.normalize("NFD", COMPLAINT)
    assert decomposed != COMPLAINT
    body = ("\n\n  " + decomposed + "   \r\n\r\n\r\n\r\n다음 문단\t\n\n").encode()
    data = raw_mail([b"From: a@example.kr", b"Content-Type: text/plain; charset=utf-8"], body)
    assert parse_message(data, "nfd.eml").text == "  " + COMPLAINT + "\n\n다음 문단"


def test_format_flowed_lines_are_joined() -> None:
    body = "인터넷이 3일째 \r\n끊겨요. 기사 방문을 \r\n요청합니다.\r\n> 지난번 답변 \r\n> 내용\r\n-- \r\n홍길동".encode()
    data = raw_mail([b"From: a@example.kr", b"Content-Type: text/plain; charset=utf-8; format=flowed"], body)
    assert parse_message(data, "flowed.eml").text == COMPLAINT + "\n> 지난번 답변 내용\n--\n홍길동"


# --------------------------------------------------------------------------- HTML and MIME structure

HTML_COMPLAINT = """<html><head><title>무시할 제목</title><style>td { color: red }</style>
<script>alert("무시")</script></head>
<body><div>안녕하세요,&nbsp;고객님께서 &lt;요금&gt; &amp; 품질 문의를 주셨습니다.</div>
<p>인터넷이 3일째 끊겨요.<br>기사 방문을 요청합니다.</p>
<table>
  <tr><th>항목</th><th>금액</th></tr>
  <tr><td>인터넷 요금</td><td>33,000&#50896;</td></tr>
  <tr><td>위약금</td><td>&#x20A9;120,000</td></tr>
</table>
<ul><li>첫째 요청</li><li>둘째 요청</li></ul>
<!-- 주석은 보이지 않음 --><p>감사합니다</p></body></html>"""

HTML_TEXT = """안녕하세요, 고객님께서 <요금> & 품질 문의를 주셨습니다.

인터넷이 3일째 끊겨요.
기사 방문을 요청합니다.

항목 | 금액
인터넷 요금 | 33,000원
위약금 | ₩120,000
- 첫째 요청
- 둘째 요청

감사합니다"""


def test_html_only_message_with_a_table_and_entities() -> None:
    mail = EmailMessage()
    mail["From"] = "voc-web@telecom.example"
    mail["Subject"] = "웹 민원"
    mail.set_content(HTML_COMPLAINT, subtype="html", charset="utf-8", cte="quoted-printable")

    message = parse_message(serialise(mail), "web.eml")

    assert message.text == HTML_TEXT
    assert "무시" not in message.text and "color" not in message.text and "주석" not in message.text


def test_html_from_outlook_with_conditional_comments_and_odd_markup() -> None:
    html = "<p class=MsoListParagraph><![if !supportLists]>1.<![endif]>요금 문의</p><![foo[ 남은 글 <b>굵게</b>"
    data = raw_mail([b"From: a@example.kr", b"Content-Type: text/html; charset=ks_c_5601-1987"], html.encode("cp949"))
    assert parse_message(data, "outlook.eml").text == "1.요금 문의\n\n<![foo[ 남은 글 굵게"


def alternative(plain: str, html: str) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = '"박민수" <minsu@example.kr>'
    mail["Subject"] = "해지 문의"
    mail.set_content(plain, charset="utf-8")
    mail.add_alternative(html, subtype="html", charset="utf-8")
    return mail


def test_multipart_alternative_prefers_text_plain() -> None:
    mail = alternative(COMPLAINT + "\n", "<p>HTML 판입니다</p>")
    assert mail.get_content_type() == "multipart/alternative"
    message = parse_message(serialise(mail), "alt.eml")
    assert message.text == COMPLAINT
    assert message.sender_name == "박민수" and message.sender == "minsu@example.kr"
    assert message.attachments == []


def test_multipart_alternative_falls_back_to_html_when_plain_is_empty() -> None:
    mail = alternative(" \n\n", "<p>인터넷이 3일째 끊겨요.</p><p>기사 방문을 요청합니다.</p>")
    assert parse_message(serialise(mail), "alt.eml").text == "인터넷이 3일째 끊겨요.\n\n기사 방문을 요청합니다."


def test_nested_multiparts_and_attachments_are_listed_not_read() -> None:
    mail = alternative(COMPLAINT + "\n", "<p>HTML 판</p><img src='cid:logo'>")
    mail.get_payload()[1].add_related(b"\x89PNG\r\n\x1a\n", "image", "png", cid="<logo>", filename="로고.png")
    mail.add_attachment(b"%PDF-1.4 binary", maintype="application", subtype="pdf", filename="요금 청구서.pdf")
    mail.add_attachment("첨부된 로그: 이 글은 본문이 아닙니다", subtype="plain", filename="log.txt")
    assert mail.get_content_type() == "multipart/mixed"

    message = parse_message(serialise(mail), "nested.eml")

    assert message.text == COMPLAINT
    assert message.attachments == ["로고.png", "요금 청구서.pdf", "log.txt"]


def test_inline_text_parts_of_a_mixed_message_are_joined() -> None:
    mail = EmailMessage()
    mail["From"] = "a@example.kr"
    mail.set_content("인터넷이 3일째 끊겨요.")
    mail.add_attachment(b"\x89PNG", maintype="image", subtype="png", disposition="inline")
    second = EmailMessage()
    second.set_content("기사 방문을 요청합니다.")
    mail.attach(second)

    message = parse_message(serialise(mail), "apple.eml")

    assert message.text == "인터넷이 3일째 끊겨요.\n\n기사 방문을 요청합니다."
    assert message.attachments == ["(이름 없음, image/png)"]


@pytest.mark.parametrize(
    "disposition",
    [
        b'Content-Disposition: attachment; filename="' + b64_word("영수증 똠.pdf", "cp949").replace(b"cp949", b"ks_c_5601-1987") + b'"',
        b"Content-Disposition: attachment; filename*=ks_c_5601-1987''" + "".join(f"%{b:02X}" for b in "영수증 똠.pdf".encode("cp949")).encode(),
        b'Content-Disposition: attachment; filename="' + "영수증 똠.pdf".encode("cp949") + b'"',
        b'Content-Type: application/pdf; name="' + b64_word("영수증 똠.pdf", "utf-8") + b'"',
    ],
    ids=["rfc2047-in-quotes", "rfc2231", "raw-8bit", "content-type-name"],
)
def test_korean_attachment_names_in_every_usual_spelling(disposition: bytes) -> None:
    headers = b"" if disposition.startswith(b"Content-Type") else b"Content-Type: application/pdf\r\n"
    data = raw_mail(
        [b"From: a@example.kr", b"MIME-Version: 1.0", b"Content-Type: multipart/mixed; boundary=BOUNDARY"],
        b"--BOUNDARY\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        + COMPLAINT.encode()
        + b"\r\n--BOUNDARY\r\n"
        + headers
        + disposition
        + b"\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0=\r\n--BOUNDARY--\r\n",
    )
    message = parse_message(data, "names.eml")
    assert message.attachments == ["영수증 똠.pdf"]
    assert message.text == COMPLAINT


def test_a_forwarded_message_is_an_attachment() -> None:
    inner = EmailMessage()
    inner["Subject"] = "원래 민원"
    inner.set_content("이 글은 첨부된 메일입니다")
    mail = EmailMessage()
    mail["From"] = "agent@telecom.example"
    mail.set_content(COMPLAINT)
    mail.add_attachment(inner)

    message = parse_message(serialise(mail), "fwd.eml")

    assert message.text == COMPLAINT
    assert message.attachments == ["원래 민원.eml"]


# --------------------------------------------------------------------------- headers


def test_rfc2047_euc_kr_subject_in_b_and_q_words_folded_and_split() -> None:
    subject = "[긴급] 인터넷 장애 3일째"
    encoded = subject.encode("euc-kr")
    # A client split the subject inside a two-byte character, over a folded line.
    first = base64.b64encode(encoded[:5]).decode()
    second = "".join(f"={b:02X}" for b in encoded[5:]).replace("=20", "_")
    data = raw_mail(
        [
            f"Subject: =?EUC-KR?B?{first}?=\r\n =?euc-kr?Q?{second}?=".encode(),
            b'From: "' + b64_word("이순신", "euc-kr") + b'" <lee@example.kr>',
            b"Content-Type: text/plain; charset=utf-8",
        ],
        COMPLAINT.encode(),
    )
    message = parse_message(data, "subject.eml")
    assert message.subject == subject
    assert message.sender_name == "이순신"
    assert message.sender == "lee@example.kr"


def test_raw_8bit_cp949_headers_are_decoded() -> None:
    data = raw_mail(
        [b'From: "' + "김철수".encode("cp949") + b'" <kim@example.kr>', b"Subject: " + "요금 폭탄 똠".encode("cp949")],
        COMPLAINT.encode("cp949"),
    )
    message = parse_message(data, "8bit.eml")
    assert (message.sender_name, message.subject, message.text) == ("김철수", "요금 폭탄 똠", COMPLAINT)


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        ("Mon, 6 Jan 2025 09:30:00 +0900", datetime(2025, 1, 6, 0, 30, tzinfo=UTC)),
        ("Mon, 6 Jan 2025 09:30:00 -0000", datetime(2025, 1, 6, 9, 30, tzinfo=UTC)),  # zone unknown: UTC
        ("6 Jan 2025 09:30 KST", datetime(2025, 1, 6, 9, 30, tzinfo=UTC)),  # email.utils does not know KST
        ("어제 오후", None),
        ("", None),
        (None, None),
    ],
)
def test_sent_at_is_aware_or_none(date: str | None, expected: datetime | None) -> None:
    headers = [b"From: a@example.kr"] + ([f"Date: {date}".encode()] if date is not None else [])
    sent_at = parse_message(raw_mail(headers, COMPLAINT.encode()), "d.eml").sent_at
    assert sent_at == expected
    assert sent_at is None or sent_at.tzinfo is not None


def test_missing_headers_give_none_and_empty_subject() -> None:
    message = parse_message(raw_mail([b"Content-Type: text/plain; charset=utf-8"], COMPLAINT.encode()), "bare.eml")
    assert (message.message_id, message.sender, message.sender_name, message.subject, message.sent_at) == (None, None, None, "", None)
    assert message.text == COMPLAINT


def test_sender_without_a_name_and_sender_header_fallback() -> None:
    assert parse_message(raw_mail([b"From: solo@example.kr"], b"hello"), "s.eml").sender_name is None
    message = parse_message(raw_mail([b"From: undisclosed", b"Sender: Desk <desk@example.kr>"], b"hello"), "s.eml")
    assert (message.sender, message.sender_name) == ("desk@example.kr", "Desk")


# --------------------------------------------------------------------------- what is not a mail


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b" \r\n\r\n ",
        random.Random(20250106).randbytes(4096),
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10",
        "제목: 인터넷 문의\n그냥 텍스트 파일입니다.".encode(),
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
    ],
    ids=["empty", "blank", "random", "png", "plain-text", "pdf"],
)
def test_bytes_that_are_not_an_email_raise_mail_error(data: bytes) -> None:
    with pytest.raises(MailError) as caught:
        parse_message(data, "garbage.bin")
    assert isinstance(caught.value, ValueError)
    assert HANGUL.search(str(caught.value))


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (raw_mail([b"From: a@example.kr", b"Subject: empty"], b""), "본문이 비어"),
        (raw_mail([b"From: a@example.kr", b"Content-Type: text/plain; charset=utf-8"], b"\r\n \r\n\t\r\n"), "본문이 비어"),
        (raw_mail([b"From: a@example.kr", b"Content-Type: text/html"], b"<html><script>x()</script><p>&nbsp;</p></html>"), "본문이 비어"),
    ],
    ids=["no-body", "whitespace", "html-without-text"],
)
def test_an_empty_body_raises_mail_error(data: bytes, words: str) -> None:
    with pytest.raises(MailError, match=words):
        parse_message(data, "empty.eml")


@pytest.mark.parametrize("content_type", [b"multipart/mixed", b"multipart/mixed; boundary=NEVER-SEEN"])
def test_a_multipart_whose_boundary_cannot_be_found_raises(content_type: bytes) -> None:
    data = raw_mail(
        [b"From: a@example.kr", b"MIME-Version: 1.0", b"Content-Type: " + content_type],
        b"--XX\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + COMPLAINT.encode() + b"\r\n--XX--\r\n",
    )
    with pytest.raises(MailError, match="경계"):
        parse_message(data, "broken.eml")


def test_a_message_with_only_an_attachment_names_it_in_the_error() -> None:
    mail = EmailMessage()
    mail["From"] = "a@example.kr"
    mail.add_attachment(b"%PDF", maintype="application", subtype="pdf", filename="요금.pdf")
    with pytest.raises(MailError, match="요금.pdf"):
        parse_message(serialise(mail), "attach-only.eml")


# --------------------------------------------------------------------------- files


def mbox_entry(data: bytes) -> bytes:
    return b"From MAILER-DAEMON Mon Jan  6 09:30:00 2025\n" + data.replace(b"\r\n", b"\n") + b"\n"


def test_mbox_with_three_messages_of_which_one_is_broken(tmp_path: Path) -> None:
    first = raw_mail([b"From: a@example.kr", b"Subject: " + b64_word("첫째", "euc-kr"), b"Message-ID: <1@x>"], COMPLAINT.encode())
    broken = "이건 메일이 아닙니다 그냥 글입니다".encode()
    third = raw_mail(
        [b"From: c@example.kr", b"Subject: third", b"Content-Type: text/plain; charset=euc-kr"], "요금이 이상해요".encode("euc-kr")
    )
    path = tmp_path / "inbox"  # no .mbox suffix: detected by the leading "From " line
    path.write_bytes(mbox_entry(first) + mbox_entry(broken) + mbox_entry(third))

    items = list(iter_messages(path))

    assert len(items) == 3
    one, two, three = items
    assert isinstance(one, MailMessage) and isinstance(three, MailMessage)
    assert (one.source, one.subject, one.text, one.message_id) == ("inbox#1", "첫째", COMPLAINT, "<1@x>")
    assert (three.source, three.sender, three.text) == ("inbox#3", "c@example.kr", "요금이 이상해요")
    assert isinstance(two, tuple)
    source, error, raw = two
    assert source == "inbox#2"
    assert isinstance(error, MailError) and "전자우편 형식이 아닙니다" in str(error)
    assert broken in raw


def test_mbox_suffix_and_an_eml_with_a_from_line(tmp_path: Path) -> None:
    data = raw_mail([b"From: a@example.kr"], COMPLAINT.encode())
    (tmp_path / "one.mbox").write_bytes(mbox_entry(data))
    (tmp_path / "saved.eml").write_bytes(mbox_entry(data))  # .eml is always one message
    assert only_message(list(iter_messages(tmp_path / "one.mbox"))).source == "one.mbox#1"
    message = only_message(list(iter_messages(tmp_path / "saved.eml")))
    assert (message.source, message.sender, message.text) == ("saved.eml", "a@example.kr", COMPLAINT)


@pytest.mark.parametrize("content", [b"", raw_mail([b"From: a@example.kr"], COMPLAINT.encode())], ids=["empty", "no-from-line"])
def test_an_mbox_without_a_from_line_is_yielded_whole_as_an_error(tmp_path: Path, content: bytes) -> None:
    # mailbox.mbox would silently skip what precedes the first "From " line.
    (tmp_path / "odd.mbox").write_bytes(content)
    items = list(iter_messages(tmp_path / "odd.mbox"))
    assert [(item[0], item[2]) for item in items if isinstance(item, tuple)] == [("odd.mbox", content)]
    assert len(items) == 1 and isinstance(items[0][1], MailError) and "From" in str(items[0][1])


def test_a_folder_yields_every_file_sorted_by_name_and_errors_as_values(tmp_path: Path) -> None:
    good = raw_mail([b"From: a@example.kr"], COMPLAINT.encode())
    (tmp_path / "b.eml").write_bytes(good)
    (tmp_path / "a.eml").write_bytes(good)
    (tmp_path / "c.bin").write_bytes(b"\x00\x01\x02 not mail")
    (tmp_path / "d.mbox").write_bytes(mbox_entry(good) + mbox_entry(good))
    (tmp_path / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "z.eml").write_bytes(good)

    items = list(iter_messages(tmp_path))

    sources = [item.source if isinstance(item, MailMessage) else item[0] for item in items]
    assert sources == ["a.eml", "b.eml", "c.bin", "d.mbox#1", "d.mbox#2"]
    assert isinstance(items[2], tuple) and items[2][2] == b"\x00\x01\x02 not mail"


def test_a_single_eml_file_and_a_folder_without_files(tmp_path: Path) -> None:
    path = tmp_path / "민원.eml"
    path.write_bytes(raw_mail([b"From: a@example.kr", b"Subject: " + b64_word("요금", "utf-8")], COMPLAINT.encode()))
    message = only_message(list(iter_messages(path)))
    assert (message.source, message.subject, message.text) == ("민원.eml", "요금", COMPLAINT)
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "x.eml").mkdir()  # a sub-folder, even one named like a mail, is not read
    assert list(iter_messages(folder)) == []


def test_a_missing_path_is_yielded_not_raised(tmp_path: Path) -> None:
    items = list(iter_messages(tmp_path / "없음.eml"))
    assert [(item[0], type(item[1]), item[2]) for item in items if isinstance(item, tuple)] == [("없음.eml", MailError, b"")]
    assert len(items) == 1


# --------------------------------------------------------------------------- quarantine


def test_quarantine_writes_the_raw_bytes_and_a_korean_reason(tmp_path: Path) -> None:
    raw = b"\x89PNG garbage \xff"
    moment = datetime(2025, 1, 6, 9, 30, 5, tzinfo=KST)
    folder = tmp_path / "격리" / "2025"

    path = quarantine(folder, "inbox.mbox#2", raw, "전자우편 형식이 아닙니다", now=moment)

    assert path.parent == folder and path.suffix == ".eml"
    assert path.read_bytes() == raw
    reason_path = path.with_name(path.name.removesuffix(".eml") + ".reason.txt")
    assert sorted(p.name for p in folder.iterdir()) == sorted([path.name, reason_path.name])
    note = reason_path.read_text(encoding="utf-8")
    assert "전자우편 형식이 아닙니다" in note
    assert "inbox.mbox#2" in note
    assert moment.astimezone().isoformat(timespec="seconds") in note
    assert re.fullmatch(r"[\w.-]+", path.name, re.ASCII)


def test_quarantine_never_overwrites(tmp_path: Path) -> None:
    moment = datetime(2025, 1, 6, 9, 30, 5, tzinfo=KST)
    first = quarantine(tmp_path, "a.eml", b"first", "이유 1", now=moment)
    second = quarantine(tmp_path, "a.eml", b"second", "이유 2", now=moment)
    # A stranger's file with the next name is left alone too.
    taken = second.with_name(second.name.replace("-2.eml", "-3.reason.txt"))
    taken.write_text("남의 파일", encoding="utf-8")
    third = quarantine(tmp_path, "a.eml", b"third", "이유 3", now=moment)

    assert len({first, second, third}) == 3
    assert (first.read_bytes(), second.read_bytes(), third.read_bytes()) == (b"first", b"second", b"third")
    assert taken.read_text(encoding="utf-8") == "남의 파일"
    assert "이유 1" in first.with_name(first.name.removesuffix(".eml") + ".reason.txt").read_text(encoding="utf-8")
    assert len(list(tmp_path.iterdir())) == 7


@pytest.mark.parametrize("source", ["../../etc/passwd", "민원 메일함.mbox#12", "/", "a" * 400, "con:?*<>|\x00"])
def test_quarantine_file_names_are_safe(tmp_path: Path, source: str) -> None:
    path = quarantine(tmp_path / "q", source, b"x", "사유")
    assert path.parent == tmp_path / "q"
    assert not path.name.startswith(".")
    assert re.fullmatch(r"[\w.-]+", path.name)
    assert len(path.name.encode()) < 200
    assert "원본: " + source in path.with_name(path.name.removesuffix(".eml") + ".reason.txt").read_text(encoding="utf-8")


def test_intake_loop_quarantines_what_it_cannot_read(tmp_path: Path) -> None:
    inbox, jail = tmp_path / "inbox", tmp_path / "quarantine"
    inbox.mkdir()
    (inbox / "1.eml").write_bytes(raw_mail([b"From: a@example.kr"], COMPLAINT.encode()))
    (inbox / "2.eml").write_bytes(b"")
    read: list[MailMessage] = []
    for item in iter_messages(inbox):
        if isinstance(item, MailMessage):
            read.append(item)
        else:
            source, error, raw = item
            quarantine(jail, source, raw, str(error))
    assert [m.source for m in read] == ["1.eml"]
    assert len(list(jail.glob("*_2.eml"))) == 1 and len(list(jail.glob("*_2.reason.txt"))) == 1
