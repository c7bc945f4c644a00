"""Reply-approval node 2: send the approved (or edited, or rewritten) reply exactly once."""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from nodes.fanout.state import FanoutContext, ReplyApprovalState
from nodes.hitl import decided_text


def deliver_reply(state: ReplyApprovalState, runtime: Runtime[FanoutContext]) -> dict[str, Any]:
    """Idempotent by execution id: a replayed resume finds the first delivery.

    The conversation history then holds what the fan really got (or nothing, when ignored).
    """
    text = decided_text(state.get("decision") or {}, state["reply"])
    rewrite = runtime.context.rewrite_reply
    if rewrite is not None and text != state["reply"]:
        rewrite(state["chat_id"], state["execution_id"], text)
    if text is None:
        return {"delivered": None}
    sent = runtime.context.channel.send(
        state["creator_id"], state["customer_id"], state["chat_id"], text,
        idempotency_key=f"reply:{state['creator_id']}:{state['execution_id']}",
        draft_id=state["execution_id"],
    )  # fmt: skip
    return {"delivered": {"delivery_id": sent["id"], "duplicate": sent["duplicate"]}}
