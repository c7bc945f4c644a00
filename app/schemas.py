"""The HTTP edge's shapes: request bodies and responses (catalog inputs: ``memory.schemas``)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any, Literal, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from memory.schemas import VISIBLE, CleanInput, RowId


def _distinct(value: list[Any]) -> list[Any]:
    if len(set(value)) != len(value):
        raise ValueError("ids must be distinct")
    return value


_T = TypeVar("_T")
# A list of ids without repeats, said in the schema (uniqueItems) and checked the same way.
Distinct = Annotated[
    list[_T], AfterValidator(_distinct), Field(json_schema_extra={"uniqueItems": True})
]


class CreatorOut(BaseModel):
    """A creator as returned by the API."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    name: str
    brand_voice: str
    currency: str
    store_url: str | None
    channel_settings: dict[str, Any]
    retain_messages: bool
    policies: str | None = None
    created_at: datetime


class VariantOut(BaseModel):
    """A stored variant."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    sku: str | None
    source_id: str | None
    name: str
    options: dict[str, Any]
    price: float
    compare_at_price: float | None
    stock: int | None
    available: bool
    in_stock: bool


class ProductOut(BaseModel):
    """A stored product with its variants."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    source_id: str | None
    name: str
    description: str
    short_description: str
    category: str
    tags: list[str]
    brand: str
    base_price: float | None
    currency: str
    price_min: float | None
    price_max: float | None
    main_image: str | None
    images: list[str]
    url: str | None
    featured: bool
    is_active: bool
    metadata: dict[str, Any] = Field(validation_alias="meta")
    created_at: datetime
    updated_at: datetime
    variants: list[VariantOut]


class ProductPage(BaseModel):
    """A page of products."""

    total: int
    offset: int
    limit: int
    items: list[ProductOut]


class CompareIn(CleanInput):
    """Products to compare."""

    model_config = ConfigDict(extra="forbid")

    product_ids: Distinct[RowId] = Field(min_length=2, max_length=10)


class ErrorOut(BaseModel):
    """Every 4xx/5xx body: a readable ``detail``; validation errors add one item per field."""

    detail: str
    errors: list[dict[str, Any]] | None = None


# -- conversations ------------------------------------------------------------------------
_HAS_WORD = re.compile(r"[^\W_]", re.UNICODE)


class MessageIn(CleanInput):
    """An incoming customer message."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=4000, pattern=r"[^\W_]")
    channel: Literal["dm", "comment"] = "dm"

    @field_validator("text")
    @classmethod
    def _meaningful(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("text is empty or whitespace")
        if not _HAS_WORD.search(value):
            raise ValueError("text has no letters or digits (emoji or punctuation only)")
        return value


class ReplyProductOut(BaseModel):
    """A product the reply recommends."""

    product_id: int
    variant_id: int | None
    name: str
    price: float
    url: str | None


class QuestionOut(BaseModel):
    """One focused question of the message."""

    text: str
    intent: str
    entities: dict[str, Any]


class MessageOut(BaseModel):
    """The agent's answer to one message (``held_for_approval``: do not send it yet)."""

    reply: str
    held_for_approval: bool = False
    approval_id: str | None = None
    review_reasons: list[str] = []
    questions: list[QuestionOut]
    products: list[ReplyProductOut]
    conflicts: list[dict[str, Any]]
    escalated: bool
    model: str
    latency_ms: float
    execution_id: str


# -- fan inbox, clusters, approvals -------------------------------------------------------
class InboxMessageIn(CleanInput):
    """One fan message."""

    model_config = ConfigDict(extra="forbid")

    customer_id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,127}$")
    chat_id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,159}$")
    text: str = Field(min_length=1, max_length=4000, pattern=VISIBLE)
    timestamp: datetime

    @field_validator("text")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("text is empty or whitespace")
        return value.strip()

    @field_validator("timestamp")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("timestamp needs a timezone (e.g. 2026-11-21T10:00:00Z)")
        return value


class InboxIn(CleanInput):
    """A batch of fan messages (from a channel export or webhook relay)."""

    model_config = ConfigDict(extra="forbid")

    messages: list[InboxMessageIn] = Field(min_length=1, max_length=1000)


class RenameIn(CleanInput):
    """A new cluster title."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=200, pattern=VISIBLE)


class MergeIn(CleanInput):
    """Clusters to merge into the first one."""

    model_config = ConfigDict(extra="forbid")

    cluster_ids: Distinct[Annotated[str, Field(pattern=r"^c-\d{1,9}$")]] = Field(
        min_length=2, max_length=50
    )
    title: str | None = Field(None, min_length=1, max_length=200, pattern=VISIBLE)


class SplitIn(CleanInput):
    """Questions to move out into a new cluster."""

    model_config = ConfigDict(extra="forbid")

    question_ids: list[RowId] = Field(min_length=1, max_length=10_000)
    title: str | None = Field(None, min_length=1, max_length=200, pattern=VISIBLE)


class AnswerIn(CleanInput):
    """The creator's canonical answer to a cluster."""

    model_config = ConfigDict(extra="forbid")

    answer: str = Field(min_length=1, max_length=4000, pattern=VISIBLE)
    channel: Literal["dm", "comment"] = "dm"

    @field_validator("answer")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("answer is empty or whitespace")
        return value.strip()


class DecisionIn(CleanInput):
    """A decision in the Agent Inbox convention."""

    model_config = ConfigDict(extra="forbid")

    type: Literal["accept", "edit", "response", "ignore"]
    args: None | str | dict[str, Any] = None


class KeyIn(CleanInput):
    """A new API key for a creator."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field("", max_length=100, description="What the key is for, e.g. 'inbox app'.")


class KeyOut(BaseModel):
    """An API key as listed: never the secret."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    creator_id: str
    name: str
    active: bool
    created_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None


class NewKeyOut(KeyOut):
    """A key just issued: ``key`` is shown this once and cannot be read again."""

    key: str


def message_out(state: dict[str, Any], ms: float) -> dict[str, Any]:
    """The response body of a turn, from its final state (``MessageOut``)."""
    approval = state.get("approval_id")
    return {
        "reply": state["reply"],
        "held_for_approval": approval is not None,
        "approval_id": approval,
        "review_reasons": state.get("review_reasons") or [],
        "questions": [
            {
                "text": q["text"],
                "intent": q["intent"],
                "entities": {
                    k: v for k, v in q["entities"].items() if v not in (None, [], {}, "relevance")
                },
            }
            for q in state.get("questions", [])
        ],  # fmt: skip
        "products": state.get("recommended", []),
        "conflicts": state.get("conflicts", []),
        "escalated": state.get("escalated", False),
        "model": state.get("model", "offline"),
        "latency_ms": round(ms, 2),
        "execution_id": state["execution_id"],
    }
