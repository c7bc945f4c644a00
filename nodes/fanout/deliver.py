"""Fan-out node 5: after every decision, close the run: anything not yet sent, cluster status.

Drafts are sent by the approval node that received their decision (``send_decided``), so one
fan's approved reply does not wait for the other approvals of the cluster. ``deliver`` sends
whatever a decision left unsent (a decision that carries no deliveries) and marks the cluster.
"""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from memory.fanout import Draft, QuestionCluster
from memory.models import utcnow
from nodes.fanout.state import FanoutContext, FanoutState
from nodes.hitl import decided_text


def send_decided(
    ctx: FanoutContext, creator_id: str, drafts: list[dict[str, Any]], decision: dict[str, Any]
) -> list[dict[str, Any]]:
    """Send (or mark ignored) the drafts of one decision; only ever after that decision.

    The idempotency key is the draft id, so a node re-run after a crash finds the earlier
    delivery instead of sending again.
    """
    delivered = []
    for d in drafts:
        text = decided_text(decision, d["text"])
        if text is None:
            _mark(ctx, d["id"], status="ignored")
            continue
        sent = ctx.channel.send(
            creator_id, d["customer_id"], d["chat_id"], text,
            idempotency_key=f"fanout:{creator_id}:{d['id']}", draft_id=d["id"],
        )  # fmt: skip
        _mark(ctx, d["id"], status="sent", text=text, delivery_status="sent")
        delivered.append({"draft_id": d["id"], "delivery_id": sent["id"],
                          "duplicate": sent["duplicate"]})  # fmt: skip
    return delivered


def deliver(state: FanoutState, runtime: Runtime[FanoutContext]) -> dict[str, Any]:
    """Collect the deliveries of every decision; send what a decision did not."""
    ctx = runtime.context
    creator, cid = state["creator_id"], state["cluster_id"]
    by_id = {d["id"]: d for d in state.get("drafts", [])}
    delivered = []
    for decision in state.get("decisions", []):
        if "delivered" in decision:
            delivered += decision["delivered"]
            continue
        drafts = [by_id[i] for i in decision["draft_ids"] if i in by_id]
        delivered += send_decided(ctx, creator, drafts, decision)
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
