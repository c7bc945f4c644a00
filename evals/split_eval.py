"""Splitting a message into focused asks, next to the naive baseline in the same run.

Datasets: the public multi-intent dev sets in ``../shared/datasets/`` (MixATIS, MixSNIPS:
lower-case, unpunctuated, joined by "and", "and then", "and also" and commas; gold is the
number of intents) and the project's DM sets (``evals/datasets/dm_splits.jsonl``, written by a
helper who never saw the splitter, and the questions of ``evals/datasets/intents.jsonl``),
whose gold is the text of every ask. DM batches 1 and 2 are dev (their misses were read);
batch 3 (``dm_splits_b3.jsonl``) is held out: measured here, its misses never read.

Metrics: count accuracy (as many asks as gold), and on the DM sets the gold asks that no
predicted ask covers ("dropped": a question nobody answers). The baseline splits on every
sentence end, comma and "and".

``python -m evals.split_eval [--show N]``
"""

from __future__ import annotations

import argparse
import json
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from evals.intent_eval import _align

ROOT = Path(__file__).parent
SHARED = ROOT.parent.parent / "shared" / "datasets"
PUBLIC = {"mixatis_dev": "mixatis_clean_dev.jsonl", "mixsnips_dev": "mixsnips_clean_dev.jsonl"}
DM = {"dm_splits": ROOT / "datasets" / "dm_splits.jsonl",
      "dm_splits_b2": ROOT / "datasets" / "dm_splits_b2.jsonl",
      "dm_splits_b3": ROOT / "datasets" / "dm_splits_b3.jsonl",
      "intents_dm": ROOT / "datasets" / "intents.jsonl"}  # fmt: skip

Splitter = Callable[[str], list[str]]


def naive(text: str) -> list[str]:
    """The baseline: every sentence end, comma and "and" starts a new ask."""
    return [p.strip() for p in re.split(r"[.?!\n]+|,|\band\b", text) if re.search(r"\w", p)]


def load(name: str) -> list[dict[str, Any]] | None:
    """Rows as ``{"text", "n", "questions"?}``; None when the file is absent."""
    if name in PUBLIC:
        path = SHARED / PUBLIC[name]
        if not path.exists():
            return None
        rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
        return [{"text": r["text"], "n": r["n"]} for r in rows]
    path = DM[name]
    if not path.exists():
        return None
    out = []
    for line in path.read_text().splitlines():
        if not line.strip():
            continue
        r = json.loads(line)
        gold = r["outputs"]["questions"]
        texts = [g if isinstance(g, str) else g["text"] for g in gold]
        out.append({"text": r["inputs"]["text"], "n": len(texts), "questions": texts,
                    "id": r.get("metadata", {}).get("id")})  # fmt: skip
    return out


def score(rows: list[dict[str, Any]], split: Splitter) -> dict[str, Any]:
    """Count accuracy, dropped asks and the misses of one splitter on one dataset."""
    ok = dropped = gold_total = 0
    misses = []
    t0 = time.perf_counter()
    for r in rows:
        pred = split(r["text"])
        good = len(pred) == r["n"]
        ok += good
        lost = 0
        if "questions" in r:
            aligned = _align([{"text": q} for q in r["questions"]], [{"text": p} for p in pred])
            lost = sum(1 for _, p in aligned if p is None)
            dropped += lost
            gold_total += len(r["questions"])
        if not good or lost:
            misses.append({"text": r["text"], "gold": r.get("questions", r["n"]), "pred": pred})
    out: dict[str, Any] = {
        "n": len(rows),
        "count_accuracy": round(ok / max(1, len(rows)), 4),
        "ms_per_message": round((time.perf_counter() - t0) * 1000 / max(1, len(rows)), 3),
        "misses": misses,
    }
    if gold_total:
        out["dropped"] = dropped
        out["gold_asks"] = gold_total
    return out


def dmpilot_splitter() -> Splitter:
    """The agent's own splitting (questions only; statements are context, not asks)."""
    from memory.embeddings import get_embedder
    from nodes.offline.nlu import split_asks

    embedder = get_embedder()

    def split(text: str) -> list[str]:
        return split_asks(text, embedder)

    return split


def run_split_eval(splitter: Splitter | None = None) -> dict[str, Any]:
    """Both splitters on every dataset that is present."""
    ours = splitter or dmpilot_splitter()
    result: dict[str, Any] = {}
    for name in [*PUBLIC, *DM]:
        rows = load(name)
        if rows is None:
            result[name] = {"skipped": "file not found"}
            continue
        result[name] = {"dmpilot": score(rows, ours), "naive": score(rows, naive)}
    return result


def report_lines(result: dict[str, Any]) -> list[str]:
    """Markdown table, dmpilot next to the baseline."""
    lines = [
        "| dataset | messages | dmpilot count acc | naive count acc | dmpilot dropped | "
        "naive dropped | dmpilot ms/msg |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, r in result.items():
        if "skipped" in r:
            lines.append(f"| {name} | skipped: {r['skipped']} | | | | | |")
            continue
        d, b = r["dmpilot"], r["naive"]
        drop = f"{d['dropped']}/{d['gold_asks']}" if "dropped" in d else "-"
        bdrop = f"{b['dropped']}/{b['gold_asks']}" if "dropped" in b else "-"
        lines.append(
            f"| {name} | {d['n']} | {d['count_accuracy']:.3f} | {b['count_accuracy']:.3f} "
            f"| {drop} | {bdrop} | {d['ms_per_message']} |"
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    """Print the table (and ``--show N`` misses per dataset)."""
    parser = argparse.ArgumentParser(prog="python -m evals.split_eval", description=__doc__)
    parser.add_argument("--show", type=int, default=0, help="print N misses per dataset")
    opts = parser.parse_args(argv)
    result = run_split_eval()
    print("\n".join(report_lines(result)))
    for name, r in result.items():
        for miss in r.get("dmpilot", {}).get("misses", [])[: opts.show]:
            print(f"- {name}: {miss['text']!r}\n    gold {miss['gold']}\n    got  {miss['pred']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
