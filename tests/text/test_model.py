import hashlib
from pathlib import Path

from minwon.text.corpus import load_corpus, load_sentiment
from minwon.text.model import MODEL_PATH, LinearModel
from minwon.text.train import train, train_shipped


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_training_is_deterministic(tmp_path: Path) -> None:
    complaints = [d for d in load_corpus() if not d.held_out][:240]
    general = load_sentiment()[:120]
    first, second = tmp_path / "a.bin", tmp_path / "b.bin"
    train(complaints, general).save(first)
    train(complaints, general).save(second)
    assert sha256(first) == sha256(second)
    loaded = LinearModel.load(first)
    assert loaded.outputs[0] == ("category", "outage")
    assert loaded.weights.shape == (len(loaded.vocabulary), len(loaded.outputs))


def test_the_shipped_model_is_what_the_corpus_trains(tmp_path: Path) -> None:
    rebuilt = tmp_path / "model.bin"
    train_shipped(rebuilt)
    assert sha256(rebuilt) == sha256(MODEL_PATH), "run `make train` and commit src/minwon/text/data/model.bin"


def test_held_out_split_is_stable_and_about_a_fifth() -> None:
    corpus = load_corpus()
    held_out = [d.id for d in corpus if d.held_out]
    assert 0.15 < len(held_out) / len(corpus) < 0.25
    assert held_out == [d.id for d in load_corpus() if d.held_out]
