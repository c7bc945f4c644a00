"""Reply-approval node 1: a conversational reply the agent flagged waits for a person."""

from __future__ import annotations

from typing import Any

from langgraph.types import interrupt

from nodes.fanout.state import ReplyApprovalState
from nodes.hitl import ALL_DECISIONS, HumanInterrupt
from prompts.fanout import REPLY_DESCRIPTION


def reply_request(state: ReplyApprovalState) -> HumanInterrupt:
    """Agent Inbox payload: accept, edit the text, answer in your own words, or ignore."""
    return {
        "action_request": {"action": "send_reply", "args": {"text": state["reply"]}},
        "config": ALL_DECISIONS,
        "description": REPLY_DESCRIPTION.format(
            customer_id=state["customer_id"],
            channel=state["channel"],
            message=state["message"],
            reply=state["reply"],
            reasons="; ".join(state["reasons"]) or "none",
        ),  # fmt: skip
    }


def review_reply(state: ReplyApprovalState) -> dict[str, Any]:
    """One interrupt; the decision is applied by ``deliver_reply``."""
    return {"decision": interrupt(reply_request(state))}
