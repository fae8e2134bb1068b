"""One complaint in, one Analysis out: a pure function of the text and the shipped model."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from functools import lru_cache
from typing import Any

import numpy as np

from minwon.text.clean import clean
from minwon.text.entities import extract_entities
from minwon.text.features import document_features
from minwon.text.model import MODEL_PATH, LinearModel, sigmoid
from minwon.text.pii import PiiSpan, find_pii, mask
from minwon.text.sentences import Sentence, split_sentences

CATEGORY_CODES = (
    "outage", "speed", "repair_visit", "billing", "payment", "contact_center", "agent_conduct", "misinformation",
    "runaround", "broken_promise", "contract", "service_change", "compensation", "privacy", "unwanted_contact",
    "device",
)
CATEGORY_NAMES_KO = {
    "outage": "통신 장애·끊김", "speed": "속도·품질 저하", "repair_visit": "AS·출동", "billing": "요금·청구",
    "payment": "납부·결제", "contact_center": "고객센터 연결", "agent_conduct": "상담·응대 태도",
    "misinformation": "잘못된 안내", "runaround": "떠넘기기·뺑뺑이", "broken_promise": "약속 불이행",
    "contract": "가입·해지·약정", "service_change": "서비스 종료·전환", "compensation": "보상·배상",
    "privacy": "개인정보·명의도용", "unwanted_contact": "원치 않는 연락", "device": "단말기",
}
_EVIDENCE_CHARS = 80
_SUMMARY_SENTENCES = 3
_SUMMARY_SENTENCE_CHARS = 200


@dataclass
class Category:
    code: str
    score: float
    evidence: str
    start: int
    end: int


@dataclass
class Analysis:
    is_complaint: bool
    categories: list[Category]
    churn: str
    sentiment: dict[str, Any]
    products: list[str]
    companies: list[str]
    places: list[dict[str, Any]]
    orgs: list[str]
    durations: list[dict[str, Any]]
    money: list[dict[str, Any]]
    dates: list[dict[str, Any]]
    pii: list[dict[str, Any]]
    clean_text: str
    masked_text: str
    summary: str
    repeated_blocks_removed: int
    complaint_score: float = 0.0
    churn_scores: dict[str, float] = field(default_factory=dict)
    explain: dict[str, list[dict[str, Any]]] | None = None

    def to_record(self, doc_id: str) -> dict[str, Any]:
        # Built by hand: dataclasses.asdict deep-copies every nested value and was the
        # single largest cost of `minwon analyze` after the analysis itself.
        record: dict[str, Any] = {"id": doc_id}
        for name in _RECORD_FIELDS:
            record[name] = getattr(self, name)
        record["categories"] = [
            {"code": c.code, "score": c.score, "evidence": c.evidence, "start": c.start, "end": c.end}
            for c in self.categories
        ]
        if self.explain is not None:
            record["explain"] = self.explain
        return record


_RECORD_FIELDS = tuple(
    f.name for f in fields(Analysis) if f.name not in ("categories", "explain")
)


@lru_cache(maxsize=1)
def load_model() -> LinearModel:
    if not MODEL_PATH.exists():
        raise RuntimeError(f"분석 모델 파일이 없습니다: {MODEL_PATH} ('minwon train'으로 만드세요)")
    return LinearModel.load(MODEL_PATH)


def analyze(text: str, model: LinearModel | None = None, explain: bool = False) -> Analysis:
    model = model or load_model()
    cleaned = clean(text)
    clean_text = cleaned.text
    sentences = split_sentences(clean_text)

    features = document_features(clean_text, [s.start for s in sentences])
    occurrence_columns, occurrence_sentences = model.columns(features)
    indices, values = model.vectorise(occurrence_columns)
    raw = model.scores(indices, values)
    owner_feature_arr = occurrence_columns
    owner_sentence_arr = occurrence_sentences
    feature_values = values[np.searchsorted(indices, owner_feature_arr)] if indices.size else np.zeros(0)

    def best_sentence(column: int) -> int | None:
        if not sentences or owner_feature_arr.size == 0:
            return None
        contributions = model.weights[owner_feature_arr, column] * feature_values
        per_sentence = np.bincount(owner_sentence_arr, weights=contributions, minlength=len(sentences))
        return int(np.argmax(per_sentence))

    categories: list[Category] = []
    for column in model.heads.get("category", []):
        code = model.outputs[column][1]
        probability = sigmoid(float(raw[column]))
        if probability >= model.thresholds.get(code, 0.5):
            where = best_sentence(column)
            sentence = sentences[where] if where is not None else Sentence(clean_text[:_EVIDENCE_CHARS], 0, 0)
            start, end = _quote(sentence)
            categories.append(Category(code, round(probability, 4), clean_text[start:end], start, end))
    categories.sort(key=lambda c: -c.score)

    complaint_score = sigmoid(float(raw[model.heads["complaint"][0]]))
    churn_scores = _softmax(model, raw, "churn")
    sentiment_scores = _softmax(model, raw, "sentiment")
    anger = sigmoid(float(raw[model.heads["anger"][0]]))

    spans = find_pii(clean_text)
    entities = extract_entities(clean_text)
    summary_columns = [model.outputs.index(("category", c.code)) for c in categories] or model.heads["complaint"]
    summary = _summary(sentences, summary_columns, best_sentence, clean_text, spans)
    return Analysis(
        is_complaint=complaint_score >= 0.5,
        categories=categories,
        churn=max(churn_scores, key=lambda k: churn_scores[k]),
        sentiment={
            "label": _sentiment_label(sentiment_scores),
            "anger": round(anger, 4),
            "scores": {k: round(v, 4) for k, v in sentiment_scores.items()},
        },
        products=entities.products,
        companies=entities.companies,
        places=entities.places,
        orgs=entities.orgs,
        durations=entities.durations,
        money=entities.money,
        dates=entities.dates,
        pii=[{"type": s.type, "start": s.start, "end": s.end} for s in spans],
        clean_text=clean_text,
        masked_text=mask(clean_text, spans),
        summary=summary,
        repeated_blocks_removed=cleaned.repeated_blocks_removed,
        complaint_score=round(complaint_score, 4),
        churn_scores={k: round(v, 4) for k, v in churn_scores.items()},
        explain=_explain(model, categories, indices, values) if explain else None,
    )


def _explain(
    model: LinearModel, categories: list[Category], indices: np.ndarray, values: np.ndarray
) -> dict[str, list[dict[str, Any]]]:
    """The features that pushed each decided category up the most."""
    result: dict[str, list[dict[str, Any]]] = {}
    for category in categories:
        column = model.outputs.index(("category", category.code))
        contributions = model.weights[indices, column] * values
        top = np.argsort(-contributions)[:8]
        result[category.code] = [
            {"feature": model.vocabulary[int(indices[i])], "weight": round(float(contributions[i]), 4)}
            for i in top
            if contributions[i] > 0
        ]
    return result


def _sentiment_label(scores: dict[str, float]) -> str:
    """Neutral only when the model is surer of it than of both polarities together:
    a short text with a faint lean is usually meant as that lean (measured on NSMC)."""
    if scores["neutral"] >= 0.5:
        return "neutral"
    return "positive" if scores["positive"] >= scores["negative"] else "negative"


def _softmax(model: LinearModel, raw: np.ndarray, head: str) -> dict[str, float]:
    columns = model.heads[head]
    logits = raw[columns].astype(np.float64)
    exp = np.exp(logits - logits.max())
    probabilities = exp / exp.sum()
    return {model.outputs[c][1]: float(p) for c, p in zip(columns, probabilities, strict=True)}


def _quote(sentence: Sentence) -> tuple[int, int]:
    """A short quote: the sentence, or its first words when it is long."""
    if sentence.end - sentence.start <= _EVIDENCE_CHARS:
        return sentence.start, sentence.end
    cut = sentence.text.rfind(" ", 0, _EVIDENCE_CHARS)
    return sentence.start, sentence.start + (cut if cut > 20 else _EVIDENCE_CHARS)


_SPACE = re.compile(r"\s+")


def _summary(
    sentences: list[Sentence],
    columns: list[int],
    best_sentence: Any,
    clean_text: str,
    spans: list[PiiSpan],
) -> str:
    """At most three sentences: the opening one and those that carry the decided codes,
    in text order, with personal data masked."""
    if not sentences:
        return ""
    chosen: list[int] = [0]
    for column in columns:
        where = best_sentence(column)
        if where is not None and where not in chosen:
            chosen.append(where)
        if len(chosen) == _SUMMARY_SENTENCES:
            break
    parts = []
    for position in sorted(chosen):
        sentence = sentences[position]
        inside = [PiiSpan(s.type, s.start - sentence.start, s.end - sentence.start) for s in spans
                  if s.start >= sentence.start and s.end <= sentence.end]
        text = _SPACE.sub(" ", mask(sentence.text, inside))
        if len(text) > _SUMMARY_SENTENCE_CHARS:
            text = text[:_SUMMARY_SENTENCE_CHARS].rsplit(" ", 1)[0] + "…"
        parts.append(text)
    return " ".join(parts)
