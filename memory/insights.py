"""What a creator's inbox says over a period: one read of the stored facts, no extra tables.

Top questions (clusters by questions asked), knowledge gaps (often asked, never answered),
product demand (products shown most, asked for but out of stock, searches with no result),
escalations, held replies and failed turns, answer-once reach (fans drafted per answered
cluster) and cost per conversation.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import distinct, func, literal, select
from sqlalchemy.orm import Session, sessionmaker

from memory.conversations import Execution, Recommendation
from memory.fanout import Approval, Draft, FanQuestion, QuestionCluster
from memory.models import Product

JSON_NULL = literal("null")  # a JSON null stored as text (rows written before none_as_null)


def insights(sessions: sessionmaker[Session], creator_id: str, since: datetime) -> dict[str, Any]:
    """The numbers of the insights page and the weekly digest, from ``since`` to now."""
    with sessions() as s:
        asked = s.execute(
            select(FanQuestion.cluster_id, func.count(), QuestionCluster.title,
                   QuestionCluster.status)
            .join(QuestionCluster, (QuestionCluster.creator_id == FanQuestion.creator_id)
                  & (QuestionCluster.id == FanQuestion.cluster_id))
            .where(FanQuestion.creator_id == creator_id, FanQuestion.asked_at >= since)
            .group_by(FanQuestion.cluster_id, QuestionCluster.title, QuestionCluster.status)
            .order_by(func.count().desc())
            .limit(50)
        ).all()  # fmt: skip
        shown = s.execute(
            select(Product.id, Product.name, func.count())
            .select_from(Recommendation)
            .join(Product, Product.id == Recommendation.product_id)
            .where(Recommendation.creator_id == creator_id, Recommendation.created_at >= since)
            .group_by(Product.id, Product.name)
            .order_by(func.count().desc())
            .limit(10)
        ).all()
        turns, fans, cost, failed = s.execute(
            select(func.count(), func.count(distinct(Execution.customer_id)),
                   func.coalesce(func.sum(Execution.cost_usd), 0.0),
                   func.count().filter((Execution.status != "ok") | Execution.error.is_not(None)))
            .where(Execution.creator_id == creator_id, Execution.created_at >= since)
        ).one()  # fmt: skip
        escalated = s.scalar(
            select(func.count()).where(
                Execution.creator_id == creator_id, Execution.created_at >= since,
                Execution.escalated.is_(True),
            )
        )  # fmt: skip
        attention = s.execute(
            select(Execution.customer_id, Execution.channel, func.max(Execution.created_at),
                   func.count())
            .where(Execution.creator_id == creator_id, Execution.created_at >= since,
                   Execution.escalated.is_(True) | (Execution.status != "ok")
                   | Execution.error.is_not(None))
            .group_by(Execution.customer_id, Execution.channel)
            .order_by(func.max(Execution.created_at).desc())
            .limit(10)
        ).all()  # fmt: skip
        missed = s.execute(
            select(Execution.customer_id, Execution.channel, Execution.misses).where(
                Execution.creator_id == creator_id, Execution.created_at >= since,
                Execution.misses.is_not(None), Execution.misses != JSON_NULL,
            )
        ).all()  # fmt: skip
        held = s.scalar(
            select(func.count()).where(
                Approval.creator_id == creator_id, Approval.kind == "send_reply",
                Approval.created_at >= since,
            )
        )  # fmt: skip
        drafted, answered = s.execute(
            select(func.count(Draft.id), func.count(distinct(Draft.cluster_id))).where(
                Draft.creator_id == creator_id, Draft.created_at >= since
            )
        ).one()
    empty: dict[str, dict[str, Any]] = {}
    gone: dict[int, dict[str, Any]] = {}
    for customer, channel, found in missed:
        for m in found or []:
            if not m.get("hits"):
                key = " ".join(str(m.get("query", "")).lower().split())
                row = empty.setdefault(key, {"query": key, "times": 0, "fans": set()})
                row["times"] += 1
                row["fans"].add(customer)
                row["example"] = {"customer_id": customer, "channel": channel}
            for p in m.get("out_of_stock") or []:
                item = gone.setdefault(p["product_id"], {**p, "asked": 0})
                item["asked"] += 1
    no_result = sorted(empty.values(), key=lambda r: (-r["times"], r["query"]))[:10]
    for r in no_result:
        r["fans"] = len(r["fans"])
    top = [{"cluster_id": c, "asked": int(n), "title": t or c, "answered": st != "pending"}
           for c, n, t, st in asked]  # fmt: skip
    return {
        "top_questions": top[:10],
        "knowledge_gaps": [q for q in top if not q["answered"]][:10],
        "products_shown": [{"product_id": i, "name": n, "shown": int(k)} for i, n, k in shown],
        "out_of_stock_asked": sorted(gone.values(), key=lambda r: -r["asked"])[:10],
        "no_result_searches": no_result,
        "escalations": int(escalated or 0),
        "needs_attention": [
            {"customer_id": c, "channel": ch, "last": at, "turns": int(n)}
            for c, ch, at, n in attention
        ],  # fmt: skip
        "turns": int(turns),
        "conversations": int(fans),
        "failed_turns": int(failed),
        "held_replies": int(held or 0),
        "answer_once_reach": round(drafted / answered, 1) if answered else 0.0,
        "answered_clusters": int(answered),
        "fans_drafted": int(drafted),
        "cost_per_conversation_usd": round(float(cost) / fans, 5) if fans else 0.0,
    }
