"""Fan-out state, input schema and runtime context.

Reducers: ``drafts`` and ``decisions`` are appended to by parallel ``Send`` branches
(``operator.add``: one branch per chat, one per approval); every other key is replaced.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, Any

from sqlalchemy.orm import Session, sessionmaker
from typing_extensions import TypedDict

from memory.conversations import ConversationStore
from nodes.state import ChatModels
from tools.channels import ChannelAdapter


class FanoutInput(TypedDict):
    """What starts a fan-out: the creator's canonical answer to one cluster."""

    creator_id: str
    cluster_id: str
    answer: str
    channel: str


class FanoutState(TypedDict, total=False):
    """One cluster's fan-out run (thread ``fanout:<creator>:<cluster>:<n>``)."""

    creator_id: str
    cluster_id: str
    answer: str
    channel: str
    cluster_title: str
    style: dict[str, Any]
    chats: list[dict[str, Any]]  # per affected chat: customer, questions, profile
    drafts: Annotated[list[dict[str, Any]], operator.add]
    decisions: Annotated[list[dict[str, Any]], operator.add]
    delivered: list[dict[str, Any]]


class ChatTask(TypedDict):
    """The input of one ``draft_reply`` branch (sent with ``Send``)."""

    creator_id: str
    cluster_id: str
    answer: str
    style: dict[str, Any]
    chat: dict[str, Any]
    channel: str


class ReviewTask(TypedDict):
    """The input of one ``review_draft`` branch."""

    creator_id: str
    draft: dict[str, Any]
    cluster_title: str


class ReadyTask(TypedDict):
    """The input of the ``approve_ready`` branch."""

    creator_id: str
    drafts: list[dict[str, Any]]
    cluster_title: str


class ReplyApprovalState(TypedDict, total=False):
    """A flagged conversational reply waiting for a person (thread ``reply:<creator>:<exec>``)."""

    creator_id: str
    customer_id: str
    chat_id: str
    channel: str
    execution_id: str
    message: str
    reply: str
    reasons: list[str]
    decision: dict[str, Any]
    delivered: dict[str, Any] | None


@dataclass
class FanoutContext:
    """Runtime-only dependencies and thresholds."""

    sessions: sessionmaker[Session]
    conversations: ConversationStore
    channel: ChannelAdapter
    max_chars: dict[str, int] = field(default_factory=lambda: {"dm": 1000, "comment": 300})
    min_confidence: float = 0.55
    # Calibrated membership a fan needs to be drafted from the cluster's answer (0: off).
    member_level: float = 0.0
    llm: ChatModels | None = None  # None: offline drafts; else LLM drafts, offline on failure
    # (agent thread, execution id, text sent or None when ignored): a decided held reply
    # replaces the agent's draft in the conversation history.
    rewrite_reply: Callable[[str, str, str | None], None] | None = None
    creator_name: str = ""
