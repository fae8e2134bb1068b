"""`minwon eval`: quality of the shipped model on the held-out split of the corpus."""

from __future__ import annotations

from dataclasses import dataclass, field

from minwon.text.analysis import CATEGORY_CODES, analyze
from minwon.text.corpus import Document, load_corpus
from minwon.text.train import CHURN_LABELS


@dataclass
class Scores:
    per_code: dict[str, dict[str, float]] = field(default_factory=dict)
    micro_f1: float = 0.0
    macro_f1: float = 0.0
    churn_accuracy: float = 0.0
    churn_confusion: dict[str, dict[str, int]] = field(default_factory=dict)
    complaint_accuracy: float = 0.0
    documents: int = 0


def f1(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    score = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, score


def score_predictions(gold: list[Document], predicted: list[set[str]]) -> tuple[dict[str, dict[str, float]], float, float]:
    per_code: dict[str, dict[str, float]] = {}
    total_tp = total_fp = total_fn = 0
    for code in CATEGORY_CODES:
        tp = sum(1 for d, p in zip(gold, predicted, strict=True) if code in d.categories and code in p)
        fp = sum(1 for d, p in zip(gold, predicted, strict=True) if code not in d.categories and code in p)
        fn = sum(1 for d, p in zip(gold, predicted, strict=True) if code in d.categories and code not in p)
        precision, recall, score = f1(tp, fp, fn)
        per_code[code] = {"precision": precision, "recall": recall, "f1": score, "support": tp + fn}
        total_tp, total_fp, total_fn = total_tp + tp, total_fp + fp, total_fn + fn
    micro = f1(total_tp, total_fp, total_fn)[2]
    macro = sum(v["f1"] for v in per_code.values()) / len(per_code)
    return per_code, micro, macro


def evaluate(documents: list[Document] | None = None) -> Scores:
    held_out = documents if documents is not None else [d for d in load_corpus() if d.held_out]
    analyses = [analyze(d.text) for d in held_out]
    predicted = [{c.code for c in a.categories} for a in analyses]
    per_code, micro, macro = score_predictions(held_out, predicted)
    confusion = {g: {p: 0 for p in CHURN_LABELS} for g in CHURN_LABELS}
    for document, analysis in zip(held_out, analyses, strict=True):
        confusion[document.churn][analysis.churn] += 1
    correct = sum(confusion[label][label] for label in CHURN_LABELS)
    complaint_correct = sum(1 for d, a in zip(held_out, analyses, strict=True) if d.is_complaint == a.is_complaint)
    return Scores(
        per_code=per_code,
        micro_f1=micro,
        macro_f1=macro,
        churn_accuracy=correct / len(held_out) if held_out else 0.0,
        churn_confusion=confusion,
        complaint_accuracy=complaint_correct / len(held_out) if held_out else 0.0,
        documents=len(held_out),
    )


def report(scores: Scores) -> str:
    lines = [f"held-out documents: {scores.documents}", "", f"{'code':16s} {'P':>6s} {'R':>6s} {'F1':>6s} {'n':>4s}"]
    for code, values in scores.per_code.items():
        lines.append(
            f"{code:16s} {values['precision']:6.3f} {values['recall']:6.3f} {values['f1']:6.3f} {int(values['support']):4d}"
        )
    lines += [
        "",
        f"category micro-F1 {scores.micro_f1:.3f}   macro-F1 {scores.macro_f1:.3f}",
        f"is_complaint accuracy {scores.complaint_accuracy:.3f}",
        f"churn accuracy {scores.churn_accuracy:.3f}",
        "churn confusion (rows gold, columns predicted):",
        f"{'':10s}" + "".join(f"{label:>9s}" for label in CHURN_LABELS),
    ]
    for gold, row in scores.churn_confusion.items():
        lines.append(f"{gold:10s}" + "".join(f"{row[p]:9d}" for p in CHURN_LABELS))
    return "\n".join(lines)
