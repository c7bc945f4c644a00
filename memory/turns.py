"""A journal of turns in flight: what to undo when a turn's SQL writes outlive its checkpoint.

A turn writes SQL rows as it goes (the execution log, recommendations, a held reply's approval)
and its checkpoint once, at the end. A kill or an error in between would leave a logged turn
that the conversation does not have and, worse, a held reply the client never heard of: the
client retries, gets a second held reply, and accepting both sends twice. So a row marks each
turn from its start until its checkpoint is written; a row that outlives its turn (an error,
or found at start-up after a kill) says which writes to undo.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, String, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from memory.conversations import Execution, Recommendation
from memory.fanout import Approval
from memory.models import Base, UtcDateTime, utcnow


class TurnInFlight(Base):
    """One turn between its start and its checkpoint."""

    __tablename__ = "turns_in_flight"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    creator_id: Mapped[str] = mapped_column(String(64))
    customer_id: Mapped[str] = mapped_column(String(128))
    channel: Mapped[str] = mapped_column(String(16))
    started_at: Mapped[datetime] = mapped_column(UtcDateTime())
    # The client's Idempotency-Key (with the route and request digest), so a turn killed after
    # its checkpoint but before its response was kept still answers the retry once.
    idempotency_key: Mapped[str | None] = mapped_column(String(200))
    route: Mapped[str | None] = mapped_column(String(200))
    request_hash: Mapped[str | None] = mapped_column(String(64))


class TurnJournal:
    """Begin/end marks, and the undo of a turn that never reached its checkpoint."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def begin(
        self, creator_id: str, customer_id: str, channel: str,
        retry: tuple[str, str, str] | None = None,
    ) -> int:  # fmt: skip
        """Mark a turn as started (call while holding the thread's lock).

        ``retry`` is (Idempotency-Key, route, request digest) when the client sent a key.
        """
        key, route, digest = retry or (None, None, None)
        with self.sessions.begin() as s:
            row = TurnInFlight(creator_id=creator_id, customer_id=customer_id, channel=channel,
                               started_at=utcnow(), idempotency_key=key, route=route,
                               request_hash=digest)  # fmt: skip
            s.add(row)
            s.flush()
            return row.id

    def end(self, mark: int) -> None:
        """The turn's checkpoint is written: nothing to undo."""
        with self.sessions.begin() as s:
            s.execute(delete(TurnInFlight).where(TurnInFlight.id == mark))

    def unfinished(self) -> list[TurnInFlight]:
        """Turns that started and never ended (found at start-up: killed mid-turn)."""
        with self.sessions() as s:
            return list(s.scalars(select(TurnInFlight).order_by(TurnInFlight.id)))

    def get(self, mark: int) -> TurnInFlight | None:
        """One mark."""
        with self.sessions() as s:
            return s.get(TurnInFlight, mark)

    def finished(self, mark: TurnInFlight, kept_execution: str | None) -> bool:
        """Whether the checkpoint holds this turn (it was written; only the mark's end was not)."""
        if kept_execution is None:
            return False
        with self.sessions() as s:
            row = s.get(Execution, kept_execution)
            return row is not None and row.created_at >= mark.started_at

    def undo(
        self,
        mark: TurnInFlight,
        kept_execution: str | None,
        reply_thread: Callable[[str, str], str],
    ) -> dict[str, Any]:
        """Remove what the unfinished turn wrote, then the mark; the held-reply threads to drop.

        Every execution of this thread since the mark except ``kept_execution`` (the one the
        checkpoint has, if the checkpoint was written after all) is the unfinished turn's.
        Questions it put in the fan inbox stay: they are what the fan asked, and fan-out drafts
        one reply per chat, so a retried message cannot make a second draft.
        """
        with self.sessions.begin() as s:
            orphans = [
                e for e in s.scalars(
                    select(Execution.id).where(
                        Execution.creator_id == mark.creator_id,
                        Execution.customer_id == mark.customer_id,
                        Execution.channel == mark.channel,
                        Execution.created_at >= mark.started_at,
                    )
                )
                if e != kept_execution
            ]  # fmt: skip
            threads = [reply_thread(mark.creator_id, e) for e in orphans]
            s.execute(delete(Recommendation).where(Recommendation.execution_id.in_(orphans)))
            s.execute(delete(Execution).where(Execution.id.in_(orphans)))
            approvals = s.execute(
                delete(Approval).where(
                    Approval.thread_id.in_(threads), Approval.status == "pending"
                )
            ).rowcount  # type: ignore[attr-defined]
            s.execute(delete(TurnInFlight).where(TurnInFlight.id == mark.id))
        return {"executions": len(orphans), "approvals": approvals, "reply_threads": threads}
