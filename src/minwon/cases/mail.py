"""Read complaint e-mails (.eml, mbox, folders of them) into plain NFC text.

This module is pure: it reads bytes and files and returns values; it knows nothing about
cases or the database. Messages are parsed with the stdlib ``email`` package and
``email.policy.default``; what that package does not do for Korean mail is done here:

* charsets: ``ks_c_5601-1987`` (Outlook's name for CP949, which Python maps to the
  narrower EUC-KR) and the other Korean aliases are read as CP949; a declared charset
  that does not fit the bytes falls back to UTF-8, then CP949, then replacement
  characters, so a mislabelled message is still read;
* headers (subject, sender name, attachment names) are decoded here from the raw header,
  with the same charset fallback, so that RFC 2047 words in any Korean charset and raw
  8-bit CP949 headers both come out right;
* HTML-only bodies are turned into text with ``html.parser``.

Anything that cannot be read raises :class:`MailError` with the reason in Korean;
:func:`iter_messages` turns those into values so that the caller can :func:`quarantine`
the raw bytes and go on with the next message.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import email.utils
import mailbox
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import policy
from email.message import Message
from email.parser import BytesParser
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

__all__ = ["MailError", "MailMessage", "iter_messages", "parse_message", "quarantine"]


class MailError(ValueError):
    """A message could not be read; the text (Korean) says why."""


@dataclass
class MailMessage:
    message_id: str | None
    """The Message-ID header as written, angle brackets included (``<id@host>``)."""
    sender: str | None
    """The address of the first From (else Sender) mailbox, without the name."""
    sender_name: str | None
    subject: str
    sent_at: datetime | None
    """The Date header, timezone-aware (a date without a zone counts as UTC)."""
    text: str
    """The body as plain NFC text (text/plain preferred, else text/html converted)."""
    source: str
    """The file name, and for mbox files ``#n`` with the 1-based index of the message."""
    attachments: list[str] = field(default_factory=list)
    """The names of the parts that are not part of the body, in order."""


# --------------------------------------------------------------------------- charsets

# Labels for CP949 (or for EUC-KR, of which CP949 is a superset) that mail clients use.
# Python knows some of them only as EUC-KR, which fails on 똠, 햏, 뷁 and the rest of
# the 8,822 extra syllables Windows writes.
_CP949_LABELS = frozenset(
    {"ksc56011987", "ksc56011989", "ksc5601", "euckr", "xeuckr", "cp949", "ms949", "windows949", "xwindows949", "uhc"}
)
# ISO-2022-KR announces itself with this designator; it is 7-bit, so UTF-8 would accept it.
_ISO2022KR_MARK = b"\x1b$)C"
_HANGUL = re.compile(r"[가-힣]")


def _codec(label: str | None) -> str | None:
    """The Python codec for a MIME charset label, or None when there is none."""
    if not label:
        return None
    key = re.sub(r"[^a-z0-9]", "", label.strip().strip("\"'").lower())
    if key in _CP949_LABELS:
        return "cp949"
    try:
        return codecs.lookup(label.strip().strip("\"'")).name
    except (LookupError, ValueError):
        return None


def _single_byte(codec: str) -> bool:
    # Latin and Windows single-byte charsets accept almost any bytes, so decoding with
    # them "strictly" proves nothing; Korean text mislabelled as Latin-1 is common.
    return codec.startswith(("iso8859", "cp125", "latin"))


def _decode(data: bytes, label: str | None) -> str:
    """Decode with the declared charset if it fits, else UTF-8, else CP949, else lossily."""
    declared = _codec(label)
    order: list[str] = []
    if declared and not _single_byte(declared):
        order.append(declared)
    if _ISO2022KR_MARK in data:
        order.append("iso2022_kr")
    order += ["utf-8", "cp949"]
    if declared and _single_byte(declared):
        order.append(declared)
    for codec in dict.fromkeys(order):
        try:
            text = data.decode(codec)
        except (UnicodeDecodeError, LookupError):
            continue
        if codec == "cp949" and declared and _single_byte(declared) and not _HANGUL.search(text):
            # CP949 also accepts much Latin-1 text; overrule a Latin label only for Hangul.
            continue
        return text
    try:
        return data.decode(declared or "utf-8", errors="replace")
    except LookupError:
        return data.decode("utf-8", errors="replace")


def _restore_bytes(text: str) -> bytes | None:
    """The original bytes of a header the parser read as ASCII with surrogate escapes."""
    try:
        return text.encode("ascii", errors="surrogateescape")
    except UnicodeEncodeError:
        return None


def _restore_text(value: str) -> str:
    """A header value with the raw 8-bit bytes in it decoded (UTF-8, else CP949)."""
    raw = _restore_bytes(value)
    return value if raw is None or raw.isascii() else _decode(raw, None)


# --------------------------------------------------------------------------- headers

_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=")
_FOLD = re.compile(r"\r?\n(?=[ \t])")
_SPACES = re.compile(r"\s+")


def _decode_words(value: str) -> str:
    """Decode RFC 2047 encoded words and raw 8-bit bytes in a header value.

    Consecutive encoded words in one charset are joined before decoding, because some
    clients split a multi-byte character across two words; the whitespace between
    encoded words is dropped, as RFC 2047 says.
    """
    out: list[str] = []
    pending: bytearray = bytearray()
    pending_charset: str | None = None

    def flush() -> None:
        nonlocal pending_charset
        if pending_charset is not None:
            out.append(_decode(bytes(pending), pending_charset))
        pending.clear()
        pending_charset = None

    def literal(text: str) -> None:
        out.append(_restore_text(text))

    position = 0
    for match in _ENCODED_WORD.finditer(value):
        gap = value[position : match.start()]
        charset, encoding, payload = match.group(1).split("*", 1)[0], match.group(2).upper(), match.group(3)
        try:
            if encoding == "B":
                word = base64.b64decode(payload + "=" * (-len(payload) % 4))
            else:
                word = binascii.a2b_qp(payload.encode("ascii", errors="surrogateescape"), header=True)
        except (binascii.Error, ValueError):
            flush()
            literal(gap + match.group(0))
            position = match.end()
            continue
        if gap.strip() or pending_charset is None:
            flush()
            literal(gap)
        elif charset.lower() != pending_charset.lower():
            flush()  # the whitespace between two encoded words is not part of the text
        pending += word
        pending_charset = charset
        position = match.end()
    flush()
    literal(value[position:])
    return "".join(out)


def _raw_header(message: Message, name: str) -> str | None:
    for key, value in message.raw_items():
        if key.lower() == name:
            return _FOLD.sub("", str(value))
    return None


def _header_text(message: Message, name: str) -> str:
    raw = _raw_header(message, name)
    if raw is None:
        return ""
    return unicodedata.normalize("NFC", _SPACES.sub(" ", _decode_words(raw)).strip())


def _sender(message: Message) -> tuple[str | None, str | None]:
    for header in ("from", "sender"):
        raw = _raw_header(message, header)
        if raw is None:
            continue
        for name, address in email.utils.getaddresses([raw]):
            address = address.strip()
            if "@" not in address:
                continue
            display = unicodedata.normalize("NFC", _SPACES.sub(" ", _decode_words(name)).strip())
            return (_restore_text(address), display or None)
    return (None, None)


def _sent_at(message: Message) -> datetime | None:
    raw = _raw_header(message, "date")
    if not raw:
        return None
    try:
        moment = email.utils.parsedate_to_datetime(raw.strip())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if moment.tzinfo is None:
        # RFC 5322: "-0000" means the time is UTC and the sender's zone is unknown.
        moment = moment.replace(tzinfo=UTC)
    return moment


# Header fields one of which any e-mail has; text without any of them is not an e-mail.
_MAIL_HEADERS = frozenset(
    {"from", "to", "cc", "subject", "date", "message-id", "mime-version", "content-type", "received", "return-path", "sender", "reply-to"}
)


# --------------------------------------------------------------------------- HTML

_CELL = "\x00"  # stands for a table-cell boundary until lines are tidied (NULs in data are dropped)
_SKIPPED = frozenset({"script", "style", "head", "title", "noscript", "template", "object", "svg"})
_BLOCKS = frozenset(
    {
        "address", "article", "aside", "blockquote", "caption", "center", "dd", "div", "dl", "dt", "fieldset",
        "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "main", "nav", "ol",
        "pre", "section", "table", "tbody", "tfoot", "thead", "tr", "ul",
    }
)  # fmt: skip


class _HtmlText(HTMLParser):
    """Collect the visible text of an HTML body, one block per line."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0
        self.pre = 0

    def _break(self, count: int) -> None:
        """End the current line so that at least count line breaks follow the text."""
        seen = 0
        for piece in reversed(self.parts):
            if piece.strip(" \t\n"):
                break
            seen += piece.count("\n")
        else:
            return  # nothing written yet: no leading blank lines
        if seen < count:
            self.parts.append("\n" * (count - seen))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self.skip += 1
        elif tag == "body":
            self.skip = 0  # a <head> that was never closed
        elif tag == "br":
            self.parts.append("\n")
        elif tag == "p":
            self._break(2)
        elif tag == "li":
            self._break(1)
            self.parts.append("- ")
        elif tag in ("td", "th"):
            self.parts.append(_CELL)
        elif tag in _BLOCKS:
            self._break(1)
        if tag == "pre":
            self.pre += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _SKIPPED:  # <script/> opens nothing
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self.skip = max(0, self.skip - 1)
        elif tag == "p":
            self._break(2)
        elif tag in _BLOCKS or tag == "li":
            self._break(1)
        if tag == "pre":
            self.pre = max(0, self.pre - 1)

    def handle_data(self, data: str) -> None:
        if not self.skip:
            data = data.replace(_CELL, "")
            self.parts.append(data if self.pre else _SPACES.sub(" ", data))


_TAG = re.compile(r"<[^>]*>")
_HIDDEN_ELEMENT = re.compile(r"<(script|style|head|title)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
# html.parser stops with AssertionError on a "<![" that opens no marked section it knows
# (Outlook's <![if !supportLists]> is fine); such text is shown, not parsed.
_BAD_MARKED_SECTION = re.compile(r"<!\[(?!\s*(?:temp|cdata|ignore|include|rcdata|if|else|endif)\b)", re.IGNORECASE)


def _html_to_text(html: str) -> str:
    parser = _HtmlText()
    try:
        parser.feed(_BAD_MARKED_SECTION.sub("&lt;![", html))
        parser.close()
        text = "".join(parser.parts)
    except AssertionError:  # a last resort: keep the words, lose the layout
        text = unescape(_TAG.sub(" ", _HIDDEN_ELEMENT.sub(" ", html)))
    lines = []
    for line in text.replace("\xa0", " ").split("\n"):
        if _CELL in line:
            line = " | ".join(cell.strip() for cell in line.split(_CELL) if cell.strip())
        lines.append(line.strip())
    return "\n".join(lines)


# --------------------------------------------------------------------------- body

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_BLANK_LINES = re.compile(r"\n{3,}")


def _tidy(text: str) -> str:
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff"))
    text = _CONTROL.sub("", text)
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    return _BLANK_LINES.sub("\n\n", text).strip("\n")


def _unflow(text: str, delsp: bool) -> str:
    """Join the soft line breaks of format=flowed text (RFC 3676)."""
    out: list[str] = []
    current: str | None = None
    current_depth = -1
    for line in text.split("\n"):
        depth = len(line) - len(line.lstrip(">"))
        content = line[depth:]
        if content.startswith(" "):
            content = content[1:]  # space-stuffing
        prefix = ">" * depth + (" " if depth else "")
        if current is not None and depth == current_depth:
            current += content
        else:
            if current is not None:
                out.append(current)
            current, current_depth = prefix + content, depth
        if not (content.endswith(" ") and content != "-- "):
            out.append(current)
            current, current_depth = None, -1
        elif delsp:
            current = current[:-1]
    if current is not None:
        out.append(current)
    return "\n".join(out)


def _part_name(part: Message) -> str | None:
    """The file name of a part (Content-Disposition filename, else Content-Type name).

    Read from the raw header, not through policy.default, which turns raw 8-bit bytes
    into U+FFFD and reads RFC 2231 values in ks_c_5601-1987 as EUC-KR.
    """
    for header, param in (("content-disposition", "filename"), ("content-type", "name")):
        raw = _raw_header(part, header)
        if raw is None:
            continue
        probe = Message()  # compat32: parameters are parsed from the raw string as is
        probe[header] = _restore_text(raw)  # raw 8-bit bytes would become U+FFFD in the probe too
        value = probe.get_param(param, header=header)
        if isinstance(value, tuple):  # RFC 2231: (charset, language, %-decoded as Latin-1)
            charset, _, text = value
            try:
                name = _decode(str(text).encode("latin-1"), charset or None)
            except UnicodeEncodeError:  # raw 8-bit bytes inside the value, already decoded
                name = str(text)
        elif isinstance(value, str):
            name = _decode_words(value)
        else:
            continue
        name = unicodedata.normalize("NFC", _SPACES.sub(" ", name).strip())
        if name:
            return name
    return None


def _leaf_text(part: Message) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    text = _decode(payload, part.get_content_charset()).replace("\r\n", "\n")
    if part.get_content_subtype() == "html":
        return _html_to_text(text)
    if str(part.get_param("format", "")).lower() == "flowed":
        text = _unflow(text, str(part.get_param("delsp", "")).lower() == "yes")
    return text


def _body(part: Message, attachments: list[str]) -> tuple[str, str] | None:
    """Walk one MIME part: return (kind, text) of its body text, list its attachments.

    kind is "plain" or "html". multipart/alternative keeps the first non-empty
    text/plain alternative, else the first non-empty other one; other multiparts (mixed,
    related, signed, report) join the text of their body parts. A text part with a file
    name or "Content-Disposition: attachment" is an attachment, as is every other leaf
    (a forwarded message/rfc822 included).
    """
    content_type = part.get_content_type()
    if part.get_content_maintype() == "multipart":
        children = part.get_payload()
        if not isinstance(children, list):
            # Without its boundary the parts cannot be told apart; a person has to look.
            raise MailError(f"MIME 구조가 깨졌습니다({content_type}의 경계(boundary)를 찾을 수 없습니다)")
        results = [_body(child, attachments) for child in children if isinstance(child, Message)]
        found = [result for result in results if result is not None]
        if not found:
            return None
        if part.get_content_subtype() == "alternative":
            return next((result for result in found if result[0] == "plain"), found[0])
        kind = "plain" if any(k == "plain" for k, _ in found) else "html"
        return (kind, "\n\n".join(text for _, text in found))
    name = _part_name(part)
    if content_type in ("text/plain", "text/html") and name is None and part.get_content_disposition() != "attachment":
        text = _tidy(_leaf_text(part))
        return (part.get_content_subtype(), text) if text.strip() else None
    if content_type == "message/rfc822" and name is None:
        inner = part.get_payload()
        inner_message = inner[0] if isinstance(inner, list) and inner else None
        subject = _header_text(inner_message, "subject") if isinstance(inner_message, Message) else ""
        name = f"{subject or '제목 없음'}.eml"
    attachments.append(name or f"(이름 없음, {content_type})")
    return None


# --------------------------------------------------------------------------- messages

_PARSER = BytesParser(policy=policy.default)


def parse_message(data: bytes, source: str) -> MailMessage:
    """Parse one e-mail (RFC 5322 bytes, an mbox "From " line allowed) into a MailMessage.

    Raises MailError (Korean) when the bytes are not an e-mail or it has no body text.
    """
    if not data.strip():
        raise MailError("빈 파일입니다(내용이 없습니다)")
    try:
        return _parse(data, source)
    except MailError:
        raise
    except Exception as exc:  # the email package has its own failure modes on broken input
        raise MailError(f"메일 구조를 해석할 수 없습니다({type(exc).__name__}: {exc})") from exc


def _parse(data: bytes, source: str) -> MailMessage:
    message = _PARSER.parsebytes(data)
    if not any(key.lower() in _MAIL_HEADERS for key in message):
        raise MailError("전자우편 형식이 아닙니다(From, Subject, Date 같은 머리글이 없습니다)")
    attachments: list[str] = []
    body = _body(message, attachments)
    if body is None:
        if attachments:
            raise MailError(f"본문이 비어 있습니다(첨부 파일만 있습니다: {', '.join(attachments)})")
        raise MailError("본문이 비어 있습니다")
    sender, sender_name = _sender(message)
    message_id = _SPACES.sub("", _raw_header(message, "message-id") or "")
    return MailMessage(
        message_id=message_id or None,
        sender=sender,
        sender_name=sender_name,
        subject=_header_text(message, "subject"),
        sent_at=_sent_at(message),
        text=body[1],
        source=source,
        attachments=attachments,
    )


def _read(path: Path, limit: int = -1) -> bytes | MailError:
    try:
        with path.open("rb") as handle:
            return handle.read(limit)
    except OSError as exc:
        return MailError(f"파일을 읽을 수 없습니다({exc.strerror or exc})")


def _failure(path: Path, error: MailError) -> tuple[str, MailError, bytes]:
    """The error with the file's bytes, or the read error if even they cannot be had."""
    data = _read(path)
    return (path.name, data, b"") if isinstance(data, MailError) else (path.name, error, data)


def _one_file(path: Path) -> Iterator[MailMessage | tuple[str, MailError, bytes]]:
    head = _read(path, 4096)
    if isinstance(head, MailError):
        yield (path.name, head, b"")
        return
    from_line = head.lstrip(b"\r\n").startswith(b"From ")
    suffix = path.suffix.lower()
    if suffix == ".eml" or not (from_line or suffix == ".mbox"):
        data = _read(path)
        yield (path.name, data, b"") if isinstance(data, MailError) else _attempt(data, path.name)
        return
    if not from_line:
        # mailbox.mbox would silently skip whatever comes before the first "From " line.
        yield _failure(path, MailError("mbox 파일이 'From ' 줄로 시작하지 않습니다(비어 있거나 mbox 형식이 아닙니다)"))
        return
    try:
        box = mailbox.mbox(path, create=False)
    except (OSError, mailbox.Error) as exc:
        yield _failure(path, MailError(f"mbox 파일을 열 수 없습니다({exc})"))
        return
    try:
        try:
            keys = box.keys()
        except (OSError, mailbox.Error) as exc:
            yield _failure(path, MailError(f"mbox 파일을 읽을 수 없습니다({exc})"))
            return
        for index, key in enumerate(keys, start=1):
            source = f"{path.name}#{index}"
            try:
                raw = box.get_bytes(key)
            except (OSError, mailbox.Error, KeyError) as exc:
                yield (source, MailError(f"mbox에서 {index}번째 메일을 읽을 수 없습니다({exc})"), b"")
                continue
            yield _attempt(raw, source)
    finally:
        box.close()


def _attempt(data: bytes, source: str) -> MailMessage | tuple[str, MailError, bytes]:
    try:
        return parse_message(data, source)
    except MailError as exc:
        return (source, exc, data)


def iter_messages(path: Path) -> Iterator[MailMessage | tuple[str, MailError, bytes]]:
    """Yield every message under path: a .eml file, an mbox file, or a folder of them.

    A folder is read without recursion, files sorted by name, hidden files skipped. A file
    is an mbox if it is called *.mbox or starts with a "From " line (a *.eml file is always
    one message). Messages that cannot be read are yielded as (source, MailError, raw
    bytes) rather than raised, so that the caller can quarantine them and carry on.
    """
    path = Path(path)
    if path.is_dir():
        try:
            entries = sorted(path.iterdir(), key=lambda p: p.name)
        except OSError as exc:
            yield (path.name, MailError(f"폴더를 읽을 수 없습니다({exc.strerror or exc})"), b"")
            return
        for entry in entries:
            if entry.name.startswith(".") or not entry.is_file():
                continue
            yield from _one_file(entry)
    elif path.exists():
        yield from _one_file(path)
    else:
        yield (path.name, MailError(f"파일이나 폴더가 없습니다: {path}"), b"")


# --------------------------------------------------------------------------- quarantine

_UNSAFE = re.compile(r"[^\w.-]+")
_MAX_NAME_BYTES = 100


def _safe_name(source: str) -> str:
    name = _UNSAFE.sub("_", unicodedata.normalize("NFC", source.replace("#", "-"))).strip("._-")
    if name.lower().endswith(".eml"):
        name = name[:-4]
    while len(name.encode("utf-8")) > _MAX_NAME_BYTES:
        name = name[:-1]
    return name.rstrip("._-") or "message"


def quarantine(directory: Path, source: str, raw: bytes, reason: str, *, now: datetime | None = None) -> Path:
    """Keep a message that could not be read: raw bytes plus a Korean .reason.txt.

    Files are named ``<time>_<source>[-n].eml`` and ``….reason.txt`` with only letters,
    digits, ``.``, ``-`` and ``_``; existing files are never overwritten (the files are
    created exclusively, so concurrent callers are safe too). Returns the .eml path.
    """
    moment = (now or datetime.now(UTC)).astimezone()
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    stem = f"{moment:%Y%m%d-%H%M%S}_{_safe_name(source)}"
    note = f"사유: {reason}\n원본: {source}\n격리 시각: {moment.isoformat(timespec='seconds')}\n크기: {len(raw)}바이트\n"
    for attempt in range(1, 10_000):
        base = stem if attempt == 1 else f"{stem}-{attempt}"
        target = directory / f"{base}.eml"
        reason_path = directory / f"{base}.reason.txt"
        try:
            with target.open("xb") as handle:
                handle.write(raw)
        except FileExistsError:
            continue
        try:
            with reason_path.open("x", encoding="utf-8") as handle:
                handle.write(note)
        except FileExistsError:
            target.unlink()
            continue
        return target
    raise MailError(f"격리 폴더에 같은 이름의 파일이 너무 많습니다: {directory / stem}")
