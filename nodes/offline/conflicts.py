"""Conflicts between a customer's profile and a product or a text, for any shop's catalog.

Diets, allergies, injuries, level and budget (learned by ``nodes/offline/profile.py``) against
the product's own options, facets, tags and description, through the contraindication tables
in ``prompts/data/`` (``profile_conflicts.json``, ``contraindications.json``).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from nodes.offline.profile import pet_harm, rules
from prompts.lexicon import is_color_option, normalize_size, stem, stopwords
from prompts.phrasing import TEXT_FREE_AFTER, TEXT_NOT_BEFORE
from tools.attributes import contraindications, material_classes, mentions, product_text
from tools.units import magnitude, normalize, quantity, ranges, tokens

# "non-toxic to cats and dogs", "not toxic to pets": no harm said
_HARMLESS = re.compile(r"(?:\bnon[- ]?|\bnot |\bno )$")


def _product_signals(product: dict[str, Any]) -> tuple[set[str], dict[str, Any], str]:
    tags = {t.lower() for t in product.get("tags", [])}
    attrs = {k: v for k, v in (product.get("attributes") or {}).items()}
    text = " ".join(
        [
            product.get("name", ""),
            product.get("short_description", ""),
            str(attrs.get("material", "")),
        ]
    ).lower()
    return tags, attrs, text


def _attr_hits(attrs: dict[str, Any], wanted: dict[str, list[str]]) -> list[str]:
    hits = []
    for key, bad in wanted.items():
        value = attrs.get(key)
        values = value if isinstance(value, list) else [value]
        hits += [f"{key}={v}" for v in values if isinstance(v, str) and v.lower() in bad]
    return hits


def _mentions(text: str, term: str) -> bool:
    """``term`` occurs in ``text`` other than as "term-free", "no term" or "without term"."""
    for m in re.finditer(rf"\b{re.escape(term)}", text):
        after, before = text[m.end() : m.end() + 6], text[max(0, m.start() - 9) : m.start()]
        if TEXT_FREE_AFTER.match(after) or TEXT_NOT_BEFORE.search(before):
            continue
        return True
    return False


def _declared(product: dict[str, Any]) -> str:
    """The product's name and tags: where a shop declares what it is free of."""
    return " ".join([str(product.get("name") or ""), *map(str, product.get("tags") or [])]).lower()


def _free_of(declared: str, term: str) -> bool:
    """The name or a tag says the product is free of ``term`` ("Nickel-Free Electric Strings").

    Such a product is ruled out for no allergy to it, whatever its description compares it
    with ("more output than nickel-plated strings").
    """
    return bool(re.search(rf"\b{re.escape(term)}[- ]free\b", declared))


def _from_product_data(
    product: dict[str, Any], profile: dict[str, Any], text: str | None
) -> list[tuple[str, str, str, list[str]]]:
    """Diets, allergies and conditions against what any shop's product says it is made of.

    The contraindication table (``prompts/data/contraindications.json``) lists what each diet
    and allergy rules out in plain words ("leather", "gelatin", "goose down", "latex"); a
    product whose text states one (not "faux leather", not "latex-free") or whose option or
    facet value is one ("fill: down") conflicts, unless it says it is fine ("vegan leather").
    """
    table = contraindications()
    names = table["profile_names"]
    full = (text or product_text(product, product.get("variants") or [])).lower()
    values: list[str] = [str(v) for var in product.get("variants") or []
                         for v in (var.get("options") or {}).values()]  # fmt: skip
    for tag in product.get("tags") or []:
        values.append(str(tag).partition(":")[2] or str(tag))
    words = [set(normalize(v).split()) for v in values]

    def valued(terms: list[str]) -> list[str]:
        # (a tag "neoprene-free" names the term to rule it out)
        return [f"value {t}" for t in terms
                if any(set(normalize(t).split()) <= w and mentions(v, t) != "negated"
                       for v, w in zip(values, words, strict=True))]  # fmt: skip

    def said(term: str) -> bool:
        # a cheap substring test first: most terms are nowhere in the text
        return term.split()[0][:4] in full and mentions(full, term) == "yes"

    out = []
    for diet in profile.get("diet", []):
        spec = table["diets"].get(names.get(diet, diet.replace("_", " ")))
        if not spec or any(said(ok) for ok in spec.get("ok", [])):
            continue
        ev = [f"text '{t}'" for t in spec["avoid"] if said(t)]
        ev += valued(spec.get("values", []))
        if ev:
            out.append(("dietary", "high", diet, ev))
    declared = _declared(product)
    for allergy in profile.get("allergies", []):
        key = names.get(allergy, allergy)
        terms = table["allergies"].get(key) or table["allergies"].get(f"{key}s") or [allergy]
        terms = [t for t in terms if not _free_of(declared, t)]
        ev = [f"text '{t}'" for t in terms if said(t)]
        ev += valued(table["allergy_values"].get(key, []))
        if ev:
            out.append(("allergy", "high", allergy, ev))
    for condition in profile.get("injuries", []):  # pregnancy: retinoids, in its own words
        spec = table.get("conditions", {}).get(condition)
        if not spec or any(said(ok) for ok in spec.get("ok", [])):
            continue
        if ev := [f"text '{t}'" for t in spec["avoid"] if said(t)]:
            out.append(("injury", "high", condition, ev))
    return out


def check_product(
    product: dict[str, Any], profile: dict[str, Any], full_text: str | None = None
) -> list[dict[str, Any]]:
    """Typed conflicts between one product (compact dict) and a profile.

    ``full_text``: everything the product says about itself (its description too), when known.
    """
    r = rules()
    tags, attrs, text = _product_signals(product)
    out: list[dict[str, Any]] = []

    def add(kind: str, severity: str, fact: str, evidence: list[str]) -> None:
        out.append(
            {
                "type": kind,
                "severity": severity,
                "fact": fact,
                "product_id": product.get("product_id"),
                "product_name": product.get("name"),
                "evidence": sorted(set(evidence)),
            }
        )

    for diet in profile.get("diet", []):
        spec = r["diets"].get(diet)
        if not spec:
            continue
        if set(spec.get("ok_tags", [])) & tags:
            continue
        ev = [f"tag {t}" for t in spec["conflict_tags"] if t in tags]
        ev += _attr_hits(attrs, spec.get("conflict_attrs", {}))
        if ev:
            add("dietary", spec["severity"], diet, ev)
    aliases = r["allergens"]["aliases"]
    allergens = [a.lower() for a in attrs.get("allergens", []) if isinstance(a, str)]
    tolerated = set(profile.get("tolerates", []))
    declared = _declared(product)
    for allergy in profile.get("allergies", []):
        terms = aliases.get(allergy, [allergy.rstrip("s"), allergy])
        terms = [t for t in terms if not _free_of(declared, t)]
        if any(a in tolerated for a in allergens) and not any(
            term in a for a in allergens for term in terms
        ):
            continue  # tree nuts vs a peanut bar "contains nuts", and peanuts are fine
        ev = [f"tag {t}" for t in tags if any(mentions(t, term) == "yes" for term in terms)]
        ev += [f"allergen {a}" for a in allergens if any(term in a for term in terms)]
        ev += [f"text '{term}'" for term in terms if _mentions(text, term)]
        if ev:
            add("allergy", r["allergens"]["severity"], allergy, ev)
    for injury in profile.get("injuries", []):
        spec = r["injuries"].get(injury)
        if not spec or set(spec.get("ok_tags", [])) & tags:
            continue
        ev = [f"tag {t}" for t in spec["conflict_tags"] if t in tags]
        ev += _attr_hits(attrs, spec.get("conflict_attrs", {}))
        ev += [f"text '{w}'" for w in _warned_off(injury, full_text)]
        if ev:
            add("injury", spec["severity"], injury, ev)
    level = profile.get("level")
    if level and level in r["levels"]:
        spec = r["levels"][level]
        ev = [f"tag {t}" for t in spec["conflict_tags"] if t in tags]
        ev += _attr_hits(attrs, spec.get("conflict_attrs", {}))
        # the product's own words that it is beyond this level ("for experienced riders only")
        ev += [f"tag {t}" for t in tags for pat in spec.get("conflict_tag_patterns", [])
               if re.search(pat, t)]  # fmt: skip
        said = (full_text or "").lower()
        ev += [f"text '{m.group(0)}'" for pat in spec.get("conflict_text", [])
               if (m := re.search(pat, said))]  # fmt: skip
        if ev:
            add("level", spec["severity"], level, ev)
    bad = set(profile.get("bad_sizes", []))
    variants = product.get("variants") or []
    sizes = {
        normalize_size(str(v["options"].get("size")))
        for v in variants
        if v.get("options", {}).get("size")
    }
    if bad and sizes and sizes <= bad:
        add("fit", "medium", "size " + "/".join(sorted(bad)), [f"only size {s}" for s in sizes])
    if profile.get("pets"):  # "toxic to cats and dogs" for a customer with a cat
        said = (full_text or product_text(product, product.get("variants") or [])).lower()
        for pet in profile["pets"]:
            harm = pet_harm().get(pet)
            if harm is None:
                continue
            hits = [m for m in harm.finditer(said) if not _HARMLESS.search(said[: m.start()])]
            if hits:
                add("safety", "high", pet, [f"text '{hits[0].group(0)}'"])
    budget = profile.get("budget")
    # the cheapest variant that fits what was asked ("the laptop with 16gb ram" costs what a
    # 16GB laptop costs, not what the cheapest laptop does)
    prices = [v["price"] for v in variants if isinstance(v.get("price"), int | float)]
    price = min(prices) if prices else product.get("price_min")
    if budget and price and price > budget:
        severity = "medium" if price > 1.5 * budget else "low"
        add("budget", severity, f"budget {budget:g}", [f"price {price:g}"])
    found = {(c["type"], c["fact"]) for c in out}
    for kind, severity, fact, ev in _from_product_data(product, profile, full_text):
        if (kind, fact) not in found:
            add(kind, severity, fact, ev)
    materials = contraindications().get("materials", [])
    for c in out:  # a vegan and a leather saddle: what it is made of, not what is in it
        if c["type"] == "dietary" and any(
            any(re.search(rf"\b{re.escape(m)}\b", e.lower()) for m in materials)
            for e in c["evidence"]
        ):
            c["type"] = "material"
    return out


# a sentence that warns people off ("not recommended for riders with lower-back injuries",
# "riders with back problems should look at our hybrids instead")
_WARNS = re.compile(
    r"\b(?:not (?:recommended|suitable|advised|ideal|for)|unsuitable|avoid|should (?:not|look at|"
    r"choose|consider)|instead|consult)\b|n't recommend",
    re.I,
)


def _warned_off(injury: str, text: str | None) -> list[str]:
    """Sentences of the product's text that warn people with ``injury`` off it."""
    out = []
    for sentence in re.split(r"(?<=[.!?;])\s+|\n", text or ""):
        if re.search(rf"\b{re.escape(injury)}s?\b", sentence, re.I) and _WARNS.search(sentence):
            out.append(sentence.strip()[:120])
    return out


def _says(text: str, term: str, plant: list[str]) -> bool:
    """``term`` occurs other than in a plant form ("oat milk", "almond butter" are no dairy)."""
    for m in re.finditer(rf"\b{re.escape(term)}", text):
        if not any(text[: m.start()].endswith(f"{p} ") for p in plant):
            return True
    return False


def check_text(text: str, profile: dict[str, Any]) -> list[dict[str, Any]]:
    """Conflicts between a draft reply's words and the profile (e.g. jump squats vs bad knees)."""
    r = rules()
    low = text.lower()
    flat = low.replace("-", " ")
    out = []

    def words_hit(terms: list[str]) -> list[str]:
        return [t for t in terms if _says(flat, t.replace("-", " "), r.get("plant_prefixes", []))]

    for diet in profile.get("diet", []):
        spec = r["diets"].get(diet)
        terms = [t for t in (spec or {}).get("conflict_tags", []) if t != "non-vegan"]
        if spec and (ev := words_hit(terms + spec.get("text_conflicts", []))):
            out.append(
                {"type": "dietary", "severity": spec["severity"], "fact": diet, "evidence": ev}
            )
    for injury in profile.get("injuries", []):
        spec = r["injuries"].get(injury)
        if spec and (ev := words_hit(spec["conflict_tags"] + spec.get("text_conflicts", []))):
            out.append(
                {"type": "injury", "severity": spec["severity"], "fact": injury, "evidence": ev}
            )
    aliases = r["allergens"]["aliases"]
    for allergy in profile.get("allergies", []):
        if ev := words_hit(aliases.get(allergy, [allergy])):
            out.append({"type": "allergy", "severity": "high", "fact": allergy, "evidence": ev})
    return out


# -- limits the product states, against a measure the fan gave ("my dane is 70kg") ----------
_CUE = re.compile(
    r"(?P<max>up to|max(?:imum)?(?:\s+[a-z]+){0,2}\s*:?|no more than|under|below|less than|"
    r"younger than)\s*(?:about|around|roughly|approx(?:imately|\.)?|~)?\s*$"
    r"|(?P<min>from|over|at least|min(?:imum)?(?:\s+[a-z]+){0,2}\s*:?|above|more than|"
    r"older than)\s*(?:about|around|roughly|approx(?:imately|\.)?|~)?\s*$"
)
_NEGATED = re.compile(r"\b(?:not|never|avoid|unsuitable|hazard|danger)\b|n't\b")
# ... after it: "40kg and over", "ages 8 and up", "12 kg or less"
_CUE_AFTER = re.compile(
    r"^\s*(?:(?P<min>(?:and|or) (?:over|up|above|older|more))|(?P<max>(?:and|or) (?:under|below|"
    r"younger|less)))\b"
)
# a bare number of people's years: "children under 16", "ages 8+", "not for kids under 3"
_AGE_BEFORE = re.compile(
    r"\b(?:children|child|kids?|ages?|aged|toddlers?|babies|anyone|people|users?)\b"
    r"[^.;]{0,14}?(?:under|over|below|above|from|younger than|older than)?\s*$"
)
_LIMIT_OPTION = re.compile(r"\b(?:max|maximum|limit|capacity|up to)\b", re.I)


def _measures(text: str) -> list[tuple[float, str, str]]:
    """(magnitude, base unit, as written) of every number with a unit in ``text``."""
    out = []
    for t in tokens(text):
        if quantity(t.norm) and (mg := magnitude(t.norm)) and mg[1]:
            out.append((mg[0], mg[1], text[t.start : t.end]))
    return out


@lru_cache(maxsize=1)
def _age_said() -> re.Pattern[str]:
    """Someone's age said without a unit: "my son is 2 and a half", "she's 7", "he turns 3"."""
    someone = rules()["third_party"][0]  # "my (?:sister|brother|son|daughter|...)"
    return re.compile(
        rf"\b(?:{someone}|\b(?:he|she)(?:'s|\s+is)|\b(?:hes|shes)|\b(?:he|she)(?=\s+(?:just\s+)?"
        r"turn))\s+(?:is\s+|will be\s+|(?:just\s+)?turn(?:s|ed|ing)\s+)?(?P<n>\d{1,2})"
        r"(?![\d'\"%]|[.,]\d)"
        r"(?P<half>\s+and\s+a\s+half)?(?P<next>\s*[^\W\d_]*)",
        re.I,
    )


def with_ages(text: str) -> str:
    """``text`` with an age said without a unit given one ("my son is 2.5 years").

    A product's "Not suitable for children under 3 years" then meets it as a measure. A number
    with a unit of its own ("my son is 6ft", "she is 40kg") is left as it is.
    """

    def years(m: re.Match[str]) -> str:
        after = m["next"].strip().lower()
        if not m["half"] and after and quantity(f"{m['n']}{after}"):
            return m.group(0)
        n = float(m["n"]) + (0.5 if m["half"] else 0)
        return f"{m.group(0)[: m.start('n') - m.start()]}{n:g} years{m['next']}"

    return _age_said().sub(years, text)


def stated_limits(text: str) -> list[tuple[str, float, str, str]]:
    """("max"|"min", magnitude, base unit, the sentence) the product text states.

    "suitable for dogs up to 25kg" is a maximum, "from 12 weeks" or "8kg+" a minimum, and a
    negation turns it round ("not for puppies under 12 weeks": at least 12 weeks).
    """
    out = []
    for sentence in re.split(r"(?<=[.!?;])\s+|\n", text):
        low = sentence.lower()
        for t in tokens(sentence):
            norm = t.norm
            if norm.isdigit() and _AGE_BEFORE.search(low[max(0, t.start - 40) : t.start]):
                norm = f"{norm}year"  # "not suitable for children under 16"
            mg = magnitude(norm) if quantity(norm) else None
            if not mg or not mg[1]:
                continue
            cue = _CUE.search(low[max(0, t.start - 40) : t.start])
            after = _CUE_AFTER.match(low[t.end : t.end + 16])
            kind = "min" if low[t.end : t.end + 1] == "+" else (
                ("max" if after.group("max") else "min") if after
                else None if cue is None else ("max" if cue.group("max") else "min"))  # fmt: skip
            if kind is None:
                continue
            if _NEGATED.search(low[: t.start]):
                kind = "min" if kind == "max" else "max"
            out.append((kind, mg[0], mg[1], sentence.strip()[:160]))
    return out


# a weight or a height the customer gave in an earlier message is still true of them ("6'1 and
# about 290 lbs" ... "is the ravine 140 a good option for me?"); other measures were asks
_BODY = re.compile(r"\d\s*(?:'|ft\b|foot\b|feet\b)|\btall\b", re.I)


def said_measures(earlier: list[str]) -> str:
    """The sentences of earlier messages that give a weight or a height."""
    out = []
    for text in earlier:
        for sentence in re.split(r"(?<=[.!?;,])\s+|\n", text):
            if any(unit in {"mg"} for _, unit, _ in _measures(sentence)) or (
                _BODY.search(sentence) and _measures(sentence)
            ):
                out.append(sentence.strip())
    return " ".join(out)


def limit_conflicts(
    message: str, product: dict[str, Any], full_text: str | None
) -> list[dict[str, Any]]:
    """A measure the fan gave that the product's stated limits rule out (type ``fit``).

    From the product's own words and from options named as limits ("Max dog weight"): when
    every variant's limit is below the fan's measure, none of them fits.
    """
    asked = _measures(with_ages(message))
    if not asked:
        return []
    found: list[dict[str, Any]] = []
    text = full_text or product_text(product, product.get("variants") or [])
    bounds = stated_limits(text)
    for name in {k for v in product.get("variants") or [] for k in v.get("options", {})}:
        if _LIMIT_OPTION.search(name):
            tops: list[tuple[float, str]] = []
            for v in product["variants"]:
                mg = magnitude(str(v.get("options", {}).get(name) or ""))
                if mg is not None and mg[1]:
                    tops.append(mg)
            if tops and len({u for _, u in tops}) == 1:
                bounds.append(("max", max(x for x, _ in tops), tops[0][1], name))
    # "Standard 85 cm, for heights up to 175 cm. Long 95 cm, for heights from 175 cm": where
    # limits name the variants they are for, those of the variants shown count
    mine = {str(x).lower() for v in product.get("variants") or []
            for x in (v.get("options") or {}).values() if len(str(x)) > 2}  # fmt: skip
    tied = {b[2] for b in bounds if any(x in b[3].lower() for x in mine)}
    bounds = [b for b in bounds if b[2] not in tied or any(x in b[3].lower() for x in mine)]
    # The most permissive statement per unit counts ("max dog weight 12kg" and "50kg": 50kg);
    # a maximum below a minimum means alternatives ("small under 10kg ... large over 25kg"),
    # where the product comes in sizes; else two things ("max child weight 48 lb ... a rack
    # rated to at least 55 lb")
    widest: dict[tuple[str, str], tuple[str, float, str, str]] = {}
    for b in bounds:
        key = (b[0], b[2])
        # (an age a product is not for is no alternative: "8 years and up" and "a choking
        # hazard under 3" mean 8)
        strict = b[0] == "min" and b[2] == "day"
        if key not in widest or (b[1] > widest[key][1]) == (b[0] == "max" or strict):
            widest[key] = b
    sized = {k for v in product.get("variants") or [] for k in (v.get("options") or {})
             if not is_color_option(k)}  # fmt: skip
    for unit in {u for _, u in widest}:
        top, low = widest.get(("max", unit)), widest.get(("min", unit))
        if sized and top and low and top[1] <= low[1]:
            del widest[("max", unit)], widest[("min", unit)]
    # a measure that is one of the product's own values is asked for, not a fact ("12kg bag")
    offered = {magnitude(str(x)) for v in product.get("variants") or []
               for x in (v.get("options") or {}).values()}  # fmt: skip
    for amount, unit, written in asked:
        if (amount, unit) in offered:
            continue
        for kind, limit, lunit, said in widest.values():
            if unit != lunit:
                continue
            if (kind == "max" and amount > limit) or (kind == "min" and amount < limit):
                # a child younger than the age a product warns off ("not suitable for children
                # under 3 years") is a safety matter (small parts, cords), not a poor fit;
                # "outward facing from about 5 months" is a way of using it, still a fit
                warned = [b[3] for b in bounds if b[0] == "min" and b[2] == "day"
                          and amount < b[1] and _NEGATED.search(b[3].lower())]  # fmt: skip
                young = kind == "min" and unit == "day" and bool(warned)
                said = warned[0] if young else said
                found.append({
                    "type": "safety" if young else "fit",
                    "severity": "high" if young else "medium", "fact": written,
                    "product_id": product.get("product_id"), "product_name": product.get("name"),
                    "evidence": [f"'{said}'"],
                })  # fmt: skip
                break
        else:
            if said := _outside_guide(amount, unit, text):
                found.append({
                    "type": "fit", "severity": "medium", "fact": written,
                    "product_id": product.get("product_id"), "product_name": product.get("name"),
                    "evidence": [f"'{said}'"],
                })  # fmt: skip
    return found


def _outside_guide(amount: float, unit: str, text: str) -> str:
    """The size guide sentence whose ranges all miss a measure, else "".

    "Rider height guide: S 155-168 cm, M 165-178 cm" for a 150cm rider. A guide is two
    ranges or more of that kind of unit in one sentence.
    """
    for sentence in re.split(r"(?<=[.!?;])\s+|\n", text):
        spans = []
        for lo, hi, u in ranges(sentence):
            a, b = magnitude(f"{lo:g}{u}"), magnitude(f"{hi:g}{u}")
            if a and b and a[1] == unit:
                spans.append((a[0], b[0]))
        if len(spans) >= 2 and not any(lo - 1e-6 <= amount <= hi + 1e-6 for lo, hi in spans):
            return sentence.strip()[:160]
    return ""


# a listing's own word that it does not work with something or warns someone off ("Not
# induction compatible", "not suitable for use on glass hobs", "won't work with 12V systems",
# "Not for piston fillers, eyedropper pens or vintage pens", "Heavy: not the pan for anyone who
# finds lifting difficult", "never use in a fountain pen")
_NOT_FIT = re.compile(
    r"\bnot (?:\w+[ -]){0,2}?(?:compatible|suitable|designed|intended|recommended|safe)\b"
    r"(?: (?:for|with|on|in)\b)?"
    r"|\bincompatible with\b|\b(?:won't|will not|doesn't|does not|can't|cannot) (?:work|be used)"
    r" (?:on|with|in)\b|\bnot (?:(?:the|a|an) \w+ )?for\b|\bunsuitable for\b"
    r"|\b(?:never|do not|don't) use (?:it )?(?:on|with|in|for)\b|\bavoid (?:if|with|on|in)\b"
    # "these do not fit pin lock kegs", "we do not recommend it for people with coeliac disease"
    r"|\b(?:do|does|will|would)(?: not|n't) (?:fit|suit)\b"
    r"|\b(?:do|does|would)(?: not|n't) recommend (?:it |this |them )?for\b",
    re.I,
)
# "if you have asthma or a sulphite sensitivity, do not handle it": the warning's object
# comes first, in the condition
_IF_YOU = re.compile(r"\bif (?:you|your \w+)(?:'re| are| have| has| suffer| get| had)\b", re.I)
_IF_NOT = re.compile(r"\b(?:do not|don't|never|avoid|not|unsuitable)\b", re.I)
# a statement about the customer, or whom or what they buy for ("my pony had laminitis last
# spring", "we're aiming for our first FEI event", "mare is in foal")
_TOLD = re.compile(
    r"^\W*(?:(?:i|we|he|she|they|i'm|im|we're|he's|hes|she's|shes|they're|i've|ive|we've)\b"
    r"|(?:my|our|his|her|their)\s+\w+"
    r"|(?!(?:it|its|this|that|there|the|these|those|what|which|who|how)\b)\w+(?:\s+\w+)?"
    r"\s+(?:is|was|has|had|are|were)\b)",
    re.I,
)
COMMON_SHARE = 0.25  # a word in more of the catalog's listings than this meets no warning
# a clause in which the customer says what they have or use ("we only have an induction stove")
_OWN_SETUP = re.compile(
    r"^\W*(?:(?:just|finally|recently|already|so)\s+)?(?:(?:i|we|my|our|i've|ive|we've|weve)\b"
    r".*\b(?:have|got|own|use|using|bought)\b|(?:got|bought|use|using)\b)",
    re.I,
)


@lru_cache(maxsize=1)
def _conditions() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """What the customer cannot do or suffers from, and which of it is bodily.

    ``profile_conflicts.json`` "conditions": "can barely lift a kettle" meets a warning; "had
    wrist surgery" makes the conflict an injury.
    """
    c = rules()["conditions"]
    cannot = re.compile(r"\b(?:" + "|".join(c["cannot"]) + r")\b", re.I)
    return cannot, re.compile(r"\b(?:" + "|".join(c["bodily"]) + r")\b", re.I)


# a clause that asks rather than states ("does it work on induction", unpunctuated)
_ASKS = re.compile(
    r"^\W*(?:do|does|did|is|are|was|can|could|will|would|should|what|whats|what's|which|how|"
    r"where|when|who|why|any|anything|got|have you|has)\b",
    re.I,
)
_FIT_FILLER = frozenset(
    "not compatible suitable designed intended incompatible with for on in use used the a an and or"
    " this it its work will cannot can't won't doesn't does anyone people allergy allergies"
    " allergic sensitive sensitivity recommended safe never avoid should also only just very"
    " someone person those children child kids adults user users find finds difficult easy"
    " really honestly still thing things stuff fit fits dont doesnt isnt wont cant didnt".split()
)  # (an allergy is the allergy rules' to judge, with the materials' own words)


@lru_cache(maxsize=1)
def _filler_roots() -> frozenset[str]:
    return frozenset(_root(w) for w in _FIT_FILLER)


@lru_cache(maxsize=65536)
def _root(word: str) -> str:
    """A word folded for meeting its other forms ("lifting"/"lift", "fillers"/"filler")."""
    w = stem(word.lower())
    for end in ("ing", "ed"):
        if len(w) > len(end) + 3 and w.endswith(end):
            return w[: -len(end)]
    return w


def told(said: str) -> list[str]:
    """The statements of the customer's message about themself or whom they buy for.

    Wider than ``own_setup`` (any statement with a subject: "my pony had laminitis last
    spring", "mare is in foal"); their words meet a warning only when the catalog rarely
    uses them (``common_roots``).
    """
    out = []
    for sentence in re.split(r"(?<=[.!?])\s+|\n+", said.lower()):
        if sentence.rstrip().endswith("?"):
            continue
        for c in re.split(r"[,.;!?()]|\bbut\b|\bso\b|\btho(?:ugh)?\b", sentence):
            if _TOLD.match(c) and not _ASKS.match(c):
                out.append(c.strip())
    return [c for c in out if c]


def common_roots(texts: list[frozenset[str]]) -> frozenset[str]:
    """Words in more than ``COMMON_SHARE`` of a catalog's listings ("horse" in a saddlery)."""
    counts: dict[str, int] = {}
    for words in texts:
        for r in {_root(w) for w in words if w.isalpha()}:
            counts[r] = counts.get(r, 0) + 1
    cut = COMMON_SHARE * max(1, len(texts))
    return frozenset(r for r, n in counts.items() if n > cut)


def own_setup(said: str) -> list[str]:
    """The customer's statements: what they have, use or cannot do.

    "we only have an induction stove", "just got a piston filler", "had wrist surgery and can
    barely lift a kettle". Only statements count: "does it work on induction?" asks (a clause
    of a question that says what the customer has still counts: "i have an induction hob,
    will it work?").
    """
    out = []
    for sentence in re.split(r"(?<=[.!?])\s+|\n+", said.lower()):
        asks = sentence.rstrip().endswith("?")
        for c in re.split(r"[,.;!?()]|\bbut\b|\btho(?:ugh)?\b", sentence):
            if _OWN_SETUP.match(c) or (
                not asks and not _ASKS.match(c) and _conditions()[0].search(c)
            ):  # ("mostly paved trails" says where, not what the customer cannot do)
                out.append(c.strip())
    return [c for c in out if c]


# a warning about health rather than fit ("SO2 can trigger asthma attacks", "do not use on
# pregnant mares", "toxic to cats")
_HEALTH = re.compile(
    r"(?<![-\w])(?:toxic|harm(?:ful)?|hazard\w*|danger\w*|irritat\w*|asthma\w*|pregnan\w*|"
    r"allerg\w*|sensitiv(?:e|ity)|health|poison\w*|chok(?:e|es|ing)|breath(?:e|es|ing)?|"
    r"lactating|nursing|unsafe|disease\w*)\b",
    re.I,
)


@lru_cache(maxsize=1)
def _material_roots() -> frozenset[str]:
    """The general material words (``material_classes.json``), folded."""
    words = {w for k, vs in material_classes().items() for w in [k, *vs]}
    return frozenset(_root(w) for w in words)


def _warning_type(hit: set[str], hurt: set[str], warning: str) -> str:
    """What a warning that meets the customer's words is about.

    A body's limit is an injury; a material the customer's thing is made of ("not safe for
    stainless steel") is material; a warning about health ("do not use on pregnant mares") is
    safety; anything else ("these do not fit pin lock kegs") is fit.
    """
    if hit & hurt:
        return "injury"
    if hit & _material_roots():
        return "material"
    return "safety" if _HEALTH.search(warning) else "fit"


def setup_conflicts(
    own: list[str], product: dict[str, Any], text: str | None, kinds: list[str] | None = None,
    statements: list[str] | None = None, common: frozenset[str] = frozenset(),
) -> list[dict[str, Any]]:  # fmt: skip
    """What the customer says of themself (``own_setup``) against what the listing won't suit.

    "we only have an induction stove" and "Not induction compatible (aluminium)": a fit
    conflict. The words that meet are those of the warning's own object, not the product's
    name nor a kind the shop sells (``kinds``: "vintage pens" meets "a vintage pen", not "i
    have lots of pens"). ``statements`` (``told``) add their words that are not ``common``
    in the catalog ("mare is in foal" and "do not use on foals ... or on pregnant mares"; a
    warning that starts "if you have asthma" too). The type follows ``_warning_type``.
    """
    if not (own or statements) or not text:
        return []
    said = {_root(w): w for c in own for w in re.findall(r"[a-z]{4,}", c)}
    # (a statement's rarer words too, three letters and up: "fei", "foal", "pin")
    said |= {
        r: w
        for c in [*own, *(statements or [])]
        for w in re.findall(r"[a-z0-9']{3,}", c)
        if "'" not in w and w not in stopwords() and (r := _root(w)) not in common and r not in said
    }  # fmt: skip  (not a piece of "don't")
    have = set(said)
    bodily = _conditions()[1]
    hurt = {_root(w) for c in own if bodily.search(c) for w in re.findall(r"[a-z]{4,}", c)}
    names = {_root(w) for w in re.findall(r"[a-z]+", str(product.get("name", "")).lower())}
    # (the head noun of each category level: "Piston Fillers" sells fillers, "piston" is no kind)
    names |= {_root(ws[-1]) for k in kinds or [] for level in k.lower().split(">")
              if (ws := re.findall(r"[a-z]+", level))}  # fmt: skip
    for clause in re.split(r"(?<=[.!?;])\s+|\n+", text):
        spans = [
            (clause[max(0, m.start() - 30) : m.end()]
             + " " + re.split(r"[.;:]", clause[m.end() : m.end() + 80])[0])
            for m in _NOT_FIT.finditer(clause)
        ]  # fmt: skip
        if (m := _IF_YOU.search(clause)) and _IF_NOT.search(clause, m.end()):
            spans.append(clause[m.end() : m.end() + 80])
        for near in spans:
            words = {_root(w) for w in re.findall(r"[a-z0-9]{3,}", near.lower())} - names
            hit = sorted(words & have - _filler_roots())
            if hit:
                # (what a body cannot do is an injury: "had wrist surgery, can barely lift")
                kind = _warning_type(set(hit), hurt, near)
                return [{
                    # (a health warning is not offered past: "do not use on pregnant mares")
                    "type": kind, "severity": "high" if kind == "safety" else "medium",
                    "fact": said[hit[0]],
                    "product_id": product.get("product_id"), "product_name": product.get("name"),
                    "evidence": [f"text '{clause.strip()[:160]}'"],
                }]  # fmt: skip
    return []
