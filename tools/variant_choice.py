"""Which variants to offer: by asked option, by size order, and the closest when none fits."""

from __future__ import annotations

import re
from typing import Any

from prompts.lexicon import is_color_option, is_size_option, normalize_size, stopwords, tokenize
from tools.catalog_index import CatalogIndex
from tools.search_schemas import VariantHit
from tools.units import magnitude, normalize, quantity

DENIED = "-"  # marks a word the customer rules out, in a set of said words
# the word or two right after a denial, in one clause: "without the nose net thing", "no nose
# piece", "not the small one" (not "no rush, the olive green one")
_DENIED_AFTER = re.compile(
    r"\b(?:no|not|without|never|non)\s+(?:the\s+|a\s+|an\s+|any\s+)?([a-z]+)(?:\s+([a-z]+))?"
)


def said_words(text: str) -> frozenset[str]:
    """The customer's words for choosing a variant; a word said in a denial is marked.

    "the one with ears but without the nose net thing": "ears" names a value, "-nose" rules
    out the values that hold it (Ears & Nose).
    """
    words = set(normalize(text).split())
    denied = {
        normalize(w) for m in _DENIED_AFTER.finditer(text.lower()) for w in m.groups()
        if w and len(w) > 2
    } & words  # fmt: skip
    return frozenset((words - denied) | {DENIED + w for w in denied})


def variant_hit(v: dict[str, Any]) -> VariantHit:
    """A variant row as a search hit."""
    return VariantHit(
        variant_id=v["id"],
        sku=v["sku"],
        name=v["name"],
        options=v["options"],
        price=float(v["price"]),
        compare_at_price=v["compare_at_price"],
        stock=v["stock"],
        available=bool(v["available"]),
        in_stock=bool(v["in_stock"]),
    )


def option_value(options: dict[str, str], name: str) -> str | None:
    """The variant's value for option ``name``.

    "a|b" means either option; "colour" and "size" mean any colour or size option, whatever
    the shop calls it.
    """
    for option in name.lower().split("|"):
        if option in options:
            return options[option]
    generic = is_color_option if name == "colour" else is_size_option if name == "size" else None
    if generic is not None:
        return next((v for k, v in options.items() if generic(k)), None)
    return None


MEASURE_NAME = re.compile(
    r"size|capacity|pack|count|weight|volume|length|width|bags?|pieces?|servings?|seats?", re.I
)


def by_size(variants: list[dict[str, Any]], prefer: str, option: str = "") -> list[dict[str, Any]]:
    """``variants`` with the largest (or smallest) first, by the option that measures them.

    That option is the one ``option`` names or whose values contain it ("the bigger ssd":
    HDD = "240GB SSD"), else the first option whose values are all quantities that differ.
    The order is stable: ties keep stock and price order. Nothing to measure: unchanged.
    """
    if len(variants) < 2:
        return variants
    word = option.lower().strip()
    names = list(dict.fromkeys(k for v in variants for k in (v["options"] or {})))
    if word:  # whole words: "ram" is no part of "frame size"
        names = [
            n
            for n in names
            if word in tokenize(n)
            or any(word in tokenize(str((v["options"] or {}).get(n, ""))) for v in variants)
        ] or names
    for name in names:
        sizes = [magnitude(str((v["options"] or {}).get(name, ""))) for v in variants]
        if any(s is None for s in sizes) or len({s for s in sizes if s}) < 2:
            continue
        units = {s[1] for s in sizes if s}
        if len(units) > 1:
            continue
        if units == {""} and not MEASURE_NAME.search(name):
            continue  # bare numbers count only under a size or amount name (not "model")
        sign = -1.0 if prefer == "largest" else 1.0
        ranked = sorted(zip(sizes, range(len(variants)), strict=True),
                        key=lambda p: sign * p[0][0])  # type: ignore[index]  # fmt: skip
        return [variants[n] for _, n in ranked]
    return variants


def distance(options: dict[str, str], name: str, asked: list[str]) -> float:
    """How far a variant's value is from the asked one (0 = the same, 1 = unrelated).

    Quantities of the same unit compare by relative gap ("4TB" is closer to "5TB" than "1TB").
    """
    have = option_value(options, name)
    q_have = quantity(have) if have else None
    best = 1.0
    for value in asked:
        q = quantity(value)
        if q and q_have and q[1] == q_have[1] and max(q[0], q_have[0]) > 0:
            best = min(best, abs(q[0] - q_have[0]) / max(q[0], q_have[0]))
        elif have and (gap := size_gap(have, value)) is not None:
            best = min(best, gap)  # "XXL" is nearer XL than XS; a 48 nearer 47 than 38
    return best


LETTER_SIZES = ("XXS", "XS", "S", "M", "L", "XL", "2XL", "3XL", "4XL")


def size_gap(have: str, asked: str) -> float | None:
    """How far apart two sizes are (0-1), letters by rank and numbers by ratio; else None."""
    a, b = normalize_size(have), normalize_size(asked)
    if a in LETTER_SIZES and b in LETTER_SIZES:
        return abs(LETTER_SIZES.index(a) - LETTER_SIZES.index(b)) / len(LETTER_SIZES)
    x, y = _one_number(a), _one_number(b)
    if x and y and (not y[1] or x[1] == y[1]) and max(x[0], y[0]) > 0:
        # ("W38" is nearer a 40 waist than "W28": the shop's label around the same number)
        return abs(x[0] - y[0]) / max(x[0], y[0])
    return None


def _one_number(size: str) -> tuple[float, str] | None:
    """The one number of a size label and its letters ("W38" -> (38, "w"), "12" -> (12, ""))."""
    numbers = re.findall(r"\d+(?:\.\d+)?", size)
    if len(numbers) != 1:
        return None
    letters = re.sub(r"[\d.\s]+", "", size).lower()
    return (float(numbers[0]), letters) if len(letters) <= 3 else None


def offered_values(idx: CatalogIndex, i: int, name: str) -> list[str]:
    """The values this product offers for an option (in-stock variants first)."""
    start, end = int(idx.v_start[i]), int(idx.v_end[i])
    ordered = sorted(range(start, end), key=lambda j: not idx.variants[j]["in_stock"])
    values = [option_value(idx.variants[j]["options"], name) for j in ordered]
    if not any(values):
        fs = idx.facets[i]
        return [" ".join(v) for option in name.lower().split("|") for v in fs.get(option, ())]
    return list(dict.fromkeys(v for v in values if v))[:8]


# what a product's text says a value is: "Ultra Clear is low-iron glass", "Tied to spider wood
# - a plant already tied onto a piece of spider wood", "Sakura Red (solid red)"
_GLOSS = r"\s*(?:(?:is|are|means|=|:|-|\u2013|\u2014)\s+([^.;()\n]{2,80})|\(([^)]{2,80})\))"
GLOSS_WORDS = 12


def value_glosses(
    product: dict[str, Any], variants: list[dict[str, Any]]
) -> dict[str, frozenset[str]]:
    """Per option value, the words the product's own text explains it with.

    Only words that tell the values of one option apart (not "glass" of both "low-iron glass"
    and "regular float glass") and are not the product's name or the value itself: the
    customer who asks for "the low-iron glass" or "the one already on the wood" means that
    value, though no word of its name was said.
    """
    text = re.sub(r"<[^>]+>", " ", f"{product.get('short_description') or ''}. "
                                    f"{product.get('description') or ''}")  # fmt: skip
    per_option: dict[str, dict[str, set[str]]] = {}
    for v in variants:
        for k, val in (v["options"] or {}).items():
            per_option.setdefault(k, {}).setdefault(str(val), set())
    stops = stopwords()
    named = set(normalize(str(product.get("name") or "")).split())
    out: dict[str, frozenset[str]] = {}
    for values in per_option.values():
        if len(values) < 2:
            continue
        for val, words in values.items():
            if len(val) < 2:
                continue
            for m in re.finditer(rf"(?<!\w){re.escape(val)}(?!\w){_GLOSS}", text, re.I):
                gloss = normalize(m.group(1) or m.group(2)).split()[:GLOSS_WORDS]
                words |= {w for w in gloss if w.isalpha() and len(w) > 1 and w not in stops}
        common = set.intersection(*values.values())
        for val, words in values.items():
            own = set(normalize(val).split())
            if kept := words - common - named - own:
                out[val] = frozenset(kept)
    return out
