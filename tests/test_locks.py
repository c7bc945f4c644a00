"""Per-thread locks: bounded on disk and in memory, reentrant per stripe, exclusive across processes."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

from memory.locks import STRIPES, LockTable


def test_lock_files_stay_bounded_whatever_the_number_of_threads(tmp_path: Path) -> None:
    (tmp_path / "0123456789abcdef0123.lock").write_text("")  # a per-thread file of old
    table = LockTable(tmp_path)
    for i in range(5000):
        with table(f"creator:fan{i}:dm"):
            pass
    files = list(tmp_path.glob("*.lock"))
    assert len(files) <= STRIPES
    assert not (tmp_path / "0123456789abcdef0123.lock").exists()


def test_two_keys_on_one_stripe_nest_without_deadlock(tmp_path: Path) -> None:
    table = LockTable(tmp_path, stripes=2)
    keys = [f"k{i}" for i in range(20)]
    a = keys[0]
    b = next(k for k in keys[1:] if table(k)._stripe is table(a)._stripe)
    done = threading.Event()

    def nested() -> None:
        with table(a), table(b), table(a):
            done.set()

    worker = threading.Thread(target=nested, daemon=True)
    worker.start()
    worker.join(timeout=5)
    assert done.is_set(), "a thread deadlocked on a stripe it already held"
    with table(b):  # and it was released in full
        pass


def test_the_lock_excludes_another_process(tmp_path: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time; from pathlib import Path; from memory.locks import LockTable\n"
         f"lock = LockTable(Path({str(tmp_path)!r}))('c:fan:dm')\n"
         "with lock:\n    print('held', flush=True); time.sleep(1.0)\n"],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        t0 = time.monotonic()
        with LockTable(tmp_path)("c:fan:dm"):
            waited = time.monotonic() - t0
        assert waited > 0.5, waited
    finally:
        holder.wait(timeout=30)
