"""Soak benchmark: does the server stay flat over time under a steady, mixed load?

The other benchmarks measure a few hundred requests; problems that grow with time (memory,
files, tables scanned on every request, a slower approvals page as approvals pile up) only
show after minutes of traffic. This runs the real server (uvicorn, fresh temp data dir,
checkpoints pruned every minute) and drives turns, approvals, inbox batches, searches and
conversation reads at a fixed pace from a few client threads on 127.0.0.1. Each wall-clock
minute it records count, p50/p95 latency and errors per request kind, the server's RSS, the
data dir size and the lock files; at the end it prints a minute-by-minute table and a "flat"
verdict (last minute against minute 2, as minute 1 includes the warm-up).

    .venv/bin/python -m bench.soak --minutes 5 [--rate 600] [--max-requests N]

Results go to ``bench/results/soak-<UTC timestamp>.json`` and ``soak-latest.json``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import numpy as np

from app.demo import demo_catalog
from bench.agent import _free_port

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
CREATOR = "soak"
WORKERS = 6
FANS = 2000
TIMEOUT_S = 60.0

# Jobs in one cycle of the schedule; the turns in it set its pace (``--rate`` turns/minute).
MIX = ["turn", "search", "turn", "read", "turn", "approvals",
       "turn", "search", "turn", "inbox", "turn", "decide"]  # fmt: skip
TURNS_PER_CYCLE = MIX.count("turn")
KINDS = ["turn", "approvals", "decide", "inbox", "search", "read"]

NORMAL_TEXTS = [
    "show me yoga mats", "do you ship to canada?", "under $60", "what's your return policy?",
    "show me hoodies", "does the first one come in M?", "compare the first two",
    "I'm vegan, what protein do you have?", "black leggings size M under $50",
    "how much is the first one", "any resistance bands?", "what sizes do the shorts come in?",
]  # fmt: skip
HELD_TEXTS = ["I was charged twice, I want a person", "I hurt my knee, which mat?"]
INBOX_TEXTS = [
    "do you ship to canada?", "when is the next drop?", "is the protein vegan?",
    "what size should I get for leggings?", "how long does shipping take?",
    "can I return a hoodie I wore once?", "is there a discount code?",
]  # fmt: skip
SEARCHES = ["yoga mat", "hoodie", "vegan protein", "black leggings", "resistance bands",
            "shorts", "water bottle", "gym bag"]  # fmt: skip

# The verdict: a kind is flat when its last-minute percentiles are within this ratio of
# minute 2's, and the server flat when its RSS grew by at most this many MB.
MAX_LATENCY_RATIO = 1.5
MAX_RSS_GROWTH_MB = 50.0


@dataclass
class Shared:
    """State shared by the client threads (guarded by ``lock``)."""

    start: float
    deadline: float
    interval_s: float
    max_requests: int
    minutes: int
    lock: threading.Lock = field(default_factory=threading.Lock)
    next_job: int = 0
    # (minute index, kind, latency ms, status) of every finished request.
    samples: list[tuple[int, str, float, str]] = field(default_factory=list)
    held: Counter[int] = field(default_factory=Counter)  # turns held for approval, per minute
    talked: list[str] = field(default_factory=list)  # fans with at least one finished turn
    talked_set: set[str] = field(default_factory=set)
    approval_ids: list[str] = field(default_factory=list)  # pending ids seen, not yet decided
    decided: set[str] = field(default_factory=set)
    pending_total: int = 0

    def take(self) -> int | None:
        """The next job number, or None when the run is over (deadline or request cap)."""
        with self.lock:
            if self.next_job >= self.max_requests or time.monotonic() >= self.deadline:
                return None
            self.next_job += 1
            return self.next_job - 1

    def minute(self, t: float) -> int:
        """The 0-based wall-clock minute of the run that ``t`` falls in."""
        return min(int((t - self.start) // 60), self.minutes - 1)


# -- the server ------------------------------------------------------------------------------


def start_server(
    data_dir: Path, admin_key: str, log_path: Path
) -> tuple[subprocess.Popen[bytes], str]:
    """Start uvicorn on a free 127.0.0.1 port and wait (up to 120 s) for ``/health``."""
    port = _free_port()
    env = {
        **os.environ,
        "DMPILOT_ADMIN_KEY": admin_key,
        "DMPILOT_DATA_DIR": str(data_dir),
        "DMPILOT_RECLUSTER_INTERVAL_S": "0",
        "DMPILOT_MAINTENANCE_INTERVAL_S": "60",
    }
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "app.asgi:app", "--host", "127.0.0.1",
             "--port", str(port), "--log-level", "warning"],
            env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    for _ in range(1200):
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}; see {log_path}")
        try:
            if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    stop_server(proc)
    raise RuntimeError("server not healthy after 120 s")


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    """Terminate the server by its PID, and kill it if it does not stop within 30 s."""
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=30)


def _descendants(pid: int) -> list[int]:
    """``pid`` and all its child processes (from ``/proc/<pid>/task/*/children``)."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        for task in Path(f"/proc/{p}/task").glob("*"):
            try:
                todo.extend(int(c) for c in (task / "children").read_text().split())
            except OSError:
                pass
    return out


def rss_mb(pid: int) -> float:
    """Resident memory of the server and its children, in MB (VmRSS)."""
    total_kb = 0
    for p in _descendants(pid):
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total_kb += int(line.split()[1])
        except OSError:
            pass
    return round(total_kb / 1024, 1)


def dir_mb(path: Path) -> float:
    """Total size of the files under ``path``, in MB."""
    total = 0
    for root, _, files in os.walk(path):
        for name in files:
            try:
                total += os.path.getsize(os.path.join(root, name))
            except OSError:
                pass  # a file removed while walking (SQLite journals)
    return round(total / 1e6, 2)


def lock_files(data_dir: Path) -> int:
    """Number of files under ``<data_dir>/locks``."""
    locks = data_dir / "locks"
    return len(list(locks.iterdir())) if locks.is_dir() else 0


# -- the load --------------------------------------------------------------------------------


def setup_creator(base: str, headers: dict[str, str]) -> dict[str, Any]:
    """Create the soak creator and import the demo catalog; returns the import report."""
    with httpx.Client(base_url=base, headers=headers, timeout=300) as http:
        r = http.post("/v1/creators", json={"id": CREATOR, "name": "Soak Shop"})
        assert r.status_code == 201, (r.status_code, r.text)
        body = json.dumps({"products": demo_catalog()})
        r = http.post(
            f"/v1/creators/{CREATOR}/catalog/import",
            params={"format": "json"},
            files={"file": ("catalog.json", body, "application/json")},
        )
        assert r.status_code == 200, (r.status_code, r.text)
        report: dict[str, Any] = r.json()
        return report


def _request(http: httpx.Client, kind: str, rng: random.Random, sh: Shared) -> str:
    """Send one request of ``kind``; returns its status ("200", "409", "ReadTimeout", ...)."""
    prefix = f"/v1/creators/{CREATOR}"
    if kind == "turn":
        fan = f"fan-{rng.randrange(FANS)}"
        text = rng.choice(HELD_TEXTS) if rng.random() < 0.15 else rng.choice(NORMAL_TEXTS)
        r = http.post(f"{prefix}/conversations/{fan}/messages", json={"text": text})
        if r.status_code == 200:
            with sh.lock:
                sh.held[sh.minute(time.monotonic())] += bool(r.json().get("held_for_approval"))
                if fan not in sh.talked_set:
                    sh.talked_set.add(fan)
                    sh.talked.append(fan)
    elif kind == "approvals":
        r = http.get(f"{prefix}/approvals", params={"limit": 50})
        if r.status_code == 200:
            page = r.json()
            with sh.lock:
                sh.pending_total = page["total"]
                known = set(sh.approval_ids) | sh.decided
                sh.approval_ids.extend(a["id"] for a in page["items"] if a["id"] not in known)
    elif kind == "decide":
        with sh.lock:
            approval = sh.approval_ids.pop(0) if sh.approval_ids else None
            if approval is not None:
                sh.decided.add(approval)
        if approval is None:
            return "skipped"
        r = http.post(f"{prefix}/approvals/{approval}", json={"type": "accept"})
    elif kind == "inbox":
        now = datetime.now(UTC).isoformat()
        msgs = []
        for _ in range(rng.randint(2, 5)):
            k = rng.randrange(FANS)
            msgs.append({"customer_id": f"ig-{k}", "chat_id": f"ig:{k}",
                         "text": rng.choice(INBOX_TEXTS), "timestamp": now})  # fmt: skip
        r = http.post(f"{prefix}/inbox", json={"messages": msgs})
    elif kind == "search":
        params: dict[str, Any] = {"q": rng.choice(SEARCHES)}
        if rng.random() < 0.3:
            params["max_price"] = rng.choice([30, 60, 100])
        r = http.get(f"{prefix}/catalog/search", params=params)
    else:  # read
        with sh.lock:
            known_fan = rng.choice(sh.talked) if sh.talked else None
        if known_fan is None:
            return "skipped"
        r = http.get(f"{prefix}/conversations/{known_fan}")
    return str(r.status_code)


def worker(base: str, headers: dict[str, str], sh: Shared, seed: int) -> None:
    """Take jobs in schedule order, wait for each one's start time, send it, record it."""
    rng = random.Random(seed)
    with httpx.Client(base_url=base, headers=headers, timeout=TIMEOUT_S) as http:
        while (job := sh.take()) is not None:
            due = sh.start + job * sh.interval_s
            if (wait := min(due, sh.deadline) - time.monotonic()) > 0:
                time.sleep(wait)
            if time.monotonic() >= sh.deadline:
                return
            kind = MIX[job % len(MIX)]
            t0 = time.monotonic()
            try:
                status = _request(http, kind, rng, sh)
            except httpx.HTTPError as exc:
                status = type(exc).__name__
            t1 = time.monotonic()
            if status != "skipped":
                with sh.lock:
                    sh.samples.append((sh.minute(t1), kind, (t1 - t0) * 1000, status))


# -- the numbers -----------------------------------------------------------------------------


def _ok(kind: str, status: str) -> bool:
    """2xx, or 409 for a decision (already decided)."""
    return status.startswith("2") or (kind == "decide" and status == "409")


def summarise_minute(sh: Shared, minute: int, proc_pid: int, data_dir: Path) -> dict[str, Any]:
    """Per-kind count, p50/p95 ms, errors and statuses of one minute, with the server's gauges."""
    with sh.lock:
        rows = [s for s in sh.samples if s[0] == minute]
        held, pending = sh.held[minute], sh.pending_total
    kinds: dict[str, Any] = {}
    for kind in KINDS:
        mine = [(ms, st) for _, k, ms, st in rows if k == kind]
        lat = np.asarray([ms for ms, _ in mine]) if mine else None
        kinds[kind] = {
            "count": len(mine),
            "p50_ms": round(float(np.percentile(lat, 50)), 1) if lat is not None else None,
            "p95_ms": round(float(np.percentile(lat, 95)), 1) if lat is not None else None,
            "errors": sum(not _ok(kind, st) for _, st in mine),
            "statuses": dict(Counter(st for _, st in mine)),
        }
    return {
        "minute": minute + 1,
        "kinds": kinds,
        "held_for_approval": held,
        "pending_approvals": pending,
        "rss_mb": rss_mb(proc_pid),
        "data_mb": dir_mb(data_dir),
        "lock_files": lock_files(data_dir),
    }


def progress_line(m: dict[str, Any]) -> str:
    """One line per finished minute."""
    k = m["kinds"]
    errors = sum(v["errors"] for v in k.values())
    return (
        f"minute {m['minute']}: turns {k['turn']['count']} (p50 {k['turn']['p50_ms']} ms, "
        f"p95 {k['turn']['p95_ms']} ms), approvals p50 {k['approvals']['p50_ms']} ms, "
        f"errors {errors}, rss {m['rss_mb']} MB, data {m['data_mb']} MB, "
        f"locks {m['lock_files']}, pending {m['pending_approvals']}"
    )


def print_table(minutes: list[dict[str, Any]]) -> None:
    """Minute-by-minute: count p50/p95 per kind, then errors and the server's gauges."""
    head = f"{'min':>3}"
    for kind in KINDS:
        head += f" | {kind:>9} n p50/p95"
    head += " | err | held | pend |  rss MB | data MB | locks"
    print(head)
    print("-" * len(head))
    for m in minutes:
        line = f"{m['minute']:>3}"
        for kind in KINDS:
            v = m["kinds"][kind]
            line += f" | {v['count']:>5} {v['p50_ms'] or 0:>6.1f}/{v['p95_ms'] or 0:<6.1f}"
        errors = sum(v["errors"] for v in m["kinds"].values())
        line += f" | {errors:>3} | {m['held_for_approval']:>4} | {m['pending_approvals']:>4}"
        line += f" | {m['rss_mb']:>7.1f} | {m['data_mb']:>7.2f} | {m['lock_files']:>5}"
        print(line)


def verdict(minutes: list[dict[str, Any]]) -> dict[str, Any]:
    """Last minute against minute 2 (minute 1 includes the warm-up): ratios and RSS growth."""
    first = minutes[1] if len(minutes) > 1 else minutes[0]
    last = minutes[-1]
    out: dict[str, Any] = {"baseline_minute": first["minute"], "last_minute": last["minute"]}
    for kind in ("turn", "approvals"):
        for q in ("p50_ms", "p95_ms"):
            a, b = first["kinds"][kind][q], last["kinds"][kind][q]
            ratio = round(b / a, 2) if a and b else None
            out[f"{kind}_{q[:3]}_ratio"] = ratio
            out[f"{kind}_{q[:3]}_flat"] = ratio is not None and ratio <= MAX_LATENCY_RATIO
    growth = round(last["rss_mb"] - first["rss_mb"], 1)
    out["rss_growth_mb"] = growth
    out["rss_flat"] = growth <= MAX_RSS_GROWTH_MB
    out["errors"] = sum(v["errors"] for m in minutes for v in m["kinds"].values())
    return out


# -- main ------------------------------------------------------------------------------------


def run(minutes: int, rate: float, max_requests: int) -> dict[str, Any]:
    """Start the server, soak it for ``minutes`` at ``rate`` turns/minute, stop it."""
    tmp = Path(tempfile.mkdtemp(prefix="dmpilot-soak-"))
    data_dir, log_path = tmp / "data", tmp / "server.log"
    admin_key = secrets.token_urlsafe(24)
    headers = {"Authorization": f"Bearer {admin_key}"}
    proc: subprocess.Popen[bytes] | None = None
    try:
        t0 = time.monotonic()
        proc, base = start_server(data_dir, admin_key, log_path)
        startup_s = round(time.monotonic() - t0, 1)
        report = setup_creator(base, headers)
        print(
            f"server pid {proc.pid} on {base} up in {startup_s} s; imported "
            f"{report['created']} products ({len(report['errors'])} row errors); "
            f"soaking {minutes} min at {rate:g} turns/min",
            flush=True,
        )
        start = time.monotonic()
        sh = Shared(
            start=start,
            deadline=start + minutes * 60,
            interval_s=60 / (rate * len(MIX) / TURNS_PER_CYCLE),
            max_requests=max_requests,
            minutes=minutes,
        )
        threads = [
            threading.Thread(target=worker, args=(base, headers, sh, i), daemon=True)
            for i in range(WORKERS)
        ]
        for t in threads:
            t.start()
        done: list[dict[str, Any]] = []
        for minute in range(minutes):
            time.sleep(max(0.0, start + (minute + 1) * 60 - time.monotonic()))
            if minute == minutes - 1:  # the last minute also holds requests still in flight
                for t in threads:
                    t.join(timeout=TIMEOUT_S + 5)
            done.append(summarise_minute(sh, minute, proc.pid, data_dir))
            print(progress_line(done[-1]), flush=True)
        log_text = log_path.read_text(errors="replace")
        return {
            "when": datetime.now(UTC).isoformat(timespec="seconds"),
            "minutes": minutes,
            "rate_turns_per_min": rate,
            "workers": WORKERS,
            "fans": FANS,
            "max_requests": max_requests,
            "requests": len(sh.samples),
            "startup_s": startup_s,
            "import": report,
            "per_minute": done,
            "verdict": verdict(done),
            "server_log_tracebacks": log_text.count("Traceback"),
            "server_log_tail": log_text.splitlines()[-20:],
        }
    finally:
        if proc is not None:
            stop_server(proc)
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    """Parse the arguments, run the soak, print the table and verdict, save the JSON."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--minutes", type=int, default=int(os.environ.get("SOAK_MINUTES", "5")))
    ap.add_argument("--rate", type=float, default=600.0, help="target turns per minute")
    ap.add_argument("--max-requests", type=int, default=None,
                    help="hard cap on requests (default: 1.5x the scheduled number)")  # fmt: skip
    args = ap.parse_args()
    if args.minutes < 1 or args.rate <= 0:
        ap.error("--minutes must be >= 1 and --rate > 0")
    scheduled = args.minutes * args.rate * len(MIX) / TURNS_PER_CYCLE
    cap = args.max_requests or math.ceil(scheduled * 1.5) + 100

    result = run(args.minutes, args.rate, cap)
    print()
    print_table(result["per_minute"])
    v = result["verdict"]
    print(f"\nverdict (minute {v['last_minute']} vs minute {v['baseline_minute']}):")
    if v["last_minute"] == v["baseline_minute"]:
        print("  (only one full minute after the warm-up: run >= 3 minutes for a real verdict)")
    for kind in ("turn", "approvals"):
        for q in ("p50", "p95"):
            flat = "flat" if v[f"{kind}_{q}_flat"] else "NOT flat"
            print(f"  {kind:<9} {q} ratio {v[f'{kind}_{q}_ratio']}: {flat}")
    print(f"  rss growth {v['rss_growth_mb']} MB: {'flat' if v['rss_flat'] else 'NOT flat'}")
    print(f"  errors {v['errors']}, server log tracebacks {result['server_log_tracebacks']}")

    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    text = json.dumps(result, indent=2)
    for name in (f"soak-{stamp}.json", "soak-latest.json"):
        (RESULTS / name).write_text(text + "\n")
    print(f"\nsaved bench/results/soak-{stamp}.json and soak-latest.json")


if __name__ == "__main__":
    main()
