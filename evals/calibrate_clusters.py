"""Fit the membership confidence of answer-once clusters on labelled dev sets.

For every question of the dev sets (``banking77_dev``, ``clinc150_dev``: never the sets the
evaluation reports on as fresh, never a test split), dmpilot's own clusterer groups the
questions; a member is "right" when it has its cluster's majority intent. A logistic
regression over ``tools.clustering.membership_features`` turns the features into that
probability, and the operating level is the lowest confidence at which the drafted members
of clusters with >= 3 questions reach ``TARGET_PURITY`` on the dev sets. Writes
``prompts/data/cluster_confidence.json`` (data, read by ``membership_confidence``).

    .venv/bin/python -m evals.calibrate_clusters
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

from evals.cluster_eval import SHARED, embed_cached, load_tsv
from tools.clustering import cluster_questions, membership_features

DEV = ("banking77_dev", "clinc150_dev")
TARGET_PURITY = 0.9  # a wrong member is worse than an extra cluster: 1 in 10 at most
OUT = Path(__file__).resolve().parents[1] / "prompts" / "data" / "cluster_confidence.json"


def main() -> None:
    """Fit, pick the operating level, write the JSON, print the purity/coverage curve."""
    feats, right, big = [], [], []
    for name in DEV:
        texts, gold = load_tsv(SHARED / f"{name}.tsv")
        x = embed_cached(name, texts)
        labels, _ = cluster_questions(x)
        f = membership_features(x / np.linalg.norm(x, axis=1, keepdims=True), labels)
        members: dict[int, list[int]] = {}
        for i, lbl in enumerate(labels.tolist()):
            members.setdefault(lbl, []).append(i)
        for rows in members.values():
            majority = Counter(gold[i] for i in rows).most_common(1)[0][0]
            for i in rows:
                feats.append(f[i])
                right.append(gold[i] == majority)
                big.append(len(rows) >= 3)
    X, y, big_a = np.asarray(feats), np.asarray(right), np.asarray(big)
    model = LogisticRegression(C=1.0).fit(X, y)
    p = model.predict_proba(X)[:, 1]
    curve, level = [], 1.0
    for cut in np.round(np.arange(0.0, 1.0, 0.05), 2):
        keep = big_a & (p >= cut)
        purity = float(y[keep].mean()) if keep.any() else 1.0
        curve.append({"level": float(cut), "purity_3plus": round(purity, 4),
                      "coverage_3plus": round(float(keep.mean()), 4)})  # fmt: skip
        print(f"confidence >= {cut:.2f}: purity {purity:.3f} at coverage {keep.mean():.3f}")
        if purity >= TARGET_PURITY and level == 1.0:
            level = float(cut)
    OUT.write_text(json.dumps({
        "_why": "Membership confidence of answer-once clusters: logistic regression over "
                "(cosine to centroid, margin over the next centroid, log cluster size); a "
                "member below 'level' is held for review instead of drafted from the answer.",
        "fitted_on": list(DEV), "command": "python -m evals.calibrate_clusters",
        "target_purity": TARGET_PURITY, "level": level,
        "coef": [round(float(c), 6) for c in model.coef_[0]],
        "intercept": round(float(model.intercept_[0]), 6), "dev_curve": curve,
    }, indent=2) + "\n")  # fmt: skip
    print(f"level {level} (purity >= {TARGET_PURITY} on the dev sets) -> {OUT}")


if __name__ == "__main__":
    main()
