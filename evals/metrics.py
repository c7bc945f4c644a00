"""Ranking metrics shared by the search tests, benchmarks and evaluation runs."""

from __future__ import annotations

import math
from collections.abc import Sequence


def hit_at(ranked: Sequence[str], relevant: set[str], k: int) -> float:
    """1.0 when any relevant id is in the top ``k``."""
    return float(any(r in relevant for r in ranked[:k]))


def reciprocal_rank(ranked: Sequence[str], relevant: set[str]) -> float:
    """1 / rank of the first relevant id (0 when none)."""
    for i, r in enumerate(ranked, start=1):
        if r in relevant:
            return 1.0 / i
    return 0.0


def ndcg_at(ranked: Sequence[str], grades: dict[str, float], k: int) -> float:
    """Graded nDCG@k (gain 2^g - 1, log2 discount); 1.0 when nothing is relevant at all."""
    dcg = sum((2 ** grades.get(r, 0.0) - 1) / math.log2(i + 2) for i, r in enumerate(ranked[:k]))
    ideal = sorted(grades.values(), reverse=True)[:k]
    idcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg > 0 else 1.0
