"""Cross-validated accuracy of the offline intent classifier on its own labelled examples.

An early indicator only: issue 4's held-out ``intents`` dataset is the real measure.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import StratifiedKFold

from memory.embeddings import get_embedder
from nodes.offline.nlu import load_examples


def run_intent_cv(folds: int = 5, seed: int = 0) -> dict[str, Any]:
    """Stratified k-fold accuracy, macro-F1 and the most frequent confusions."""
    rows = load_examples()
    x = get_embedder().encode([r["text"] for r in rows])
    y = np.array([r["intent"] for r in rows])
    pred = np.empty(len(y), dtype=object)
    for train, test in StratifiedKFold(folds, shuffle=True, random_state=seed).split(x, y):
        model = LogisticRegression(C=8.0, max_iter=2000, class_weight="balanced")
        pred[test] = model.fit(x[train], y[train]).predict(x[test])
    confusions = Counter((str(a), str(b)) for a, b in zip(y, pred, strict=True) if a != b)
    return {
        "examples": len(y),
        "folds": folds,
        "accuracy": round(float(accuracy_score(y, pred)), 4),
        "macro_f1": round(float(f1_score(y, pred, average="macro")), 4),
        "top_confusions": [f"{a} -> {b}: {n}" for (a, b), n in confusions.most_common(8)],
    }
