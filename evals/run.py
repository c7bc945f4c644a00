"""``make eval``: offline evaluation runs of every dataset through the real components.

Product search, NLU (intents, entities, splitting), agent conversations (trajectories,
replies, grounding), conflicts, the intent classifier's cross-validation, scenarios on several
shops' catalogs through the HTTP API, splitting on public multi-intent sets next to a naive
baseline, and question clustering. Writes ``evals/reports/<timestamp>.json`` and ``.md`` and
prints the tables.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from app.demo import DEMO_CREATOR, demo_catalog
from app.services import llm_from_settings, open_services
from app.settings import Settings
from evals import gate, ls
from evals.cluster_eval import run_cluster_eval
from evals.conflict_eval import run_conflict_eval
from evals.gate import write_baseline
from evals.intent_cv import run_intent_cv
from evals.intent_eval import run_intent_eval
from evals.scenario_eval import load_rows as load_scenarios
from evals.scenario_eval import report_lines as scenario_lines
from evals.scenario_eval import run_scenario_eval
from evals.search_eval import load_rows, run_search_eval
from evals.split_eval import report_lines as split_lines
from evals.split_eval import run_split_eval
from evals.trajectory_eval import last_turn_products, run_trajectory_eval
from evals.trajectory_eval import load_rows as load_trajectories
from memory.importers import import_catalog
from memory.schemas import CreatorIn
from nodes.analyze_intent import product_types

REPORTS = Path(__file__).parent / "reports"


def confusion_table(confusion: dict[str, int]) -> list[str]:
    """Markdown matrix from ``{"gold -> predicted": n}`` ("none" = question not found)."""
    pairs = {tuple(k.split(" -> ")): n for k, n in confusion.items()}
    gold = sorted({g for g, _ in pairs})
    pred = sorted({p for _, p in pairs} | set(gold))
    short = {p: p.replace("_question", "_q").replace("product_", "") for p in pred}
    lines = ["| gold \\ predicted | " + " | ".join(short[p] for p in pred) + " |",
             "|---" * (len(pred) + 1) + "|"]  # fmt: skip
    for g in gold:
        cells = [str(pairs.get((g, p), "")) for p in pred]
        lines.append(f"| {short[g]} | " + " | ".join(cells) + " |")
    return lines


def main(argv: list[str] | None = None) -> int:
    """Build the demo catalog in a temp dir, run every evaluation, save the report.

    ``--gate`` exits 1 when a headline metric drops below the baseline by more than the
    tolerance; ``--write-baseline`` records the current metrics as the baseline;
    ``--model provider:model`` runs the agent conversations on that LLM back-end (the NLU,
    search, conflict and clustering sections stay on the local components); ``--upload``
    (with ``LANGSMITH_API_KEY``) upserts the datasets in LangSmith and records experiments.
    """
    parser = argparse.ArgumentParser(prog="python -m evals.run", description=main.__doc__)
    parser.add_argument("--gate", action="store_true", help="fail on a headline drop")
    parser.add_argument("--write-baseline", action="store_true", help="record the baseline")
    parser.add_argument("--model", default="offline", help="provider:model for the agent")
    parser.add_argument("--upload", action="store_true", help="upsert datasets in LangSmith")
    opts = parser.parse_args(argv)
    model = opts.model
    if opts.upload:
        if not os.environ.get("LANGSMITH_API_KEY"):
            print(
                "--upload needs LANGSMITH_API_KEY; nothing was uploaded (offline runs need no flag)"
            )
            return 2
        from langsmith import Client

        ls.enable_upload(Client())
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp), chat_model=model, fallback_models=[])
        llm = llm_from_settings(settings)
        if model != "offline" and llm is None:
            print(f"--model {model}: skipped, its API key is not set (OPENAI_API_KEY or "
                  "GOOGLE_API_KEY); run without --model for the offline back-end")  # fmt: skip
            return 0
        svc = open_services(settings, llm=llm)
        svc.catalog.create_creator(CreatorIn(**DEMO_CREATOR))
        import_catalog(svc.catalog, "demo", json.dumps({"products": demo_catalog()}), fmt="json")
        ctx = svc.agent_context("demo")
        search = run_search_eval(
            svc.search,
            "demo",
            load_rows(),
            converse=lambda turns: last_turn_products(svc.agent, ctx, "demo", turns),
        )
        nlu = run_intent_eval(ctx.classifier, product_types(ctx, "demo"))
        names = [p["name"] for p in demo_catalog()]
        trajectories = run_trajectory_eval(svc.agent, ctx, "demo", names, load_trajectories())
        svc.close()
    conflicts = run_conflict_eval()
    intents = run_intent_cv()
    print("[eval] scenarios on every catalog through the HTTP API ...", file=sys.stderr)
    scenarios = run_scenario_eval(load_scenarios())
    print("[eval] splitting: public multi-intent dev sets and DM sets ...", file=sys.stderr)
    splitting = run_split_eval()
    clustering = run_cluster_eval()
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    REPORTS.mkdir(exist_ok=True)
    report = {
        "when": stamp,
        "model": model,
        "search": search,
        "intents": nlu,
        "trajectories": trajectories,
        "conflicts": conflicts,
        "intent_cv": intents,
        "scenarios": {k: v for k, v in scenarios.items() if k != "failures"},
        "splitting": {
            name: {who: {k: v for k, v in r.items() if k != "misses"} for who, r in res.items()}
            if "skipped" not in res
            else res
            for name, res in splitting.items()
        },
        "clustering": clustering,
    }
    (REPORTS / f"{stamp}.json").write_text(json.dumps(report, indent=2))
    lines = [
        f"# dmpilot evaluation {stamp}",
        "",
        "## Product search (demo catalog)",
        "",
        "| split | n | hit@1 | hit@3 | MRR | nDCG@5 | p50 ms |",
        "|---|---|---|---|---|---|---|",
    ]
    for split, m in search["summary"].items():
        lines.append(
            f"| {split} | {m['n']} | {m['hit@1']:.3f} | {m['hit@3']:.3f} | {m['mrr']:.3f} "
            f"| {m['ndcg@5']:.3f} | {m['p50_ms']:.1f} |"
        )
    worst = sorted(search["rows"], key=lambda r: (r["ndcg@5"], r["mrr"]))[:10]
    lines += ["", "### 10 worst queries", "", "| query | filters | got (top 3) | expected |",
              "|---|---|---|---|"]  # fmt: skip
    for r in worst:
        lines.append(
            f"| {r['query']} | {json.dumps(r['filters'])} | {', '.join(r['ranked'][:3])} "
            f"| {', '.join(r['expected'][:3])} |"
        )
    lines += [
        "",
        "## Offline NLU on evals/datasets/intents.jsonl",
        "",
        "| split | messages | questions | intent acc | intent macro-F1 | split count acc | "
        "segment F1 | entity P | entity R |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for split, m in nlu["summary"].items():
        lines.append(
            f"| {split} | {m['n']} | {m['questions']} | {m['intent_accuracy']:.3f} "
            f"| {m['intent_macro_f1']:.3f} | {m['split_count_accuracy']:.3f} "
            f"| {m['segment_f1']:.3f} | {m['entity_precision']:.3f} | {m['entity_recall']:.3f} |"
        )
    wrong = [r for r in nlu["rows"] if any(a != b for a, b in r["pairs"]) or not r["count_ok"]]
    lines += ["", "### Intent confusion matrix (rows gold, columns predicted)", ""]
    lines += confusion_table(nlu["confusion"])
    lines += ["", "### Worst NLU rows", ""]
    lines += [f"- `{r['text'][:90]}` -> {r['predicted']}" for r in wrong[:10]]
    lines += [
        "",
        "## Agent conversations on evals/datasets/trajectories.jsonl (compiled graph, offline)",
        "",
        "| split | convs | turns | strict | superset | turn tools | tool args | reply checks "
        "| grounded | length ok | p50 ms | p95 ms |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for split, m in trajectories["summary"].items():
        lines.append(
            f"| {split} | {m['n']} | {m['turns']} | {m['strict']:.3f} | {m['superset']:.3f} "
            f"| {m['turn_tools']:.3f} | {m['tool_args']:.3f} | {m['reply_checks']:.3f} "
            f"| {m['grounded']:.3f} | {m['length_ok']:.3f} | {m['p50_ms']} | {m['p95_ms']} |"
        )
    lines += ["", "### Worst conversations", ""]
    for f in trajectories["failures"]:
        lines.append(f"- {f['id']}: " + "; ".join(
            f"`{t['text'][:60]}` -> {[c['name'] + json.dumps(c['args']) for c in t['calls']]}"
            for t in f["turns"]))  # fmt: skip
    lines += ["", "## Conflict detection on evals/datasets/conflicts.jsonl", "",
              "| split | cases | precision | recall | F1 |", "|---|---|---|---|---|"]  # fmt: skip
    for split, m in conflicts["summary"].items():
        lines.append(
            f"| {split} | {m['n']} | {m['precision']:.3f} | {m['recall']:.3f} | {m['f1']:.3f} |"
        )
    per_type = conflicts["summary"]["all"]["per_type"]
    typed = [
        f"{t} P {v['precision']:.2f} R {v['recall']:.2f} (n={v['support']})"
        for t, v in per_type.items()
    ]
    lines += ["", "Per type (all): " + "; ".join(typed)]
    lines += [
        f"- wrong: {e['inputs']} expected {e['expected']} got {e['got']}"
        for e in conflicts["errors"][:10]
    ]
    lines += [
        "",
        "## Scenarios on several shops' catalogs (evals/datasets/scenarios, through the HTTP API)",
        "",
        "Batches 1-4 were tuned on after their first measurement (dev); batch 5 is held out,",
        "its failures unread (see evals/datasets/scenarios/README.md).",
        "",
        *scenario_lines(scenarios),
        "",
        "## Splitting a message into asks (dmpilot next to the naive and/comma splitter)",
        "",
        *split_lines(splitting),
    ]
    lines += [
        "",
        "## Offline intent classifier (5-fold CV on prompts/data/intent_examples.jsonl)",
        "",
        f"{intents['examples']} examples: accuracy {intents['accuracy']:.3f}, "
        f"macro-F1 {intents['macro_f1']:.3f}. Top confusions: "
        + "; ".join(intents["top_confusions"][:5]),
    ]
    lines += [
        "",
        "## Question clustering (../shared/datasets; the number of clusters is not given)",
        "",
        "dmpilot_confident: the same clusters, counting only members confident enough to be "
        "drafted from the cluster's answer (the rest are held for review).",
        "",
        "| dataset | method | questions | clusters (>=3) / gold | NMI | ARI | ACC "
        "| purity >=3 | coverage | time |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, m in clustering.items():
        if "skipped" in m:
            lines.append(f"| {name} | skipped: {m['skipped']} | | | | | | | | |")
            continue
        for method, v in m.items():
            if not isinstance(v, dict):
                continue
            lines.append(
                f"| {name} | {method} | {m['questions']} | {v['clusters']} ({v['clusters_3plus']})"
                f" / {v['gold_clusters']} | {v['nmi']:.3f} | {v['ari']:.3f} | {v['accuracy']:.3f}"
                f" | {v['purity_3plus']:.3f} | {v['coverage_3plus']:.3f} | {v['seconds']} s |"
            )
    curves = [
        f"- {name}: "
        + ", ".join(
            f"{c['level']:.2f} -> {c['purity_3plus']:.3f} @ {c['coverage_3plus']:.3f}"
            for c in m["dmpilot_confident"].get("curve", [])
        )
        for name, m in clustering.items()
        if "dmpilot_confident" in m
    ]
    if curves:
        lines += ["", "Purity at coverage by membership level (clusters with >= 3 members):", ""]
        lines += curves
    md = "\n".join(lines) + "\n"
    (REPORTS / f"{stamp}.md").write_text(md)
    sys.stdout.write(md)
    print(f"saved evals/reports/{stamp}.json and .md")
    if opts.write_baseline:
        write_baseline(report)
        print(f"baseline written: {gate.BASELINE}")
    if opts.gate:
        ran = {k for k, v in report.items() if k != "clustering" or not any(
            "skipped" in d for d in clustering.values())}  # fmt: skip
        failures = gate.check(gate.headline(report), gate.load_baseline(), sections=ran)
        for f in failures:
            print(f"GATE FAILED {f}")
        print("gate: " + ("FAILED" if failures else f"passed (tolerance {gate.TOLERANCE})"))
        return 1 if failures else 0
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
