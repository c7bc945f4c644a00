"""Long work started from the web app, run in the background with visible progress.

An import of thousands of products, a re-clustering or an answer-once fan-out takes seconds to
minutes; a page that waits that long looks broken. The web app starts them here and shows a
progress page that polls the job's row (``memory/jobs.py``), so any worker process can answer
the poll. The work itself is safe to lose midway (an import upserts, a re-clustering writes in
one transaction, a fan-out resumes from its checkpoint at start-up): a crash fails the job's
row, never data.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from memory.catalog import BadRequestError, ConflictError, NotFoundError
from memory.importers import ImportFormatError
from memory.jobs import JobStore

log = logging.getLogger("dmpilot.jobs")
# A person's mistake or a state they can act on: shown on the page as it is.
EXPECTED = (BadRequestError, ConflictError, NotFoundError, ImportFormatError)
EVERY_S = 0.25  # progress is written at most this often


class Job:
    """The running side of one job: progress reports, written to its row now and then."""

    def __init__(self, store: JobStore, row: dict[str, Any]) -> None:
        self.store, self.id = store, str(row["id"])
        self.started = time.monotonic()
        self._written = 0.0
        self._stage = ""

    def update(self, done: int | None = None, total: int | None = None, stage: str = "") -> None:
        """Report progress; a new stage is written at once, counts at most every 0.25 s."""
        now = time.monotonic()
        if stage == self._stage and now - self._written < EVERY_S:
            return
        fields: dict[str, Any] = {}
        if done is not None:
            fields["done"] = done
        if total is not None:
            fields["total"] = total
        if stage:
            fields["stage"] = stage[:200]
            self._stage = stage
        self._written = now
        self.store.report(self.id, **fields)


Work = Callable[[Job], tuple[str, str]]  # returns (message, link to the result)


class Jobs:
    """Start work in a thread of this process; read any job through its row."""

    def __init__(self, store: JobStore) -> None:
        self.store = store

    def start(self, creator_id: str, kind: str, title: str, work: Work) -> dict[str, Any]:
        """Run ``work`` in a thread; ``ConflictError`` if one of this kind is running."""
        row = self.store.start(creator_id, kind, title)
        job = Job(self.store, row)
        threading.Thread(target=self._run, args=(job, work), name=f"job-{kind}"[:40],
                         daemon=True).start()  # fmt: skip
        return row

    def _run(self, job: Job, work: Work) -> None:
        try:
            message, link = work(job)
            status = "done"
        except EXPECTED as e:
            log.info("job %s ended: %s", job.id, e)
            status, message, link = "failed", str(e), ""
        except Exception:  # the server log has the traceback; the page says where to look
            log.exception("job %s failed", job.id)
            status, message, link = "failed", "internal error (the server log has details)", ""
        seconds = round(time.monotonic() - job.started, 1)
        self.store.report(job.id, status=status, message=message[:2000], link=link[:500],
                          seconds=seconds)  # fmt: skip

    def get(self, creator_id: str, job_id: str) -> dict[str, Any] | None:
        """A job of this creator, as its row says now."""
        return self.store.get(creator_id, job_id)

    def running(self, creator_id: str) -> list[dict[str, Any]]:
        """This creator's running jobs."""
        return self.store.running(creator_id)

    def wait(self, creator_id: str, job_id: str, timeout_s: float) -> dict[str, Any] | None:
        """Poll the row until the job ends or ``timeout_s`` passes; the row as last read."""
        deadline = time.monotonic() + timeout_s
        row = self.get(creator_id, job_id)
        while row is not None and row["status"] == "running" and time.monotonic() < deadline:
            time.sleep(0.05)
            row = self.get(creator_id, job_id)
        return row
