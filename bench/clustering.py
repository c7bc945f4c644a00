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
        **bench_arrivals(x),
        "questions": len(texts),
        "embed_s": round(embed_s, 2),
        "cluster_s": round(cluster_s, 2),
        "total_s": round(embed_s + cluster_s, 2),
        "clusters": k,
        "resolution": round(resolution, 2),
        "incremental_ms_p50": round(float(np.percentile(probe, 50)), 3),
        "incremental_ms_p95": round(float(np.percentile(probe, 95)), 3),
        "target": "<= 60 s for 10k from raw text; incremental p95 <= 10 ms at 5k clusters",
    }


def bench_arrivals(x: np.ndarray, clusters: int = 5000, arrivals: int = 300) -> dict[str, Any]:
    """One arriving question placed by the app's SQL path against ``clusters`` clusters.

    A creator with ``clusters`` stored clusters (centroid sums in SQLite, one question each, the
    first rows of ``x``); every other arrival repeats a stored question. Each is one transaction
    through
    ``QuestionClusters._assign`` (read the centroids, place, update, commit), as the inbox does
    after embedding. Embedding is measured above, not here.
    """
    import tempfile
    from datetime import UTC, datetime
    from pathlib import Path

    from app.services import open_services
    from app.settings import Settings
    from memory.fanout import FanQuestion, QuestionCluster
    from memory.schemas import CreatorIn

    if len(x) < clusters + arrivals:
        return {"arrivals_skipped": f"needs {clusters + arrivals} vectors"}
    unit = (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)
    now = datetime(2026, 12, 1, tzinfo=UTC)
    with tempfile.TemporaryDirectory() as tmp:
        svc = open_services(Settings(data_dir=Path(tmp), recluster_interval_s=0))
        try:
            assert svc.clusters is not None
            svc.catalog.create_creator(CreatorIn(id="bench", name="Bench"))

            def question(i: int, cluster: str | None) -> FanQuestion:
                return FanQuestion(
                    creator_id="bench", customer_id=f"f{i}", chat_id=f"ig:f{i}", message_id=i,
                    text=f"question {i}", intent="question", topic="general", cluster_id=cluster,
                    membership=1.0, asked_at=now,
                )  # fmt: skip

            with svc.sessions.begin() as s:
                for i in range(clusters):
                    s.add(QuestionCluster(creator_id="bench", id=f"c-{i + 1}",
                                          centroid=unit[i].tobytes(), members=1))  # fmt: skip
                    s.add(question(i, f"c-{i + 1}"))
            took, placed = [], 0
            for i in range(clusters, clusters + arrivals):
                t = time.perf_counter()
                with svc.sessions.begin() as s:
                    q = question(i, None)
                    s.add(q)
                    s.flush()
                    # Every other arrival repeats an earlier fan's question (it is placed and
                    # moves a centroid); the others are new questions (most wait for a batch).
                    v = unit[i - clusters] if i % 2 else unit[i]
                    svc.clusters._assign(s, "bench", [q], v[None, :])
                    placed += q.cluster_id is not None
                took.append((time.perf_counter() - t) * 1000)
        finally:
            svc.close()
    return {
        "arrival_clusters": clusters,
        "arrival_ms_p50": round(float(np.percentile(took, 50)), 2),
        "arrival_ms_p95": round(float(np.percentile(took, 95)), 2),
        "arrivals_placed": round(placed / arrivals, 3),
    }
