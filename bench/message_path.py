"""Which top-level folders one conversation message crosses, traced on the real app.

``python -m bench.message_path`` runs messages through the HTTP API (TestClient, demo shop)
with a profiler on every thread and prints each folder-to-folder edge with the first functions
seen on it. A call's caller is the nearest frame in one of dmpilot's packages; a call that
LangGraph's runtime makes (a node, a tool) comes from ``graphs/``, which wired it; calls from
the HTTP server into the app are the entry, not an edge. Returns are not counted: an edge is one
arrow of docs/architecture.md.
"""

from __future__ import annotations

import json
import sys
import tempfile
import threading
from pathlib import Path
from types import FrameType
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("app", "graphs", "nodes", "tools", "memory", "prompts")


def _folder(frame: FrameType) -> str | None:
    path = frame.f_code.co_filename
    if not path.startswith(str(ROOT)):
        return None
    top = Path(path).relative_to(ROOT).parts[0]
    return top if top in PACKAGES else None


def _name(frame: FrameType) -> str:
    rel = Path(frame.f_code.co_filename).relative_to(ROOT).with_suffix("")
    return f"{'.'.join(rel.parts)}.{frame.f_code.co_name}"


class PathTracer:
    """Records folder-to-folder calls while ``active``.

    Install it before the app starts its threads (``threading.setprofile`` reaches only
    threads started afterwards), then switch ``active`` on around the traced request.
    """

    def __init__(self) -> None:
        self.edges: dict[tuple[str, str], list[str]] = {}
        self.active = False
        self._lock = threading.Lock()

    def install(self) -> None:
        """Profile this thread and every thread started from now on."""
        threading.setprofile(self._profile)
        sys.setprofile(self._profile)

    def uninstall(self) -> None:
        """Stop profiling new threads and this one."""
        sys.setprofile(None)
        threading.setprofile(None)  # type: ignore[arg-type]

    def _profile(self, frame: FrameType, event: str, _: Any) -> None:
        if event != "call" or not self.active:
            return
        callee = _folder(frame)
        if callee is None:
            return
        caller, back, via_graph = None, frame.f_back, False
        while back is not None:
            folder = _folder(back)
            if folder is not None:
                caller = folder
                break
            via_graph = via_graph or "/langgraph/" in back.f_code.co_filename
            back = back.f_back
        if via_graph:  # the compiled graph (wired in graphs/) runs its nodes and tools
            caller, back = "graphs", None
        if caller is None or caller == callee:
            return  # an entry point (the HTTP server calling the app), or inside one folder
        pair = f"{_name(back) if back else 'compiled graph'} -> {_name(frame)}"
        with self._lock:
            seen = self.edges.setdefault((caller, callee), [])
            if pair not in seen and len(seen) < 6:
                seen.append(pair)


MESSAGES = {
    "product question": "do you have the seamless leggings in black, size M? I'm vegan btw",
    "held reply (support)": "my order never arrived and I want a refund",
}


def trace_one_message(
    client: Any, tracer: PathTracer, text: str, customer: str = "path-fan"
) -> dict[str, Any]:
    """Trace one ``POST .../messages`` of the demo creator (the client is already set up)."""
    client.post(  # warm-up: first-use caches (indexes, models) are not the path
        f"/v1/creators/demo/conversations/{customer}-warm/messages", json={"text": text}
    )
    tracer.active = True
    try:
        r = client.post(f"/v1/creators/demo/conversations/{customer}/messages", json={"text": text})
    finally:
        tracer.active = False
    assert r.status_code == 200, r.text
    out: dict[str, Any] = r.json()
    return out


def main() -> int:
    """Print the edges of each message's path on a fresh demo shop."""
    from app.demo import DEMO_CREATOR, demo_catalog
    from app.local_client import admin_client
    from app.settings import Settings

    tracer = PathTracer()
    tracer.install()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            with admin_client(Settings(data_dir=Path(tmp))) as c:
                c.post("/v1/creators", json=DEMO_CREATOR)
                body = json.dumps({"products": demo_catalog()}).encode()
                c.post("/v1/creators/demo/catalog/import", files={"file": ("d.json", body)})
                for i, (label, text) in enumerate(MESSAGES.items()):
                    tracer.edges = {}
                    out = trace_one_message(c, tracer, text, customer=f"path-fan-{i}")
                    held = " (held for approval)" if out["held_for_approval"] else ""
                    print(f"{label}: {len(tracer.edges)} folder-to-folder edges{held}")
                    for (a, b), pairs in sorted(tracer.edges.items()):
                        print(f"  {a} -> {b}")
                        for p in pairs:
                            print(f"      {p}")
    finally:
        tracer.uninstall()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
