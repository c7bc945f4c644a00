"""Quality gate: headline metrics against ``evals/baseline.json`` with a stated tolerance."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

BASELINE = Path(__file__).parent / "baseline.json"
TOLERANCE = 0.02  # an absolute drop larger than this fails the gate

HEADLINE = {
    "search.hit@3": ("search", "all", "hit@3"),
    "search.ndcg@5": ("search", "all", "ndcg@5"),
    "search.mrr": ("search", "all", "mrr"),
    "search.multi_turn.hit@3": ("search", "multi_turn", "hit@3"),
    "search.multi_turn.ndcg@5": ("search", "multi_turn", "ndcg@5"),
    "intents.intent_accuracy": ("intents", "all", "intent_accuracy"),
    "intents.intent_macro_f1": ("intents", "all", "intent_macro_f1"),
    "intents.split_count_accuracy": ("intents", "all", "split_count_accuracy"),
    "intents.segment_f1": ("intents", "all", "segment_f1"),
    "intents.entity_precision": ("intents", "all", "entity_precision"),
    "intents.entity_recall": ("intents", "all", "entity_recall"),
    "trajectories.strict": ("trajectories", "all", "strict"),
    "trajectories.superset": ("trajectories", "all", "superset"),
    "trajectories.tool_args": ("trajectories", "all", "tool_args"),
    "trajectories.reply_checks": ("trajectories", "all", "reply_checks"),
    "trajectories.grounded": ("trajectories", "all", "grounded"),
    "trajectories.length_ok": ("trajectories", "all", "length_ok"),
    "conflicts.precision": ("conflicts", "all", "precision"),
    "conflicts.recall": ("conflicts", "all", "recall"),
    "clustering.banking77.ari": ("clustering", "banking77_train", "dmpilot", "ari"),
    "clustering.clinc150.ari": ("clustering", "clinc150_train", "dmpilot", "ari"),
    "clustering.snips.ari": ("clustering", "snips_train", "dmpilot", "ari"),
    "clustering.stackoverflow.ari": ("clustering", "stackoverflow_train", "dmpilot", "ari"),
    "clustering.clinc150.purity_confident": (
        "clustering",
        "clinc150_train",
        "dmpilot_confident",
        "purity_3plus",
    ),
}


def _dig(report: dict[str, Any], path: tuple[str, ...]) -> Any:
    section, *rest = path
    node: Any = report.get(section, {})
    if section != "clustering":
        node = node.get("summary", {})
    for key in rest:
        node = node.get(key, {}) if isinstance(node, dict) else {}
    return node if isinstance(node, int | float) else None


def headline(report: dict[str, Any]) -> dict[str, float]:
    """The gated numbers of a report."""
    out = {}
    for name, path in HEADLINE.items():
        value = _dig(report, path)
        if value is not None:
            out[name] = float(value)
    return out


def check(
    current: dict[str, float],
    baseline: dict[str, float],
    tolerance: float = TOLERANCE,
    sections: set[str] | None = None,
) -> list[str]:
    """Failures: metrics that dropped by more than ``tolerance`` (or disappeared).

    ``sections`` limits the gate to some report sections (CI runs the fast ones).
    """
    failures = []
    for name, base in baseline.items():
        if sections is not None and name.split(".")[0] not in sections:
            continue
        now = current.get(name)
        if now is None:
            failures.append(f"{name}: missing (baseline {base:.4f})")
        elif now < base - tolerance:
            failures.append(f"{name}: {now:.4f} < baseline {base:.4f} - {tolerance}")
    return failures


def load_baseline() -> dict[str, float]:
    """The committed baseline."""
    return {k: float(v) for k, v in json.loads(BASELINE.read_text())["metrics"].items()}


def write_baseline(report: dict[str, Any]) -> None:
    """Record the current headline metrics as the baseline (``make eval-baseline``)."""
    BASELINE.write_text(
        json.dumps({"tolerance": TOLERANCE, "metrics": headline(report)}, indent=2) + "\n"
    )
