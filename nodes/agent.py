"""Node 3: decide which tools to call.

Offline, the deterministic planner emits the same ``AIMessage.tool_calls`` an LLM agent would;
the graph's ``ToolNode`` executes them.
"""

from __future__ import annotations

from typing import Any, Literal

from langchain_core.messages import AIMessage, HumanMessage, ToolMessage
from langgraph.runtime import Runtime

from graphs.state import AgentState, Context
from nodes.offline.planner import follow_up, plan
from nodes.timing import timed


def this_turn(messages: list[Any]) -> list[Any]:
    """Messages after the turn's HumanMessage."""
    for i in range(len(messages) - 1, -1, -1):
        if isinstance(messages[i], HumanMessage):
            return messages[i + 1 :]
    return list(messages)


@timed("agent")
def agent(state: AgentState, runtime: Runtime[Context]) -> dict[str, Any]:
    """Plan tool calls (round 1), or follow up on tool results (round 2)."""
    turn = this_turn(state.get("messages", []))
    questions = state.get("questions", [])
    if any(isinstance(m, ToolMessage) for m in turn):
        message = follow_up(questions, turn)
    else:
        message = plan(questions, state.get("shown_products") or [], state.get("last_search"))
    return {"messages": [message]} if message else {}


def route_after_agent(state: AgentState) -> Literal["tools", "detect_conflicts"]:
    """Run tools when the last message asks for them, else go on to the checks."""
    last = state["messages"][-1] if state.get("messages") else None
    if isinstance(last, AIMessage) and last.tool_calls:
        return "tools"
    return "detect_conflicts"
