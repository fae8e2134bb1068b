"""The shipped linear model: a vocabulary, IDF weights and one weight column per output.

Stored in a small deterministic binary (gzip without timestamp, JSON header, float32
arrays) so that the same corpus always gives the same file hash, and loaded with numpy
alone: scikit-learn is needed to train, not to analyse, which keeps start-up short.
"""

from __future__ import annotations

import gzip
import io
import json
import math
import struct
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

MODEL_PATH = Path(__file__).parent / "data" / "model.bin"
_MAGIC = b"MWMODEL1"


@dataclass
class LinearModel:
    vocabulary: list[str]
    idf: np.ndarray  # (n_features,)
    weights: np.ndarray  # (n_features, n_outputs)
    bias: np.ndarray  # (n_outputs,)
    outputs: list[tuple[str, str]]  # (head, label) per column
    thresholds: dict[str, float] = field(default_factory=dict)  # per category label
    meta: dict[str, object] = field(default_factory=dict)
    index: dict[str, int] = field(init=False, repr=False)
    heads: dict[str, list[int]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.index = {feature: i for i, feature in enumerate(self.vocabulary)}
        self.heads = {}
        for column, (head, _label) in enumerate(self.outputs):
            self.heads.setdefault(head, []).append(column)

    def vectorise(self, counts: dict[int, int]) -> tuple[np.ndarray, np.ndarray]:
        """Sublinear TF-IDF, L2-normalised, as (indices, values)."""
        if not counts:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        indices = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
        tf = np.fromiter(counts.values(), dtype=np.float32, count=len(counts))
        values = (1.0 + np.log(tf)) * self.idf[indices]
        norm = float(np.sqrt(np.dot(values, values)))
        if norm > 0:
            values /= norm
        return indices, values

    def scores(self, indices: np.ndarray, values: np.ndarray) -> np.ndarray:
        """Raw linear scores for every output column."""
        return values @ self.weights[indices] + self.bias

    def save(self, path: Path = MODEL_PATH) -> None:
        header = json.dumps(
            {
                "vocabulary": self.vocabulary,
                "outputs": self.outputs,
                "thresholds": self.thresholds,
                "meta": self.meta,
                "shape": list(self.weights.shape),
            },
            ensure_ascii=False,
            sort_keys=True,
        ).encode("utf-8")
        body = io.BytesIO()
        body.write(_MAGIC)
        body.write(struct.pack("<Q", len(header)))
        body.write(header)
        body.write(self.idf.astype("<f4").tobytes())
        body.write(self.weights.astype("<f4").tobytes())
        body.write(self.bias.astype("<f4").tobytes())
        with path.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as out:
            out.write(body.getvalue())

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> LinearModel:
        data = gzip.decompress(path.read_bytes())
        if not data.startswith(_MAGIC):
            raise ValueError(f"{path} is not a minwon model file")
        (length,) = struct.unpack_from("<Q", data, len(_MAGIC))
        offset = len(_MAGIC) + 8
        header = json.loads(data[offset : offset + length])
        offset += length
        n_features, n_outputs = header["shape"]
        idf = np.frombuffer(data, dtype="<f4", count=n_features, offset=offset).astype(np.float32)
        offset += 4 * n_features
        weights = np.frombuffer(data, dtype="<f4", count=n_features * n_outputs, offset=offset)
        offset += 4 * n_features * n_outputs
        bias = np.frombuffer(data, dtype="<f4", count=n_outputs, offset=offset).astype(np.float32)
        return cls(
            vocabulary=header["vocabulary"],
            idf=idf,
            weights=weights.reshape(n_features, n_outputs).astype(np.float32),
            bias=bias,
            outputs=[tuple(pair) for pair in header["outputs"]],
            thresholds=header["thresholds"],
            meta=header["meta"],
        )


def sigmoid(value: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, value))))
