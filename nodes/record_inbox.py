"""Node: record this turn's questions in the creator's fan inbox (answer-once clusters).

The agent already split and labelled the message, so the questions are tagged and stored as
they are; ``tools.question_clusters`` clusters them in batches in the background.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from langgraph.runtime import Runtime

from memory.inbox import MessageIn
from nodes.offline.tagging import tag_questions
from nodes.state import AgentState, Context
from nodes.timing import timed


def chat_id(state: AgentState) -> str:
    """The inbox chat of a thread: one per creator x customer x channel."""
    return f"{state['creator_id']}:{state['customer_id']}:{state['channel']}"


@timed("record_inbox")
def record_inbox(state: AgentState, runtime: Runtime[Context]) -> dict[str, Any]:
    """Store the message and its tagged questions (durable before the reply returns)."""
    ctx = runtime.context
    if ctx.clusters is None or not ctx.record_inbox:
        return {}
    message = MessageIn(state["customer_id"], chat_id(state), state["text"], datetime.now(UTC))
    ctx.clusters.record(
        state["creator_id"], message, tag_questions(message.text, state.get("questions") or [])
    )
    return {}
