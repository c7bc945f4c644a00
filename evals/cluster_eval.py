"""Question clustering quality on real labelled questions (``../shared/datasets``).

The number of clusters is never given. Batch = Leiden on the kNN graph (tools/clustering.py);
incremental = nearest centroid with a threshold, one question at a time in file order.
Embeddings are cached under ``.dmpilot/eval-cache`` keyed by the file's sha256 and the model.

Honesty note: the graph parameters (k=10, resolution 4.0) were picked on a small grid over
subsets of banking77_dev, banking77_train and stackoverflow_train, so these are development
numbers, not held-out ones; the TEXTOIR test splits are not in ../shared.
"""

from __future__ import annotations

import csv
import hashlib
import time
from pathlib import Path
from typing import Any

import numpy as np
from scipy.optimize import linear_sum_assignment
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

from memory.embeddings import MODEL_ID, get_embedder
from tools.clustering import IdFactory, IncrementalClusterer, centre, leiden_labels

SHARED = Path(__file__).resolve().parents[2] / "shared" / "datasets"
CACHE = Path(".dmpilot") / "eval-cache"
DATASETS = ("banking77_train", "stackoverflow_train")
INCREMENTAL_THRESHOLD = 0.6


def load_tsv(path: Path) -> tuple[list[str], list[str]]:
    """(texts, labels) from a ``text<TAB>label`` file with a header; quotes are literal."""
    with path.open(newline="") as f:
        reader = csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        next(reader)
        rows = [r for r in reader if len(r) >= 2]
    return [r[0] for r in rows], [r[1] for r in rows]


def hungarian_accuracy(gold: list[str], pred: list[Any]) -> float:
    """Best one-to-one mapping of predicted clusters to gold labels, then accuracy."""
    _, gi = np.unique(np.asarray(gold), return_inverse=True)
    _, pi = np.unique(np.asarray([str(p) for p in pred]), return_inverse=True)
    m = np.zeros((pi.max() + 1, gi.max() + 1))
    np.add.at(m, (pi, gi), 1)
    rows, cols = linear_sum_assignment(-m)
    return float(m[rows, cols].sum() / len(gold))


def scores(gold: list[str], pred: list[Any]) -> dict[str, float]:
    """NMI, ARI, Hungarian accuracy and the number of clusters found."""
    return {
        "nmi": round(float(normalized_mutual_info_score(gold, pred)), 4),
        "ari": round(float(adjusted_rand_score(gold, pred)), 4),
        "accuracy": round(hungarian_accuracy(gold, pred), 4),
        "clusters": len(set(pred)),
        "gold_clusters": len(set(gold)),
    }


def embed_cached(name: str, path: Path, texts: list[str]) -> np.ndarray:
    """Embeddings of ``texts``, reused across runs while the file and model are unchanged."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    cached = CACHE / f"{name}-{MODEL_ID}-{digest}.npy"
    if cached.exists():
        return np.load(cached)
    vectors = get_embedder().encode(texts)
    CACHE.mkdir(parents=True, exist_ok=True)
    np.save(cached, vectors)
    return vectors


def run_cluster_eval(datasets: tuple[str, ...] = DATASETS) -> dict[str, Any]:
    """Batch and incremental clustering scores per dataset; skipped when ../shared is absent."""
    out: dict[str, Any] = {}
    for name in datasets:
        path = SHARED / f"{name}.tsv"
        if not path.exists():
            out[name] = {"skipped": f"{path} not found"}
            continue
        texts, gold = load_tsv(path)
        x = embed_cached(name, path, texts)
        t0 = time.perf_counter()
        labels = leiden_labels(centre(x))
        batch_s = time.perf_counter() - t0
        inc = IncrementalClusterer(x.shape[1], INCREMENTAL_THRESHOLD)
        ids = IdFactory("c")
        t0 = time.perf_counter()
        incremental = [inc.assign(v, ids)[0] for v in x]
        per_question_ms = (time.perf_counter() - t0) / len(x) * 1000
        out[name] = {
            "questions": len(texts),
            "batch": {**scores(gold, labels.tolist()), "seconds": round(batch_s, 2)},
            "incremental": {
                **scores(gold, incremental),
                "threshold": INCREMENTAL_THRESHOLD,
                "ms_per_question": round(per_question_ms, 3),
            },
        }
    return out
