"""Node 6: persist the turn: profile, recommendations, execution log; keep history compact."""

from __future__ import annotations

import time
from typing import Any

from langchain_core.messages import AIMessage, RemoveMessage, ToolMessage
from langgraph.runtime import Runtime

from nodes.agent import this_turn
from nodes.state import AgentState, Context
from nodes.timing import timed

_DECIDING = {"variant_question", "price_inquiry", "comparison"}


def next_stage(state: AgentState) -> str:
    """Where the customer is: browsing products, deciding between them, or in a support case."""
    intents = {q["intent"] for q in state.get("questions", [])}
    if state.get("escalated") and "support" in intents:
        return "support"
    if intents & _DECIDING:
        return "deciding"
    if "product_search" in intents:
        return "browsing"
    return state.get("stage") or "new"


def reply_message_id(execution_id: str) -> str:
    """The id of a turn's reply in the thread's messages."""
    return f"reply-{execution_id}"


def _sold_out(product: dict[str, Any]) -> bool:
    variants = product.get("variants") or []
    return bool(variants) and not any(v.get("in_stock") for v in variants)


def misses(tool_results: list[dict[str, Any]]) -> list[dict[str, Any]] | None:
    """Demand the catalog did not meet this turn: empty searches, asked-for items out of stock.

    Out of stock counts only what the fan could not get: a product asked about by itself
    (its variants looked up) with no matching variant in stock, or a search whose every
    result is out of stock. Each product once per turn; a search with no words and no result
    is not a "query" anyone could act on and is left out.
    """
    out: list[dict[str, Any]] = []
    seen: set[int] = set()
    for art in tool_results:
        if art.get("tool") not in ("search_products", "get_product_variants"):
            continue
        products = art.get("products") or []
        sold_out = [p for p in products if _sold_out(p)]
        if art["tool"] == "search_products" and len(sold_out) < len(products):
            sold_out = []  # the fan was offered something in stock
        gone = [{"product_id": p["product_id"], "name": p["name"]}
                for p in sold_out if p["product_id"] not in seen]  # fmt: skip
        seen.update(g["product_id"] for g in gone)
        query = str(art.get("query") or "").strip()[:200]
        empty = art["tool"] == "search_products" and not products and bool(query)
        if empty or gone:
            out.append({"query": query or gone[0]["name"], "hits": len(products),
                        "out_of_stock": gone})  # fmt: skip
    return out or None


@timed("save_state")
def save_state(state: AgentState, runtime: Runtime[Context]) -> dict[str, Any]:
    """Tool traffic leaves the message history (``shown_products`` keeps what matters)."""
    ctx = runtime.context
    t0 = time.perf_counter()
    creator, customer = state["creator_id"], state["customer_id"]
    recos = [(p["product_id"], p["variant_id"]) for p in state.get("recommended", [])]
    log = state.get("log", [])
    ctx.conversations.record_turn(
        {
            "id": state["execution_id"],
            "creator_id": creator,
            "customer_id": customer,
            "channel": state["channel"],
            "turn": state.get("turn", 0),
            "model": state.get("model", "offline"),
            "fallback_used": bool(state.get("fallback_used")),
            "tokens_in": (state.get("usage") or {}).get("tokens_in", 0),
            "tokens_out": (state.get("usage") or {}).get("tokens_out", 0),
            "cost_usd": (state.get("usage") or {}).get("cost_usd", 0.0),
            "error": "; ".join(state.get("errors", [])) or None,
            "duration_ms": round(sum(e["ms"] for e in log) + (time.perf_counter() - t0) * 1000, 3),
            "nodes": log,
            "intents": [q["intent"] for q in state.get("questions", [])],
            "escalated": bool(state.get("escalated")),
            "misses": misses(state.get("tool_results", [])),
        },
        recos,
        profile=state.get("profile") or {},
    )
    turn = this_turn(state.get("messages", []))
    tool_traffic = [
        RemoveMessage(id=m.id)
        for m in turn
        if m.id and (isinstance(m, ToolMessage) or (isinstance(m, AIMessage) and m.tool_calls))
    ]
    return {
        "stage": next_stage(state),
        # A stable id, so a held reply that a person edits or ignores can be rewritten later.
        "messages": [
            *tool_traffic,
            AIMessage(content=state.get("reply", ""), id=reply_message_id(state["execution_id"])),
        ],
        "tool_results": [],  # per-turn scratch: keep it out of the checkpoint
    }
