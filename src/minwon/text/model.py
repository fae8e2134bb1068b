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

from minwon.text.features import DocumentFeatures, encode_gram

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
    # Character n-grams are looked up by integer id (features.char_grams), not by string.
    _gram_ids: dict[int, np.ndarray] = field(init=False, repr=False)
    _gram_columns: dict[int, np.ndarray] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.index = {feature: i for i, feature in enumerate(self.vocabulary)}
        self.heads = {}
        for column, (head, _label) in enumerate(self.outputs):
            self.heads.setdefault(head, []).append(column)
        grams: dict[int, list[tuple[int, int]]] = {2: [], 3: []}
        for column, feature in enumerate(self.vocabulary):
            if feature.startswith("c:") and len(feature) in (4, 5):
                length, gram = encode_gram(feature)
                grams[length].append((gram, column))
        self._gram_ids, self._gram_columns = {}, {}
        for length, pairs in grams.items():
            pairs.sort()
            self._gram_ids[length] = np.array([g for g, _ in pairs], dtype=np.uint64)
            self._gram_columns[length] = np.array([c for _, c in pairs], dtype=np.int64)

    def columns(self, features: DocumentFeatures) -> tuple[np.ndarray, np.ndarray]:
        """Vocabulary columns of every feature occurrence and the sentence it is in."""
        lookup = self.index.get
        named = np.fromiter((lookup(f, -1) for f in features.names), dtype=np.int64, count=len(features.names))
        known_names = named >= 0
        parts_columns = [named[known_names]]
        parts_sentences = [features.name_sentences[known_names]]
        for length, grams, sentences in (
            (2, features.bigrams, features.bigram_sentences),
            (3, features.trigrams, features.trigram_sentences),
        ):
            ids = self._gram_ids[length]
            if grams.size == 0 or ids.size == 0:
                continue
            where = np.minimum(np.searchsorted(ids, grams), ids.size - 1)
            known = ids[where] == grams
            parts_columns.append(self._gram_columns[length][where[known]])
            parts_sentences.append(sentences[known])
        return np.concatenate(parts_columns), np.concatenate(parts_sentences)

    def vectorise(self, columns: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Sublinear TF-IDF of the occurrences, L2-normalised, as (indices, values)."""
        if columns.size == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        indices, tf = np.unique(columns, return_counts=True)
        values = (1.0 + np.log(tf.astype(np.float32))) * self.idf[indices]
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
