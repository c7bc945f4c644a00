"""Cross-validated accuracy of the offline intent classifier on its own labelled examples.

An early indicator only: issue 4's held-out ``intents`` dataset is the real measure.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import StratifiedKFold

from memory.embeddings import get_embedder
from nodes.offline.nlu import IntentClassifier, load_examples


def run_intent_cv(folds: int = 5, seed: int = 0) -> dict[str, Any]:
    """Stratified k-fold accuracy, macro-F1 and the most frequent confusions."""
    rows = load_examples()
    embedder = get_embedder()
    y = np.array([r["intent"] for r in rows])
    pred = np.empty(len(y), dtype=object)
    for train, test in StratifiedKFold(folds, shuffle=True, random_state=seed).split(y, y):
        # The classifier the pipeline uses (embedding plus n-grams), refit per fold.
        model = IntentClassifier(embedder, [rows[i] for i in train])
        pred[test] = [label for label, _ in model.predict([rows[i]["text"] for i in test])]
    confusions = Counter((str(a), str(b)) for a, b in zip(y, pred, strict=True) if a != b)
    return {
        "examples": len(y),
        "folds": folds,
        "accuracy": round(float(accuracy_score(y, pred)), 4),
        "macro_f1": round(float(f1_score(y, pred, average="macro")), 4),
        "top_confusions": [f"{a} -> {b}: {n}" for (a, b), n in confusions.most_common(8)],
    }
