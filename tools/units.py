"""One grammar for values with units, shared by search, the vocabulary and the NLU.

Case, plurals, hyphen/space ("pre-workout" = "pre workout"), unit spelling and spacing
("16 gb" = "16GB" = "16 gigs"), "&" = "and", decimal commas; quantities and their magnitudes
("1TB" > "512GB"), with the units and scales of ``prompts/data/units.json``.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from prompts.lexicon import (
    stem,
)
from prompts.loader import DATA


@lru_cache(maxsize=1)
def unit_table() -> tuple[dict[str, str], dict[str, list[str]]]:
    """Unit alias -> canonical unit, and the abbreviations (``prompts/data/units.json``)."""
    data = json.loads((DATA / "units.json").read_text(encoding="utf-8"))
    alias = {a: canon for canon, names in data["units"].items() for a in names}
    return alias, data["abbreviations"]


_TOKEN = re.compile(
    r"\d+(?:[.,]\d+)?\s?x\s?\d+(?:[.,]\d+)?"  # 160x230, 200 x 300
    r"|[a-z]+\d[a-z\d]*"  # r7, i7, b12
    r"|\d+(?:[.,]\d+)?[a-z%]*"  # 16gb, 2xl, 500, 85%
    r"|[a-z]+(?:'[a-z]+)?"
    r"|[\"”&%]"
)


_NUM_UNIT = re.compile(r"^(\d+(?:\.\d+)?(?:x\d+(?:\.\d+)?)?)([a-z%]+)$")
# A height in feet and inches ("5'9", "5' 9\"", "5ft 9in", "5 foot 9"): one length, in inches
_FEET_INCHES = re.compile(
    r"\b(\d)\s*(?:'|’|ft\b|feet\b|foot\b)\s*(\d{1,2}(?:\.\d+)?)(?!\d)\s*"
    r"(?:\"|”|''|inch(?:es)?\b|in\b)?"
)


@dataclass(frozen=True)
class Token:
    """A normalised token and its character span in the original text."""

    norm: str
    start: int
    end: int


def canonical_number(raw: str) -> str:
    """A number as the vocabulary writes it ("1,5" -> "1.5", "200 x 300" -> "200x300")."""
    raw = raw.replace(",", ".").replace(" ", "")
    parts = []
    for piece in raw.split("x"):
        if "." in piece:
            piece = piece.rstrip("0").rstrip(".")
        parts.append(piece)
    return "x".join(parts)


def tokens(text: str) -> list[Token]:
    """Normalised tokens: units joined to their numbers, plurals folded, "&" as "and"."""
    alias, _ = unit_table()
    # "Crème" = "creme", full-width "ＮＡＶＹ" = "navy"
    folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text))
    low = "".join(c for c in folded if not unicodedata.combining(c)).lower().replace("’", "'")
    if len(low) != len(text):  # spans index the original text: keep the plain lower form
        low = text.lower().replace("’", "'")
    heights = [m for m in _FEET_INCHES.finditer(low) if float(m.group(2)) < 12]
    raw = [(m.group(0), m.start(), m.end()) for m in _TOKEN.finditer(low)]
    out: list[Token] = []
    i = 0
    while i < len(raw):
        word, start, end = raw[i]
        if h := next((h for h in heights if h.start() <= start < h.end()), None):
            if start == h.start():  # "5'9" is 69 inches
                inches = int(h.group(1)) * 12 + float(h.group(2))
                out.append(Token(canonical_number(f"{inches:g}") + "in", h.start(), h.end()))
            i += 1
            continue
        if word[0].isdigit():
            m = _NUM_UNIT.match(word.replace(" ", ""))
            if m and m.group(2) in alias:
                out.append(Token(canonical_number(m.group(1)) + alias[m.group(2)], start, end))
                i += 1
                continue
            if re.fullmatch(r"[\d.,x ]+", word):
                num = canonical_number(word)
                nxt = raw[i + 1][0] if i + 1 < len(raw) else ""
                two = f"{nxt} {raw[i + 2][0]}" if i + 2 < len(raw) else ""
                if two in alias:  # "12 fl oz"
                    out.append(Token(num + alias[two], start, raw[i + 2][2]))
                    i += 3
                    continue
                if nxt in alias and nxt != "in":  # "300x400 in navy": "in" is no inch here
                    out.append(Token(num + alias[nxt], start, raw[i + 1][2]))
                    i += 2
                    continue
                out.append(Token(num, start, end))
                i += 1
                continue
            out.append(Token(word, start, end))
        elif word == "&":
            out.append(Token("and", start, end))
        elif word in {'"', "”", "%"}:
            pass  # a unit without a number before it
        else:
            word = re.sub(r"'s$", "", word)  # "women's" = "womens" = "women"
            out.append(Token(stem(word) if len(word) > 3 else word, start, end))
        i += 1
    return out


@lru_cache(maxsize=65536)
def normalize(text: str) -> str:
    """The comparable form of a value: "16 GB" -> "16gb", "Size 42" -> "size 42".

    Cached: every turn normalises the same option values and tags of the products it checks.
    """
    return " ".join(t.norm for t in tokens(text))


def same_value(a: str, b: str) -> bool:
    """Whether two option values are the same ("16 gb" and "16GB", "Cookies & Cream")."""
    return normalize(a).replace(" ", "") == normalize(b).replace(" ", "")


@lru_cache(maxsize=65536)
def quantity(value: str) -> tuple[float, str] | None:
    """(number, unit) of a value with a unit ("2TB" -> (2.0, "tb")), else None."""
    for t in tokens(value):
        m = re.fullmatch(r"(\d+(?:\.\d+)?)([a-z%]+)", t.norm)
        if m and m.group(2) in set(unit_table()[0].values()):
            return float(m.group(1)), m.group(2)
    return None


@lru_cache(maxsize=1)
def _scale() -> dict[str, tuple[str, float]]:
    data = json.loads((DATA / "units.json").read_text(encoding="utf-8"))
    return {u: (base, float(k)) for u, (base, k) in data.get("scale", {}).items()}


def magnitude(value: str) -> tuple[float, str] | None:
    """How big a value is, in the smallest unit of its kind ("1TB" -> (1e6, "mb")).

    A value without a unit ("240 bags", "Size 42") is its first number; None without one.
    Used to offer "the big tub" or "the smaller one" among a product's variants.
    """
    q = quantity(value)
    if q is None:
        m = re.search(r"\d+(?:[.,]\d+)?", value)
        return (float(m.group(0).replace(",", ".")), "") if m else None
    amount, unit = q
    seen = 0
    while unit in _scale() and seen < 8:  # bounded: the table is a chain of a few steps
        base, factor = _scale()[unit]
        amount, unit, seen = amount * factor, base, seen + 1
    return amount, unit


# "40-50cm", "40 – 50 cm", "10 to 25kg", "40 50cm" (a value normalised: the dash gone), and
# "67in 71in" (both ends with their unit: a height range in feet and inches, normalised)
_RANGE = re.compile(
    r"(\d+(?:[.,]\d+)?)\s*(?:(?!to\b)([a-z]+)\s*)?(?:-|–|to|\s)\s*(\d+(?:[.,]\d+)?)\s*([a-z]+)\b"
)


def ranges(value: str) -> list[tuple[float, float, str]]:
    """The ranges a value spans, with their canonical unit: "L (40-50cm)" -> [(40, 50, "cm")].

    A size labelled by the measurements it fits ("M (chest 55-70 cm)", "for dogs 10 to 25
    kg") holds a fan's own measurement ("his neck is 44cm"): see ``within``.
    """
    alias, _ = unit_table()
    out = []
    for m in _RANGE.finditer(value.lower()):
        unit = alias.get(m.group(4))
        if unit is not None and (m.group(2) is None or alias.get(m.group(2)) == unit):
            lo, hi = float(m.group(1).replace(",", ".")), float(m.group(3).replace(",", "."))
            out.append((min(lo, hi), max(lo, hi), unit))
    return out


def within(asked: str, value: str) -> bool:
    """Whether an asked quantity ("44cm", "44 cm", "5'9") falls in one of ``value``'s ranges.

    Ranges that meet ("32-40cm", "40-50cm") both hold their shared end; lengths compare
    across systems ("175cm" in "M (5'7-5'11)").
    """
    return in_guide(asked, ranges(value))


_A_RANGE = re.compile(r"\d\s*(?:-|–|to)\s*\d")


def guide(text: str, values: Iterable[str]) -> dict[str, list[tuple[float, float, str]]]:
    """The ranges a listing's size guide gives each of its option values.

    "Size by chest measurement: S/M chest 80-100cm; L/XL chest 100-120cm" gives S/M and L/XL
    their chest ranges; "230cm for most sit-on-tops and paddlers 175-185cm" gives the 230cm
    paddle its paddlers' heights. A guide is a sentence that names two values or more and
    has a range; each part of it (between ";" and ",") that names one value and one range
    pairs them.
    """
    named = sorted({v for v in values if v and v.strip()}, key=len, reverse=True)
    out: dict[str, list[tuple[float, float, str]]] = {}
    if not named or not _A_RANGE.search(text):  # (a cheap test first: most listings have none)
        return out
    for sentence in re.split(r"(?<=[.!?])\s+|\n+", text):
        if (
            not ranges(normalize(sentence))
            or sum(
                re.search(rf"(?<![\w/]){re.escape(v)}(?![\w/])", sentence, re.I) is not None
                for v in named
            )
            < 2
        ):
            continue
        for part in re.split(r"[;,]", sentence):
            spans = ranges(normalize(part))
            said = [
                v for v in named
                if re.search(rf"(?<![\w/]){re.escape(v)}(?![\w/])", part, re.I)
            ]  # fmt: skip
            if len(spans) == 1 and len(said) == 1:
                out.setdefault(said[0], []).append(spans[0])
    return out


def in_guide(asked: str, spans: list[tuple[float, float, str]]) -> bool:
    """Whether an asked quantity falls in one of a guide's ranges (see ``within``)."""
    q = magnitude(asked) if quantity(asked) else None
    if q is None:
        return False
    for lo, hi, u in spans:
        a, b = magnitude(f"{lo:g}{u}"), magnitude(f"{hi:g}{u}")
        if a and b and a[1] == q[1] and a[0] - 1e-6 <= q[0] <= b[0] + 1e-6:
            return True
    return False
