"""A fan's data, all of it: export it, or delete it so that no copy of their words remains.

What holds a fan's words: their conversation checkpoints (one thread per channel), the
checkpoints of their held replies, SQL rows (profile, recommendations, execution log, inbox
messages, questions, drafts, deliveries, approvals, stored retry responses), question vectors,
and the descriptions of batch approvals that list their draft. Deletion overwrites freed pages
(SQLite ``secure_delete``) and truncates the write-ahead logs, so the words are not left in
free space either.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import delete, select, text
from sqlalchemy.orm import Session

from app.services import Services
from graphs.agent import thread_id
from memory.catalog import ConflictError, NotFoundError
from memory.conversations import CustomerProfile, Execution, Recommendation
from memory.fanout import (
    Approval,
    Delivery,
    Draft,
    FanQuestion,
    InboxMessage,
    QuestionCluster,
    row_dict,
)
from memory.idempotency import IdempotencyRecord
from memory.models import Base, Creator
from memory.turns import TurnInFlight
from nodes.hold_reply import reply_thread

CHANNELS = ("dm", "comment")
_ROWS = (
    CustomerProfile,
    Recommendation,
    Execution,
    InboxMessage,
    FanQuestion,
    Draft,
    Delivery,
    TurnInFlight,
)


def _mine(model: Any, creator_id: str, customer_id: str) -> Any:
    return select(model).where(model.creator_id == creator_id, model.customer_id == customer_id)


def export_customer(svc: Services, creator_id: str, customer_id: str) -> dict[str, Any]:
    """Everything kept about one fan, as JSON (404 when nothing is)."""
    svc.catalog.get_creator(creator_id)
    out: dict[str, Any] = {"creator_id": creator_id, "customer_id": customer_id}
    with svc.sessions() as s:
        for model in _ROWS:
            out[model.__tablename__] = [
                row_dict(r) for r in s.scalars(_mine(model, creator_id, customer_id))
            ]
        out["approvals"] = [row_dict(r) for r in _their_approvals(s, creator_id, customer_id)]
    out["conversations"] = {}
    for channel in CHANNELS:
        values = svc.agent.get_state(
            {"configurable": {"thread_id": thread_id(creator_id, customer_id, channel)}}
        ).values
        if values:
            out["conversations"][channel] = {
                "messages": [
                    {"type": m.type, "text": m.content} for m in values.get("messages", [])
                ],
                "profile": values.get("profile") or {},
                "summary": values.get("summary", ""),
            }
    if not any(v for k, v in out.items() if k not in ("creator_id", "customer_id")):
        raise NotFoundError(f"nothing is kept about '{customer_id}'")
    return out


def _their_approvals(s: Session, creator_id: str, customer_id: str) -> Any:
    """Held replies of the fan's turns and reviews of the fan's drafts."""
    executions = select(Execution.id).where(
        Execution.creator_id == creator_id, Execution.customer_id == customer_id
    )
    threads = [reply_thread(creator_id, e) for e in s.scalars(executions)]
    drafts = set(
        s.scalars(
            select(Draft.id).where(Draft.creator_id == creator_id, Draft.customer_id == customer_id)
        )
    )
    rows = s.scalars(select(Approval).where(Approval.creator_id == creator_id))
    return [
        r
        for r in rows
        if r.thread_id in threads
        or (r.payload or {}).get("action_request", {}).get("args", {}).get("draft_id") in drafts
    ]


def forget_customer(svc: Services, creator_id: str, customer_id: str) -> dict[str, int]:
    """Delete every trace of one fan; 409 while a fan-out with their draft awaits decisions."""
    svc.catalog.get_creator(creator_id)
    with svc.sessions() as s:
        # Clusters that drafted for this fan: their fan-out threads, and whether one still waits.
        drafted = s.execute(
            select(QuestionCluster.id, QuestionCluster.status, QuestionCluster.fanout_thread)
            .join(
                Draft,
                (Draft.creator_id == QuestionCluster.creator_id)
                & (Draft.cluster_id == QuestionCluster.id),
            )
            .where(Draft.creator_id == creator_id, Draft.customer_id == customer_id)
            .distinct()
        ).all()
        busy = sorted(cid for cid, status, _ in drafted if status in ("drafting", "review"))
        if busy:
            raise ConflictError(
                f"clusters {', '.join(busy)} still wait on decisions that include this fan: "
                "decide them, then delete"
            )
        executions = list(
            s.scalars(
                select(Execution.id).where(
                    Execution.creator_id == creator_id, Execution.customer_id == customer_id
                )
            )
        )
        fanouts = {thread for _, _, thread in drafted}
        clusters = {
            c
            for c in s.scalars(
                select(FanQuestion.cluster_id).where(
                    FanQuestion.creator_id == creator_id, FanQuestion.customer_id == customer_id
                )
            )
            if c
        }
        questions = [
            str(q)
            for q in s.scalars(
                select(FanQuestion.id).where(
                    FanQuestion.creator_id == creator_id, FanQuestion.customer_id == customer_id
                )
            )
        ]
    counts: dict[str, int] = {}
    # Checkpoints: the fan's own threads, their held replies, and finished fan-outs that drafted
    # for them (a finished run is not resumed again; its rows stay for the other fans).
    threads = [thread_id(creator_id, customer_id, c) for c in CHANNELS]
    threads += [reply_thread(creator_id, e) for e in executions]
    threads += [t for t in fanouts if t]
    for thread in threads:
        with svc.thread_lock(thread):
            svc.checkpointer.delete_thread(thread)
    counts["checkpoint_threads"] = len(threads)
    with svc.sessions.begin() as s:
        approvals = _their_approvals(s, creator_id, customer_id)
        scopes = [f"messages:{customer_id}"] + [f"approvals:{a.id}" for a in approvals]
        for a in approvals:
            s.delete(a)
        counts["approvals"] = len(approvals)
        # Batch approvals list each ready draft as "- <customer>: <text>…": drop their line.
        line = re.compile(rf"^- {re.escape(customer_id)}: .*(?:\n|$)", re.M)
        for batch in s.scalars(
            select(Approval).where(
                Approval.creator_id == creator_id, Approval.kind == "send_ready_replies"
            )
        ):
            description = (batch.payload or {}).get("description", "")
            if line.search(description):
                batch.payload = {**batch.payload, "description": line.sub("", description)}
                scopes.append(f"approvals:{batch.id}")
        for model in _ROWS:
            res = s.execute(
                delete(model).where(
                    model.creator_id == creator_id, model.customer_id == customer_id
                )
            )
            counts[model.__tablename__] = res.rowcount  # type: ignore[attr-defined]
        s.execute(
            delete(IdempotencyRecord).where(
                IdempotencyRecord.creator_id == creator_id, IdempotencyRecord.scope.in_(scopes)
            )
        )
    if questions:
        svc.vectors.delete(creator_id, questions, kind="questions")
    if svc.clusters is not None and clusters:
        svc.clusters.forget(creator_id, clusters)
    _flush_to_disk(svc)
    return counts


def _flush_to_disk(svc: Services) -> None:
    """Fold the write-ahead logs into the databases and empty them (old pages live there)."""
    if svc.engine.dialect.name == "sqlite":
        with svc.engine.connect() as conn:
            conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    saver_conn = getattr(svc.checkpointer, "conn", None)  # SQLite checkpointer only
    if saver_conn is not None:
        with svc.checkpointer.lock:
            saver_conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def forget_creator(svc: Services, creator_id: str) -> dict[str, int]:
    """Delete a creator and everything of theirs; 409 while one of their fan-outs drafts.

    Every table with a ``creator_id`` column, both vector collections, and every checkpoint
    thread of theirs (conversations ``<creator>:...``, held replies ``reply:<creator>:...``,
    fan-outs ``fanout:<creator>:...``). Their keys go with their rows, so they stop at once.
    """
    svc.catalog.get_creator(creator_id)
    with svc.sessions() as s:
        drafting = sorted(
            s.scalars(
                select(QuestionCluster.id).where(
                    QuestionCluster.creator_id == creator_id, QuestionCluster.status == "drafting"
                )
            )
        )
    if drafting:
        raise ConflictError(f"clusters {', '.join(drafting)} are drafting: wait, then delete")
    counts: dict[str, int] = {}
    prefixes = [f"{creator_id}:", f"reply:{creator_id}:", f"fanout:{creator_id}:"]
    counts["checkpoint_threads"] = _delete_threads(svc, prefixes)
    with svc.sessions.begin() as s:
        for table in reversed(Base.metadata.sorted_tables):
            if "creator_id" in table.c:
                res = s.execute(delete(table).where(table.c.creator_id == creator_id))
                counts[table.name] = res.rowcount  # type: ignore[attr-defined]
        s.execute(delete(Creator).where(Creator.id == creator_id))
    svc.vectors.drop(creator_id)
    svc.catalog.forget(creator_id)
    svc.search.forget(creator_id)
    if svc.clusters is not None:
        svc.clusters.forget_creator(creator_id)
    _flush_to_disk(svc)
    return counts


def _delete_threads(svc: Services, prefixes: list[str]) -> int:
    """Delete every checkpoint thread whose id starts with one of ``prefixes``; how many."""
    saver_conn = getattr(svc.checkpointer, "conn", None)
    if saver_conn is not None:  # SQLite: the saver's own connection, under its lock
        clause = " OR ".join(f"substr(thread_id, 1, {len(p)}) = ?" for p in prefixes)
        with svc.checkpointer.lock, saver_conn:
            threads = saver_conn.execute(
                f"SELECT count(DISTINCT thread_id) FROM checkpoints WHERE {clause}", prefixes
            ).fetchone()[0]
            for table in ("checkpoints", "writes"):
                saver_conn.execute(f"DELETE FROM {table} WHERE {clause}", prefixes)
        return int(threads)
    clause = " OR ".join(f"substr(thread_id, 1, {len(p)}) = %s" for p in prefixes)
    with svc.checkpointer.pool.connection() as conn:  # Postgres: PostgresSaver's tables
        row = conn.execute(
            f"SELECT count(DISTINCT thread_id) AS n FROM checkpoints WHERE {clause}", prefixes
        ).fetchone()
        for table in ("checkpoints", "checkpoint_blobs", "checkpoint_writes"):
            conn.execute(f"DELETE FROM {table} WHERE {clause}", prefixes)
    return int(row["n"])
