"""Normalisers over ``data/lexicon.json``: colour families, canonical sizes, word stems."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from prompts.grammar import SIZE_CUE
from prompts.loader import data

_WORD = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")


def lexicon() -> dict[str, Any]:
    """The parsed lexicon file."""
    return data("lexicon")


@lru_cache(maxsize=1)
def people_words() -> frozenset[str]:
    """Who a customer buys for or speaks of, and their pronouns (``lexicon.json`` ``people``)."""
    return frozenset(lexicon()["people"])


@lru_cache(maxsize=1)
def _color_index() -> dict[str, str]:
    return {syn: fam for fam, syns in lexicon()["color_families"].items() for syn in syns}


@lru_cache(maxsize=1)
def _size_index() -> dict[str, str]:
    out = {}
    for canon, syns in lexicon()["sizes"].items():
        out[canon.lower()] = canon
        for s in syns:
            out[s] = canon
    return out


def color_family(value: str) -> str | None:
    """Family of a colour name: "Navy Blue" -> blue, "Heather Grey" -> grey, "Chocolate" -> None.

    The last word that names a colour wins ("dusty rose" -> pink, "navy blue" -> blue).
    """
    index = _color_index()
    # "Oxblood & Gold", "Navy and Rhodium": the body colour, then its trim
    main = re.split(r"\s*(?:&|\+|/|\band\b|\bwith\b)\s*", value.lower())[0]
    words = _WORD.findall(main) if any(w in index for w in _WORD.findall(main)) else (
        _WORD.findall(value.lower()))  # fmt: skip
    fams = [index[w] for w in words if w in index]
    if not fams:
        joined = " ".join(words)
        return index.get(joined)
    return fams[-1]


def is_color_option(name: str) -> bool:
    """Whether a variant option name holds a colour ("Colour", and a shop's own "Cord colour")."""
    words = name.lower().split()
    return bool(words) and words[-1] in lexicon()["color_option_names"]


def is_size_option(name: str) -> bool:
    """Whether a variant option name holds a size."""
    return name.lower() in lexicon()["size_option_names"]


def normalize_size(value: str) -> str:
    """Canonical size label: "medium" -> M, "XXL" -> 2XL, "size 8" -> 8, "8.5 US" -> 8.5."""
    v = value.strip().lower()
    v = re.sub(r"\s*\([^()]*\)$", "", v) or v  # "S (26-32cm)": the label before what it fits
    v = re.sub(rf"^{SIZE_CUE}\s*", "", v)
    v = re.sub(r"\s*(?:us|uk|eu)$", "", v)
    index = _size_index()
    if v in index:
        return index[v]
    m = re.fullmatch(r"(\d+(?:\.\d+)?)", v)
    if m:
        num = m.group(1)
        return num.rstrip("0").rstrip(".") if "." in num else num
    return v.upper()


# Nouns whose plural is "-ies" from "-ie" (hoodie -> hoodies), not from "-y" (body -> bodies).
_IE_NOUNS = frozenset(
    "hoodie cookie smoothie beanie brownie onesie selfie movie pie tie goodie bootie zombie".split()
)


# English plurals in "-ves" of nouns in "-f"/"-fe" ("knives", "shelves", "loaves"): the
# rule below would make "knive", which never meets "knife".
_VES_PLURALS = {
    "knives": "knife", "shelves": "shelf", "leaves": "leaf", "loaves": "loaf",
    "halves": "half", "scarves": "scarf", "wolves": "wolf", "calves": "calf",
    "hooves": "hoof", "wives": "wife", "lives": "life", "elves": "elf", "selves": "self",
    "thieves": "thief", "sheaves": "sheaf",
}  # fmt: skip


def stem(word: str) -> str:
    """Crude plural folding so "leggings"/"legging" and "dresses"/"dress" meet."""
    w = word.lower()
    if w in _VES_PLURALS:
        return _VES_PLURALS[w]
    if len(w) > 4 and w.endswith("ies"):
        return w[:-1] if w[:-1] in _IE_NOUNS else w[:-3] + "y"
    if len(w) > 4 and re.search(r"(ss|x|ch|sh)es$", w):
        return w[:-2]
    if len(w) > 3 and w.endswith("s") and not w.endswith("ss") and not w.endswith("us"):
        return w[:-1]
    return w


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """Words that carry no product meaning for keyword search."""
    return frozenset(lexicon()["stopwords"])


def tokenize(text: str, drop_stopwords: bool = True) -> list[str]:
    """Lowercase stemmed tokens; hyphenated words also split ("t-shirt" -> t-shirt, t, shirt)."""
    out: list[str] = []
    stops = stopwords() if drop_stopwords else frozenset()
    for w in _WORD.findall(text.lower()):
        if w in stops:
            continue
        out.append(stem(w))
        if "-" in w:
            out.extend(stem(p) for p in w.split("-") if p and p not in stops)
    return out
