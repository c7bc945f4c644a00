"""Agent state, narrow input schema and runtime context.

This module imports nothing from ``nodes`` or above: the engines a node needs are named by the
Protocols below (the app passes the real ones), so every node depends on this module and this
module on ``tools``/``memory`` types only.

Only what the next turn needs is kept in state (it is checkpointed at every step): the trimmed
message history, the compact list of products shown, the last search to refine, the learned
profile snapshot. Catalog rows and search internals stay out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any, Literal, Protocol

import numpy as np
from langchain_core.messages import AnyMessage
from langchain_core.runnables import Runnable
from langgraph.graph.message import add_messages
from typing_extensions import TypedDict

from memory.conversations import ConversationStore
from memory.fanout import ApprovalStore
from tools.question_clusters import QuestionClusters
from tools.search import SearchEngine

Channel = Literal["dm", "comment"]


class AgentInput(TypedDict):
    """What a caller provides for one turn."""

    creator_id: str
    customer_id: str
    channel: Channel
    text: str


def _replace(_: Any, new: Any) -> Any:
    """Reducer: the newest value wins (documented for clarity next to the others)."""
    return new


class AgentState(TypedDict, total=False):
    """Conversation state of one thread (creator x customer x channel).

    Reducers: ``messages`` appends and dedupes by id (``add_messages``; ``load_context`` trims
    old ones with ``RemoveMessage`` and ``save_state`` removes the turn's tool traffic); every
    other key is replaced by the newest value (``log`` is rebuilt each turn by ``timed``).
    """

    creator_id: str
    customer_id: str
    channel: Channel
    text: str
    messages: Annotated[list[AnyMessage], add_messages]
    turn: Annotated[int, _replace]
    summary: Annotated[str, _replace]
    stage: Annotated[str, _replace]  # new -> browsing -> deciding; support when escalated
    profile: Annotated[dict[str, Any], _replace]
    # Diets and allergies of the person this message's products are for ("son's allergic to
    # feathers"): checked for conflicts this turn, never stored in the profile.
    recipient: Annotated[dict[str, Any], _replace]
    statements: Annotated[list[str], _replace]
    questions: Annotated[list[dict[str, Any]], _replace]
    # Distinct questions beyond what one turn answers (the reply is held for a person).
    questions_left: Annotated[int, _replace]
    shown_products: Annotated[list[dict[str, Any]], _replace]
    last_search: Annotated[dict[str, Any] | None, _replace]
    # The one product the last answer was about (a variants answer), so "16kg please" or
    # "Medium please" stays on it; a new list of results clears it.
    focus_product: Annotated[int | None, _replace]
    tool_results: Annotated[list[dict[str, Any]], _replace]  # this turn only; cleared on save
    recommended: Annotated[list[dict[str, Any]], _replace]
    conflicts: Annotated[list[dict[str, Any]], _replace]
    reply: Annotated[str, _replace]
    # Why a person must approve this turn's reply before it goes out (empty: send it).
    review_reasons: Annotated[list[str], _replace]
    escalated: Annotated[bool, _replace]
    clarify: Annotated[bool, _replace]
    model: Annotated[str, _replace]
    fallback_used: Annotated[bool, _replace]
    usage: Annotated[dict[str, Any], _replace]
    llm_draft: Annotated[str, _replace]
    errors: Annotated[list[str], _replace]
    execution_id: Annotated[str, _replace]
    # The approval a person must decide before this turn's reply is sent (None: send it).
    approval_id: Annotated[str | None, _replace]
    log: Annotated[list[dict[str, Any]], _replace]


class ChatModels(Protocol):
    """The configured chat models, one runnable per job (``nodes.llm_backend.LLMBackend``)."""

    @property
    def name(self) -> str:
        """The primary model's ``provider:model`` string."""
        ...

    def analyzer(self) -> Runnable[Any, Any]:
        """Structured output: the questions and facts of a message."""
        ...

    def conflict_reviewer(self) -> Runnable[Any, Any]:
        """Structured output: conflicts the rules may have missed."""
        ...

    def writer(self) -> Runnable[Any, str]:
        """Plain text: replies and drafts."""
        ...

    def agent(self) -> Runnable[Any, Any]:
        """Tool calling over the catalog tools."""
        ...

    @property
    def secrets(self) -> tuple[str, ...]:
        """Credential values to cut from error text before it is stored."""
        ...

    def model_names(self) -> dict[str, str]:
        """Run name -> ``provider:model`` of every model in the chain (for cost)."""
        ...


class TextModel(Protocol):
    """A trained text classifier (``nodes.offline.textclf.TextClassifier``)."""

    labels: list[str]
    embedder: Any

    def proba(self, texts: list[str]) -> np.ndarray:
        """Probability per text (rows) and label (columns)."""
        ...

    def predict(self, texts: list[str]) -> list[tuple[str, float]]:
        """(label, probability) per text."""
        ...


class IntentModel(TextModel, Protocol):
    """The intent classifier (``nodes.offline.nlu.IntentClassifier``)."""

    def needs_person(self, texts: list[str]) -> list[bool]:
        """Whether each support question is a problem a person must handle."""
        ...

    def wants_product(self, texts: list[str]) -> list[bool]:
        """Whether each text is a need for a product said with a reason, not a problem."""
        ...

    def shopping_first(self, texts: list[str]) -> list[bool]:
        """Whether each text reads more as shopping than as a problem or a policy question."""
        ...


class FactModel(TextModel, Protocol):
    """The profile-fact classifier (``nodes.offline.profile.FactClassifier``)."""

    def facts(self, clauses: list[str]) -> list[list[str]]:
        """Fact labels per clause."""
        ...


class ApprovalGraph(Protocol):
    """The compiled reply-approval graph (``graphs.fanout.compile_reply_approval``)."""

    def invoke(self, input: Any, config: Any = None, **kwargs: Any) -> Any:
        """Run the graph until it pauses for a person."""
        ...

    def get_state(self, config: Any) -> Any:
        """The thread's snapshot, with the interrupts it waits on."""
        ...


@dataclass
class Context:
    """Runtime-only dependencies and knobs, never chosen by a model."""

    search: SearchEngine
    conversations: ConversationStore
    classifier: IntentModel
    llm: ChatModels | None = None
    facts: FactModel | None = None
    brand_voice: str = "casual"
    creator_name: str = "the team"
    history_messages: int = 12
    max_chars: dict[str, int] = field(default_factory=lambda: {"dm": 1000, "comment": 300})
    # Fans' question clusters: the answered ones are searched for the creator's answer, and
    # this turn's questions are recorded into them (when ``record_inbox``).
    clusters: QuestionClusters | None = None
    record_inbox: bool = False
    # A flagged reply waits for a person in its own approval thread (None: returned, not held).
    reply_approval: ApprovalGraph | None = None
    approvals: ApprovalStore | None = None
    answer_min_similarity: float = 0.8  # reuse the creator's answer without asking
    answer_review_similarity: float = 0.65  # between the two: draft it, a person approves
