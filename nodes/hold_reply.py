"""Node: hold a flagged reply for a person instead of sending it.

``generate_response`` gives the reasons (a conflict it could not settle, an answer drafted from
a near match); the approval runs in its own thread (``graphs.fanout.compile_reply_approval``)
and the turn returns the approval id.
"""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from nodes.state import AgentState, Context
from nodes.timing import timed


@timed("hold_reply")
def hold_reply(state: AgentState, runtime: Runtime[Context]) -> dict[str, Any]:
    """Open an approval when the reply has review reasons; clear last turn's approval else."""
    ctx = runtime.context
    reasons = state.get("review_reasons") or []
    if not reasons or ctx.approvals is None:
        return {"approval_id": None}
    approval = ctx.approvals.hold_reply(
        state["creator_id"], state["customer_id"], state["channel"], state["execution_id"],
        state["text"], state["reply"], reasons,
    )  # fmt: skip
    return {"approval_id": approval}
