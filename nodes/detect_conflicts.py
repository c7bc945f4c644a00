"""Node 4: check the products the tools returned against the customer's profile."""

from __future__ import annotations

import json
import re
from typing import Any

from langchain_core.messages import HumanMessage, SystemMessage, ToolMessage
from langgraph.runtime import Runtime

from memory.catalog import NotFoundError
from nodes.agent import this_turn
from nodes.llm_backend import LLMConflictReport
from nodes.llm_calls import call_llm
from nodes.offline.conflicts import (
    check_product,
    common_roots,
    limit_conflicts,
    own_setup,
    said_measures,
    setup_conflicts,
    told,
)
from nodes.state import AgentState, Context
from nodes.timing import timed
from prompts.llm import CONFLICT_SYSTEM
from tools.attributes import product_text

EARLIER_TURNS = 6  # the customer's earlier messages whose weights and heights still count


@timed("detect_conflicts")
def detect_conflicts(state: AgentState, runtime: Runtime[Context]) -> dict[str, Any]:
    """Typed conflicts (dietary, allergy, injury, level, fit, budget) with severity."""
    results = []
    for m in this_turn(state.get("messages", [])):
        if isinstance(m, ToolMessage) and isinstance(m.artifact, dict):
            qi = int(m.tool_call_id.split("_")[1]) if m.tool_call_id.startswith("call_") else 0
            results.append({**m.artifact, "question": qi})
    profile = state.get("profile") or {}
    recipient = state.get("recipient") or {}  # the person this message's products are for
    conflicts: list[dict[str, Any]] = []
    seen: set[tuple[Any, ...]] = set()
    texts: dict[int, str | None] = {}
    earlier = [
        m.content
        for m in state.get("messages", [])[:-1]
        if isinstance(m, HumanMessage) and isinstance(m.content, str)
    ][-EARLIER_TURNS:]
    measures = " ".join([state.get("text", ""), said_measures(earlier)]).strip()
    _measured = bool(re.search(r"\d", measures))
    owns = own_setup(" ".join([*earlier, state.get("text", "")]))
    statements = told(" ".join([*earlier, state.get("text", "")]))
    search = runtime.context.search
    kinds = search.vocabulary(state["creator_id"]).categories if owns or statements else []
    common = _common(search.index(state["creator_id"])) if statements else frozenset()
    for art in results:
        f = art.get("filters") or {}
        # A variant asked for ("the pouches in poultry selection") is judged by its own options,
        # not by every flavour the product comes in.
        chosen = bool(f.get("options") or f.get("colors") or f.get("sizes"))
        for p in art.get("products", []):
            if (profile or recipient) and p["product_id"] not in texts:
                only = p.get("variants") if chosen else None
                texts[p["product_id"]] = _full_text(runtime.context, state["creator_id"], p, only)
            text = texts.get(p["product_id"])
            checked = check_product(p, profile, text) if profile else []
            if _measured:  # "my great dane is 70kg": the product's stated limits, checked
                if p["product_id"] not in texts:
                    texts[p["product_id"]] = _full_text(runtime.context, state["creator_id"], p)
                checked += limit_conflicts(measures, p, texts[p["product_id"]])
            if recipient:
                checked += [{**c, "whose": "recipient"} for c in check_product(p, recipient, text)]
            if owns or statements:  # "we only have an induction stove", "mare is in foal":
                # what the listing says it won't suit
                if p["product_id"] not in texts:
                    texts[p["product_id"]] = _full_text(runtime.context, state["creator_id"], p)
                checked += setup_conflicts(
                    owns, p, texts[p["product_id"]], kinds, statements, common
                )
            for c in checked:
                key = (c["product_id"], c["type"], c["fact"])
                if key not in seen:
                    seen.add(key)
                    conflicts.append(c)
    update: dict[str, Any] = {}
    products = {p["product_id"]: p for art in results for p in art.get("products", [])}
    llm = runtime.context.llm
    if llm is not None and products and profile and not state.get("fallback_used"):
        brief = [
            {k: p.get(k) for k in ("product_id", "name", "tags", "attributes", "price_min")}
            for p in products.values()
        ]
        prompt = CONFLICT_SYSTEM.format(profile=json.dumps(profile), products=json.dumps(brief))
        report, update = call_llm(
            llm, dict(state), "detect_conflicts",
            lambda cfg: llm.conflict_reviewer().invoke([SystemMessage(prompt)], cfg),
        )  # fmt: skip
        if isinstance(report, LLMConflictReport):
            for found in report.conflicts:
                key = (found.product_id, found.type, found.fact)
                if found.product_id in products and key not in seen:
                    seen.add(key)
                    conflicts.append(
                        {"type": found.type, "severity": found.severity, "fact": found.fact,
                         "product_id": found.product_id,
                         "product_name": products[found.product_id]["name"],
                         "evidence": [found.evidence], "source": "llm"}
                    )  # fmt: skip
    return {**update, "tool_results": results, "conflicts": conflicts}


def _common(idx: Any) -> frozenset[str]:
    """The catalog's common words (``common_roots``), read once per index."""
    got = getattr(idx, "_common_roots", None)
    if got is None:
        got = common_roots(idx.text_tokens)
        idx._common_roots = got
    return got


def _full_text(
    ctx: Context, creator_id: str, product: dict[str, Any], only: list[Any] | None = None
) -> str | None:
    """Everything the product says about itself, description included (None if it is gone).

    ``only``: the variants asked for; the other variants' options are left out.
    """
    try:
        row, variants = ctx.search.product_rows(creator_id, product["product_id"])
    except NotFoundError:
        return None
    if only:
        ids = {v.get("variant_id") for v in only}
        kept = [v for v in variants if v.get("id", v.get("variant_id")) in ids]
        if kept:
            # "Fish Selection: tuna, salmon. Poultry Selection: chicken." -> the asked one only
            mine = {str(x).lower() for v in kept for x in (v.get("options") or {}).values()}
            other = {str(x).lower() for v in variants for x in (v.get("options") or {}).values()}
            if other - mine:
                names = "|".join(re.escape(x) for x in sorted(other - mine, key=len, reverse=True))
                said = re.sub(
                    rf"(?i)\b(?:{names})\s*:[^.<]*", " ", str(row.get("description") or "")
                )
                row = {**row, "description": said}
            variants = kept
    return product_text(row, variants)
