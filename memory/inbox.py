"""Fan inbox storage: messages, their questions and the clusters' dashboard rows (SQL only).

What the rows mean (analysis, clustering) lives above: tagging in ``nodes/offline/tagging.py``,
clustering and answered-cluster search in ``tools/question_clusters.py``, bulk ingest in
``app/inbox.py``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session, sessionmaker

from memory.catalog import NotFoundError
from memory.fanout import FanQuestion, InboxMessage, QuestionCluster, message_key, row_dict
from memory.models import Creator, utcnow

URGENCY_RANK = {"low": 0, "normal": 1, "high": 2}


@dataclass
class MessageIn:
    """A fan message to store (validated by the API schema before it gets here)."""

    customer_id: str
    chat_id: str
    text: str
    timestamp: datetime


def auto_title(cl: QuestionCluster) -> bool:
    """Keyword titles refresh unless a person renamed the cluster or an LLM named it."""
    return not cl.title_locked and cl.named_size is None


class InboxStore:
    """Reads and writes of the fan inbox tables, per creator."""

    def __init__(self, sessions: sessionmaker[Session], member_level: float = 0.0) -> None:
        self.sessions = sessions
        # Calibrated membership below which a question is shown apart (held for review).
        self.member_level = member_level

    # -- messages ---------------------------------------------------------------------------
    def add_messages(
        self, creator_id: str, messages: Sequence[MessageIn]
    ) -> tuple[int, int, set[str]]:
        """Store new messages (deduplicated by content hash): accepted, duplicates, chats."""
        accepted = duplicates = 0
        chats: set[str] = set()
        with self.sessions.begin() as s:
            keys = [message_key(m.customer_id, m.chat_id, m.timestamp, m.text) for m in messages]
            known = set(
                s.scalars(
                    select(InboxMessage.message_key).where(
                        InboxMessage.creator_id == creator_id, InboxMessage.message_key.in_(keys)
                    )
                )
            )
            for m, key in zip(messages, keys, strict=True):
                if key in known:
                    duplicates += 1
                    continue
                known.add(key)
                s.add(
                    InboxMessage(
                        creator_id=creator_id, customer_id=m.customer_id, chat_id=m.chat_id,
                        message_key=key, text=m.text, sent_at=m.timestamp,
                    )
                )  # fmt: skip
                accepted += 1
                chats.add(m.chat_id)
        return accepted, duplicates, chats

    def record(self, creator_id: str, message: MessageIn, tagged: list[dict[str, Any]]) -> int:
        """Store an already analysed message and its questions; the chat's message count.

        Core inserts, not the ORM unit of work: this runs on every conversation turn.
        """
        key = message_key(message.customer_id, message.chat_id, message.timestamp, message.text)
        with self.sessions.begin() as s:
            creator = s.get(Creator, creator_id)
            retain = creator is None or creator.retain_messages
            message_id = s.execute(
                insert(InboxMessage).returning(InboxMessage.id),
                [{"creator_id": creator_id, "customer_id": message.customer_id,
                  "chat_id": message.chat_id, "message_key": key,
                  "text": message.text if retain else None, "sent_at": message.timestamp,
                  "analysed": True, "created_at": utcnow()}],
            ).scalar_one()  # fmt: skip
            if tagged:
                s.execute(
                    insert(FanQuestion),
                    [{"creator_id": creator_id, "customer_id": message.customer_id,
                      "chat_id": message.chat_id, "message_id": message_id,
                      "asked_at": message.timestamp, **q} for q in tagged],
                )  # fmt: skip
            seen = s.scalar(
                select(func.count()).where(
                    InboxMessage.creator_id == creator_id,
                    InboxMessage.chat_id == message.chat_id,
                )
            )
        return int(seen or 0)

    def due_chats(self, creator_id: str, chats: set[str] | None, batch_size: int) -> list[str]:
        """Chats with ``batch_size`` unanalysed messages (with any, when ``chats`` is None)."""
        with self.sessions() as s:
            q = (
                select(InboxMessage.chat_id, func.count())
                .where(InboxMessage.creator_id == creator_id, InboxMessage.analysed.is_(False))
                .group_by(InboxMessage.chat_id)
            )
            if chats is not None:
                q = q.where(InboxMessage.chat_id.in_(chats))
            rows = s.execute(q).all()
        limit = 1 if chats is None else batch_size
        return sorted(chat for chat, n in rows if n >= limit)

    def pending(self, creator_id: str) -> int:
        """Messages not analysed yet."""
        with self.sessions() as s:
            return int(
                s.scalar(
                    select(func.count()).where(
                        InboxMessage.creator_id == creator_id, InboxMessage.analysed.is_(False)
                    )
                )
                or 0
            )

    def chats_of(self, creator_id: str, customer_id: str, unclustered: bool = False) -> set[str]:
        """A fan's chats with unanalysed messages (or with unclustered questions)."""
        model: Any = FanQuestion if unclustered else InboxMessage
        condition = (
            FanQuestion.cluster_id.is_(None) if unclustered else InboxMessage.analysed.is_(False)
        )
        with self.sessions() as s:
            return set(
                s.scalars(
                    select(model.chat_id).where(
                        model.creator_id == creator_id,
                        model.customer_id == customer_id,
                        condition,
                    )
                )
            )

    @staticmethod
    def unanalysed(s: Session, creator_id: str, chats: Sequence[str]) -> list[InboxMessage]:
        """The unanalysed messages of ``chats`` in the order they were sent."""
        return list(
            s.scalars(
                select(InboxMessage)
                .where(
                    InboxMessage.creator_id == creator_id,
                    InboxMessage.chat_id.in_(list(chats)),
                    InboxMessage.analysed.is_(False),
                )
                .order_by(InboxMessage.sent_at, InboxMessage.id)
            )
        )

    @staticmethod
    def unclustered(s: Session, creator_id: str, chats: Sequence[str]) -> list[FanQuestion]:
        """The stored questions of ``chats`` not embedded and placed yet.

        (Placed means scored: a question that waits for the next batch run has no cluster but
        a membership of 0, see ``QuestionClusters.settle``.)
        """
        return list(
            s.scalars(
                select(FanQuestion).where(
                    FanQuestion.creator_id == creator_id,
                    FanQuestion.chat_id.in_(list(chats)),
                    FanQuestion.cluster_id.is_(None),
                    FanQuestion.membership.is_(None),
                )
            )
        )

    @staticmethod
    def backlog(s: Session, creator_id: str) -> tuple[int, int]:
        """(questions embedded but waiting for a batch run, questions in a cluster)."""
        mine = FanQuestion.creator_id == creator_id
        waiting = s.scalar(
            select(func.count()).where(
                mine, FanQuestion.cluster_id.is_(None), FanQuestion.membership.is_not(None)
            )
        )
        placed = s.scalar(select(func.count()).where(mine, FanQuestion.cluster_id.is_not(None)))
        return int(waiting or 0), int(placed or 0)

    # -- clusters: the dashboard ------------------------------------------------------------
    def has_answers(self, creator_id: str) -> bool:
        """Whether the creator answered any cluster yet (the planner skips the lookup if not)."""
        with self.sessions() as s:
            return (
                s.scalar(
                    select(QuestionCluster.id)
                    .where(
                        QuestionCluster.creator_id == creator_id,
                        QuestionCluster.answer.is_not(None),
                    )
                    .limit(1)
                )
                is not None
            )

    def list_clusters(
        self, creator_id: str, status: str | None, sort: str, limit: int, offset: int
    ) -> dict[str, Any]:
        """A page of clusters with counts, urgency, recency and representative questions."""
        with self.sessions() as s:
            stats = self.stats(s, creator_id)
            clusters = [
                c
                for c in s.scalars(
                    select(QuestionCluster).where(QuestionCluster.creator_id == creator_id)
                )
                if c.id in stats and (status is None or c.status == status)
            ]
            key: dict[str, Callable[[QuestionCluster], Any]] = {
                "size": lambda c: (stats[c.id]["size"], stats[c.id]["last_at"]),
                "urgency": lambda c: (URGENCY_RANK[stats[c.id]["urgency"]], stats[c.id]["size"]),
                "recency": lambda c: stats[c.id]["last_at"],
            }
            clusters.sort(key=key[sort], reverse=True)
            page = clusters[offset : offset + limit]
            reps = self.representatives(s, creator_id, [c.id for c in page])
            items = [self.cluster_out(c, stats[c.id], reps.get(c.id, [])) for c in page]
        return {"total": len(clusters), "limit": limit, "offset": offset, "items": items}

    def get_cluster(self, creator_id: str, cluster_id: str) -> dict[str, Any]:
        """One cluster with all its questions, quality, outliers and the low-membership ones."""
        with self.sessions() as s:
            cl = self.cluster(s, creator_id, cluster_id)
            qs = list(
                s.scalars(
                    select(FanQuestion)
                    .where(FanQuestion.creator_id == creator_id, FanQuestion.cluster_id == cl.id)
                    .order_by(FanQuestion.similarity.desc())
                )
            )
            stats = self.stats(s, creator_id, cl.id).get(cl.id) or _empty_stats()
            sims = np.array([q.similarity for q in qs]) if qs else np.zeros(0)
            cut = sims.mean() - 2 * sims.std() if len(qs) >= 5 else -np.inf
            out = self.cluster_out(cl, stats, [q.text for q in qs[:3]])
            out["answer"] = cl.answer
            out["questions"] = [
                {
                    "id": q.id, "text": q.text, "customer_id": q.customer_id,
                    "chat_id": q.chat_id, "intent": q.intent, "topic": q.topic,
                    "urgency": q.urgency, "tone": q.tone, "tags": q.tags,
                    "similarity": q.similarity, "outlier": bool(q.similarity < cut),
                    "membership": q.membership,
                    "held_for_review": q.membership is not None
                    and q.membership < self.member_level,
                    "asked_at": q.asked_at.isoformat(),
                }
                for q in qs
            ]  # fmt: skip
            out["outliers"] = [q["id"] for q in out["questions"] if q["outlier"]]
            # Fans whose question may not be this one: their drafts wait for a person.
            out["held_for_review"] = [q["id"] for q in out["questions"] if q["held_for_review"]]
        return out

    def rename(self, creator_id: str, cluster_id: str, title: str) -> dict[str, Any]:
        """A person's title, kept through later re-clustering."""
        with self.sessions.begin() as s:
            cl = self.cluster(s, creator_id, cluster_id)
            cl.title, cl.title_locked, cl.updated_at = title, True, utcnow()
            cl.curated = True
        return self.get_cluster(creator_id, cluster_id)

    @staticmethod
    def cluster(s: Session, creator_id: str, cluster_id: str) -> QuestionCluster:
        """The cluster row; ``NotFoundError`` (a 404) when the creator has no such cluster."""
        cl = s.get(QuestionCluster, (creator_id, cluster_id))
        if cl is None:
            raise NotFoundError(f"unknown cluster '{cluster_id}'")
        return cl

    @staticmethod
    def stats(s: Session, creator_id: str, only: str | None = None) -> dict[str, dict[str, Any]]:
        """Size, chats, highest urgency and last question time per cluster."""
        q = select(
            FanQuestion.cluster_id, FanQuestion.chat_id, FanQuestion.urgency, FanQuestion.asked_at
        ).where(FanQuestion.creator_id == creator_id, FanQuestion.cluster_id.is_not(None))
        if only:
            q = q.where(FanQuestion.cluster_id == only)
        out: dict[str, dict[str, Any]] = {}
        chats: defaultdict[str, set[str]] = defaultdict(set)
        for cluster_id, chat, urg, at in s.execute(q):
            cid = str(cluster_id)
            st = out.setdefault(cid, _empty_stats())
            st["size"] += 1
            chats[cid].add(chat)
            if URGENCY_RANK[urg] > URGENCY_RANK[st["urgency"]]:
                st["urgency"] = urg
            at = at if at.tzinfo else at.replace(tzinfo=UTC)
            st["last_at"] = max(st["last_at"], at)
        for cid, st in out.items():
            st["chats"] = len(chats[cid])
        return out

    @staticmethod
    def representatives(
        s: Session, creator_id: str, ids: list[str], per_cluster: int = 3
    ) -> dict[str, list[str]]:
        """The most central distinct questions of each cluster."""
        rows = s.execute(
            select(FanQuestion.cluster_id, FanQuestion.text)
            .where(FanQuestion.creator_id == creator_id, FanQuestion.cluster_id.in_(ids))
            .order_by(FanQuestion.similarity.desc())
        ).all()
        out: defaultdict[str, list[str]] = defaultdict(list)
        for cluster_id, text in rows:
            cid = str(cluster_id)
            if len(out[cid]) < per_cluster and text not in out[cid]:
                out[cid].append(text)
        return out

    @staticmethod
    def cluster_out(cl: QuestionCluster, st: dict[str, Any], reps: list[str]) -> dict[str, Any]:
        """A cluster as the dashboard shows it."""
        d = row_dict(cl)
        return {
            "id": cl.id, "title": cl.title, "status": cl.status, "size": st["size"],
            "chats": st["chats"], "urgency": st["urgency"],
            "last_at": st["last_at"].isoformat(), "cohesion": cl.cohesion,
            "representatives": reps, "answered_at": d["answered_at"].isoformat()
            if d["answered_at"] else None,
        }  # fmt: skip


def _empty_stats() -> dict[str, Any]:
    return {"size": 0, "chats": 0, "urgency": "low", "last_at": datetime(1970, 1, 1, tzinfo=UTC)}
