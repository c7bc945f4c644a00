"""A lock per conversation thread that also holds across worker processes (flock on a file)."""

from __future__ import annotations

import fcntl
import hashlib
import threading
from pathlib import Path
from types import TracebackType


class ThreadLock:
    """In-process mutex plus an exclusive ``flock`` on ``<dir>/<hash>.lock``."""

    def __init__(self, directory: Path, key: str, local: threading.Lock) -> None:
        self._path = directory / f"{hashlib.sha1(key.encode()).hexdigest()[:20]}.lock"
        self._local = local
        self._file: object | None = None

    def __enter__(self) -> ThreadLock:
        self._local.acquire()
        try:
            f = open(self._path, "a+")  # noqa: SIM115 - held until __exit__
            fcntl.flock(f.fileno(), fcntl.LOCK_EX)
            self._file = f
        except BaseException:
            self._local.release()
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        f = self._file
        self._file = None
        try:
            if f is not None:
                fcntl.flock(f.fileno(), fcntl.LOCK_UN)  # type: ignore[attr-defined]
                f.close()  # type: ignore[attr-defined]
        finally:
            self._local.release()
