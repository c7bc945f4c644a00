"""Per-customer memory in SQL: learned profiles, recommendations and the execution log."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Float, Index, Integer, String, Text, case, func, select
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
    escalated: Mapped[bool] = mapped_column(Boolean, default=False)
    # Product demand the catalog did not meet: searches with no result, asked-for products
    # out of stock ([{"query", "hits", "out_of_stock": [{"product_id", "name"}]}]); None if met.
    misses: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON(none_as_null=True))
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

    def threads(
        self, creator_id: str, query: str = "", limit: int = 50, offset: int = 0
    ) -> tuple[int, list[dict[str, Any]]]:
        """Conversations (customer x channel), most recent first, with their numbers.

        Turns, last activity, errors and cost; ``query`` matches the customer id.
        """
        where = [Execution.creator_id == creator_id]
        if query:
            where.append(Execution.customer_id.contains(query, autoescape=True))
        grouped = (
            select(
                Execution.customer_id, Execution.channel, func.count().label("turns"),
                func.max(Execution.created_at).label("last"),
                func.sum(case((Execution.status != "ok", 1), else_=0)).label("errors"),
                func.sum(Execution.cost_usd).label("cost"),
            )
            .where(*where)
            .group_by(Execution.customer_id, Execution.channel)
        )  # fmt: skip
        with self.sessions() as s:
            total = s.scalar(select(func.count()).select_from(grouped.subquery())) or 0
            rows = s.execute(
                grouped.order_by(func.max(Execution.created_at).desc()).limit(limit).offset(offset)
            ).all()
        return total, [
            {"customer_id": r.customer_id, "channel": r.channel, "turns": int(r.turns),
             "last": r.last, "errors": int(r.errors or 0), "cost_usd": float(r.cost or 0.0)}
            for r in rows
        ]  # fmt: skip

    def executions_of(self, creator_id: str, customer_id: str, limit: int = 200) -> list[Any]:
        """A customer's turns, oldest first, with the products each one showed."""
        with self.sessions() as s:
            rows = list(
                s.scalars(
                    select(Execution)
                    .where(Execution.creator_id == creator_id, Execution.customer_id == customer_id)
                    .order_by(Execution.created_at)
                    .limit(limit)
                )
            )
            shown: dict[str, list[int]] = {}
            for rec in s.scalars(
                select(Recommendation).where(
                    Recommendation.creator_id == creator_id,
                    Recommendation.customer_id == customer_id,
                )
            ):
                shown.setdefault(rec.execution_id, []).append(rec.product_id)
            out = []
            for row in rows:
                item = {c.name: getattr(row, c.name) for c in Execution.__table__.columns}
                item["product_ids"] = shown.get(row.id, [])
                out.append(item)
            return out

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
