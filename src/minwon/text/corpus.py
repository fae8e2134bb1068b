"""The project's own labelled corpus (src/minwon/text/data/corpus/*.jsonl) and its split."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

DATA = Path(__file__).parent / "data"
CORPUS_DIR = DATA / "corpus"
SENTIMENT_PATH = DATA / "sentiment" / "general.jsonl"
HELD_OUT_SHARE = 5  # one document in five is held out


@dataclass(frozen=True)
class Document:
    id: str
    text: str
    categories: tuple[str, ...] = ()
    is_complaint: bool = False
    churn: str = "none"
    sentiment: str = "neutral"
    anger: int = 0
    register: str = ""
    extra: dict[str, object] = field(default_factory=dict, compare=False)

    @property
    def held_out(self) -> bool:
        """Deterministic split by id, stable when documents are added."""
        digest = hashlib.sha1(self.id.encode("utf-8")).digest()
        return digest[0] % HELD_OUT_SHARE == 0


def _read(path: Path) -> list[Document]:
    documents = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{number}: not JSON ({exc})") from exc
            documents.append(
                Document(
                    id=str(row["id"]),
                    text=str(row["text"]),
                    categories=tuple(row.get("categories", ())),
                    is_complaint=bool(row.get("is_complaint", False)),
                    churn=str(row.get("churn", "none")),
                    sentiment=str(row.get("sentiment", "neutral")),
                    anger=int(row.get("anger", 0)),
                    register=str(row.get("register", "")),
                    extra={k: v for k, v in row.items() if k in ("companies", "products")},
                )
            )
    return documents


def load_corpus(directory: Path = CORPUS_DIR) -> list[Document]:
    documents: list[Document] = []
    for path in sorted(directory.glob("*.jsonl")):
        documents.extend(_read(path))
    return documents


def load_sentiment(path: Path = SENTIMENT_PATH) -> list[Document]:
    """The general polarity/anger sets: every *.jsonl beside the given file."""
    documents: list[Document] = []
    for other in sorted(path.parent.glob("*.jsonl")):
        documents.extend(_read(other))
    return documents
