"""Turn the bytes of one document into NFC text, or say clearly why that is impossible.

Korean files arrive as UTF-8 (with or without BOM), UTF-16 with BOM, or the legacy
CP949/EUC-KR. Strict UTF-8 and strict CP949 are tried first because on Korean text they
are unambiguous and ~50x faster than statistical detection; charset-normalizer decides
only what neither accepts (measured in tests/text/test_decode.py).
"""

from __future__ import annotations

import codecs
import re
import unicodedata

import charset_normalizer

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_HANGUL = re.compile(r"[가-힣]")
# Share of control characters above which a "text" is really a binary file.
_MAX_CONTROL_SHARE = 0.01


class DecodeError(ValueError):
    """The bytes are not a text document; the message is Korean and says why."""


def decode_bytes(data: bytes) -> str:
    if data.startswith(codecs.BOM_UTF8):
        return _checked(data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="strict"), "UTF-8")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return _checked(data.decode("utf-16"), "UTF-16")
        except UnicodeDecodeError as exc:
            raise DecodeError("UTF-16 표시(BOM)가 있지만 내용을 해독할 수 없습니다") from exc
    if b"\x00" in data:
        raise DecodeError("텍스트가 아닌 파일입니다(바이너리 데이터)")
    for encoding in ("utf-8", "cp949"):
        try:
            text = data.decode(encoding, errors="strict")
        except UnicodeDecodeError:
            continue
        # CP949 accepts many byte strings; believe it only when Hangul comes out.
        if encoding == "utf-8" or _HANGUL.search(text):
            return _checked(text, encoding)
    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        raise DecodeError("문자 인코딩을 알 수 없어 해독할 수 없습니다(UTF-8, CP949, EUC-KR, UTF-16 지원)")
    return _checked(str(best), best.encoding)


def _checked(text: str, encoding: str) -> str:
    if text and len(_CONTROL.findall(text)) / len(text) > _MAX_CONTROL_SHARE:
        raise DecodeError(f"텍스트가 아닌 파일입니다({encoding}로 읽으면 제어 문자가 너무 많음)")
    return unicodedata.normalize("NFC", text)
