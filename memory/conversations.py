"""Per-customer memory in SQL: learned profiles, recommendations and the execution log."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, Index, Integer, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from memory.models import Base, UtcDateTime, utcnow
from prompts.secrets import redact


class CustomerProfile(Base):
    """What dmpilot learned about a customer of a creator (budget, sizes, diet, injuries...)."""

    __tablename__ = "customer_profiles"

    creator_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    customer_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class Recommendation(Base):
    """A product the agent put in front of a customer."""

    __tablename__ = "recommendations"
    __table_args__ = (Index("ix_reco_customer", "creator_id", "customer_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    creator_id: Mapped[str] = mapped_column(String(64))
    customer_id: Mapped[str] = mapped_column(String(128))
    execution_id: Mapped[str] = mapped_column(String(36))
    product_id: Mapped[int] = mapped_column(Integer)
    variant_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class Execution(Base):
    """One processed turn: status, timings per node, model, tokens, cost, fallback, error."""

    __tablename__ = "executions"
    __table_args__ = (Index("ix_exec_thread", "creator_id", "customer_id"),)

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    creator_id: Mapped[str] = mapped_column(String(64))
    customer_id: Mapped[str] = mapped_column(String(128))
    channel: Mapped[str] = mapped_column(String(16))
    turn: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(16), default="ok")
    model: Mapped[str] = mapped_column(String(100), default="offline")
    fallback_used: Mapped[bool] = mapped_column(default=False)
    tokens_in: Mapped[int] = mapped_column(Integer, default=0)
    tokens_out: Mapped[int] = mapped_column(Integer, default=0)
    cost_usd: Mapped[float] = mapped_column(Float, default=0.0)
    duration_ms: Mapped[float] = mapped_column(Float, default=0.0)
    nodes: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    intents: Mapped[list[str]] = mapped_column(JSON, default=list)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class ConversationStore:
    """Repository for the tables above; every call is scoped by creator."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def get_profile(self, creator_id: str, customer_id: str) -> dict[str, Any]:
        """The learned profile (empty for a new customer)."""
        with self.sessions() as s:
            row = s.get(CustomerProfile, (creator_id, customer_id))
            return dict(row.data) if row else {}

    def save_profile(self, creator_id: str, customer_id: str, profile: dict[str, Any]) -> None:
        """Replace a customer's learned profile (fan-out analysis learns from inbox messages)."""
        with self.sessions.begin() as s:
            row = s.get(CustomerProfile, (creator_id, customer_id))
            if row is None:
                s.add(CustomerProfile(creator_id=creator_id, customer_id=customer_id, data=profile))
            else:
                row.data, row.updated_at = profile, utcnow()

    def record_turn(
        self,
        execution: dict[str, Any],
        recommendations: list[tuple[int, int | None]],
        profile: dict[str, Any] | None = None,
    ) -> str:
        """Store the profile, the execution log and recommendations in one transaction."""
        exec_id = execution.get("id") or str(uuid.uuid4())
        with self.sessions.begin() as s:
            if profile is not None:
                key = (execution["creator_id"], execution["customer_id"])
                row = s.get(CustomerProfile, key)
                if row is None:
                    s.add(CustomerProfile(creator_id=key[0], customer_id=key[1], data=profile))
                elif row.data != profile:
                    row.data = profile
                    row.updated_at = utcnow()
            if execution.get("error"):  # nodes redact with the keys; this catches the shapes
                execution = {**execution, "error": redact(execution["error"])}
            s.add(Execution(**{**execution, "id": exec_id}))
            for product_id, variant_id in recommendations:
                s.add(
                    Recommendation(
                        creator_id=execution["creator_id"],
                        customer_id=execution["customer_id"],
                        execution_id=exec_id,
                        product_id=product_id,
                        variant_id=variant_id,
                    )
                )
        return exec_id

    def get_execution(self, creator_id: str, execution_id: str) -> dict[str, Any] | None:
        """One execution log row as a dict (None when unknown for this creator)."""
        with self.sessions() as s:
            row = s.scalar(
                select(Execution).where(
                    Execution.creator_id == creator_id, Execution.id == execution_id
                )
            )
            if row is None:
                return None
            return {c.name: getattr(row, c.name) for c in Execution.__table__.columns}
