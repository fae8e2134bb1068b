"""`minwon ingest-mail` run in-process against real SQLite and PostgreSQL databases."""

from __future__ import annotations

import base64
import quopri
import uuid
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from minwon.accounts.models import User
from minwon.cases.models import Case, Contact
from tests.cases.conftest import Run


def contacts_containing(session: Session, words: str) -> list[Contact]:
    session.expire_all()
    return list(session.scalars(select(Contact).where(Contact.raw_text.contains(words)).order_by(Contact.id)))


SENT = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=3)


def utf8_base64(message_id: str, body: str) -> bytes:
    return (
        "From: =?UTF-8?B?" + base64.b64encode("홍길동".encode()).decode() + "?= <hong@example.com>\n"
        "To: help@telecom.example\n"
        "Subject: =?UTF-8?B?" + base64.b64encode("[요금] 부당 청구".encode()).decode() + "?=\n"
        f"Date: {format_datetime(SENT)}\n"
        f"Message-ID: <{message_id}>\n"
        "MIME-Version: 1.0\n"
        "Content-Type: text/plain; charset=utf-8\n"
        "Content-Transfer-Encoding: base64\n\n" + base64.encodebytes(body.encode()).decode() + "\n"
    ).encode("ascii")


def cp949_html(message_id: str, body: str) -> bytes:
    html = f"<html><head><style>p {{color: red}}</style></head><body><p>{body}</p></body></html>"
    return (
        (
            "From: kim@example.com\n"
            "Subject: =?ks_c_5601-1987?B?" + base64.b64encode("인터넷 장애".encode("cp949")).decode() + "?=\n"
            f"Date: {format_datetime(SENT)}\n"
            f"Message-ID: <{message_id}>\n"
            "MIME-Version: 1.0\n"
            "Content-Type: text/html; charset=ks_c_5601-1987\n"
            "Content-Transfer-Encoding: quoted-printable\n\n"
        ).encode("ascii")
        + quopri.encodestring(html.encode("cp949"))
        + b"\n"
    )


BROKEN = (
    b"From: lee@example.com\n"
    b"Subject: broken\n"
    b"MIME-Version: 1.0\n"
    b"Content-Type: multipart/mixed\n\n"
    b"--nowhere\nContent-Type: text/plain\n\nno boundary parameter, so the parts cannot be found\n--nowhere--\n"
)


def no_message_id(body: str) -> bytes:
    return (f"From: park@example.com\nSubject: wifi\nContent-Type: text/plain; charset=utf-8\n\n{body}\n").encode()


def mbox(*messages: bytes) -> bytes:
    out = b""
    for message in messages:
        escaped = b"\n".join(b">" + line if line.startswith(b"From ") else line for line in message.split(b"\n"))
        out += b"From MAILER-DAEMON Mon Mar  3 10:00:00 2025\n" + escaped.rstrip(b"\n") + b"\n\n"
    return out


def test_mbox_with_a_broken_message(run: Run, db: Session, tmp_path: Path) -> None:
    tag = uuid.uuid4().hex[:8]
    billing = f"이번 달 요금에 가입하지 않은 부가서비스 요금이 청구되었습니다. 청구 번호 {tag} 건의 환불을 요청합니다."
    outage = f"아파트 단지 인터넷이 이틀째 끊겨 있는데 장애 안내 문자 한 통 없습니다. 동 번호 {tag}에 빨리 기사를 보내 주세요."
    wifi = f"와이파이 공유기가 매일 밤 꺼집니다. 교체 요청 번호는 {tag}입니다. 똠방각하 같은 답변 말고 해결해 주세요."
    single = f"해지 신청을 세 번이나 했는데 아직도 요금이 나갑니다. 해지 접수 번호 {tag}를 확인해 주세요."
    folder = tmp_path / "mail"
    folder.mkdir()
    (folder / "inbox.mbox").write_bytes(
        mbox(
            utf8_base64(f"{tag}.1@example.com", billing), BROKEN, cp949_html(f"{tag}.3@example.com", outage), no_message_id(wifi)
        )
    )
    (folder / "single.eml").write_bytes(utf8_base64(f"{tag}.5@example.com", single))
    quarantine_dir = tmp_path / "q"

    code, out, _ = run("ingest-mail", str(folder), "--quarantine", str(quarantine_dir))

    assert code == 1  # a message was quarantined: someone has to look at it
    assert "메일 접수 완료: 접수 4건, 중복 0건, 격리 1건, 오류 0건" in out
    assert "inbox.mbox#2: MIME 구조가 깨졌습니다" in out
    kept = sorted(p.name for p in quarantine_dir.iterdir())
    assert len(kept) == 2 and kept[0].endswith("inbox.mbox-2.eml") and kept[1].endswith("inbox.mbox-2.reason.txt")
    eml = next(quarantine_dir.glob("*.eml"))
    assert eml.read_bytes().rstrip(b"\n") == BROKEN.rstrip(b"\n")
    reason = next(quarantine_dir.glob("*.reason.txt")).read_text(encoding="utf-8")
    assert "사유: MIME 구조가 깨졌습니다" in reason and "원본: inbox.mbox#2" in reason

    agent1 = db.scalar(select(User).where(User.username == "agent1"))
    assert agent1 is not None
    for words in (f"청구 번호 {tag}", f"동 번호 {tag}", f"교체 요청 번호는 {tag}", f"해지 접수 번호 {tag}"):
        [contact] = contacts_containing(db, words)
        case = db.get_one(Case, contact.case_id)
        assert contact.channel == "email" and contact.submitted_by == agent1.id
        assert case.customer_id is None
    [billing_contact] = contacts_containing(db, f"청구 번호 {tag}")
    # Staff see whom to answer; the analysed, masked text stays the complaint itself.
    assert "보낸 사람: 홍길동 <hong@example.com>" in billing_contact.raw_text
    assert "[요금] 부당 청구" in billing_contact.raw_text
    assert "hong@example.com" not in billing_contact.masked_text
    assert billing_contact.received_at == SENT
    [outage_contact] = contacts_containing(db, f"동 번호 {tag}")
    assert "color" not in outage_contact.raw_text and "인터넷 장애" in outage_contact.raw_text

    # Ingesting the same folder again files nothing twice and keeps one copy in quarantine.
    code, out, _ = run("ingest-mail", str(folder), "--quarantine", str(quarantine_dir))
    assert code == 1
    assert "메일 접수 완료: 접수 0건, 중복 4건, 격리 1건, 오류 0건" in out
    assert "이미 격리되어 있음" in out
    assert len(list(quarantine_dir.iterdir())) == 2
    for words in (f"청구 번호 {tag}", f"교체 요청 번호는 {tag}"):
        assert len(contacts_containing(db, words)) == 1


def test_default_quarantine_is_under_the_var_dir(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "not-mail.eml"
    path.write_text("그냥 메모입니다. 메일이 아닙니다.\n", encoding="utf-8")

    code, out, _ = run("ingest-mail", str(path))

    assert code == 1
    assert "접수 0건, 중복 0건, 격리 1건, 오류 0건" in out
    assert "not-mail.eml: 전자우편 형식이 아닙니다" in out
    kept = sorted(p.name for p in (tmp_path / "var" / "quarantine").iterdir())
    assert [name.split("_", 1)[1] for name in kept] == ["not-mail.eml", "not-mail.reason.txt"]


def test_all_good_mail_exits_0(run: Run, tmp_path: Path) -> None:
    tag = uuid.uuid4().hex[:8]
    path = tmp_path / "one.eml"
    path.write_bytes(utf8_base64(f"{tag}@example.com", f"로밍 요금이 차단 설정과 달리 청구되었습니다. 고객 번호 {tag}입니다."))
    code, out, _ = run("ingest-mail", str(path), "--as", "agent2")
    assert code == 0, out
    assert "접수 1건, 중복 0건, 격리 0건, 오류 0건" in out
    code, out, _ = run("ingest-mail", str(tmp_path / "missing"))
    assert code == 2
