"""Fan-out memory in SQL: inbox messages, focused questions, clusters, drafts, approvals, sends.

Vectors of questions live in Chroma (kind ``questions``); everything else is here. Every row
carries ``creator_id`` and every repository call is scoped by it.

Status lifecycles:
- cluster: ``pending`` -> ``drafting`` (answer given, drafts being written) -> ``review`` (some
  drafts wait for a person) or ``answered`` (all drafts decided) -> ``sent`` (every approved
  reply delivered);
- draft: ``ready`` | ``needs_review`` | ``rejected`` -> ``approved`` | ``ignored`` -> ``sent``;
- approval: ``pending`` -> ``decided``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from memory.models import Base, UtcDateTime, utcnow


class InboxMessage(Base):
    """A fan message as received; ``text`` is cleared after analysis when retention is off."""

    __tablename__ = "inbox_messages"
    __table_args__ = (
        UniqueConstraint("creator_id", "message_key", name="uq_inbox_key"),
        Index("ix_inbox_chat", "creator_id", "chat_id", "analysed"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    creator_id: Mapped[str] = mapped_column(String(64))
    customer_id: Mapped[str] = mapped_column(String(128))
    chat_id: Mapped[str] = mapped_column(String(160))
    # Hash of (customer, chat, timestamp, text): a retried bulk upload is not stored twice.
    message_key: Mapped[str] = mapped_column(String(64))
    text: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime] = mapped_column(UtcDateTime())
    analysed: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class FanQuestion(Base):
    """One focused question split from a fan message, with its analysis and cluster."""

    __tablename__ = "fan_questions"
    __table_args__ = (
        Index("ix_fanq_cluster", "creator_id", "cluster_id"),
        Index("ix_fanq_chat", "creator_id", "chat_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    creator_id: Mapped[str] = mapped_column(String(64))
    customer_id: Mapped[str] = mapped_column(String(128))
    chat_id: Mapped[str] = mapped_column(String(160))
    message_id: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    intent: Mapped[str] = mapped_column(String(32))
    topic: Mapped[str] = mapped_column(String(64))
    urgency: Mapped[str] = mapped_column(String(8), default="low")  # low | normal | high
    tone: Mapped[str] = mapped_column(String(16), default="neutral")
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    cluster_id: Mapped[str | None] = mapped_column(String(32))
    similarity: Mapped[float] = mapped_column(Float, default=1.0)  # to the cluster centroid
    # Calibrated probability that this question asks what its cluster asks (None: not scored
    # yet); below the calibrated level its fan is held for review, not drafted from the answer.
    membership: Mapped[float | None] = mapped_column(Float)
    asked_at: Mapped[datetime] = mapped_column(UtcDateTime())


class QuestionCluster(Base):
    """A group of fans' questions that one canonical answer can serve."""

    __tablename__ = "question_clusters"

    creator_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    title: Mapped[str] = mapped_column(String(200), default="")
    title_locked: Mapped[bool] = mapped_column(Boolean, default=False)  # renamed by a person
    # Renamed, merged or split by a person: a re-clustering keeps its questions where they are
    curated: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    named_size: Mapped[int | None] = mapped_column(Integer)  # size when an LLM last named it
    status: Mapped[str] = mapped_column(String(16), default="pending")
    cohesion: Mapped[float] = mapped_column(Float, default=1.0)
    answer: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    fanout_thread: Mapped[str | None] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    # Sum of the members' vectors (float32 bytes) and their count: arrivals are placed against
    # these in SQL, so every worker sees a cluster the moment another one writes it.
    centroid: Mapped[bytes | None] = mapped_column(LargeBinary)
    members: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class ClusterGeneration(Base):
    """A token that changes with every write of a creator's centroids.

    Each worker keeps the centroids it read in memory while the token it read them under is
    still the one in SQL: an arrival costs one key lookup instead of reading every cluster.
    """

    __tablename__ = "cluster_generations"

    creator_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    token: Mapped[str] = mapped_column(String(32))


class Draft(Base):
    """A personal reply for one chat of an answered cluster, with the checks it passed."""

    __tablename__ = "fan_drafts"
    __table_args__ = (
        UniqueConstraint("creator_id", "cluster_id", "chat_id", name="uq_draft_chat"),
        Index("ix_draft_status", "creator_id", "status"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    creator_id: Mapped[str] = mapped_column(String(64))
    cluster_id: Mapped[str] = mapped_column(String(32))
    customer_id: Mapped[str] = mapped_column(String(128))
    chat_id: Mapped[str] = mapped_column(String(160))
    text: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16))
    confidence: Mapped[float] = mapped_column(Float, default=0.0)
    checks: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    question_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    delivery_status: Mapped[str] = mapped_column(String(16), default="not_sent")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class Approval(Base):
    """A pending human decision: the payload of a LangGraph ``interrupt()``."""

    __tablename__ = "approvals"
    __table_args__ = (Index("ix_approval_listing", "creator_id", "status", "created_at"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # the interrupt id
    creator_id: Mapped[str] = mapped_column(String(64))
    thread_id: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32))  # review_draft | send_ready
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    decision: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class Delivery(Base):
    """A reply handed to a channel; the idempotency key makes a second send a no-op."""

    __tablename__ = "deliveries"
    __table_args__ = (
        UniqueConstraint("idempotency_key", name="uq_delivery_key"),
        Index("ix_delivery_status", "status", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    creator_id: Mapped[str] = mapped_column(String(64))
    idempotency_key: Mapped[str] = mapped_column(String(128))
    draft_id: Mapped[str] = mapped_column(String(36))
    customer_id: Mapped[str] = mapped_column(String(128))
    chat_id: Mapped[str] = mapped_column(String(160))
    channel: Mapped[str] = mapped_column(String(32), default="outbox")
    text: Mapped[str] = mapped_column(Text)
    # delivered (the local outbox) | queued -> sending -> sent, or held (outside the channel's
    # window), failed (refused by the channel), unknown (a crash mid-send: not sent again)
    status: Mapped[str] = mapped_column(String(16), default="delivered")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    automatic: Mapped[bool] = mapped_column(Boolean, default=False)  # no person approved it
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    parts_sent: Mapped[int] = mapped_column(Integer, default=0)  # of a reply split to fit
    external_ids: Mapped[list[str]] = mapped_column(JSON, default=list)  # the channel's ids
    tag: Mapped[str | None] = mapped_column(String(32))  # e.g. HUMAN_AGENT after 24 h
    error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    reply_to: Mapped[str | None] = mapped_column(String(128))  # e.g. the comment answered
    owner: Mapped[str | None] = mapped_column(String(64))  # host:pid of the worker sending it


class ApprovalStore:
    """The listable rows of pending human decisions (the checkpoints hold the paused runs)."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def add(self, creator_id: str, thread: str, interrupts: Sequence[Any]) -> dict[str, Any]:
        """A row for every interrupt not listed yet; decisions recorded but not yet applied.

        A decision is recorded before the paused run resumes; if the process died in between,
        the run is still waiting and the caller applies the decision again (delivery is
        idempotent, so the replay cannot double-send).
        """
        replay: dict[str, Any] = {}
        with self.sessions.begin() as s:
            for it in interrupts:
                row = s.get(Approval, it.id)
                if row is not None and row.status == "decided" and row.decision:
                    replay[it.id] = row.decision
                if row is None:
                    value = it.value
                    s.add(
                        Approval(
                            id=it.id, creator_id=creator_id, thread_id=thread,
                            kind=value["action_request"]["action"], payload=value,
                        )
                    )  # fmt: skip
        return replay


def message_key(customer_id: str, chat_id: str, sent_at: datetime, text: str) -> str:
    """Content hash identifying a message across retries of the same upload."""
    raw = "\x1f".join([customer_id, chat_id, sent_at.isoformat(), text])
    return hashlib.sha256(raw.encode()).hexdigest()


def row_dict(row: Any) -> dict[str, Any]:
    """Column values of an ORM row."""
    return {c.name: getattr(row, c.key) for c in row.__table__.columns}
