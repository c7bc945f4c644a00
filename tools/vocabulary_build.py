"""Building each creator's vocabulary from the catalog rows, cached per catalog version.

SQL rows alone (no search index): a catalog write moves the version and the next message
rebuilds it in well under a second at 10k products (``make bench``).
"""

from __future__ import annotations

import re
import threading
import time
from collections import Counter, defaultdict
from functools import lru_cache
from typing import Any

from sqlalchemy import select

from memory.catalog import Catalog
from memory.models import Product, Variant
from prompts.lexicon import (
    color_family,
    is_color_option,
    is_size_option,
    lexicon,
    normalize_size,
)
from prompts.phrasing import STATED_COMPOUND
from tools.catalog_index import colour_options
from tools.units import (
    canonical_number,
    guide,
    magnitude,
    normalize,
    quantity,
    ranges,
    tokens,
    unit_table,
)
from tools.vocabulary import FACET, Kind, Term, Vocabulary, english_words


def _tag_parts(tag: str) -> tuple[str, str] | None:
    m = FACET.match(tag)
    return (m.group(1).strip().lower(), m.group(2).strip()) if m else None


def build(
    creator_id: str,
    version: int,
    products: list[dict[str, Any]],
    variant_options: list[tuple[int, dict[str, Any]]],
) -> Vocabulary:
    """The vocabulary of product rows (id, category, tags, brand, description) and options."""
    t0 = time.perf_counter()
    voc = Vocabulary(creator_id, version)
    # an option whose values are mostly colours is one, whatever the shop calls it
    colourish = {
        n.strip().lower() for n in colour_options([{"options": o} for _, o in variant_options])
    }

    def colour_opt(name: str) -> bool:
        return name in colourish or is_color_option(name)

    per_option: dict[str, Counter[str]] = defaultdict(Counter)
    seen: set[tuple[int, str, str]] = set()
    for pid, opts in variant_options:
        for name, value in (opts or {}).items():
            name, value = str(name).strip().lower(), str(value).strip()
            if value and (pid, name, value.lower()) not in seen:
                seen.add((pid, name, value.lower()))
                per_option[name][value] += 1
    facets: dict[str, Counter[str]] = defaultdict(Counter)
    plain: Counter[str] = Counter()
    categories: Counter[str] = Counter()
    paths: Counter[str] = Counter()
    brands: Counter[str] = Counter()
    for p in products:
        for tag in p.get("tags") or []:
            parts = _tag_parts(str(tag))
            if parts:
                facets[parts[0]][parts[1]] += 1
            elif str(tag).strip():
                plain[str(tag).strip()] += 1
        if p.get("category"):
            paths[str(p["category"]).strip()] += 1
            for seg in str(p["category"]).split(">"):
                if seg.strip():
                    categories[seg.strip()] += 1
        if p.get("brand"):
            brands[str(p["brand"]).strip()] += 1
    voc.options = {k: [v for v, _ in c.most_common()] for k, c in per_option.items()}
    voc.facets = {k: [v for v, _ in c.most_common()] for k, c in facets.items()}
    voc.tags = [t for t, _ in plain.most_common()]
    voc.categories = [c for c, _ in categories.most_common()]
    voc.brands = [b for b, _ in brands.most_common()]

    # Digit-bearing tokens of multi-word values that one option alone uses ("240gb" of
    # "240GB SSD", "r7" of "R7-2700"): a partial alias.
    token_options: dict[str, set[tuple[str, str]]] = defaultdict(set)
    # Words and phrases inside values that several values share ("gold" of "14k Gold Vermeil"
    # and "9ct Yellow Gold", "rose gold" of "9ct Rose Gold"): asked alone, any of them.
    partials: dict[tuple[str, ...], set[str]] = defaultdict(set)
    units: dict[str, set[str]] = defaultdict(set)
    sizes = set(lexicon()["sizes"])
    # An option holds sizes when most of its values are sizes ("Medium" of a band's weight
    # is not a size M).
    name_words = {t.norm for p in products for t in tokens(str(p.get("name") or ""))}
    size_like = {
        name: is_size_option(name) or sum(normalize_size(v) in sizes for v in counts) >= 2
        for name, counts in per_option.items()
    }
    for name, counts in per_option.items():
        color = colour_opt(name)
        voc.add(tuple(normalize(name).split()), Term("option_name", name, (name,)))
        for value, n in counts.items():
            key = tuple(normalize(value).split())
            voc.add(key, Term("option", value, (name,), products=n))
            for pos, tok in enumerate(key):
                counted = pos > 0 and key[pos - 1][:1].isdigit()  # "30 servings", "2 pack"
                if any(ch.isdigit() for ch in tok) or (
                    len(key) > 1
                    and len(tok) > 3
                    and tok not in name_words
                    and not counted
                    # ("fish" of the colour "Flying Fish" is a word; "pink" of "Ballet Pink" a
                    # colour)
                    and (not color or color_family(tok) is not None)
                ):
                    # "240gb" of "240GB SSD", "rechargeable" of "USB-C rechargeable" (not
                    # "bean" of "whole bean": the beans are what the shop sells)
                    token_options[tok].add((name, value))
                if (q := quantity(tok)) is not None:
                    units[q[1]].add(name)
                    if size_like[name] and len(key) == 1:
                        # "the road bike in a 56": a frame size of 56cm
                        voc.add(
                            (canonical_number(str(q[0])),),
                            Term("option", value, (name,), weak=True),
                        )
                if m := re.fullmatch(r"(\d+(?:\.\d+)?x\d+(?:\.\d+)?)[a-z]+", tok):
                    # "a rug 200 x 300": dimensions need no unit to be recognised
                    voc.add((m.group(1),), Term("option", value, (name,), weak=True))
                    units["x"].add(name)
            if len(key) > 1 and not color and not size_like[name]:
                for sub in _inner_phrases(key, name_words):
                    partials[sub].add(name)
            if color and (fam := color_family(value)):
                voc.color_families.add(fam)
            if size_like[name] and normalize_size(value) in sizes:
                # "medium" for M, "extra large" for XL: only the sizes this shop sells
                for syn, canon in _size_synonyms().items():
                    if canon == normalize_size(value):
                        voc.add(
                            tuple(normalize(syn).split()),
                            Term("option", value, (name,), products=n),
                        )
            if len(key) == 2 and key[0] == "size" and key[1][0].isdigit():
                voc.add((key[1],), Term("option", value, (name,), weak=True, products=n))
            if (head := re.match(r"^\s*([^:]{2,30}?)\s*:\s*\S", value)) and 1 < len(
                lead := tuple(normalize(head.group(1)).split())
            ) <= 3:  # "Book 2: Trouble at the Billabong" is "book 2"
                voc.add(lead, Term("option", value, (name,), weak=True, products=n))
            label = re.match(r"^\s*([A-Za-z0-9]{1,4})\s*[(/-]", value)
            if len(key) > 1 and label and normalize_size(label.group(1)) in sizes:
                # "M (54-58 cm)": the size label alone names it
                for alias in {label.group(1).lower(), *(
                        syn for syn, canon in _size_synonyms().items()
                        if canon == normalize_size(label.group(1)))}:  # fmt: skip
                    voc.add(tuple(normalize(alias).split()),
                            Term("option", value, (name,), weak=True, products=n))  # fmt: skip
    for name, counts in per_option.items():
        for value in counts:
            key = tuple(normalize(value).split())
            if len(key) == 1 and key[0].isalpha() and len(key[0]) > 2 and not colour_opt(name):
                for form in _comparatives(key[0]):
                    # "the wider fit" where a width is "Wide", "a darker roast" of "Dark"
                    # (not "Tanner" of a product's name)
                    if (form,) not in voc.index and form not in name_words:
                        voc.add((form,), Term("option", value, (name,), weak=True))
    for tok, owners in token_options.items():
        names = {n for n, _ in owners}
        values = {v for _, v in owners}
        if len(names) == 1 and len(values) == 1:
            (name,), (value,) = names, values
            if (tok,) not in voc.index:
                voc.add((tok,), Term("option", value, (name,), weak=True))
    for sub, option_names in partials.items():
        have = [t for t in voc.index.get(sub, []) if t.kind == "option"]
        if all(tuple(normalize(t.value).split()) == sub for t in have):  # (else: its own rule)
            voc.add(sub, Term("option", " ".join(sub), tuple(sorted(option_names)), weak=True))
    for abbr, targets in unit_table()[1].items():
        for tok in targets:
            for term in voc.index.get((tok,), []):
                voc.add(tuple(normalize(abbr).split()), Term(term.kind, term.value, term.names,
                                                             weak=True))  # fmt: skip
    voc.unit_options = {u: sorted(ns) for u, ns in units.items()}
    by_base: dict[str, set[str]] = defaultdict(set)
    for name, counts in per_option.items():
        for value in counts:
            for _lo, _hi, unit in ranges(normalize(value)):
                if base := magnitude(f"1{unit}"):
                    by_base[base[1]].add(name)
    voc.range_options = {b: sorted(ns) for b, ns in by_base.items()}
    # options whose values a listing's size guide gives ranges ("S/M chest 80-100cm")
    values_of: dict[Any, dict[str, str]] = defaultdict(dict)
    for pid, opts in variant_options:
        for name, value in (opts or {}).items():
            values_of[pid][str(value).strip()] = str(name).strip().lower()
    guided: dict[str, set[str]] = defaultdict(set)
    for p in products:
        if values_of.get(p.get("id")):
            for value, spans in guide(str(p.get("description") or ""), values_of[p["id"]]).items():
                for _lo, _hi, unit in spans:
                    if base := magnitude(f"1{unit}"):
                        guided[base[1]].add(values_of[p["id"]][value])
    voc.guided_options = {b: sorted(ns) for b, ns in guided.items()}
    voc.size_options = {name for name, like in size_like.items() if like}
    words: set[str] = set()
    voc.name_words = name_words
    voc.product_names = {
        key: str(p.get("category") or "")
        for p in products
        if len(key := tuple(normalize(str(p.get("name") or "")).split())) > 1
    }
    # The first two words of a longer name name that product too when no other name starts
    # with them ("the trail claw tyre" is the Trail Claw MTB Tyre: its "Trail" is no casing);
    # read only where a name's words are kept from being option values
    starts: dict[tuple[str, ...], list[str]] = {}
    for key, category in voc.product_names.items():
        if len(key) > 2:
            starts.setdefault(key[:2], []).append(category)
    voc.name_starts = {
        head: cats[0]
        for head, cats in starts.items()
        if len(cats) == 1 and head not in voc.product_names
    }
    for p in products:
        own = " ".join(str(x) for x in [p.get("name"), p.get("category"), p.get("brand"),
                                         *(p.get("tags") or [])] if x)  # fmt: skip
        words |= set(re.findall(r"[a-z]{5,}", own.lower()))
    for vals in [*voc.options.values(), *voc.facets.values()]:
        for val in vals:
            words |= set(re.findall(r"[a-z]{5,}", val.lower()))
    voc.spelling = sorted(words)
    voc._spelling_set = frozenset(words)
    short: set[str] = set()  # (three letters or more: "tyre")
    for p in products:
        short |= set(re.findall(r"[a-z]{3,}", " ".join(
            str(x) for x in [p.get("name"), p.get("category"), *(p.get("tags") or [])] if x
        ).lower()))  # fmt: skip
    for vals in [*voc.options.values(), *voc.facets.values()]:
        for val in vals:
            short |= set(re.findall(r"[a-z]{3,}", val.lower()))
    voc.own_words = frozenset(short)
    # Phrases of the shop's own with "and" in them: a split there would cut a name in two.
    joined = [*voc.categories, *voc.brands, *(p.get("name") or "" for p in products),
              *(v for vs in [*voc.options.values(), *voc.facets.values()] for v in vs)]  # fmt: skip
    voc.and_phrases = frozenset(
        phrase for x in joined if " and " in f" {(phrase := normalize(str(x)))} "
    )
    voc.stated = frozenset(
        normalize(m.group(0))
        for p in products
        for m in STATED_COMPOUND.finditer(
            " ".join(str(x) for x in [p.get("description"), *(p.get("tags") or [])] if x)
        )
    )
    for key_name, counts in facets.items():
        color = is_color_option(key_name)
        voc.add(tuple(normalize(key_name).split()), Term("option_name", key_name, (key_name,)))
        for value, n in counts.items():
            kind: Kind = "facet"
            if color and (fam := color_family(value)):
                voc.color_families.add(fam)
            voc.add(tuple(normalize(value).split()), Term(kind, value, (key_name,), products=n))
    for tag, n in plain.items():
        voc.add(tuple(normalize(tag).split()), Term("tag", tag, (), products=n))
    for cat, n in categories.items():
        voc.add(tuple(normalize(cat).split()), Term("category", cat, (), products=n))
    for path, n in paths.items():
        # "men's shirts" is the path "Men > Shirts" (not "Women > Shirts & Blouses"): a parent
        # and its leaf said together name the path
        segs = [x.strip() for x in path.split(">") if x.strip()]
        for parent in segs[:-1]:
            key = tuple(normalize(f"{parent} {segs[-1]}").split())
            if key not in voc.index:
                voc.add(key, Term("category", path, (), products=n))
    for brand, n in brands.items():
        voc.add(tuple(normalize(brand).split()), Term("brand", brand, (), products=n))
    # Colour words, when the shop describes colours at all: "navy" meets "Blue" by family, and
    # a colour it does not sell is still asked for ("red" -> reported as unmet). Only where the
    # word reads as a colour (``_colour_context``): "rose" in a gift request is no colour.
    for word, fam in _color_words().items():
        if voc.color_families:  # the shop describes colours at all
            key = tuple(normalize(word).split())
            if not any(
                t.kind in {"option", "facet"}
                and (not t.weak or (all(colour_opt(n) for n in t.names) and word != fam)
                     or fam not in voc.color_families)
                for t in voc.index.get(key, [])
            ):  # fmt: skip
                # ("green" of a "Green Tea" scent is still a colour where some colour is green;
                # "navy" of "Navy Stripe" is that; "brown" of "Dark Brown" is any brown:
                # Chestnut too; "white" where no colour is white and a piano's finish is
                # "Satin White" is that finish)
                voc.add(key, Term("color", word, ()))
    voc.build_seconds = time.perf_counter() - t0
    return voc


def _comparatives(word: str) -> list[str]:
    """Comparative, superlative and adjective forms of a value ("wide" -> wider, widest).

    "gloss" -> glossy; none that is a word of its own ("matte" -> no "matter").
    """
    y_form = word[:-1] + "y" if word.endswith("e") else word + "y"
    adjective = [y_form] if not word.endswith("y") and y_form in english_words() else []
    if word.endswith("e"):
        base = word[:-1]
    elif word.endswith("y") and len(word) > 3:
        base = word[:-1] + "i"
    elif re.search(r"[^aeiou][aeiou][bdgmnpt]$", word) and len(word) <= 4:
        base = word + word[-1]  # slim -> slimmer, big -> bigger, thin -> thinner
    else:
        base = word
    return [f for f in (base + "er", base + "est") if f not in _not_comparatives()] + adjective


@lru_cache(maxsize=1)
def _not_comparatives() -> frozenset[str]:
    return frozenset(lexicon()["not_comparatives"])


def _inner_phrases(key: tuple[str, ...], name_words: set[str]) -> list[tuple[str, ...]]:
    """The shorter phrases of a multi-word value a customer may say alone.

    Runs of two words or more ("rose gold" of "9ct rose gold"), and single words of four
    letters or more (or a short code: "xt" of "Shimano XT 1x12") that no product name uses
    ("gold", not "bean" of "whole bean" in a coffee shop). Numbers and counted words ("30
    servings") are left to their own rules.
    """
    out = []
    n = len(key)
    for size in range(n - 1, 0, -1):
        for i in range(n - size + 1):
            sub = key[i : i + size]
            words = [w for w in sub if w.isalpha()]
            if len(words) != size or i > 0 and key[i - 1][:1].isdigit() and size == 1:
                continue
            if size == 1 and (
                (len(sub[0]) <= 3 and not _code(sub[0]))
                or sub[0] in name_words or sub[0] in _STOPWORDS
            ):  # fmt: skip
                continue
            if size > 1 and sum(w not in _STOPWORDS for w in sub) < 2:
                continue
            out.append(sub)
    return out


_STOPWORDS = frozenset(lexicon()["stopwords"])


def _code(word: str) -> bool:
    """A short model code no English word or size spells ("xt" of "Shimano XT 1x12")."""
    return len(word) >= 2 and word not in english_words() and word not in _size_synonyms()


@lru_cache(maxsize=1)
def _size_synonyms() -> dict[str, str]:
    return {syn: canon for canon, syns in lexicon()["sizes"].items() for syn in syns}


@lru_cache(maxsize=1)
def _color_words() -> dict[str, str]:
    return {w: fam for fam, words in lexicon()["color_families"].items() for w in words}


def build_vocabulary(catalog: Catalog, creator_id: str) -> Vocabulary:
    """Read the active catalog's names, tags and options from SQL and build the vocabulary."""
    version = catalog.version(creator_id)
    P, V = Product, Variant
    with catalog.sessions() as s:
        prows = s.execute(
            select(P.id, P.name, P.category, P.tags, P.brand, P.description).where(
                P.creator_id == creator_id, P.is_active.is_(True)
            )
        ).all()
        vrows = s.execute(
            select(V.product_id, V.options)
            .join(P, P.id == V.product_id)
            .where(V.creator_id == creator_id, P.creator_id == creator_id, P.is_active.is_(True))
        ).all()
    voc = build(creator_id, version, [r._asdict() for r in prows], [(r[0], r[1]) for r in vrows])
    voc.embedder = catalog.embedder
    return voc


class Vocabularies:
    """Per-creator vocabularies, rebuilt (from SQL only) when the catalog version moves."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self._cache: dict[str, Vocabulary] = {}
        self._lock = threading.Lock()

    def get(self, creator_id: str) -> Vocabulary:
        """The creator's vocabulary at the current catalog version."""
        version = self.catalog.version(creator_id)
        voc = self._cache.get(creator_id)
        if voc is not None and voc.version == version:
            return voc
        with self._lock:
            voc = self._cache.get(creator_id)
            if voc is None or voc.version != version:
                voc = build_vocabulary(self.catalog, creator_id)
                self._cache[creator_id] = voc
        return voc
