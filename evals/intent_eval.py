"""Offline NLU quality on ``evals/datasets/intents.jsonl``: splitting, intents, entities.

Predicted questions are aligned to gold ones by word containment (shared words over the
shorter side >= 0.6). Intent accuracy counts an unmatched gold question as wrong.
"""

from __future__ import annotations

import json
import re
import statistics
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sklearn.metrics import f1_score

from evals.ls import run_offline
from nodes.offline.nlu import analyze
from nodes.state import IntentModel

DATASET = Path(__file__).parent / "datasets" / "intents.jsonl"
ENTITY_KEYS = ("min_price", "max_price", "colors", "sizes", "categories", "sort")


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9']+", text.lower()))


def _overlap(a: str, b: str) -> float:
    wa, wb = _words(a), _words(b)
    if not wa and not wb:
        return 1.0  # emoji-only messages ("🔥🔥🔥") have no words to share
    return len(wa & wb) / max(1, min(len(wa), len(wb)))


def _pairs(ent: dict[str, Any]) -> set[tuple[str, str]]:
    out = set()
    for key in ENTITY_KEYS:
        value = ent.get(key)
        if value in (None, [], "relevance"):
            continue
        for v in value if isinstance(value, list) else [value]:
            out.add((key, str(float(v)) if key.endswith("price") else str(v).lower()))
    return out


def _align(
    gold: list[dict[str, Any]], pred: list[dict[str, Any]]
) -> list[tuple[dict[str, Any], dict[str, Any] | None]]:
    used: set[int] = set()
    aligned: list[tuple[dict[str, Any], dict[str, Any] | None]] = []
    for g in gold:
        options = [(i, _overlap(g["text"], p["text"])) for i, p in enumerate(pred) if i not in used]
        best = max(options, key=lambda t: t[1], default=(None, 0.0))
        if best[0] is not None and best[1] >= 0.6:
            used.add(best[0])
            aligned.append((g, pred[best[0]]))
        else:
            aligned.append((g, None))
    return aligned


def _in_batch(batch: int) -> Callable[[dict[str, Any]], bool]:
    """Keep result rows from ``batch``."""
    return lambda r: r["batch"] == batch


def run_intent_eval(
    classifier: IntentModel, product_types: dict[str, str], path: Path = DATASET
) -> dict[str, Any]:
    """Metrics per split plus the rows for the report."""
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]

    def target(inputs: dict[str, Any]) -> dict[str, Any]:
        pred, _ = analyze(
            inputs["text"], classifier, product_types,
            has_shown_products=inputs.get("has_shown_products", False),
        )  # fmt: skip
        return {"questions": [q.model_dump() for q in pred]}

    def evaluator(outputs: dict[str, Any], reference: dict[str, Any]) -> dict[str, float]:
        pred_d, gold = outputs["questions"], reference["questions"]
        aligned = _align(gold, pred_d)
        tp = fp = fn = 0
        for g, p in aligned:
            gp = _pairs(g["entities"])
            pp = _pairs(p["entities"]) if p else set()
            tp, fp, fn = tp + len(gp & pp), fp + len(pp - gp), fn + len(gp - pp)
        return {
            "count_ok": float(len(pred_d) == len(gold)),
            "segments_matched": float(sum(p is not None for _, p in aligned)),
            "intent_correct": float(
                sum(p is not None and g["intent"] == p["intent"] for g, p in aligned)
            ),
            "entity_tp": float(tp), "entity_fp": float(fp), "entity_fn": float(fn),
        }  # fmt: skip

    by_id = {r["metadata"]["id"]: r for r in rows}
    results = []
    for r in run_offline("dmpilot-intents", rows, target, evaluator):
        row = by_id[r["metadata"]["id"]]
        gold, pred_d = row["outputs"]["questions"], r["outputs"]["questions"]
        aligned = _align(gold, pred_d)
        results.append(
            {
                "id": row["metadata"]["id"],
                "split": row["metadata"]["split"],
                "batch": row["metadata"].get("batch", 1),
                "multi": len(gold) > 1,
                "text": row["inputs"]["text"],
                "count_ok": bool(r["scores"]["count_ok"]),
                "segments_matched": int(r["scores"]["segments_matched"]),
                "gold_n": len(gold),
                "pred_n": len(pred_d),
                "pairs": [(g["intent"], p["intent"] if p else "none") for g, p in aligned],
                "entity_tp": int(r["scores"]["entity_tp"]),
                "entity_fp": int(r["scores"]["entity_fp"]),
                "entity_fn": int(r["scores"]["entity_fn"]),
                "predicted": [(p["text"], p["intent"]) for p in pred_d],
            }
        )
    summary: dict[str, Any] = {}
    groups: dict[str, Callable[[dict[str, Any]], bool]] = {
        "dev": lambda r: r["split"] == "dev",
        "test": lambda r: r["split"] == "test",
        # Each later batch was written and first measured before it was used to change the
        # pipeline: the newest one is the figure closest to unseen data.
        **{f"batch_{b}": _in_batch(b) for b in sorted({r["batch"] for r in results} - {1})},
        "multi_question": lambda r: r["multi"],
        "all": lambda r: True,
    }
    for split, keep in groups.items():
        part = [r for r in results if keep(r)]
        if not part:
            continue
        pairs = [pr for r in part for pr in r["pairs"]]
        gold_i, pred_i = [a for a, _ in pairs], [b for _, b in pairs]
        matched = sum(r["segments_matched"] for r in part)
        seg_p = matched / max(1, sum(r["pred_n"] for r in part))
        seg_r = matched / max(1, sum(r["gold_n"] for r in part))
        tp, fp, fn = (sum(r[k] for r in part) for k in ("entity_tp", "entity_fp", "entity_fn"))
        labels = sorted(set(gold_i))
        summary[split] = {
            "n": len(part),
            "questions": len(pairs),
            "intent_accuracy": round(statistics.mean(a == b for a, b in pairs), 4),
            "intent_macro_f1": round(
                float(f1_score(gold_i, pred_i, labels=labels, average="macro", zero_division=0)), 4
            ),
            "split_count_accuracy": round(statistics.mean(r["count_ok"] for r in part), 4),
            "segment_f1": round(2 * seg_p * seg_r / max(1e-9, seg_p + seg_r), 4),
            "entity_precision": round(tp / max(1, tp + fp), 4),
            "entity_recall": round(tp / max(1, tp + fn), 4),
        }  # fmt: skip
    confusion = Counter(pr for r in results for pr in r["pairs"])
    return {
        "summary": summary,
        "confusion": {f"{a} -> {b}": n for (a, b), n in confusion.items()},
        "rows": results,
    }
