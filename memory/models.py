"""SQLAlchemy 2.x models. Every row carries ``creator_id``: no query may cross creators."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    """Timezone-aware now, for timestamps."""
    return datetime.now(UTC)


class UtcDateTime(TypeDecorator[datetime]):
    """A timestamp that comes back aware: SQLite drops the zone, so it is put back as UTC.

    Naive values read back from SQLite serialised as "2026-12-06T14:26:43" (no zone), which is
    not the RFC 3339 date-time the OpenAPI document promises.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        """Store aware values in UTC."""
        return value.astimezone(UTC) if value is not None and value.tzinfo else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        """Read naive values as UTC."""
        return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


class Base(DeclarativeBase):
    """Declarative base for all dmpilot tables."""

    type_annotation_map = {dict[str, Any]: JSON, list[str]: JSON}


class Creator(Base):
    """A creator or shop: the tenant every other row belongs to."""

    __tablename__ = "creators"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    brand_voice: Mapped[str] = mapped_column(String(20), default="casual")
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    store_url: Mapped[str | None] = mapped_column(String(500))
    channel_settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # Bumped by every catalog write, so search indexes in any process know to rebuild.
    catalog_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Privacy: when off, raw fan messages are cleared once analysed into questions.
    retain_messages: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    # The creator's own words on returns, shipping, warranty...: policy questions are answered
    # from it before anything is escalated.
    policies: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class Product(Base):
    """A catalog product; prices live on variants, the product keeps their range."""

    __tablename__ = "products"
    __table_args__ = (
        UniqueConstraint("creator_id", "source_id", name="uq_product_source"),
        Index("ix_products_creator_active", "creator_id", "is_active"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    creator_id: Mapped[str] = mapped_column(ForeignKey("creators.id", ondelete="CASCADE"))
    source_id: Mapped[str | None] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    short_description: Mapped[str] = mapped_column(String(500), default="")
    category: Mapped[str] = mapped_column(String(300), default="")  # "Apparel > Women > Leggings"
    tags: Mapped[list[str]] = mapped_column(default=list)
    brand: Mapped[str] = mapped_column(String(200), default="")
    base_price: Mapped[float | None] = mapped_column(Float)
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    price_min: Mapped[float | None] = mapped_column(Float)
    price_max: Mapped[float | None] = mapped_column(Float)
    main_image: Mapped[str | None] = mapped_column(String(1000))
    images: Mapped[list[str]] = mapped_column(default=list)
    url: Mapped[str | None] = mapped_column(String(1000))
    featured: Mapped[bool] = mapped_column(Boolean, default=False)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    meta: Mapped[dict[str, Any]] = mapped_column("metadata", default=dict)
    # Hash of the text that is embedded; the vector is rewritten only when it changes.
    text_hash: Mapped[str] = mapped_column(String(64), default="")
    indexed_hash: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, onupdate=utcnow)

    variants: Mapped[list[Variant]] = relationship(
        back_populates="product",
        cascade="all, delete-orphan",
        order_by="Variant.id",
        lazy="selectin",
    )


class Variant(Base):
    """A purchasable variant; ``options`` is a generic map like {"color": "Navy", "size": "M"}."""

    __tablename__ = "variants"
    __table_args__ = (Index("ix_variants_creator_product", "creator_id", "product_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    creator_id: Mapped[str] = mapped_column(String(64))
    source_id: Mapped[str | None] = mapped_column(String(200))
    sku: Mapped[str | None] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(300), default="")
    options: Mapped[dict[str, Any]] = mapped_column(default=dict)
    price: Mapped[float] = mapped_column(Float)
    compare_at_price: Mapped[float | None] = mapped_column(Float)
    stock: Mapped[int | None] = mapped_column(Integer)  # None: stock not tracked
    available: Mapped[bool] = mapped_column(Boolean, default=True)

    product: Mapped[Product] = relationship(back_populates="variants")

    @property
    def in_stock(self) -> bool:
        """Sellable now: flagged available and not tracked at zero."""
        return self.available and (self.stock is None or self.stock > 0)
