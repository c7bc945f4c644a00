"""A creator's catalog as arrays for search: built from SQL and the vector mirror, read-only after.

Built once per catalog version (``HybridSearch.index``); filter masks over its variants are
cached on it, bounded (``remember_mask``).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import Any

import bm25s
import numpy as np
from sqlalchemy import select

from memory.catalog import Catalog
from memory.models import Product, Variant
from prompts.lexicon import color_family, is_color_option, is_size_option, normalize_size, tokenize
from tools.units import normalize


@dataclass
class CatalogIndex:
    """Everything search needs for one creator, as arrays (read-only once built)."""

    creator_id: str
    version: int
    product_ids: np.ndarray
    pos: dict[int, int]
    products: list[dict[str, Any]]
    vectors: np.ndarray
    has_vector: np.ndarray
    bm25: Any
    featured: np.ndarray
    price_min: np.ndarray
    cat_code: np.ndarray
    categories: list[str]
    cat_tokens: list[list[tuple[str, ...]]]
    tag_sets: list[frozenset[str]]
    name_tokens: list[frozenset[str]]
    product_color: np.ndarray
    v_start: np.ndarray
    v_end: np.ndarray
    v_pidx: np.ndarray
    v_price: np.ndarray
    v_instock: np.ndarray
    v_color_fam: np.ndarray
    v_color_raw: np.ndarray
    v_size: np.ndarray
    v_options: dict[str, np.ndarray]
    option_values: dict[str, list[tuple[str, ...]]]
    facets: list[dict[str, frozenset[tuple[str, ...]]]]
    product_colors: list[frozenset[str]]
    brand_keys: list[str]
    text_tokens: list[frozenset[str]]
    color_fams: list[str]
    color_raws: list[str]
    size_labels: list[str]
    variants: list[dict[str, Any]]
    build_seconds: float = 0.0
    _tag_masks: dict[Any, np.ndarray] = field(default_factory=dict)

    @property
    def size(self) -> int:
        """Number of active products."""
        return len(self.product_ids)


NEGATIVE_TAG = re.compile(r":?\s*\b(?:no|none|false|n/a)\s*$", re.I)


def value_codes(values: list[str | None], vocab: dict[str, int]) -> np.ndarray:
    """Each value's integer code in ``vocab`` (new values get the next code; None is -1)."""
    out = np.full(len(values), -1, dtype=np.int32)
    for i, v in enumerate(values):
        if v is not None:
            out[i] = vocab.setdefault(v, len(vocab))
    return out


def search_text(p: dict[str, Any], option_vals: list[str]) -> str:
    """The text BM25 scores a product by."""
    return " ".join(
        [
            p["name"],
            p["name"],  # the name counts double for keyword relevance
            p["short_description"] or "",
            (p["description"] or "")[:400],
            (p["category"] or "").replace(">", " "),
            " ".join(p["tags"] or []),
            p["brand"] or "",
            " ".join(option_vals),
        ]
    )


# An option whose values mostly name colours is a colour option, whatever the shop calls it
# ("Glaze": Sea Moss, Sand Dune, Chalk; "Leather": Honey, Black)
COLOUR_VALUE_SHARE = 0.6


def colour_options(variants: list[dict[str, Any]]) -> set[str]:
    """The option names of this catalog that hold colours (by name, or by their values)."""
    values: dict[str, set[str]] = {}
    for v in variants:
        for k, val in (v["options"] or {}).items():
            values.setdefault(k, set()).add(val)
    out = set()
    for k, vals in values.items():
        if is_color_option(k):
            out.add(k)
        elif (
            not is_size_option(k)
            and len(vals) >= 2
            and not any(c.isdigit() for x in vals for c in x)
        ):
            share = sum(color_family(x) is not None for x in vals) / len(vals)
            if share >= COLOUR_VALUE_SHARE:
                out.add(k)
    return out


def build_index(catalog: Catalog, creator_id: str) -> CatalogIndex:
    """Read a creator's active catalog (SQL) and vectors (Chroma) into a ``CatalogIndex``."""
    t0 = time.perf_counter()
    version = catalog.version(creator_id)
    P = Product
    with catalog.sessions() as s:
        prows = s.execute(
            select(
                P.id, P.name, P.short_description, P.description, P.category, P.tags, P.brand,
                P.url, P.main_image, P.currency, P.price_min, P.price_max, P.featured, P.meta,
            )
            .where(P.creator_id == creator_id, P.is_active.is_(True))
            .order_by(P.id)
        ).all()  # fmt: skip
        V = Variant
        vrows = s.execute(
            select(
                V.id, V.product_id, V.sku, V.name, V.options, V.price, V.compare_at_price,
                V.stock, V.available,
            )
            .join(P, P.id == V.product_id)
            .where(V.creator_id == creator_id, P.creator_id == creator_id, P.is_active.is_(True))
            .order_by(V.product_id, V.id)
        ).all()  # fmt: skip
    products = [r._asdict() for r in prows]
    n = len(products)
    product_ids = np.array([p["id"] for p in products], dtype=np.int64)
    pos = {int(pid): i for i, pid in enumerate(product_ids)}

    variants: list[dict[str, Any]] = []
    for r in vrows:
        d = r._asdict()
        if d["product_id"] in pos:
            d["options"] = {str(k): str(v) for k, v in (d["options"] or {}).items()}
            d["in_stock"] = bool(d["available"]) and (d["stock"] is None or d["stock"] > 0)
            variants.append(d)
    m = len(variants)
    v_pidx = np.array([pos[v["product_id"]] for v in variants], dtype=np.int32)
    v_start = np.searchsorted(v_pidx, np.arange(n), side="left").astype(np.int32)
    v_end = np.searchsorted(v_pidx, np.arange(n), side="right").astype(np.int32)

    fam_vocab: dict[str, int] = {}
    raw_vocab: dict[str, int] = {}
    size_vocab: dict[str, int] = {}
    colors_raw: list[str | None] = []
    colors_fam: list[str | None] = []
    sizes: list[str | None] = []
    other: dict[str, list[str | None]] = {}  # option name -> normalised value per variant
    per_product_opts: list[list[str]] = [[] for _ in range(n)]
    colourish = colour_options(variants)
    # ... and per product: a pen's "Finish" of Harbor Blue, Moss Green and Ember Red holds
    # colours even where the shop's other finishes ("Tidepool", "Amberglass") do not
    by_product: dict[int, list[dict[str, Any]]] = {}
    for j, v in enumerate(variants):
        by_product.setdefault(int(v_pidx[j]), []).append(v)
    own_colours = {i: colour_options(vs) for i, vs in by_product.items()}
    for j, v in enumerate(variants):
        c_raw = c_fam = sz = None
        mine = colourish | own_colours[int(v_pidx[j])]
        for k, val in v["options"].items():
            per_product_opts[v_pidx[j]].append(val)
            if k in mine:
                c_raw = val.lower()
                c_fam = color_family(val)
            elif is_size_option(k):
                sz = normalize_size(val)
            # every option, colour and size included, for filters on any option by name
            other.setdefault(k.lower(), [None] * m)[j] = normalize(val)
        colors_raw.append(c_raw)
        colors_fam.append(c_fam)
        sizes.append(sz)
    opt_vocabs: dict[str, dict[str, int]] = {}
    v_options = {}
    for k, vals in other.items():
        opt_vocabs[k] = {}
        v_options[k] = value_codes(vals, opt_vocabs[k])

    # Product-level facets ("color: pink", "plant type: Indoor") and colours: from the name
    # ("Black Yoga Mat") and from colour facets, for products whose variants have no colour.
    product_color = np.full(n, -1, dtype=np.int32)
    facets: list[dict[str, frozenset[tuple[str, ...]]]] = []
    product_colors: list[frozenset[str]] = []
    for i, p in enumerate(products):
        fam = None
        for w in tokenize(p["name"], drop_stopwords=False):
            fam = color_family(w) or fam
        if fam is not None:
            product_color[i] = fam_vocab.setdefault(fam, len(fam_vocab))
        own: dict[str, set[tuple[str, ...]]] = {}
        colours = {fam} if fam else set()
        for tag in p["tags"] or []:
            key, sep, val = str(tag).partition(":")
            if sep and key.strip() and val.strip():
                own.setdefault(key.strip().lower(), set()).add(tuple(normalize(val).split()))
                if is_color_option(key.strip()) and (f := color_family(val)):
                    colours.add(f)
        facets.append({k: frozenset(v) for k, v in own.items()})
        product_colors.append(frozenset(colours))

    cat_vocab: dict[str, int] = {}
    cat_code = value_codes([p["category"] or "" for p in products], cat_vocab)
    categories = list(cat_vocab)
    cat_tokens = [
        [tuple(tokenize(seg, drop_stopwords=False)) for seg in c.split(">") if seg.strip()]
        for c in categories
    ]
    tag_sets = [
        frozenset(" ".join(tokenize(t, drop_stopwords=False)) for t in (p["tags"] or []))
        for p in products
    ]

    corpus = [tokenize(search_text(p, per_product_opts[i])) or [""] for i, p in enumerate(products)]
    bm25 = bm25s.BM25()
    if n:
        bm25.index(corpus, show_progress=False)

    ids, mat = catalog.vectors.get_all(creator_id)
    vectors = np.zeros((n, mat.shape[1] if mat.size else 384), dtype=np.float32)
    has_vector = np.zeros(n, dtype=bool)
    for cid, row in zip(ids, mat, strict=True):
        at = pos.get(int(cid))
        if at is not None:
            vectors[at] = row
            has_vector[at] = True

    return CatalogIndex(
        creator_id=creator_id,
        version=version,
        product_ids=product_ids,
        pos=pos,
        products=products,
        vectors=vectors,
        has_vector=has_vector,
        bm25=bm25,
        featured=np.array([bool(p["featured"]) for p in products], dtype=bool),
        price_min=np.array([p["price_min"] or 0.0 for p in products], dtype=np.float32),
        cat_code=cat_code,
        categories=categories,
        cat_tokens=cat_tokens,
        tag_sets=tag_sets,
        name_tokens=[frozenset(tokenize(p["name"])) for p in products],
        product_color=product_color,
        v_start=v_start,
        v_end=v_end,
        v_pidx=v_pidx,
        v_price=np.array([v["price"] for v in variants], dtype=np.float32),
        v_instock=np.array([v["in_stock"] for v in variants], dtype=bool),
        v_color_fam=value_codes(colors_fam, fam_vocab),
        v_color_raw=value_codes(colors_raw, raw_vocab),
        v_size=value_codes(sizes, size_vocab),
        v_options=v_options,
        option_values={k: [tuple(v.split()) for v in voc] for k, voc in opt_vocabs.items()},
        facets=facets,
        product_colors=product_colors,
        brand_keys=[normalize(p["brand"] or "") for p in products],
        text_tokens=[
            frozenset(normalize(search_text(p, per_product_opts[i])).split())
            for i, p in enumerate(products)
        ],  # fmt: skip
        color_fams=list(fam_vocab),
        color_raws=list(raw_vocab),
        size_labels=list(size_vocab),
        variants=variants,
        build_seconds=time.perf_counter() - t0,
    )


def category_matches(wanted: str, segments: list[tuple[str, ...]]) -> bool:
    """Whether a category path has the asked category (one segment, or all of its words)."""
    toks = tuple(tokenize(wanted, drop_stopwords=False))
    if not toks:
        return True
    # (a part of a hyphened word is a word of the path only with its other parts: "pre workout"
    # is "Pre-Workout", "electric guitars" are no "Acoustic-Electric Guitars")
    flat: set[str] = set()
    for seg in segments:
        parts = {p for t in seg if "-" in t for p in t.split("-")}
        whole = {p for t in seg if "-" in t and all(x in toks for x in t.split("-"))
                 for p in t.split("-")}  # fmt: skip
        flat.update(t for t in seg if "-" in t or t not in parts or t in whole)
    return any(seg == toks for seg in segments) or all(t in flat for t in toks)


MASKS_MAX = 2048


def remember_mask(idx: CatalogIndex, key: Any, mask: np.ndarray) -> None:
    """Keep a filter mask for the next search; the oldest go first.

    The asked values come from customers, so the set of masks must not grow without bound.
    """
    idx._tag_masks[key] = mask
    while len(idx._tag_masks) > MASKS_MAX:
        idx._tag_masks.pop(next(iter(idx._tag_masks)))


def size_spelling(idx: CatalogIndex) -> dict[str, str]:
    """Canonical size label -> how this shop writes it ("2XL" -> "XXL"), cached per index."""
    out = getattr(idx, "_size_spelling", None)
    if out is None:
        out = {}
        for v in idx.variants:
            for k, val in (v["options"] or {}).items():
                if is_size_option(k):
                    out.setdefault(normalize_size(str(val)), str(val))
        idx._size_spelling = out  # type: ignore[attr-defined]
    return out
