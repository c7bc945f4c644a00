"""Long work started from the web app, run in the background with visible progress.

An import of thousands of products, a re-clustering or an answer-once fan-out takes seconds to
minutes; a page that waits that long looks broken. The web app starts them here and shows a
progress page that polls the job. Jobs live in this process only: the work itself is safe to
lose midway (an import upserts, a re-clustering writes in one transaction, a fan-out resumes
from its checkpoint at start-up), so a crash loses the progress bar, never data.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from memory.catalog import BadRequestError, ConflictError, NotFoundError
from memory.importers import ImportFormatError

log = logging.getLogger("dmpilot.jobs")
KEEP = 20  # finished jobs remembered per creator
EXPECTED = (BadRequestError, ConflictError, NotFoundError, ImportFormatError, ValueError)


@dataclass
class Job:
    """One piece of long work and how far it got."""

    id: str
    creator_id: str
    kind: str
    title: str
    status: str = "running"  # running | done | failed
    stage: str = "starting"
    done: int = 0
    total: int = 0
    message: str = ""
    link: str = ""
    started: float = field(default_factory=time.monotonic)
    seconds: float = 0.0

    def update(self, done: int | None = None, total: int | None = None, stage: str = "") -> None:
        """Report progress (called from the worker thread; plain attribute writes)."""
        if total is not None:
            self.total = total
        if done is not None:
            self.done = done
        if stage:
            self.stage = stage

    @property
    def percent(self) -> int:
        """How far, 0-100 (0 while the total is unknown)."""
        return int(100 * self.done / self.total) if self.total else 0


Work = Callable[[Job], tuple[str, str]]  # returns (message, link to the result)


class Jobs:
    """Background jobs per creator; one running job of a kind per creator at a time."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._jobs: dict[str, Job] = {}

    def start(self, creator_id: str, kind: str, title: str, work: Work) -> Job:
        """Run ``work`` in a thread; ``ConflictError`` if one of this kind is running."""
        with self._lock:
            if any(j.creator_id == creator_id and j.kind == kind and j.status == "running"
                   for j in self._jobs.values()):  # fmt: skip
                raise ConflictError(f"a {kind} is already running; wait for it to finish")
            job = Job(id=uuid.uuid4().hex, creator_id=creator_id, kind=kind, title=title)
            self._jobs[job.id] = job
            self._forget_old(creator_id)
        threading.Thread(target=self._run, args=(job, work), name=f"job-{kind}",
                         daemon=True).start()  # fmt: skip
        return job

    def _run(self, job: Job, work: Work) -> None:
        try:
            job.message, job.link = work(job)
            job.status = "done"
        except EXPECTED as e:
            job.status, job.message = "failed", str(e)
        except Exception:  # the server log has the traceback; the page says where to look
            log.exception("job %s (%s) failed", job.id, job.kind)
            job.status, job.message = "failed", "internal error (the server log has details)"
        job.seconds = round(time.monotonic() - job.started, 1)

    def _forget_old(self, creator_id: str) -> None:
        mine = [j for j in self._jobs.values() if j.creator_id == creator_id]
        finished = [j for j in mine if j.status != "running"]
        for j in finished[: max(0, len(mine) - KEEP)]:
            del self._jobs[j.id]

    def get(self, creator_id: str, job_id: str) -> Job | None:
        """A job of this creator (another creator's job is not found)."""
        job = self._jobs.get(job_id)
        return job if job is not None and job.creator_id == creator_id else None

    def running(self, creator_id: str) -> list[Job]:
        """This creator's jobs still running."""
        return [j for j in list(self._jobs.values())
                if j.creator_id == creator_id and j.status == "running"]  # fmt: skip

    def wait(self, job: Job, timeout_s: float) -> bool:
        """Poll until the job ends (tests and the CLI); True when it ended."""
        deadline = time.monotonic() + timeout_s
        while job.status == "running" and time.monotonic() < deadline:
            time.sleep(0.05)
        return job.status != "running"

    def as_dict(self, job: Job) -> dict[str, Any]:
        """What the progress fragment shows."""
        return {"id": job.id, "kind": job.kind, "title": job.title, "status": job.status,
                "stage": job.stage, "done": job.done, "total": job.total,
                "percent": job.percent, "message": job.message, "link": job.link,
                "seconds": job.seconds}  # fmt: skip
