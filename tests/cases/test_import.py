"""`minwon import` run in-process against real SQLite and PostgreSQL databases."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from minwon.accounts.models import User
from minwon.cases.importer import NEAR_DUPLICATE_JACCARD, Document, Intake, jaccard, prepare
from minwon.cases.models import Case, Contact
from minwon.cases.service import content_hash
from minwon.config import Settings
from minwon.customers.models import Customer
from minwon.db import make_engine, session_factory
from tests.cases.conftest import Run


def contact_for(session: Session, text: str) -> Contact | None:
    session.expire_all()
    return session.scalar(select(Contact).where(Contact.content_hash == prepare(text).hash).order_by(Contact.id).limit(1))


def count_contacts(session: Session) -> int:
    session.expire_all()
    return session.scalar(select(func.count(Contact.id))) or 0


OUTAGE = "어제 밤 열한 시부터 아파트 단지 전체에서 인터넷이 완전히 끊겼습니다. 관리사무소에 물어보니 통신사 장비 문제라고 하는데 아직 아무 연락이 없습니다."
BILLING = "이번 달 청구서에 신청한 적 없는 음악 스트리밍 부가서비스 요금 팔천팔백 원이 들어 있습니다. 가입 경위를 확인하고 환불해 주세요."
BIRTHDAY = "매장 직원이 공시지원금을 준다고 해서 번호이동을 했는데 개통 후에 받은 계약서에는 선택약정 할인으로 되어 있습니다. 설명과 다릅니다."
PAST = "작년에 해지 신청한 집전화 요금이 계속 자동이체로 빠져나가고 있습니다. 해지 접수 번호도 받아 두었는데 처리가 안 된 것 같습니다."


def test_csv_with_a_bad_row_reports_its_line_and_imports_the_others(run: Run, db: Session, tmp_path: Path) -> None:
    rows = tmp_path / "rows.csv"
    rows.write_text(
        "id,text,customer_phone,customer_birth_date,product,region,created_at\n"
        f'r1,"{OUTAGE}",,,internet,서울특별시,\n'
        "r2,   ,,,,,\n"
        f'r3,"{BILLING}",010-1111-2222,1980-05-17,mobile,,\n'
        f'r4,"{BIRTHDAY}",010-9999-0000,1990-01-01,,,\n'
        f'r5,"{PAST}",,,landline,,2025-03-02 14:30\n',
        encoding="utf-8",
    )
    code, out, err = run("import", str(rows))

    assert code == 1
    assert "접수 3건, 중복 0건, 오류 2건" in out
    assert "rows.csv:3 (id r2): text 열이 비어 있습니다" in out
    assert "rows.csv:5 (id r4): 전화번호와 생년월일이 일치하는 고객이 없습니다" in out
    assert err == ""  # no progress bar when stderr is not a terminal

    outage = contact_for(db, OUTAGE)
    assert outage is not None and outage.channel == "import"
    assert outage.case.region == "서울특별시" and "internet" in outage.case.products
    billing = contact_for(db, BILLING)
    customer1 = db.scalar(select(Customer).where(Customer.name == "김민원"))
    assert billing is not None and customer1 is not None and billing.case.customer_id == customer1.id
    past = contact_for(db, PAST)
    assert past is not None and past.received_at == datetime(2025, 3, 2, 5, 30, tzinfo=UTC)  # 14:30 in Seoul
    assert contact_for(db, BIRTHDAY) is None


def test_cp949_file_is_decoded(run: Run, db: Session, tmp_path: Path) -> None:
    text = (
        "똠방각하 같은 상담원이 해지 방어만 하고 제 말은 듣지도 않습니다. 위약금 없이 해지하게 해 주세요. 뷁 소리가 절로 납니다."
    )
    path = tmp_path / "cp949.txt"
    path.write_bytes(text.encode("cp949"))  # 똠 and 뷁 exist only in CP949, not in EUC-KR

    code, out, _ = run("import", str(path), "--channel", "web")

    assert code == 0, out
    assert "접수 1건, 중복 0건, 오류 0건" in out
    contact = contact_for(db, text)
    assert contact is not None and contact.channel == "web"
    assert "똠방각하" in contact.raw_text and "뷁" in contact.raw_text


def test_folder_of_mixed_files(run: Run, db: Session, tmp_path: Path) -> None:
    folder = tmp_path / "captures"
    (folder / "sub").mkdir(parents=True)
    (folder / ".git").mkdir()
    texts = {
        "a.txt": "와이파이 공유기가 하루에도 몇 번씩 꺼졌다 켜집니다. 펌웨어 업데이트 후부터 그렇습니다. 교체 기사를 보내 주세요.",
        "sub/b.txt": "유선전화에서 통화 중에 잡음이 심하게 들려서 상대방 말을 알아들을 수가 없습니다. 선로 점검을 요청합니다.",
        "sub/c.txt": "IPTV 리모컨 음성 검색이 전혀 작동하지 않습니다. 셋톱박스를 재부팅해도 똑같고 고객센터는 연결이 안 됩니다.",
        "d.html": "모바일 데이터 사용량이 실제보다 두 배로 표시되어 속도 제한에 걸렸습니다. 사용 내역을 확인해 주세요.",
    }
    (folder / "a.txt").write_text(texts["a.txt"], encoding="utf-8")
    (folder / "sub" / "b.txt").write_bytes(texts["sub/b.txt"].encode("utf-16"))
    (folder / "sub" / "c.txt").write_bytes(texts["sub/c.txt"].encode("euc-kr"))
    (folder / "d.html").write_text(
        f"<html><head><title>게시판</title><style>p {{}}</style></head><body><p>{texts['d.html']}</p></body></html>",
        encoding="utf-8",
    )
    jsonl = [
        "해외 로밍을 차단해 두었는데 일본 출장 중에 데이터 로밍 요금 삼만 원이 청구되었습니다. 차단 기록을 확인해 주세요.",
        "멤버십 포인트가 이유 없이 소멸되었습니다. 유효기간이 남아 있었는데 어떻게 된 일인지 설명해 주세요.",
    ]
    (folder / "e.jsonl").write_text(
        "\n".join(json.dumps({"text": t, "id": n}, ensure_ascii=False) for n, t in enumerate(jsonl, 1)) + "\n\n[1, 2]\n",
        encoding="utf-8",
    )
    (folder / "f.bin").write_bytes(bytes(range(256)) * 8)
    (folder / "g.txt").write_bytes(b"")
    (folder / ".git" / "HEAD").write_text("ref: refs/heads/main\n", encoding="utf-8")
    (folder / ".hidden.txt").write_text("숨긴 파일은 읽지 않습니다. 이것이 접수되면 안 됩니다.", encoding="utf-8")

    code, out, _ = run("import", str(folder))

    assert code == 1
    assert "접수 6건, 중복 0건, 오류 3건" in out
    assert "f.bin: 텍스트가 아닌 파일입니다" in out
    assert "g.txt: 빈 파일입니다" in out
    assert "e.jsonl:4: 한 줄에 JSON 객체" in out
    errors = out.split("오류:\n", 1)[1].splitlines()
    assert [line.split(":")[0].strip() for line in errors] == ["e.jsonl", "f.bin", "g.txt"]  # sorted by path
    for text in [*texts.values(), *jsonl]:
        contact = contact_for(db, text)
        assert contact is not None, text
        assert text.split()[0] in contact.raw_text
    assert contact_for(db, "숨긴 파일은 읽지 않습니다. 이것이 접수되면 안 됩니다.") is None


def recapture(text: str) -> str:
    """The same post copied again from another page: other chrome, spacing, three words edited."""
    edited = text.replace("지난주", "저번 주").replace("세 번이나", "네 번이나").replace("답답합니다", "너무 답답해요")
    assert edited.count(" ") == text.count(" ") + 2
    spaced = edited.replace(". ", ".   \n\n", 2)
    return (
        "홈 > 고객센터 > 자유게시판\n로그인 | 회원가입 | 사이트맵\n\n"
        f"{spaced}\n\n"
        "추천 0 · 조회 1,024 · 신고\n댓글 3\n이전글 다음글 목록\nCopyright © 2025 통신 커뮤니티. All rights reserved."
    )


LONG_POST = (
    "지난주 화요일부터 집에서 쓰는 기가 인터넷 속도가 계약한 속도의 십분의 일도 나오지 않습니다. "
    "속도 측정 사이트에서 하루에 세 번이나 측정했는데 매번 구십 메가 정도밖에 나오지 않았고 저녁 시간에는 영상 회의가 끊길 정도입니다. "
    "고객센터에 전화했더니 원격으로 모뎀을 초기화해 주었지만 달라진 것이 없고 기사 방문은 다음 달에나 가능하다고 합니다. "
    "매달 기가 요금을 꼬박꼬박 내고 있는데 이런 상태라니 정말 답답합니다. "
    "빠른 시일 안에 방문 점검을 해 주시고 속도가 나오지 않은 기간의 요금은 감면해 주시기 바랍니다."
)
DIFFERENT_POST = (
    "지난주 화요일부터 집에서 쓰는 IPTV 화면이 저녁마다 멈추고 소리만 나옵니다. "
    "셋톱박스 전원을 몇 번이나 껐다 켰지만 그때뿐이고 아이들이 보는 만화 채널은 아예 검은 화면입니다. "
    "고객센터에 전화했더니 셋톱박스 교체는 유료라고 하는데 고장 난 장비를 돈 내고 바꾸라는 것은 이해할 수 없습니다. "
    "무상 교체와 그동안 못 본 기간의 요금 감면을 요청합니다."
)


def test_reimport_recognises_duplicates_and_near_duplicates(run: Run, db: Session, tmp_path: Path) -> None:
    first = tmp_path / "first"
    first.mkdir()
    (first / "post.txt").write_text(LONG_POST, encoding="utf-8")
    (first / "posts.jsonl").write_text(
        json.dumps(
            {
                "text": "명의도용으로 개통된 회선이 있다는 문자를 받았습니다. 저는 개통한 적이 없으니 즉시 정지하고 경위를 알려 주세요."
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    code, out, _ = run("import", str(first))
    assert code == 0 and "접수 2건, 중복 0건, 오류 0건" in out, out
    number = contact_for(db, LONG_POST).case.number  # type: ignore[union-attr]
    before = count_contacts(db)

    # The same import again: every document is a duplicate, nothing new is stored.
    code, out, _ = run("import", str(first))
    assert code == 0, out
    assert "접수 0건, 중복 2건, 오류 0건" in out
    assert f"post.txt: 이미 접수된 민원과 내용이 같습니다({number})" in out
    assert count_contacts(db) == before

    # A re-capture of the post (other chrome, spacing, three words edited) and a different
    # complaint that happens to start the same way.
    copy = recapture(LONG_POST)
    assert prepare(copy).hash != prepare(LONG_POST).hash
    similarity = jaccard(prepare(copy).shingles, prepare(LONG_POST).shingles)
    assert NEAR_DUPLICATE_JACCARD <= similarity < 1
    second = tmp_path / "second"
    second.mkdir()
    (second / "copy.html").write_text(f"<div>{copy.replace(chr(10), '<br>')}</div>", encoding="utf-8")
    (second / "different.txt").write_text(DIFFERENT_POST, encoding="utf-8")
    code, out, _ = run("import", str(second))
    assert code == 0, out
    assert "접수 1건, 중복 1건, 오류 0건" in out
    assert f"copy.html: 이미 접수된 민원과 거의 같습니다({number}, 유사도 0." in out
    assert contact_for(db, DIFFERENT_POST) is not None
    assert count_contacts(db) == before + 1


def test_near_duplicates_within_one_run(run: Run, db: Session, tmp_path: Path) -> None:
    post = (
        "지난주 금요일에 요금제를 바꾸려고 대리점에 갔는데 직원이 태블릿 결합 상품을 권하면서 추가 요금이 없다고 했습니다. "
        "그런데 이번 달 청구서를 보니 태블릿 할부금과 데이터 쉐어링 요금이 세 번이나 나뉘어 청구되어 있었습니다. "
        "대리점에 다시 가서 따졌더니 본사 정책이라며 자기들은 책임이 없다고 하고 고객센터는 대리점과 해결하라고만 합니다. "
        "설명을 듣지 못한 계약이니 정말 답답합니다. 위약금 없이 태블릿 계약을 취소하고 청구된 금액을 돌려주시기 바랍니다."
    )
    rows = tmp_path / "twice.jsonl"
    rows.write_text(
        "\n".join(json.dumps({"text": t}, ensure_ascii=False) for t in (post, recapture(post), post)) + "\n", encoding="utf-8"
    )
    code, out, _ = run("import", str(rows))
    assert code == 0, out
    assert "접수 1건, 중복 2건, 오류 0건" in out
    assert "twice.jsonl:2: 이미 접수된 민원과 거의 같습니다" in out
    assert "twice.jsonl:3: 이미 접수된 민원과 내용이 같습니다" in out


def test_a_failing_document_loses_none_of_its_batch(prepared_database: Settings, db: Session) -> None:
    texts = [
        "매장에서 산 휴대폰 케이스 값이 단말기 할부금에 몰래 포함되어 있었습니다. 동의한 적이 없으니 빼 주세요.",
        "팩스로 보낸 해지 신청서가 접수되지 않았다고 합니다. 보낸 기록이 있는데 왜 처리가 안 됩니까?",
        "엘리베이터 안에서만 통화가 끊기는 것이 아니라 거실에서도 신호가 한 칸밖에 잡히지 않습니다.",
        "소액결제 한도를 올린 적이 없는데 게임 아이템 결제가 여러 번 되어 있습니다. 차단과 환불을 요청합니다.",
        "상담원이 통화 도중에 일방적으로 전화를 끊었습니다. 녹취를 확인하고 사과해 주시기 바랍니다.",
    ]
    documents = [Document(source=f"doc{n}", text=t) for n, t in enumerate(texts, 1)]
    documents[1].channel = "fax"  # open_complaint refuses it inside the batch's transaction
    # Longer than cases.region (the readers refuse it first): PostgreSQL fails the INSERT
    # itself, inside the transaction; SQLite does not enforce the length and stores it.
    documents[3].region = "경기도 성남시 분당구 " * 4
    strict = not prepared_database.database_url.startswith("sqlite")
    engine = make_engine(prepared_database.database_url)
    try:
        intake = Intake(session_factory(engine), "agent1", prepared_database.secret_key, batch_size=3)
        try:
            summary = intake.run((d, 1) for d in documents)
        finally:
            intake.close()
    finally:
        engine.dispose()

    failed = {1, 3} if strict else {1}
    assert [o.source for o in summary.imported] == [f"doc{i + 1}" for i in range(5) if i not in failed]
    assert summary.errors[0].source == "doc2"
    assert summary.errors[0].detail == "저장하지 못했습니다(CaseError: 알 수 없는 접수 채널입니다: fax)"
    if strict:
        assert summary.errors[1].source == "doc4" and "StringDataRightTruncation" in summary.errors[1].detail
    for index, text in enumerate(texts):
        stored = contact_for(db, text)
        assert (stored is not None) == (index not in failed)
        if stored is not None:
            assert stored.content_hash == content_hash(prepare(text).clean_text)


def test_setup_errors_exit_with_2(run: Run, tmp_path: Path) -> None:
    doc = tmp_path / "a.txt"
    doc.write_text(OUTAGE, encoding="utf-8")
    code, _, err = run("import", str(tmp_path / "missing"))
    assert code == 2 and "파일이나 폴더가 없습니다" in err
    code, _, err = run("import", str(doc), "--as", "nobody")
    assert code == 2 and "'nobody'" in err
    code, _, err = run("import", str(doc), "--as", "customer1")
    assert code == 2 and "고객 계정" in err
    code, _, err = run("import", str(doc), "--customer", "999999")
    assert code == 2 and "999999" in err
    code, _, err = run("import", str(doc), "--channel", "fax")
    assert code == 2 and "fax" in err


def test_customer_option_files_every_document_for_that_customer(run: Run, db: Session, tmp_path: Path) -> None:
    customer2 = db.scalar(select(User).where(User.username == "customer2"))
    assert customer2 is not None and customer2.customer_id is not None
    text = "부모님 댁 인터넷 설치 기사님이 약속 시간에 두 시간이나 늦게 오셨고 설치 후 공유기 설정도 해 주지 않고 가셨습니다."
    doc = tmp_path / "note.txt"
    doc.write_text(text, encoding="utf-8")
    code, out, _ = run("import", str(doc), "--customer", str(customer2.customer_id), "--channel", "agent")
    assert code == 0, out
    contact = contact_for(db, text)
    assert contact is not None and contact.channel == "agent"
    assert db.get(Case, contact.case_id).customer_id == customer2.customer_id  # type: ignore[union-attr]
