"""`minwon train`: rebuild the shipped model from the corpus, deterministically.

Linear models over sublinear TF-IDF features (morphemes, morpheme pairs, negated
mentions, character n-grams). Category thresholds are chosen by cross-validation on the
training split only; the held-out split is never seen here.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict

from minwon.text.analysis import CATEGORY_CODES
from minwon.text.clean import clean
from minwon.text.corpus import Document, load_corpus, load_sentiment
from minwon.text.features import document_features as extract
from minwon.text.model import MODEL_PATH, LinearModel
from minwon.text.sentences import split_sentences

CHURN_LABELS = ("none", "risk", "churned")
SENTIMENT_LABELS = ("negative", "neutral", "positive")
MIN_DOCUMENT_FREQUENCY = 2
CATEGORY_C = 20.0
OTHER_C = 4.0
_MIN_POSITIVES_FOR_CV = 10


def document_features(text: str) -> list[str]:
    """The features analysis sees for this text, as strings."""
    clean_text = clean(text).text
    starts = [s.start for s in split_sentences(clean_text)]
    return extract(clean_text, starts).strings()


def _matrix(feature_lists: Sequence[list[str]], index: dict[str, int], idf: np.ndarray) -> sparse.csr_matrix:
    rows, cols, vals = [], [], []
    for row, features in enumerate(feature_lists):
        counts = Counter(index[f] for f in features if f in index)
        if not counts:
            continue
        columns = np.fromiter(counts.keys(), dtype=np.int64)
        values = (1.0 + np.log(np.fromiter(counts.values(), dtype=np.float64))) * idf[columns]
        values /= math.sqrt(float(np.dot(values, values)))
        rows.extend([row] * len(columns))
        cols.extend(columns.tolist())
        vals.extend(values.tolist())
    return sparse.csr_matrix((vals, (rows, cols)), shape=(len(feature_lists), len(index)), dtype=np.float64)


def _best_threshold(y: np.ndarray, probabilities: np.ndarray) -> float:
    best, best_f1 = 0.5, -1.0
    for threshold in np.arange(0.15, 0.76, 0.025):
        predicted = probabilities >= threshold
        tp = float(np.sum(predicted & (y == 1)))
        f1 = 2 * tp / (predicted.sum() + y.sum()) if (predicted.sum() + y.sum()) else 0.0
        if f1 > best_f1 + 1e-9:
            best, best_f1 = float(threshold), f1
    return round(best, 3)


def _binary(c: float, balanced: bool = True) -> LogisticRegression:
    return LogisticRegression(
        C=c, solver="liblinear", class_weight="balanced" if balanced else None, max_iter=2000, random_state=0
    )


def train(complaints: list[Document], general: list[Document]) -> LinearModel:
    complaint_features = [document_features(d.text) for d in complaints]
    general_features = [document_features(d.text) for d in general]
    all_features = complaint_features + general_features

    document_frequency: Counter[str] = Counter()
    for features in all_features:
        document_frequency.update(set(features))
    vocabulary = sorted(f for f, df in document_frequency.items() if df >= MIN_DOCUMENT_FREQUENCY)
    index = {f: i for i, f in enumerate(vocabulary)}
    n_documents = len(all_features)
    idf = np.array(
        [math.log((1 + n_documents) / (1 + document_frequency[f])) + 1.0 for f in vocabulary], dtype=np.float64
    )
    x_complaints = _matrix(complaint_features, index, idf)
    x_all = _matrix(all_features, index, idf)

    columns: list[np.ndarray] = []
    biases: list[float] = []
    outputs: list[tuple[str, str]] = []
    thresholds: dict[str, float] = {}
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)

    for code in CATEGORY_CODES:
        y = np.array([code in d.categories for d in complaints], dtype=int)
        outputs.append(("category", code))
        if y.sum() == 0:  # a code the given documents never use can never be predicted
            columns.append(np.zeros(len(vocabulary)))
            biases.append(-30.0)
            thresholds[code] = 0.5
            continue
        model = _binary(CATEGORY_C, balanced=False)  # thresholds are tuned instead (bench: +0.005 F1)
        if y.sum() >= _MIN_POSITIVES_FOR_CV:
            held_probabilities = cross_val_predict(model, x_complaints, y, cv=folds, method="predict_proba")[:, 1]
            thresholds[code] = _best_threshold(y, held_probabilities)
        else:
            thresholds[code] = 0.5
        model.fit(x_complaints, y)
        columns.append(model.coef_[0])
        biases.append(float(model.intercept_[0]))

    y_complaint = np.array([d.is_complaint for d in complaints], dtype=int)
    model = _binary(OTHER_C).fit(x_complaints, y_complaint)
    columns.append(model.coef_[0])
    biases.append(float(model.intercept_[0]))
    outputs.append(("complaint", "complaint"))

    for head, labels, x, docs in (
        ("churn", CHURN_LABELS, x_complaints, complaints),
        ("sentiment", SENTIMENT_LABELS, x_all, complaints + general),
    ):
        y_multi = np.array([labels.index(getattr(d, head)) for d in docs])
        multi = LogisticRegression(C=OTHER_C, max_iter=3000, class_weight="balanced").fit(x, y_multi)
        for position, label in enumerate(labels):
            columns.append(multi.coef_[position])
            biases.append(float(multi.intercept_[position]))
            outputs.append((head, label))

    y_anger = np.array([d.anger >= 1 for d in complaints + general], dtype=int)
    model = _binary(OTHER_C).fit(x_all, y_anger)
    columns.append(model.coef_[0])
    biases.append(float(model.intercept_[0]))
    outputs.append(("anger", "anger"))

    return LinearModel(
        vocabulary=vocabulary,
        idf=idf.astype(np.float32),
        weights=np.column_stack(columns).astype(np.float32),
        bias=np.array(biases, dtype=np.float32),
        outputs=outputs,
        thresholds=thresholds,
        meta={
            "documents": len(complaints),
            "general_documents": len(general),
            "features": len(vocabulary),
        },
    )


def train_shipped(path: Path = MODEL_PATH) -> LinearModel:
    complaints = [d for d in load_corpus() if not d.held_out]
    general = [d for d in load_sentiment() if not d.held_out]
    model = train(complaints, general)
    model.save(path)
    return model
