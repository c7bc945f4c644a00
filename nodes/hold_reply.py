"""Node: hold a flagged reply for a person instead of sending it.

``generate_response`` gives the reasons (a conflict it could not settle, an answer drafted from
a near match). The reply-approval graph pauses on it in a thread of its own
(``reply:<creator>:<execution>``), so the conversation goes on while the approval waits; the
approval row makes it listable, and the turn returns its id.
"""

from __future__ import annotations

import contextvars
from typing import Any

from langgraph.runtime import Runtime

from nodes.record_inbox import chat_id
from nodes.state import AgentState, Context
from nodes.timing import timed


def reply_thread(creator_id: str, execution_id: str) -> str:
    """The approval thread of one held reply."""
    return f"reply:{creator_id}:{execution_id}"


@timed("hold_reply")
def hold_reply(state: AgentState, runtime: Runtime[Context]) -> dict[str, Any]:
    """Open an approval when the reply has review reasons; clear last turn's approval else."""
    ctx = runtime.context
    reasons = state.get("review_reasons") or []
    if not reasons or ctx.reply_approval is None or ctx.approvals is None:
        return {"approval_id": None}
    graph = ctx.reply_approval
    thread = reply_thread(state["creator_id"], state["execution_id"])
    config = {"configurable": {"thread_id": thread}}
    held = {
        "creator_id": state["creator_id"], "customer_id": state["customer_id"],
        "chat_id": chat_id(state), "channel": state["channel"],
        "execution_id": state["execution_id"], "message": state["text"],
        "reply": state["reply"], "reasons": reasons,
    }  # fmt: skip
    # An empty contextvars context: LangGraph must not take the approval run for a subgraph of
    # this turn (it has its own thread and checkpoints).
    contextvars.Context().run(graph.invoke, held, config, durability="exit")
    interrupts = graph.get_state(config).interrupts
    ctx.approvals.add(state["creator_id"], thread, interrupts)
    return {"approval_id": str(interrupts[0].id)}
