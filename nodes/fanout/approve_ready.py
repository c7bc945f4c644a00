"""Fan-out node 4b: one batch approval for every draft that passed the checks."""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime
from langgraph.types import interrupt

from nodes.fanout.deliver import send_decided
from nodes.fanout.state import FanoutContext, ReadyTask
from nodes.hitl import HumanInterrupt
from prompts.fanout import READY_DESCRIPTION


def ready_request(
    drafts: list[dict[str, Any]], cluster_title: str, min_conf: float
) -> HumanInterrupt:
    """Accept sends them all; an edit narrows ``draft_ids``; ignore sends none."""
    lines = "\n".join(
        f"- {d['customer_id']}: {d['text'][:120].replace(chr(10), ' ')}…" for d in drafts[:50]
    )
    if len(drafts) > 50:
        lines += f"\n- … and {len(drafts) - 50} more"
    return {
        "action_request": {
            "action": "send_ready_replies",
            "args": {"draft_ids": [d["id"] for d in drafts]},
        },
        "config": {
            "allow_accept": True,
            "allow_edit": True,
            "allow_respond": False,
            "allow_ignore": True,
        },  # fmt: skip
        "description": READY_DESCRIPTION.format(
            n=len(drafts), cluster_title=cluster_title, min_confidence=min_conf, lines=lines
        ),
    }


def approve_ready(task: ReadyTask, runtime: Runtime[FanoutContext]) -> dict[str, Any]:
    """Pause once for the whole batch of ready drafts; send the chosen ones after the decision."""
    request = ready_request(task["drafts"], task["cluster_title"], runtime.context.min_confidence)
    decision = interrupt(request)
    ids = request["action_request"]["args"]["draft_ids"]
    if decision.get("type") == "edit":
        args = decision.get("args") or {}
        ids = [i for i in args.get("draft_ids", []) if i in set(ids)]
    chosen = {"draft_ids": ids, "type": decision.get("type"), "args": None}
    by_id = {d["id"]: d for d in task["drafts"]}
    delivered = send_decided(runtime.context, task["creator_id"], [by_id[i] for i in ids], chosen)
    return {"decisions": [{**chosen, "delivered": delivered}]}
