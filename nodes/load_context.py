"""Node 1: start a turn. Trim history, load the learned profile, reset per-turn fields."""

from __future__ import annotations

import uuid
from typing import Any

from langchain_core.messages import HumanMessage, RemoveMessage
from langgraph.runtime import Runtime

from nodes.state import AgentState, Context
from nodes.timing import timed


@timed("load_context")
def load_context(state: AgentState, runtime: Runtime[Context]) -> dict[str, Any]:
    """Keep the last N messages (older ones folded into ``summary``) so state stays bounded."""
    ctx = runtime.context
    messages = state.get("messages", [])
    keep = max(2, ctx.history_messages)
    old = messages[:-keep] if len(messages) > keep else []
    summary = state.get("summary", "")
    if old:
        asked = [
            m.content for m in old if isinstance(m, HumanMessage) and isinstance(m.content, str)
        ]
        summary = (summary + " | " if summary else "") + " | ".join(a[:60] for a in asked)
        summary = summary[-600:]
    profile = ctx.conversations.get_profile(state["creator_id"], state["customer_id"])
    return {
        "messages": [RemoveMessage(id=m.id) for m in old if m.id]
        + [HumanMessage(content=state["text"], id=str(uuid.uuid4()))],
        "summary": summary,
        "profile": profile,
        "turn": state.get("turn", 0) + 1,
        "execution_id": str(uuid.uuid4()),
        "questions": [],
        "statements": [],
        "conflicts": [],
        "tool_results": [],
        "recommended": [],
        "reply": "",
        "escalated": False,
        "clarify": False,
        "model": ctx.llm.name if ctx.llm else "offline",
        "fallback_used": False,
        "usage": {"tokens_in": 0, "tokens_out": 0, "cost_usd": 0.0},
        "llm_draft": "",
        "errors": [],
        "log": [],
    }
