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
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from memory.embeddings import TOKENIZER_PATH
from prompts.lexicon import (
    is_color_option,
    lexicon,
    stem,
)
from prompts.loader import DATA
from tools.units import Token, magnitude, normalize, quantity, tokens, unit_table, within

Kind = Literal["option", "facet", "tag", "category", "brand", "color", "size", "option_name"]


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
    # Options whose values are ranges ("S (160-170cm)", "M (5'7-5'11)"), by base unit ("mm")
    range_options: dict[str, list[str]] = field(default_factory=dict)
    # ... and options whose values a listing's size guide gives ranges ("S/M chest 80-100cm")
    guided_options: dict[str, list[str]] = field(default_factory=dict)
    index: dict[tuple[str, ...], list[Term]] = field(default_factory=dict)
    build_seconds: float = 0.0
    # Words of product names (a word that names products is no option value to paraphrase).
    name_words: set[str] = field(default_factory=set)
    size_options: set[str] = field(default_factory=set)
    # Product names of two words or more, normalised: words that name a product outright
    # ("the crystal drop earrings") are that product, not a category and an option value.
    product_names: dict[tuple[str, ...], str] = field(default_factory=dict)  # -> its category
    # The first two words of longer names no other name starts with ("trail claw")
    name_starts: dict[tuple[str, ...], str] = field(default_factory=dict)
    # The catalog's own words of five letters or more (names, categories, tags, options).
    spelling: list[str] = field(default_factory=list)
    _spelling_set: frozenset[str] = frozenset()
    # The catalog's own words of three letters or more, for its spelling ("tyre", not "tire").
    own_words: frozenset[str] = frozenset()
    _grounded: dict[str, list[Match]] = field(default_factory=dict)
    _named: dict[tuple[str, bool], list[tuple[int, int, str]]] = field(default_factory=dict)
    and_phrases: frozenset[str] = frozenset()
    # pairs the shop writes with an evaluative word ("dishwasher safe"): stated properties
    stated: frozenset[str] = frozenset()
    # Meaning-level matching of a value the catalog does not spell ("decaf" -> decaffeinated):
    # the embedder and, built on first use, the vectors of the catalog's own values.
    embedder: Any = None
    _values: tuple[list[list[Term]], Any] | None = None
    _roots: dict[str, list[int]] = field(default_factory=dict)  # a value word's first 4 letters
    _name_ranges: frozenset[tuple[str, str]] | None = None
    _all_names: dict[tuple[str, ...], str] | None = None
    _longest: int = 0

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

    def _money_value(self, norm: str) -> bool:
        """Whether an option's value is this amount of money ("$50": a gift card's amount)."""
        return any(
            t.kind == "option" and re.search(r"[$£€]", t.value) for t in self.index.get((norm,), [])
        )

    def _ground(self, text: str) -> list[Match]:
        toks = tokens(text)
        # a price is no option value ("my budget is $20" is not the 20 cm pan), unless the
        # shop's value is that amount of money ("a $50 gift card", never "under $50")
        used = [
            (t.start > 0 and text[t.start - 1] in "$£€")
            and not (self._money_value(t.norm) and not _PRICE_CUE.search(text[: t.start - 1]))
            or (self._money_value(t.norm) and bool(_PRICE_CUE.search(text[: t.start])))
            for t in toks
        ]  # fmt: skip ("spend more than 100" is no £100 voucher either)
        # a measure of the person ("he weighs about 20 kilos") is no product's "20kg"
        personal = {k for k, t in enumerate(toks) if quantity(t.norm) and _of_person(toks, k)}
        for k in personal:
            used[k] = True
        found: list[tuple[int, int, Term]] = []
        for n in range(min(5, len(toks)), 0, -1):  # longest first; a full value before a part
            for weak_pass in (False, True):
                for i in range(len(toks) - n + 1):
                    if any(used[i : i + n]):
                        continue
                    key = tuple(t.norm for t in toks[i : i + n])
                    terms = [t for t in self.index.get(key, []) if t.weak == weak_pass]
                    sized = i > 0 and toks[i - 1].norm == "size"  # "size S": a label, not 's
                    if not terms or (n == 1 and key[0] in _STOP and not sized):
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
            if t.kind == "color" and (
                # ("get a stone" in a shop of whetstones: a word of its products' names)
                (self._colour_context(toks, i, j, nouns)
                 and not all(k.norm in self.name_words for k in toks[i:j]))
                # ("a bright yellow" where a colour reads "Neon Yellow": the shop's own colour)
                or any(
                    x.kind == "option"
                    for x in self.index.get(tuple(k.norm for k in toks[i:j]), [])
                )
            )
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
            right_after = {name for a, _, name in named_at if a == j}
            if (
                term.kind == "option" and j == i + 1
                and re.fullmatch(r"\d+(?:\.\d+)?", toks[i].norm)
                and mentioned and not (right_after or mentioned) & set(names)
            ):  # fmt: skip
                # "a 40 waist, 32 leg" where some product's waist is a plain "32": the number
                # is a value of the option named with it ("L32"), the one after it first
                carriers = sorted(n for n in (right_after or mentioned) if n in self.options)
                if carriers:
                    number = toks[i].norm
                    alone = re.compile(rf"(?<![\d.]){re.escape(number)}(?![\d.])")
                    same = [v for n in carriers for v in self.options[n] if alone.search(v)]
                    value = same[0] if same else text[toks[i].start : toks[i].end]
                    matches.append(Match("option", value, tuple(carriers), toks[i].start,
                                         toks[i].end, exact=bool(same)))  # fmt: skip
                    continue
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
                and toks[i].norm.isalpha()  # ("measures 56cm": a number has no such qualifier)
                and len(toks[k].norm) > 2 and toks[k].norm not in _STOP
                and all(n in self.size_options for n in names)
                and not self.index.get((toks[k].norm,)) and toks[k].norm not in self.name_words
            ):  # fmt: skip
                # "super king" where the shop has King only: a size of its own, asked and unmet
                used[k] = True
                matches.append(Match("option", text[toks[k].start : toks[j - 1].end], names,
                                     toks[k].start, toks[j - 1].end, exact=False))  # fmt: skip
                continue
            if q and term.kind == "option":
                # "my head measures 56cm": a frame size of 56cm, and a helmet's "M (54-58 cm)"
                names = tuple(dict.fromkeys([*names, *self._holding(toks[i].norm)]))
            matches.append(Match(term.kind, term.value, names, toks[i].start, toks[j - 1].end))
        # A word the catalog does not have, right before an option's name ("light roast" where
        # only medium and dark are roasted): a value of that option, asked for and unmet.
        for a, b, name in named_at:
            # "extra fine nib" where nibs read EF, F, M, B: the value the words' initials spell
            for n in (3, 2, 1):
                k0 = a - n
                if k0 < 0 or any(used[k0:a]) or name not in self.options:
                    continue
                words = [t.norm for t in toks[k0:a]]
                if not all(w.isalpha() and len(w) > 2 and w not in _STOP for w in words):
                    continue
                initials = "".join(w[0] for w in words).upper()
                spelt = [v for v in self.options[name] if v.isalpha() and v == initials]
                if spelt:
                    used[k0:a] = [True] * n
                    matches.append(Match("option", spelt[0], (name,), toks[k0].start,
                                         toks[a - 1].end))  # fmt: skip
                    break
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
        # (with a unit its values do not write: "16 inch collar" where collars read "16")
        for k in range(len(toks) - 1):
            if used[k] or not re.fullmatch(r"\d+(?:\.\d+)?(?:[a-z]+)?", toks[k].norm):
                continue
            if not toks[k].norm[-1].isdigit() and quantity(toks[k].norm) is None:
                continue
            names = tuple(n for n in self.options if toks[k + 1].norm in (
                stem(n.split()[0]), n.split()[0]) and len(n.split()[0]) > 2
                and any(ch.isdigit() for v in self.options[n] for ch in v))  # fmt: skip
            # (a count of things is no value of an option without numbers: "4 or 5 pens" is
            # no "pen finish")
            if not names:
                continue
            used[k] = True
            # (as written: 27.5 of '27.5"', not in mm)
            written = float(re.sub(r"[a-z]+$", "", toks[k].norm))
            same = [v for n in names for v in self.options[n]
                    if (mg := quantity(v) or magnitude(v)) and mg[0] == written]  # fmt: skip
            asked = same[0] if same else text[toks[k].start : toks[k].end]
            matches.append(Match("option", asked, names, toks[k].start, toks[k].end,
                                 exact=bool(same)))  # fmt: skip
        # A number with a unit that no value has: bind it to the options carrying that unit
        # (bare dimensions, "200x300", to the options whose values are dimensions).
        for k, tok in enumerate(toks):
            if used[k] and k not in personal:
                continue
            if k in personal or (k and toks[k - 1].norm in _PERSON_BEFORE):
                # "what frame size for 180cm", "im 5'9", "he weighs about 20 kilos": the rider,
                # not the frame; a size labelled by the heights or weights it fits ("M
                # (5'7-5'11)", "Child (15-25kg)") is chosen by it, a size option first
                mg = magnitude(tok.norm) if quantity(tok.norm) else None
                names = tuple(self._holding(tok.norm) or self.range_options.get(mg[1], [])
                              if mg else ())  # fmt: skip
                guided = tuple(self.guided_options.get(mg[1], [])) if mg else ()
                names = tuple(n for n in names if n in self.size_options) or names
                names = tuple(dict.fromkeys([*names, *guided]))  # ("230cm" for 175-185cm)
                if names:
                    value = text[tok.start : tok.end].strip()
                    matches.append(Match("option", value, names, tok.start, tok.end, exact=False))
                continue
            q = quantity(tok.norm)
            if q is None and re.fullmatch(r"\d+(?:\.\d+)?x\d+(?:\.\d+)?", tok.norm):
                q = (0.0, "x")
            names = tuple(self.unit_options.get(q[1], ())) if q else ()
            if q and not names:
                names = self._kin_options(tok.norm)  # ("7ft" where rugs read 7'0")
            if names:
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

    def _kin_options(self, norm: str) -> tuple[str, ...]:
        """Options carrying another unit of the same kind ("7ft" for sizes in inches)."""
        mg = magnitude(norm)
        if not mg:
            return ()
        return tuple(dict.fromkeys(
            n for u, ns in self.unit_options.items()
            if (one := magnitude(f"1{u}")) and one[1] == mg[1] for n in ns
        ))  # fmt: skip

    def personal(self, text: str) -> bool:
        """Whether ``text`` gives a measure of the customer ("i measured my chest at 112cm")."""
        toks = tokens(text)
        return any(quantity(t.norm) and _of_person(toks, k) for k, t in enumerate(toks))

    def _holding(self, measure: str) -> list[str]:
        """Options with a value whose range holds ``measure`` ("56cm" in "M (54-58 cm)")."""
        mg = magnitude(measure)
        if mg is None:
            return []
        return [n for n in self.range_options.get(mg[1], [])
                if any(within(measure, normalize(v)) for v in self.options.get(n, []))]  # fmt: skip

    def names_range(self, low: str, high: str) -> bool:
        """Whether a product's name holds ``low``-``high`` ("70-200" of "EF 70-200mm f/2.8L").

        A model's range ("the canon 70-200", "the tamron 28-75") is no price range.
        """
        if self._name_ranges is None:
            self._name_ranges = frozenset(
                (a, re.sub(r"[a-z]+$", "", b))
                for key in self.product_names
                for a, b in zip(key, key[1:], strict=False)
                if a.isdigit() and b[:1].isdigit()
            )
        return (low, high) in self._name_ranges

    def named_spans(self, text: str, starts: bool = False) -> list[tuple[int, int, str]]:
        """Spans of ``text`` spelling a product's whole name (2+ words) and its category.

        ``starts``: the unique first two words of a longer name count too.
        """
        if not self.product_names:
            return []
        hit = self._named.get((text, starts))
        if hit is not None:  # (read by the grounding and by the category check of one text)
            return list(hit)
        if len(self._named) >= 1024:
            self._named.clear()
        if self._all_names is None:  # (merged once: 10k names each call cost ~3 ms a turn)
            self._all_names = {**self.name_starts, **self.product_names}
            self._longest = max(len(n) for n in self._all_names)
        names = self._all_names if starts else self.product_names
        self._named[(text, starts)] = found = self._named_spans(text, names, self._longest)
        return list(found)

    @staticmethod
    def _named_spans(
        text: str, names: dict[tuple[str, ...], str], longest: int
    ) -> list[tuple[int, int, str]]:
        toks = tokens(text)
        out: list[tuple[int, int, str]] = []
        i = 0
        while i < len(toks):
            for n in range(min(longest, len(toks) - i), 1, -1):
                key = tuple(t.norm for t in toks[i : i + n])
                if key in names:
                    out.append((toks[i].start, toks[i + n - 1].end, names[key]))
                    i += n - 1
                    break
            i += 1
        return out

    def _in_values(self, word: str, names: tuple[str, ...]) -> bool:
        """Whether ``word`` is a word of some value of these options ("ssd" of "240GB SSD")."""
        return any(word in normalize(v).split() for n in names for v in self.options.get(n, []))

    def correct(self, text: str) -> str:
        """``text`` with misspelt words put right by the shop's own words ("foam roler").

        A word of five letters or more that is neither a word of this catalog nor a known
        English word is replaced by the catalog word within one edit (two from eight letters
        on) that starts with the same letter, when no other catalog word is as close.
        """
        if not self.spelling:
            return text
        english = english_words()

        def fix(m: re.Match[str]) -> str:
            word = m.group(0)
            low = word.lower()
            if (
                len(low) >= 4
                and low not in self.own_words
                and low not in unit_table()[0]
                and (mine := self._own_spelling(low))
            ):  # fmt: skip  (a unit is read by the units grammar: "metre" is no "meter")
                return mine  # "tires" in a shop that writes "tyres"
            if len(low) < 5 or not low.isascii() or low in self._spelling_set:
                return word
            if known_word(low, english):
                return word
            limit = 1 if len(low) < 8 else 2
            found = process.extract(low, self.spelling, scorer=Levenshtein.distance,
                                    score_cutoff=limit, limit=3)  # fmt: skip
            if not found:
                return word
            best = min(d for _, d, _ in found)
            near = [w for w, d, _ in found if d == best]
            # a typo keeps its first letter: "nespresso" is a brand, not "espresso"
            return near[0] if len(near) == 1 and near[0][0] == low[0] else word

        return re.sub(r"[^\W\d_]+", fix, text)

    def _own_spelling(self, low: str) -> str:
        """The catalog's spelling of a word it writes the other way ("tires" -> "tyres")."""
        stem, plural = (low[:-1], "s") if low.endswith("s") and len(low) > 4 else (low, "")
        for pattern, repl in spelling_rules():
            other = pattern.sub(repl, stem)
            if other != stem and (other + plural in self.own_words or other in self.own_words):
                return other + plural
        return ""

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
            word = toks[k].norm
            formed = [
                groups[i]
                for i in dict.fromkeys(self._roots.get(word[:4], []))
                if any(_same_root(word, w) for w in _value_words(groups[i][0].value))
            ]
            if 0 < len(formed) <= 3:  # "lefty" of "Left-handed", "smoky" of "Smoked Quartz"
                out += [Match(t.kind, t.value, t.names, toks[k].start, toks[k].end)
                        for g in formed for t in g]  # fmt: skip
                continue
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
        self._roots = {}
        for i, g in enumerate(groups):
            for w in _value_words(g[0].value):
                if len(w) >= 4:
                    self._roots.setdefault(w[:4], []).append(i)
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
        if i > 0 and toks[i - 1].norm in _SHADES:
            i -= 1  # "in the dark red": the shade word belongs to the colour
        before = toks[i - 1].norm if i > 0 else ""
        after = toks[j].norm if j < len(toks) else ""
        return (
            len(toks) <= 2
            or (i == 0 and len(toks) <= 6)  # "red if u have it", "black pls"
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


@lru_cache(maxsize=1)
def spelling_rules() -> list[tuple[re.Pattern[str], str]]:
    """British/American spelling pairs (``prompts/data/spellings.json``)."""
    data = json.loads((DATA / "spellings.json").read_text(encoding="utf-8"))
    return [(re.compile(a), b) for a, b in data["rules"]]


# A word this close in meaning to one of the catalog's values names it ("decaf" ~
# decaffeinated 0.84; "metal" ~ steel 0.78 and "winter" ~ 4-season 0.48 do not reach it).
PARAPHRASE_SIMILARITY = 0.8


PARAPHRASE_MAX_VALUES = 200


_EMBED_LOCK = threading.Lock()


# a measure after one of these is the person's ("for 180cm", "im 5'9", "she's 150cm tall")
_PERSON_BEFORE = frozenset({"for", "i'm", "im", "am", "tall", "height", "he", "she", "hes",
                            "shes", "rider"})  # fmt: skip
# ... and these, with hedges between ("she weighs about 20 kilos", "hes like 110cm")
# ("i measured my chest at about 112cm", "her waist is 70cm")
_PERSON_CUES = (_PERSON_BEFORE - {"for"}) | {
    "weighs", "weigh", "weighing", "weight", "measured", "measure", "measures", "chest", "bust",
    "waist", "hips", "hip", "neck",
}  # fmt: skip
_HEDGES = frozenset({"about", "around", "roughly", "like", "approx", "approximately", "nearly",
                     "almost", "abt", "only", "just", "is", "was", "maybe", "probably", "prob",
                     "at", "~"})  # fmt: skip


def _value_words(value: str) -> list[str]:
    """A value's words, hyphens split ("Left-handed": left, handed)."""
    return normalize(value).replace("-", " ").split()


def _same_root(a: str, b: str) -> bool:
    """Whether two words are forms of one: a shared start of 4+ letters, endings of up to 3.

    "lefty" and "left", "smoky" and "smoked"; never the same word (that is an exact match).
    """
    if a == b or not (a.isalpha() and b.isalpha()):
        return False
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n >= 4 and len(a) - n <= 3 and len(b) - n <= 3


# words that shade a colour ("dark red", "pale pink")
_SHADES = frozenset(
    "dark light deep pale bright pastel soft dusty muted vivid rich hot baby neon".split()
)
# words that make an amount of money a price limit rather than a thing bought ("under $50")
_PRICE_CUE = re.compile(
    r"\b(?:under|below|less than|up to|upto|max(?:imum)?|budget(?: is| of)?|around|about|over|"
    r"above|between|from|within|spend(?:ing)?|cheaper than|more than|no more than|only got|got|"
    r"have|of)\s*(?:about|around|like|roughly|~)?\s*$|[-–]\s*$",
    re.I,
)


def _of_person(toks: list[Token], k: int) -> bool:
    """Whether the measure at ``k`` describes the customer or who they buy for."""
    for b in range(k - 1, max(-1, k - 4), -1):
        if toks[b].norm in _PERSON_CUES:
            return True
        if toks[b].norm not in _HEDGES:
            return False
    return False


# words that judge or rank rather than name a value
_JUDGING = re.compile(
    r"^(?:\w+est|most|least|best|worst|favou?rite|fav|good|nice|right|perfect|ideal|usual|"
    r"normal|recommended|popular|new|other|same|cheap\w*|pric\w*|expensive|big\w*|small\w*|"
    r"\w+er)$"
)


_STOP = frozenset(lexicon()["stopwords"]) | {"one", "it", "is", "do", "you", "i", "me", "s"}


FACET = re.compile(r"^\s*([^:]{1,40}?)\s*:\s*(.+?)\s*$")


_SUFFIXES = (("ies", "y"), ("es", ""), ("s", ""), ("ed", ""), ("ed", "e"), ("ing", ""),
             ("ing", "e"), ("er", ""), ("est", ""), ("ly", ""))  # fmt: skip


def known_word(word: str, english: frozenset[str]) -> bool:
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
def english_words() -> frozenset[str]:
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
