r"""The fan-out graph: one canonical answer -> a personal, checked draft per affected chat.

START -> prepare_fanout =Send per chat=> draft_reply -> store_drafts
      =Send per needs_review draft=> review_draft  (interrupt) \
      =Send once for ready drafts=>  approve_ready (interrupt) -> deliver -> END
Each approval node sends its drafts right after its own decision (never before);
``deliver`` closes the run once every decision is in. Sending is idempotent by draft id.
"""

from __future__ import annotations

from typing import Any

from langgraph.graph import END, START, StateGraph
from langgraph.types import Send

from nodes.fanout.approve_ready import approve_ready
from nodes.fanout.deliver import deliver
from nodes.fanout.deliver_reply import deliver_reply
from nodes.fanout.draft_reply import draft_reply
from nodes.fanout.prepare_fanout import prepare_fanout
from nodes.fanout.review_draft import review_draft
from nodes.fanout.review_reply import review_reply
from nodes.fanout.state import (
    ChatTask,
    FanoutContext,
    FanoutInput,
    FanoutState,
    ReadyTask,
    ReplyApprovalState,
    ReviewTask,
)
from nodes.fanout.store_drafts import store_drafts


def route_chats(state: FanoutState) -> list[Send] | str:
    """One ``draft_reply`` branch per affected chat."""
    sends = [
        Send(
            "draft_reply",
            {
                "creator_id": state["creator_id"],
                "cluster_id": state["cluster_id"],
                "answer": state["answer"],
                "style": state.get("style", {}),
                "chat": chat,
                "channel": state.get("channel", "dm"),
            },
        )  # fmt: skip
        for chat in state.get("chats", [])
    ]
    return sends or "store_drafts"


def route_reviews(state: FanoutState) -> list[Send] | str:
    """One approval per risky draft plus one batch approval for the ready ones."""
    drafts = state.get("drafts", [])
    title, creator = state.get("cluster_title", ""), state["creator_id"]
    sends = [
        Send("review_draft", {"creator_id": creator, "draft": d, "cluster_title": title})
        for d in drafts
        if d["status"] == "needs_review"
    ]
    ready = [d for d in drafts if d["status"] == "ready"]
    if ready:
        sends.append(
            Send(
                "approve_ready",
                {"creator_id": creator, "drafts": ready, "cluster_title": title},
            )
        )
    return sends or "deliver"


def build_fanout_graph() -> StateGraph[FanoutState, FanoutContext, FanoutInput, FanoutState]:
    """The uncompiled builder."""
    builder = StateGraph(FanoutState, context_schema=FanoutContext, input_schema=FanoutInput)
    builder.add_node("prepare_fanout", prepare_fanout)
    builder.add_node("draft_reply", draft_reply, input_schema=ChatTask)  # type: ignore[call-overload,arg-type]
    builder.add_node("store_drafts", store_drafts)
    builder.add_node("review_draft", review_draft, input_schema=ReviewTask)  # type: ignore[call-overload,arg-type]
    builder.add_node("approve_ready", approve_ready, input_schema=ReadyTask)  # type: ignore[call-overload,arg-type]
    builder.add_node("deliver", deliver)

    builder.add_edge(START, "prepare_fanout")
    builder.add_conditional_edges("prepare_fanout", route_chats, ["draft_reply", "store_drafts"])
    builder.add_edge("draft_reply", "store_drafts")
    builder.add_conditional_edges(
        "store_drafts", route_reviews, ["review_draft", "approve_ready", "deliver"]
    )
    builder.add_edge("review_draft", "deliver")
    builder.add_edge("approve_ready", "deliver")
    builder.add_edge("deliver", END)
    return builder


def compile_fanout(checkpointer: Any = None) -> Any:
    """Compiled graph; pass a checkpointer so pending approvals survive a restart."""
    return build_fanout_graph().compile(checkpointer=checkpointer, name="dmpilot-fanout")


def build_reply_approval_graph() -> StateGraph[
    ReplyApprovalState, FanoutContext, ReplyApprovalState, ReplyApprovalState
]:
    """START -> review_reply (interrupt) -> deliver_reply -> END, one thread per flagged turn."""
    builder = StateGraph(ReplyApprovalState, context_schema=FanoutContext)
    builder.add_node("review_reply", review_reply)
    builder.add_node("deliver_reply", deliver_reply)
    builder.add_edge(START, "review_reply")
    builder.add_edge("review_reply", "deliver_reply")
    builder.add_edge("deliver_reply", END)
    return builder


def compile_reply_approval(checkpointer: Any = None) -> Any:
    """Compiled reply-approval graph (shares the app's checkpointer)."""
    return build_reply_approval_graph().compile(
        checkpointer=checkpointer, name="dmpilot-reply-approval"
    )
