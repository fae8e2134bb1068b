"""Quality of the analysis engine, side by side with a character n-gram baseline.

Run: .venv/bin/python bench/quality.py   (results go into bench/RESULTS.md by hand)

1. Held-out split of the project's corpus: category micro/macro-F1, churn accuracy, for
   the engine (shipped model, full pipeline) and for the baseline (character 2-4-gram
   TF-IDF + one-vs-rest logistic regression, trained on the same training split).
2. KOTE (real online comments): ROC-AUC of `anger` for 화남/분노 or 짜증 vs neither.
3. NSMC sample (real movie reviews): accuracy of `sentiment.label` on positive/negative.
"""

from __future__ import annotations

import csv
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.multiclass import OneVsRestClassifier
from sklearn.preprocessing import MultiLabelBinarizer

from minwon.text.analysis import CATEGORY_CODES, analyze, load_model
from minwon.text.corpus import load_corpus
from minwon.text.evaluate import evaluate, score_predictions

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
KOTE_ANGER = {"6", "22"}  # 화남/분노, 짜증


def baseline(train_docs: list, test_docs: list) -> tuple[float, float, float, float]:
    vectoriser = TfidfVectorizer(analyzer="char", ngram_range=(2, 4), sublinear_tf=True, min_df=2)
    x_train = vectoriser.fit_transform([d.text for d in train_docs])
    binariser = MultiLabelBinarizer(classes=list(CATEGORY_CODES))
    y_train = binariser.fit_transform([d.categories for d in train_docs])
    classifier = OneVsRestClassifier(LogisticRegression(C=10.0, max_iter=2000, solver="liblinear")).fit(x_train, y_train)
    start = time.perf_counter()
    predicted_matrix = classifier.predict(vectoriser.transform([d.text for d in test_docs]))
    seconds = time.perf_counter() - start
    predicted = [{code for code, flag in zip(CATEGORY_CODES, row, strict=True) if flag} for row in predicted_matrix]
    _, micro, macro = score_predictions(test_docs, predicted)
    churn = LogisticRegression(C=10.0, max_iter=2000).fit(x_train, [d.churn for d in train_docs])
    churn_accuracy = float(np.mean(churn.predict(vectoriser.transform([d.text for d in test_docs])) ==
                                   np.array([d.churn for d in test_docs])))
    return micro, macro, churn_accuracy, len(test_docs) / seconds


def kote_anger_auc(limit: int | None = None) -> tuple[float, int]:
    scores, labels = [], []
    with (SHARED / "kote" / "val_test.tsv").open(encoding="utf-8") as handle:
        for number, row in enumerate(csv.reader(handle, delimiter="\t")):
            if limit and number >= limit:
                break
            if len(row) < 3 or not row[1].strip():
                continue
            labels.append(int(bool(KOTE_ANGER & set(row[2].split(",")))))
            scores.append(analyze(row[1]).sentiment["anger"])
    return float(roc_auc_score(labels, scores)), len(labels)


def nsmc_accuracy(limit: int | None = None) -> tuple[float, int]:
    correct = total = 0
    with (SHARED / "nsmc" / "sample20k.tsv").open(encoding="utf-8") as handle:
        for number, row in enumerate(csv.DictReader(handle, delimiter="\t")):
            if limit and number >= limit:
                break
            text = (row["document"] or "").strip()
            if not text:
                continue
            label = analyze(text).sentiment["label"]
            gold = "positive" if row["label"] == "1" else "negative"
            correct += label == gold
            total += 1
    return correct / total, total


def main() -> None:
    limit = int(sys.argv[1]) if len(sys.argv) > 1 else None
    load_model()
    corpus = load_corpus()
    train_docs = [d for d in corpus if not d.held_out]
    test_docs = [d for d in corpus if d.held_out]
    start = time.perf_counter()
    engine = evaluate(test_docs)
    engine_rate = len(test_docs) / (time.perf_counter() - start)
    micro, macro, churn_accuracy, baseline_rate = baseline(train_docs, test_docs)
    print(f"held-out documents: {len(test_docs)} (training: {len(train_docs)})")
    print(f"{'':10s} {'micro-F1':>9s} {'macro-F1':>9s} {'churn acc':>10s} {'docs/s':>8s}")
    print(f"{'engine':10s} {engine.micro_f1:9.3f} {engine.macro_f1:9.3f} {engine.churn_accuracy:10.3f} {engine_rate:8.0f}")
    print(f"{'baseline':10s} {micro:9.3f} {macro:9.3f} {churn_accuracy:10.3f} {baseline_rate:8.0f}")
    print("(engine docs/s: whole pipeline incl. cleaning, entities, PII; baseline: vectorise + predict only)")
    auc, n = kote_anger_auc(limit)
    print(f"KOTE anger ROC-AUC: {auc:.3f} on {n} comments")
    accuracy, n = nsmc_accuracy(limit)
    print(f"NSMC sentiment accuracy: {accuracy:.3f} on {n} reviews")


if __name__ == "__main__":
    main()
