"""Question clustering without a given number of clusters.

Batch: Leiden community detection (modularity, ``RBConfigurationVertexPartition``) on the
k-nearest-neighbour graph of mean-centred sentence embeddings. Centring removes the direction
every MiniLM vector shares, so cosine reflects topic.

Granularity comes from the data: the modularity resolution is the one whose partitions agree
most across random subsamples (``stability_curve``), not a constant fitted to one file. Each
member gets a calibrated confidence that it asks what its cluster asks
(``membership_confidence``), so answer-once drafts only the members a person would.

On arrival, a question joins its nearest cluster only when a batch run would have put it there
(the same confidence, ``assign_on_arrival``); the others wait for the next batch run. Batch
runs keep ids stable by mapping new clusters onto old ones by overlap (Hungarian assignment).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import igraph as ig
import leidenalg as la
import numpy as np
from scipy.optimize import linear_sum_assignment
from sklearn.feature_extraction.text import CountVectorizer

# Chosen by mean ARI over five development sets of different sizes and domains (banking77 dev
# 1k, banking77 train 3k and 9k, stackoverflow 1k and 4k): k=10/res 4.0 scored 0.546, against
# 0.519 for k=5/res 4.0 and 0.514 for k=10/res 2.0.
NEIGHBOURS = 10  # k of the kNN graph
RESOLUTION = 4.0  # modularity resolution: higher -> more, smaller clusters (fixed-use callers)
# Granularity comes from the data: the resolution is the most stable one on this grid
# (factor sqrt 2 from 1/4 to 64, i.e. communities from about n/0.25 down to n/64 in scale).
RESOLUTIONS = tuple(float(r) for r in np.geomspace(0.25, 64, 17))
STABILITY_RUNS = 8  # subsamples compared pairwise (28 pairs)
STABILITY_SAMPLE = 1500  # questions per subsample at most (bounds the cost on big inboxes)
# The scan from coarse to fine stops once stability fell this far below the best so far at two
# resolutions in a row: finer ones are no candidates (on SNIPS it collapses past 2.0).
COLLAPSE = 0.1
KNN_CHUNK = 2048  # rows of the similarity matrix held at once (memory ~ chunk x n x 4 bytes)


def centre(x: np.ndarray, mean: np.ndarray | None = None) -> np.ndarray:
    """Subtract the shared direction and re-normalise (cosine = dot product afterwards)."""
    mean = x.mean(axis=0) if mean is None else mean
    y = x - mean
    return (y / np.clip(np.linalg.norm(y, axis=1, keepdims=True), 1e-12, None)).astype(np.float32)


def knn(x: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Indices and similarities of each row's k nearest other rows, chunked to bound memory."""
    n = len(x)
    k = min(k, n - 1)
    idx = np.empty((n, k), dtype=np.int64)
    sim = np.empty((n, k), dtype=np.float32)
    for start in range(0, n, KNN_CHUNK):
        block = x[start : start + KNN_CHUNK] @ x.T
        rows = np.arange(len(block))
        block[rows, rows + start] = -np.inf  # not your own neighbour
        top = np.argpartition(-block, k - 1, axis=1)[:, :k]
        idx[start : start + len(block)] = top
        sim[start : start + len(block)] = np.take_along_axis(block, top, axis=1)
    return idx, sim


def neighbours_for(n: int) -> int:
    """K of the kNN graph: ``NEIGHBOURS``, fewer on small sets (about log2 n, at least 3).

    Ten neighbours among forty questions tie every group to every other; a k that grows
    like log n keeps the graph connected without blurring small groups.
    """
    return int(min(NEIGHBOURS, max(3, round(np.log2(max(n, 2))))))


def knn_graph(x: np.ndarray, neighbours: int | None = None) -> ig.Graph:
    """Undirected kNN graph of L2-normalised rows, weighted by (non-negative) cosine."""
    n = len(x)
    idx, sim = knn(x, neighbours or neighbours_for(n))
    rows = np.repeat(np.arange(n), idx.shape[1])
    graph = ig.Graph(n=n, edges=np.stack([rows, idx.ravel()], axis=1), directed=False)
    graph.es["weight"] = np.clip(sim.ravel(), 0.0, None)
    return graph.simplify(combine_edges="max")  # i->j and j->i become one edge


def leiden_partition(
    graph: ig.Graph, resolution: float, seed: int = 0, iterations: int = -1
) -> np.ndarray:
    """Modularity (RB configuration) communities of a weighted graph at ``resolution``."""
    partition = la.find_partition(
        graph,
        la.RBConfigurationVertexPartition,
        weights="weight",
        resolution_parameter=resolution,
        seed=seed,
        n_iterations=iterations,  # -1: until stable
    )
    return np.asarray(partition.membership, dtype=np.int64)


def leiden_labels(
    x: np.ndarray, neighbours: int = NEIGHBOURS, resolution: float = RESOLUTION, seed: int = 0
) -> np.ndarray:
    """Cluster label per row of an L2-normalised (already centred) embedding matrix."""
    n = len(x)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    if n <= 2:
        return np.arange(n, dtype=np.int64)
    return leiden_partition(knn_graph(x, neighbours), resolution, seed)


def stability_curve(
    x: np.ndarray,
    resolutions: Sequence[float] = RESOLUTIONS,
    neighbours: int | None = None,
    runs: int = STABILITY_RUNS,
    sample: int = STABILITY_SAMPLE,
    seed: int = 0,
) -> list[tuple[float, float, float]]:
    """(resolution, stability, its standard error): ARI between partitions of subsamples.

    NaN where a resolution gives no clustering (one group, or most questions alone).

    A resolution that matches real structure in the data gives the same groups whichever
    questions happen to be sampled; one that cuts through a group (or lumps several) does
    not. The modularity size scale goes with n / resolution, so a resolution found on
    subsamples of any size means the same on the whole set.
    """
    rng = np.random.default_rng(seed)
    n = len(x)
    size = max(3, min(int(0.8 * n), sample))
    subsets = [np.sort(rng.choice(n, size, replace=False)) for _ in range(runs)]
    graphs = [knn_graph(x[s], neighbours) for s in subsets]
    curve: list[tuple[float, float, float]] = []
    best, below = -np.inf, 0
    for res in resolutions:
        if below >= 2:  # stability collapsed: finer resolutions are not candidates
            curve.append((float(res), float("nan"), float("nan")))
            continue
        labels = []
        for run, (s, g) in enumerate(zip(subsets, graphs, strict=True)):
            full = np.full(n, -1, dtype=np.int64)
            full[s] = leiden_partition(g, res, seed=run, iterations=2)
            labels.append(full)
        # One group, or mostly questions alone, agrees with itself trivially (ARI 1 between
        # two all-singleton partitions): such a partition is no clustering (NaN, no candidate).
        trivial = any(_trivial(lab[lab >= 0]) for lab in labels)
        agreement = []
        for a in range(runs):
            for b in range(a + 1, runs):
                both = (labels[a] >= 0) & (labels[b] >= 0)
                if both.sum() >= 2:
                    agreement.append(rand_agreement(labels[a][both], labels[b][both]))
        if trivial or not agreement:  # no clustering at this resolution: not a candidate
            curve.append((float(res), float("nan"), float("nan")))
            continue
        values = np.asarray(agreement)
        se = float(values.std(ddof=1) / np.sqrt(len(values))) if len(values) > 1 else 0.0
        curve.append((float(res), float(values.mean()), se))
        best = max(best, float(values.mean()))
        below = below + 1 if values.mean() < best - COLLAPSE else 0
    return curve


def rand_agreement(a: np.ndarray, b: np.ndarray) -> float:
    """The adjusted Rand index of two labelings, as scikit-learn's ``adjusted_rand_score``.

    Computed from the contingency counts with numpy alone: the stability curve compares
    hundreds of pairs per run, and scikit-learn's input checks took 80 % of an inbox settle.
    """
    _, ai = np.unique(a, return_inverse=True)
    _, bi = np.unique(b, return_inverse=True)
    ai, bi = ai.ravel(), bi.ravel()

    def pairs(counts: np.ndarray) -> float:
        c = counts.astype(np.float64)
        return float((c * (c - 1)).sum() / 2)

    together = pairs(np.bincount(ai * (int(bi.max()) + 1) + bi))
    in_a, in_b = pairs(np.bincount(ai)), pairs(np.bincount(bi))
    n = len(ai)
    expected = in_a * in_b / (n * (n - 1) / 2)
    best = (in_a + in_b) / 2
    if best == expected:  # both all one group or all alone: scikit-learn's 1.0
        return 1.0
    return (together - expected) / (best - expected)


def _trivial(labels: np.ndarray) -> bool:
    """One cluster, or more clusters than half the questions (most of them alone)."""
    k = len(np.unique(labels))
    return k == 1 or k > len(labels) / 2


def choose_resolution(curve: list[tuple[float, float, float]]) -> float:
    """The finest resolution as stable as the most stable one, within one standard error.

    The curve is first averaged with its neighbours on the grid (a one-point peak is
    resampling noise, a plateau is structure). Among the resolutions the resamples cannot tell
    from the best, the finest wins: for answer-once a wrong member (two questions merged) costs
    more than an extra cluster (one question split in two).
    """
    values = np.array([v for _, v, _ in curve])
    errors = np.array([e for _, _, e in curve])
    if np.isnan(values).all():
        return curve[0][0]
    smooth = np.array(
        [
            np.nanmean(values[max(0, i - 1) : i + 2]) if not np.isnan(values[i]) else np.nan
            for i in range(len(values))
        ]
    )  # edges and trivial neighbours: the points there are
    best = int(np.nanargmax(smooth))
    floor = smooth[best] - np.nanmean(errors[max(0, best - 1) : best + 2])
    return [curve[i][0] for i in range(len(curve)) if smooth[i] >= floor][-1]


def cluster_questions(x: np.ndarray, seed: int = 0) -> tuple[np.ndarray, float]:
    """Cluster raw MiniLM vectors without a given count: (labels, resolution chosen).

    Identical questions are clustered once (600 fans asking the same thing are one point, not
    600 points that centring would reduce to nothing) and share their label.
    """
    unique, inverse = np.unique(np.round(x, 5), axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    n = len(unique)
    if n <= 2:
        return np.arange(n, dtype=np.int64)[inverse], 0.0
    y = centre(unique.astype(np.float32))
    resolution = choose_resolution(stability_curve(y, seed=seed))
    # Two passes of Leiden refinement: measured on the six eval sets, the same clusters as
    # running to convergence (ARI within 0.003) in a fifth of the time (6.5 s -> 1.0 s at 10k).
    return leiden_partition(knn_graph(y), resolution, seed, iterations=2)[inverse], resolution


def membership_features(x: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Per question: cosine to its cluster's centroid, margin over the next cluster, log size.

    What says a member really asked what its cluster asks: close to the centre, clearly closer
    to it than to any other cluster, in a cluster that is not a chance pair.
    """
    cent = centroids(x, labels)
    sims = x @ cent.T
    own = sims[np.arange(len(x)), labels]
    sims[np.arange(len(x)), labels] = -np.inf
    other = sims.max(axis=1) if cent.shape[0] > 1 else np.zeros(len(x))
    sizes = np.bincount(labels, minlength=cent.shape[0])[labels]
    return np.stack([own, own - other, np.log(sizes)], axis=1).astype(np.float64)


@cache
def _confidence_model() -> dict[str, Any]:
    path = Path(__file__).resolve().parents[1] / "prompts" / "data" / "cluster_confidence.json"
    return dict(json.loads(path.read_text()))


def membership_confidence(x: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Calibrated probability that each question asks what its cluster asks.

    A logistic fit on labelled dev sets (``python -m evals.calibrate_clusters``).
    """
    if len(x) == 0:
        return np.zeros(0)
    return _membership(membership_features(x, labels))


def _membership(features: np.ndarray) -> np.ndarray:
    """The calibrated logistic model over rows of ``membership_features``."""
    model = _confidence_model()
    z = features @ np.asarray(model["coef"]) + float(model["intercept"])
    return np.asarray(1.0 / (1.0 + np.exp(-z)))


def membership_against(x: np.ndarray, own: int, sums: np.ndarray) -> np.ndarray:
    """Membership of rows ``x`` that all belong to cluster ``own`` among clusters' vector sums.

    For one edited cluster (merge, split) scored against every other cluster's centroid, the
    same features and model as a batch run (``membership_confidence``).
    """
    if len(x) == 0:
        return np.zeros(0)
    unit = sums / np.clip(np.linalg.norm(sums, axis=1, keepdims=True), 1e-12, None)
    sims = x @ unit.T
    mine = sims[:, own].copy()
    sims[:, own] = -np.inf
    other = sims.max(axis=1) if len(sums) > 1 else np.zeros(len(x))
    size = np.full(len(x), np.log(max(len(x), 1)))
    return _membership(np.stack([mine, mine - other, size], axis=1).astype(np.float64))


def confident_level() -> float:
    """The confidence a member needs to be drafted from its cluster's answer."""
    return float(_confidence_model()["level"])


@dataclass
class ClusterSummary:
    """What the dashboard shows per cluster."""

    label: int
    members: list[int]
    title: str
    cohesion: float  # mean cosine of members to the centroid (higher = tighter)
    outliers: list[int] = field(default_factory=list)
    representatives: list[int] = field(default_factory=list)


def centroids(x: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Normalised mean vector per label (labels must be 0..m-1)."""
    m = int(labels.max()) + 1 if len(labels) else 0
    c = np.zeros((m, x.shape[1]), dtype=np.float32)
    np.add.at(c, labels, x)
    return c / np.clip(np.linalg.norm(c, axis=1, keepdims=True), 1e-12, None)


_TOKEN = r"(?u)\b[a-zA-Z][a-zA-Z0-9']+\b"


def titles(texts: Sequence[str], labels: np.ndarray, top: int = 3) -> dict[int, str]:
    """Class-based TF-IDF (c-TF-IDF): words frequent in a cluster and rare in the others."""
    if not len(texts):
        return {}
    vec = CountVectorizer(token_pattern=_TOKEN, stop_words="english", ngram_range=(1, 2))
    try:
        counts = vec.fit_transform(texts)
    except ValueError:  # only stop words
        return {int(lbl): "" for lbl in set(labels.tolist())}
    m = int(labels.max()) + 1
    onehot = np.zeros((m, len(texts)), dtype=np.float32)
    onehot[labels, np.arange(len(texts))] = 1.0
    tf = np.asarray(onehot @ counts.toarray(), dtype=np.float64)
    tf_norm = tf / np.clip(tf.sum(axis=1, keepdims=True), 1, None)
    avg_words = tf.sum() / max(m, 1)
    idf = np.log(1 + avg_words / np.clip(tf.sum(axis=0), 1, None))
    scores = tf_norm * idf
    vocab = vec.get_feature_names_out()
    out: dict[int, str] = {}
    for lbl in range(m):
        picked: list[str] = []
        for j in np.argsort(-scores[lbl]):
            if scores[lbl, j] <= 0 or len(picked) == top:
                break
            word = str(vocab[j])
            if any(word in p or p in word for p in picked):
                continue  # "card" and "card arrive" say the same thing
            picked.append(word)
        out[lbl] = ", ".join(picked)
    return out


def summarise(
    x: np.ndarray, texts: Sequence[str], labels: np.ndarray, outlier_z: float = 2.0
) -> list[ClusterSummary]:
    """Title, cohesion, outliers (far below the cluster's typical similarity) per cluster."""
    cent = centroids(x, labels)
    sims = np.einsum("ij,ij->i", x, cent[labels])
    names = titles(texts, labels)
    out = []
    for lbl in range(len(cent)):
        members = np.flatnonzero(labels == lbl)
        if not len(members):
            continue
        s = sims[members]
        cut = s.mean() - outlier_z * s.std() if len(members) >= 5 else -np.inf
        order = members[np.argsort(-s)]
        out.append(
            ClusterSummary(
                label=lbl,
                members=members.tolist(),
                title=names.get(lbl, ""),
                cohesion=round(float(s.mean()), 4),
                outliers=members[s < cut].tolist(),
                representatives=order[:3].tolist(),
            )
        )
    return out


def merge_suggestions(cent: np.ndarray, threshold: float = 0.85) -> list[tuple[int, int, float]]:
    """Pairs of clusters whose centroids are near duplicates, most similar first."""
    if len(cent) < 2:
        return []
    sim = cent @ cent.T
    i, j = np.triu_indices(len(cent), k=1)
    keep = sim[i, j] >= threshold
    pairs = sorted(zip(i[keep], j[keep], sim[i, j][keep], strict=True), key=lambda p: -p[2])
    return [(int(a), int(b), round(float(s), 4)) for a, b, s in pairs]


def stable_ids(
    new_labels: np.ndarray, old_ids: Sequence[str | None], fresh_id: IdFactory
) -> list[str]:
    """Map each new cluster onto the old cluster id it overlaps most (one-to-one).

    ``old_ids[i]`` is the id item ``i`` had before (None for new items). New clusters without
    an old counterpart get ``fresh_id()``.
    """
    old_names = sorted({o for o in old_ids if o is not None})
    m = int(new_labels.max()) + 1 if len(new_labels) else 0
    assign: dict[int, str] = {}
    if old_names and m:
        col = {name: j for j, name in enumerate(old_names)}
        overlap = np.zeros((m, len(old_names)))
        for lbl, old in zip(new_labels.tolist(), old_ids, strict=True):
            if old is not None:
                overlap[lbl, col[old]] += 1
        rows, cols = linear_sum_assignment(-overlap)
        for r, c in zip(rows, cols, strict=True):
            if overlap[r, c] > 0:
                assign[int(r)] = old_names[c]
    for lbl in range(m):
        if lbl not in assign:
            assign[lbl] = fresh_id()
    return [assign[int(lbl)] for lbl in new_labels]


class IdFactory:
    """Callable producing ``prefix-1``, ``prefix-2``... after the largest existing number."""

    def __init__(self, prefix: str, existing: Sequence[str] = ()) -> None:
        self.prefix = prefix
        nums = [int(m.group(1)) for e in existing if (m := re.fullmatch(rf"{prefix}-(\d+)", e))]
        self.next = max(nums, default=0) + 1

    def __call__(self) -> str:
        """The next unused id."""
        out = f"{self.prefix}-{self.next}"
        self.next += 1
        return out


def assign_on_arrival(
    vectors: np.ndarray, sums: np.ndarray, sizes: np.ndarray, level: float
) -> list[tuple[int | None, float, float]]:
    """Place arriving questions in existing clusters the way a batch run would, or not at all.

    ``sums`` holds each cluster's sum of member vectors (updated in place, with ``sizes``, as
    questions join). A question joins its nearest cluster only when its calibrated membership
    (the same features and model as batch: ``membership_confidence``) reaches ``level``;
    otherwise it waits for the next batch run, which decides whether it starts a new cluster.
    Returns (row or None, cosine to the centroid, membership) per question.
    """
    out: list[tuple[int | None, float, float]] = []
    if len(sums) == 0:
        return [(None, 0.0, 0.0) for _ in range(len(vectors))]
    norms = np.clip(np.linalg.norm(sums, axis=1), 1e-12, None)
    for v in vectors:
        sims = (sums @ v) / norms
        best = int(np.argmax(sims))
        own = float(sims[best])
        sims[best] = -np.inf
        other = float(sims.max()) if len(sims) > 1 else 0.0
        p = float(_membership(np.array([own, own - other, np.log(sizes[best] + 1)])))
        if p >= level:
            sums[best] += v
            sizes[best] += 1
            norms[best] = max(float(np.linalg.norm(sums[best])), 1e-12)
            out.append((best, own, p))
        else:
            out.append((None, own, p))
    return out
