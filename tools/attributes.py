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

from prompts.lexicon import DATA, stem
from tools.vocabulary import Vocabulary, normalize, same_value

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
def contraindications() -> dict[str, Any]:
    """What each diet, allergy and injury rules out (``prompts/data/contraindications.json``)."""
    return json.loads((DATA / "contraindications.json").read_text(encoding="utf-8"))


_NEGATORS = re.compile(
    r"(?:\bnot\b|\bno\b|\bnon[- ]?|\bwithout\b|\bisn't\b|\baren't\b|\bdoesn't\b|\bfree from\b|"
    r"\bfree of\b|\bnever\b|\bzero\b|\bfaux\b|\bimitation\b|\bvegan\b|\bsynthetic\b|"
    r"\bartificial\b|\bplant[- ]based\b)\W*(?:\w+\W+){0,2}$"
    # "oat milk", "almond butter", "coconut cream": plant forms of a dairy word
    r"|\b(?:oat|almond|soy|soya|coconut|rice|pea|cashew|hemp|peanut|nut|plant)\s+$"
    # another product, or a list of what it is not for: "pair it with a feather inner",
    # "not suitable for vegetarians, vegans or halal diets"
    r"|\b(?:pair(?:ed)?(?: it| them)? with|goes (?:well )?with|sold separately|alternative to|"
    r"instead of|compared to|unlike|not suitable for|unsuitable for)\b[^.;:]*$",
    re.I,
)


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
        after = low[m.end() : m.end() + 8]
        if _NEGATORS.search(low[max(0, m.start() - 60) : m.start()]) or re.match(
            r"\s?free\b", after
        ):
            state = state or "negated"
            continue
        return "yes"
    return state


def product_text(product: dict[str, Any], variants: list[dict[str, Any]]) -> str:
    """Everything a product says about itself, as one lower-case text."""
    opts = sorted({f"{k} {v}" for var in variants for k, v in (var.get("options") or {}).items()})
    meta = product.get("meta") or product.get("attributes") or {}
    meta_text = " ".join(
        f"{k} {' '.join(v) if isinstance(v, list) else v}" for k, v in meta.items()
        if isinstance(v, str | list | int | float) and k not in {"handle", "shopify_id"}
    )  # fmt: skip
    parts = [
        product.get("name") or "", product.get("brand") or "", product.get("category") or "",
        ", ".join(product.get("tags") or []), "; ".join(opts), meta_text,
        product.get("short_description") or "", product.get("description") or "",
    ]  # fmt: skip
    return ". ".join(p for p in parts if p).lower()


def _sentence(text: str, term: str) -> str:
    """The sentence of ``text`` that names ``term`` (for the evidence)."""
    first = normalize(term).split()[0] if normalize(term) else term
    word = re.compile(rf"\b{re.escape(first[:5])}", re.I)
    for sentence in re.split(r"(?<=[.!?;])\s+", text):
        if word.search(sentence):
            return sentence.strip()[:160]
    return ""


_FREE = re.compile(r"^\s*(.+?)[\s-]+free\s*$|^\s*free (?:of|from) (.+)$|^\s*no (.+)$", re.I)
_FILLER = re.compile(
    r"\b(?:any|some|a|an|the|in it|in them|inside|normal|regular|real|actually|too|also|really|"
    r"proper|actual|decent|standard|genuine|just|still|"
    r"100%|fully|totally|made of|made from|made with|of|it|they|them)\b",
    re.I,
)


def judge(
    product: dict[str, Any],
    variants: list[dict[str, Any]],
    attribute: str,
    vocab: Vocabulary | None = None,
    asking: Literal["is", "has"] = "is",
) -> Verdict:
    """Answer "is it / does it have ``attribute``?" for one product (see module docstring)."""
    # "a proper mattress or do you just sleep on the cushions": the first alternative asks
    attribute = re.split(r"\s+or\s+(?:do|does|is|are|can|will|would|just)\b", attribute)[0]
    attr = re.sub(r"\s+", " ", _FILLER.sub(" ", attribute)).strip(" ?.!,") or attribute.strip()
    text = product_text(product, variants)
    free = _FREE.match(attr)
    table = contraindications()
    diet = next((d for d in table["diets"] if normalize(d) == normalize(attr)), None)
    # 1. the shop's own option and facet values ("nut free" and diets: step 2, which reads
    # the ingredients too: "diet: gluten free" says nothing about gelatin)
    for m in vocab.ground(attr) if vocab is not None and not free and not diet else []:
        if m.kind not in {"option", "facet", "color"}:
            continue
        verdict = _by_option(product, variants, m.names, m.value, attr)
        if verdict is not None:
            return verdict
    # 2. diets and "X-free"
    if diet is not None or free:
        terms = table["diets"][diet]["avoid"] if diet else _allergen_terms(next(
            g for g in free.groups() if g))  # type: ignore[union-attr]  # fmt: skip
        said = mentions(text, attr) if diet else mentions(text, f"{terms[0]} free")
        for term in terms:
            if mentions(text, term) == "yes":
                return Verdict("no", attr, f"it contains {term}", [_sentence(text, term)])
        if said == "yes" or (diet and mentions(text, diet) == "yes"):
            return Verdict("yes", attr, _sentence(text, diet or terms[0]) or f"it is {attr}")
        return Verdict("unknown", attr, "the listing does not say")
    # 3. words of the product's own text
    words = [w for w in normalize(attr).split() if len(w) > 1]
    if not words:
        return Verdict("unknown", attr)
    states = [mentions(text, w, loose=True) for w in words]
    if all(s == "yes" for s in states) or mentions(text, attr) == "yes":
        return Verdict("yes", attr, _sentence(text, words[0]))
    if any(s == "negated" for s in states):
        bad = words[states.index("negated")]
        return Verdict("no", attr, _sentence(text, bad) or f"not {attr}")
    return Verdict("no" if asking == "is" else "no", attr, "not listed")


def _allergen_terms(word: str) -> list[str]:
    table = contraindications()["allergies"]
    key = next((k for k in table if normalize(k) == normalize(word) or stem(k) == stem(word)),
               None)  # fmt: skip
    return list(table[key]) if key else [word]


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
    for var in variants:
        for k, v in (var.get("options") or {}).items():
            if k.lower() in options:
                have.append(v)
                if same_value(v, value) or set(normalize(value).split()) <= set(
                    normalize(v).split()
                ):
                    fitting.append(v)
    for tag in product.get("tags") or []:
        key, sep, v = str(tag).partition(":")
        if sep and key.strip().lower() in options:
            have.append(v.strip())
            if same_value(v, value):
                fitting.append(v.strip())
    if fitting:
        return Verdict("yes", attr, f"{'/'.join(dict.fromkeys(fitting))}",
                       list(dict.fromkeys(fitting)))  # fmt: skip
    if have:
        got = list(dict.fromkeys(have))
        return Verdict("no", attr, f"it comes in {', '.join(got[:6])}", got[:6])
    return None


def name_coverage(words: list[str], product: dict[str, Any]) -> float:
    """Share of the product's name words that ``words`` cover; 0 when a word is missing.

    Name, brand and category count, and prefixes too ("choc" for "chocolate").
    """
    fields = [product.get("name"), product.get("brand"), (product.get("category") or "")]
    own = normalize(" ".join(f or "" for f in fields).replace(">", " ")).split()
    if not words:
        return 0.0
    for w in words:
        if not any(
            o == w or (len(w) >= 4 and o.startswith(w)) or (len(o) >= 4 and w.startswith(o))
            for o in own
        ):
            return 0.0
    return len(words) / max(len(own), 1)
