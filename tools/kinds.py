"""Which kind of product a query asks for, and whether this shop sells it at all.

Read from the shop's own words and MiniLM neighbours of its product names and categories, so a
shop that sells sofas hears "couch", and a home-decor shop says honestly that it has no washing
machines. Thresholds are measured on the scenario dev batches (see the comments).
"""

from __future__ import annotations

import re
import threading
from typing import Any

import numpy as np

from prompts.lexicon import people_words, tokenize
from prompts.phrasing import KIND_ENDS, KIND_LEAD, OCCASIONS
from tools.catalog_index import CatalogIndex
from tools.units import normalize, quantity

# Words that name no kind of product ("something for my mum", "a gift").
GENERIC_HEADS = frozenset(
    "something smth anything stuff thing things gift gifts present idea ideas option options one"
    " ones product products item items recommendation recommendations suggestion need want"
    " help kind type sort range guy guys sell hi hey hiya gadget gadgets gizmo gizmos thingy"
    " thingies thingamajig doohickey".split()
)


# A query with no word of the shop's own this close in meaning to a product name or category
# still names a kind the shop sells (chosen on the scenario dev batches: "couches" ~ Sofas 0.85;
# unsold kinds reach 0.49, "fresh meat like chicken breasts or steak" in a pantry shop).
KIND_SIMILARITY = 0.55


KIND_NAMES_MAX = 5_000


# one word against product names and categories ("couch"/"sofa" 0.86, "hoodie"/"Sweatshirts"
# 0.68, "tee"/"T-Shirts" 0.51; unsold kinds: "watch"/"flask" 0.21, "helmets"/"Road Bike" 0.24)
KIND_WORD_SIMILARITY = 0.5


# words that describe rather than name a kind: never taken as the kind asked for
NOT_KINDS = frozenset(
    "new good nice big small cheap best little great decent proper cool cute lovely quick"
    " light lightweight heavy warm cold waterproof please pls thanks thank".split()
)


# product texts sit lower than names for the same query (about 0.1 on the dev batches)
KIND_TEXT_MARGIN = 0.1


# a query word no product text has, this close to the head word of a product name or a
# category word (and clearly closer than to any other), searches as that word too ("couch" ->
# "sofa" 0.86; not "clothing" -> "wardrobe" 0.77, "beanie" -> "bean" 0.79, "evening" -> "night"
# 0.81)
SYNONYM_SIMILARITY = 0.83


SYNONYM_MARGIN = 0.05


KIND_WORDS_MAX = 8  # a kind is named in a few words ("a washing machine 9kg")


def unsold_kind(
    idx: CatalogIndex, query: str, vec: np.ndarray | None, best_sim: float, embedder: Any,
    lock: threading.Lock,
) -> str | None:  # fmt: skip
    """The query, when it asks for a kind of product this shop does not sell at all.

    Conservative on purpose (a wrong "we don't have it" loses a sale): no word of the
    query may be a word of a product name, category, tag or option of the shop, and the
    query must also be far in meaning from every product name and category ("couches" is
    near Sofas, 0.85; "a washing machine 9kg" is near nothing in a home-decor shop, 0.28).
    """
    said = [w for w in tokenize(query) if w not in GENERIC_HEADS and not w.isdigit()]
    if not said or idx.size == 0 or len(said) > KIND_WORDS_MAX:
        return None  # (a need told at length names no kind: "everything goes in his mouth...")
    words = [w for w in tokenize(" ".join(named_kind(query))) if w not in GENERIC_HEADS]
    if not words:
        return None  # (a need or a situation, no kind named: "what would work?")
    known = getattr(idx, "_kind_words", None)
    if known is None:
        known = set()
        for i, p in enumerate(idx.products):
            known |= idx.name_tokens[i] | idx.tag_sets[i]
            known |= set(tokenize(f"{(p['category'] or '').replace('>', ' ')} {p['brand'] or ''}"))
            for tag in p["tags"] or []:
                known |= set(tokenize(str(tag).replace(":", " ")))
        for v in idx.variants:
            for k, val in (v["options"] or {}).items():
                known |= set(tokenize(f"{k} {val}"))
        idx._kind_words = known  # type: ignore[attr-defined]
    if any(w in known or any(p in known for p in w.split("-")) for w in said):
        return None
    # meaning: the query against product names and category names, embedded once per
    # index under its lock (above KIND_NAMES_MAX products, categories only: names would
    # cost seconds; the products' own vectors, already scored, stand in for them)
    kinds = kind_vectors(idx, embedder, lock)
    if vec is None:
        return None
    best = float((kinds @ vec).max()) if kinds is not None else 0.0
    if idx.size > KIND_NAMES_MAX:
        best = max(best, best_sim + KIND_TEXT_MARGIN)
    return None if best >= KIND_SIMILARITY else query.strip()


# (not "like": "something like a breville" names its kind by an example)
_NP_END = re.compile(r"\b(?:for|to|with|that|which|under|in|at|from|on|of|so)\b")


def named_kind(query: str) -> list[str]:
    """The words of the kind a query names, if it names one ("do u guys sell nail polish").

    The noun phrase after the ask, up to a preposition, pronoun or auxiliary: what follows
    is a situation or a need ("id rather get something that eats it", "what would work",
    "need a bday present for him"), which names no kind the shop could lack.
    """
    chunk = _NP_END.split(KIND_LEAD.sub("", query.lower()), maxsplit=1)[0]
    words: list[str] = []
    for w in re.findall(r"[a-z0-9][a-z0-9'-]*", chunk):
        if w in KIND_ENDS:
            break
        if w not in OCCASIONS:
            words.append(w)
    return words


def kind_vectors(idx: CatalogIndex, embedder: Any, lock: threading.Lock) -> np.ndarray | None:
    """Product names and category names, embedded once per index under its lock.

    Above KIND_NAMES_MAX products, categories only: names would cost seconds.
    """
    kinds = getattr(idx, "_kind_vectors", None)
    if kinds is None:
        with lock:
            labels = {(p["category"] or "").split(">")[-1].strip() for p in idx.products}
            if idx.size <= KIND_NAMES_MAX:
                labels |= {p["name"] for p in idx.products}
            labels.discard("")
            kinds = embedder.encode(sorted(labels)) if labels else None
            idx._kind_vectors = kinds  # type: ignore[attr-defined]
    return kinds


_SUBJECTS = frozenset({"i", "you", "u", "he", "she", "we", "they", "it", "hes", "shes", "im"})


# "looking for X", "searching for X": the kind comes after the "for"
_LOOKING = re.compile(
    r"^\W*(?:i'?m |i am |we'?re |just )?(?:looking|searching|hunting|shopping)\s+for\b", re.I
)


def kind_chunk(query: str) -> list[str]:
    """The words of the query's first noun phrase ("folding camp chairs for festivals")."""
    query = _LOOKING.sub("", query)
    chunk = re.split(r"\b(?:for|to|with|that|which|like|under|in|at|from|on|of|so)\b", query)[0]
    return re.findall(r"[a-z][a-z'-]*", chunk.lower())


def missing_kind(
    idx: CatalogIndex, query: str, vec: np.ndarray | None, embedder: Any, lock: threading.Lock
) -> str | None:
    """The kind the query asks for, when no product of the shop is called that.

    The kind is the last word of the query's first noun phrase ("folding camp chairs for
    festivals" -> chairs; English compounds end on their kind). It is missing when no
    product's name, tags, options, category or description has the word and it is far in
    meaning from every product name and category (single words sit lower than phrases:
    "couch"/"sofa" 0.86, "chairs"/"lantern" 0.27).
    """
    if not any(w not in GENERIC_HEADS for w in tokenize(" ".join(named_kind(query)))):
        return None  # a situation names no kind: "my niece was born in october"
    words = kind_chunk(query)
    # a word right after a subject pronoun is its verb, no kind ("she wants a ...")
    words = [w for n, w in enumerate(words)
             if w not in _SUBJECTS and not (n and words[n - 1] in _SUBJECTS)]  # fmt: skip
    # (a unit is no kind: "the 32 inch one")
    people = people_words()  # ("life jacket for my son": a jacket, not a son)
    keep = [w for w in words if w not in GENERIC_HEADS and w not in NOT_KINDS and w not in people
            and tokenize(w) and len(w) > 2 and quantity(f"1 {w}") is None]  # fmt: skip
    if not keep or vec is None or idx.size == 0:
        return None
    head = keep[-1]
    known = all_words(idx)
    if normalize(head) in known or any(normalize(w) in known for w in head.split("-")):
        return None
    kinds = kind_vectors(idx, embedder, lock)
    if kinds is None:
        return None
    near = float((kinds @ embedder.encode([head])[0]).max())
    if near >= KIND_WORD_SIMILARITY:
        return None
    return " ".join(keep[keep.index(head) - min(2, len(keep) - 1) :]) if len(keep) > 1 else head


def synonyms(idx: CatalogIndex, tokens: list[str], embedder: Any) -> list[str]:
    """The shop's own kind words for query words no product text has ("couch" -> "sofa").

    Kind words are the last word of each product name and the words of the categories,
    embedded once per index (a few hundred words even at 10k products).
    """
    known = all_words(idx)
    unknown = [
        t for t in dict.fromkeys(tokens) if t.isalpha() and len(t) > 3
        and t not in known and t not in GENERIC_HEADS and t not in NOT_KINDS
    ]  # fmt: skip
    if not unknown:
        return []
    heads: tuple[list[str], Any, dict[str, str]] | None = getattr(idx, "_head_words", None)
    if heads is None:
        words = {toks[-1] for toks in (tokenize(p["name"] or "") for p in idx.products) if toks}
        for p in idx.products:
            words |= set(tokenize((p["category"] or "").replace(">", " ")))
        vocab = sorted(w for w in words if w.isalpha() and len(w) > 2)
        vecs = embedder.encode(vocab) if vocab else None
        answers: dict[str, str] = {}  # each asked word's synonym ("" for none)
        heads = (vocab, vecs, answers)
        idx._head_words = heads  # type: ignore[attr-defined]
    vocab, vecs, seen = heads
    if vecs is None or len(vocab) < 1:
        return []
    todo = [w for w in unknown if w not in seen]
    if todo:
        for w, row in zip(todo, embedder.encode(todo) @ np.asarray(vecs).T,
                          strict=True):  # fmt: skip
            top = np.sort(row)[::-1]
            runner_up = float(top[1]) if len(top) > 1 else -1.0
            ok = float(top[0]) >= SYNONYM_SIMILARITY and top[0] - runner_up >= SYNONYM_MARGIN
            seen[w] = vocab[int(row.argmax())] if ok else ""
    return [seen[w] for w in unknown if seen[w]]


def all_words(idx: CatalogIndex) -> frozenset[str]:
    """Every word of every product text (cached on the index)."""
    known = getattr(idx, "_all_words", None)
    if known is None:
        known = frozenset().union(*idx.text_tokens)
        idx._all_words = known  # type: ignore[attr-defined]
    return known
