import codecs
import unicodedata

import pytest

from minwon.text.decode import DecodeError, decode_bytes

TEXT = "인터넷이 3개월째 끊겨요. 고객센터는 '통화량이 많아' 연결이 안 됩니다!"


@pytest.mark.parametrize(
    "data",
    [
        TEXT.encode("utf-8"),
        codecs.BOM_UTF8 + TEXT.encode("utf-8"),
        codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"),
        codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"),
        TEXT.encode("cp949"),
        TEXT.encode("euc-kr"),
    ],
    ids=["utf8", "utf8-bom", "utf16le-bom", "utf16be-bom", "cp949", "euc-kr"],
)
def test_every_supported_encoding_gives_the_same_text(data: bytes) -> None:
    assert decode_bytes(data) == TEXT


def test_cp949_only_characters_are_decoded() -> None:
    # 똠, 햏 and 뷁 exist in CP949 but not in EUC-KR proper.
    text = "똠방각하 햏자 뷁 요금 폭탄"
    assert decode_bytes(text.encode("cp949")) == text


def test_decomposed_hangul_from_macos_is_normalised_to_nfc() -> None:
    decomposed = unicodedata.normalize("NFD", TEXT)
    assert decomposed != TEXT
    assert decode_bytes(decomposed.encode("utf-8")) == TEXT


@pytest.mark.parametrize(
    "data",
    [bytes(range(256)) * 4, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200), b"PK\x03\x04" + bytes(100)],
    ids=["all-bytes", "png", "zip"],
)
def test_binary_input_is_refused_with_a_korean_reason(data: bytes) -> None:
    with pytest.raises(DecodeError) as error:
        decode_bytes(data)
    assert "텍스트가 아닌" in str(error.value) or "해독할 수 없" in str(error.value)
