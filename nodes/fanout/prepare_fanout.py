"""Fan-out node 1: load the cluster's chats, each fan's profile and the creator's style."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from langgraph.runtime import Runtime
from sqlalchemy import select

from memory.catalog import NotFoundError
from memory.fanout import FanQuestion, QuestionCluster
from memory.models import utcnow
from nodes.fanout.state import FanoutContext, FanoutState
from nodes.offline.drafting import creator_style


def prepare_fanout(state: FanoutState, runtime: Runtime[FanoutContext]) -> dict[str, Any]:
    """Group the cluster's questions per chat; mark the cluster ``drafting``."""
    ctx = runtime.context
    creator, cid = state["creator_id"], state["cluster_id"]
    with ctx.sessions.begin() as s:
        cluster = s.get(QuestionCluster, (creator, cid))
        if cluster is None:
            raise NotFoundError(f"unknown cluster '{cid}'")
        cluster.answer, cluster.answered_at, cluster.status = state["answer"], utcnow(), "drafting"
        cluster.updated_at = utcnow()
        title = cluster.title
        questions = list(
            s.scalars(
                select(FanQuestion)
                .where(FanQuestion.creator_id == creator, FanQuestion.cluster_id == cid)
                .order_by(FanQuestion.asked_at, FanQuestion.id)
            )
        )
        # The creator's recent words: canonical answers of other answered clusters.
        recent = list(
            s.scalars(
                select(QuestionCluster.answer)
                .where(
                    QuestionCluster.creator_id == creator,
                    QuestionCluster.answer.is_not(None),
                    QuestionCluster.id != cid,
                )
                .order_by(QuestionCluster.answered_at.desc())
                .limit(5)
            )
        )
    per_chat: defaultdict[str, list[FanQuestion]] = defaultdict(list)
    for q in questions:
        per_chat[q.chat_id].append(q)
    chats = []
    for chat_id, qs in per_chat.items():
        customer = qs[0].customer_id
        chats.append(
            {
                "chat_id": chat_id,
                "customer_id": customer,
                "profile": ctx.conversations.get_profile(creator, customer),
                "questions": [
                    {
                        "id": q.id,
                        "text": q.text,
                        "tone": q.tone,
                        "urgency": q.urgency,
                        "similarity": q.similarity,
                        "membership": q.membership,
                    }
                    for q in qs
                ],  # fmt: skip
            }
        )
    style = creator_style([state["answer"], *[a for a in recent if a]])
    return {"cluster_title": title, "style": style, "chats": chats}
