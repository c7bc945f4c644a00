"""Compare two evaluation reports leaf by leaf: did a change move any figure?

``python -m evals.compare OLD.json NEW.json`` walks both ``evals/reports/*.json`` files and
prints every value that differs (timings are skipped: they are noise). A move-only change, such
as the redesign of issue 14, must report zero differences.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

TIMING = ("ms", "time", "seconds", "_s", "took", "p50", "p95", "latency", "per_q", "when")


def differences(old: Any, new: Any, path: str = "") -> tuple[list[tuple[str, Any, Any]], int]:
    """Every differing leaf (path, old, new) and the number of equal leaves compared."""
    out: list[tuple[str, Any, Any]] = []
    same = 0
    if isinstance(old, dict) and isinstance(new, dict):
        for key in sorted(set(old) | set(new), key=str):
            sub = f"{path}/{key}"
            if key not in old or key not in new:
                out.append((sub, old.get(key, "<missing>"), new.get(key, "<missing>")))
                continue
            d, s = differences(old[key], new[key], sub)
            out += d
            same += s
    elif isinstance(old, list) and isinstance(new, list):
        if len(old) != len(new):
            out.append((f"{path}#len", len(old), len(new)))
        for i, (a, b) in enumerate(zip(old, new, strict=False)):
            d, s = differences(a, b, f"{path}[{i}]")
            out += d
            same += s
    elif any(t in path.lower() for t in TIMING):
        pass
    elif old == new:
        same = 1
    else:
        out.append((path, old, new))
    return out, same


def main() -> int:
    """Print the differences; exit 1 when there are any."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("old", type=Path)
    ap.add_argument("new", type=Path)
    args = ap.parse_args()
    diff, same = differences(json.loads(args.old.read_text()), json.loads(args.new.read_text()))
    print(f"{same} equal values, {len(diff)} different (timings skipped)")
    for path, a, b in diff[:200]:
        print(f"{path}: {a!r} -> {b!r}")
    return 1 if diff else 0


if __name__ == "__main__":
    raise SystemExit(main())
