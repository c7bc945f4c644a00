"""Multi-turn conversations through the compiled agent graph: tool trajectories and replies.

Each conversation runs on a fresh thread of the real graph (offline back-end, demo catalog,
SQLite checkpointer). Scored per conversation inside ``langsmith.evaluate``:
- ``strict`` / ``superset``: agentevals trajectory match over the whole conversation, with a
  tool-argument matcher that checks only the annotated key arguments;
- ``turn_tools``: share of turns whose tool calls match exactly (names and key arguments);
- ``tool_args``: share of annotated arguments matched by a same-named call in the turn;
- ``reply_checks``: mentions, must-not-mentions, escalation, clarifying question;
- ``grounded``: share of replies whose every catalog product name and price came from a tool
  output earlier in the conversation (or, for prices, from the customer's own words);
- ``length_ok``: share of replies within the channel limit.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from agentevals.trajectory.match import create_trajectory_match_evaluator
from langchain_core.messages import AIMessage, ToolMessage
from langsmith import tracing_context

from evals.ls import run_offline
from nodes.state import Context
from prompts.lexicon import color_family, stem

DATASET = Path(__file__).parent / "datasets" / "trajectories.jsonl"
LIMITS = {"dm": 1000, "comment": 300}
_PRICE = re.compile(r"\$\s?(\d[\d,]*(?:\.\d{1,2})?)")
_WORD = re.compile(r"[a-z0-9]+")
_SHOWN = re.compile(r"shown\[(\d+)\]")


def load_rows(path: Path = DATASET) -> list[dict[str, Any]]:
    """The dataset rows."""
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


# -- running ------------------------------------------------------------------------------
def run_conversation(
    graph: Any, ctx: Context, creator: str, customer: str, channel: str, turns: list[str]
) -> dict[str, Any]:
    """Play the turns on a fresh thread; record calls, tool outputs and replies per turn."""
    cfg = {"configurable": {"thread_id": f"{creator}:{customer}:{channel}"}}
    out: list[dict[str, Any]] = []
    for text in turns:
        state = graph.get_state(cfg).values if out else {}
        shown = [p["product_id"] for p in state.get("shown_products") or []]
        calls: list[list[dict[str, Any]]] = []
        products: list[dict[str, Any]] = []
        final: dict[str, Any] = {}
        t0 = time.perf_counter()
        for chunk in graph.stream(
            {"creator_id": creator, "customer_id": customer, "channel": channel, "text": text},
            cfg, context=ctx, stream_mode="updates", durability="exit",
        ):  # fmt: skip
            for node, update in chunk.items():
                for m in (update or {}).get("messages", []) if node in ("agent", "tools") else []:
                    if isinstance(m, AIMessage) and m.tool_calls:
                        calls.append([{"name": c["name"], "args": c["args"]} for c in m.tool_calls])
                    if isinstance(m, ToolMessage) and isinstance(m.artifact, dict):
                        products += m.artifact.get("products", [])
                if node == "generate_response":
                    final = update
        out.append(
            {
                "text": text,
                "shown_before": shown,
                "rounds": calls,
                "tool_products": [_brief(p) for p in products],
                "reply": final.get("reply", ""),
                "escalated": bool(final.get("escalated", False)),
                "ms": round((time.perf_counter() - t0) * 1000, 2),
            }
        )
    return {"channel": channel, "turns": out}


def last_turn_products(graph: Any, ctx: Context, creator: str, turns: list[str]) -> list[int]:
    """Product ids returned by the tools in the last turn of a fresh conversation, in order."""
    with tracing_context(enabled=False):  # the graph's own runs must not reach a LangSmith client
        conv = run_conversation(graph, ctx, creator, f"search-{uuid.uuid4().hex[:8]}", "dm", turns)
    seen: dict[int, None] = {}
    for p in conv["turns"][-1]["tool_products"]:
        seen.setdefault(p["product_id"])
    return list(seen)


def _brief(p: dict[str, Any]) -> dict[str, Any]:
    prices = {p["price_min"], p["price_max"]} | {v["price"] for v in p.get("variants", [])}
    return {"product_id": p["product_id"], "name": p["name"], "prices": sorted(prices)}


# -- matching -----------------------------------------------------------------------------
def _stems(text: str) -> set[str]:
    return {stem(w) for w in _WORD.findall(text.lower())}


def _norm_list(values: Any, colours: bool = False) -> set[str]:
    items = values if isinstance(values, list) else [values]
    out = set()
    for v in items:
        s = str(v).strip().lower()
        out.add((color_family(s) or s) if colours else s)
    return out


def args_match(expected: dict[str, Any], actual: dict[str, Any]) -> tuple[int, int]:
    """(matched, total) annotated arguments; ``expected`` has references already resolved."""
    matched = total = 0
    for key, want in expected.items():
        total += 1
        if key == "query_has":
            have = _stems(str(actual.get("query", "")))
            for k in ("categories", "tags"):
                for v in actual.get(k) or []:
                    have |= _stems(str(v))
            ok = all(
                any(_stems(alt) <= have for alt in str(w).split("|")) for w in want
            )  # fmt: skip
        elif key == "product_id":
            ok = actual.get("product_id") == want
        elif key == "product_ids":
            ok = set(actual.get("product_ids") or []) == set(want)
        elif isinstance(want, int | float) and not isinstance(want, bool):
            got = actual.get(key)
            ok = isinstance(got, int | float) and abs(float(got) - float(want)) < 0.01
        elif isinstance(want, list):
            ok = _norm_list(want, key == "colors") <= _norm_list(
                actual.get(key) or [], key == "colors"
            )
        else:
            ok = str(actual.get(key, "")).lower() == str(want).lower()
        matched += ok
    return matched, total


def resolve(
    call: dict[str, Any],
    shown: list[int],
    found: Sequence[dict[str, Any]] = (),
) -> dict[str, Any]:
    """Turn references into product ids (None when nothing matches).

    ``shown[i]``: the i-th product shown before the turn; ``name:words``: the first product a
    tool returned in this turn whose name has all the words.
    """

    def one(ref: str) -> int | None:
        if ref.startswith("name:"):
            words = _stems(ref[5:])
            return next((p["product_id"] for p in found if words <= _stems(p["name"])), None)
        m = _SHOWN.fullmatch(ref)
        return shown[int(m.group(1))] if m and int(m.group(1)) < len(shown) else None

    args = dict(call["args"])
    if "product" in args:
        args["product_id"] = one(args.pop("product"))
    if "products" in args:
        args["product_ids"] = [one(r) for r in args.pop("products")]
    return {"name": call["name"], "args": args}


def _calls_equal(expected: list[dict[str, Any]], actual: list[dict[str, Any]]) -> bool:
    if len(expected) != len(actual):
        return False
    free = list(actual)
    for e in expected:
        hit = next(
            (a for a in free if a["name"] == e["name"] and _full(args_match(e["args"], a["args"]))),
            None,
        )
        if hit is None:
            return False
        free.remove(hit)
    return True


def _full(m: tuple[int, int]) -> bool:
    return m[0] == m[1]


def _as_messages(turns: list[dict[str, Any]], rounds_key: str) -> list[dict[str, Any]]:
    msgs: list[dict[str, Any]] = []
    for t in turns:
        msgs.append({"role": "user", "content": t["text"]})
        for calls in t[rounds_key]:
            msgs.append(
                {"role": "assistant", "content": "", "tool_calls": [
                    {"function": {"name": c["name"], "arguments": json.dumps(c["args"])}}
                    for c in calls
                ]}
            )  # fmt: skip
        msgs.append({"role": "assistant", "content": "reply"})
    return msgs


def _matcher(out_args: dict[str, Any], ref_args: dict[str, Any]) -> bool:
    return _full(args_match(ref_args, out_args))


_OVERRIDES: dict[str, Any] = {
    n: _matcher for n in ("search_products", "get_product_variants", "compare_products")
}
STRICT = create_trajectory_match_evaluator(
    trajectory_match_mode="strict", tool_args_match_overrides=_OVERRIDES
)
SUPERSET = create_trajectory_match_evaluator(
    trajectory_match_mode="superset", tool_args_match_overrides=_OVERRIDES
)


# -- reply checks -------------------------------------------------------------------------
def grounded(reply: str, seen: list[dict[str, Any]], said: str, catalog_names: list[str]) -> bool:
    """No catalog product name or price in ``reply`` that no tool returned (or customer said)."""
    low = reply.lower()
    known = {p["name"].lower() for p in seen}
    for name in (n.lower() for n in catalog_names if len(n) > 6):
        if name not in known and re.search(rf"(?<!\w){re.escape(name)}(?!\w)", low):
            return False
    prices = {round(x, 2) for p in seen for x in p["prices"]}
    prices |= {round(float(m.group(1).replace(",", "")), 2) for m in _PRICE.finditer(said)}
    prices |= {float(n) for n in re.findall(r"\b(\d+)\b", said)}  # "under 40 bucks"
    return all(
        round(float(m.group(1).replace(",", "")), 2) in prices for m in _PRICE.finditer(reply)
    )


def reply_checks(turn: dict[str, Any], expected: dict[str, Any]) -> bool:
    """The annotated reply checks of one turn."""
    low = turn["reply"].lower()
    ok = True
    if expected.get("mention_any"):
        ok &= any(w.lower() in low for w in expected["mention_any"])
    ok &= not any(w.lower() in low for w in expected.get("must_not_mention", []))
    if "escalated" in expected:
        ok &= turn["escalated"] == expected["escalated"]
    if expected.get("asks"):
        ok &= "?" in turn["reply"]
    return bool(ok)


def make_evaluator(
    catalog_names: list[str],
) -> Callable[[dict[str, Any], dict[str, Any]], dict[str, float]]:
    """Per-conversation scores from the run outputs and the annotated reference."""

    def evaluate(outputs: dict[str, Any], reference: dict[str, Any]) -> dict[str, float]:
        turns, refs = outputs["turns"], reference["turns"]
        limit = LIMITS[outputs["channel"]]
        seen: list[dict[str, Any]] = []
        said = ""
        resolved_turns = []
        turn_ok = checks = ground = length = 0
        arg_hit = arg_total = 0
        for t, r in zip(turns, refs, strict=True):
            expected = [resolve(c, t["shown_before"], t["tool_products"]) for c in r["tool_calls"]]
            actual = [c for rnd in t["rounds"] for c in rnd]
            turn_ok += _calls_equal(expected, actual)
            for e in expected:
                same = [a for a in actual if a["name"] == e["name"]]
                arg_total += 1 + len(e["args"])  # the tool name counts as one argument
                if same:
                    arg_hit += 1 + max(args_match(e["args"], a["args"])[0] for a in same)
            resolved_turns.append({**t, "expected_rounds": [expected] if expected else []})
            seen += t["tool_products"]
            said += " " + t["text"]
            checks += reply_checks(t, r)
            ground += grounded(t["reply"], seen, said, catalog_names)
            length += len(t["reply"]) <= limit and bool(t["reply"].strip())
        n = len(turns)
        out_msgs = _as_messages(resolved_turns, "rounds")
        ref_msgs = _as_messages(resolved_turns, "expected_rounds")
        return {
            "strict": float(bool(STRICT(outputs=out_msgs, reference_outputs=ref_msgs)["score"])),
            "superset": float(
                bool(SUPERSET(outputs=out_msgs, reference_outputs=ref_msgs)["score"])
            ),
            "turn_tools": turn_ok / n,
            "tool_args": arg_hit / arg_total if arg_total else 1.0,
            "reply_checks": checks / n,
            "grounded": ground / n,
            "length_ok": length / n,
        }

    return evaluate


def run_trajectory_eval(
    graph: Any, ctx: Context, creator: str, catalog_names: list[str], rows: list[dict[str, Any]]
) -> dict[str, Any]:
    """Run every conversation through ``langsmith.evaluate`` offline; summary per split."""
    run_id = uuid.uuid4().hex[:8]  # fresh threads even when the same services run it twice
    counter = iter(range(10**9))

    def target(inputs: dict[str, Any]) -> dict[str, Any]:
        # The graph's own LangChain runs would go to the default (networked) LangSmith
        # client; only the offline evaluate() bookkeeping may trace.
        with tracing_context(enabled=False):
            return run_conversation(
                graph,
                ctx,
                creator,
                f"traj-{run_id}-{next(counter)}",
                inputs["channel"],
                inputs["turns"],
            )

    results = run_offline("dmpilot-trajectories", rows, target, make_evaluator(catalog_names))
    keys = ("strict", "superset", "turn_tools", "tool_args", "reply_checks", "grounded",
            "length_ok")  # fmt: skip
    summary: dict[str, dict[str, float]] = {}
    groups: dict[str, Callable[[dict[str, Any]], bool]] = {
        "dev": lambda m: m.get("split") == "dev",
        "test": lambda m: m.get("split") == "test",
        # written after the batch-1 fixes, never used to change the pipeline: the held-out figure
        "batch_2": lambda m: m.get("batch") == 2,
        "all": lambda m: True,
    }
    for split, keep in groups.items():
        sel = [r for r in results if keep(r["metadata"])]
        if not sel:
            continue
        ms = sorted(t["ms"] for r in sel for t in r["outputs"]["turns"])
        summary[split] = {
            "n": len(sel),
            "turns": len(ms),
            **{k: round(sum(r["scores"][k] for r in sel) / len(sel), 4) for k in keys},
            "p50_ms": ms[len(ms) // 2],
            "p95_ms": ms[min(len(ms) - 1, int(len(ms) * 0.95))],
        }
    worst = sorted(results, key=lambda r: (r["scores"]["turn_tools"], r["scores"]["reply_checks"]))
    failures = [
        {
            "id": r["metadata"].get("id"),
            "scores": r["scores"],
            "turns": [
                {
                    "text": t["text"],
                    "calls": [c for rnd in t["rounds"] for c in rnd],
                    "reply": t["reply"][:160],
                }
                for t in r["outputs"]["turns"]
            ],
        }  # fmt: skip
        for r in worst[:10]
        if r["scores"]["turn_tools"] < 1 or r["scores"]["reply_checks"] < 1
    ]
    return {"summary": summary, "failures": failures}
