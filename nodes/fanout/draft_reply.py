"""Fan-out node 2 (one branch per chat): the fan's personal draft with checks and confidence."""

from __future__ import annotations

import uuid
from typing import Any

from langgraph.runtime import Runtime

from graphs.fanout_state import ChatTask, FanoutContext
from nodes.offline.drafting import draft_for_fan


def draft_id(creator_id: str, cluster_id: str, chat_id: str) -> str:
    """Deterministic, so a re-run of the fan-out updates drafts instead of duplicating them."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"dmpilot:{creator_id}:{cluster_id}:{chat_id}"))


def draft_reply(task: ChatTask, runtime: Runtime[FanoutContext]) -> dict[str, Any]:
    """Adapt the canonical answer to this fan; conflicts and low confidence go to review."""
    chat, ctx = task["chat"], runtime.context
    draft = draft_for_fan(
        task["answer"], chat["questions"], chat["profile"], task["style"],
        ctx.max_chars.get(task["channel"], 1000), ctx.min_confidence,
    )  # fmt: skip
    return {
        "drafts": [
            {
                "id": draft_id(task["creator_id"], task["cluster_id"], chat["chat_id"]),
                "chat_id": chat["chat_id"],
                "customer_id": chat["customer_id"],
                "question_ids": [q["id"] for q in chat["questions"]],
                "questions": [q["text"] for q in chat["questions"]],
                **draft,
            }
        ]
    }
