"""Conflict detection quality on ``evals/datasets/conflicts.jsonl``: P/R/F1 per type.

The profile is learned from the history with the offline rules, then the product (taken from
the demo catalog, as a compact tool result) or the draft text is checked.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.demo import demo_catalog
from evals.ls import run_offline
from memory.embeddings import get_embedder
from nodes.offline.conflicts import check_product, check_text
from nodes.offline.profile import FactClassifier, get_fact_classifier, learn
from prompts.lexicon import normalize_size

DATASET = Path(__file__).parent / "datasets" / "conflicts.jsonl"
TYPES = ("dietary", "allergy", "injury", "level", "fit", "budget")


def compact(product: dict[str, Any], sizes: list[str] | None) -> dict[str, Any]:
    """A demo product in the shape tools return (optionally only variants in ``sizes``)."""
    variants = product["variants"]
    if sizes:
        wanted = {normalize_size(s) for s in sizes}
        variants = [
            v
            for v in variants
            if normalize_size(str(v.get("options", {}).get("size", ""))) in wanted
        ]
    return {
        "product_id": product["source_id"],
        "name": product["name"],
        "tags": product["tags"],
        "attributes": product.get("metadata", {}),
        "short_description": product.get("short_description", ""),
        "price_min": min(v["price"] for v in product["variants"]),
        "variants": [{"options": v.get("options", {}), "price": v["price"]} for v in variants],
    }


def _in_batch(batch: int) -> Callable[[dict[str, Any]], bool]:
    """Keep rows whose metadata is in ``batch``."""
    return lambda m: m.get("batch") == batch


def run_conflict_eval(
    path: Path = DATASET, facts: FactClassifier | None = None, patterns: bool = True
) -> dict[str, Any]:
    """Micro and per-type precision/recall/F1, per split, plus the rows.

    ``facts`` defaults to the trained fact classifier on the local embedder; ``rules=False``
    measures the classifier alone (how far it generalises without the patterns).
    """
    facts = facts or get_fact_classifier(get_embedder())
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    catalog = {p["source_id"]: p for p in demo_catalog()}

    def target(inputs: dict[str, Any]) -> dict[str, Any]:
        profile = learn(inputs["history"], facts=facts, patterns=patterns)
        found: list[dict[str, Any]] = []
        if inputs.get("product_source_id"):
            found += check_product(
                compact(catalog[inputs["product_source_id"]], inputs.get("variant_sizes")), profile
            )
        if inputs.get("draft"):
            found += check_text(inputs["draft"], profile)
        return {"conflicts": sorted({c["type"] for c in found}), "profile": profile}

    def evaluator(outputs: dict[str, Any], reference: dict[str, Any]) -> dict[str, float]:
        got, want = set(outputs["conflicts"]), set(reference["conflicts"])
        scores = {}
        for t in TYPES:
            scores[f"{t}_tp"] = float(t in got and t in want)
            scores[f"{t}_fp"] = float(t in got and t not in want)
            scores[f"{t}_fn"] = float(t not in got and t in want)
        return scores

    results = run_offline("dmpilot-conflicts", rows, target, evaluator)
    by_id = {r["metadata"]["id"]: r for r in rows}
    summary: dict[str, Any] = {}
    groups: dict[str, Callable[[dict[str, Any]], bool]] = {
        "dev": lambda m: m.get("split") == "dev",
        "test": lambda m: m.get("split") == "test",
        # every later batch, each written and first measured before it was used
        **{
            f"batch_{b}": _in_batch(b)
            for b in sorted({r["metadata"].get("batch", 1) for r in rows} - {1})
        },
        "all": lambda m: True,
    }
    for split, keep in groups.items():
        part = [r for r in results if keep(r["metadata"])]
        if not part:
            continue
        per_type = {}
        totals = [0.0, 0.0, 0.0]
        for t in TYPES:
            tp, fp, fn = (sum(r["scores"][f"{t}_{k}"] for r in part) for k in ("tp", "fp", "fn"))
            totals = [totals[0] + tp, totals[1] + fp, totals[2] + fn]
            if tp + fp + fn:
                p, rc = tp / max(1, tp + fp), tp / max(1, tp + fn)
                f1 = 2 * p * rc / max(1e-9, p + rc)
                per_type[t] = {"precision": round(p, 3), "recall": round(rc, 3),
                               "f1": round(f1, 3), "support": int(tp + fn)}  # fmt: skip
        tp, fp, fn = totals
        p, rc = tp / max(1, tp + fp), tp / max(1, tp + fn)
        summary[split] = {
            "n": len(part),
            "precision": round(p, 4),
            "recall": round(rc, 4),
            "f1": round(2 * p * rc / max(1e-9, p + rc), 4),
            "per_type": per_type,
        }
    wrong = []
    for r in results:
        row = by_id[r["metadata"]["id"]]
        if set(r["outputs"]["conflicts"]) != set(row["outputs"]["conflicts"]):
            wrong.append(
                {
                    "id": row["metadata"]["id"],
                    "inputs": row["inputs"],
                    "expected": row["outputs"]["conflicts"],
                    "got": r["outputs"]["conflicts"],
                }
            )
    return {"summary": summary, "errors": wrong}
