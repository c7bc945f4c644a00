"""Search quality on the demo catalog: ``evals/datasets/search_queries.jsonl``.

Each row: ``inputs {query, filters}``, ``outputs {exact: [source ids], substitute: [...]}``.
Relevance for hit@k and MRR is "exact"; nDCG@5 grades exact 2, substitute 1.
"""

from __future__ import annotations

import json
import statistics
from pathlib import Path
from typing import Any

from evals.metrics import hit_at, ndcg_at, reciprocal_rank
from tools.search import SearchEngine, SearchFilters

DATASET = Path(__file__).parent / "datasets" / "search_queries.jsonl"


def load_rows(path: Path = DATASET) -> list[dict[str, Any]]:
    """Dataset rows in LangSmith example format."""
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def run_search_eval(
    engine: SearchEngine, creator_id: str, rows: list[dict[str, Any]], limit: int = 10
) -> dict[str, Any]:
    """Score every row; returns aggregate metrics per split and the per-row results."""
    _, products = engine.catalog.list_products(creator_id, limit=1_000_000)
    source_of = {p.id: p.source_id or "" for p in products}
    results = []
    for row in rows:
        inp, out = row["inputs"], row["outputs"]
        res = engine.search(
            creator_id, inp.get("query", ""), SearchFilters(**inp.get("filters", {})), limit=limit
        )
        ranked = [source_of.get(h.product_id, "") for h in res.hits]
        exact = set(out["exact"])
        grades = {s: 2.0 for s in exact} | {s: 1.0 for s in out.get("substitute", [])}
        results.append(
            {
                "id": row.get("metadata", {}).get("id"),
                "split": row.get("metadata", {}).get("split", "dev"),
                "query": inp.get("query", ""),
                "filters": inp.get("filters", {}),
                "ranked": ranked[:5],
                "expected": sorted(exact)[:5],
                "hit@1": hit_at(ranked, exact, 1),
                "hit@3": hit_at(ranked, exact, 3),
                "mrr": reciprocal_rank(ranked, exact),
                "ndcg@5": ndcg_at(ranked, grades, 5),
                "relaxed": [r.detail for r in res.relaxed],
                "ms": res.took_ms,
            }
        )
    summary: dict[str, Any] = {}
    for split in ("dev", "test", "all"):
        part = [r for r in results if split == "all" or r["split"] == split]
        if not part:
            continue
        summary[split] = {
            "n": len(part),
            **{m: round(statistics.mean(r[m] for r in part), 4)
               for m in ("hit@1", "hit@3", "mrr", "ndcg@5")},
            "p50_ms": round(statistics.median(r["ms"] for r in part), 2),
        }  # fmt: skip
    return {"summary": summary, "rows": results}
