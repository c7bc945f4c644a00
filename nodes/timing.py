"""Per-node timing for the execution log, as a decorator so nodes stay small."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any


def timed(name: str) -> Callable[[Callable[..., dict[str, Any]]], Callable[..., dict[str, Any]]]:
    """Append ``{node, ms, status}`` to the turn's ``log`` (``load_context`` starts a new one)."""

    def wrap(fn: Callable[..., dict[str, Any]]) -> Callable[..., dict[str, Any]]:
        @functools.wraps(fn)
        def node(state: dict[str, Any], runtime: Any) -> dict[str, Any]:
            t0 = time.perf_counter()
            update = fn(state, runtime) or {}
            base = (
                update.get("log", state.get("log", []))
                if name != "load_context"
                else update.get("log", [])
            )
            entry = {
                "node": name,
                "ms": round((time.perf_counter() - t0) * 1000, 3),
                "status": "ok",
            }
            return {**update, "log": [*base, entry]}

        return node

    return wrap
