"""Node 3: decide which tools to call.

LLM back-end: a tool-calling chat model (at most ``MAX_ROUNDS`` rounds per turn). Offline (or
when every model failed): the deterministic planner emits the same ``AIMessage.tool_calls``.
Either way the graph's ``ToolNode`` executes the calls.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from langchain_core.messages import AIMessage, HumanMessage, SystemMessage, ToolMessage
from langgraph.runtime import Runtime

from nodes.llm_calls import call_llm
from nodes.offline.planner import follow_up, plan
from nodes.state import AgentState, Context
from nodes.timing import timed
from prompts.llm import AGENT_SYSTEM

MAX_ROUNDS = 3


def this_turn(messages: list[Any]) -> list[Any]:
    """Messages after the turn's HumanMessage."""
    for i in range(len(messages) - 1, -1, -1):
        if isinstance(messages[i], HumanMessage):
            return messages[i + 1 :]
    return list(messages)


def _llm_step(state: AgentState, ctx: Context) -> tuple[AIMessage | None, dict[str, Any]]:
    assert ctx.llm is not None
    shown = [
        {"product_id": p["product_id"], "name": p["name"]}
        for p in state.get("shown_products") or []
    ]
    questions = [{"text": q["text"], "intent": q["intent"]} for q in state.get("questions", [])]
    system = AGENT_SYSTEM.format(
        creator=ctx.creator_name, channel=state["channel"], voice=ctx.brand_voice,
        max_chars=ctx.max_chars.get(state["channel"], 1000),
        profile=json.dumps(state.get("profile") or {}), shown=json.dumps(shown),
        questions=json.dumps(questions),
        facets=json.dumps(ctx.search.vocabulary(state["creator_id"]).summary(max_values=8)),
    )  # fmt: skip
    history = [m for m in state.get("messages", []) if not isinstance(m, SystemMessage)]
    llm = ctx.llm
    result, update = call_llm(
        llm,
        dict(state),
        "agent",
        lambda cfg: llm.agent().invoke([SystemMessage(system), *history], cfg),
    )
    return (result if isinstance(result, AIMessage) else None), update


@timed("agent")
def agent(state: AgentState, runtime: Runtime[Context]) -> dict[str, Any]:
    """Plan tool calls (round 1), or follow up on tool results (later rounds)."""
    ctx = runtime.context
    turn = this_turn(state.get("messages", []))
    questions = state.get("questions", [])
    rounds = sum(1 for m in turn if isinstance(m, AIMessage) and m.tool_calls)
    if ctx.llm is not None and not state.get("fallback_used"):
        message, update = _llm_step(state, ctx)
        if message is not None:
            if message.tool_calls and rounds < MAX_ROUNDS:
                return {**update, "messages": [message]}
            return {**update, "llm_draft": str(message.content or "")}
        if any(isinstance(m, ToolMessage) for m in turn):
            return update  # the model failed after tools ran: answer from the results offline
        state = {**state, **update}  # type: ignore[typeddict-item]
        planned = plan(
            questions, state.get("shown_products") or [], state.get("last_search"),
            state.get("focus_product"),
        )  # fmt: skip
        return {**update, "messages": [planned]} if planned else update
    if any(isinstance(m, ToolMessage) for m in turn):
        message = follow_up(questions, turn) if rounds < MAX_ROUNDS else None
    else:
        message = plan(
            questions, state.get("shown_products") or [], state.get("last_search"),
            state.get("focus_product"),
            answered=bool(
                ctx.clusters
                and any(q["intent"] in {"general_question", "support"} for q in questions)
                and ctx.clusters.has_answers(state["creator_id"])
            ),
            policies=any(q["intent"] != "greeting" for q in questions)
            and ctx.search.policies.has_policies(state["creator_id"]),
        )  # fmt: skip
    return {"messages": [message]} if message else {}


def route_after_agent(state: AgentState) -> Literal["tools", "detect_conflicts"]:
    """Run tools when the last message asks for them, else go on to the checks."""
    last = state["messages"][-1] if state.get("messages") else None
    if isinstance(last, AIMessage) and last.tool_calls:
        return "tools"
    return "detect_conflicts"
