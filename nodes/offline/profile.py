"""Learn profile facts from what customers say about themselves; check products and texts.

Rules and lexicons live in ``prompts/data/profile_conflicts.json``.

A fact is learned only from a first-person clause that is not negated or about someone else:
"I'm vegan" yes; "I used to be vegan", "my sister is vegan", "I'm not vegan" no.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any

from nodes.offline.textclf import TextClassifier
from nodes.state import FactModel
from prompts.grammar import (
    BUDGET_AMOUNT,
    BUDGET_STATEMENT,
    NUMBER_WORDS,
    SIZE_MISFIT,
    SIZE_NAMED,
    SIZE_WORN,
    price_value,
)
from prompts.lexicon import DATA, normalize_size
from tools.attributes import contraindications, mentions, product_text
from tools.vocabulary import normalize

# Emoji end a thought in DMs too ("vegan here 🌱 do you have ...").
_CLAUSES = re.compile(
    r"[.;!?\n]+|,\s*(?:but|and|so)\s+|\s+but\s+|\s*[\U0001F300-\U0001FAFF\u2600-\u27BF]+\s*"
    r"|\s+[-–—]+\s+",  # "wool allergy - is the berber rug ok?"
    re.I,
)
_FIRST_PERSON = re.compile(r"\b(?:i|i'm|im|i've|ive|i am|me|my|myself|as a)\b", re.I)
_IDENTITY = re.compile(
    r"\b(?:i'm|im|i am|i've been|ive been|i have been|i went|i've gone|i became|as a|i eat|"
    r"i follow|i'm on|i stay|i keep|i'm strictly|i've turned|i can't|i cannot|i cant|i don't|"
    r"i dont|i avoid|i have|i've got|i get|i'm a|i'm an|i just|i only|i'm still|i never|for me)\b",
    re.I,
)
_ALLERGY = re.compile(
    r"\b(?:allergic to|allergy to|allergies to|intolerant to|react (?:\w+ ){0,2}to|"
    r"allergic reaction to)\s+([a-z ,&]+?)(?=[.!?]|$| and i| but| so|,\s*(?:do|can|what|is|any))"
    r"|\b([a-z]+(?: (?:and|&|or) [a-z]+| [a-z]+)?) allerg(?:y|ies)\b"
    # what the body does: "I get hives from wool", "merino makes my skin break out",
    # "peanuts send me to the ER"
    r"|\b(?:hives|rash(?:es)?|itchy|break out|swell up|reaction) (?:from|with|to)\s+([a-z]+)"
    r"|\b([a-z]+) (?:makes?|gives?) (?:me|my skin) (?:itch|itchy|hives|a rash|break out|swell)"
    r"|\b([a-z]+) sends? me to (?:the )?(?:er|hospital|a&e)\b"
    # "wool is a no for me": a material or food ruled out
    r"|\b([a-z]+) (?:is|are) a (?:hard |big )?no\b",
    re.I,
)


@lru_cache(maxsize=1)
def rules() -> dict[str, Any]:
    """The parsed rules file."""
    return json.loads((DATA / "profile_conflicts.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _guards() -> tuple[re.Pattern[str], re.Pattern[str]]:
    r = rules()
    neg = re.compile(r"(?:" + "|".join(r["negations"]) + r")", re.I)
    third = re.compile(r"(?:" + "|".join(r["third_party"]) + r")", re.I)
    return neg, third


@lru_cache(maxsize=1)
def _after_guard() -> re.Pattern[str]:
    """Negations that undo a fact from after it ("vegan, not anymore").

    "was" and "not" there start another thought ("I'm vegan 🌱 was eyeing the down jacket",
    "vegan, not vegetarian").
    """
    kept = [n for n in rules()["negations"] if n not in ("not", "n't", "was (?:a )?", "were")]
    return re.compile(r"(?:" + "|".join(kept) + r")", re.I)


@lru_cache(maxsize=1)
def _past_guard() -> re.Pattern[str]:
    negations = [n for n in rules()["negations"] if n not in ("not", "n't")]
    return re.compile(r"(?:" + "|".join(negations) + r")", re.I)


_BARE = re.compile(
    r"^\W*(?:fully |strictly |100% )?(?P<fact>[\w' -]+?)\s*(?:here|btw|fyi|tho|though|too|"
    r"now|lol|household|family|home|over here)?\W*$",
    re.I,
)


# "peanuts are fine", "soy is ok": an exception to an allergy stated alongside it
_TOLERATES = re.compile(r"\b([a-z]+) (?:is|are) (?:fine|ok|okay|no problem)\b", re.I)
_LEADING = re.compile(
    r"^\W*(?:(?:just|only|complete|completely|total|totally|absolute|a|an|fully|strictly|100%|"
    r"really|super|very|basically|mostly|lower|upper|mild|severe|chronic|bad|recently|still|"
    r"recovering from|dealing with|nursing|rehabbing|coming back from|my)\s+)*$",
    re.I,
)


def _applies(clause: str, match: re.Match[str], need_identity: bool) -> bool:
    """First person, not negated around the match, not about someone else.

    A clause that is nothing but the fact ("vegan here 🌱", "vegan btw") is the speaker's own,
    and so is a statement that opens with it ("plant based since 2019", "complete beginner,
    be gentle", "lower back pain"): DMs drop the "I'm".
    """
    neg, third = _guards()
    before = clause[: match.start()]
    if (
        third.search(clause)
        or neg.search(before)
        or _after_guard().search(clause[match.end() :][:30])
    ):
        return False
    if not clause.rstrip().endswith("?") and _LEADING.match(before):
        return True
    bare = None if clause.rstrip().endswith("?") else _BARE.match(clause)
    if bare and bare.group("fact").strip().lower() == match.group(0).strip().lower():
        return True
    if need_identity:
        return bool(_IDENTITY.search(before) or _IDENTITY.search(clause))
    return bool(_FIRST_PERSON.search(clause))


@lru_cache(maxsize=2)
def get_fact_classifier(embedder: Any) -> FactClassifier:
    """One trained classifier per embedder (embeds ~500 example clauses once, ~1 s)."""
    return FactClassifier(embedder)


def load_fact_examples() -> list[dict[str, str]]:
    """Labelled clauses (``prompts/data/fact_examples.jsonl``)."""
    path = DATA / "fact_examples.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


class FactClassifier(TextClassifier):
    """Which profile fact a clause states, if any: a classifier trained on labelled clauses.

    Catches the phrasings the patterns never listed ("dairy wrecks my gut", "tore my labrum").
    Labels are ``diet:*``, ``injury:*``, ``level:*``, ``allergy``, ``budget``, ``bad_size`` and
    ``none`` (including negated, past and other people's facts). The value of the last three
    (which allergen, how much, which size) is read from the clause itself.
    """

    def __init__(
        self,
        embedder: Any,
        examples: list[dict[str, str]] | None = None,
        threshold: float = 0.45,
    ) -> None:
        rows = examples if examples is not None else load_fact_examples()
        super().__init__(embedder, [r["text"] for r in rows], [r["fact"] for r in rows])
        self.threshold = threshold

    def facts(self, clauses: list[str]) -> list[list[str]]:
        """Fact labels per clause (empty where the best label is ``none`` or unsure)."""
        return [
            [label] if label != "none" and prob >= self.threshold else []
            for label, prob in self.predict(clauses)
        ]


def _amount(clause: str) -> float | None:
    """The money amount a budget clause names ("30 tops", "under thirty bucks")."""
    m = BUDGET_AMOUNT.search(clause)
    if not m:
        return None
    if m.group(1):
        return price_value(m.group(1))
    return float(sum(NUMBER_WORDS.get(w, 0) for w in re.split(r"[ -]", m.group(2).lower())))


@lru_cache(maxsize=1)
def _allergen_terms() -> tuple[dict[str, str], re.Pattern[str]]:
    """Allergen words, singular forms included, to the name the rules file uses."""
    names = rules()["allergens"]["aliases"]
    terms = {t.removesuffix("s"): t for t in names} | {t: t for t in names}
    pattern = "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True))
    return terms, re.compile(rf"\b({pattern})\b")


def _allergens(clause: str) -> list[str]:
    """Allergens the clause names, less those it says are fine ("tree nuts, peanuts are fine")."""
    terms, pattern = _allergen_terms()
    fine = {m.group(1).removesuffix("s") for m in _TOLERATES.finditer(clause)}
    found = (terms[m.group(1)] for m in pattern.finditer(clause))
    return [a for a in found if a.removesuffix("s") not in fine]


_AND = re.compile(r"\s+(?:and|&|\+|plus)\s+", re.I)


def _classified(
    clauses: list[str], classifier: FactModel, p: dict[str, Any], patterns: bool = True
) -> None:
    """Facts the classifier reads in the customer's own statements.

    Questions and other people's facts are left out; past and hypothetical forms ("used to",
    "if I were") teach nothing but a size that did not fit. A bare "not" is no guard here
    ("I don't do dairy" states a fact): the classifier learned negations from its ``none``
    examples.
    """
    candidates = _candidates(clauses)
    for clause, labels in zip(candidates, classifier.facts(candidates), strict=True):
        _apply(clause, labels, p, patterns)


def _candidates(clauses: list[str]) -> list[str]:
    """The customer's own statements, and their "and" parts.

    "I'm vegan and allergic to nuts" states two facts.
    """
    _, third = _guards()
    kept = [c for c in clauses if not c.rstrip().endswith("?") and not third.search(c)]
    return list(dict.fromkeys(
        piece for c in kept
        for piece in [c, *(_AND.split(c) if len(_AND.split(c)) > 1 else [])]
        if len(piece.split()) >= 2 or piece == c
    ))  # fmt: skip


def _apply(clause: str, labels: list[str], p: dict[str, Any], patterns: bool = True) -> None:
    """Write the facts of one classified clause into the profile ``p``."""
    past = _past_guard()
    for label in labels:
        kind, _, value = label.partition(":")
        if kind != "bad_size" and past.search(clause):
            continue  # a size that did not fit is told in the past ("the M was tight")
        if kind == "level":
            p["level"] = value
        elif kind in ("diet", "injury"):
            _add(p, "diet" if kind == "diet" else "injuries", value)
        elif kind == "allergy":
            for allergen in _allergens(clause):
                _add(p, "allergies", allergen)
        elif kind == "budget" and not (patterns and BUDGET_STATEMENT.search(clause)):
            if (amount := _amount(clause)) is not None:
                p["budget"] = amount  # the rules already read the clauses they match
        elif kind == "bad_size":
            for m in SIZE_NAMED.finditer(clause):
                size = normalize_size(m.group(1))
                _add(p, "bad_sizes", size)
                if size in p.get("sizes", []):
                    p["sizes"].remove(size)


# the purchase is tied to the other person: "for him", "for my son", "his cushions", "a gift"
_FOR_THEM = re.compile(
    r"\bfor (?:him|her|them|my|our)\b|\b(?:his|her|their)\s+\w+|\b(?:gift|present|birthday)\b"
    r"|\bbuying for\b",
    re.I,
)
_FOR_ME = re.compile(r"\bfor me\b|\bmyself\b|\bfor my own\b", re.I)


def recipient_facts(text: str, facts: FactModel | None = None) -> dict[str, Any]:
    """Diets and allergies of the person a product is for, from this message only.

    "son's allergic to feathers - feather inner or hollowfibre?", "my wife is vegan, which
    wallet?": the fact is not the customer's (it is never stored in their profile), but the
    products for that person must respect it. A clause about someone else is read as if the
    customer said it of themself (``recipient_as_self`` in the rules), through the same
    patterns and classifier.
    """
    if not _FOR_THEM.search(text) or _FOR_ME.search(text):
        return {}  # "my friend is vegan and recommended you": the purchase is not for them
    _, third = _guards()
    pairs = rules().get("recipient_as_self", [])
    found: dict[str, Any] = {}
    for clause in _clauses(text):
        if not third.search(clause) and not any(re.search(a, clause, re.I) for a, _ in pairs):
            continue
        rewritten = clause
        for pattern, repl in pairs:
            rewritten = re.sub(pattern, repl, rewritten, flags=re.I)
        rewritten = third.sub(" ", rewritten) if third.search(rewritten) else rewritten
        if rewritten == clause:
            continue
        learned = learn([rewritten], {}, facts=facts)
        for key in ("allergies", "diet"):
            for value in learned.get(key, []):
                if value not in found.setdefault(key, []):
                    found[key].append(value)
    return found


def states_facts(parts: list[str], facts: FactModel | None = None) -> list[bool]:
    """Whether each text, alone, states a profile fact (one classifier batch for all)."""
    hits = [bool(learn([part], {})) for part in parts]
    if facts is None:
        return hits
    todo = {i: _candidates([c.lower() for c in _clauses(part)])
            for i, part in enumerate(parts) if not hits[i]}  # fmt: skip
    flat = [c for cs in todo.values() for c in cs]
    labels = iter(facts.facts(flat) if flat else [])
    for i, cs in todo.items():
        scratch: dict[str, Any] = {}
        for clause in cs:
            _apply(clause, next(labels), scratch)
        hits[i] = bool(scratch)
    return hits


def learn(
    texts: list[str],
    profile: dict[str, Any] | None = None,
    facts: FactModel | None = None,
    patterns: bool = True,
) -> dict[str, Any]:
    """Return the profile updated with facts stated in ``texts`` (the input is not mutated).

    The patterns run first; the classifier (when given) adds what they missed.
    ``patterns=False`` leaves them out, to measure the classifier alone.
    """
    p: dict[str, Any] = json.loads(json.dumps(profile or {}))
    r = rules()
    all_clauses: list[str] = []
    for text in texts:
        for clause in _clauses(text):
            all_clauses.append(clause.lower())
            if not clause or not patterns:
                continue
            low = clause.lower()
            for diet, spec in r["diets"].items():
                for pat in spec["patterns"]:
                    m = re.search(rf"\b{pat}\b", low)
                    if m and _applies(low, m, need_identity=True):
                        _add(p, "diet", diet)
            for injury, spec in r["injuries"].items():
                for pat in spec["patterns"]:
                    m = re.search(rf"\b{pat}\b", low)
                    if m and _applies(low, m, need_identity=False):
                        _add(p, "injuries", injury)
            for level, spec in r["levels"].items():
                for pat in spec["patterns"]:
                    m = re.search(rf"\b{pat}\b", low)
                    if m and _applies(low, m, need_identity=False):
                        p["level"] = level
            for m in _ALLERGY.finditer(low):
                if not _applies(low, m, need_identity=False):
                    continue
                raw = next((g for g in m.groups() if g), "")
                for item in re.split(r",|&|\band\b|\bor\b", raw):
                    item = re.sub(r"^(?:a|an|the|some|severe|mild)\s+", "", item.strip())
                    # "allergic to feathers btw": the allergen, not the chatter after it
                    item = re.sub(r"(?:\s+(?:btw|tho|though|too|also|lol|haha|pls|please|"
                                  r"really|as well|fyi|x+))+$", "", item)  # fmt: skip
                    if item and item not in {"a", "an", "the", "some"}:
                        _add(p, "allergies", item)
            for m in _TOLERATES.finditer(low):
                _add(p, "tolerates", m.group(1).rstrip("s"))
            if (m := BUDGET_STATEMENT.search(low)) and _budget_applies(low, m):
                p["budget"] = price_value(next(g for g in m.groups() if g))
            if (m := SIZE_WORN.search(low)) and _applies(low, m, need_identity=False):
                _add(p, "sizes", normalize_size(m.group(1)))
            for m in SIZE_MISFIT.finditer(low):
                size = normalize_size(next(g for g in m.groups() if g and len(g) <= 6))
                _add(p, "bad_sizes", size)
                if size in p.get("sizes", []):
                    p["sizes"].remove(size)
    if facts is not None:
        _classified(all_clauses, facts, p, patterns)
    for diet in list(p.get("diet", [])):
        # "I'm vegetarian, fish is fine though" is pescatarian: fish oil is no conflict.
        for replaced in r["diets"].get(diet, {}).get("replaces", []):
            if replaced in p["diet"]:
                p["diet"].remove(replaced)
    return p


def _budget_applies(clause: str, match: re.Match[str]) -> bool:
    """A budget in a DM is the sender's unless it is someone else's ("budget is under 50")."""
    neg, third = _guards()
    return not third.search(clause) and not neg.search(clause[: match.start()])


def clauses(text: str) -> list[str]:
    """Lowercased clauses the semantic matcher may embed (to batch them with other texts)."""
    return [c.lower() for c in _clauses(text)]


def _clauses(text: str) -> list[str]:
    """Clauses with their closing punctuation kept ("vegan?" stays a question).

    A question's leading comma pieces are statements of their own ("vegetarian here, pork
    crackling or the kettle chips?").
    """
    out, start = [], 0
    pieces = []
    for m in _CLAUSES.finditer(text):
        pieces.append((text[start : m.start()] + ("?" if "?" in m.group(0) else "")).strip())
        start = m.end()
    pieces.append(text[start:].strip())
    for piece in pieces:
        if not piece.strip("?"):
            continue
        if piece.endswith("?") and "," in piece:
            head, _, rest = piece.partition(",")
            if len(head.split()) <= 4 and rest.strip():
                out.append(head.strip())
        out.append(piece)
    return out


def _add(p: dict[str, Any], key: str, value: str) -> None:
    values = p.setdefault(key, [])
    if value not in values:
        values.append(value)


# -- conflicts -------------------------------------------------------------------------
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
        if re.match(r"[- ]free\b", after) or re.search(r"\b(?:no|without|non)[- ]$", before):
            continue
        return True
    return False


def _from_product_data(
    product: dict[str, Any], profile: dict[str, Any], text: str | None
) -> list[tuple[str, str, str, list[str]]]:
    """Diets and allergies against what any shop's product says it is made of.

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
        return [f"value {t}" for t in terms
                if any(set(normalize(t).split()) <= w for w in words)]  # fmt: skip

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
    for allergy in profile.get("allergies", []):
        key = names.get(allergy, allergy)
        terms = table["allergies"].get(key) or table["allergies"].get(f"{key}s") or [allergy]
        ev = [f"text '{t}'" for t in terms if said(t)]
        ev += valued(table["allergy_values"].get(key, []))
        if ev:
            out.append(("allergy", "high", allergy, ev))
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
    for allergy in profile.get("allergies", []):
        terms = aliases.get(allergy, [allergy.rstrip("s"), allergy])
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
        if ev:
            add("injury", spec["severity"], injury, ev)
    level = profile.get("level")
    if level and level in r["levels"]:
        spec = r["levels"][level]
        ev = [f"tag {t}" for t in spec["conflict_tags"] if t in tags]
        ev += _attr_hits(attrs, spec.get("conflict_attrs", {}))
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
