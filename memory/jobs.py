"""Rows of long work started from the web app, so every worker process sees the same progress.

``dmpilot serve --workers N`` may send a progress poll to another process than the one doing
the work; the row is what they share. A job whose process died is reported failed on the
next read (its work is safe to lose: see ``app/jobs.py``), and one running past its time limit
no longer blocks a new one of its kind.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Float, Index, Integer, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from memory.catalog import ConflictError
from memory.channels import worker_alive, worker_id
from memory.models import Base, UtcDateTime, utcnow

KEEP_DAYS = 7  # finished jobs older than this are deleted when a new one starts


class JobRow(Base):
    """One piece of long work: what, whose, how far, and how it ended."""

    __tablename__ = "web_jobs"
    __table_args__ = (Index("ix_job_running", "creator_id", "kind", "status"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    creator_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(16), default="running")  # running|done|failed
    stage: Mapped[str] = mapped_column(String(200), default="starting")
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    message: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str] = mapped_column(String(500), default="")
    owner: Mapped[str] = mapped_column(String(64))
    seconds: Mapped[float] = mapped_column(Float, default=0.0)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


def _out(row: JobRow) -> dict[str, Any]:
    return {
        "id": row.id, "creator_id": row.creator_id, "kind": row.kind, "title": row.title,
        "status": row.status, "stage": row.stage, "done": row.done, "total": row.total,
        "percent": int(100 * row.done / row.total) if row.total else 0,
        "message": row.message, "link": row.link, "seconds": row.seconds,
    }  # fmt: skip


class JobStore:
    """Start, report and read jobs; at most one running job of a kind per creator."""

    def __init__(self, sessions: sessionmaker[Session], max_runtime_s: float) -> None:
        self.sessions = sessions
        self.max_runtime = timedelta(seconds=max_runtime_s)

    def _settle(self, s: Session, row: JobRow) -> None:
        """A running job whose process is gone, or that ran too long, is failed."""
        if row.status != "running":
            return
        if not worker_alive(row.owner):
            row.status, row.message = "failed", "the server stopped during this work; start again"
        elif utcnow() - row.started_at > self.max_runtime:
            row.status, row.message = "failed", "it took longer than its time limit"

    def start(self, creator_id: str, kind: str, title: str) -> dict[str, Any]:
        """A new running job; ``ConflictError`` while one of this kind still runs."""
        with self.sessions.begin() as s:
            for row in s.scalars(
                select(JobRow).where(JobRow.creator_id == creator_id, JobRow.kind == kind,
                                     JobRow.status == "running")
            ):  # fmt: skip
                self._settle(s, row)
                if row.status == "running":
                    raise ConflictError(f"{row.title} is still running; wait for it to finish")
            old = utcnow() - timedelta(days=KEEP_DAYS)
            for row in s.scalars(
                select(JobRow).where(JobRow.creator_id == creator_id, JobRow.started_at < old,
                                     JobRow.status != "running")
            ):  # fmt: skip
                s.delete(row)
            row = JobRow(id=uuid.uuid4().hex, creator_id=creator_id, kind=kind, title=title[:300],
                         owner=worker_id())  # fmt: skip
            s.add(row)
            s.flush()
            return _out(row)

    def report(self, job_id: str, **fields: Any) -> None:
        """Write progress or the outcome (only this job's own fields)."""
        with self.sessions.begin() as s:
            row = s.get(JobRow, job_id)
            if row is not None:
                for k, v in fields.items():
                    setattr(row, k, v)

    def get(self, creator_id: str, job_id: str) -> dict[str, Any] | None:
        """A job of this creator (another creator's job is not found)."""
        with self.sessions.begin() as s:
            row = s.get(JobRow, job_id[:32])
            if row is None or row.creator_id != creator_id:
                return None
            self._settle(s, row)
            return _out(row)

    def running(self, creator_id: str) -> list[dict[str, Any]]:
        """This creator's jobs still running, oldest first."""
        with self.sessions.begin() as s:
            rows = list(
                s.scalars(
                    select(JobRow)
                    .where(JobRow.creator_id == creator_id, JobRow.status == "running")
                    .order_by(JobRow.started_at)
                )
            )
            for row in rows:
                self._settle(s, row)
            return [_out(r) for r in rows if r.status == "running"]
