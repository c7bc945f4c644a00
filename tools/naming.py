"""Which product a query names by its own name ("the Alder sofa"), and how many of its words.

A product the query names leads the results (and shows past a price cap, with the conflict);
words of options and categories do not name a product.
"""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np

from prompts.lexicon import tokenize
from tools.attributes import forms_of, judge, mentions, own_words, product_text
from tools.catalog_index import NEGATIVE_TAG, CatalogIndex
from tools.search_schemas import SearchFilters
from tools.units import normalize
from tools.vocabulary import Vocabulary


def names_all(idx: CatalogIndex, i: int, phrase: str) -> bool:
    """Whether product ``i``'s name, tags or option values hold every word of ``phrase``."""
    if re.search(r"\bfree\b", phrase, re.I):
        return False
    own = set(idx.name_tokens[i]) | {t for t in idx.tag_sets[i] if not NEGATIVE_TAG.search(t)}
    start, end = int(idx.v_start[i]), int(idx.v_end[i])
    for v in idx.variants[start:end]:
        own |= {t for val in (v["options"] or {}).values() for t in tokenize(str(val))}
    for tag in idx.products[i]["tags"] or []:
        if not NEGATIVE_TAG.search(str(tag)):  # "mips: no" does not name mips
            own |= set(tokenize(str(tag)))
    words = tokenize(phrase)
    return bool(words) and all(w in own for w in words)


def has_phrase(idx: CatalogIndex, i: int, phrase: str, vocab: Vocabulary) -> bool:
    """Whether product ``i`` has what ``phrase`` asks for ("vegan", "pockets", "nut free").

    Options, facets, diets and words of its own text decide (``tools.attributes.judge``);
    for "X free" a product whose text never names X passes too.
    """
    full = [w for w in normalize(phrase).split() if len(w) > 2]
    words = [w[: max(4, len(w) - 3)] for w in full]
    free = re.search(r"\bfree\b", phrase, re.I)
    stems = [tuple(k[: max(4, len(k) - 3)] for k in forms_of(w)) for w in full]
    present = [any(t.startswith(s) for t in idx.text_tokens[i]) for s in stems]
    if free and not any(p for w, p in zip(words, present, strict=True) if w != "free"):
        return True  # "nut free": a product whose text never names nuts passes at once
    if words and not all(present) and not free:
        return False  # cheap pre-check: a word of the phrase is nowhere in its text
    start, end = int(idx.v_start[i]), int(idx.v_end[i])
    verdict = judge(idx.products[i], idx.variants[start:end], phrase, vocab)
    if verdict.answer == "yes":
        return True
    return verdict.answer == "unknown" and bool(re.search(r"\bfree\b", phrase, re.I))


# a list on screen, not the catalog: the product texts are read (meaning only for NARROW_NEAR)
NARROW_MAX = 40
NARROW_NEAR = 12


def narrowed(
    idx: CatalogIndex, cand: list[int], phrase: str, vocab: Vocabulary, embed: Any
) -> list[int]:
    """The products of a short list that have what ``phrase`` asks, though none has all its words.

    In order: a passage that says it with some of the asked words ("control from my phone":
    "app control"); what another product is said to lack ("which can i set the temperature
    on": one heater says "No dial, nothing to set", so the one with an "adjustable dial" has
    it; words of a denial that not every product shares); a passage near in meaning (MiniLM,
    a short list only); else what no product denies stays.
    """
    rows = {i: (idx.products[i], idx.variants[int(idx.v_start[i]) : int(idx.v_end[i])])
            for i in cand}  # fmt: skip
    verdicts = {i: judge(p, vs, phrase, vocab) for i, (p, vs) in rows.items()}
    if said := [i for i in cand if verdicts[i].answer == "yes"]:
        return said  # (some of the asked words: "app control" for "control from my phone")
    denied = [i for i in cand if verdicts[i].answer == "no"]
    open_ = [i for i in cand if verdicts[i].answer == "unknown"]
    if denied and open_:
        texts = {i: product_text(*rows[i]) for i in cand}
        asked = set(tokenize(phrase))
        lacks = {w for i in denied for w in tokenize(verdicts[i].evidence) if len(w) > 2}
        lacks -= asked | {w for i in denied for w in own_words(rows[i][0])}
        lacks = {w for w in lacks if not all(w in texts[i] for i in cand)}
        have = [i for i in open_ if any(mentions(texts[i], w) == "yes" for w in lacks)]
        if have:
            return have
    if embed is not None and len(cand) <= NARROW_NEAR:
        near = [i for i in open_ if judge(*rows[i], phrase, vocab, embed=embed).answer == "yes"]
        if near:
            return near
    return open_ if denied else []


def word_overlap(idx: CatalogIndex, tokens: frozenset[str], i: int) -> int:
    """Words of the query in a product's name (counted twice) and category.

    A query word that ends on a name word counts as it ("armchairs" for "Wren Velvet
    Accent Chair": English compounds end on their kind).
    """
    name = idx.name_tokens[i]
    cat = frozenset(tokenize(idx.products[i]["category"] or "")) - name
    in_name = {q for q in tokens if q in name
               or any(len(n) >= 4 and q.endswith(n) for n in name)}  # fmt: skip
    return 2 * len(in_name) + len((cat & tokens) - in_name)


COMMON_TEXT_SHARE = 0.25  # a word more listings than this use is the shop's everyday word


def common_in_text(idx: CatalogIndex, word: str) -> bool:
    """Whether more than a quarter of the shop's listings use ``word`` ("horse" in a saddlery).

    Such a word in only one product's name ("Apple & Molasses Horse Treats") does not name
    that product: "a horse that gets spooky at shows" asks about calmers.
    """
    cache: dict[str, bool] | None = getattr(idx, "_common_text", None)
    if cache is None:
        cache = {}
        idx._common_text = cache  # type: ignore[attr-defined]
    if word not in cache:
        forms = {word, f"{word}s", f"{word}es"}
        n = sum(1 for words in idx.text_tokens if forms & words)
        cache[word] = n > COMMON_TEXT_SHARE * idx.size
    return cache[word]


def named_product(idx: CatalogIndex, tokens: frozenset[str], f: SearchFilters) -> int | None:
    """The product a query names ("the chester sofa", "oak dining table"), if one stands out.

    Name words are weighed by how rare they are among the catalog's names (IDF): a product
    is named when the query holds more of its name's weight than a word shared by three
    names, and clearly more than any other product's.
    """
    # option values asked for may be name words too ("the oak dining table in 120cm")
    asked = {
        t for v in [*f.colors, *(x for vs in f.options.values() for x in vs)] for t in tokenize(v)
    } - set(tokens)
    if not (tokens or asked) or idx.size == 0:
        return None
    cached = getattr(idx, "_name_postings", None)
    if cached is None:  # built locally, published once (a concurrent first search is safe)
        built: dict[str, list[int]] = {}
        for i, toks in enumerate(idx.name_tokens):
            for t in toks:
                built.setdefault(t, []).append(i)
        n = idx.size
        weights = {t: math.log((n + 1) / (len(ps) + 0.5)) for t, ps in built.items()}
        cached = (built, weights)
        idx._name_postings = cached  # type: ignore[attr-defined]
        idx._name_idf = weights  # type: ignore[attr-defined]
    postings, idf = cached
    # (a filter value in a name counts half: "espresso" the grind barely names the House
    # Espresso Blend when "sumatra" names the Sumatra coffee); summed over each word's
    # names only, not over every product
    scores = np.zeros(idx.size, dtype=np.float32)
    for t in tokens | asked:
        if t in postings:
            scores[postings[t]] += idf[t] * (1.0 if t in tokens else 0.5)
    order = np.argsort(-scores)
    best = int(order[0])
    second = float(scores[order[1]]) if idx.size > 1 else 0.0
    rare = math.log((idx.size + 1) / 3.5)  # the weight of a word in three names
    top = float(scores[best])
    if top < max(rare, 1.4 * second) or top - second < rare / 2:
        return None
    if not idx.name_tokens[best] & tokens:
        return None  # only a filter value is in its name ("vegan" of "Vegan Fruit Gummies")
    return best


def proper_name(idx: CatalogIndex, i: int, tokens: frozenset[str], f: SearchFilters) -> bool:
    """Whether the query names product ``i`` itself, not only words of its kind.

    A word of its name no other name has ("sumatra", "chester"), or most of its name ("the
    oak dining table"), puts a product that fits none of the asked options before products
    that fit them all; "dark roast coffee beans" does not name the Sumatra Dark Roast
    ("roast" names an option, and "light" of "Ceiling Lights" a kind, not one product).
    """
    unique = math.log((idx.size + 1) / 1.5) - 1e-6
    idf = getattr(idx, "_name_idf", {})
    words = getattr(idx, "_option_and_kind_words", None)
    if words is None:
        options = {t for v in idx.variants for k in (v["options"] or {}) for t in tokenize(k)}
        kinds: set[str] = set()
        for p in idx.products:
            kinds |= set(tokenize((p["category"] or "").replace(">", " ")))
        words = (options, kinds)
        idx._option_and_kind_words = words  # type: ignore[attr-defined]
    options, kinds = words
    asked = {t for v in [*f.colors, *(x for vs in f.options.values() for x in vs)]
             for t in tokenize(v)}  # fmt: skip
    own = (idx.name_tokens[i] & (tokens | asked)) - options
    if any(
        idf.get(t, 0.0) >= unique and len(t) > 3 and not common_in_text(idx, t)
        for t in own - kinds - asked
    ):
        return True
    words = {t for t in idx.name_tokens[i] if t.isalpha() and len(t) > 2}  # not "12-pack"
    return len(own & words) > len(words) / 2
