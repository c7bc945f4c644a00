"""Catalog repository: creators, products and variants in SQL, product vectors in Chroma.

Writes go through here so that three things always hold: every query is scoped by
``creator_id``; a batch of products is committed in one transaction; and the Chroma index is
reconciled from SQL (``sync_vectors``), so a crash between the two stores is repaired by the
next sync instead of leaving search and catalog out of step.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from memory.embeddings import MiniLMEmbeddings
from memory.models import Creator, Product, Variant, utcnow
from memory.schemas import CreatorIn, CreatorPatch, ProductIn, ProductPatch, VariantIn
from memory.vectors import VectorStore


class NotFoundError(LookupError):
    """An id that does not exist for this creator."""


class ConflictError(ValueError):
    """A write that clashes with existing data (duplicate id)."""


class BadRequestError(ValueError):
    """A request that is well-formed but cannot be done as asked (the API answers 400).

    Only this error's text reaches the caller; any other ValueError is an internal error.
    """


@dataclass
class UpsertResult:
    """Counts of one upsert batch."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    product_ids: list[int] = field(default_factory=list)


def product_text(product: Product) -> str:
    """The text embedded for a product: what a shopper might describe it by."""
    options: dict[str, set[str]] = {}
    for v in product.variants:
        for k, val in (v.options or {}).items():
            options.setdefault(k, set()).add(str(val))
    opts = "; ".join(f"{k}: {', '.join(sorted(vals))}" for k, vals in sorted(options.items()))
    parts = [
        product.name,
        product.short_description or "",
        (product.description or "")[:600],
        product.category.replace(" > ", ", ") if product.category else "",
        ", ".join(product.tags or []),
        product.brand or "",
        opts,
    ]
    return ". ".join(p.strip() for p in parts if p and p.strip())


def text_hash(text: str) -> str:
    """Stable hash of the embedding text."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def _variant_key(v: Variant | VariantIn) -> tuple[str, str]:
    if v.source_id:
        return ("source", v.source_id)
    if v.sku:
        return ("sku", v.sku)
    return ("options", repr(sorted((v.options or {}).items())) + "|" + (v.name or ""))


class Creators:
    """The creators table alone: what accounts need without the vector store or the model."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def create_creator(self, data: CreatorIn) -> Creator:
        """Create a creator; 409-style error when the id is taken."""
        with self.sessions.begin() as s:
            if s.get(Creator, data.id) is not None:
                raise ConflictError(f"creator '{data.id}' already exists")
            # The version starts at the clock (ms), not 0: caches keyed by (creator, version) in
            # any worker cannot serve a deleted creator's catalog to a new one with the same id.
            creator = Creator(**data.model_dump(), catalog_version=time.time_ns() // 1_000_000)
            s.add(creator)
        return creator

    def get_creator(self, creator_id: str) -> Creator:
        """Fetch a creator or raise ``NotFoundError``."""
        with self.sessions() as s:
            creator = s.get(Creator, creator_id)
        if creator is None:
            raise NotFoundError(f"unknown creator '{creator_id}'")
        return creator

    def update_creator(self, creator_id: str, patch: CreatorPatch) -> Creator:
        """Apply the fields set in ``patch``."""
        with self.sessions.begin() as s:
            creator = s.get(Creator, creator_id)
            if creator is None:
                raise NotFoundError(f"unknown creator '{creator_id}'")
            for key, value in patch.model_dump(exclude_unset=True).items():
                setattr(creator, key, value)
        return creator

    def creator_ids(self) -> list[str]:
        """Every creator id (index warm-up at startup)."""
        with self.sessions() as s:
            return list(s.scalars(select(Creator.id).order_by(Creator.id)).all())

    def ensure_creator(self, data: CreatorIn) -> Creator:
        """Create the creator unless it exists (demo loading, CLI)."""
        try:
            return self.get_creator(data.id)
        except NotFoundError:
            return self.create_creator(data)


class Catalog(Creators):
    """Per-creator catalog operations over SQL + Chroma."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        vectors: VectorStore,
        embedder: MiniLMEmbeddings,
        version_ttl_s: float = 0.5,
    ) -> None:
        super().__init__(sessions)
        self.vectors = vectors
        self.embedder = embedder
        self.version_ttl_s = version_ttl_s
        self._versions: dict[str, tuple[int, float]] = {}

    # -- change tracking (the search index rebuilds lazily when this moves) --------------
    def version(self, creator_id: str) -> int:
        """Per-creator counter bumped after every catalog write, by any process (CLI, workers).

        Read at most every ``version_ttl_s`` (every search asks; the query cost ~1.5 ms of
        CPU per turn). This process's own writes are seen at once, other processes' within
        the TTL.
        """
        now = time.monotonic()
        hit = self._versions.get(creator_id)
        if hit is not None and now - hit[1] < self.version_ttl_s:
            return hit[0]
        with self.sessions() as s:
            version = int(
                s.scalar(select(Creator.catalog_version).where(Creator.id == creator_id)) or 0
            )
        self._versions[creator_id] = (version, now)
        return version

    def forget(self, creator_id: str) -> None:
        """Drop a deleted creator's cached catalog version."""
        self._versions.pop(creator_id, None)

    def _bump(self, creator_id: str) -> None:
        with self.sessions.begin() as s:
            s.execute(
                update(Creator)
                .where(Creator.id == creator_id)
                .values(catalog_version=Creator.catalog_version + 1)
            )
        self._versions.pop(creator_id, None)

    # -- products: reads --------------------------------------------------------------
    def get_product(self, creator_id: str, product_id: int) -> Product:
        """One product of this creator (active or not)."""
        with self.sessions() as s:
            product = s.scalar(
                select(Product).where(Product.creator_id == creator_id, Product.id == product_id)
            )
        if product is None:
            raise NotFoundError(f"unknown product {product_id} for creator '{creator_id}'")
        return product

    def list_products(
        self, creator_id: str, offset: int = 0, limit: int = 50, include_inactive: bool = False
    ) -> tuple[int, list[Product]]:
        """A page of products and the total count."""
        cond = [Product.creator_id == creator_id]
        if not include_inactive:
            cond.append(Product.is_active.is_(True))
        with self.sessions() as s:
            total = s.scalar(select(func.count()).select_from(Product).where(*cond)) or 0
            rows = s.scalars(
                select(Product).where(*cond).order_by(Product.id).offset(offset).limit(limit)
            ).all()
        return total, list(rows)

    def active_products(self, creator_id: str) -> list[Product]:
        """All active products with variants (search index build)."""
        with self.sessions() as s:
            return list(
                s.scalars(
                    select(Product)
                    .where(Product.creator_id == creator_id, Product.is_active.is_(True))
                    .order_by(Product.id)
                ).all()
            )

    # -- products: writes -------------------------------------------------------------
    def upsert_products(
        self, creator_id: str, items: Sequence[ProductIn], sync: bool = True
    ) -> UpsertResult:
        """Create or update products by source id in ONE transaction, then sync vectors."""
        currency = self.get_creator(creator_id).currency
        result = UpsertResult()
        source_ids = [i.source_id for i in items if i.source_id]
        with self.sessions.begin() as s:
            existing: dict[str, Product] = {}
            if source_ids:
                rows = s.scalars(
                    select(Product).where(
                        Product.creator_id == creator_id, Product.source_id.in_(source_ids)
                    )
                ).all()
                existing = {p.source_id: p for p in rows if p.source_id}
            touched: list[Product] = []
            for item in items:
                product = existing.get(item.source_id) if item.source_id else None
                if product is None:
                    product = Product(creator_id=creator_id)
                    s.add(product)
                    self._apply(product, item, currency)
                    result.created += 1
                    if item.source_id:
                        existing[item.source_id] = product
                else:
                    before = product.text_hash, self._fingerprint(product)
                    self._apply(product, item, currency)
                    if (product.text_hash, self._fingerprint(product)) == before:
                        result.unchanged += 1
                    else:
                        result.updated += 1
                touched.append(product)
            s.flush()
            result.product_ids = [p.id for p in touched]
        self._bump(creator_id)
        if sync:
            self.sync_vectors(creator_id)
        return result

    def create_product(self, creator_id: str, item: ProductIn) -> Product:
        """Create one product; a duplicate source id is a conflict, not an update."""
        if item.source_id:
            with self.sessions() as s:
                clash = s.scalar(
                    select(Product.id).where(
                        Product.creator_id == creator_id, Product.source_id == item.source_id
                    )
                )
            if clash is not None:
                raise ConflictError(
                    f"product with source_id '{item.source_id}' already exists (id {clash})"
                )
        res = self.upsert_products(creator_id, [item])
        return self.get_product(creator_id, res.product_ids[0])

    def update_product(self, creator_id: str, product_id: int, patch: ProductPatch) -> Product:
        """Apply a partial update."""
        with self.sessions.begin() as s:
            product = s.scalar(
                select(Product).where(Product.creator_id == creator_id, Product.id == product_id)
            )
            if product is None:
                raise NotFoundError(f"unknown product {product_id} for creator '{creator_id}'")
            current = ProductIn(
                source_id=product.source_id,
                name=product.name,
                description=product.description,
                short_description=product.short_description,
                category=product.category,
                tags=product.tags,
                brand=product.brand,
                base_price=product.base_price,
                currency=product.currency,
                main_image=product.main_image,
                images=product.images,
                url=product.url,
                featured=product.featured,
                is_active=product.is_active,
                metadata=product.meta,
                variants=[
                    VariantIn(
                        source_id=v.source_id,
                        sku=v.sku,
                        name=v.name,
                        options=v.options,
                        price=v.price,
                        compare_at_price=v.compare_at_price,
                        stock=v.stock,
                        available=v.available,
                    )
                    for v in product.variants
                ],
            )
            merged = ProductIn.model_validate(
                {**current.model_dump(), **patch.model_dump(exclude_unset=True)}
            )
            self._apply(product, merged, product.currency)
        self._bump(creator_id)
        self.sync_vectors(creator_id)
        return self.get_product(creator_id, product_id)

    def delete_product(self, creator_id: str, product_id: int, hard: bool = False) -> None:
        """Soft delete (``is_active=False``) by default; ``hard`` removes the rows."""
        with self.sessions.begin() as s:
            product = s.scalar(
                select(Product).where(Product.creator_id == creator_id, Product.id == product_id)
            )
            if product is None:
                raise NotFoundError(f"unknown product {product_id} for creator '{creator_id}'")
            if hard:
                s.delete(product)
            else:
                product.is_active = False
        if hard:
            self.vectors.delete(creator_id, [str(product_id)])
        self._bump(creator_id)
        self.sync_vectors(creator_id)

    def deactivate_sources(self, creator_id: str, source_ids: Sequence[str]) -> int:
        """Deactivate the products with these source ids (gone from the shop); how many."""
        if not source_ids:
            return 0
        with self.sessions.begin() as s:
            rows = s.scalars(
                select(Product).where(
                    Product.creator_id == creator_id,
                    Product.source_id.in_(list(source_ids)),
                    Product.is_active.is_(True),
                )
            ).all()
            for p in rows:
                p.is_active = False
        if rows:
            self._bump(creator_id)
            self.sync_vectors(creator_id)
        return len(rows)

    def set_variant_stock(self, creator_id: str, variant_source_id: str, stock: int) -> bool:
        """A variant's stock from the shop (no re-embedding: stock is not in the text)."""
        with self.sessions.begin() as s:
            v = s.scalar(
                select(Variant).where(
                    Variant.creator_id == creator_id, Variant.source_id == variant_source_id
                )
            )
            if v is None:
                return False
            v.stock, v.available = max(stock, 0), stock > 0
        self._bump(creator_id)
        return True

    def vector_gap(self, creator_id: str) -> tuple[int, int]:
        """(indexed products, vectors held): fewer vectors means the vector store lost some."""
        with self.sessions() as s:
            indexed = s.scalar(
                select(func.count()).where(
                    Product.creator_id == creator_id,
                    Product.is_active.is_(True),
                    Product.indexed_hash.is_not(None),
                )
            )
        return int(indexed or 0), self.vectors.count(creator_id)

    def reindex(
        self, creator_id: str, progress: Callable[[int], None] | None = None
    ) -> tuple[int, int]:
        """Embed every active product again (the vector store was lost or damaged)."""
        with self.sessions.begin() as s:
            s.execute(
                update(Product)
                .where(Product.creator_id == creator_id, Product.is_active.is_(True))
                .values(indexed_hash=None)
            )
        return self.sync_vectors(creator_id, progress)

    def sync_vectors(
        self, creator_id: str, progress: Callable[[int], None] | None = None, chunk: int = 256
    ) -> tuple[int, int]:
        """Embed products whose text changed; drop vectors of inactive products.

        Returns (embedded, removed). Idempotent: run it after a crash to repair the index.
        """
        embedded = removed = 0
        with self.sessions() as s:
            stale_ids = s.scalars(
                select(Product.id).where(
                    Product.creator_id == creator_id,
                    Product.is_active.is_(True),
                    or_(Product.indexed_hash.is_(None), Product.indexed_hash != Product.text_hash),
                )
            ).all()
            gone_ids = s.scalars(
                select(Product.id).where(
                    Product.creator_id == creator_id,
                    Product.is_active.is_(False),
                    Product.indexed_hash.is_not(None),
                )
            ).all()
        if gone_ids:
            self.vectors.delete(creator_id, [str(i) for i in gone_ids])
            with self.sessions.begin() as s:
                s.execute(update(Product), [{"id": pid, "indexed_hash": None} for pid in gone_ids])
            removed = len(gone_ids)
        for start in range(0, len(stale_ids), chunk):
            ids = stale_ids[start : start + chunk]
            with self.sessions() as s:
                products = s.scalars(select(Product).where(Product.id.in_(ids))).all()
                texts = [product_text(p) for p in products]
                hashes = {p.id: text_hash(t) for p, t in zip(products, texts, strict=True)}
            vectors = self.embedder.encode(texts)
            self.vectors.upsert(
                creator_id,
                [str(p.id) for p in products],
                vectors,
                [{"product_id": p.id} for p in products],
            )
            with self.sessions.begin() as s:
                s.execute(
                    update(Product),
                    [{"id": pid, "indexed_hash": h, "text_hash": h} for pid, h in hashes.items()],
                )
            embedded += len(products)
            if progress:
                progress(len(products))
        if embedded or removed:
            self._bump(creator_id)
        return embedded, removed

    # -- helpers ----------------------------------------------------------------------
    @staticmethod
    def _fingerprint(product: Product) -> Any:
        return (
            product.base_price,
            product.price_min,
            product.price_max,
            product.featured,
            product.is_active,
            product.url,
            product.main_image,
            tuple(product.images or []),
            tuple(
                (v.sku, v.price, v.compare_at_price, v.stock, v.available, repr(v.options))
                for v in product.variants
            ),
        )

    @staticmethod
    def _apply(product: Product, item: ProductIn, currency: str) -> None:
        product.source_id = item.source_id
        product.name = item.name
        product.description = item.description
        product.short_description = item.short_description
        product.category = item.category
        product.tags = list(item.tags)
        product.brand = item.brand
        product.base_price = item.base_price
        product.currency = item.currency or currency
        product.main_image = item.main_image or (item.images[0] if item.images else None)
        product.images = list(item.images)
        product.url = item.url
        product.featured = item.featured
        product.is_active = item.is_active
        product.meta = dict(item.metadata)
        # Keep variant ids stable across re-imports: match by source id, sku, then options.
        old = {_variant_key(v): v for v in product.variants}
        new_variants: list[Variant] = []
        for vin in item.variants:
            v = old.pop(_variant_key(vin), None) or Variant(creator_id=product.creator_id)
            v.creator_id = product.creator_id
            v.source_id = vin.source_id
            v.sku = vin.sku
            v.name = vin.name or " / ".join(vin.options.values()) or "Default"
            v.options = dict(vin.options)
            v.price = vin.price
            v.compare_at_price = vin.compare_at_price
            v.stock = vin.stock
            v.available = vin.available
            new_variants.append(v)
        product.variants = new_variants
        prices = [v.price for v in new_variants]
        product.price_min = min(prices) if prices else item.base_price
        product.price_max = max(prices) if prices else item.base_price
        product.text_hash = text_hash(product_text(product))
        product.updated_at = utcnow()
