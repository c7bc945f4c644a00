r"""The conversational agent graph: one customer thread, one turn per invocation.

START -> load_context -> analyze_intent -> agent -(tool calls?)-> tools -> agent
                                               \\-> detect_conflicts -> generate_response
                          -> record_inbox -> hold_reply -> save_state -> END

One message's turn finishes inside the graph: its questions are in the fan inbox, a flagged
reply is held for a person, and the turn is logged and checkpointed.
"""

from __future__ import annotations

from typing import Any

from langgraph.graph import END, START, StateGraph
from langgraph.prebuilt import ToolNode

from nodes.agent import agent, route_after_agent
from nodes.analyze_intent import analyze_intent
from nodes.detect_conflicts import detect_conflicts
from nodes.generate_response import generate_response
from nodes.hold_reply import hold_reply
from nodes.load_context import load_context
from nodes.record_inbox import record_inbox
from nodes.save_state import save_state
from nodes.state import AgentInput, AgentState, Context
from tools.catalog_tools import CATALOG_TOOLS


def build_agent_graph() -> StateGraph[AgentState, Context, AgentInput, AgentState]:
    """The uncompiled builder (tests and the app compile it with their own checkpointer)."""
    builder = StateGraph(AgentState, context_schema=Context, input_schema=AgentInput)
    builder.add_node("load_context", load_context)
    builder.add_node("analyze_intent", analyze_intent)
    builder.add_node("agent", agent)
    builder.add_node("tools", ToolNode(CATALOG_TOOLS))
    builder.add_node("detect_conflicts", detect_conflicts)
    builder.add_node("generate_response", generate_response)
    builder.add_node("record_inbox", record_inbox)
    builder.add_node("hold_reply", hold_reply)
    builder.add_node("save_state", save_state)

    builder.add_edge(START, "load_context")
    builder.add_edge("load_context", "analyze_intent")
    builder.add_edge("analyze_intent", "agent")
    builder.add_conditional_edges("agent", route_after_agent, ["tools", "detect_conflicts"])
    builder.add_edge("tools", "agent")
    builder.add_edge("detect_conflicts", "generate_response")
    builder.add_edge("generate_response", "record_inbox")
    builder.add_edge("record_inbox", "hold_reply")
    builder.add_edge("hold_reply", "save_state")
    builder.add_edge("save_state", END)
    return builder


def thread_id(creator_id: str, customer_id: str, channel: str) -> str:
    """One checkpoint thread per creator x customer x channel."""
    return f"{creator_id}:{customer_id}:{channel}"


def compile_agent(checkpointer: Any = None) -> Any:
    """Compiled graph; pass a LangGraph checkpointer to persist threads."""
    return build_agent_graph().compile(checkpointer=checkpointer, name="dmpilot-agent")


# What `langgraph.json` points at (LangGraph Platform / `langgraph dev` supply persistence;
# the dmpilot app compiles its own copy with a SQLite checkpointer).
graph = compile_agent()
