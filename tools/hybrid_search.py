"""Hybrid product search: vectors + BM25 keywords, fused by reciprocal rank, with filters.

Filters apply to variants (price, colour, size, any option), hierarchical categories and tags.

How one query runs (``HybridSearch.search``):

0. A category filter (read from a word of the message, "moths ate my jumpers": Knitwear, or
   passed by a model) is dropped when the vector and the keyword ranking, over everything the
   other filters allow, agree on a product filed elsewhere; a category the ask itself names
   ("cushions for a grey sofa") is kept. Up to ``exact_max_products``.
1. Filters are evaluated first, on numpy arrays of every variant (price, stock, colour family,
   canonical size, other options) and product (category, tags); a product is *allowed* when one
   of its variants passes. This costs well under a millisecond at 10k products.
2. Vector side, on an in-memory mirror of the creator's Chroma vectors: up to
   ``exact_max_products`` products, every product is scored exactly with one matrix-vector
   product (0.2 ms at 10k, ten times cheaper than an HNSW query). Larger catalogs query
   Chroma's HNSW index once, unfiltered, and post-filter its hits; when the filters leave a
   small share of products (<= ``exact_fraction``) or too few hits survive, the allowed
   products are scored exactly instead. Chroma's own ``where`` filter is avoided: it is an
   order of magnitude slower here (~26 ms vs ~2 ms at 10k).
3. Keyword side: BM25 (``bm25s``) scores of all products, masked by the allowed set.
4. Relevance gate, relative to the best match in the whole catalog (so filters narrow rather
   than admit weak matches): BM25 >= ``kw_relative`` x the best BM25, or cosine >=
   max(``min_similarity``, best cosine - ``sim_margin``). When no product shares a keyword
   with the query, the cosine floor rises to ``min_similarity_no_keyword``.
5. Fusion: ``rrf = 1/(k + rank_vector) + 1/(k + rank_bm25)`` (k = 60; a missing rank adds 0),
   then ``score = rrf * (1 + 0.05*featured + 0.10*availability + 0.10*budget_fit +
   0.20*named)``, where named is 1 when every word of the product name is in the query,
   availability is the in-stock share of the matching variants and budget_fit is 1 within the
   customer's soft budget and decays linearly to 0 at twice the budget. A product that both
   rankings put first, within budget, stays first (the flags break ties; they do not overturn
   an agreement), unless some candidate's whole name is in the query.
6. No hit with filters: constraints are relaxed one at a time (colour, size and options, price
   widened by 50 %, price dropped, category, tags, stock) and the relaxation is reported.
7. When the query is one ask of a longer message (``context``), the whole message is searched
   too, with the price limits only, and the two rankings are fused by reciprocal rank
   (``w/(3 + rank)``, top 5; w is 1 for the ask; for the message it is 1.5, or 0.5 when the
   ask's first hit has a word of the ask in its name and another in its name or category).
   An ask holding 80 % of the message's words, or one whose named values nothing has, is left
   as it is. A need told over several sentences finds what it describes even when the ask's
   own words, or the filters read from them, point elsewhere.
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from memory.catalog import Catalog
from prompts.lexicon import color_family, is_size_option, normalize_size, stopwords, tokenize
from tools.catalog_index import (
    CatalogIndex,
    build_index,
    category_matches,
    remember_mask,
    size_spelling,
)
from tools.kinds import (
    GENERIC_HEADS,
    all_words,
    kind_chunk,
    missing_kind,
    named_kind,
    synonyms,
    unsold_kind,
)
from tools.naming import (
    NARROW_MAX,
    has_phrase,
    named_product,
    names_all,
    narrowed,
    proper_name,
    word_overlap,
)
from tools.policies import PolicyIndex
from tools.relaxations import relaxations
from tools.search_schemas import ProductHit, Relaxation, SearchFilters, SearchResult, Sort
from tools.units import guide, in_guide, magnitude, normalize, quantity, ranges, within
from tools.variant_choice import (
    DENIED,
    by_size,
    distance,
    offered_values,
    option_value,
    said_words,
    value_glosses,
    variant_hit,
)
from tools.vocabulary import Vocabulary
from tools.vocabulary_build import Vocabularies

WHOLE_DEPTH = 5  # hits of each ranking fused with the whole message's (step 7)
WHOLE_K = 3  # reciprocal-rank constant of that fusion: the top few decide
WHOLE_HELD = 0.8  # an ask holding this share of the message's words is searched alone
WHOLE_WEIGHT = {False: 1.5, True: 0.5}  # the message's weight; True: the ask names its product


KIND_NAMED_MAX = 4  # words: a kind named is a short noun phrase, not a told situation


@dataclass
class _QueryState:
    """Per-search values shared by the first attempt and every relaxation step."""

    exact: np.ndarray  # cosine per product, NaN until computed
    vec: np.ndarray | None = None
    ann_pos: list[int] = field(default_factory=list)
    ann_sim: list[float] = field(default_factory=list)
    best_sim: float = 0.0
    kw: np.ndarray | None = None
    best_kw: float = 0.0
    full_exact: bool = False
    tokens: frozenset[str] = frozenset()
    names_kind: bool = True  # it names a kind of product ("a red sofa", not "a bday present")
    raw_words: frozenset[str] = frozenset()  # normalised, numbers kept ("book 2")


def _inside(asked: str, value: tuple[str, ...]) -> bool:
    """A measure is one number of a compound value without that unit ("28mm" in "700x28c").

    Tyre sizes, paper and print sizes write several numbers in one value; the option the
    measure was bound to already says which dimension it is.
    """
    q = quantity(asked)
    joined = " ".join(value)
    if q is None or (own := quantity(joined)) is not None and own[1] == q[1]:
        return False
    numbers = re.findall(r"\d+(?:\.\d+)?", joined)
    return len(numbers) > 1 and f"{q[0]:g}" in numbers


# a range a size label writes without a unit ("L (UK 9-11)"), at most this wide
SIZE_RANGE_SPAN = 12


def _guided_variants(
    idx: CatalogIndex, options: set[str] | None, measures: list[str]
) -> np.ndarray:
    """Variants whose value a listing's size guide gives a range holding a measure.

    "L/XL chest 100-120cm" for a 112cm chest; ``options``: the option names to read (any
    when None).
    """
    out = np.zeros(len(idx.variants), dtype=bool)
    guides: dict[int, dict[str, list[Any]]] | None = getattr(idx, "_guides", None)
    if guides is None:  # each listing's guide, read once per index
        guides = {}
        for i, p in enumerate(idx.products):
            values = {str(x) for v in idx.variants[int(idx.v_start[i]) : int(idx.v_end[i])]
                      for x in (v["options"] or {}).values()}  # fmt: skip
            if found := guide(str(p.get("description") or ""), values):
                guides[i] = found
        idx._guides = guides  # type: ignore[attr-defined]
    for i, found in guides.items():
        for j in range(int(idx.v_start[i]), int(idx.v_end[i])):
            for name, value in (idx.variants[j]["options"] or {}).items():
                if (options is None or name.lower() in options) and any(
                    in_guide(m.lower(), found.get(str(value), [])) for m in measures
                ):
                    out[j] = True
    return out


def _in_number_range(asked: tuple[str, ...], value: tuple[str, ...]) -> bool:
    """A size number asked for in the range a size label gives ("uk 10" in "L (UK 9-11)").

    The words before the number ("uk", not "size") must stand before the range too.
    """
    if not asked or not asked[-1].isdigit():
        return False
    n = int(asked[-1])
    prefix = [t for t in asked[:-1] if t not in {"size", "sz", "a", "in"}]
    for k in range(len(value) - 1):
        a, b = value[k], value[k + 1]
        if a.isdigit() and b.isdigit() and int(a) < int(b) <= int(a) + SIZE_RANGE_SPAN:
            if all(p in value[:k] for p in prefix) and int(a) <= n <= int(b):
                return True
    return False


def _named_values(
    variant: dict[str, Any], words: frozenset[str], glosses: dict[str, frozenset[str]]
) -> int:
    """How many words of the variant's values the customer's words hold.

    Also the words of what the product's text says a value is ("Ultra Clear is low-iron glass").
    """
    if not words:
        return 0
    values = [str(val) for val in (variant["options"] or {}).values()]
    own = {w for val in values for w in normalize(val).split()} - stopwords()
    denied = {w[1:] for w in words if w.startswith(DENIED)}  # ("without the nose net": -nose)
    # (a word of the value itself counts more: "rock" names "Tied to lava rock", not "Potted
    # - in a 5 cm pot with rock wool")
    return (
        2 * len(own & words)
        - 2 * len(own & denied)
        + sum(len(glosses.get(val, frozenset()) & words) for val in values)
    )


def _option_words(idx: CatalogIndex) -> dict[str, frozenset[str]]:
    """Every word of each option's values (and each value run together), once per index."""
    words = getattr(idx, "_option_words", None)
    if words is None:
        words = {  # (and each value run together: "16gb" is asked as "16 gb")
            o: frozenset([*(w for ov in vals for w in ov), *("".join(ov) for ov in vals)])
            for o, vals in idx.option_values.items()
        }
        idx._option_words = words  # type: ignore[attr-defined]
    return words


def _glosses(idx: CatalogIndex, i: int) -> dict[str, frozenset[str]]:
    """value_glosses of product ``i``, read once per index."""
    cache = getattr(idx, "_glosses", None)
    if cache is None:
        cache = idx._glosses = {}  # type: ignore[attr-defined]
    if i not in cache:
        cache[i] = value_glosses(
            idx.products[i], idx.variants[int(idx.v_start[i]) : int(idx.v_end[i])]
        )
    return cache[i]


_DENYING_TAG = re.compile(r"\b(?:free|no|non|not|without|none)\b")


def _same_measure(asked: str, value: tuple[str, ...]) -> bool:
    """The same quantity in another unit of its kind ("7ft" is the rug size 7'0", i.e. 84in)."""
    if len(value) != 1 or not (b := magnitude(value[0])) or not (a := magnitude(asked)):
        return False
    return a[1] == b[1] and abs(a[0] - b[0]) <= 0.01 * max(a[0], b[0])


def _measured(f: SearchFilters) -> list[str]:
    """The asked options given as a measure with a unit ("rug size": "6'6"")."""
    return [n for n, vs in f.options.items() if any(quantity(v) for v in vs)]


def _holds(idx: CatalogIndex, i: int, name: str) -> bool:
    """Whether product ``i`` has option ``name`` (or one of "a|b"), on a variant or a facet."""
    for option in (n.strip().lower() for n in name.split("|")):
        arr = idx.v_options.get(option)
        if arr is not None and (arr[idx.v_start[i] : idx.v_end[i]] >= 0).any():
            return True
        if option in idx.facets[i]:
            return True
    return False


def _category_words(idx: CatalogIndex) -> list[frozenset[str]]:
    """Each level of each category as a set of words ("Cookware > Frying Pans": two)."""
    known = getattr(idx, "_category_words", None)
    if known is None:
        known = [frozenset(tokenize(level)) for c in idx.categories for level in c.split(">")]
        idx._category_words = known  # type: ignore[attr-defined]
    return known


def _category_heads(idx: CatalogIndex) -> list[set[tuple[str, ...]]]:
    """The last word of each kind a category path names, per category (cached on the index).

    "Women > Shirts & Blouses" is shirts and blouses: each joined kind ends on its own head.
    """
    heads = getattr(idx, "_category_heads", None)
    if heads is None:
        heads = [
            {tuple(tokenize(kind, drop_stopwords=False))[-1:]
             for kind in re.split(r"[>&/,+]|\band\b", c) if kind.strip()}
            for c in idx.categories
        ]  # fmt: skip
        idx._category_heads = heads  # type: ignore[attr-defined]
    return heads


class HybridSearch:
    """Per-creator hybrid search over the catalog, with lazily rebuilt in-memory indexes."""

    def __init__(
        self,
        catalog: Catalog,
        min_similarity: float = 0.30,
        rrf_k: int = 60,
        candidates: int = 100,
        exact_fraction: float = 0.25,
        sim_margin: float = 0.15,
        kw_relative: float = 0.3,
        min_similarity_no_keyword: float = 0.5,
        ann_candidates: int = 100,
        exact_max_products: int = 20_000,
    ) -> None:
        self.catalog = catalog
        self.exact_max_products = exact_max_products
        self.ann_candidates = ann_candidates
        self.min_similarity_no_keyword = min_similarity_no_keyword
        self.sim_margin = sim_margin
        self.kw_relative = kw_relative
        self.min_similarity = min_similarity
        self.rrf_k = rrf_k
        self.candidates = candidates
        self.exact_fraction = exact_fraction
        self._indexes: dict[str, CatalogIndex] = {}
        self._lock = threading.Lock()
        self.vocabularies = Vocabularies(catalog)
        self.policies = PolicyIndex(catalog)

    def vocabulary(self, creator_id: str) -> Vocabulary:
        """The creator's catalog vocabulary (rebuilt from SQL alone when the catalog moves)."""
        return self.vocabularies.get(creator_id)

    def forget(self, creator_id: str) -> None:
        """Drop a deleted creator's cached index."""
        with self._lock:
            self._indexes.pop(creator_id, None)

    # -- index cache ------------------------------------------------------------------
    def index(self, creator_id: str) -> CatalogIndex:
        """The creator's index, rebuilt when the catalog version moved."""
        idx = self._indexes.get(creator_id)
        if idx is not None and idx.version == self.catalog.version(creator_id):
            return idx
        with self._lock:
            idx = self._indexes.get(creator_id)
            if idx is None or idx.version != self.catalog.version(creator_id):
                self.catalog.get_creator(creator_id)
                self.catalog.sync_vectors(creator_id)  # repair after a crash between stores
                idx = build_index(self.catalog, creator_id)
                self._indexes[creator_id] = idx
        return idx

    # -- filters ----------------------------------------------------------------------
    def _variant_mask(self, idx: CatalogIndex, f: SearchFilters) -> np.ndarray:
        mask = np.ones(len(idx.variants), dtype=bool)
        if f.in_stock_only:
            mask &= idx.v_instock
        if f.min_price is not None:
            mask &= idx.v_price >= f.min_price - 1e-6
        if f.max_price is not None:
            mask &= idx.v_price <= f.max_price + 1e-6
        if f.colors:
            # a colour the shop writes ("Mocha 07") is that colour; one it does not ("navy" in a
            # shop of "Sky Blue") is its family
            raws = {c.lower() for c in f.colors}
            loose = [c for c in f.colors if c.lower() not in set(idx.color_raws)]
            fams = {color_family(c) or c.lower() for c in loose}
            fam_codes = [i for i, fam in enumerate(idx.color_fams) if fam in fams]
            raw_codes = [i for i, r in enumerate(idx.color_raws) if r in raws]
            raw_hit = np.isin(idx.v_color_raw, raw_codes)
            cmask = np.isin(idx.v_color_fam, fam_codes) | raw_hit
            # ... and a family word the shop also writes ("White") is any white shade of a
            # product without that exact value ("Matte White" of a kettle)
            if named := [c for c in raws if color_family(c) == c and c in set(idx.color_raws)]:
                has_raw = np.zeros(idx.size, dtype=bool)
                has_raw[idx.v_pidx[raw_hit]] = True
                codes = [i for i, fam in enumerate(idx.color_fams) if fam in named]
                cmask |= np.isin(idx.v_color_fam, codes) & ~has_raw[idx.v_pidx]
            # Variants without a colour option take the product's colour (name, colour facets).
            every = {color_family(c) or c.lower() for c in f.colors}
            key = ("colors", frozenset(every))
            pcol = idx._tag_masks.get(key)
            if pcol is None:
                pcol = np.array([bool(c & every) for c in idx.product_colors], dtype=bool)
                remember_mask(idx, key, pcol)
            no_color = idx.v_color_fam < 0
            cmask |= no_color & pcol[idx.v_pidx]
            mask &= cmask
        if f.sizes:
            wanted = {normalize_size(s) for s in f.sizes}
            mask &= self._size_mask(idx, f.sizes, wanted)
        for name, values in f.options.items():
            mask &= self._option_mask(idx, name, values)
        return mask

    @staticmethod
    def _size_mask(idx: CatalogIndex, sizes: list[str], wanted: set[str]) -> np.ndarray:
        """Variants of an asked size: its label, or a size label whose range holds its number.

        "size 10" is "L (UK 9-11)". Cached on the index like the option masks (every search
        with a size would scan the size options' values again).
        """
        key = ("size", tuple(sorted(wanted)), tuple(sizes))
        cached = idx._tag_masks.get(key)
        if cached is not None:
            return cached
        smask = np.isin(idx.v_size, [i for i, s in enumerate(idx.size_labels) if s in wanted])
        asked = [tuple(normalize(s).split()) for s in sizes]
        # a measure of the person ("20 kilos") in the range a label fits ("Child (15-25kg)")
        measures = [s for s in sizes if quantity(s.lower()) is not None]
        for option, arr in idx.v_options.items():
            if is_size_option(option):
                codes = [i for i, ov in enumerate(idx.option_values[option])
                         if any(_in_number_range(w, ov) for w in asked)
                         or any(within(m.lower(), " ".join(ov)) for m in measures)]  # fmt: skip
                if codes:
                    smask |= np.isin(arr, codes)
        if measures:
            smask |= _guided_variants(idx, None, measures)
        remember_mask(idx, key, smask)
        return smask

    @staticmethod
    def _option_mask(idx: CatalogIndex, name: str, values: list[str]) -> np.ndarray:
        """Variants whose option ``name`` (or product facet ``name``) has one of ``values``.

        Values compare normalised ("16 gb" = "16GB"), and an asked value matches a longer one
        that contains all its words ("240GB" matches "240GB SSD"). ``name`` may list options
        joined by "|" (any of them). A product with none of them matches by any other option
        whose value holds the asked words ("gold": the "Gold Vermeil" finish).
        """
        wanted = [tuple(normalize(v).split()) for v in values if normalize(v)]
        key = ("option", name.lower(), tuple(wanted))
        cached = idx._tag_masks.get(key)
        if cached is not None:
            return cached

        # a measure ("44cm", "5'9") falls in a range; a range label asked for ("M (5'7"-5'11")")
        # is that value, not its first number (which would fall in S (5'3"-5'7") too)
        measures = [v for v in values if quantity(v) is not None and not ranges(normalize(v))]

        def fits(value: tuple[str, ...]) -> bool:
            joined = "".join(value)
            return any(
                "".join(w) == joined or (len(w) < len(value) and set(w) <= set(value))
                for w in wanted
            ) or any(
                within(m, " ".join(value)) or _inside(m, value) or _same_measure(m, value)
                for m in measures
            )

        out = np.zeros(len(idx.variants), dtype=bool)
        holds = np.zeros(len(idx.variants), dtype=bool)  # the product has one of the options
        names = [n.strip().lower() for n in name.split("|")]
        optioned = np.zeros(len(idx.variants), dtype=bool)  # a variant with one of the options
        for option in names:
            arr = idx.v_options.get(option)
            if arr is not None:
                sized = is_size_option(option)
                codes = [
                    i for i, ov in enumerate(idx.option_values[option])
                    if fits(ov) or (sized and any(_in_number_range(w, ov) for w in wanted))
                ]  # fmt: skip
                out |= np.isin(arr, codes)
                optioned |= arr >= 0
        for option in names:
            # a product's facet speaks for the variants that have none of the options: "film:
            # 35mm, 120" on a film whose variants say "format: 120" is no "120" for the 35mm one
            facet = np.array(
                [any(fits(v) for v in fs.get(option, ())) for fs in idx.facets], dtype=bool
            )
            out |= ~optioned & facet[idx.v_pidx]
            holds |= optioned | np.array([option in fs for fs in idx.facets])[idx.v_pidx]
        if measures:  # "im 180cm": the paddle length its guide gives 175-185cm paddlers
            out |= _guided_variants(idx, set(names), measures)
        if not measures and all(w.isalpha() for v in wanted for w in v):
            # a product without the option, whose other option holds the value: "the huggies
            # in gold" are the "Gold Vermeil" finish, though "Gold" was grounded as a tone
            lacks = np.ones(idx.size, dtype=bool)
            lacks[idx.v_pidx[holds]] = False
            words = _option_words(idx)
            for option, arr in idx.v_options.items():
                if option in names or not any(
                    set(w) <= words[option] or "".join(w) in words[option] for w in wanted
                ):
                    continue  # (most options hold none of the words: no scan of their values)
                codes = [i for i, ov in enumerate(idx.option_values[option]) if fits(ov)]
                if codes:
                    out |= lacks[idx.v_pidx] & np.isin(arr, codes)
        if len(names) > 1 and not any(quantity(v) for v in values):
            # a word that is a value of several options ("dark": a roast, a matcha grade) says
            # nothing about products that have none of them (a dark chocolate bar); a value with
            # a unit ("17 inch") does
            by_product = np.zeros(idx.size, dtype=bool)
            by_product[idx.v_pidx[holds]] = True
            out |= ~by_product[idx.v_pidx]
        remember_mask(idx, key, out)
        return out

    def _product_mask(self, idx: CatalogIndex, f: SearchFilters, vmask: np.ndarray) -> np.ndarray:
        pmask = np.zeros(idx.size, dtype=bool)
        pmask[idx.v_pidx[vmask]] = True
        if f.categories:
            ok = [
                c for c, segs in enumerate(idx.cat_tokens)
                if any(category_matches(w, segs) for w in f.categories)
            ]  # fmt: skip
            # "bike": the kinds that are bikes (Road Bikes, Kids' Bikes), not "Bike Lights"
            lasts = {tuple(tokenize(w, drop_stopwords=False))[-1:] for w in f.categories}
            heads = [c for c in ok if _category_heads(idx)[c] & lasts]
            pmask &= np.isin(idx.cat_code, heads or ok)
        for tag in f.tags:
            key = " ".join(tokenize(tag, drop_stopwords=False))
            tmask = idx._tag_masks.get(key)
            if tmask is None:
                # a tag or a tag it is the end or start of ("wool" of "merino wool"; not of
                # "wool free")
                tmask = np.array([key in ts or any(
                    (t.endswith(f" {key}") or t.startswith(f"{key} "))
                    and not _DENYING_TAG.search(t) for t in ts) for ts in idx.tag_sets],
                    dtype=bool)  # fmt: skip
                remember_mask(idx, key, tmask)
            pmask &= tmask
        if f.brands:
            wanted = {normalize(b) for b in f.brands}
            pmask &= np.array([b in wanted for b in idx.brand_keys], dtype=bool)
        if f.product_ids is not None:
            keep = np.zeros(idx.size, dtype=bool)
            keep[[idx.pos[i] for i in f.product_ids if i in idx.pos]] = True
            pmask &= keep
        if f.exclude_product_ids:
            pmask[[idx.pos[i] for i in f.exclude_product_ids if i in idx.pos]] = False
        return pmask

    # -- search -----------------------------------------------------------------------
    def search(
        self,
        creator_id: str,
        query: str = "",
        filters: SearchFilters | None = None,
        limit: int = 5,
        sort: Sort = "relevance",
        relax: bool = True,
        context: str = "",
    ) -> SearchResult:
        """Run a hybrid search; see the module docstring for the exact rule.

        ``context`` is the customer's whole message when the query is one ask cut from it: its
        own ranking is fused in (step 7), so that a need told over several sentences finds
        what it describes.
        """
        t0 = time.perf_counter()
        f = filters or SearchFilters()
        idx = self.index(creator_id)
        qs = self._prepare(idx, query)
        if not qs.names_kind and (f.options or f.colors or f.sizes):
            # a value asked for that is itself the kind named ("any puppies for sale?": a life
            # stage of dog food, not a puppy) keeps the query's gate
            values = [*f.colors, *f.sizes, *(x for vs in f.options.values() for x in vs)]
            value_words = {w for v in values for w in tokenize(v)}
            kind_words = set(tokenize(" ".join(named_kind(context or query))))
            qs.names_kind = bool(value_words & kind_words)
        # (a colour is no kind: "hair dye in pastel pink" in a make-up shop is still unsold)
        asked = f.brands or f.options or f.sizes or f.product_ids
        if relax and not (f.brands or f.product_ids) and query.strip():
            # "do you have bmx bikes": the creator's policy says they sell none ("any slide film
            # in 35mm?": whatever values come with it)
            listed = self.policies.not_sold(
                creator_id,
                tokenize(" ".join(kind_chunk(query))),
                all_words(idx),
                [*idx.name_tokens, *_category_words(idx)],
            )  # (a kind the shop files products under is sold: "cookware")
            if listed is not None:  # (an item a product's name holds is never listed)
                return SearchResult(
                    query=query, hits=[], relaxed=[], filters=f, strategy=f"not_sold:{listed}",
                    took_ms=round((time.perf_counter() - t0) * 1000, 3),
                )  # fmt: skip
        unsold = (
            unsold_kind(idx, query, qs.vec, qs.best_sim, self.catalog.embedder, self._lock)
            if relax and not asked
            else None
        )
        if unsold is not None:
            # "a washing machine" in a home-decor shop: say so rather than offer a rug
            return SearchResult(
                query=query, hits=[], relaxed=[], filters=f, strategy=f"unsold:{unsold}",
                took_ms=round((time.perf_counter() - t0) * 1000, 3),
            )  # fmt: skip
        if f.categories and relax and sort == "relevance" and not (f.product_ids or f.require):
            f = self._category_checked(idx, qs, f, query)
        hits, strategy = self._search_once(idx, qs, f, limit, sort)
        relaxed: list[Relaxation] = []
        if not hits and relax:
            hits, strategy, relaxed = self._relax(idx, qs, f, limit, sort)
        elif relax and (f.min_price is not None or f.max_price is not None):
            hits, relaxed = self._on_topic_price(idx, qs, f, limit, sort, hits)
        if not hits and relax and f.options and (f.brands or f.categories):
            # "the bialetti moka pot" where "Moka Pot" is a grind that no Bialetti has: the
            # option's words name the product after all
            said = " ".join(v for vs in f.options.values() for v in vs)
            qs = self._prepare(idx, f"{query} {said}")
            loose = f.model_copy(update={"options": {}})
            hits, strategy = self._search_once(idx, qs, loose, limit, sort)
            if not hits:
                hits, strategy, relaxed = self._relax(idx, qs, loose, limit, sort)
        if relaxed:
            # What was asked still decides which variant each product offers, and says what
            # none of its variants has ("no 5TB; the closest is 4TB").
            hits = [self._with_closest(idx, h, f, qs.raw_words) for h in hits]
        if context.strip() and relax and sort == "relevance" and not (f.product_ids or f.require):
            hits = self._with_message(idx, qs, context, f, hits, limit)
        named = named_product(idx, qs.tokens, f) if relax else None
        if hits and relax and not (f.categories or f.product_ids):
            if missing := missing_kind(idx, query, qs.vec, self.catalog.embedder, self._lock):
                # "gps watch" in a shop without one: the closest, said to be only that
                relaxed = [Relaxation(constraint="kind", detail=missing), *relaxed]
        if (
            named is not None
            and hits
            and not (f.colors or f.sizes or f.options)
            and proper_name(idx, named, qs.tokens, f)  # ("a horse that ...": no name said)
        ):
            # "the 32 inch one": a product named outright leads among the hits (a budget or
            # a featured flag does not outrank a name)
            pid = int(idx.product_ids[named])
            first = [h for h in hits if h.product_id == pid]
            if first:  # (else it joins below: "the 32 inch one" past a budget, limit 1)
                hits = [*first, *(h for h in hits if h.product_id != pid)]
                named = None
        if (
            named is not None
            and not f.product_ids  # (narrowing a list: its filters decide)
            and all(h.product_id != idx.product_ids[named] for h in hits[:1])
            and proper_name(idx, named, qs.tokens, f)  # (cheap: before any mask)
            and all(_holds(idx, named, n) for n in _measured(f))  # ("winter ... he takes a 6'6")
        ):
            # "the oak dining table in 120cm": the product the customer names comes first even
            # when none of its variants fits, with the closest one and what it lacks (a price
            # cap does not hide it either: "got $100, want the freerun" shows it, and the
            # budget conflict says so); a sold-out or filtered-out product stays out, and
            # "dark roast coffee beans" are words, not the name of one product
            loose = f.model_copy(update={"colors": [], "sizes": [], "options": {},
                                         "min_price": None, "max_price": None})  # fmt: skip
            vmask = self._variant_mask(idx, loose)
            if self._product_mask(idx, loose, vmask)[named]:
                others = [h for h in hits if h.product_id != int(idx.product_ids[named])]
                floor = loose.model_copy(update={"min_price": f.min_price})  # (as before)
                hit = self._hit(idx, named, self._variant_mask(idx, floor), 0.0, -1.0, 0.0, False,
                                words=qs.raw_words)  # fmt: skip
                hit = self._with_closest(idx, hit, f, qs.raw_words)  # (unmet: why)
                hits = [hit, *others][:limit]
        return SearchResult(
            query=query,
            hits=hits,
            relaxed=relaxed,
            filters=f,
            strategy=strategy,
            took_ms=round((time.perf_counter() - t0) * 1000, 3),
        )

    def _category_checked(
        self, idx: CatalogIndex, qs: _QueryState, f: SearchFilters, query: str
    ) -> SearchFilters:
        """Drop a category read from the words when both rankings agree on a product outside it.

        A kind word in a message is not always the ask: "moths ate my jumpers, anything to keep
        them away?" or "picked up a keg, now i need the gauge thingy". When the vector and the
        keyword ranking, each over every product the other filters allow, put the same product
        first and it is filed elsewhere, the two independent readings of the whole query
        outvote the one word.
        """
        if qs.vec is None or qs.kw is None or qs.best_kw <= 0 or not qs.full_exact:
            return f  # (above the exact-scoring size, no full ranking to agree on)
        kind = named_kind(query)
        said = set(tokenize(" ".join(kind)))
        if len(kind) <= KIND_NAMED_MAX and any(said & set(tokenize(c)) for c in f.categories):
            return f  # (the kind named as the ask: "cushions for a grey sofa, any in linen?")
        loose = f.model_copy(update={"categories": []})
        vmask = self._variant_mask(idx, f)  # (a category does not change the variants)
        allowed = self._product_mask(idx, loose, vmask)
        sims = np.where(allowed & idx.has_vector, qs.exact, -np.inf)
        kw = np.where(allowed, qs.kw, -np.inf)
        top = int(np.argmax(sims))
        if not np.isfinite(sims[top]) or top != int(np.argmax(kw)) or kw[top] <= 0:
            return f
        inside = self._product_mask(idx, f, vmask)
        if inside[top] or not inside.any():
            return f  # (nothing inside: the relaxation steps decide)
        return loose

    def _with_message(
        self, idx: CatalogIndex, qs: _QueryState, context: str, f: SearchFilters,
        hits: list[ProductHit], limit: int,
    ) -> list[ProductHit]:  # fmt: skip
        """The ask's hits fused with the whole message's own ranking (reciprocal rank).

        A need told in several sentences ("my son is 13 and starting piano lessons... can't
        fit a big cabinet piano. Budget is $700") is cut into asks whose words alone, and the
        filters read from them, miss what the message describes. The whole text is searched
        with the price limits only; a product both rankings hold leads, and a product only the
        message finds still gets its variant chosen by what was asked. The ask's own ranking
        counts most when it holds the message already, or names what it wants ("a foam
        roller? my legs are sore": the rollers, not joggers); an ask whose named values
        nothing has ("puppies for sale") stays without products.
        """
        said = set(tokenize(context))
        if len(said & qs.tokens) >= WHOLE_HELD * len(said) and hits:
            return hits  # (the ask is the message: its filters are what it says)
        asked = f.colors or f.sizes or f.options or f.categories or f.tags or f.brands
        if not hits and asked:
            return hits
        whole = f.model_copy(update={
            "colors": [], "sizes": [], "options": {}, "categories": [], "tags": [],
            "brands": [], "prefer": None, "prefer_option": "",
        })  # fmt: skip
        found, _ = self._search_once(
            idx, self._prepare(idx, context), whole, WHOLE_DEPTH, "relevance"
        )
        if not found:
            return hits
        named = bool(hits) and word_overlap(idx, qs.tokens, idx.pos[hits[0].product_id]) >= 3
        weight = WHOLE_WEIGHT[named]
        score: dict[int, float] = {}
        by_id: dict[int, ProductHit] = {}
        for w, ranking in ((1.0, hits), (weight, found)):
            for rank, h in enumerate(ranking[:WHOLE_DEPTH]):
                score[h.product_id] = score.get(h.product_id, 0.0) + w / (WHOLE_K + rank)
                by_id.setdefault(h.product_id, h)
        mine = {h.product_id for h in hits}
        order = sorted(score, key=lambda pid: -score[pid])  # (stable: the ask's own first)
        return [
            by_id[pid] if pid in mine else self._with_closest(idx, by_id[pid], f)
            for pid in order[:limit]
        ]

    def _on_topic_price(
        self, idx: CatalogIndex, qs: _QueryState, f: SearchFilters, limit: int, sort: Sort,
        hits: list[ProductHit],
    ) -> tuple[list[ProductHit], list[Relaxation]]:  # fmt: skip
        """Products of the kind asked for, over the price, rather than other kinds within it.

        "I have $1000 for a laptop": when no hit within the price names what the query names
        (a mouse and a tablet) but some product outside it does, those are shown, with the
        price said to be dropped.
        """
        if not qs.tokens or any(self._on_topic(idx, qs, h.product_id) for h in hits):
            return hits, []
        free = f.model_copy(update={"min_price": None, "max_price": None})
        wide, _ = self._search_once(idx, qs, free, limit, sort)
        wide = [h for h in wide if self._on_topic(idx, qs, h.product_id)]
        if not wide:
            return hits, []
        asked = " - ".join(f"{v:g}" for v in (f.min_price, f.max_price) if v is not None)
        return wide, [Relaxation(constraint="price", detail=f"dropped price: {asked}")]

    def _on_topic(self, idx: CatalogIndex, qs: _QueryState, product_id: int) -> bool:
        """Whether a product's name or category holds a word of the query."""
        return word_overlap(idx, qs.tokens, idx.pos[product_id]) > 0

    def _prepare(self, idx: CatalogIndex, query: str) -> _QueryState:
        """Everything about the query that filters do not change: computed once per search."""
        qs = _QueryState(exact=np.full(idx.size, np.nan, dtype=np.float32))
        if not query.strip() or idx.size == 0:
            return qs
        qs.vec = self.catalog.embedder.encode([query.strip()])[0]
        tokens = tokenize(query)
        qs.tokens = frozenset(tokens)  # (the customer's own words: what names a product)
        qs.raw_words = said_words(query)
        qs.names_kind = any(w not in GENERIC_HEADS for w in tokenize(" ".join(named_kind(query))))
        tokens += synonyms(
            idx, tokens, self.catalog.embedder
        )  # ... and the shop's word for one it lacks
        if tokens:
            qs.kw = np.asarray(idx.bm25.get_scores(tokens), dtype=np.float32)
            qs.best_kw = float(qs.kw.max())
        if idx.size <= self.exact_max_products:
            # A full matrix-vector product is exact and, at this size, ~10x cheaper than an
            # HNSW query (0.2 ms vs 2.5 ms at 10k products; see bench/results).
            qs.exact = idx.vectors @ qs.vec
            qs.exact[~idx.has_vector] = -1.0
            qs.full_exact = True
            qs.best_sim = float(qs.exact.max())
            return qs
        # One unfiltered ANN query serves every filter combination and relaxation step.
        got = self.catalog.vectors.query(
            idx.creator_id, qs.vec, min(idx.size, self.ann_candidates), count=idx.size
        )
        for cid, sim in got:
            i = idx.pos.get(int(cid))
            if i is not None:
                qs.ann_pos.append(i)
                qs.ann_sim.append(sim)
        qs.best_sim = max(qs.ann_sim, default=0.0)
        return qs

    def _search_once(
        self,
        idx: CatalogIndex,
        qs: _QueryState,
        f: SearchFilters,
        limit: int,
        sort: Sort,
    ) -> tuple[list[ProductHit], str]:
        if idx.size == 0:
            return [], "empty"
        vmask = self._variant_mask(idx, f)
        pmask = self._product_mask(idx, f, vmask)
        allowed = int(pmask.sum())
        if allowed == 0:
            return [], "filtered-out"
        sims = np.full(idx.size, -1.0, dtype=np.float32)
        kw = np.zeros(idx.size, dtype=np.float32)
        strategy = "browse"
        has_query = qs.vec is not None
        if has_query:
            strategy = self._vector_scores(idx, qs, pmask, allowed, limit, sims)
            if qs.kw is not None:
                kw = np.where(pmask, qs.kw, 0.0).astype(np.float32)
            # Relative gate: near the best match the whole catalog offers, so that filters
            # narrow the results instead of letting weak matches in. With no keyword evidence
            # anywhere in the catalog, semantics alone must be stronger.
            floor = self.min_similarity if qs.best_kw > 0 else self.min_similarity_no_keyword
            sim_floor = max(floor, qs.best_sim - self.sim_margin)
            kw_floor = max(1e-9, self.kw_relative * qs.best_kw)
            cand = pmask & ((kw >= kw_floor) | (sims >= sim_floor))
            if not cand.any() and (f.options or f.colors or f.sizes) and not qs.names_kind:
                # "a bday present for my sister, she's born in july": the value is the ask
                cand = pmask
        else:
            cand = pmask
        cand_idx = np.flatnonzero(cand)
        if f.require:
            # "which of those are vegan / have pockets / can go in the washing machine?": what
            # each product says of itself must answer yes (``tools.attributes.judge``). When
            # some products carry the words in their name, tags or options ("only the digital
            # ones"), those are the ones meant (a lens "for digital cameras" is not).
            vocab = self.vocabulary(idx.creator_id)
            strict = [int(i) for i in cand_idx if all(names_all(idx, int(i), p) for p in f.require)]
            kept = strict or [
                int(i) for i in cand_idx
                if all(has_phrase(idx, int(i), p, vocab) for p in f.require)
            ]  # fmt: skip
            if not kept and 1 < cand_idx.size <= NARROW_MAX:
                # none says it in the asked words: what the others deny, or what is near in
                # meaning ("the ones i can control from my phone": "app control")
                kept = [int(i) for i in cand_idx]
                for p in f.require:
                    kept = narrowed(idx, kept, p, vocab, self.catalog.embedder.encode)
            cand_idx = np.asarray(kept, dtype=np.int64)
        if sort != "relevance" and has_query and cand_idx.size:
            # the cheapest of what was asked for ("floor lamps"), not of its weak matches (a
            # desk lamp, cold brew for "coffee grinders"): the products whose name and category
            # hold the most words of the query
            overlap = np.array([word_overlap(idx, qs.tokens, int(i)) for i in cand_idx])
            if overlap.max() > 0:  # (a word in the name counts two, in the category one)
                cand_idx = cand_idx[overlap >= max(overlap.max() - 1, min(2, overlap.max()))]
        if cand_idx.size == 0:
            return [], strategy
        score = self._fuse(idx, cand_idx, sims, kw, vmask, f, has_query, qs.tokens)
        if sort == "relevance":
            order = cand_idx[np.argsort(-score, kind="stable")]
        else:
            # Cheapest/priciest among the relevant: price of the cheapest matching variant.
            best_all = np.full(idx.size, np.inf, dtype=np.float32)
            np.minimum.at(best_all, idx.v_pidx[vmask], idx.v_price[vmask])
            best = best_all[cand_idx]
            keep = score >= (score.max() * 0.35 if has_query else 0)
            cand_idx, best = cand_idx[keep], best[keep]
            order = cand_idx[np.argsort(best if sort == "price_asc" else -best, kind="stable")]
            score = score[keep]
        score_of = dict(zip(cand_idx.tolist(), score.tolist(), strict=True))
        hits = [
            self._hit(
                idx,
                int(i),
                vmask,
                score_of[int(i)],
                sims[i],
                kw[i],
                has_query,
                prefer=f,
                words=qs.raw_words,
            )  # fmt: skip
            for i in order[:limit]
        ]
        return hits, strategy

    def _vector_scores(
        self, idx: CatalogIndex, qs: _QueryState, pmask: np.ndarray, allowed: int, limit: int,
        sims: np.ndarray,
    ) -> str:  # fmt: skip
        """Fill ``sims`` for allowed products from the ANN hits or by exact scoring."""
        assert qs.vec is not None
        if qs.full_exact:
            sims[pmask] = qs.exact[pmask]
            return "exact"
        if allowed / idx.size > self.exact_fraction:
            pos = np.asarray(qs.ann_pos, dtype=np.int64)
            keep = pmask[pos]
            kept = int(keep.sum())
            if kept >= min(self.candidates, allowed) or kept >= limit * 4:
                sims[pos[keep]] = np.asarray(qs.ann_sim, dtype=np.float32)[keep]
                return "ann+postfilter"
        allowed_idx = np.flatnonzero(pmask)
        missing = allowed_idx[np.isnan(qs.exact[allowed_idx])]
        if missing.size:
            qs.exact[missing] = idx.vectors[missing] @ qs.vec
        sims[allowed_idx] = qs.exact[allowed_idx]
        sims[~idx.has_vector] = -1.0
        return "prefilter+exact"

    def _fuse(
        self,
        idx: CatalogIndex,
        cand_idx: np.ndarray,
        sims: np.ndarray,
        kw: np.ndarray,
        vmask: np.ndarray,
        f: SearchFilters,
        has_query: bool,
        tokens: frozenset[str] = frozenset(),
    ) -> np.ndarray:
        k = self.rrf_k
        if has_query:
            s = sims[cand_idx]
            rank_v = np.empty(len(cand_idx))
            rank_v[np.argsort(-s, kind="stable")] = np.arange(1, len(cand_idx) + 1)
            rrf = np.where(s > -1.0, 1.0 / (k + rank_v), 0.0)
            b = kw[cand_idx]
            rank_b = np.empty(len(cand_idx))
            rank_b[np.argsort(-b, kind="stable")] = np.arange(1, len(cand_idx) + 1)
            rrf = rrf + np.where(b > 0, 1.0 / (k + rank_b), 0.0)
        else:
            rrf = np.full(len(cand_idx), 1.0 / (k + 1))
        no_stock = f.model_copy(update={"in_stock_only": False})
        vmask_any = vmask if not f.in_stock_only else self._variant_mask(idx, no_stock)
        n_match = np.bincount(idx.v_pidx[vmask_any], minlength=idx.size)[cand_idx]
        n_ok = np.bincount(idx.v_pidx[vmask_any & idx.v_instock], minlength=idx.size)[cand_idx]
        avail = np.divide(n_ok, n_match, out=np.zeros(len(cand_idx)), where=n_match > 0)
        boost = 1.0 + 0.05 * idx.featured[cand_idx] + 0.10 * avail
        if tokens:
            # A query that names the product ("how much is the whey protein concentrate")
            # ranks it first; otherwise stock and featured flags can break the tie.
            named = [bool(idx.name_tokens[i]) and idx.name_tokens[i] <= tokens for i in cand_idx]
            boost += 0.20 * np.asarray(named, dtype=np.float32)
        fit = np.ones(len(cand_idx))
        if f.budget:
            price = idx.price_min[cand_idx]
            fit = np.clip(1.0 - (price - f.budget) / f.budget, 0.0, 1.0)
            boost += 0.10 * fit
        score = rrf * boost
        if has_query and len(cand_idx) > 1 and not (tokens and any(named)):
            # the product both rankings put first keeps first place: stock and featured
            # flags break ties, they do not overturn an agreement ("a horse that gets
            # nervous at shows": the calmer, not the in-stock treats ranked second by both)
            both = np.flatnonzero(
                (rank_v == 1) & (s > -1.0) & (rank_b == 1) & (b > 0) & (fit >= 1.0)
            )
            if both.size:
                score[both[0]] = score.max() * 1.0001
        return score

    def _hit(
        self, idx: CatalogIndex, i: int, vmask: np.ndarray, score: float, sim: float, kw: float,
        has_query: bool, max_variants: int = 6, prefer: SearchFilters | None = None,
        words: frozenset[str] = frozenset(),
    ) -> ProductHit:  # fmt: skip
        p = idx.products[i]
        start, end = int(idx.v_start[i]), int(idx.v_end[i])
        vs = [idx.variants[j] for j in range(start, end) if vmask[j]]
        # in stock first; then the variant whose values the customer's words name ("with the
        # felt on the bottom": Felt-Lined; "book 2"), then the cheapest
        if len(vs) > 1:  # (one variant has no order to find)
            said = _glosses(idx, i) if words else {}
            vs.sort(key=lambda v: (not v["in_stock"], -_named_values(v, words, said), v["price"]))
        if prefer is not None and prefer.prefer:  # "the big tub": by size, in stock first
            vs = sorted(by_size(vs, prefer.prefer, prefer.prefer_option),
                        key=lambda v: not v["in_stock"])  # fmt: skip
        return ProductHit(
            product_id=p["id"],
            name=p["name"],
            category=p["category"] or "",
            url=p["url"],
            image=p["main_image"],
            currency=p["currency"],
            price_min=float(p["price_min"] or 0.0),
            price_max=float(p["price_max"] or 0.0),
            tags=list(p["tags"] or []),
            short_description=p["short_description"] or "",
            score=round(float(score), 6),
            vector_score=round(float(sim), 4) if has_query and sim > -1 else None,
            keyword_score=round(float(kw), 4) if has_query else None,
            matching_variants=[variant_hit(v) for v in vs[:max_variants]],
            featured=bool(p["featured"]),
            attributes=dict(p["meta"] or {}),
            brand=p["brand"] or "",
        )

    def _relax(
        self, idx: CatalogIndex, qs: _QueryState, f: SearchFilters, limit: int, sort: Sort
    ) -> tuple[list[ProductHit], str, list[Relaxation]]:
        """Drop as little as needed to find anything.

        Out-of-stock variants that meet everything asked first (a sold-out shade is said, not
        swapped), then one variant constraint at a time, then all of them, required
        properties, price (widened, then dropped), category, brand, tags and stock, in order.
        """
        if f.in_stock_only and (f.colors or f.sizes or f.options):
            # "mocha 07 dewy?" when that one is sold out: say so rather than swap the shade
            hits, strategy = self._search_once(
                idx, qs, f.model_copy(update={"in_stock_only": False}), limit, sort
            )
            if hits:
                note = Relaxation(constraint="in_stock", detail="included out-of-stock items")
                return hits, strategy, [note]
        single = [
            (f.model_copy(update={"colors": []}), "color", f"dropped colour: {', '.join(f.colors)}")
        ] if f.colors else []  # fmt: skip
        if f.sizes:
            single.append((f.model_copy(update={"sizes": []}), "size",
                           f"dropped size: {', '.join(f.sizes)}"))  # fmt: skip
        for name, values in f.options.items():
            rest = {k: v for k, v in f.options.items() if k != name}
            single.append((f.model_copy(update={"options": rest}), "option",
                           f"dropped {name.split('|')[0]}: {'/'.join(values)}"))  # fmt: skip
        for candidate, constraint, detail in single if len(single) > 1 else []:
            hits, strategy = self._search_once(idx, qs, candidate, limit, sort)
            if hits:
                return hits, strategy, [Relaxation(constraint=constraint, detail=detail)]
        current, relaxed = f, []
        for step in relaxations(f):
            current, note = step(current)
            if note is None:
                continue
            relaxed.append(note)
            hits, strategy = self._search_once(idx, qs, current, limit, sort)
            if hits:
                return hits, strategy, relaxed
        return [], "filtered-out", []

    def _constraint_masks(
        self, idx: CatalogIndex, f: SearchFilters
    ) -> list[tuple[str, list[str], np.ndarray]]:
        """One variant mask per asked colour, size and option (what each variant satisfies)."""
        out = []
        if f.colors:
            only = SearchFilters(colors=f.colors, in_stock_only=False)
            out.append(("colour", f.colors, self._variant_mask(idx, only)))
        if f.sizes:
            only = SearchFilters(sizes=f.sizes, in_stock_only=False)
            out.append(("size", f.sizes, self._variant_mask(idx, only)))
        for name, values in f.options.items():
            out.append((name, values, self._option_mask(idx, name, values)))
        return out

    def _with_closest(
        self, idx: CatalogIndex, hit: ProductHit, f: SearchFilters,
        words: frozenset[str] = frozenset(),
    ) -> ProductHit:  # fmt: skip
        """Variants ranked by how many asked constraints they meet; unmet ones named.

        Among equals, in stock first, then what the customer's ``words`` name, then price.
        """
        i = idx.pos[hit.product_id]
        start, end = int(idx.v_start[i]), int(idx.v_end[i])
        masks = self._constraint_masks(idx, f)
        if not masks:
            return hit
        said = _glosses(idx, i) if words else {}
        rows = []
        for j in range(start, end):
            v = idx.variants[j]
            met = sum(bool(m[j]) for _, _, m in masks)
            dist = sum(distance(v["options"], name, vals) for name, vals, m in masks if not m[j])
            named = _named_values(v, words, said)
            rows.append((-met, dist, not v["in_stock"], -named, v["price"], j))
        rows.sort()
        if f.prefer:  # "the big one" among equally fitting variants
            fit = [r for r in rows if r[:2] == rows[0][:2]]
            order = by_size([idx.variants[r[-1]] for r in fit], f.prefer, f.prefer_option)
            rank = {id(v): n for n, v in enumerate(order)}
            rows = sorted(fit, key=lambda r: rank[id(idx.variants[r[-1]])]) + rows[len(fit) :]
        best = rows[0][-1]
        unmet = []
        for name, values, m in masks:
            if m[best]:
                continue
            offered = option_value(idx.variants[best]["options"], name)
            available = offered_values(idx, i, name)
            if offered is None and not available and name not in {"colour", "size"}:
                continue  # the product has no such option at all: nothing to say of it
            if name == "size":  # "XXL" as the shop writes it, not the canonical "2XL"
                values = [size_spelling(idx).get(v, v) for v in values]
            unmet.append({"option": name.split("|")[0], "asked": values,
                          "closest": offered, "available": available})  # fmt: skip
        variants = [variant_hit(idx.variants[r[-1]]) for r in rows[:6]]
        return hit.model_copy(update={"matching_variants": variants, "unmet": unmet})
