"""Fan-out node 4a (one branch per risky draft): pause for a person's decision."""

from __future__ import annotations

import json
from typing import Any

from langgraph.runtime import Runtime
from langgraph.types import interrupt

from nodes.fanout.deliver import send_decided
from nodes.fanout.state import FanoutContext, ReviewTask
from nodes.hitl import ALL_DECISIONS, HumanInterrupt
from prompts.fanout import DRAFT_DESCRIPTION


def review_request(draft: dict[str, Any], cluster_title: str) -> HumanInterrupt:
    """Agent Inbox payload for one draft: accept, edit the text, respond instead, or ignore."""
    conflicts = draft["checks"].get("conflicts") or []
    named = "; ".join(f"{c['type']}: {c['fact']} ({', '.join(c['evidence'])})" for c in conflicts)
    checks = {k: v for k, v in draft["checks"].items() if k not in ("conflicts", "caveats")}
    return {
        "action_request": {
            "action": "send_reply",
            "args": {"draft_id": draft["id"], "text": draft["text"]},
        },
        "config": ALL_DECISIONS,
        "description": DRAFT_DESCRIPTION.format(
            customer_id=draft["customer_id"],
            chat_id=draft["chat_id"],
            cluster_title=cluster_title,
            questions=" / ".join(draft["questions"]),
            draft=draft["text"],
            confidence=draft["confidence"],
            conflicts=named or "none",
            checks=json.dumps(checks, ensure_ascii=False),
        ),  # fmt: skip
    }


def review_draft(task: ReviewTask, runtime: Runtime[FanoutContext]) -> dict[str, Any]:
    """One interrupt per draft; the reply is sent right after its decision, never before."""
    draft = task["draft"]
    decision = interrupt(review_request(draft, task["cluster_title"]))
    delivered = send_decided(runtime.context, task["creator_id"], [draft], decision)
    return {"decisions": [{"draft_ids": [draft["id"]], **decision, "delivered": delivered}]}
