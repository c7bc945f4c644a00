"""Node 5: write the grounded reply in the creator's voice, within the channel's limit."""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from graphs.state import AgentState, Context
from nodes.offline.responder import render
from nodes.timing import timed


def _brief(p: dict[str, Any]) -> dict[str, Any]:
    """What the API returns per recommended product: the variant the reply is about."""
    variants = p.get("variants") or []
    v = next((x for x in variants if x.get("in_stock")), variants[0] if variants else None)
    return {
        "product_id": p["product_id"],
        "variant_id": v["variant_id"] if v else None,
        "name": p["name"],
        "price": v["price"] if v else p["price_min"],
        "url": p.get("url"),
    }


@timed("generate_response")
def generate_response(state: AgentState, runtime: Runtime[Context]) -> dict[str, Any]:
    """Render from this turn's tool results; remember what was shown for follow-ups."""
    ctx = runtime.context
    by_question: dict[int, list[dict[str, Any]]] = {}
    for art in state.get("tool_results", []):
        by_question.setdefault(art["question"], []).append(art)
    reply, shown, escalated = render(
        state.get("questions", []),
        by_question,
        state.get("conflicts", []),
        ctx.brand_voice,
        ctx.creator_name,
        ctx.max_chars.get(state["channel"], 1000),
    )
    update: dict[str, Any] = {
        "reply": reply,
        "escalated": escalated,
        "recommended": [_brief(p) for p in shown],
    }
    searches = [a for a in state.get("tool_results", []) if a["tool"] == "search_products"]
    # Only a new list of results replaces what "the first one" refers to; answers about one
    # product (variants, price, comparison) keep the list the customer is looking at.
    listed = {p["product_id"] for a in searches for p in a["products"]}
    if shown and any(p["product_id"] in listed for p in shown):
        update["shown_products"] = [p for p in shown if p["product_id"] in listed][:6]
    if searches and searches[-1]["products"]:
        last = searches[-1]
        update["last_search"] = {
            "query": last["query"],
            "filters": last["filters"],
            "sort": last["sort"],
        }
    return update
