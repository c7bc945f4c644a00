"""Bounded storage: old checkpoints pruned, raw messages and the execution log kept for a while.

A turn writes one checkpoint per thread and a fan-out one per step; nothing reads any but the
latest (no time travel), so older ones are pure growth. Raw fan messages and the execution log
hold what fans typed and what providers said: they are kept ``retain_*_days`` and then purged.
"""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from typing import Any

from sqlalchemy import delete
from sqlalchemy.orm import Session, sessionmaker

from memory.conversations import Execution
from memory.fanout import InboxMessage
from memory.models import utcnow


def prune_checkpoints(conn: sqlite3.Connection) -> dict[str, int]:
    """Keep only the latest checkpoint of every thread (and namespace) and its pending writes.

    Safe while graphs run: a run only builds on the latest checkpoint, and the writes it makes
    are keyed to that checkpoint. The graphs use no ``DeltaChannel``, so every checkpoint holds
    its full values and dropping its ancestors loses nothing.
    """
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if not {"checkpoints", "writes"} <= tables:  # no graph has run here yet
        return {"checkpoints": 0, "checkpoint_writes": 0}
    with conn:  # one transaction
        older = conn.execute(
            "DELETE FROM checkpoints WHERE EXISTS (SELECT 1 FROM checkpoints AS newer"
            " WHERE newer.thread_id = checkpoints.thread_id"
            " AND newer.checkpoint_ns = checkpoints.checkpoint_ns"
            " AND newer.checkpoint_id > checkpoints.checkpoint_id)"
        ).rowcount
        writes = conn.execute(
            "DELETE FROM writes WHERE NOT EXISTS (SELECT 1 FROM checkpoints AS c"
            " WHERE c.thread_id = writes.thread_id AND c.checkpoint_ns = writes.checkpoint_ns"
            " AND c.checkpoint_id = writes.checkpoint_id)"
        ).rowcount
    if older or writes:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return {"checkpoints": older, "checkpoint_writes": writes}


def purge_old(
    sessions: sessionmaker[Session], messages_days: int, executions_days: int
) -> dict[str, Any]:
    """Delete analysed raw messages and execution rows older than their retention (0: keep)."""
    now, out = utcnow(), {"messages": 0, "executions": 0}
    with sessions.begin() as s:
        if messages_days > 0:  # unanalysed ones still wait for their chat's analysis
            out["messages"] = s.execute(
                delete(InboxMessage).where(
                    InboxMessage.analysed.is_(True),
                    InboxMessage.sent_at < now - timedelta(days=messages_days),
                )
            ).rowcount  # type: ignore[attr-defined]
        if executions_days > 0:
            out["executions"] = s.execute(
                delete(Execution).where(
                    Execution.created_at < now - timedelta(days=executions_days)
                )
            ).rowcount  # type: ignore[attr-defined]
    return out
