"""Learn profile facts from what customers say about themselves (checks: ``conflicts.py``).

Rules and lexicons live in ``prompts/data/profile_conflicts.json``; the phrasings of a
statement (first person, allergies, a purchase for someone else) in ``statements.json``.

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
    CAPACITY,
    MONEY_CUE,
    NUMBER_WORDS,
    SIZE_MISFIT,
    SIZE_NAMED,
    SIZE_WORN,
    price_value,
)
from prompts.lexicon import normalize_size
from prompts.loader import DATA
from prompts.phrasing import (
    ALLERGEN_CHATTER,
    ALLERGEN_LEADING,
    ALLERGEN_SPLIT,
    ALLERGY,
    BARE_FACT,
    CLAUSE_BREAK,
    FACT_JOIN,
    FOR_ME,
    FOR_THEM,
    IDENTITY,
    LEADING,
    NO_ALLERGEN,
    SPEAKER,
    TOLERATES,
)


@lru_cache(maxsize=1)
@lru_cache(maxsize=1)
def rules() -> dict[str, Any]:
    """The parsed rules file (read once; callers do not change it)."""
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
    kept = [
        n for n in rules()["negations"]
        if n not in ("not", "n't", "were") and not n.startswith("was ")
    ]  # fmt: skip
    return re.compile(r"(?:" + "|".join(kept) + r")", re.I)


@lru_cache(maxsize=1)
def _past_guard() -> re.Pattern[str]:
    negations = [n for n in rules()["negations"] if n not in ("not", "n't")]
    return re.compile(r"(?:" + "|".join(negations) + r")", re.I)


# "my partner and i are both vegan", "me and my wife are", "we're both": the speaker too
WITH_ME = re.compile(
    r"\b(?:and (?:i|me|myself)|(?:i|me) and (?:my|our)|both of us)\b|\bwe(?:'re| are)? both\b",
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
    # someone else in the clause makes it theirs, unless the speaker states it first and
    # they come after it ("i've been vegan for 6 yrs and my mum wants to buy me ...")
    after = clause[match.end() :]
    theirs = third.search(before) or (third.search(after) and not SPEAKER.search(before))
    if (
        (theirs and not WITH_ME.search(before))
        or neg.search(before)
        or _after_guard().search(clause[match.end() :][:30])
    ):
        return False
    if not clause.rstrip().endswith("?") and LEADING.match(before):
        return True
    bare = None if clause.rstrip().endswith("?") else BARE_FACT.match(clause)
    if bare and bare.group("fact").strip().lower() == match.group(0).strip().lower():
        return True
    if need_identity:
        return bool(IDENTITY.search(before) or IDENTITY.search(clause))
    return bool(SPEAKER.search(clause))


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
    fine = {m.group(1).removesuffix("s") for m in TOLERATES.finditer(clause)}
    found = (terms[m.group(1)] for m in pattern.finditer(clause))
    return [a for a in found if a.removesuffix("s") not in fine]


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
        for piece in [c, *(FACT_JOIN.split(c) if len(FACT_JOIN.split(c)) > 1 else [])]
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
            if not MONEY_CUE.search(clause) or CAPACITY.search(clause):
                continue  # "can i get portra 400 in 120": a film's name, no money
            if (amount := _amount(clause)) is not None:
                p["budget"] = amount  # the rules already read the clauses they match
        elif kind == "bad_size":
            for m in SIZE_NAMED.finditer(clause):
                size = normalize_size(m.group(1))
                _add(p, "bad_sizes", size)
                if size in p.get("sizes", []):
                    p["sizes"].remove(size)


def recipient_facts(
    text: str, facts: FactModel | None = None, for_them: bool = False
) -> dict[str, Any]:
    """Diets, allergies and the level of the person a product is for, from this message only.

    "son's allergic to feathers - feather inner or hollowfibre?", "my wife is vegan, which
    wallet?": the fact is not the customer's (it is never stored in their profile), but the
    products for that person must respect it. A clause about someone else is read as if the
    customer said it of themself (``recipient_as_self`` in the rules), through the same
    patterns and classifier. ``for_them``: an earlier message said whom the purchase is for
    ("a chain for my boyfriend", then "he has a nickel allergy").
    """
    if not (for_them or FOR_THEM.search(text)) or FOR_ME.search(text):
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
        if learned.get("level"):  # "she's never done any photography before": her first camera
            found["level"] = learned["level"]
    return found


def states_facts(parts: list[str], facts: FactModel | None = None) -> list[bool]:
    """Whether each text, alone, states a profile fact (one classifier batch for all)."""
    # (a pet is the customer's context, not a fact that makes a clause a statement: "my cat
    # keeps throwing up" is the reason for the ask around it)
    hits = [bool(learn([part], {}).keys() - {"pets"}) for part in parts]
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
            for m in ALLERGY.finditer(low):
                if not _applies(low, m, need_identity=False):
                    continue
                raw = next((g for g in m.groups() if g), "")
                for item in ALLERGEN_SPLIT.split(raw):
                    item = ALLERGEN_LEADING.sub("", item.strip())
                    # "allergic to feathers btw": the allergen, not the chatter after it
                    item = ALLERGEN_CHATTER.sub("", item)
                    if item and item not in NO_ALLERGEN and len(item.split()) <= 3:
                        # (a list of allergens, not the sentence that runs on after it:
                        # "allergic to chicken, was going to put her on the light one")
                        _add(p, "allergies", item)
            for m in TOLERATES.finditer(low):
                _add(p, "tolerates", m.group(1).rstrip("s"))
            if (m := BUDGET_STATEMENT.search(low)) and _budget_applies(low, m):
                p["budget"] = price_value(next(g for g in m.groups() if g))
            for pet, pattern in _pet_patterns():
                if (m := pattern.search(low)) and not _guards()[0].search(low[: m.start()]):
                    _add(p, "pets", pet)  # "we've got a cat who chews every plant"
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


@lru_cache(maxsize=1)
def _pet_patterns() -> list[tuple[str, re.Pattern[str]]]:
    """(animal, how a customer says they keep one) from ``pets`` in the rules file."""
    spec = rules().get("pets", {})
    out = []
    for pet, words in spec.get("animals", {}).items():
        alt = "(?:" + "|".join(map(re.escape, words)) + ")"
        joined = "|".join(pat.replace("{animal}", alt) for pat in spec.get("owned", []))
        out.append((pet, re.compile(f"(?:{joined})")))
    return out


@lru_cache(maxsize=1)
def pet_harm() -> dict[str, re.Pattern[str]]:
    """Per animal, a product's own words that it harms one ("toxic to cats and dogs")."""
    spec = rules().get("pets", {})
    out = {}
    for pet, words in spec.get("animals", {}).items():
        alt = "(?:" + "|".join(map(re.escape, [*words, "pets", "pet", "animals"])) + ")"
        joined = "|".join(pat.replace("{animal}", alt) for pat in spec.get("harm", []))
        out[pet] = re.compile(f"(?:{joined})", re.I)
    return out


def _budget_applies(clause: str, match: re.Match[str]) -> bool:
    """A budget in a DM is the sender's unless it is someone else's ("budget is under 50").

    Someone named after it is who it buys for ("budget is $150 tops, i want the kettle for my
    boyfriend"): the budget is still the sender's.
    """
    neg, third = _guards()
    before = clause[: match.start()]
    return not third.search(before) and not neg.search(before)


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
    for m in CLAUSE_BREAK.finditer(text):
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
