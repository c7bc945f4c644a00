"""Fan-out node 5: after every decision, send the approved replies exactly once."""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from graphs.fanout_state import FanoutContext, FanoutState
from graphs.hitl import decided_text
from memory.fanout import Draft, QuestionCluster
from memory.models import utcnow


def deliver(state: FanoutState, runtime: Runtime[FanoutContext]) -> dict[str, Any]:
    """Accepted and edited drafts (or a person's own response) go to the channel adapter.

    The idempotency key is the draft id, so a re-run after a crash finds the earlier delivery
    instead of sending again.
    """
    ctx = runtime.context
    creator, cid = state["creator_id"], state["cluster_id"]
    by_id = {d["id"]: d for d in state.get("drafts", [])}
    delivered = []
    for decision in state.get("decisions", []):
        for draft_id in decision["draft_ids"]:
            d = by_id.get(draft_id)
            if d is None:
                continue
            text = decided_text(decision, d["text"])
            if text is None:
                _mark(ctx, draft_id, status="ignored")
                continue
            sent = ctx.channel.send(
                creator, d["customer_id"], d["chat_id"], text,
                idempotency_key=f"fanout:{creator}:{draft_id}", draft_id=draft_id,
            )  # fmt: skip
            _mark(ctx, draft_id, status="sent", text=text, delivery_status="sent")
            delivered.append({"draft_id": draft_id, "delivery_id": sent["id"],
                              "duplicate": sent["duplicate"]})  # fmt: skip
    with ctx.sessions.begin() as s:
        cluster = s.get(QuestionCluster, (creator, cid))
        if cluster is not None:
            cluster.status = "sent" if delivered else "answered"
            cluster.updated_at = utcnow()
    return {"delivered": delivered}


def _mark(ctx: FanoutContext, draft_id: str, **values: Any) -> None:
    with ctx.sessions.begin() as s:
        row = s.get(Draft, draft_id)
        if row is not None:
            for key, value in values.items():
                setattr(row, key, value)
            row.updated_at = utcnow()
