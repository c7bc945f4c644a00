"""Validated catalog inputs, shared by the importers, the CLI and the HTTP API."""

from __future__ import annotations

import re
from typing import Annotated, Any, ClassVar, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic.json_schema import SkipJsonSchema

BrandVoice = Literal["professional", "casual", "playful", "luxury"]
CREATOR_ID_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,63}$"


# SQLite and Postgres BIGINT: a larger id or count is a 422, not an overflow at commit (500).
DB_INT_MAX = 2**63 - 1
# Ids and offsets in the API stop at 2**53 - 1, the largest integer a JSON client (JavaScript,
# or any parser that reads numbers as doubles) keeps exactly; the database allows more.
JSON_INT_MAX = 2**53 - 1
RowId = Annotated[int, Field(ge=1, le=JSON_INT_MAX)]
STOCK_MAX = 1_000_000_000

# C0/C1 controls (tab and newline kept), and the bidi embeddings, overrides and isolates that
# make stored text display as something else ("Trojan Source"). NUL breaks Postgres text too.
_UNSAFE_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean_text(value: Any) -> Any:
    """``value`` with unsafe characters removed from every string in it (dicts and lists too)."""
    if isinstance(value, str):
        return _UNSAFE_CHARS.sub("", value)
    if isinstance(value, dict):
        return {clean_text(k): clean_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [clean_text(v) for v in value]
    return value


# A required text holds at least one visible character once unsafe ones are stripped (what a
# generated client can read from the schema; a pattern is searched, not anchored).
VISIBLE = r"[^\s\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]"


class CleanInput(BaseModel):
    """Base of every input model: strings arrive without control or bidi-override characters."""

    @model_validator(mode="before")
    @classmethod
    def _clean(cls, data: Any) -> Any:
        return clean_text(data)


class PatchInput(CleanInput):
    """A partial update: a field left out keeps its value; null only clears nullable fields.

    Non-nullable fields are typed ``X | SkipJsonSchema[None]``: the schema says they cannot be
    null, and an explicit null is refused here instead of being taken as "no change".
    """

    nullable: ClassVar[frozenset[str]] = frozenset()

    @model_validator(mode="after")
    def _no_null(self) -> Self:
        bad = sorted(k for k in self.model_fields_set
                     if getattr(self, k) is None and k not in self.nullable)  # fmt: skip
        if bad:
            raise ValueError(f"{', '.join(bad)}: cannot be null (leave a field out to keep it)")
        return self


class ChannelLimit(BaseModel):
    """How long a reply may be on one channel."""

    model_config = ConfigDict(extra="forbid")

    max_chars: int = Field(ge=20, le=10_000)
    private_reply: bool = Field(
        False,
        description="Comments only: answer in the one private message Instagram allows per "
        "comment (within 7 days) and reply publicly with a short pointer to it.",
    )


Channel = Literal["dm", "comment"]


def _default_limits() -> dict[Channel, ChannelLimit]:
    return {"dm": ChannelLimit(max_chars=1000), "comment": ChannelLimit(max_chars=300)}


POLICIES_MAX = 20_000
POLICIES_DOC = (
    "Store policies in the creator's words (returns, shipping, warranty...): policy questions "
    'are answered from it. Topic headings such as "Returns:" help.'
)


class CreatorIn(CleanInput):
    """A new creator (tenant)."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=CREATOR_ID_PATTERN, description="Slug: lowercase letters, digits, _ -")
    name: str = Field(min_length=1, max_length=200, pattern=VISIBLE)
    brand_voice: BrandVoice = "casual"
    currency: str = Field("USD", pattern=r"^[A-Z]{3}$")
    store_url: str | None = Field(None, max_length=500)
    channel_settings: dict[Channel, ChannelLimit] = Field(
        default_factory=_default_limits,
        description="Reply length limit per channel (20-10,000 characters).",
    )
    retain_messages: bool = Field(
        True, description="Keep raw fan messages after analysis (off: only questions remain)."
    )
    policies: str | None = Field(None, max_length=POLICIES_MAX, description=POLICIES_DOC)


class CreatorPatch(PatchInput):
    """Settings a creator may change later (null clears the policies)."""

    model_config = ConfigDict(extra="forbid")
    nullable: ClassVar[frozenset[str]] = frozenset({"policies"})

    name: (
        Annotated[str, Field(min_length=1, max_length=200, pattern=VISIBLE)] | SkipJsonSchema[None]
    ) = None
    brand_voice: BrandVoice | SkipJsonSchema[None] = None
    retain_messages: bool | SkipJsonSchema[None] = None
    channel_settings: dict[Channel, ChannelLimit] | SkipJsonSchema[None] = Field(
        None, description="Per channel: reply length limit; for comments, private replies."
    )
    policies: str | None = Field(None, max_length=POLICIES_MAX, description=POLICIES_DOC)


class VariantIn(CleanInput):
    """One purchasable variant."""

    model_config = ConfigDict(extra="forbid")

    source_id: str | None = Field(None, max_length=200)
    sku: str | None = Field(None, max_length=200)
    name: str = Field("", max_length=300)
    options: dict[str, str] = Field(default_factory=dict)
    price: float = Field(ge=0, le=1_000_000)
    compare_at_price: float | None = Field(None, ge=0, le=1_000_000)
    stock: int | None = Field(None, ge=0, le=STOCK_MAX)
    available: bool = True

    @field_validator("options")
    @classmethod
    def _clean_options(cls, value: dict[str, str]) -> dict[str, str]:
        out = {}
        for key, val in value.items():
            k, v = str(key).strip().lower(), str(val).strip()
            if k and v:
                out[k] = v
        return out


class ProductIn(CleanInput):
    """A product with its variants; a product without variants gets one default variant."""

    model_config = ConfigDict(
        extra="forbid",
        # The rule of ``_default_variant``, told to generated clients: a price or a variant.
        json_schema_extra={
            "anyOf": [
                {"required": ["base_price"], "properties": {"base_price": {"type": "number"}}},
                {"required": ["variants"], "properties": {"variants": {"minItems": 1}}},
            ]
        },
    )

    source_id: str | None = Field(None, max_length=200)
    name: str = Field(min_length=1, max_length=300, pattern=VISIBLE)
    description: str = Field("", max_length=20_000)
    short_description: str = Field("", max_length=500)
    category: str = Field("", max_length=300)
    tags: list[str] = Field(default_factory=list, max_length=500)
    brand: str = Field("", max_length=200)
    base_price: float | None = Field(None, ge=0, le=1_000_000)
    # None: the creator's currency (a Shopify product carries none; the shop has one).
    currency: str | None = Field(None, pattern=r"^[A-Z]{3}$")
    main_image: str | None = Field(None, max_length=1000)
    images: list[str] = Field(default_factory=list)
    url: str | None = Field(None, max_length=1000)
    featured: bool = False
    is_active: bool = True
    metadata: dict[str, Any] = Field(default_factory=dict)
    variants: list[VariantIn] = Field(default_factory=list)

    @field_validator("name")
    @classmethod
    def _strip_name(cls, value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("name must not be blank")
        return value

    @field_validator("category")
    @classmethod
    def _normalise_category(cls, value: str) -> str:
        # Accept "a/b/c", "a > b > c" or "a>b"; store "A > B > C".
        parts = [p.strip() for p in re.split(r"\s*(?:>|/)\s*", value) if p.strip()]
        return " > ".join(parts)

    @field_validator("tags")
    @classmethod
    def _clean_tags(cls, value: list[str]) -> list[str]:
        seen: dict[str, None] = {}
        for tag in value:
            tag = str(tag).strip()
            if tag:
                seen.setdefault(tag, None)
        return list(seen)

    @model_validator(mode="after")
    def _default_variant(self) -> ProductIn:
        if not self.variants:
            if self.base_price is None:
                raise ValueError("a product needs a base_price or at least one variant")
            self.variants = [VariantIn(name="Default", price=self.base_price)]
        if self.base_price is None:
            self.base_price = min(v.price for v in self.variants)
        return self


class ProductPatch(PatchInput):
    """Partial update of a product; ``variants`` replaces the whole variant list when given.

    Null clears ``main_image`` and ``url``, and ``base_price`` (then the cheapest variant's).
    """

    model_config = ConfigDict(extra="forbid")
    nullable: ClassVar[frozenset[str]] = frozenset({"base_price", "main_image", "url"})

    name: (
        Annotated[str, Field(min_length=1, max_length=300, pattern=VISIBLE)] | SkipJsonSchema[None]
    ) = None
    description: Annotated[str, Field(max_length=20_000)] | SkipJsonSchema[None] = None
    short_description: Annotated[str, Field(max_length=500)] | SkipJsonSchema[None] = None
    category: Annotated[str, Field(max_length=300)] | SkipJsonSchema[None] = None
    # Array bounds inside the type: on the union pydantic writes them as minLength/maxLength.
    tags: Annotated[list[str], Field(max_length=500)] | SkipJsonSchema[None] = None
    brand: Annotated[str, Field(max_length=200)] | SkipJsonSchema[None] = None
    base_price: float | None = Field(None, ge=0, le=1_000_000)
    main_image: str | None = Field(None, max_length=1000)
    images: list[str] | SkipJsonSchema[None] = None
    url: str | None = Field(None, max_length=1000)
    featured: bool | SkipJsonSchema[None] = None
    is_active: bool | SkipJsonSchema[None] = None
    metadata: dict[str, Any] | SkipJsonSchema[None] = None
    variants: Annotated[list[VariantIn], Field(min_length=1)] | SkipJsonSchema[None] = None
