"""Bulk intake: read documents (files, folders, CSV, JSONL, e-mail) and file them as cases.

Reading and storing are separate. :func:`read_documents` and :func:`mail_documents` turn
a path into :class:`Document` values (or :class:`Failure` values with the Korean reason
and where it happened); :class:`Intake` stores documents through
:func:`minwon.cases.service.open_complaint`, one SAVEPOINT per document and one commit
per batch, so that a document that fails never takes the others with it.

Duplicates (bulk import only):

* exact: the SHA-256 of the normalised clean text (:func:`content_hash`, the value
  ``open_complaint`` stores in ``Contact.content_hash``) already exists;
* near: the same post captured again with other site chrome, other whitespace or a few
  words edited. The cleaner removes the chrome; what is left is compared as a set of
  character 3-grams with all whitespace removed (so re-spacing changes nothing), and a
  document is a near-duplicate when the Jaccard similarity of the two sets is at least
  :data:`NEAR_DUPLICATE_JACCARD` (0.8). MinHash/LSH (``datasketch``, 128 permutations,
  tuned for 0.7 so that pairs just above 0.8 are not missed by the estimate's noise)
  only proposes candidates; the Jaccard value is then computed exactly from the stored
  text, so the estimate never decides alone.

  Why 0.8: across the 2,760 complaints of the project's corpus, no two *different*
  complaints reach a Jaccard similarity of 0.3 (the pairs at 1.0 are the same text), so
  0.8 leaves a wide margin against losing a real complaint, which matters more than
  catching every re-capture: a set of n shingles stays at or above 0.8 only while at
  most about n/9 shingles differ on each side. A 300-character post with three words
  edited stays above 0.85; a 40-character one with a headline added does not, and is
  then filed as a new case (a person can merge it), never silently dropped.

  The signatures of existing contacts are computed once per run from
  ``Contact.masked_text`` (the PII-masked clean text); a candidate is compared in the
  same form (its clean text masked with the same :mod:`minwon.text.pii` rules). Loading
  costs about 0.5 ms per stored contact; a persisted signature column would remove it.

E-mail is deduplicated by Message-ID only (the idempotency key of ``open_complaint``),
never by content: two customers who send the same words are two complaints.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
import os
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from minwon.accounts.models import User
from minwon.cases.mail import MailError, MailMessage, iter_messages, quarantine
from minwon.cases.models import Case, Contact
from minwon.cases.service import ComplaintInput, content_hash, mask_rrn, open_complaint
from minwon.customers.models import Customer
from minwon.customers.service import IdentityError, find_customer
from minwon.db import utcnow
from minwon.text.clean import clean
from minwon.text.decode import DecodeError, decode_bytes
from minwon.text.pii import find_pii, mask

SEOUL = ZoneInfo("Asia/Seoul")
NEAR_DUPLICATE_JACCARD = 0.8
CANDIDATE_JACCARD = 0.7
SHINGLE_SIZE = 3
NUM_PERM = 128
BATCH_SIZE = 100
MAX_DOCUMENT_BYTES = 1_000_000  # the same limit as a request body of the API
MAX_FIELD_CHARS = 32  # product and region columns of a case
CSV_SUFFIXES = frozenset({".csv"})
JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
FIELDS = ("text", "id", "customer_phone", "customer_birth_date", "product", "region", "created_at")


@dataclass
class Document:
    source: str
    """Where it came from, as shown to the operator: ``rows.csv:17``, ``sub/a.txt``, ``box.mbox#2``."""
    text: str
    channel: str = "import"
    customer_id: int | None = None
    customer_phone: str | None = None
    customer_birth_date: date | None = None
    product: str | None = None
    region: str | None = None
    received_at: datetime | None = None
    idempotency_key: str | None = None
    deduplicate: bool = True
    """Look for an existing contact with the same or nearly the same text (bulk import)."""


@dataclass(frozen=True)
class Failure:
    source: str
    reason: str


@dataclass(frozen=True)
class Outcome:
    source: str
    kind: str  # imported | linked | duplicate | error | quarantined
    detail: str = ""
    case_number: str | None = None
    kept: Path | None = None
    """Where a quarantined message was kept."""


@dataclass
class Summary:
    imported: list[Outcome] = field(default_factory=list)
    duplicates: list[Outcome] = field(default_factory=list)
    errors: list[Outcome] = field(default_factory=list)
    quarantined: list[Outcome] = field(default_factory=list)
    interrupted: bool = False

    def add(self, outcome: Outcome) -> None:
        {
            "imported": self.imported, "linked": self.imported, "duplicate": self.duplicates,
            "error": self.errors, "quarantined": self.quarantined,
        }[outcome.kind].append(outcome)  # fmt: skip

    @property
    def linked(self) -> int:
        return sum(1 for o in self.imported if o.kind == "linked")


# ---------------------------------------------------------------------------- reading

Item = Document | Failure | None
"""What the readers yield (None: progress only), each with the input bytes it stands for."""


def input_files(path: Path) -> list[Path]:
    """The files under path, recursively, sorted by path; hidden files and folders skipped."""
    if not path.is_dir():
        return [path]
    found: list[Path] = []
    for directory, subdirectories, files in os.walk(path, followlinks=False):
        subdirectories[:] = [d for d in subdirectories if not d.startswith(".")]
        found += [Path(directory) / name for name in files if not name.startswith(".")]
    return sorted(found, key=lambda p: p.relative_to(path).parts)


def total_bytes(files: Iterable[Path]) -> int:
    total = 0
    for file in files:
        with contextlib.suppress(OSError):  # an unreadable file is reported when it is read
            total += file.stat().st_size
    return total


def _label(file: Path, root: Path) -> str:
    return file.name if file == root else file.relative_to(root).as_posix()


def read_documents(path: Path, customer_id: int | None = None, channel: str = "import") -> Iterator[tuple[Item, int]]:
    """Every document under path with the bytes it consumed, or why it could not be read."""
    for item, used in _read_documents(Path(path), customer_id):
        if isinstance(item, Document):
            item.channel = channel
        yield item, used


def _read_documents(root: Path, customer_id: int | None) -> Iterator[tuple[Item, int]]:
    if not root.exists():
        yield Failure(root.name or str(root), f"파일이나 폴더가 없습니다: {root}"), 0
        return
    for file in input_files(root):
        label = _label(file, root)
        suffix = file.suffix.lower()
        try:
            size = file.stat().st_size
            tabular = suffix in CSV_SUFFIXES or suffix in JSONL_SUFFIXES
            # Not read at all when even as UTF-16 (2 bytes per ASCII character) it would be too long.
            if not tabular and size > 2 * MAX_DOCUMENT_BYTES:
                yield Failure(label, f"문서가 너무 큽니다({size:,}바이트, 최대 {MAX_DOCUMENT_BYTES:,}바이트)"), size
                continue
            data = file.read_bytes()
        except OSError as exc:
            yield Failure(label, f"파일을 읽을 수 없습니다({exc.strerror or exc})"), 0
            continue
        if not data.strip():
            yield Failure(label, "빈 파일입니다"), size
            continue
        try:
            text = decode_bytes(data)
        except DecodeError as exc:
            yield Failure(label, str(exc)), size
            continue
        if suffix in CSV_SUFFIXES:
            yield from _scaled(_csv_documents(text, label, customer_id), len(text), size)
        elif suffix in JSONL_SUFFIXES:
            yield from _scaled(_jsonl_documents(text, label, customer_id), len(text), size)
        else:
            if suffix in HTML_SUFFIXES:
                text = html_to_text(text)
            yield _checked_document(Document(source=label, text=text, customer_id=customer_id)), size


def html_to_text(html: str) -> str:
    # The mail reader's converter (visible text, one block per line) is the one the
    # project has; an HTML page is otherwise one long line of tags to the cleaner.
    from minwon.cases.mail import _html_to_text

    return _html_to_text(html)


def _scaled(items: Iterator[tuple[Item, int]], chars: int, size: int) -> Iterator[tuple[Item, int]]:
    """Turn the characters each row consumed into a share of the file's bytes."""
    consumed = 0
    reported = 0
    for item, used in items:
        consumed += used
        now = size if consumed >= chars else size * consumed // max(chars, 1)
        yield item, now - reported
        reported = now
    if reported < size:
        yield None, size - reported


class _Lines:
    """Lines of a text (only \\n, \\r, \\r\\n end a line, as the csv module wants), counting characters."""

    def __init__(self, text: str) -> None:
        self._lines = io.StringIO(text, newline="")
        self.consumed = 0

    def __iter__(self) -> Iterator[str]:
        for line in self._lines:
            self.consumed += len(line)
            yield line


def _csv_documents(text: str, label: str, customer_id: int | None) -> Iterator[tuple[Item, int]]:
    lines = _Lines(text)
    reader = csv.reader(lines)
    header: list[str] | None = None
    last_line = 0
    used = 0
    while True:
        start_line = last_line + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            last_line = reader.line_num
            yield Failure(f"{label}:{start_line}", f"CSV 형식이 잘못되었습니다({exc})"), lines.consumed - used
            used = lines.consumed
            continue
        last_line = reader.line_num
        step, used = lines.consumed - used, lines.consumed
        if not any(cell.strip() for cell in row):
            continue  # blank lines between records
        if header is None:
            header = [unicodedata.normalize("NFC", cell).strip().lstrip("\ufeff").lower() for cell in row]
            if "text" not in header:
                yield Failure(f"{label}:{start_line}", f"머리글에 text 열이 없습니다(머리글: {', '.join(header)})"), step
                return
            continue
        source = f"{label}:{start_line}"
        if len(row) > len(header):
            yield (
                Failure(
                    source, f"열이 머리글({len(header)}개)보다 많습니다({len(row)}개): 쉼표가 든 값은 큰따옴표로 감싸 주세요"
                ),
                step,
            )
            continue
        record = {name: value for name, value in zip(header, row, strict=False) if name in FIELDS}
        yield _from_record(record, source, customer_id), step


def _jsonl_documents(text: str, label: str, customer_id: int | None) -> Iterator[tuple[Item, int]]:
    for number, line in enumerate(io.StringIO(text, newline=""), start=1):
        used = len(line)
        if not line.strip():
            yield None, used
            continue
        source = f"{label}:{number}"
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            yield Failure(source, f"JSON 형식이 아닙니다({exc.msg}, {exc.colno}번째 글자)"), used
            continue
        if not isinstance(value, dict):
            yield Failure(source, '한 줄에 JSON 객체({"text": ...}) 하나가 있어야 합니다'), used
            continue
        record: dict[str, str | None] = {}
        bad = None
        for name in FIELDS:
            item = value.get(name)
            if item is None or isinstance(item, str):
                record[name] = item
            elif isinstance(item, int | float) and not isinstance(item, bool) and name != "text":
                record[name] = str(item)
            else:
                bad = name
                break
        if bad is not None:
            yield Failure(source, f"{bad} 값은 문자열이어야 합니다"), used
            continue
        yield _from_record(record, source, customer_id), used


_DATE = re.compile(r"(\d{4})[-./]?\s*(\d{1,2})[-./]?\s*(\d{1,2})\.?")


def _parse_birth_date(value: str) -> date:
    match = _DATE.fullmatch(value.strip())
    if match is None:
        raise ValueError(f"customer_birth_date 형식이 올바르지 않습니다: {value!r} (예: 1980-05-17)")
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        raise ValueError(f"customer_birth_date가 없는 날짜입니다: {value!r}") from None


def _parse_created_at(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(
            f"created_at 형식이 올바르지 않습니다: {value!r} (예: 2025-03-02 14:30 또는 2025-03-02T14:30:00+09:00)"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=SEOUL)  # a Korean operator's export without a zone is Korean time
    if moment > utcnow() + timedelta(minutes=5):
        raise ValueError(f"created_at이 미래 시각입니다: {value!r}")
    return moment


def _from_record(record: Mapping[str, str | None], source: str, customer_id: int | None) -> Document | Failure:
    def value(name: str) -> str | None:
        raw = record.get(name)
        return unicodedata.normalize("NFC", raw).strip() or None if raw is not None else None

    if value("id"):
        source = f"{source} (id {value('id')})"
    text = record.get("text") or ""
    if not text.strip():
        return Failure(source, "text 열이 비어 있습니다")
    phone, birth = value("customer_phone"), value("customer_birth_date")
    if bool(phone) != bool(birth):
        return Failure(source, "customer_phone과 customer_birth_date는 함께 적어야 고객을 찾을 수 있습니다")
    try:
        document = Document(
            source=source,
            text=text,
            customer_id=customer_id,
            customer_phone=phone,
            customer_birth_date=_parse_birth_date(birth) if birth else None,
            product=value("product"),
            region=value("region"),
            received_at=_parse_created_at(created) if (created := value("created_at")) else None,
        )
    except ValueError as exc:
        return Failure(source, str(exc))
    return _checked_document(document)


def _checked_document(document: Document) -> Document | Failure:
    size = len(document.text.encode("utf-8"))
    if size > MAX_DOCUMENT_BYTES:
        return Failure(document.source, f"문서가 너무 큽니다({size:,}바이트, 최대 {MAX_DOCUMENT_BYTES:,}바이트)")
    for name in ("product", "region"):
        item = getattr(document, name)
        if item is not None and len(item) > MAX_FIELD_CHARS:
            return Failure(document.source, f"{name} 값이 너무 깁니다({len(item)}자, 최대 {MAX_FIELD_CHARS}자)")
    return document


# ------------------------------------------------------------------------------ mail


def mail_text(message: MailMessage) -> str:
    """Subject and body for the analysis; the sender after a signature marker.

    The cleaner stops at "-- ", so the sender line stays out of the analysed and masked
    text but is kept in the stored raw text, where staff find whom to answer.
    """
    parts = [message.subject, message.text] if message.subject else [message.text]
    sender = " ".join(p for p in (message.sender_name, f"<{message.sender}>" if message.sender else None) if p)
    footer = [f"보낸 사람: {sender or '알 수 없음'}"]
    if message.sent_at is not None:
        footer.append(f"보낸 시각: {message.sent_at.astimezone(SEOUL):%Y-%m-%d %H:%M} (한국 시각)")
    if message.attachments:
        footer.append(f"첨부 파일: {', '.join(message.attachments)}")
    footer.append(f"원본: {message.source}")
    return "\n\n".join(parts) + "\n\n-- \n" + "\n".join(footer)


def _mail_key(message: MailMessage) -> str:
    if message.message_id:
        key = f"mail:{message.message_id}"
        if len(key) <= 128:
            return key
        basis = message.message_id
    else:
        # Without a Message-ID the same message read twice still has the same sender,
        # time, subject and body; a different sender is a different complaint.
        sent = message.sent_at.isoformat() if message.sent_at else ""
        basis = "\x1f".join((message.sender or "", sent, message.subject, message.text))
    return "mail:sha256:" + hashlib.sha256(basis.encode("utf-8")).hexdigest()


def mail_documents(path: Path, quarantine_dir: Path) -> Iterator[tuple[Item | Outcome, int]]:
    """Documents for every readable message; the others are quarantined (never dropped).

    Yields an Outcome of kind "quarantined" (or "error" if even quarantining failed)
    for the messages that could not be read.
    """
    now = utcnow()
    kept_before: dict[str, Path] | None = None
    for item in iter_messages(Path(path)):
        if isinstance(item, MailMessage):
            received = min(item.sent_at, now) if item.sent_at else None  # the customer's clock starts when they sent it
            yield Document(
                source=item.source, text=mail_text(item), channel="email", received_at=received,
                idempotency_key=_mail_key(item), deduplicate=False,
            ), 1  # fmt: skip
            continue
        source, error, raw = item
        if not raw:
            # Nothing to keep (a missing file, an unreadable folder): the source is untouched.
            yield Outcome(source, "error", str(error)), 1
            continue
        digest = hashlib.sha256(raw).hexdigest()
        if kept_before is None:
            kept_before = _quarantined(quarantine_dir)
        if digest in kept_before:
            # Ingesting the same folder again must not fill the quarantine with copies.
            yield Outcome(source, "quarantined", f"{error} (이미 격리되어 있음)", kept=kept_before[digest]), 1
            continue
        try:
            kept = quarantine(quarantine_dir, source, raw, str(error))
        except (MailError, OSError) as exc:
            yield Outcome(source, "error", f"{error} — 격리하지도 못했습니다({exc})"), 1
            continue
        kept_before[digest] = kept
        yield Outcome(source, "quarantined", str(error), kept=kept), 1


def _quarantined(directory: Path) -> dict[str, Path]:
    """The messages already kept in the quarantine folder, by the SHA-256 of their bytes."""
    found: dict[str, Path] = {}
    with contextlib.suppress(OSError):
        for path in sorted(Path(directory).glob("*.eml")):
            with contextlib.suppress(OSError):
                found.setdefault(hashlib.sha256(path.read_bytes()).hexdigest(), path)
    return found


# ----------------------------------------------------------------------- duplicates


def shingles(text: str, size: int = SHINGLE_SIZE) -> set[str]:
    compact = "".join(unicodedata.normalize("NFC", text).split()).lower()
    if len(compact) <= size:
        return {compact} if compact else set()
    return {compact[i : i + size] for i in range(len(compact) - size + 1)}


def jaccard(a: set[str], b: set[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


@dataclass(frozen=True)
class Prepared:
    clean_text: str
    hash: str
    shingles: set[str]


def prepare(text: str) -> Prepared:
    """What open_complaint will store, computed up front: clean text, its hash, masked shingles."""
    stored, _ = mask_rrn(text)
    clean_text = clean(stored).text
    masked = mask(clean_text, find_pii(clean_text))
    return Prepared(clean_text, content_hash(clean_text), shingles(masked))


class NearDuplicateIndex:
    """MinHash/LSH over the contacts' masked text: proposes candidates, the caller verifies."""

    def __init__(self) -> None:
        from datasketch import MinHashLSH

        self._lsh = MinHashLSH(threshold=CANDIDATE_JACCARD, num_perm=NUM_PERM)
        self.size = 0

    @staticmethod
    def signatures(sets: list[set[str]]) -> list[Any]:
        from datasketch import MinHash

        return MinHash.bulk([[s.encode("utf-8") for s in shingle_set] for shingle_set in sets], num_perm=NUM_PERM)

    def load(self, session: Session, chunk: int = 2000) -> None:
        """Add every stored contact (once per run)."""
        rows = session.execute(select(Contact.id, Contact.masked_text).execution_options(yield_per=chunk))
        for part in rows.partitions():
            ids = [row.id for row in part]
            sets = [shingles(row.masked_text) for row in part]
            with self._lsh.insertion_session() as inserting:
                for key, shingle_set, signature in zip(ids, sets, self.signatures(sets), strict=True):
                    if shingle_set:
                        inserting.insert(key, signature, check_duplication=False)
                        self.size += 1

    def candidates(self, shingle_set: set[str]) -> list[int]:
        if not shingle_set:
            return []
        return sorted(self._lsh.query(self.signatures([shingle_set])[0]))

    def add(self, contact_id: int, shingle_set: set[str]) -> None:
        if shingle_set:
            self._lsh.insert(contact_id, self.signatures([shingle_set])[0], check_duplication=False)
            self.size += 1

    def remove(self, contact_id: int) -> None:
        try:
            self._lsh.remove(contact_id)
            self.size -= 1
        except ValueError:
            pass


# --------------------------------------------------------------------------- storing


class _Rejected(Exception):
    """A document the rules refuse (Korean message); its savepoint is rolled back."""


class Intake:
    """Store documents as cases: SAVEPOINT per document, commit per batch."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        username: str,
        secret: str,
        *,
        near_duplicates: bool = True,
        batch_size: int = BATCH_SIZE,
    ) -> None:
        self.sessions = sessions
        self.secret = secret
        self.batch_size = batch_size
        self.session = sessions()
        self.user = self._staff(username)
        self.index: NearDuplicateIndex | None = None
        if near_duplicates:
            self.index = NearDuplicateIndex()
            self.index.load(self.session)
        self.session.commit()  # end the read transaction: batches start afresh
        self._pending: list[tuple[Document, Outcome, int | None, Prepared | None]] = []
        self._lost: dict[int, Outcome] = {}

    def _staff(self, username: str) -> User:
        user = self.session.scalar(select(User).where(User.username == username))
        if user is None or not user.active:
            self.session.close()
            raise LookupError(
                f"접수자로 쓸 사용자 '{username}'이(가) 없거나 비활성 상태입니다(--as로 다른 직원을 지정하거나 minwon demo-data로 계정을 만드세요)."
            )
        if user.role == "customer":
            self.session.close()
            raise LookupError(f"'{username}'은(는) 고객 계정입니다: 일괄 접수는 직원 계정(--as)으로 합니다.")
        return user

    def check_customer(self, customer_id: int) -> None:
        if self.session.get(Customer, customer_id) is None:
            raise LookupError(f"고객 번호 {customer_id}인 고객이 없습니다(--customer).")

    def close(self) -> None:
        self.session.close()

    # ---------------------------------------------------------------- one document

    def store(self, document: Document) -> Outcome:
        """File one document; the outcome stands unless the batch commit fails (see :meth:`flush`)."""
        prepared: Prepared | None = None
        if document.deduplicate:
            prepared = prepare(document.text)
            if not prepared.clean_text.strip():
                return Outcome(document.source, "error", "정리하고 나니 본문이 없습니다(메뉴·광고 같은 화면 요소만 있는 문서)")
            duplicate = self._duplicate(document.source, prepared)
            if duplicate is not None:
                return duplicate
        outcome, contact_id = self._insert(document, prepared)
        if contact_id is not None:
            if prepared is not None and self.index is not None:
                self.index.add(contact_id, prepared.shingles)
            self._pending.append((document, outcome, contact_id, prepared))
        return outcome

    def _duplicate(self, source: str, prepared: Prepared) -> Outcome | None:
        number = self.session.scalar(
            select(Case.number).join(Contact, Contact.case_id == Case.id).where(Contact.content_hash == prepared.hash).limit(1)
        )
        if number is not None:
            return Outcome(source, "duplicate", f"이미 접수된 민원과 내용이 같습니다({number})", number)
        if self.index is None:
            return None
        candidates = self.index.candidates(prepared.shingles)
        if not candidates:
            return None
        rows = self.session.execute(
            select(Contact.masked_text, Case.number).join(Case, Contact.case_id == Case.id).where(Contact.id.in_(candidates))
        ).all()
        best = max(((jaccard(prepared.shingles, shingles(row.masked_text)), row.number) for row in rows), default=None)
        if best is None or best[0] < NEAR_DUPLICATE_JACCARD:
            return None
        similarity, number = best
        return Outcome(source, "duplicate", f"이미 접수된 민원과 거의 같습니다({number}, 유사도 {similarity:.2f})", number)

    def _insert(self, document: Document, prepared: Prepared | None) -> tuple[Outcome, int | None]:
        """One SAVEPOINT: a failure rolls back this document only."""
        session = self.session
        try:
            with session.begin_nested():
                customer_id = self._customer(document)
                result = open_complaint(
                    session,
                    ComplaintInput(
                        text=document.text, channel=document.channel, submitted_by=self.user, customer_id=customer_id,
                        product=document.product, region=document.region, idempotency_key=document.idempotency_key,
                    ),
                    now=document.received_at,
                )  # fmt: skip
                contact_id = None
                if not result.replayed:
                    contact_id = session.scalar(
                        select(Contact.id).where(Contact.case_id == result.case.id).order_by(Contact.id.desc()).limit(1)
                    )
        except _Rejected as exc:
            return Outcome(document.source, "error", str(exc)), None
        except Exception as exc:  # one document's failure (analysis, database) must not stop the run
            outcome = Outcome(document.source, "error", f"저장하지 못했습니다({type(exc).__name__}: {_first_line(exc)})")
            if not session.is_active or not session.in_transaction():
                # Even the savepoint could not be rolled back (a lost connection): the
                # whole transaction is gone, so store the batch again document by document.
                session.rollback()
                self._lost.update(self._store_one_by_one())
            return outcome, None
        number = result.case.number
        if result.replayed:
            return Outcome(document.source, "duplicate", f"같은 메일(Message-ID)이 이미 접수되었습니다({number})", number), None
        if result.linked:
            return Outcome(document.source, "linked", f"같은 고객의 진행 중인 민원에 연결했습니다({number})", number), contact_id
        return Outcome(document.source, "imported", number, number), contact_id

    def _customer(self, document: Document) -> int | None:
        if document.customer_phone and document.customer_birth_date:
            try:
                customer = find_customer(self.session, document.customer_phone, document.customer_birth_date, self.secret)
            except IdentityError as exc:
                raise _Rejected(str(exc)) from None
            if customer is None:
                raise _Rejected("전화번호와 생년월일이 일치하는 고객이 없습니다(customer_phone, customer_birth_date)")
            return customer.id
        return document.customer_id

    # ---------------------------------------------------------------- batches

    def flush(self) -> dict[int, Outcome]:
        """Commit the pending batch; returns the outcomes that changed (keyed by id()).

        If the commit itself fails, each document of the batch is stored again in a
        transaction of its own, so that one bad document cannot lose the others.
        """
        try:
            self.session.commit()
            self._pending = []
        except Exception:
            self.session.rollback()
            self._lost.update(self._store_one_by_one())
        lost, self._lost = self._lost, {}
        return lost

    def _store_one_by_one(self) -> dict[int, Outcome]:
        pending, self._pending = self._pending, []
        if self.index is not None:
            for _document, _outcome, contact_id, _prepared in pending:
                if contact_id is not None:
                    self.index.remove(contact_id)
        changed: dict[int, Outcome] = {}
        for document, outcome, _contact_id, prepared in pending:
            retried, contact_id = self._insert(document, prepared)
            try:
                self.session.commit()
            except Exception as exc:
                self.session.rollback()
                retried = Outcome(
                    document.source, "error", f"저장(커밋)하지 못했습니다({type(exc).__name__}: {_first_line(exc)})"
                )
                contact_id = None
            if contact_id is not None and prepared is not None and self.index is not None:
                self.index.add(contact_id, prepared.shingles)
            changed[id(outcome)] = retried
        return changed

    def run(
        self, items: Iterable[tuple[Item | Outcome | None, int]], on_progress: Callable[[int, Summary], None] | None = None
    ) -> Summary:
        """Store every document, committing every batch_size stored ones.

        Items are documents, reading failures, ready outcomes (quarantined mail) or None
        (progress only), each with the input units it stands for.
        """
        summary = Summary()
        outcomes: list[Outcome] = []
        changed: dict[int, Outcome] = {}
        try:
            for item, used in items:
                if item is not None:
                    if isinstance(item, Failure):
                        outcome = Outcome(item.source, "error", item.reason)
                    elif isinstance(item, Outcome):
                        outcome = item
                    else:
                        outcome = self.store(item)
                    outcomes.append(outcome)
                    summary.add(outcome)
                    if len(self._pending) >= self.batch_size or self._lost:
                        changed.update(self.flush())
                if on_progress is not None:
                    on_progress(used, summary)
        except KeyboardInterrupt:
            summary.interrupted = True
        changed.update(self.flush())
        if changed:
            # Part of a batch was stored again one by one: report what really happened.
            summary = Summary(interrupted=summary.interrupted)
            for outcome in outcomes:
                summary.add(changed.get(id(outcome), outcome))
        return summary


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [""])[0][:300]
