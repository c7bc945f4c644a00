"""Search quality on the demo catalog: ``evals/datasets/search_queries.jsonl``.

Each row: ``inputs {query, filters}``, ``outputs {exact: [source ids], substitute: [...]}``.
Relevance for hit@k and MRR is "exact"; nDCG@5 grades exact 2, substitute 1.
Multi-turn rows (``inputs.history``) run through the compiled agent graph via ``converse``;
their ranking is the last turn's search output, so follow-up resolution is measured too.
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from evals.ls import run_offline
from evals.metrics import hit_at, ndcg_at, reciprocal_rank
from tools.search import SearchEngine
from tools.search_schemas import SearchFilters

DATASET = Path(__file__).parent / "datasets" / "search_queries.jsonl"


def load_rows(path: Path = DATASET) -> list[dict[str, Any]]:
    """Dataset rows in LangSmith example format."""
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def run_search_eval(
    engine: SearchEngine,
    creator_id: str,
    rows: list[dict[str, Any]],
    limit: int = 10,
    converse: Callable[[list[str]], list[int]] | None = None,
) -> dict[str, Any]:
    """Score every row through ``langsmith.evaluate`` (offline); metrics per split and rows.

    ``converse(turns)`` plays a conversation and returns the last turn's ranked product ids;
    without it, multi-turn rows are skipped.
    """
    _, products = engine.catalog.list_products(creator_id, limit=1_000_000)
    source_of = {p.id: p.source_id or "" for p in products}
    if converse is None:
        rows = [r for r in rows if not r["inputs"].get("history")]

    def target(inputs: dict[str, Any]) -> dict[str, Any]:
        if inputs.get("history") and converse is not None:
            t0 = time.perf_counter()
            ids = converse([*inputs["history"], inputs["query"]])
            ms = (time.perf_counter() - t0) * 1000
            return {"ranked": [source_of.get(i, "") for i in ids], "relaxed": [], "ms": ms}
        res = engine.search(
            creator_id, inputs.get("query", ""), SearchFilters(**inputs.get("filters", {})),
            limit=limit,
        )  # fmt: skip
        return {
            "ranked": [source_of.get(h.product_id, "") for h in res.hits],
            "relaxed": [r.detail for r in res.relaxed],
            "ms": res.took_ms,
        }

    def evaluator(outputs: dict[str, Any], reference: dict[str, Any]) -> dict[str, float]:
        ranked, exact = outputs["ranked"], set(reference["exact"])
        grades = {s: 2.0 for s in exact} | {s: 1.0 for s in reference.get("substitute", [])}
        return {
            "hit@1": hit_at(ranked, exact, 1),
            "hit@3": hit_at(ranked, exact, 3),
            "mrr": reciprocal_rank(ranked, exact),
            "ndcg@5": ndcg_at(ranked, grades, 5),
        }

    by_id = {r.get("metadata", {}).get("id"): r for r in rows}
    results = []
    for r in run_offline("dmpilot-search-queries", rows, target, evaluator):
        row = by_id.get(r["metadata"].get("id"), {})
        results.append(
            {
                "id": r["metadata"].get("id"),
                "split": r["metadata"].get("split", "dev"),
                "batch": r["metadata"].get("batch", 1),
                "query": row.get("inputs", {}).get("query", ""),
                "filters": row.get("inputs", {}).get("filters", {}),
                "ranked": r["outputs"].get("ranked", [])[:5],
                "expected": sorted(row.get("outputs", {}).get("exact", []))[:5],
                "relaxed": r["outputs"].get("relaxed", []),
                "ms": r["outputs"].get("ms", 0.0),
                **r["scores"],
            }
        )
    summary: dict[str, Any] = {}
    groups = {
        "dev": lambda r: r["split"] == "dev",
        "test": lambda r: r["split"] == "test",
        "batch_2": lambda r: r["batch"] == 2,  # written later, measured once before changes
        "multi_turn": lambda r: r["batch"] == 3,
        "single_turn": lambda r: r["batch"] != 3,
        "all": lambda r: True,
    }
    for split, keep in groups.items():
        part = [r for r in results if keep(r)]
        if not part:
            continue
        summary[split] = {
            "n": len(part),
            **{m: round(statistics.mean(r[m] for r in part), 4)
               for m in ("hit@1", "hit@3", "mrr", "ndcg@5")},
            "p50_ms": round(statistics.median(r["ms"] for r in part), 2),
        }  # fmt: skip
    return {"summary": summary, "rows": results}
