"""Agent state, narrow input schema and runtime context.

Only what the next turn needs is kept in state (it is checkpointed at every step): the trimmed
message history, the compact list of products shown, the last search to refine, the learned
profile snapshot. Catalog rows and search internals stay out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

from langchain_core.messages import AnyMessage
from langgraph.graph.message import add_messages
from typing_extensions import TypedDict

from memory.conversations import ConversationStore
from nodes.llm_backend import LLMBackend
from nodes.offline.nlu import IntentClassifier
from nodes.offline.profile import FactClassifier
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
    log: Annotated[list[dict[str, Any]], _replace]


@dataclass
class Context:
    """Runtime-only dependencies and knobs, never chosen by a model."""

    search: SearchEngine
    conversations: ConversationStore
    classifier: IntentClassifier
    llm: LLMBackend | None = None
    facts: FactClassifier | None = None
    brand_voice: str = "casual"
    creator_name: str = "the team"
    history_messages: int = 12
    max_chars: dict[str, int] = field(default_factory=lambda: {"dm": 1000, "comment": 300})
    # Answered question clusters: (creator_id, question) -> hits, best first (fan-out memory).
    answers: Callable[[str, str], list[dict[str, Any]]] | None = None
    has_answers: Callable[[str], bool] | None = None
    answer_min_similarity: float = 0.8  # reuse the creator's answer without asking
    answer_review_similarity: float = 0.65  # between the two: draft it, a person approves
