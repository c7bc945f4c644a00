"""Entities of a focused question: prices, colours, sizes, any option of the shop, references.

Grounded in the creator's catalog vocabulary (``tools/vocabulary.py``): a value becomes a
filter on the option that carries it; what matches nothing stays in the search query. The
words that point at shown products and ask things of the search are data
(``prompts/data/references.json``, ``search.json``; flavours: ``lexicon.json``).
"""

from __future__ import annotations

import itertools
import json
import re
from functools import lru_cache
from typing import Any, Literal

from pydantic import BaseModel, Field

from prompts.grammar import (
    BUDGET_IN_QUESTION,
    CAPACITY,
    FROM_WEIGHT,
    NUMERIC_SIZE,
    PRICE_AROUND,
    PRICE_BETWEEN,
    PRICE_CAP,
    PRICE_FLOOR,
    PRICE_RANGE,
    SIZE_ASKED,
    price_value,
    spoken_thousands,
)
from prompts.lexicon import (
    color_family,
    is_color_option,
    is_size_option,
    lexicon,
    normalize_size,
    stem,
    tokenize,
)
from prompts.loader import DATA
from prompts.phrasing import (
    ANAPHORA,
    BIGGER,
    BY_UNIT,
    CHEAPEST,
    DESC_STOP,
    DESCRIBES_FIT,
    DESCRIPTION,
    FIRST_N,
    FIRST_N_COUNTS,
    FREE_AFTER,
    LETTER,
    NEGATED_LIST,
    NOT_BEFORE,
    NOT_BIGGER,
    NOT_LETTER,
    NOT_NAMES,
    NOT_OPTION,
    NOT_SIZED,
    NUMBER_REF,
    ORDINAL,
    ORDINALS,
    PRICIEST,
    PURPOSE,
)
from tools.units import normalize, same_value
from tools.vocabulary import Match, Vocabulary


class Reference(BaseModel):
    """A pointer to a product shown earlier: by position, letter, or description."""

    kind: Literal["ordinal", "letter", "description", "anaphora"]
    index: int | None = None  # 0-based for ordinals/letters; -1 for "the last one"
    text: str = ""
    color: str | None = None


class Entities(BaseModel):
    """What a question constrains."""

    min_price: float | None = None
    max_price: float | None = None
    sort: Literal["relevance", "price_asc", "price_desc"] = "relevance"
    colors: list[str] = Field(default_factory=list)
    sizes: list[str] = Field(default_factory=list)
    categories: list[str] = Field(default_factory=list)
    options: dict[str, list[str]] = Field(default_factory=dict)
    brands: list[str] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)  # plain tags named ("organic", "washable")
    # "the big tub", "the smaller one", "the bigger ssd": which end of a size or quantity
    # option to offer first, and the word naming that option when one follows.
    prefer: Literal["largest", "smallest"] | None = None
    prefer_option: str = ""
    # Values asked to be absent ("nut free", "no leather", "without caffeine").
    excluded: list[str] = Field(default_factory=list)
    references: list[Reference] = Field(default_factory=list)
    # The words the catalog vocabulary recognised (kept out of the search query text).
    matched: list[str] = Field(default_factory=list)

    def points(self) -> bool:
        """Whether a shown product is named by position or letter ("the 3rd one", "option B")."""
        return any(r.kind in {"ordinal", "letter"} for r in self.references)

    def has_filters(self) -> bool:
        """Whether any constraint beyond the text was found."""
        return bool(
            self.min_price is not None
            or self.max_price is not None
            or self.colors
            or self.sizes
            or self.options
            or self.brands
            or self.sort != "relevance"
        )


# "a 500g bag", "the big 240 box": packaging after a quantity names no kind of product
AFTER_QUANTITY = re.compile(r"\d\s*(?:[a-z]{1,3})?\s+$", re.I)


def _lexicon_entities(ent: Entities, words: list[str], low: str) -> None:
    """Colours and flavours from the shared lexicon, for callers without a catalog."""
    families = lexicon()["color_families"]
    for i, w in enumerate(words):
        if w in ("rose",) and i + 1 < len(words) and words[i + 1] == "gold":
            continue
        fam = color_family(w)
        if fam and w in {s for syns in families.values() for s in syns}:
            if w not in ent.colors and not (w == "royal" and i + 1 < len(words)):
                ent.colors.append(w)
    for flavour, name in lexicon()["flavours"].items():
        if flavour in low:
            ent.options.setdefault("flavor", []).append(name)


def _measure_asked(low: str, vocab: Vocabulary) -> str:
    """The unit word an adjective asks the most of ("bright": lumens), if the shop has it."""
    for pattern, unit in BY_UNIT:
        if pattern.search(low) and any(
            stem(unit) in tokenize(v) for vals in vocab.options.values() for v in vals
        ):
            return unit
    return ""


def _ground(ent: Entities, text: str, vocab: Vocabulary, sizes: list[str]) -> list[tuple[int, int]]:
    """Entities from the creator's own catalog vocabulary (``tools.vocabulary``).

    An option value or facet becomes a filter on its own option; a colour word the shop does
    not write becomes a colour filter (matched by family); sizes ("medium", "size 10") bind to
    the options that carry them. A word that names both a product category and an option
    value ("sage" the herb, "Sage" the mug colour) is the product when nothing else is.
    """
    named = [(a, b) for a, b, _ in vocab.named_spans(text, starts=True)]
    matches = [
        m
        for m in vocab.ground(text)
        if m.kind not in {"option", "facet", "color", "category"}
        or not any(
            a <= m.start and m.end <= b and ((m.start, m.end) != (a, b) or m.kind == "facet")
            for a, b in named
        )
    ]  # ("the crystal drop earrings" is that product: no "Crystal" top of a labret stud; "the
    # kestrel scout" is the pen, not the nib unit tagged "compatible: Kestrel Scout")
    # spans of several words ("protein bar" the tag): a category word inside one is a modifier
    longer = [(m.start, m.end) for m in matches if " " in text[m.start : m.end].strip()
              or "-" in text[m.start : m.end]]  # fmt: skip
    spans_with_category = {(m.start, m.end) for m in matches if m.kind == "category"}
    # a brand is not also an option value ("the 8-cup chemex": Chemex the maker, not a grinder's
    # "Chemex" grind setting)
    brand_spans = {(m.start, m.end) for m in matches if m.kind == "brand"}
    matches = [
        m for m in matches
        if not (m.kind in {"option", "facet"} and (m.start, m.end) in brand_spans)
    ]  # fmt: skip
    # One span that is a value of several options ("medium": a band's weight, a size M) is one
    # filter on any of them: the product at hand decides which applies.
    by_span: dict[tuple[int, int], list[Match]] = {}
    for m in matches:
        if m.kind in {"option", "facet"}:
            by_span.setdefault((m.start, m.end), []).append(m)
    negated_to = -1  # end of the last value asked to be absent
    for m in matches:
        free = FREE_AFTER.match(text[m.end :])
        gap = text[negated_to : m.start]  # ("isnt nickel right?": no list goes on by a space)
        listed = negated_to >= 0 and gap.strip() and NEGATED_LIST.fullmatch(gap)
        if free or listed or NOT_BEFORE.search(text[: m.start]):
            # "nut free", "no leather", "without caffeine", "without leather or wool": asked
            # to be absent, not a filter
            negated_to = m.end
            if m.value.lower() not in [x.lower() for x in ent.excluded]:
                ent.excluded.append(m.value)
            ent.matched.append(text[m.start : m.end + (free.end() if free else 0)])
            continue
        if m.kind in {"option", "facet"}:
            if (m.start, m.end) in spans_with_category and not any(
                c.kind == "category" and (c.start, c.end) != (m.start, m.end) for c in matches
            ):
                continue
            group = by_span.get((m.start, m.end), [m])
            if group[0] is not m:
                continue
            group = sorted(group, key=lambda g: (g.option, g.value))  # one key for one span
            names = list(dict.fromkeys(n for g in group for n in g.option.split("|")))
            if m.kind == "option" and all(is_color_option(n) for n in names):
                # the shop's colour option: one colour grammar for every reader (search
                # matches the value or its family)
                ent.colors += [g.value.lower() for g in group if g.value.lower() not in ent.colors]
                ent.matched.append(text[m.start : m.end])
                continue
            if m.kind == "option" and all(is_size_option(n) for n in names):
                ent.sizes += [s for g in group if (s := normalize_size(g.value)) not in ent.sizes]
                ent.matched.append(text[m.start : m.end])
                continue
            key = "|".join(names)
            values = ent.options.setdefault(key, [])
            for g in group:
                if g.value not in values:
                    values.append(g.value)
        elif m.kind == "color":
            if m.value not in ent.colors:
                ent.colors.append(m.value)
        elif m.kind == "brand" and m.value not in ent.brands:
            ent.brands.append(m.value)
        elif m.kind == "tag":
            if m.value not in ent.tags:
                ent.tags.append(m.value)
            continue  # a tag word ("foam", "whey") also names the product: it stays in the query
        elif m.kind == "category" and ">" in m.value:
            # "men's shirts": the path "Men > Shirts" (its words stay in the query)
            if m.value not in ent.categories:
                ent.categories.append(m.value)
            continue
        else:
            continue
        ent.matched.append(text[m.start : m.end])
    for size in sizes:
        if size in ent.sizes or any(
            normalize_size(v) == size for vals in ent.options.values() for v in vals
        ):
            continue
        owners = {
            (name, value)
            for name, values in vocab.options.items()
            for value in values
            if normalize_size(value) == size
            or same_value(value, f"size {size}")
            or (is_size_option(name) and _labelled(value, size))
        }
        if owners and all(is_size_option(name) for name, _ in owners):
            # "a 9" is "UK 9" where the shop writes its sizes so; the number itself stays
            # asked for the labels whose range holds it ("L (UK 9-11)")
            ent.sizes += [s for s in (size, *sorted({normalize_size(v) for _, v in owners}))
                          if s not in ent.sizes]  # fmt: skip
            continue
        for name, value in sorted(owners):
            ent.options.setdefault(name, []).append(value)
        if not owners and size[:1].isdigit():
            # "size 48" where the shop has sizes 40-46: asked, and reported as unmet
            # (an option whose values read "Size 42", or a size option of plain numbers)
            worded = [n for n, vals in vocab.options.items() if any(
                normalize_size(v)[:1].isdigit() and "size" in v.lower() for v in vals)]  # fmt: skip
            plain = [n for n, vals in vocab.options.items() if (
                is_size_option(n) or n.lower().split()[-1:] == ["size"]) and any(
                re.fullmatch(NUMERIC_SIZE, v.strip()) for v in vals)]  # fmt: skip
            if worded:
                ent.options.setdefault("|".join(worded), []).append(f"Size {size}")
            elif plain:
                ent.options.setdefault("|".join(plain), []).append(size)
    return longer


def _labelled(value: str, size: str) -> bool:
    """Whether a size value is the number asked under a short system label ("UK 9" for 9)."""
    toks = normalize(value).split()
    return len(toks) == 2 and toks[1] == size.lower() and toks[0].isalpha() and len(toks[0]) <= 3


def _for_an_adult(ent: Entities, low: str, vocab: Vocabulary) -> None:
    """Who an adult buys for ("im a guy", "for my wife") turns a kind into their path.

    Only where the shop has one ("Men > Knitwear" for a jumper); nothing else is filtered.
    """
    if not ent.categories:
        return
    for group in audiences()["adults"].values():
        if not any(re.search(p, low, re.I) for p in group["said"]):
            continue
        paths = []
        for cat in ent.categories:
            found = next((t.value for w in group["words"]
                          for t in vocab.index.get(tuple(normalize(f"{w} {cat}").split()), [])
                          if t.kind == "category" and ">" in t.value), None)  # fmt: skip
            paths.append(found or cat)
        ent.categories = list(dict.fromkeys(paths))
        return


def _for_a_child(ent: Entities, low: str, vocab: Vocabulary) -> None:
    """A child's age ("my daughter turns 7") asks for what the shop labels as for kids.

    The shop's own word decides ("bike type: kids", a "Kids" category): the first of the
    audience words (``prompts/data/audiences.json``) its vocabulary has becomes a filter.
    """
    child = audiences()["child"]
    ages = [int(m.group(1)) for p in child["ages"] for m in re.finditer(p, low, re.I)]
    if not ages or min(ages) > child["max_age"]:
        return
    for word in child["words"]:
        rank = {"option": 0, "facet": 0, "category": 1, "tag": 2}  # (tags only rank results)
        found = sorted((m for m in vocab.ground(word) if m.kind in rank),
                       key=lambda m: rank[m.kind])  # fmt: skip
        if not found:
            continue
        m = found[0]
        if m.kind == "tag" and m.value not in ent.tags:
            ent.tags.append(m.value)
        elif m.kind == "category" and m.value not in ent.categories:
            ent.categories.append(m.value)
        elif m.kind in {"option", "facet"}:
            ent.options.setdefault(m.option, [])
            if m.value not in ent.options[m.option]:
                ent.options[m.option].append(m.value)
        return


@lru_cache(maxsize=1)
def audiences() -> dict[str, Any]:
    """Who products are for, said in the customer's words (``prompts/data/audiences.json``)."""
    return dict(json.loads((DATA / "audiences.json").read_text(encoding="utf-8")))


def _without_purpose(
    text: str, product_types: dict[str, str], vocab: Vocabulary | None = None
) -> str:
    """``text`` with the thing a product is for blanked out, when a kind was named before it.

    "cushions for a grey sofa" asks for cushions: the sofa and its colour are the setting,
    not a second kind nor a colour filter.
    """
    for m in PURPOSE.finditer(text):
        before = re.findall(r"[a-z]+", text[: m.start()].lower())
        if not any(stem(w) in product_types for w in before):
            continue
        end = m.start(1)
        for w in re.finditer(r"[a-z-]+", m.group(1).lower()):
            end = m.start(1) + w.end()
            if stem(w.group(0)) in product_types:
                phrase = text[m.start() : end]
                if vocab is not None and any(  # "ground for a french press": a grind
                    g.kind in {"option", "facet"} and g.end >= len(phrase.rstrip())
                    for g in vocab.ground(phrase)
                ):
                    break
                return text[: m.start()] + " " * (end - m.start()) + text[end:]
    return text


def extract_entities(
    text: str, product_types: dict[str, str] | None = None, vocab: Vocabulary | None = None
) -> Entities:
    """Entities of one question.

    Prices and references by rule; options, colours, sizes, brands and tags from the creator's
    catalog vocabulary (``vocab``) when given, else from the shared lexicon; ``product_types``
    maps stemmed words to category names.
    """
    ent = Entities()
    if product_types:
        text = _without_purpose(text, product_types, vocab)
    low = text.lower()
    money = spoken_thousands(low)  # ("under a grand")
    m = PRICE_BETWEEN.search(money) or PRICE_RANGE.search(money)
    if (
        m and vocab is not None and not re.search(r"[$£€]", m.group(0))
        and any(
            g.kind in {"option", "facet"} and g.end - g.start >= len(m.group(0).strip())
            for g in vocab.ground(m.group(0).strip())
        )
    ):  # fmt: skip
        m = None  # "10-46 pls": the strings' gauge the shop sells, not a price range
    named_range = None
    if (
        m and vocab is not None and not re.search(r"[$£€]", m.group(0))
        and vocab.names_range(m.group(1).strip(), m.group(2).strip())
    ):  # fmt: skip
        # "the used canon 70-200": a lens the shop names so, not a price range, and its
        # numbers are no option values either ("200" is also a film's ISO)
        named_range = m.span() if money == low else None
        m = None
    if m:
        a, b = sorted((price_value(m.group(1)), price_value(m.group(2))))
        ent.min_price, ent.max_price = a, b
    else:
        held = [c.span() for c in CAPACITY.finditer(money)]  # "it only goes up to 4"
        caps = (c for c in PRICE_CAP.finditer(money)
                if not any(a < c.end() and c.start() < b for a, b in held))  # fmt: skip
        if m := next(caps, None):
            ent.max_price = price_value(m.group(1))
        if (m := PRICE_FLOOR.search(money)) and not FROM_WEIGHT.search(money):
            ent.min_price = price_value(m.group(1))
        if ent.max_price is None and (m := BUDGET_IN_QUESTION.search(money)):
            ent.max_price = price_value(m.group(1) or m.group(2))
        if ent.min_price is None and ent.max_price is None and (m := PRICE_AROUND.search(money)):
            center = price_value(m.group(1))
            ent.min_price, ent.max_price = round(center * 0.8, 2), round(center * 1.2, 2)
    if CHEAPEST.search(low):
        ent.sort = "price_asc"
    elif PRICIEST.search(low):
        ent.sort = "price_desc"
    if (
        (m := BIGGER.search(low))
        and not NOT_BIGGER.search(low[: m.start()])
        and (m.group(3) or "") not in NOT_SIZED
        and not (vocab is not None and (m.group(1) or m.group(2)) in vocab.name_words)
    ):  # ("a big fan", "big enough", "the Big Dog kibble": no size asked)
        ent.prefer = "largest" if m.group(1) else "smallest"
        after = m.group(3) or ""
        ent.prefer_option = "" if after in NOT_OPTION else after
    elif vocab is not None and (unit := _measure_asked(low, vocab)):
        ent.prefer, ent.prefer_option = "largest", unit  # "really bright": most lumens
    words = re.findall(r"[a-z]+(?:-[a-z]+)?", low)
    sizes = []
    for m in SIZE_ASKED.finditer(text):
        if DESCRIBES_FIT.search(text[: m.start()]):
            continue  # "they're too small" describes fit, it asks for no size
        raw = next(g for g in m.groups() if g)
        if normalize_size(raw) not in sizes:
            sizes.append(normalize_size(raw))
    longer: list[tuple[int, int]] = []
    if vocab is not None:
        grounded = text
        if named_range is not None:
            a, b = named_range
            grounded = f"{text[:a]}{' ' * (b - a)}{text[b:]}"
        longer = _ground(ent, grounded, vocab, sizes)
        _for_a_child(ent, low, vocab)
        if (
            ent.prefer
            and (m := BIGGER.search(low))
            and any(normalize(x) == normalize(m.group(1) or m.group(2) or "") for x in ent.matched)
        ):  # "the wider fit" named the shop's "Wide": a value, not the widest
            ent.prefer, ent.prefer_option = None, ""
    else:
        ent.sizes = sizes
        _lexicon_entities(ent, words, low)
    if product_types:
        # "pre workout" meets the catalog's "Pre-Workout"
        longer = [
            (a, b)
            for a, b in longer  # "pre-workout" the tag is also the category
            if stem(re.sub(r"[\s-]+", "-", low[a:b].strip())) not in product_types
        ]
        spans = [m for m in re.finditer(r"[a-z]+(?:-[a-z]+)?", low)
                 if not any(a <= m.start() and m.end() <= b for a, b in longer)
                 and not AFTER_QUANTITY.search(low[: m.start()])]  # fmt: skip
        free = [m.group(0) for m in spans]
        # two words that name a kind together ("dining tables", "coffee tables") are that
        # kind: neither word alone is another kind, nor a colour
        used = [False] * len(free)
        for i, (mod, head) in enumerate(zip(free, free[1:], strict=False)):
            if (cat := product_types.get(stem(f"{mod}-{head}"))) and "-" not in mod + head:
                used[i] = used[i + 1] = True
                if cat not in ent.categories:
                    ent.categories.append(cat)
                if mod in ent.colors:
                    ent.colors.remove(mod)
                    ent.matched = [w for w in ent.matched if w.lower() != mod]
        for i, (w, taken) in enumerate(zip(free, used, strict=True)):
            cat = product_types.get(stem(w))
            if i + 1 < len(free) and not used[i + 1] and product_types.get(stem(free[i + 1])):
                continue  # "desk lamp": the last noun of a compound is the kind
            if cat and not taken and cat not in ent.categories:
                ent.categories.append(cat)
    if vocab is not None and ent.categories and (named := vocab.named_spans(text)):
        # a product named outright keeps only the categories it is in ("the crystal drop
        # earrings" are no "Drops"; "the sour gummy bears" stay "Snacks")
        own = [set(tokenize(cat.replace(">", " "))) for _, _, cat in named]
        ent.categories = [c for c in ent.categories
                          if any(set(tokenize(c)) <= o for o in own)]  # fmt: skip
    if vocab is not None:
        _for_an_adult(ent, low, vocab)
    if m := FIRST_N.search(low):
        n = FIRST_N_COUNTS[next(g for g in m.groups() if g)]
        for i in range(n):
            ent.references.append(Reference(kind="ordinal", index=i, text=m.group(0)))
    for m in ORDINAL.finditer(low):
        if ent.references and ent.references[0].text == m.group(0):
            continue
        word = m.group(1) or m.group(2)
        ent.references.append(Reference(kind="ordinal", index=ORDINALS[word], text=m.group(0)))
    for m in NUMBER_REF.finditer(low):
        ent.references.append(Reference(kind="ordinal", index=int(m.group(1)) - 1, text=m.group(0)))
    for m in LETTER.finditer(text):
        if m.group(0).split()[0].lower() not in NOT_LETTER:
            idx = ord(m.group(1)) - ord("A")
            ent.references.append(Reference(kind="letter", index=idx, text=m.group(0)))
    desc = DESCRIPTION.search(low)
    if desc and not ent.references:
        phrase = " ".join(g for g in desc.groups() if g)
        if not desc.group(1):
            # "the whey protein concentrate": the whole name, so that it cannot resolve to the
            # whey protein isolate on screen (every word must fit the product it points to).
            more = re.match(r"(?:\s+[a-z]+){0,2}", low[desc.end() :]).group(0).split()  # type: ignore[union-attr]
            phrase = " ".join([phrase, *itertools.takewhile(lambda w: w not in DESC_STOP, more)])
        tokens = phrase.split()
        color = next((t for t in tokens if color_family(t)), None)
        # "the competition one" names a shown product by a word of its name (resolved against
        # the products on screen); "the cheapest one" / "the other one" do not.
        named_one = bool(desc.group(1)) and not any(
            t.endswith("est") or t in NOT_NAMES for t in tokens
        )
        if color or named_one or (product_types and any(stem(t) in product_types for t in tokens)):
            ent.references.append(Reference(kind="description", text=phrase, color=color))
    if not ent.references and ANAPHORA.search(low):
        ent.references.append(Reference(kind="anaphora", text=ANAPHORA.search(low).group(0)))  # type: ignore[union-attr]
    if ent.categories and (owned := _owned_words(low)):
        # "smth to keep my knives on the wall", "want to match my cushions": what the customer
        # owns is the setting, not the kind asked for (unless it is also named as wanted)
        elsewhere = {stem(w) for w in re.findall(r"[a-z]+", OWNED.sub(" ", low))}
        ent.categories = [
            c for c in ent.categories
            if not (set(tokenize(c)) & owned) or set(tokenize(c)) & elsewhere
        ]  # fmt: skip
    return ent


# "my knives", "our old cast iron pan": a possessive phrase (up to four words; its noun is the
# last word before a verb or a preposition)
OWNED = re.compile(r"\b(?:my|our)\s+((?:[a-z'-]+\s*){1,4})", re.I)
_PHRASE_END = frozenset(
    "is are was were just on in to for and or with that which doesnt doesn't dont don't keeps"
    " always never has have had at from of but so still".split()
)
# ... that the customer wants replaced: it broke, or it fails them ("my cleanser just smears it")
_REPLACED = re.compile(
    r"^\s*(?:is\s+|was\s+|are\s+)?(?:broke|broken|died|dead|gone|lost|stolen|just|doesn'?t|"
    r"does not|won'?t|isn'?t|keeps|always|never|awful|rubbish|terrible|useless|bad|sucks)\b"
)


def _owned_words(low: str) -> set[str]:
    """Stems of the nouns of possessive phrases the customer keeps (not ones to replace)."""
    out = set()
    for m in OWNED.finditer(low):
        words = m.group(1).split()
        n = next((i for i, w in enumerate(words) if w in _PHRASE_END), len(words))
        if n == 0:
            continue
        before = low[max(0, m.start() - 20) : m.start()]
        if re.search(r"\b(?:replace|replacing|upgrade|upgrading|new)\s*$", before):
            continue  # "replace my kettle": a kettle is asked for
        noun = words[n - 1]
        rest = low[m.start(1) + m.group(1).find(noun) + len(noun) :] if noun in m.group(1) else ""
        if _REPLACED.match(rest):
            continue  # "my cleanser just smears it", "my journal is awful": a better one
        out.add(stem(noun))
    return out
