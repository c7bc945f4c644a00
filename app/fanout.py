"""Runs fan-outs and human approvals: the graph's interrupts mirrored as rows in ``approvals``.

``start`` runs a cluster's fan-out until its approvals pause it; ``decide`` resumes exactly the
decided interrupt (``Command(resume={interrupt_id: decision})``). The checkpointer keeps the
paused run, so approvals survive a restart; the SQL rows only make them listable and enforce
"decide once" (409 on a second decision).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import timedelta
from typing import Any

from langgraph.types import Command
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from memory.catalog import BadRequestError, ConflictError, NotFoundError
from memory.fanout import (
    Approval,
    ApprovalStore,
    Delivery,
    Draft,
    FanQuestion,
    QuestionCluster,
    row_dict,
)
from memory.models import utcnow
from nodes.fanout.state import FanoutContext
from nodes.hitl import validate_response


class FanoutRunner:
    """Start fan-outs, list pending approvals, apply decisions."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        graph: Any,
        context: Callable[[str], FanoutContext],
        lock: Callable[[str], AbstractContextManager[Any]],
        max_concurrency: int = 8,
        reply_graph: Any = None,
    ) -> None:
        self.sessions = sessions
        self.approvals = ApprovalStore(sessions)
        self.graph = graph
        self.reply_graph = reply_graph
        self.context = context
        self.lock = lock
        self.max_concurrency = max_concurrency

    def _config(self, thread: str) -> dict[str, Any]:
        return {"configurable": {"thread_id": thread}, "max_concurrency": self.max_concurrency}

    def start(
        self,
        creator_id: str,
        cluster_id: str,
        answer: str,
        channel: str = "dm",
        progress: Callable[[int, int], None] | None = None,
    ) -> dict[str, Any]:
        """Draft every affected fan's reply; pause on approvals. 409 if already answered.

        ``progress(drafted, chats)`` after each fan's draft (the web app's progress bar).
        """
        thread = f"fanout:{creator_id}:{cluster_id}"
        with self.lock(thread):
            with self.sessions.begin() as s:
                cluster = s.get(QuestionCluster, (creator_id, cluster_id))
                if cluster is None:
                    raise NotFoundError(f"unknown cluster '{cluster_id}'")
                if cluster.status != "pending":
                    raise ConflictError(f"cluster '{cluster_id}' is already {cluster.status}")
                has = s.scalar(
                    select(FanQuestion.id).where(
                        FanQuestion.creator_id == creator_id, FanQuestion.cluster_id == cluster_id
                    )
                )
                if has is None:
                    raise BadRequestError(f"cluster '{cluster_id}' has no questions")
                cluster.fanout_thread = thread
            run = {"creator_id": creator_id, "cluster_id": cluster_id, "answer": answer,
                   "channel": channel}  # fmt: skip
            if progress is None:
                self.graph.invoke(run, self._config(thread), context=self.context(creator_id))
            else:
                chats = drafted = 0
                for update in self.graph.stream(run, self._config(thread),
                                                context=self.context(creator_id),
                                                stream_mode="updates"):  # fmt: skip
                    if "prepare_fanout" in update:
                        chats = len((update["prepare_fanout"] or {}).get("chats") or [])
                    drafted += "draft_reply" in update
                    progress(drafted, chats)
            self._sync(creator_id, thread)
        return self.summary(creator_id, cluster_id)

    def recover(self) -> dict[str, int]:
        """Finish what a crash interrupted: run at start-up, before anyone waits on it.

        - a fan-out killed while drafting resumes from its last checkpoint (or starts again
          from the stored answer when it died before the first one): no cluster stays in
          ``drafting`` and every fan of it is drafted;
        - a paused fan-out or held reply whose approval rows were not written gets them;
        - a decision recorded but not applied (killed while resuming) is applied, fan-out and
          held reply alike; delivery is idempotent, so a replay cannot send twice.
        """
        done = {"resumed": 0, "restarted": 0, "synced": 0}
        with self.sessions() as s:
            clusters = s.execute(
                select(QuestionCluster.creator_id, QuestionCluster.id,
                       QuestionCluster.fanout_thread, QuestionCluster.answer)
                .where(QuestionCluster.status.in_(("drafting", "review")),
                       QuestionCluster.fanout_thread.is_not(None))
            ).all()  # fmt: skip
            replies = s.execute(
                select(Approval.creator_id, Approval.thread_id)
                .where(Approval.thread_id.like("reply:%"), Approval.status == "decided",
                       Approval.decided_at >= utcnow() - timedelta(days=7))
                .distinct()
            ).all()  # fmt: skip
        for creator_id, cluster_id, thread, answer in clusters:
            assert thread is not None  # selected so
            with self.lock(thread):
                snap = self.graph.get_state(self._config(thread))
                if not snap.values and answer:  # died before its first checkpoint
                    self.graph.invoke(
                        {"creator_id": creator_id, "cluster_id": cluster_id, "answer": answer},
                        self._config(thread), context=self.context(creator_id),
                    )  # fmt: skip
                    done["restarted"] += 1
                elif snap.next and not snap.interrupts:  # died between checkpoints
                    self.graph.invoke(None, self._config(thread), context=self.context(creator_id))
                    done["resumed"] += 1
                self._sync(creator_id, thread)
                done["synced"] += 1
        for creator_id, thread in replies:
            with self.lock(thread):
                self._sync(creator_id, thread)
                done["synced"] += 1
        return done

    def _graph(self, thread: str) -> Any:
        return self.reply_graph if thread.startswith("reply:") else self.graph

    def summary(self, creator_id: str, cluster_id: str) -> dict[str, Any]:
        """Drafts by status and pending approvals of one cluster."""
        with self.sessions() as s:
            cluster = s.get(QuestionCluster, (creator_id, cluster_id))
            if cluster is None:
                raise NotFoundError(f"unknown cluster '{cluster_id}'")
            drafts = list(
                s.scalars(
                    select(Draft).where(
                        Draft.creator_id == creator_id, Draft.cluster_id == cluster_id
                    )
                )
            )
            pending = list(
                s.scalars(
                    select(Approval.id).where(
                        Approval.creator_id == creator_id,
                        Approval.thread_id == cluster.fanout_thread,
                        Approval.status == "pending",
                    )
                )
            )
            return {
                "cluster_id": cluster_id,
                "status": cluster.status,
                "drafts": dict(Counter(d.status for d in drafts)),
                "pending_approvals": pending,
            }

    def drafts(self, creator_id: str, cluster_id: str) -> list[dict[str, Any]]:
        """Every draft of a cluster with its checks."""
        with self.sessions() as s:
            if s.get(QuestionCluster, (creator_id, cluster_id)) is None:
                raise NotFoundError(f"unknown cluster '{cluster_id}'")
            rows = list(
                s.scalars(
                    select(Draft)
                    .where(Draft.creator_id == creator_id, Draft.cluster_id == cluster_id)
                    .order_by(Draft.customer_id)
                )
            )
            # A channel's own outcome (Instagram: queued, sent, held outside its window...)
            # is the delivery status a person needs, not just "handed to the channel".
            keys = {f"fanout:{creator_id}:{r.id}": r.id for r in rows}
            channel = {
                keys[d.idempotency_key]: d
                for d in s.scalars(select(Delivery).where(Delivery.idempotency_key.in_(list(keys))))
                if d.status != "delivered"
            }
            out = []
            for r in rows:
                item = row_dict(r)
                if r.id in channel:
                    item["delivery_status"] = channel[r.id].status
                    item["delivery_error"] = channel[r.id].error
                out.append(item)
            return out

    def pending(
        self,
        creator_id: str,
        offset: int = 0,
        limit: int = 50,
        kind: str | None = None,
        thread: str | None = None,
    ) -> tuple[int, list[Any]]:
        """One page of pending approvals, oldest first, and how many there are.

        Rows are written when a run pauses (and by the start-up recovery after a crash), so
        listing reads SQL only: re-syncing every paused thread here made each call slower the
        more fan-outs waited (p50 18 -> 200 ms over a 10-minute soak).
        """
        where = [Approval.creator_id == creator_id, Approval.status == "pending"]
        if kind is not None:
            where.append(Approval.kind == kind)
        if thread is not None:  # one fan-out's approvals (a cluster's page)
            where.append(Approval.thread_id == thread)
        with self.sessions() as s:
            total = s.scalar(select(func.count()).select_from(Approval).where(*where)) or 0
            rows = s.scalars(
                select(Approval).where(*where)
                .order_by(Approval.created_at, Approval.id).offset(offset).limit(limit)
            )  # fmt: skip
            return total, [self._out(r) for r in rows]

    def decide(self, creator_id: str, approval_id: str, response: dict[str, Any]) -> dict[str, Any]:
        """Validate and apply one decision; 404 unknown (or another creator's), 409 decided."""
        with self.sessions() as s:
            row = s.get(Approval, approval_id)
            if row is None or row.creator_id != creator_id:
                raise NotFoundError(f"creator '{creator_id}' has no approval '{approval_id}'")
            thread, payload = row.thread_id, row.payload
        try:
            decision = validate_response(payload, response)  # type: ignore[arg-type]
        except ValueError as exc:  # the person's decision does not fit the request
            raise BadRequestError(str(exc)) from exc
        with self.lock(thread):
            with self.sessions.begin() as s:
                row = s.get(Approval, approval_id)
                assert row is not None
                if row.status != "pending":
                    raise ConflictError(f"approval '{approval_id}' was already decided")
                row.status, row.decision, row.decided_at = "decided", dict(decision), utcnow()
            try:
                self._graph(thread).invoke(
                    Command(resume={approval_id: decision}), self._config(thread),
                    context=self.context(creator_id),
                )  # fmt: skip
            except Exception:
                with self.sessions.begin() as s:  # not applied: the person may decide again
                    row = s.get(Approval, approval_id)
                    if row is not None:
                        row.status, row.decision, row.decided_at = "pending", None, None
                raise
            self._sync(creator_id, thread)
        with self.sessions() as s:
            row = s.get(Approval, approval_id)
            assert row is not None
            return self._out(row)

    def _sync(self, creator_id: str, thread: str) -> list[str]:
        """Insert a row for every interrupt the paused run is waiting on.

        A decision recorded but not applied (the process died during the resume) is applied
        again: delivery is idempotent, so the replay cannot double-send.
        """
        graph = self._graph(thread)
        snap = graph.get_state({"configurable": {"thread_id": thread}})
        replay = self.approvals.add(creator_id, thread, snap.interrupts)
        if replay:
            graph.invoke(
                Command(resume=replay), self._config(thread), context=self.context(creator_id)
            )
            return self._sync(creator_id, thread)
        return [str(it.id) for it in snap.interrupts]

    @staticmethod
    def _out(row: Approval) -> dict[str, Any]:
        return {
            "id": row.id, "kind": row.kind, "status": row.status, "payload": row.payload,
            "decision": row.decision, "thread_id": row.thread_id,
            "created_at": row.created_at.isoformat(),
            "decided_at": row.decided_at.isoformat() if row.decided_at else None,
        }  # fmt: skip
