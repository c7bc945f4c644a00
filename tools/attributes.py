"""Yes/no answers about a product's attributes, from its own options, facets, tags and text.

"is the jute rug washable?", "does the lamp take E27 bulbs?", "is the matcha organic?",
"are the gummy bears vegetarian?": the question's attribute is checked against one product:

1. Values of the shop's options and facets ("E27", "glass", "Indoor", "16GB"): yes when some
   variant (or the product's facet) has it, naming those variants; no when the product has that
   option with other values, naming what it has ("takes E14").
2. Diets and "X-free": the contraindication table (``prompts/data/contraindications.json``)
   says what a diet rules out; a product that mentions one of those is a no ("gelatin"), one
   that says it is vegan / X-free a yes; silence is "can't confirm".
3. Any other words ("washable", "solid wood", "caffeine"): yes when the product's text says
   them and does not negate them ("not machine washable" is a no); no when it does not say
   them (the answer says it is not listed).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal

from prompts.lexicon import color_family, is_color_option, stem
from prompts.loader import DATA
from tools.units import normalize, same_value
from tools.vocabulary import Vocabulary

Answer = Literal["yes", "no", "unknown"]


@dataclass
class Verdict:
    """The answer for one product and attribute, with what it rests on."""

    answer: Answer
    attribute: str
    evidence: str = ""
    values: list[str] = field(default_factory=list)  # fitting variant values, or what it has

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly form for tool artifacts."""
        return {"answer": self.answer, "attribute": self.attribute, "evidence": self.evidence,
                "values": self.values}  # fmt: skip


@lru_cache(maxsize=1)
@lru_cache(maxsize=1)
def contraindications() -> dict[str, Any]:
    """What each diet, allergy and injury rules out (``prompts/data/contraindications.json``).

    Read once: every product checked against a profile reads it (callers do not change it).
    """
    return json.loads((DATA / "contraindications.json").read_text(encoding="utf-8"))


_NEGATORS = re.compile(
    r"(?:\bnot\b|\bno\b|\bnon[- ]?|\bwithout\b|\bisn't\b|\baren't\b|\bdoesn't\b|\bfree from\b|"
    r"\bcan(?:not|'t| not) be (?:labell?ed|called|sold as|described as|certified)\b|"
    r"\bfree of\b|\bnever\b|\bzero\b)\W*(?:\w+\W+){0,2}$"
    # "faux leather", "vegan leather": only right before the word ("vegan, cruelty-free,
    # fragrance-free" says nothing against fragrance)
    r"|\b(?:faux|imitation|vegan|synthetic|artificial|plant[- ]based)[\s-]+$"
    # "oat milk", "almond butter", "coconut cream": plant forms of a dairy word
    r"|\b(?:oat|almond|soy|soya|coconut|rice|pea|cashew|hemp|peanut|nut|plant|shea|cocoa|"
    r"cacao|mango|kokum|avocado|murumuru|sunflower|olive|seed|apple|peanut)\s+$"
    # another product, or a list of what it is not for: "pair it with a feather inner",
    # "not suitable for vegetarians, vegans or halal diets"
    r"|\b(?:pair(?:ed)?(?: it| them)? with|goes (?:well )?with|sold separately|alternative to|"
    r"instead of|compared to|unlike|not suitable for|unsuitable for|not recommended for|"
    r"(?:do|does|would)(?: not|n't) recommend(?: it| this| them)? for)\b[^.;:]*$",
    re.I,
)


_ABSENT_AFTER = re.compile(r"\s?(?:free\b|:\s*(?:no|none|false|n/a)\b)")
# "a good pick for latex-sensitive plant lovers", "nut allergy sufferers": about people
_PEOPLE_AFTER = re.compile(r"\s?(?:sensitive|allerg\w*|sufferers?|intoleran\w*)\b")
# "as warm and stretchy as neoprene", "softer than wool": a yardstick, not what it is made of
_COMPARED_BEFORE = re.compile(r"\b(?:as|than|unlike|compared (?:to|with)|versus|vs)\W*$")


def mentions(text: str, term: str, loose: bool = False) -> Literal["yes", "negated"] | None:
    """Whether ``text`` states ``term`` ("yes"), states its absence ("negated"), or neither.

    "leather" in "faux leather", "no leather", "leather-free", "non-leather" is negated;
    plural and hyphen forms match ("nuts", "hand-wash"). ``loose``: a long word matches by its
    stem ("washing" meets "washable").
    """
    low = text.lower().replace("-", " ")
    words = normalize(term).split()
    if not words:
        return None

    def form(w: str) -> str:
        if loose and len(w) >= 6:
            return rf"{re.escape(w[: max(4, len(w) - 3)])}\w*"
        return rf"{re.escape(w)}(?:e?s)?"

    pattern = r"\b" + r"\W+".join(form(w) for w in words) + r"\b"
    state: Literal["yes", "negated"] | None = None
    for m in re.finditer(pattern, low):
        after = low[m.end() : m.end() + 12]
        if _PEOPLE_AFTER.match(after) or _COMPARED_BEFORE.search(low[: m.start()]):
            continue
        # what comes before it in its own sentence ("no white cast. water resistant" is yes)
        before = re.split(r"[.;!?]", low[max(0, m.start() - 60) : m.start()])[-1]
        # "mips: no", "waterproof: false": a facet the product lacks
        if _NEGATORS.search(before) or _ABSENT_AFTER.match(after):
            state = state or "negated"
            continue
        return "yes"
    return state


@lru_cache(maxsize=1)
def material_classes() -> dict[str, list[str]]:
    """General material words and their kinds (``prompts/data/material_classes.json``)."""
    data = json.loads((DATA / "material_classes.json").read_text(encoding="utf-8"))
    return {k: v for k, v in data.items() if not k.startswith("_")}


def forms_of(word: str) -> list[str]:
    """``word`` and, for a general material word ("metal"), the materials of that kind."""
    return [word, *material_classes().get(word, [])]


def _mentions_kind(text: str, word: str) -> Literal["yes", "negated"] | None:
    """``mentions`` for one word, met by any material of its kind ("metal": steel frame)."""
    states = [mentions(text, w, loose=w == word) for w in forms_of(word)]
    if "yes" in states:
        return "yes"
    return "negated" if "negated" in states else None


def product_text(product: dict[str, Any], variants: list[dict[str, Any]]) -> str:
    """Everything a product says about itself, as one lower-case text."""
    opts = sorted({f"{k} {v}" for var in variants for k, v in (var.get("options") or {}).items()})
    meta = product.get("meta") or product.get("attributes") or {}
    meta_text = " ".join(
        f"{k} {' '.join(v) if isinstance(v, list) else v}" for k, v in meta.items()
        if isinstance(v, str | list | int | float) and k not in {"handle", "shopify_id"}
    )  # fmt: skip
    # its own sentences first: a yes or no quotes them rather than a list of tags
    parts = [
        product.get("name") or "", product.get("short_description") or "",
        product.get("description") or "", product.get("brand") or "",
        product.get("category") or "", ", ".join(product.get("tags") or []), "; ".join(opts),
        meta_text,
    ]  # fmt: skip
    return ". ".join(p for p in parts if p).lower()


def _sentence(text: str, term: str) -> str:
    """The sentence of ``text`` that names ``term`` (for the evidence)."""
    words = normalize(term).split() or [term]
    sentences = re.split(r"(?<=[.!?;])\s+|\n+", text)
    whole = re.compile(r"\b" + r"\W+".join(re.escape(w[:5]) + r"\w*" for w in words), re.I)
    first = re.compile(rf"\b{re.escape(words[0][:5])}", re.I)
    for pattern in (whole, first):  # the whole phrase first ("not caffeine free: ...")
        for sentence in sentences:
            if pattern.search(sentence.replace("-", " ")):
                return sentence.strip()[:160]
    return ""


_FREE = re.compile(r"^\s*(.+?)[\s-]+free\s*$|^\s*free (?:of|from) (.+)$|^\s*no (.+)$", re.I)
_FILLER = re.compile(
    r"\b(?:any|some|a|an|the|in it|in them|inside|normal|regular|real|actually|too|also|really|"
    r"proper|actual|decent|standard|genuine|just|still|available in|come in|comes in|"
    r"100%|fully|totally|made of|made from|made with|of|it|they|them)\b",
    re.I,
)


def judge(
    product: dict[str, Any],
    variants: list[dict[str, Any]],
    attribute: str,
    vocab: Vocabulary | None = None,
    asking: Literal["is", "has"] = "is",
    embed: Any = None,
) -> Verdict:
    """Answer "is it / does it have ``attribute``?" for one product (see module docstring)."""
    if suits := _SUITS.match(attribute):
        # "good for a day hike or is it too small?": the first alternative is asked
        what = re.split(r"\s+or\s+", suits.group(1))[0].strip()
        attribute = attribute[: suits.start(1)] + what
        words = [w for w in normalize(what).split() if w not in _SUITS_FILLER]
        diets = contraindications()["diets"]
        diet = next((d for d in diets if normalize(d) in {" ".join(words), stem(" ".join(words))}),
                    None)  # fmt: skip
        if diet is not None:
            attribute = diet  # "ok for vegans": the diet rules read the materials
        elif vocab is not None and any(m.kind in {"option", "facet"} for m in vocab.ground(what)):
            attribute = what  # "good for two people": the shop's own option answers
        else:
            suits_verdict = _suitability(product_text(product, variants), attribute, what)
            if suits_verdict.answer == "unknown":  # "ok to leave out on my balcony": "Indoor use."
                return by_sentences(product, attribute, embed)
            return suits_verdict
    # "a proper mattress or do you just sleep on the cushions": the first alternative asks
    attribute = re.split(r"\s+or\s+(?:do|does|is|are|can|will|would|just)\b", attribute)[0]
    attr = re.sub(r"\s+", " ", _FILLER.sub(" ", attribute)).strip(" ?.!,") or attribute.strip()
    text = product_text(product, variants)
    free = _FREE.match(attr)
    table = contraindications()
    diet = next((d for d in table["diets"] if normalize(d) == normalize(attr)), None)
    # 1. the shop's own option and facet values ("nut free" and diets: step 2, which reads
    # the ingredients too: "diet: gluten free" says nothing about gelatin)
    grounded = [
        m for m in (vocab.ground(attr) if vocab is not None and not free and not diet else [])
        if m.kind in {"option", "facet", "color"}
    ]  # fmt: skip
    if grounded and asking == "is":
        # "do the light up wheels work without batteries?": the value names the variant, the
        # rest is what is asked, and the listing's sentences answer it
        rest = attr
        for m in sorted(grounded, key=lambda m: -m.start):
            rest = rest[: m.start] + " " + rest[m.end :]
        names = {w for m in grounded for n in m.names for w in normalize(n).split()}
        asked = [w for w in _content(rest) if w not in names and w not in _AVAILABLE
                 and w not in set(own_words(product))]  # fmt: skip
        if len(asked) >= 2 and (of_rest := by_sentences(product, rest, embed)).answer != "unknown":
            return of_rest
    if len(grounded) > 1 and (joint := _jointly(product, variants, grounded, attr)) is not None:
        return joint  # "XL with 27.5 wheels": one variant must have both
    for m in grounded:
        if m.kind == "color":  # a colour the shop does not write: its colour options, by family
            verdict = _by_colour(variants, m.value, attr)
        else:
            verdict = _by_option(product, variants, m.names, m.value, attr)
        if verdict is not None:
            return verdict
    # 2. diets and "X-free": the shop's own label first ("100% vegan" with shea butter is
    # vegan), then what it is made of
    if diet is not None or free:
        terms = table["diets"][diet]["avoid"] if diet else _allergen_terms(next(
            g for g in free.groups() if g))  # type: ignore[union-attr]  # fmt: skip
        said = mentions(text, attr) if diet else mentions(text, f"{terms[0]} free")
        if said == "yes" or (diet and mentions(text, diet) == "yes"):
            return Verdict("yes", attr, _sentence(text, diet or terms[0]) or f"it is {attr}")
        if said == "negated":  # "Decaf, not caffeine free: each cup contains a trace"
            return Verdict("no", attr, _sentence(text, attr) or f"not {attr}")
        found = [t for t in terms if mentions(text, t) == "yes"]
        if found:  # the most specific form named ("peanut" rather than "nut")
            term = max(found, key=lambda t: (len(normalize(t)), t))
            return Verdict("no", attr, f"it contains {term}", [_sentence(text, term)])
        if not diet and any(mentions(text, t) == "negated" for t in terms):
            # "chicken free?" of "Contains fish and grain. No chicken.": the listing rules it out
            denied = next(t for t in terms if mentions(text, t) == "negated")
            return Verdict("yes", attr, (_sentence(text, denied) or f"no {denied}").rstrip("."))
        return Verdict("unknown", attr, "the listing does not say")
    # an allergen ("does it have nuts?"): any of its forms named is a yes; silence is no "no"
    allergen = _allergen_key(attr)
    if allergen is not None:
        key_said = mentions(text, allergen)
        if key_said == "negated" or mentions(text, f"{allergen} free") == "yes":
            # "hazelnut flavour ... contains no nuts": the shop's own statement decides
            return Verdict("no", attr, _sentence(text, allergen) or f"{allergen} free")
        found = [
            t for t in contraindications()["allergies"][allergen] if mentions(text, t) == "yes"
        ]
        if found:  # the most specific form named ("peanut" rather than "nut")
            term = max(found, key=lambda t: (normalize(t) != normalize(allergen), len(t)))
            return Verdict("yes", attr, f"it contains {term}", [_sentence(text, term)])
        return Verdict("unknown", attr, "the listing does not say")
    # 3. words of the product's own text
    words = [w for w in normalize(attr).split() if len(w) > 1]
    if not words:
        return Verdict("unknown", attr)
    content = _content(attr)
    if asking == "is" and (len(content) >= 2 or _VERB_FIRST.match(attr)):
        # "stay outside all year round", "be resized later": the sentence that says it
        return by_sentences(product, attr, embed)
    if asking == "has" and (boxed := _inclusion(product, content)) is not None:
        return boxed  # "does it come with a paddle?": "Paddle ... not included."
    states = [_mentions_kind(text, w) for w in words]
    if all(s == "yes" for s in states) or mentions(text, attr) == "yes":
        if content and any(_word_in(w, c) for w in content for c in _clauses(product)):
            # the clause that says it decides, not the name: "does the trekker pole tent come
            # with poles?" - "pitches with your trekking poles (not included)"
            verdict = by_sentences(product, attr, embed)
            if verdict.answer != "unknown":
                return verdict
        return Verdict("yes", attr, _sentence(text, words[0]))
    if any(s == "negated" for s in states):
        bad = words[states.index("negated")]
        return Verdict("no", attr, _sentence(text, bad) or f"not {attr}")
    if other := _other_kind(product, content):
        return Verdict("no", attr, f"it is {other}")  # "single bevel?": "it is double bevel"
    return Verdict("no", attr, "not listed")


def _other_kind(product: dict[str, Any], content: list[str]) -> str:
    """The product's own tag of the kind asked, when it is another one ("double bevel").

    "does the santoku have a single bevel?" of a knife tagged "double bevel" (or described by
    ``bevel: double``): the answer says what it is, not only that the asked one is unlisted.
    """
    if len(content) < 2:
        return ""
    head = stem(content[-1])
    meta = product.get("meta") or product.get("attributes") or {}
    said = [*(product.get("tags") or []),
            *(f"{k}: {v}" for k, v in meta.items() if isinstance(v, str))]  # fmt: skip
    for tag in said:
        words = [stem(w) for w in normalize(tag).split()]
        if head in words and len(words) >= 2 and set(words) != {stem(w) for w in content}:
            return str(tag)
    return ""


# -- the listing's own sentences -------------------------------------------------------------
# A clause that denies or warns against what it names ("can't be resized", "remove it before
# showering", "not weatherproof", "trekking poles (not included)", "nothing added").
_DENIES = re.compile(
    r"\b(?:not|no|never|nothing|cannot|can't|won't|isn't|aren't|doesn't|don't|shouldn't|"
    r"without|avoid|remove|unsuitable|keep (?:it |them )?away)\b|n't\b|\btake (?:it|them) off\b"
    r"|\bnon[- ]|\btoo \w+ (?:for|to)\b",  # "fixed (non-removable)", "too small for rats"
    re.I,
)
# "faster than 25 km/h" asked of a listing that says "up to 25 km/h": beyond its stated limit
_BEYOND = re.compile(
    r"\b(?:faster|more|longer|heavier|bigger|larger|higher|further|over|above|beyond|past|"
    r"exceed\w*)\b(?:\s+than)?\s+(\d+(?:\.\d+)?)",
    re.I,
)
_LIMITED = r"\b(?:up to|max(?:imum)?|limited to|no more than|at most|capped at)\s+{n}\b"
_VERB_FIRST = re.compile(
    r"^\s*(?:be|go|stay|live|wear|survive|leave|put|use|take|get|work)\b", re.I
)
# words that carry no fact of their own in a question about a product
_QUESTION_FILLER = frozenset(
    "a an the my me your our his her their it its them they this that these those i we you u "
    "he she be is are was were been being do does did can could would will should may might "
    "on in at of to for with from by into onto out up off about all any some just really still "
    "ok okay fine safe good alright later ever also too very much".split()
)
# words of asking for a variant, not a property of it ("available with 256gb storage")
_AVAILABLE = frozenset("available availability stock sold come comes".split())
# a passage this close in meaning answers the question when no word of it is shared
SENTENCE_SIMILARITY = 0.5


def _content(attr: str) -> list[str]:
    return [w for w in normalize(attr).split() if w not in _QUESTION_FILLER and len(w) > 1]


def _clauses(product: dict[str, Any]) -> list[str]:
    """The listing's sentences and tags, each a clause a yes or no can rest on.

    The description's sentences come first: on a tie they are the detailed statement
    ("machine washable on a wool cycle at 30°C") that the summary line shortens.
    """
    body = "\n".join(str(product.get(k) or "") for k in ("description", "short_description"))
    sentences = [x.strip() for x in re.split(r"(?<=[.!?;])\s+|\n+", body) if x.strip()]
    # ("Inserts are not included; see Wayfarer Notebook Inserts": a pointer states nothing)
    sentences = [x for x in sentences if not re.match(r"^\W*(?:see|cf\.?)\s", x, re.I)]
    return sentences + [str(t).strip() for t in product.get("tags") or [] if str(t).strip()]


@lru_cache(maxsize=4096)
def _normalized(clause: str) -> str:
    """A clause's comparable form, once per clause (every question word is looked up in it)."""
    return normalize(clause.replace("-", " "))


def _word_in(word: str, clause: str) -> bool:
    """A question word in a clause, by stem ("showering" meets "shower", "resized" "resize")."""
    low = _normalized(clause)
    if word.isdigit():
        return re.search(rf"(?<![\d.]){re.escape(word)}(?![\d.])", low) is not None
    root = stem(word)
    root = root[: max(4, len(root) - 2)] if len(root) > 5 else root
    return re.search(rf"\b{re.escape(root)}\w*", low) is not None


def _said_as_asked(words: list[str], clause: str) -> int:
    """How often the asked words occur in the clause in the very form asked."""
    low = _normalized(clause)
    return sum(len(re.findall(rf"\b{re.escape(w)}\b", low)) for w in words)


def by_sentences(product: dict[str, Any], attr: str, embed: Any = None) -> Verdict:
    """Yes or no from the one clause of the listing that speaks to the question.

    The clause sharing the most of the question's words (by stem; name words do not count),
    else the one nearest in meaning (MiniLM), when near enough. It answers no when it denies
    or warns ("remove it before showering", "can't be resized", "not weatherproof") or states
    a limit the question goes beyond ("up to 25 km/h"), yes otherwise. Nothing close: unknown.
    """
    words = [w for w in _content(attr) if w not in set(own_words(product))] or _content(attr)
    clauses = _clauses(product)
    if not words or not clauses:
        return Verdict("unknown", attr, "the listing does not say")
    if said := _opposite_said(attr, clauses):
        return Verdict("no", attr, said[:200])  # "for indoor use" asked about a patio
    # most asked words said; then the most said in the asked form ("2 x AA batteries -
    # batteries not included" over "a battery compartment"); then the first
    scored = [
        (sum(_word_in(w, c) for w in words), _said_as_asked(words, c), -n)
        for n, c in enumerate(clauses)
    ]
    best, _, neg = max(scored)
    clause = clauses[-neg] if best else ""
    if not best and embed is not None:
        vectors = embed([attr, *clauses])
        sims = vectors[1:] @ vectors[0]
        k = int(sims.argmax())
        if float(sims[k]) >= SENTENCE_SIMILARITY:
            clause = clauses[k]
    if not clause:
        return Verdict("unknown", attr, "the listing does not say")
    evidence = clause[:200]
    for m in _BEYOND.finditer(attr):
        if re.search(_LIMITED.format(n=re.escape(m.group(1))), clause, re.I):
            return Verdict("no", attr, evidence)
    part = _part_saying(clause, words)
    denies = bool(_DENIES.search(part))
    if _ASKS_WITHOUT.search(attr):
        # "does it work without batteries?": "no batteries needed" says yes, "runs on 2 AA
        # batteries" no
        return Verdict("yes" if denies else "no", attr, evidence)
    return Verdict("no" if denies else "yes", attr, evidence)


_ASKS_WITHOUT = re.compile(r"\b(?:without|with no)\b", re.I)
# what the listing says comes in the box, or does not ("Includes a 3-fin setup", "Paddle,
# leash and board bag are not included", "jig head (not included)", "sold separately")
_INCLUDES = re.compile(r"\b(?:includ\w*|comes? with|supplied|in the box|sold separately)\b", re.I)
_EXCLUDES = re.compile(
    r"(?:\bnot|n't|\bnever) (?:be )?(?:included|supplied)\b|\bsold separately\b|"
    r"\bexcludes?\b|\bexcluding\b",
    re.I,
)


def _inclusion(product: dict[str, Any], content: list[str]) -> Verdict | None:
    """Whether the listing says the asked thing comes with the product, when it says so."""
    if not content:
        return None
    for clause in _clauses(product):
        if not _INCLUDES.search(clause) or not all(_word_in(w, clause) for w in content):
            continue
        # (a list shares its verb: "Paddle, leash and board bag are not included")
        part = next(p for p in re.split(r"\bbut\b|;|\.\s", clause)
                    if all(_word_in(w, p) for w in content))  # fmt: skip
        answer: Literal["yes", "no"] = "no" if _EXCLUDES.search(part) else "yes"
        return Verdict(answer, " ".join(content), clause[:200])
    return None


@lru_cache(maxsize=1)
def _opposites() -> list[tuple[list[str], list[str]]]:
    data = json.loads((DATA / "opposites.json").read_text(encoding="utf-8"))
    return [(a, b) for a, b in data["pairs"]]


def _phrase_in(phrase: str, text: str) -> bool:
    return all(_word_in(w, text) for w in normalize(phrase).split())


def _opposite_said(attr: str, clauses: list[str]) -> str:
    """A clause stating the other side of what is asked, when the asked side is never said.

    ("For indoor use (not weatherproof)": a side said only to be denied is not said.)
    """
    for a, b in _opposites():
        for asked, other in ((a, b), (b, a)):
            if not any(_phrase_in(x, attr) for x in asked):
                continue
            if any(_phrase_in(x, c) and not _DENIES.search(c) for x in asked for c in clauses):
                continue
            for c in clauses:
                if any(_phrase_in(x, c) for x in other):
                    return c
    return ""


def _part_saying(clause: str, words: list[str]) -> str:
    """The part of a sentence (between commas and dashes) that says the asked words.

    A bracket belongs to what it follows ("trekking poles (not included)").

    "Nickel-free and hypoallergenic, fine to wear in the shower": the clause about showers;
    "For indoor use (not weatherproof)": all of it when no part names a word.
    """
    parts = [p for p in re.split(r",|;|\s[-–—]\s|\)| but | so ", clause) if p.strip()]
    said = [p for p in parts if any(_word_in(w, p) for w in words)]
    return " ".join(said) if said else clause


def _fits(var: dict[str, Any], m: Any) -> bool | None:
    """Whether one variant has the grounded value ``m``; None when it has no such option."""
    opts = var.get("options") or {}
    if m.kind == "color":
        family = color_family(m.value) or m.value.lower()
        have = [v for k, v in opts.items() if is_color_option(k)]
        return any((color_family(v) or v.lower()) == family for v in have) if have else None
    names = {n.lower() for n in m.names}
    have = [v for k, v in opts.items() if k.lower() in names]
    if not have:
        return None
    return any(_has_value(v, m.value) for v in have)


def _has_value(have: str, asked: str) -> bool:
    """Whether an option value meets the asked one ("16 gb" = "16GB"; "oak" in "Solid Oak")."""
    return same_value(have, asked) or set(normalize(asked).split()) <= set(normalize(have).split())


def _jointly(
    product: dict[str, Any], variants: list[dict[str, Any]], grounded: list[Any], attr: str
) -> Verdict | None:
    """Yes only when one variant has every asked value ("XL with 27.5 wheels").

    Each value on some variant but never together is a no that says what the first one comes
    with ("XL comes only with 29""). None when the variants carry fewer than two of the
    asked options (the single-value rules answer then).
    """
    rows = [[_fits(var, m) for m in grounded] for var in variants]
    carried = [i for i in range(len(grounded)) if any(r[i] is not None for r in rows)]
    if len(carried) < 2:
        return None
    both = [var for var, r in zip(variants, rows, strict=True) if all(r[i] for i in carried)]
    if both:
        values = [" / ".join((v.get("options") or {}).values()) for v in both]
        return Verdict("yes", attr, values[0], list(dict.fromkeys(values)))
    first = grounded[carried[0]]
    with_first = [var for var, r in zip(variants, rows, strict=True) if r[carried[0]]]
    if not with_first:
        return None  # the first value alone is missing: the single-value rule says so
    others = [m.names[0] if m.names else "colour" for m in (grounded[i] for i in carried[1:])]
    got = list(dict.fromkeys(
        str(v) for var in with_first for k, v in (var.get("options") or {}).items()
        if k.lower() in {o.lower() for o in others} or (
            "colour" in others and is_color_option(k))
    ))  # fmt: skip
    said = ", ".join(got[:4]) or "other options"
    asked = [grounded[i].value for i in carried]  # as the shop writes them ('27.5"')
    return Verdict("no", attr, f"{first.value} comes only with {said}", asked)


_SUITS = re.compile(r"^\s*(?:for|to|from|with|on)\s+(.+?)\W*$", re.I)
# a sentence that warns against what it names
_ADVISES_AGAINST = re.compile(
    r"\b(?:not|never|no|don't|do not|doesn't|isn't|aren't|avoid|unsuitable|(?<!non-)(?<!non )"
    r"toxic|harmful|dangerous|keep away|without)\b",
    re.I,
)
_SUITS_FILLER = frozenset(
    "a an the my me your our his her their it them use using be being go get put with on in at"
    " of out around all".split()
)


def _suitability(text: str, attribute: str, what: str) -> Verdict:
    """Is it ok "for a beginner" / "to leave outside"? Yes when the listing says so in words.

    Every content word must be stated ("for beginners"); a word the listing negates is a no;
    anything else is unknown, never a guessed no.
    """
    words = [w for w in normalize(what).split() if w not in _SUITS_FILLER and len(w) > 2]
    if not words:
        return Verdict("unknown", attribute, "the listing does not say")
    states = [_mentions_kind(text, w) for w in words]
    if all(s == "yes" for s in states):
        # the sentence that names it all ("Not fountain pen friendly"), before one that names
        # its last word ("Great with pencils, ballpoints and gel pens")
        said = _sentence(text, " ".join(words)) or _sentence(text, words[-1])
        if _ADVISES_AGAINST.search(said):  # "not suitable for ... rabbits", "toxic to cats"
            return Verdict("no", attribute, said)
        return Verdict("yes", attribute, said or attribute)
    if "negated" in states:
        bad = words[states.index("negated")]
        return Verdict("no", attribute, _sentence(text, bad) or f"not {attribute}")
    return Verdict("unknown", attribute, "the listing does not say")


def _allergen_key(attr: str) -> str | None:
    """The allergy table's key an attribute names ("nuts", "any nuts in it", "dairy")."""
    words = normalize(attr).split()
    if not words or len(words) > 3:
        return None
    table = contraindications()["allergies"]
    return next((k for k in table if normalize(k) in (" ".join(words), words[-1], words[0])),
                None)  # fmt: skip


def _allergen_terms(word: str) -> list[str]:
    table = contraindications()["allergies"]
    key = next((k for k in table if normalize(k) == normalize(word) or stem(k) == stem(word)),
               None)  # fmt: skip
    return list(table[key]) if key else [word]


_STOCK = re.compile(r"\b(?:in stock|available|sold out|back in|restock\w*|left)\b", re.I)


def _by_option(
    product: dict[str, Any],
    variants: list[dict[str, Any]],
    names: tuple[str, ...],
    value: str,
    attr: str,
) -> Verdict | None:
    """Yes/no from an option or facet the product has; None when it has neither."""
    options = [n.lower() for n in names] or [
        k for var in variants for k in (var.get("options") or {})
    ]
    have: list[str] = []
    fitting: list[str] = []
    stocked = False  # some fitting variant is in stock
    for var in variants:
        for k, v in (var.get("options") or {}).items():
            if k.lower() in options:
                have.append(v)
                if _has_value(v, value):
                    fitting.append(v)
                    stocked = stocked or bool(var.get("in_stock", True))
    for tag in product.get("tags") or []:
        key, sep, v = str(tag).partition(":")
        if sep and key.strip().lower() in options:
            have.append(v.strip())
            if same_value(v, value):
                fitting.append(v.strip())
    if fitting and _STOCK.search(attr) and not stocked:
        # "is the 100ml in stock?": it exists, but none is in stock
        return Verdict("no", attr, f"{'/'.join(dict.fromkeys(fitting))} is sold out right now",
                       list(dict.fromkeys(fitting)))  # fmt: skip
    if fitting:
        return Verdict("yes", attr, f"{'/'.join(dict.fromkeys(fitting))}",
                       list(dict.fromkeys(fitting)))  # fmt: skip
    if have:
        got = list(dict.fromkeys(have))
        return Verdict("no", attr, f"it comes in {', '.join(got[:6])}", got[:6])
    return None


def _by_colour(variants: list[dict[str, Any]], colour: str, attr: str) -> Verdict | None:
    """Yes/no for a colour word against the colour options, by colour family ("navy" ~ Blue)."""
    family = color_family(colour) or colour.lower()
    have = [v for var in variants for k, v in (var.get("options") or {}).items()
            if is_color_option(k)]  # fmt: skip
    if not have:
        return None
    fitting = [v for v in have if (color_family(v) or v.lower()) == family]
    if fitting:
        return Verdict("yes", attr, "/".join(dict.fromkeys(fitting)), list(dict.fromkeys(fitting)))
    got = list(dict.fromkeys(have))
    return Verdict("no", attr, f"it comes in {', '.join(got[:6])}", got[:6])


def own_words(product: dict[str, Any]) -> list[str]:
    """A product's name, brand and category words, normalised."""
    fields = [product.get("name"), product.get("brand"), (product.get("category") or "")]
    return normalize(" ".join(f or "" for f in fields).replace(">", " ")).split()


def name_coverage(words: list[str], product: dict[str, Any], own: list[str] | None = None) -> float:
    """Share of the product's name words that ``words`` cover; 0 when a word is missing.

    Name, brand and category count; an asked word may be the start of a name word ("choc"
    for "chocolate").
    """
    own = own if own is not None else own_words(product)
    if not words:
        return 0.0
    for w in words:
        # the word itself, or the start of a name word ("choc" of "chocolate"); never a
        # name word inside a longer asked word ("trail" is not "trailhawk")
        if not any(o == w or (len(w) >= 4 and o.startswith(w)) for o in own):
            return 0.0
    return len(words) / max(len(own), 1)
