"""Each creator's catalog vocabulary: the words their own products are described by.

Built from the catalog itself (SQL rows, no search index needed) and cached per catalog
version, so it follows every write without a full index rebuild: every option name and value
(any option the shop invented: "RAM", "roast", "bulb"), ``key: value`` tags (facets such as
``color: pink``, ``plant type: Indoor``) and plain tags, categories, brands, and values with
units. Text and values are normalised the same way (``normalize``): case, plurals,
hyphen/space ("pre-workout" = "pre workout"), unit spelling and spacing ("16 gb" = "16GB" =
"16 gigs"), "&" = "and", decimal commas.

``Vocabulary.ground(text)`` finds the catalog's values in a message (longest match first) and
says what each binds to: a variant option, a facet, a tag, a category, a brand, a colour or a
size. A word is a colour only when the shop sells that colour family; a number with a unit
binds to the options whose values carry that unit, even when the exact value is missing
("a 5TB drive" -> HDD=5TB, which the search then reports as unmet).
"""

from __future__ import annotations

import json
import re
import threading
import time
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein
from sqlalchemy import select

from memory.catalog import Catalog
from memory.embeddings import TOKENIZER_PATH
from memory.models import Product, Variant
from prompts.lexicon import (
    DATA,
    color_family,
    is_color_option,
    is_size_option,
    lexicon,
    normalize_size,
    stem,
)

Kind = Literal["option", "facet", "tag", "category", "brand", "color", "size", "option_name"]


# -- normalisation (one grammar for values with units, shared by search and NLU) -------------
@lru_cache(maxsize=1)
def _units() -> tuple[dict[str, str], dict[str, list[str]]]:
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


@dataclass(frozen=True)
class Token:
    """A normalised token and its character span in the original text."""

    norm: str
    start: int
    end: int


def _number(raw: str) -> str:
    raw = raw.replace(",", ".").replace(" ", "")
    parts = []
    for piece in raw.split("x"):
        if "." in piece:
            piece = piece.rstrip("0").rstrip(".")
        parts.append(piece)
    return "x".join(parts)


def tokens(text: str) -> list[Token]:
    """Normalised tokens: units joined to their numbers, plurals folded, "&" as "and"."""
    alias, _ = _units()
    # "Crème" = "creme", full-width "ＮＡＶＹ" = "navy"
    folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", text))
    low = "".join(c for c in folded if not unicodedata.combining(c)).lower().replace("’", "'")
    if len(low) != len(text):  # spans index the original text: keep the plain lower form
        low = text.lower().replace("’", "'")
    raw = [(m.group(0), m.start(), m.end()) for m in _TOKEN.finditer(low)]
    out: list[Token] = []
    i = 0
    while i < len(raw):
        word, start, end = raw[i]
        if word[0].isdigit():
            m = _NUM_UNIT.match(word.replace(" ", ""))
            if m and m.group(2) in alias:
                out.append(Token(_number(m.group(1)) + alias[m.group(2)], start, end))
                i += 1
                continue
            if re.fullmatch(r"[\d.,x ]+", word):
                num = _number(word)
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


def normalize(text: str) -> str:
    """The comparable form of a value: "16 GB" -> "16gb", "Size 42" -> "size 42"."""
    return " ".join(t.norm for t in tokens(text))


def same_value(a: str, b: str) -> bool:
    """Whether two option values are the same ("16 gb" and "16GB", "Cookies & Cream")."""
    return normalize(a).replace(" ", "") == normalize(b).replace(" ", "")


def quantity(value: str) -> tuple[float, str] | None:
    """(number, unit) of a value with a unit ("2TB" -> (2.0, "tb")), else None."""
    for t in tokens(value):
        m = re.fullmatch(r"(\d+(?:\.\d+)?)([a-z%]+)", t.norm)
        if m and m.group(2) in set(_units()[0].values()):
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


# -- the vocabulary -------------------------------------------------------------------------
@dataclass
class Term:
    """One way the catalog names something."""

    kind: Kind
    value: str  # as the catalog writes it ("16GB", "pink", "Computers")
    names: tuple[str, ...] = ()  # the options / facet keys it belongs to
    weak: bool = False  # a partial alias ("42" for "Size 42"): used when nothing longer fits
    products: int = 0  # how many products carry it


@dataclass
class Match:
    """A catalog term found in a message."""

    kind: Kind
    value: str
    names: tuple[str, ...]
    start: int
    end: int
    exact: bool = True  # False: a value with a unit the catalog does not have ("5TB")

    @property
    def option(self) -> str:
        """The filter key: one option, or several joined by "|" (any of them)."""
        return "|".join(self.names)


@dataclass
class Vocabulary:
    """A creator's catalog vocabulary (see the module docstring)."""

    creator_id: str
    version: int
    options: dict[str, list[str]] = field(default_factory=dict)
    facets: dict[str, list[str]] = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    brands: list[str] = field(default_factory=list)
    color_families: set[str] = field(default_factory=set)
    unit_options: dict[str, list[str]] = field(default_factory=dict)
    index: dict[tuple[str, ...], list[Term]] = field(default_factory=dict)
    build_seconds: float = 0.0
    # Words of product names (a word that names products is no option value to paraphrase).
    name_words: set[str] = field(default_factory=set)
    size_options: set[str] = field(default_factory=set)
    # The catalog's own words of five letters or more (names, categories, tags, options).
    spelling: list[str] = field(default_factory=list)
    _spelling_set: frozenset[str] = frozenset()
    _grounded: dict[str, list[Match]] = field(default_factory=dict)
    and_phrases: frozenset[str] = frozenset()
    # Meaning-level matching of a value the catalog does not spell ("decaf" -> decaffeinated):
    # the embedder and, built on first use, the vectors of the catalog's own values.
    embedder: Any = None
    _values: tuple[list[list[Term]], Any] | None = None

    def add(self, key: tuple[str, ...], term: Term) -> None:
        """Index ``term`` under ``key`` (one entry per kind and value)."""
        if not key:
            return
        terms = self.index.setdefault(key, [])
        for t in terms:
            if t.kind == term.kind and t.value.lower() == term.value.lower():
                t.names = tuple(dict.fromkeys([*t.names, *term.names]))
                t.products += term.products
                t.weak = t.weak and term.weak
                return
        terms.append(term)

    def ground(self, text: str) -> list[Match]:
        """Catalog terms in ``text``, longest first, bound to their options (see module doc).

        Remembered per text (a narrowing judges one phrase against many products).
        """
        hit = self._grounded.get(text)
        if hit is not None:
            return list(hit)
        found = self._ground(text)
        if len(self._grounded) >= 1024:
            self._grounded.clear()
        self._grounded[text] = found
        return list(found)

    def _ground(self, text: str) -> list[Match]:
        toks = tokens(text)
        # a price is no option value ("my budget is $20" is not the 20 cm pan)
        used = [t.start > 0 and text[t.start - 1] in "$£€" for t in toks]
        found: list[tuple[int, int, Term]] = []
        for weak_pass in (False, True):
            for n in range(min(5, len(toks)), 0, -1):
                for i in range(len(toks) - n + 1):
                    if any(used[i : i + n]):
                        continue
                    key = tuple(t.norm for t in toks[i : i + n])
                    terms = [t for t in self.index.get(key, []) if t.weak == weak_pass]
                    if not terms or (n == 1 and key[0] in _STOP):
                        continue
                    for term in terms:
                        found.append((i, i + n, term))
                    for j in range(i, i + n):
                        used[j] = True
        # An option named next to a value ("16GB of RAM", "RAM 16GB") decides which option
        # it is; "ram stick 8gb" names a product, not the option.
        named_at = [(i, j, t.names[0]) for i, j, t in found if t.kind == "option_name"]
        nouns = {i for i, _, t in found if t.kind == "category"}
        matches: list[Match] = []
        colours = {
            (i, j) for i, j, t in found
            if t.kind == "color" and self._colour_context(toks, i, j, nouns)
        }  # fmt: skip
        for i, j, term in sorted(found, key=lambda f: f[0]):
            if term.kind == "option_name":
                continue
            if term.kind == "color" and (i, j) not in colours:
                continue  # "she loves rose": a colour word, not a colour asked for
            if term.kind == "tag" and (i, j) in colours:
                continue  # "green-ish" is a colour here, not the tag "greens"
            names = term.names
            mentioned = self._near(toks, named_at, i, j)
            if len(names) > 1 and mentioned & set(names):
                names = tuple(n for n in names if n in mentioned)  # "16GB of RAM" -> ram
            q = quantity(toks[i].norm) if j == i + 1 else None
            if q and mentioned and not mentioned & set(names):
                # "32gb ram" where only the tablets' storage has 32GB: the RAM it names, unmet
                carriers = [n for n in sorted(mentioned) if n in self.unit_options.get(q[1], [])]
                if carriers:
                    value = text[toks[i].start : toks[i].end].strip()
                    matches.append(Match("option", value, tuple(carriers), toks[i].start,
                                         toks[j - 1].end, exact=False))  # fmt: skip
                    continue
            if q and term.kind == "option" and j < len(toks) and not used[j]:
                word = toks[j].norm
                if (
                    word.isalpha()
                    and word not in normalize(term.value).split()
                    and self._in_values(word, names)
                ):  # "1tb ssd" where 1TB is a hard drive's and the SSDs are "240GB SSD"
                    used[j] = True
                    matches.append(Match("option", text[toks[i].start : toks[j].end], names,
                                         toks[i].start, toks[j].end, exact=False))  # fmt: skip
                    continue
            k = i - 1
            if (
                term.kind == "option" and k >= 0 and not used[k] and toks[k].norm.isalpha()
                and len(toks[k].norm) > 2 and toks[k].norm not in _STOP
                and all(n in self.size_options for n in names)
                and not self.index.get((toks[k].norm,)) and toks[k].norm not in self.name_words
            ):  # fmt: skip
                # "super king" where the shop has King only: a size of its own, asked and unmet
                used[k] = True
                matches.append(Match("option", text[toks[k].start : toks[j - 1].end], names,
                                     toks[k].start, toks[j - 1].end, exact=False))  # fmt: skip
                continue
            matches.append(Match(term.kind, term.value, names, toks[i].start, toks[j - 1].end))
        # A word the catalog does not have, right before an option's name ("light roast" where
        # only medium and dark are roasted): a value of that option, asked for and unmet.
        for a, b, name in named_at:
            k = a - 1
            word = toks[k].norm if k >= 0 else ""
            if k >= 0 and not used[k] and word.isalpha() and word not in _STOP:
                # ("cheapest roast", "favourite roast", "biggest frame size" ask no value)
                if name in self.options and len(word) > 2 and not _JUDGING.match(word):
                    used[k] = True
                    matches.append(Match("option", text[toks[k].start : toks[k].end], (name,),
                                         toks[k].start, toks[k].end, exact=False))  # fmt: skip
            # ... and a number right after it ("spf 70", "shade 12" where SPF 30 and 50 exist)
            if b < len(toks) and not used[b] and toks[b].norm.isdigit() and name in self.options:
                used[b] = True
                asked = text[toks[a].start : toks[b].end]
                matches.append(Match("option", asked, (name,), toks[a].start, toks[b].end,
                                     exact=False))  # fmt: skip
        # A bare number before the first word of an option's name ("27.5 wheels" for "Wheel
        # size", "4 seats" for "Seats"): a value of that option, the one with that number if any
        for k in range(len(toks) - 1):
            if used[k] or not re.fullmatch(r"\d+(?:\.\d+)?", toks[k].norm):
                continue
            names = tuple(n for n in self.options if toks[k + 1].norm in (
                stem(n.split()[0]), n.split()[0]) and len(n.split()[0]) > 2)  # fmt: skip
            if not names:
                continue
            used[k] = True
            same = [v for n in names for v in self.options[n]
                    if (mg := magnitude(v)) and mg[0] == float(toks[k].norm)]  # fmt: skip
            asked = same[0] if same else text[toks[k].start : toks[k].end]
            matches.append(Match("option", asked, names, toks[k].start, toks[k].end,
                                 exact=bool(same)))  # fmt: skip
        # A number with a unit that no value has: bind it to the options carrying that unit
        # (bare dimensions, "200x300", to the options whose values are dimensions).
        for k, tok in enumerate(toks):
            if used[k] or (k and toks[k - 1].norm in {"for", "i'm", "im", "am", "tall", "height"}):
                continue  # ("what frame size for 180cm": the rider, not the frame)
            q = quantity(tok.norm)
            if q is None and re.fullmatch(r"\d+(?:\.\d+)?x\d+(?:\.\d+)?", tok.norm):
                q = (0.0, "x")
            if q and q[1] in self.unit_options:
                names = tuple(self.unit_options[q[1]])
                mentioned = self._near(toks, named_at, k, k + 1)
                if len(names) > 1 and mentioned & set(names):
                    names = tuple(n for n in names if n in mentioned)
                value, end = text[tok.start : tok.end].strip(), tok.end
                nxt = toks[k + 1] if k + 1 < len(toks) else None
                if (
                    nxt is not None and nxt.norm.isalpha() and self._in_values(nxt.norm, names)
                ):  # "1tb ssd" where the values read "240GB SSD": the asked value is "1tb ssd"
                    used[k + 1] = True
                    value, end = text[tok.start : nxt.end].strip(), nxt.end
                matches.append(Match("option", value, names, tok.start, end, exact=False))
        matches += self._paraphrases(toks, used, text)
        return sorted(matches, key=lambda m: m.start)

    def _in_values(self, word: str, names: tuple[str, ...]) -> bool:
        """Whether ``word`` is a word of some value of these options ("ssd" of "240GB SSD")."""
        return any(word in normalize(v).split() for n in names for v in self.options.get(n, []))

    def correct(self, text: str) -> str:
        """``text`` with misspelt words put right by the shop's own words ("foam roler").

        A word of five letters or more that is neither a word of this catalog nor a known
        English word is replaced by the catalog word within one edit (two from eight letters
        on), when no other catalog word is as close.
        """
        if not self.spelling:
            return text
        english = _english()

        def fix(m: re.Match[str]) -> str:
            word = m.group(0)
            low = word.lower()
            if len(low) < 5 or not low.isascii() or low in self._spelling_set:
                return word
            if _known(low, english):
                return word
            limit = 1 if len(low) < 8 else 2
            found = process.extract(low, self.spelling, scorer=Levenshtein.distance,
                                    score_cutoff=limit, limit=3)  # fmt: skip
            if not found:
                return word
            best = min(d for _, d, _ in found)
            near = [w for w, d, _ in found if d == best]
            return near[0] if len(near) == 1 else word

        return re.sub(r"[^\W\d_]+", fix, text)

    def _paraphrases(self, toks: list[Token], used: list[bool], text: str) -> list[Match]:
        """Values named in other words where a value is expected.

        "the road bike in aluminum" -> Aluminium: the catalog value nearest in meaning
        (MiniLM), when close enough. Only a word after "in"/"with" (a/an/the between) or
        before "one(s)"/"version" is tried, never a word of a product name, and never for
        colour or size options (their own grammar covers those).
        """
        if self.embedder is None:
            return []
        spots = []
        for k, tok in enumerate(toks):
            before = toks[k - 1].norm if k else ""
            if before in {"a", "an", "the"} and k > 1:
                before = toks[k - 2].norm  # "with a rechargable battery"
            after = toks[k + 1].norm if k + 1 < len(toks) else ""
            if (
                not used[k] and tok.norm.isalpha() and len(tok.norm) >= 4
                and tok.norm not in _STOP and tok.norm not in self.name_words
                and (before in {"in", "with"} or after in {"one", "ones", "version"})
            ):  # fmt: skip
                spots.append(k)
        if not spots:
            return []
        if self._values is None:
            with _EMBED_LOCK:
                if self._values is None:
                    self._values = self._value_vectors()
        groups, vectors = self._values
        if not groups:
            return []
        asked = self.embedder.encode([text[toks[k].start : toks[k].end] for k in spots])
        out = []
        for k, vec in zip(spots, asked, strict=True):
            sims = vectors @ vec
            best = int(sims.argmax())
            if float(sims[best]) >= PARAPHRASE_SIMILARITY:
                out += [Match(t.kind, t.value, t.names, toks[k].start, toks[k].end)
                        for t in groups[best]]  # fmt: skip
        return out

    def _value_vectors(self) -> tuple[list[list[Term]], Any]:
        """The catalog's values worth a paraphrase, grouped by normalised value, embedded.

        Options with more than PARAPHRASE_MAX_VALUES values (codes, part numbers) are left out:
        their values are no words a customer would say otherwise.
        """
        wide = {k for k, vs in [*self.options.items(), *self.facets.items()]
                if len(vs) > PARAPHRASE_MAX_VALUES}  # fmt: skip
        terms = [
            t for ts in self.index.values() for t in ts
            if t.kind in {"option", "facet"} and not t.weak and not set(t.names) & wide
            and not any(is_color_option(n) or n in self.size_options for n in t.names)
        ]  # fmt: skip
        by_value: dict[str, list[Term]] = {}
        for t in terms:  # "Aluminium" the option and "aluminium" the facet: one value
            by_value.setdefault(normalize(t.value), []).append(t)
        groups = list(by_value.values())
        vectors = self.embedder.encode([g[0].value for g in groups]) if groups else None
        return groups, vectors

    @staticmethod
    def _near(toks: list[Token], named_at: list[tuple[int, int, str]], i: int, j: int) -> set[str]:
        """Options named right after a value ("16GB of RAM") or right before it ("RAM 16GB")."""
        out = set()
        for a, b, name in named_at:
            between = [t.norm for t in toks[j:a]] if a >= j else [t.norm for t in toks[b:i]]
            if len(between) <= 1 and all(w in {"of", "for", "in", ":", "with"} for w in between):
                out.add(name)
        return out

    @staticmethod
    def _colour_context(toks: list[Token], i: int, j: int, nouns: set[int]) -> bool:
        """Whether a colour word the catalog does not write itself reads as a colour here.

        "in navy", "navy leggings", "the navy one(s)", "navy colour", or a bare "navy?".
        """
        before = toks[i - 1].norm if i > 0 else ""
        after = toks[j].norm if j < len(toks) else ""
        return (
            len(toks) <= 2
            or before in {"in", "a", "the", "any"}
            or j in nouns
            or after
            in {
                "one",
                "colour",
                "color",
                "version",
                "shade",
                "tone",
                "pair",
                "ish",
                "colored",
                "coloured",
            }
        )

    def summary(self, max_values: int = 12) -> dict[str, Any]:
        """The facts an LLM needs to build filters: option names with values, facets, brands."""
        return {
            "options": {k: v[:max_values] for k, v in self.options.items()},
            "facets": {k: v[:max_values] for k, v in self.facets.items()},
            "categories": self.categories[:40],
            "brands": self.brands[:40],
        }


# A word this close in meaning to one of the catalog's values names it ("decaf" ~
# decaffeinated 0.84; "metal" ~ steel 0.78 and "winter" ~ 4-season 0.48 do not reach it).
PARAPHRASE_SIMILARITY = 0.8
PARAPHRASE_MAX_VALUES = 200
_EMBED_LOCK = threading.Lock()
# words that judge or rank rather than name a value
_JUDGING = re.compile(
    r"^(?:\w+est|most|least|best|worst|favou?rite|fav|good|nice|right|perfect|ideal|usual|"
    r"normal|recommended|popular|new|other|same|cheap\w*|pric\w*|expensive|big\w*|small\w*|"
    r"\w+er)$"
)
_STOP = frozenset(lexicon()["stopwords"]) | {"one", "it", "is", "do", "you", "i", "me", "s"}
_FACET = re.compile(r"^\s*([^:]{1,40}?)\s*:\s*(.+?)\s*$")


def _tag_parts(tag: str) -> tuple[str, str] | None:
    m = _FACET.match(tag)
    return (m.group(1).strip().lower(), m.group(2).strip()) if m else None


def build(
    creator_id: str,
    version: int,
    products: list[dict[str, Any]],
    variant_options: list[tuple[int, dict[str, Any]]],
) -> Vocabulary:
    """The vocabulary of product rows (id, category, tags, brand) and variant options."""
    t0 = time.perf_counter()
    voc = Vocabulary(creator_id, version)
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
    brands: Counter[str] = Counter()
    for p in products:
        for tag in p.get("tags") or []:
            parts = _tag_parts(str(tag))
            if parts:
                facets[parts[0]][parts[1]] += 1
            elif str(tag).strip():
                plain[str(tag).strip()] += 1
        if p.get("category"):
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
        color = is_color_option(name)
        voc.add(tuple(normalize(name).split()), Term("option_name", name, (name,)))
        for value, n in counts.items():
            key = tuple(normalize(value).split())
            voc.add(key, Term("option", value, (name,), products=n))
            for pos, tok in enumerate(key):
                counted = pos > 0 and key[pos - 1][:1].isdigit()  # "30 servings", "2 pack"
                if any(ch.isdigit() for ch in tok) or (
                    len(key) > 1 and len(tok) > 3 and tok not in name_words and not counted
                ):
                    # "240gb" of "240GB SSD", "rechargeable" of "USB-C rechargeable" (not
                    # "bean" of "whole bean": the beans are what the shop sells)
                    token_options[tok].add((name, value))
                if (q := quantity(tok)) is not None:
                    units[q[1]].add(name)
                    if size_like[name] and len(key) == 1:
                        # "the road bike in a 56": a frame size of 56cm
                        voc.add((_number(str(q[0])),), Term("option", value, (name,), weak=True))
                if m := re.fullmatch(r"(\d+(?:\.\d+)?x\d+(?:\.\d+)?)[a-z]+", tok):
                    # "a rug 200 x 300": dimensions need no unit to be recognised
                    voc.add((m.group(1),), Term("option", value, (name,), weak=True))
                    units["x"].add(name)
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
            label = re.match(r"^\s*([A-Za-z0-9]{1,4})\s*[(/-]", value)
            if len(key) > 1 and label and normalize_size(label.group(1)) in sizes:
                # "M (54-58 cm)": the size label alone names it
                for alias in {label.group(1).lower(), *(
                        syn for syn, canon in _size_synonyms().items()
                        if canon == normalize_size(label.group(1)))}:  # fmt: skip
                    voc.add(tuple(normalize(alias).split()),
                            Term("option", value, (name,), weak=True, products=n))  # fmt: skip
    for tok, owners in token_options.items():
        names = {n for n, _ in owners}
        values = {v for _, v in owners}
        if len(names) == 1 and len(values) == 1:
            (name,), (value,) = names, values
            if (tok,) not in voc.index:
                voc.add((tok,), Term("option", value, (name,), weak=True))
    for abbr, targets in _units()[1].items():
        for tok in targets:
            for term in voc.index.get((tok,), []):
                voc.add(tuple(normalize(abbr).split()), Term(term.kind, term.value, term.names,
                                                             weak=True))  # fmt: skip
    voc.unit_options = {u: sorted(ns) for u, ns in units.items()}
    voc.size_options = {name for name, like in size_like.items() if like}
    words: set[str] = set()
    voc.name_words = name_words
    for p in products:
        own = " ".join(str(x) for x in [p.get("name"), p.get("category"), p.get("brand"),
                                         *(p.get("tags") or [])] if x)  # fmt: skip
        words |= set(re.findall(r"[a-z]{5,}", own.lower()))
    for vals in [*voc.options.values(), *voc.facets.values()]:
        for val in vals:
            words |= set(re.findall(r"[a-z]{5,}", val.lower()))
    voc.spelling = sorted(words)
    voc._spelling_set = frozenset(words)
    # Phrases of the shop's own with "and" in them: a split there would cut a name in two.
    joined = [*voc.categories, *voc.brands, *(p.get("name") or "" for p in products),
              *(v for vs in [*voc.options.values(), *voc.facets.values()] for v in vs)]  # fmt: skip
    voc.and_phrases = frozenset(
        phrase for x in joined if " and " in f" {(phrase := normalize(str(x)))} "
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
    for brand, n in brands.items():
        voc.add(tuple(normalize(brand).split()), Term("brand", brand, (), products=n))
    # Colour words, when the shop describes colours at all: "navy" meets "Blue" by family, and
    # a colour it does not sell is still asked for ("red" -> reported as unmet). Only where the
    # word reads as a colour (``_colour_context``): "rose" in a gift request is no colour.
    for word, _fam in _color_words().items():
        if voc.color_families:  # the shop describes colours at all
            key = tuple(normalize(word).split())
            if not any(t.kind in {"option", "facet"} for t in voc.index.get(key, [])):
                voc.add(key, Term("color", word, ()))
    voc.build_seconds = time.perf_counter() - t0
    return voc


_SUFFIXES = (("ies", "y"), ("es", ""), ("s", ""), ("ed", ""), ("ed", "e"), ("ing", ""),
             ("ing", "e"), ("er", ""), ("est", ""), ("ly", ""))  # fmt: skip


def _known(word: str, english: frozenset[str]) -> bool:
    """An English word or a regular inflection of one ("hikes", "rattling")."""
    if word in english:
        return True
    for suffix, repl in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            stem = word[: -len(suffix)] + repl
            if stem in english or (len(stem) > 3 and stem[-1] == stem[-2] and stem[:-1] in english):
                return True
    return False


@lru_cache(maxsize=1)
def _english() -> frozenset[str]:
    """Words never corrected.

    The whole words of the MiniLM tokenizer's vocabulary (common English, ~20k) and the words
    the offline examples use (slang included).
    """
    vocab = json.loads(TOKENIZER_PATH.read_text(encoding="utf-8"))["model"]["vocab"]
    words = {w for w in vocab if w.isalpha() and w.isascii()} | set(lexicon()["stopwords"])
    for name in ("intent_examples.jsonl", "fact_examples.jsonl", "support_examples.jsonl"):
        for line in (DATA / name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                words |= set(re.findall(r"[a-z]+", json.loads(line)["text"].lower()))
    return frozenset(words)


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
            select(P.id, P.name, P.category, P.tags, P.brand).where(
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
