"""Node 2: split the message into focused questions, label intents and entities, learn facts."""

from __future__ import annotations

import json
import re
from typing import Any

from langchain_core.messages import HumanMessage, SystemMessage
from langgraph.runtime import Runtime

from nodes.llm_backend import LLMAnalysis
from nodes.llm_calls import call_llm
from nodes.offline.entities import Entities, Reference, extract_entities
from nodes.offline.nlu import Question, analyze
from nodes.offline.profile import clauses, learn, recipient_facts
from nodes.state import AgentState, Context
from nodes.timing import timed
from prompts.lexicon import lexicon, normalize_size, stem, tokenize
from prompts.llm import ANALYZE_SYSTEM
from prompts.phrasing import FOR_ME, FOR_THEM

_GENERIC_HEADS = frozenset({"set", "pair", "pack", "kit", "bundle", "top"})
# Questions answered in one turn. A 4,000-character message repeating one ask became 134
# questions and 134 searches; repeats are dropped and the rest beyond this is left to a person
# (the reply is held with the count), never dropped in silence.
MAX_QUESTIONS = 8


def _bounded(questions: list[Question]) -> tuple[list[Question], int]:
    """Distinct questions, at most ``MAX_QUESTIONS``; and how many distinct ones were left."""
    seen: set[str] = set()
    distinct = []
    for q in questions:
        key = " ".join(re.findall(r"\w+", q.text.lower()))
        if key not in seen:
            seen.add(key)
            distinct.append(q)
    return distinct[:MAX_QUESTIONS], max(0, len(distinct) - MAX_QUESTIONS)


def _head_noun(name: str) -> str | None:
    """The noun a product name ends on ("Adjustable Dumbbell Set" -> dumbbell)."""
    name = re.sub(r"\(.*?\)|\b\S*\d\S*\b", " ", name.lower())
    name = name.split(" for ")[0]  # "Door Anchor for Bands" -> anchor
    words = [w for w in re.findall(r"[a-z]+(?:-[a-z]+)?", name) if len(w) > 2]
    heads = [w for w in words if w not in _GENERIC_HEADS]
    return stem(heads[-1]) if heads else None


def product_types(ctx: Context, creator_id: str) -> dict[str, str]:
    """Stemmed product nouns -> category name, from the creator's catalog (cached per index).

    Category names give the first words ("Sports Bras" -> bra). Leaves named by purpose
    ("Recovery", "Strength") get theirs from product names: a name's head noun ("Foam Roller"
    -> roller) maps to its category when every product with that head shares it.
    """
    idx = ctx.search.index(creator_id)
    cache = getattr(idx, "_product_types", None)
    if cache is None:
        cache = {}
        abstract = set(lexicon().get("abstract_category_words", []))
        by_head: dict[str, list[tuple[str, str]]] = {}
        hyphened: list[tuple[str, str]] = []
        for category in idx.categories:
            leaf = category.split(">")[-1].strip()
            words = [w for w in tokenize(leaf, drop_stopwords=False) if "-" not in w]
            # The head noun names the product ("Free Weights" -> weight, "Sports Bras" -> bra);
            # modifiers and abstract leaves ("Small", "Strength", "Recovery") would misfire.
            head = [w for w in words[-1:] if len(w) > 2 and w not in abstract]
            if head:
                shared = by_head.setdefault(stem(head[0]), [])
                if leaf not in [lf for lf, _ in shared]:
                    shared.append((leaf, head[0]))
                for parent in category.split(">")[:-1]:
                    # "Necklaces > Pearl Necklaces": "necklace" is every necklace, not the leaf
                    # ("SUP Boards > Hard Boards": a board is any SUP board too)
                    last = (parent.lower().split() or [""])[-1]
                    if stem(last) == stem(head[0]) and parent.strip() not in [
                        lf for lf, _ in shared
                    ]:
                        shared.append((parent.strip(), head[0]))
                # "dining table" -> Dining Tables, "side table" too; the parts of a hyphened
                # word are none ("Acoustic-Electric Guitars" is no "electric guitars"), and a
                # leaf that is just the two words wins over a longer one
                plain = [w for w in leaf.lower().split()[:-1] if "-" not in w]
                for word in tokenize(" ".join(plain), drop_stopwords=False):
                    if len(word) > 2 and word not in abstract:
                        key = stem(f"{word}-{head[0]}")
                        if words == [word, head[0]]:
                            cache[key] = leaf
                        else:
                            cache.setdefault(key, leaf)
            end = leaf.lower().split("-")[-1]
            if ("-" in leaf or "shirt" in leaf.lower()) and len(end) > 2 and tokenize(end):
                hyphened.append((stem(end), leaf))  # ("Sit-In": no kind "in")
        for kind, found in by_head.items():
            # a head several leaves share ("tables": Dining Tables, Coffee & Side Tables) is
            # the word itself, which the search matches in every one of them
            cache.setdefault(kind, found[0][0] if len(found) == 1 else found[0][1].title())
        for kind, leaf in hyphened:  # "shirt" of "T-Shirts"; not "bike" of "E-Bikes" alone
            cache.setdefault(kind, leaf)
        heads: dict[str, list[str]] = {}
        modifiers: dict[str, list[str]] = {}
        parents: dict[str, str] = {}
        for product in idx.products:
            path = [c.strip() for c in (product.get("category") or "").split(">")]
            leaf = path[-1]
            name = product.get("name") or ""
            if leaf and (noun := _head_noun(name)):
                heads.setdefault(noun, []).append(leaf)
                for parent in path[:-1]:  # "Kids Wetsuit" in "Wetsuits > Kids": all wetsuits
                    if parent and stem(parent.lower().split()[-1]) == noun:
                        parents.setdefault(noun, parent)
                for word in tokenize(name, drop_stopwords=False):
                    if stem(word) != noun:
                        modifiers.setdefault(stem(word), []).append(leaf)
        for noun, parent in parents.items():
            cache.setdefault(noun, parent)
        for noun, leaves in heads.items():
            # A head of one category that names products more often than it describes
            # others: "Long Sleeve Running Tee" x2 makes "sleeve" (Elbow/Knee Sleeves) ambiguous,
            # "Home Dumbbell Program" does not outweigh three dumbbells.
            other = [c for c in modifiers.get(noun, []) if c != leaves[0]]
            if len(set(leaves)) == 1 and len(leaves) > len(other) and noun not in abstract:
                cache.setdefault(noun, leaves[0])
        idx._product_types = cache  # type: ignore[attr-defined]
    return cache


def _from_llm(result: LLMAnalysis) -> tuple[list[Question], dict[str, Any]]:
    questions = []
    for q in result.questions:
        # Reference phrases are resolved by the same rules as offline ("the first one" -> #1).
        refs: list[Reference] = []
        for phrase in q.references:
            refs += extract_entities(phrase).references or [
                Reference(kind="description", text=phrase)
            ]
        ent = Entities(
            min_price=q.min_price,
            max_price=q.max_price,
            sort="price_asc" if q.cheapest else "relevance",
            colors=[c.lower() for c in q.colors],
            sizes=[normalize_size(s) for s in q.sizes],
            categories=q.categories,
            references=refs,
        )
        questions.append(
            Question(text=q.text, intent=q.intent, entities=ent,
                     needs_clarification=q.needs_clarification)
        )  # fmt: skip
    return questions, result.facts.model_dump(exclude_defaults=True)


_THEM = re.compile(r"\bfor (?:them|him|her|it|my pets?|our pets?|the pets?)\b", re.I)


def _for_their_pets(q: Question, pets: list[str]) -> Question:
    """A suitability question "for them" after the customer named their pets is about those."""
    attr = q.attribute
    if not attr or attr.get("form") != "suits" or not _THEM.search(attr.get("attribute", "")):
        return q
    animals = " and ".join(f"{pet}s" for pet in pets)
    said = _THEM.sub(f"for {animals}", attr["attribute"])
    return q.model_copy(update={"attribute": {**attr, "attribute": said}})


RECIPIENT_TURNS = 4  # how far back "for my boyfriend" still names whom a purchase is for


def _shopping_for_them(state: AgentState) -> bool:
    """Whether the customer's last messages before this one shop for someone else."""
    said = [m.content for m in state.get("messages", []) if isinstance(m, HumanMessage)][:-1]
    for text in reversed(said[-RECIPIENT_TURNS:]):
        if isinstance(text, str) and FOR_ME.search(text):
            return False
        if isinstance(text, str) and FOR_THEM.search(text):
            return True
    return False


@timed("analyze_intent")
def analyze_intent(state: AgentState, runtime: Runtime[Context]) -> dict[str, Any]:
    """LLM structured output when configured, else (or on failure) the offline NLU."""
    ctx = runtime.context
    shown = state.get("shown_products") or []
    update: dict[str, Any] = {}
    questions: list[Question] | None = None
    statements: list[str] = []
    facts: dict[str, Any] = {}
    if ctx.llm is not None and not state.get("fallback_used"):
        brief = json.dumps([{"product_id": p["product_id"], "name": p["name"]} for p in shown])
        prompt = [
            SystemMessage(ANALYZE_SYSTEM.format(creator=ctx.creator_name, shown=brief)),
            HumanMessage(state["text"]),
        ]
        llm = ctx.llm
        result, update = call_llm(
            llm, dict(state), "analyze_intent", lambda cfg: llm.analyzer().invoke(prompt, cfg)
        )
        if isinstance(result, LLMAnalysis) and result.questions:
            questions, facts = _from_llm(result)
    vocab = ctx.search.vocabulary(state["creator_id"])
    text = vocab.correct(state["text"])  # "foam roler" -> the shop's own "roller"
    if questions is None:
        questions, statements = analyze(
            text, ctx.classifier, product_types(ctx, state["creator_id"]),
            has_shown_products=bool(shown),
            prefetch=clauses(text) if ctx.facts else None, facts=ctx.facts, vocab=vocab,
        )  # fmt: skip
    questions, left = _bounded(questions)
    # The rules always run too: they are cheap and guard against a model missing a stated fact.
    profile = learn([text], state.get("profile") or {}, facts=ctx.facts)
    for key, value in facts.items():
        if isinstance(value, list):
            profile[key] = sorted({*profile.get(key, []), *value})
        elif value is not None:
            profile[key] = value
    if profile.get("pets"):  # "i've got two dogs" ... "is the parlour palm alright for them?"
        questions = [_for_their_pets(q, profile["pets"]) for q in questions]
    # "a chain for my boyfriend" earlier, then "he has a nickel allergy": still his purchase
    for_them = _shopping_for_them(state)
    recipient = recipient_facts(text, ctx.facts, for_them=for_them)
    if for_them:
        for key, values in (state.get("recipient") or {}).items():
            if isinstance(values, list):
                recipient[key] = sorted({*recipient.get(key, []), *values})
            else:  # their level: this message's word wins
                recipient.setdefault(key, values)
    return {
        **update,
        "questions": [q.model_dump() for q in questions],
        "questions_left": left,
        "statements": statements,
        "profile": profile,
        "recipient": recipient,
        "clarify": any(q.needs_clarification for q in questions),
    }
