"""Clustering speed (part of ``make bench``): 10,000 real questions from raw text to clusters.

Uses ``../shared/datasets/stackoverflow_train.tsv`` (longer texts than BANKING77, so the
embedding cost is the pessimistic one); skipped when ../shared is absent.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from evals.cluster_eval import SHARED, load_tsv
from memory.embeddings import MiniLMEmbeddings
from tools.clustering import assign_on_arrival, cluster_questions, confident_level


def bench_clustering(n: int = 10_000) -> dict[str, Any]:
    """Embedding, batch clustering (the stability search included) and one arrival's placement."""
    path = SHARED / "stackoverflow_train.tsv"
    if not path.exists():
        return {"skipped": f"{path} not found"}
    texts = load_tsv(path)[0][:n]
    embedder = MiniLMEmbeddings(threads=2, batch_size=64, cache_size=0)  # no cache: cold
    t0 = time.perf_counter()
    x = embedder.encode(texts)
    embed_s = time.perf_counter() - t0
    t1 = time.perf_counter()
    labels, resolution = cluster_questions(x)
    cluster_s = time.perf_counter() - t1
    k = int(labels.max()) + 1
    sums = np.zeros((k, x.shape[1]), dtype=np.float32)
    np.add.at(sums, labels, x.astype(np.float32))
    sizes = np.bincount(labels, minlength=k)
    probe = []
    for v in x[:500]:  # arrivals against the clusters of 10k stored questions
        t = time.perf_counter()
        assign_on_arrival(v[None, :], sums, sizes, confident_level())
        probe.append((time.perf_counter() - t) * 1000)
    return {
        "questions": len(texts),
        "embed_s": round(embed_s, 2),
        "cluster_s": round(cluster_s, 2),
        "total_s": round(embed_s + cluster_s, 2),
        "clusters": k,
        "resolution": round(resolution, 2),
        "incremental_ms_p50": round(float(np.percentile(probe, 50)), 3),
        "incremental_ms_p95": round(float(np.percentile(probe, 95)), 3),
        "target": "<= 60 s for 10k from raw text; <= 10 ms per incremental question",
    }
