"""What search takes and returns: filters, hits, relaxations (the tools' and the API's shapes)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Sort = Literal["relevance", "price_asc", "price_desc"]


class SearchFilters(BaseModel):
    """Hard constraints on a search (``budget`` is the one soft preference)."""

    model_config = ConfigDict(extra="forbid")

    min_price: float | None = Field(None, ge=0)
    max_price: float | None = Field(None, ge=0)
    colors: list[str] = Field(default_factory=list)
    sizes: list[str] = Field(default_factory=list)
    categories: list[str] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)
    options: dict[str, list[str]] = Field(
        default_factory=dict,
        description='Any variant option or product facet ("key: value" tag): {"ram": ["16GB"]}; '
        '"a|b" as a key means either option.',
    )
    brands: list[str] = Field(default_factory=list)
    require: list[str] = Field(
        default_factory=list,
        description='Properties each product must have ("vegan", "pockets", "nut free"), judged '
        "from its options, facets, diets and own text.",
    )
    in_stock_only: bool = True
    product_ids: list[int] | None = None
    exclude_product_ids: list[int] = Field(default_factory=list)
    budget: float | None = Field(None, ge=0, description="Soft: ranks items over it lower.")
    prefer: Literal["largest", "smallest"] | None = Field(
        None, description='Offer the biggest or smallest variant first ("the big tub").'
    )
    prefer_option: str = Field(
        "",
        max_length=60,
        description='The option "bigger"/"smaller" is about ("the bigger ssd": "ssd").',
    )


class VariantHit(BaseModel):
    """A variant that satisfies the variant-level filters."""

    variant_id: int
    sku: str | None
    name: str
    options: dict[str, str]
    price: float
    compare_at_price: float | None
    stock: int | None
    available: bool
    in_stock: bool


class ProductHit(BaseModel):
    """A product result naming the variants that matched."""

    product_id: int
    name: str
    category: str
    url: str | None
    image: str | None
    currency: str
    price_min: float
    price_max: float
    tags: list[str]
    short_description: str
    score: float
    vector_score: float | None = None
    keyword_score: float | None = None
    matching_variants: list[VariantHit]
    featured: bool = False
    attributes: dict[str, Any] = Field(default_factory=dict)
    brand: str = ""
    # Asked options no variant of this product has, with the closest value it does have.
    unmet: list[dict[str, Any]] = Field(default_factory=list)


class Relaxation(BaseModel):
    """A constraint the search dropped or widened to find anything."""

    constraint: str
    detail: str


class SearchResult(BaseModel):
    """Hits plus what was relaxed and how the query was executed."""

    query: str
    hits: list[ProductHit]
    relaxed: list[Relaxation] = Field(default_factory=list)
    filters: SearchFilters
    strategy: str = ""
    took_ms: float = 0.0
