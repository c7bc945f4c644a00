"""Fan-out node 3: persist every draft (idempotent by cluster x chat) and the cluster status."""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from memory.fanout import Draft, QuestionCluster
from memory.models import utcnow
from nodes.fanout.state import FanoutContext, FanoutState


def store_drafts(state: FanoutState, runtime: Runtime[FanoutContext]) -> dict[str, Any]:
    """Upsert drafts; the cluster goes to ``review`` when a person must look at any of them."""
    creator, cid = state["creator_id"], state["cluster_id"]
    drafts = state.get("drafts", [])
    with runtime.context.sessions.begin() as s:
        for d in drafts:
            row = s.get(Draft, d["id"])
            values = {
                "text": d["text"], "status": d["status"], "confidence": d["confidence"],
                "checks": d["checks"], "question_ids": d["question_ids"], "updated_at": utcnow(),
            }  # fmt: skip
            if row is None:
                s.add(
                    Draft(
                        id=d["id"], creator_id=creator, cluster_id=cid,
                        customer_id=d["customer_id"], chat_id=d["chat_id"], **values,
                    )
                )  # fmt: skip
            elif row.delivery_status != "sent":
                for key, value in values.items():
                    setattr(row, key, value)
        cluster = s.get(QuestionCluster, (creator, cid))
        if cluster is not None:
            waiting = any(d["status"] in ("needs_review", "ready") for d in drafts)
            cluster.status = "review" if waiting else "answered"
            cluster.updated_at = utcnow()
    return {}
