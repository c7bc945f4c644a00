"""When nothing fits every filter: the constraints to relax, one at a time, in this order.

Colour, size, required words, price widened by half, price dropped, category, brand, tags,
stock; each step says what it relaxed, so the reply can say it too.
"""

from __future__ import annotations

from typing import Any

from tools.search_schemas import Relaxation, SearchFilters


def relaxations(f: SearchFilters) -> list[Any]:
    """The steps in order; each returns the filters relaxed, and what it relaxed (or None)."""

    def drop_colors(c: SearchFilters) -> tuple[SearchFilters, Relaxation | None]:
        if not c.colors:
            return c, None
        note = Relaxation(constraint="color", detail=f"dropped colour: {', '.join(c.colors)}")
        return c.model_copy(update={"colors": []}), note

    def drop_sizes(c: SearchFilters) -> tuple[SearchFilters, Relaxation | None]:
        if not c.sizes and not c.options:
            return c, None
        what = ", ".join(c.sizes + [f"{k.split('|')[0]}={'/'.join(v)}"
                                    for k, v in c.options.items()])  # fmt: skip
        note = Relaxation(constraint="size", detail=f"dropped size/options: {what}")
        return c.model_copy(update={"sizes": [], "options": {}}), note

    def widen_price(c: SearchFilters) -> tuple[SearchFilters, Relaxation | None]:
        if c.max_price is None and c.min_price is None:
            return c, None
        upd: dict[str, Any] = {}
        parts = []
        if c.max_price is not None:
            upd["max_price"] = round(c.max_price * 1.5, 2)
            parts.append(f"max {c.max_price:g} -> {upd['max_price']:g}")
        if c.min_price is not None:
            upd["min_price"] = round(c.min_price / 1.5, 2)
            parts.append(f"min {c.min_price:g} -> {upd['min_price']:g}")
        note = Relaxation(constraint="price", detail="widened price: " + ", ".join(parts))
        return c.model_copy(update=upd), note

    def drop_price(c: SearchFilters) -> tuple[SearchFilters, Relaxation | None]:
        if c.max_price is None and c.min_price is None:
            return c, None
        note = Relaxation(constraint="price", detail="dropped price range")
        return c.model_copy(update={"min_price": None, "max_price": None}), note

    def drop_category(c: SearchFilters) -> tuple[SearchFilters, Relaxation | None]:
        if not c.categories:
            return c, None
        note = Relaxation(
            constraint="category", detail=f"dropped category: {', '.join(c.categories)}"
        )
        return c.model_copy(update={"categories": []}), note

    def drop_brands(c: SearchFilters) -> tuple[SearchFilters, Relaxation | None]:
        if not c.brands:
            return c, None
        note = Relaxation(constraint="brand", detail=f"dropped brand: {', '.join(c.brands)}")
        return c.model_copy(update={"brands": []}), note

    def drop_require(c: SearchFilters) -> tuple[SearchFilters, Relaxation | None]:
        if not c.require:
            return c, None
        note = Relaxation(constraint="words", detail=f"dropped: {', '.join(c.require)}")
        return c.model_copy(update={"require": []}), note

    def drop_tags(c: SearchFilters) -> tuple[SearchFilters, Relaxation | None]:
        if not c.tags:
            return c, None
        note = Relaxation(constraint="tags", detail=f"dropped tags: {', '.join(c.tags)}")
        return c.model_copy(update={"tags": []}), note

    def include_oos(c: SearchFilters) -> tuple[SearchFilters, Relaxation | None]:
        if not c.in_stock_only:
            return c, None
        note = Relaxation(constraint="in_stock", detail="included out-of-stock items")
        return c.model_copy(update={"in_stock_only": False}), note

    return [drop_colors, drop_sizes, drop_require, widen_price, drop_price, drop_category,
            drop_brands, drop_tags, include_oos]  # fmt: skip
