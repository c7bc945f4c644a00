"""The search engine the catalog tools call: hybrid search plus the browse extras.

``HybridSearch`` (``tools/hybrid_search.py``) answers a query with filters and says what it
relaxed; this class adds what a conversation asks about products already found: their
variants, a comparison, more like one, cheaper ones.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np

from memory.catalog import BadRequestError, NotFoundError
from tools.attributes import name_coverage, own_words
from tools.catalog_index import CatalogIndex
from tools.hybrid_search import HybridSearch
from tools.search_schemas import ProductHit, SearchFilters, VariantHit
from tools.variant_choice import said_words


class SearchEngine(HybridSearch):
    """Hybrid search and the browse tools over one index per creator."""

    # -- other catalog tools ------------------------------------------------------------
    def _position(self, idx: CatalogIndex, product_id: int) -> int:
        i = idx.pos.get(int(product_id))
        if i is None:
            raise NotFoundError(f"unknown or inactive product {product_id}")
        return i

    def get_variants(
        self,
        creator_id: str,
        product_id: int,
        colors: list[str] | None = None,
        sizes: list[str] | None = None,
        options: dict[str, list[str]] | None = None,
        in_stock_only: bool = False,
        prefer: Literal["largest", "smallest"] | None = None,
        prefer_option: str = "",
        described: str = "",
    ) -> tuple[ProductHit, list[VariantHit]]:
        """A product and its variants matching the given options (all variants if none).

        ``described`` is the customer's own words for the variant ("the one already on the
        wood"): among those that match, the variant whose values or whose explanation in the
        product's text they name comes first.
        """
        idx = self.index(creator_id)
        i = self._position(idx, product_id)
        f = SearchFilters(
            colors=colors or [], sizes=sizes or [], options=options or {},
            in_stock_only=in_stock_only, prefer=prefer, prefer_option=prefer_option,
        )  # fmt: skip
        vmask = self._variant_mask(idx, f)
        words = said_words(described)
        hit = self._hit(
            idx, i, vmask, 0.0, -1.0, 0.0, False, max_variants=100, prefer=f, words=words
        )
        if not hit.matching_variants and (f.colors or f.sizes or f.options):
            # Nothing fits every asked option: the closest variants, and what they lack.
            hit = self._with_closest(idx, hit, f, words)
        return hit, hit.matching_variants

    def product_rows(
        self, creator_id: str, product_id: int
    ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """A product's own row (with its description) and its variants, from the index."""
        idx = self.index(creator_id)
        i = self._position(idx, product_id)
        return idx.products[i], idx.variants[int(idx.v_start[i]) : int(idx.v_end[i])]

    def find_named(self, creator_id: str, words: list[str]) -> list[int]:
        """Products whose name, brand or category contain every word (tightest names first)."""
        idx = self.index(creator_id)
        own = getattr(idx, "_own_words", None)
        if own is None:  # name, brand and category words of every product, normalised once
            own = [own_words(p) for p in idx.products]
            idx._own_words = own  # type: ignore[attr-defined]
        scored = [(name_coverage(words, p, own[i]), -i) for i, p in enumerate(idx.products)]
        best = [(sc, -neg) for sc, neg in scored if sc > 0]
        best.sort(reverse=True)
        return [int(idx.product_ids[i]) for _, i in best]

    def compare(self, creator_id: str, product_ids: list[int]) -> dict[str, Any]:
        """Side-by-side attributes of 2+ products: prices, options, tags, stock."""
        if len(set(product_ids)) < 2:
            raise BadRequestError("compare needs at least two different products")
        idx = self.index(creator_id)
        rows: list[dict[str, Any]] = []
        allv = np.ones(len(idx.variants), dtype=bool)
        for pid in dict.fromkeys(product_ids):
            i = self._position(idx, pid)
            hit = self._hit(idx, i, allv, 0.0, -1.0, 0.0, False, max_variants=1000)
            opts: dict[str, list[str]] = {}
            for v in hit.matching_variants:
                for k, val in v.options.items():
                    if val not in opts.setdefault(k, []):
                        opts[k].append(val)
            rows.append(
                {
                    "product_id": hit.product_id,
                    "name": hit.name,
                    "category": hit.category,
                    "price_min": hit.price_min,
                    "price_max": hit.price_max,
                    "currency": hit.currency,
                    "url": hit.url,
                    "tags": hit.tags,
                    "options": opts,
                    "in_stock_variants": sum(v.in_stock for v in hit.matching_variants),
                    "variants": len(hit.matching_variants),
                    "short_description": hit.short_description,
                }
            )
        tag_sets = [set(r["tags"]) for r in rows]
        common = set.intersection(*tag_sets) if tag_sets else set()
        for r in rows:
            r["distinct_tags"] = sorted(set(r["tags"]) - common)
        cheapest = min(rows, key=lambda r: r["price_min"])
        return {
            "products": rows,
            "common_tags": sorted(common),
            "cheapest_product_id": cheapest["product_id"],
        }

    def more_like_this(self, creator_id: str, product_id: int, limit: int = 5) -> list[ProductHit]:
        """Nearest in-stock products by embedding (Chroma ANN), preferring the same category.

        Score = cosine + 0.15 if the leaf category is the same, + 0.03 if only the parent is;
        the embedding alone ranks "running leggings" next to "running shorts".
        """
        idx = self.index(creator_id)
        i = self._position(idx, product_id)
        own = idx.categories[idx.cat_code[i]] if idx.cat_code[i] >= 0 else ""
        parent = own.rsplit(" > ", 1)[0]
        instock_p = np.zeros(idx.size, dtype=bool)
        instock_p[idx.v_pidx[idx.v_instock]] = True
        scored = []
        for cid, sim in self.catalog.vectors.query(creator_id, idx.vectors[i], limit * 10 + 1):
            j = idx.pos.get(int(cid))
            if j is None or j == i or not instock_p[j]:
                continue
            cat = idx.categories[idx.cat_code[j]] if idx.cat_code[j] >= 0 else ""
            bonus = 0.15 if cat == own else 0.03 if cat.startswith(parent + " > ") else 0.0
            scored.append((sim + bonus, sim, j))
        scored.sort(reverse=True)
        return [
            self._hit(idx, j, idx.v_instock, score, sim, 0.0, True)
            for score, sim, j in scored[:limit]
        ]

    def cheaper_alternatives(
        self, creator_id: str, product_id: int, limit: int = 5
    ) -> list[ProductHit]:
        """Same leaf category (else its parent), cheaper, in stock, most similar first."""
        idx = self.index(creator_id)
        i = self._position(idx, product_id)
        category = idx.categories[idx.cat_code[i]] if idx.cat_code[i] >= 0 else ""
        segments = [s.strip() for s in category.split(">") if s.strip()]
        instock_p = np.zeros(idx.size, dtype=bool)
        instock_p[idx.v_pidx[idx.v_instock]] = True
        price = idx.price_min[i]
        for depth in range(len(segments), 0, -1):
            prefix = " > ".join(segments[:depth])
            codes = [
                c for c, name in enumerate(idx.categories)
                if name == prefix or name.startswith(prefix + " > ")
            ]  # fmt: skip
            mask = np.isin(idx.cat_code, codes) & (idx.price_min < price - 1e-6) & instock_p
            mask[i] = False
            cand = np.flatnonzero(mask)
            if cand.size:
                sims = idx.vectors[cand] @ idx.vectors[i]
                order = cand[np.argsort(-sims)][:limit]
                return [
                    self._hit(idx, int(j), idx.v_instock, float(s), float(s), 0.0, True)
                    for j, s in zip(order, np.sort(-sims)[:limit] * -1, strict=False)
                ]
        return []
