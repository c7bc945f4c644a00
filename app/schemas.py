"""HTTP response models (request bodies reuse ``memory.schemas``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


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


class CompareIn(BaseModel):
    """Products to compare."""

    model_config = ConfigDict(extra="forbid")

    product_ids: list[int] = Field(min_length=2, max_length=10)


class ErrorOut(BaseModel):
    """Every 4xx/5xx body."""

    detail: str
    errors: list[dict[str, Any]] | None = None
