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
