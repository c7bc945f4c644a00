"""A lock per conversation thread that also holds across worker processes (flock on a file).

Keys are hashed onto a fixed set of stripes, so neither lock files nor in-process locks grow
with the number of threads ever seen (one file and one lock per thread used to pile up: 3,008
files after a 10-minute soak). Two keys that share a stripe simply take turns; a thread that
already holds a stripe may take it again (a decision holds its approval thread and then
rewrites the conversation thread, which may hash to the same stripe).
"""

from __future__ import annotations

import fcntl
import hashlib
import threading
from pathlib import Path
from types import TracebackType
from typing import IO

STRIPES = 1024


class _Stripe:
    """One in-process reentrant lock and, while held, an exclusive ``flock`` on its file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.local = threading.RLock()
        self.depth = 0  # changed only by the thread holding ``local``
        self.file: IO[str] | None = None

    def acquire(self) -> None:
        self.local.acquire()
        if self.depth == 0:
            try:
                f = open(self.path, "a+")  # noqa: SIM115 - held until the last release
                fcntl.flock(f.fileno(), fcntl.LOCK_EX)
                self.file = f
            except BaseException:
                self.local.release()
                raise
        self.depth += 1

    def release(self) -> None:
        self.depth -= 1
        try:
            if self.depth == 0 and self.file is not None:
                f, self.file = self.file, None
                fcntl.flock(f.fileno(), fcntl.LOCK_UN)
                f.close()
        finally:
            self.local.release()


class LockTable:
    """``STRIPES`` striped locks over ``<dir>/<stripe>.lock``."""

    def __init__(self, directory: Path, stripes: int = STRIPES) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        for old in directory.glob("*.lock"):  # one file per thread, from before the stripes
            if not (len(old.stem) == 4 and old.stem.isdigit()):
                old.unlink(missing_ok=True)
        self.directory = directory
        self._stripes = [_Stripe(directory / f"{i:04d}.lock") for i in range(stripes)]

    def __call__(self, key: str) -> ThreadLock:
        """The lock of ``key`` (its stripe)."""
        digest = hashlib.sha1(key.encode()).digest()
        return ThreadLock(self._stripes[int.from_bytes(digest[:4], "big") % len(self._stripes)])


class ThreadLock:
    """Context manager over one stripe."""

    def __init__(self, stripe: _Stripe) -> None:
        self._stripe = stripe

    def __enter__(self) -> ThreadLock:
        self._stripe.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stripe.release()
