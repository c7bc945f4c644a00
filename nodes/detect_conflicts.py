"""Node 4: check the products the tools returned against the customer's profile."""

from __future__ import annotations

from typing import Any

from langchain_core.messages import ToolMessage
from langgraph.runtime import Runtime

from graphs.state import AgentState, Context
from nodes.agent import this_turn
from nodes.offline.profile import check_product
from nodes.timing import timed


@timed("detect_conflicts")
def detect_conflicts(state: AgentState, runtime: Runtime[Context]) -> dict[str, Any]:
    """Typed conflicts (dietary, allergy, injury, level, fit, budget) with severity."""
    results = []
    for m in this_turn(state.get("messages", [])):
        if isinstance(m, ToolMessage) and isinstance(m.artifact, dict):
            qi = int(m.tool_call_id.split("_")[1]) if m.tool_call_id.startswith("call_") else 0
            results.append({**m.artifact, "question": qi})
    profile = state.get("profile") or {}
    conflicts: list[dict[str, Any]] = []
    seen: set[tuple[Any, ...]] = set()
    for art in results:
        for p in art.get("products", []):
            for c in check_product(p, profile):
                key = (c["product_id"], c["type"], c["fact"])
                if key not in seen:
                    seen.add(key)
                    conflicts.append(c)
    return {"tool_results": results, "conflicts": conflicts}
