"""Offline language understanding: focused questions, intents and entities.

A message is split into focused questions; each gets an intent (logistic regression over MiniLM
embeddings, trained on ``prompts/data``) and entities from rules (prices, colours, sizes,
product types, references to shown products). The words of the rules the classifier cannot
see (advice, comparisons, yes/no questions about an attribute) are data:
``prompts/data/questions.json``.
"""

from __future__ import annotations

import json
import re
import threading
from functools import lru_cache
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, Field

from memory.embeddings import MiniLMEmbeddings
from nodes.offline.clauses import (
    ClauseKinds,
    content_words,
    phrase_across,
    split_questions,
    states_diet_or_allergy,
)
from nodes.offline.entities import Entities, extract_entities
from nodes.offline.planner import clean_query
from nodes.offline.profile import learn, states_facts
from nodes.offline.textclf import TextClassifier
from nodes.state import IntentModel
from prompts.grammar import PRICE_QUESTION
from prompts.loader import DATA
from prompts.phrasing import (
    A_SET,
    ADVICE,
    ASKS_FOR_THING,
    ASKS_INSIDE,
    ATTR_VERB,
    COLLECTIVE,
    COLLECTIVE_AUXILIARIES,
    COLLECTIVE_DETERMINERS,
    COMPARATIVE,
    COORDINATION,
    DEFINITE,
    EITHER,
    EVALUATIVE,
    FRAGMENT,
    FRAGMENT_NP,
    GREETING_ONLY,
    LEAD_DETERMINER,
    NEEDS,
    QUESTION_FORM,
    RANKS,
    RECOMMEND_ASK,
    REFINE,
    REQUEST,
    SEARCH_ASK,
    STATED_COMPOUND,
    SUITS,
    THERE_IN,
    THERE_IN_IT,
    TWO_THINGS,
    VAGUE,
    WANTS,
    WANTS_INSIDE,
    WEIGHS,
    YES_NO,
    YES_NO_BE,
    YES_NO_DOES,
    YES_NO_PERSON,
    YES_NO_PRONOUNS,
    YES_NO_TEXT,
)
from tools.units import normalize, quantity
from tools.vocabulary import Vocabulary

Intent = Literal[
    "product_search",
    "variant_question",
    "price_inquiry",
    "comparison",
    "general_question",
    "support",
    "greeting",
    "other",
]
INTENTS: tuple[str, ...] = Intent.__args__  # type: ignore[attr-defined]


class Question(BaseModel):
    """One focused question of a message."""

    text: str
    intent: Intent
    confidence: float = 1.0
    entities: Entities = Field(default_factory=Entities)
    needs_clarification: bool = False
    # A yes/no question about a product's attribute ("is the jute rug washable?"): the words
    # naming the product (or "it"), the attribute asked about, and the question's form.
    attribute: dict[str, str] | None = None
    # A support question a person must handle (an order problem, a complaint, "a human pls"),
    # not a question the store policies answer.
    needs_person: bool = False
    # A bare "how much?" / "cost?" after another question of the message: about that one.
    continues: bool = False
    # "allergic to feathers btw", "it's for my niece, she has a dairy allergy" after a list: a
    # fact that only re-checks the search on screen (its allergen is no filter)
    recheck: bool = False
    # "it needs to go in the washing machine" after a list: a need that narrows its search
    narrows: bool = False
    # "heads up i have a latex allergy", "i've got two dogs btw": a message that only tells a
    # fact about the customer; it is kept in mind, and there is nothing to look up
    noted: bool = False


# -- intent classification ------------------------------------------------------------------
def load_examples() -> list[dict[str, str]]:
    """Labelled example messages (``prompts/data/intent_examples.jsonl``)."""
    path = DATA / "intent_examples.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


class IntentClassifier(TextClassifier):
    """The intent model, trained on ``prompts/data/intent_examples.jsonl``.

    On the gold questions of ``evals/datasets/intents.jsonl`` the n-gram features lift
    accuracy from 0.85 (embedding alone) to 0.90 (``evals/intent_cv.py`` measures the
    classifier alone).
    """

    def __init__(self, embedder: MiniLMEmbeddings, examples: list[dict[str, str]] | None = None):
        rows = examples if examples is not None else load_examples()
        super().__init__(embedder, [r["text"] for r in rows], [r["intent"] for r in rows])
        self._support: TextClassifier | None = None
        self._shopping: TextClassifier | None = None

    def needs_person(self, texts: list[str]) -> list[bool]:
        """Whether each support question is a problem a person must handle.

        An order problem, a payment, a complaint or a request for a person is; a question about
        the shop's rules ("do you ship to canada?", "can I return an opened bag?") is not: the
        creator's policies answer it. Trained on the ``problem`` and ``policy`` rows of
        ``prompts/data/support_examples.jsonl``.
        """
        if not texts:
            return []
        if self._support is None:
            rows = [r for r in _support_rows() if r["label"] in {"problem", "policy"}]
            self._support = TextClassifier(
                self.embedder, [r["text"] for r in rows], [r["label"] for r in rows]
            )
        problem = self._support.labels.index("problem")
        # ... and the three-way model (with the shopping rows) agrees that a problem is what
        # it reads most: "will the delivery guy want to see ID when my knife comes?" asks a rule
        three_way = self._three_way()
        first = three_way.labels.index("problem")
        return [
            bool(row[problem] >= 0.5 and np.argmax(three) == first)
            for row, three in zip(self._support.proba(texts), three_way.proba(texts), strict=True)
        ]

    def _three_way(self) -> TextClassifier:
        """The problem/policy/shopping model, trained on first use."""
        if self._shopping is None:
            rows = _support_rows()
            self._shopping = TextClassifier(
                self.embedder, [r["text"] for r in rows], [r["label"] for r in rows]
            )
        return self._shopping

    def wants_product(self, texts: list[str]) -> list[bool]:
        """Whether each text is a need for a product said with a reason, not a problem.

        "need a really bright front light so i can see the road" reads like a complaint to the
        problem/policy classifier; with the ``shopping`` rows beside them it is told apart.
        """
        if not texts:
            return []
        three_way = self._three_way()
        shopping = three_way.labels.index("shopping")
        return [bool(row[shopping] >= 0.5) for row in three_way.proba(texts)]

    def shopping_first(self, texts: list[str]) -> list[bool]:
        """Whether each text reads more as shopping than as a problem or a policy question.

        "i left ink in my pen for a year ... what do i need to get it clean?" tells a problem
        to ask for something to buy; the problem/policy/shopping rows tell it from an order
        problem without a rule per phrasing.
        """
        if not texts:
            return []
        three_way = self._three_way()
        shopping = three_way.labels.index("shopping")
        return [bool(np.argmax(row) == shopping) for row in three_way.proba(texts)]


def _support_rows() -> list[dict[str, str]]:
    path = DATA / "support_examples.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()]  # fmt: skip


_lock = threading.Lock()


@lru_cache(maxsize=2)
def _classifier(embedder_id: int, embedder: MiniLMEmbeddings) -> IntentClassifier:
    return IntentClassifier(embedder)


def get_classifier(embedder: MiniLMEmbeddings) -> IntentClassifier:
    """One trained classifier per embedder (training takes ~1 s)."""
    with _lock:
        return _classifier(id(embedder), embedder)


def _points(ent: Entities) -> bool:
    """A shown product pointed at with its own variant ("the 3rd one in M")."""
    return ent.has_filters() and ent.points()


def split_coordinated(
    part: str, product_types: dict[str, str] | None, phrases: frozenset[str] = frozenset()
) -> list[str]:
    """One search per product type asked for ("hoodies under 60 and joggers to match").

    Only where both sides name a product type of the catalog and the right side a new one,
    so "black and white leggings" or "leggings with pockets and a high waist" stay whole, or
    where each side points at a shown product with a variant of its own ("compare the first
    and the second" stays whole).
    """
    for m in COORDINATION.finditer(part):
        left, right = part[: m.start()].strip(" ,"), part[m.end() :].strip(" ,")
        if not left or not right or phrase_across(left, right, phrases) or A_SET.match(right):
            continue  # ("cookies and cream protein": a flavour the shop sells; "a table and
            # chairs set": one thing)
        le, re_ = extract_entities(left, product_types), extract_entities(right, product_types)
        before, after = set(le.categories), set(re_.categories)  # empty without product_types
        if (before and after - before) or (_points(le) and _points(re_)):
            # "the 3rd one in M and the 1st one in S": two products, each with its own variant
            return [left, *split_coordinated(right, product_types, phrases)]
    return [part]


# Distinct parts analysed at most: a cost bound (a 4,000-character "sofa and rug and ..." must
# not run hundreds of entity passes). The agent answers fewer (nodes/analyze_intent.py) and
# holds the reply when a message asks more.
MAX_PARTS = 40
FOLLOW_UP_CONFIDENCE = 0.45
FOLLOW_UP_PRIOR = 0.15


def clause_kinds(classifier: IntentModel, facts: Any | None = None) -> ClauseKinds:
    """Which clauses state a profile fact, and which state a problem (see ``ClauseKinds``).

    A fact is what the profile patterns or the fact classifier learn from the clause alone; a
    problem is what the intent model calls ``support`` with p >= 0.5 and a person must handle
    (``IntentClassifier.needs_person``).
    """
    from nodes.offline.profile import states_facts

    def kinds(parts: list[str]) -> list[str]:
        if not parts:
            return []
        stated = states_facts(parts, facts)
        probs = classifier.proba(parts)
        support = classifier.labels.index("support")
        supported = [i for i, row in enumerate(probs) if row[support] >= 0.5]
        # a problem is a support clause a person must handle ("want it to match my curtains"
        # is neither)
        person = dict(zip(supported, classifier.needs_person([parts[i] for i in supported]),
                          strict=True))  # fmt: skip
        return [
            "fact" if stated[i] else "problem" if person.get(i) else "" for i in range(len(parts))
        ]

    return kinds


def split_asks(text: str, embedder: MiniLMEmbeddings) -> list[str]:
    """The asks of a message as the agent splits them (for evaluation)."""
    from nodes.offline.profile import get_fact_classifier

    kinds = clause_kinds(get_classifier(embedder), get_fact_classifier(embedder))
    return split_questions(text, kinds)[0]


def analyze(
    text: str,
    classifier: IntentModel,
    product_types: dict[str, str] | None = None,
    has_shown_products: bool = False,
    prefetch: list[str] | None = None,
    facts: Any | None = None,
    vocab: Vocabulary | None = None,
) -> tuple[list[Question], list[str]]:
    """Questions with intents and entities, plus the statements (context) of the message."""
    parts, statements = split_questions(
        text, clause_kinds(classifier, facts),
        vocab.and_phrases if vocab is not None else frozenset(), vocab,
    )  # fmt: skip
    phrases = vocab.and_phrases if vocab is not None else frozenset()
    # the same ask repeated is one ask
    parts = list(dict.fromkeys(parts))[:MAX_PARTS]
    parts = [piece for part in parts for piece in split_coordinated(part, product_types, phrases)]
    parts = list(dict.fromkeys(parts))[:MAX_PARTS]
    parts = _named_before(text, parts, statements, vocab)
    if has_shown_products:
        parts = _without_reason(parts, statements, product_types, vocab)
    entities = [extract_entities(part, product_types, vocab) for part in parts]
    for part, e in zip(parts, entities, strict=True):
        head = part.split("?", 1)[0]
        if len(head) < len(part.rstrip("?! ")):
            # "does the gravity have a removable chin bar? want it for trail rides too": the
            # "it" of the context after the question points at what the question named
            e.references = [r for r in e.references if r.kind != "anaphora"
                            or re.search(rf"\b{re.escape(r.text)}\b", head, re.I)]  # fmt: skip
    # "I measured my chest at about 112cm. Which size of the life jacket?": a measure of the
    # customer said in the context picks the size of what the questions ask about
    for said in statements:
        if vocab is None or not vocab.personal(said):
            continue
        measured = extract_entities(said, product_types, vocab)
        for e in entities:
            for name, values in measured.options.items():
                if all(quantity(v.lower()) for v in values) and name not in e.options:
                    e.options[name] = list(values)
            e.sizes += [x for x in measured.sizes if quantity(x.lower()) and x not in e.sizes]
    # "got any kettlebells? looking for a 16kg one": a part that only adds filters narrows the
    # ask before it (its words are all filters, fillers or "one").
    k = 1
    while k < len(parts):
        e = entities[k]
        rest = clean_query(parts[k], e.model_dump())
        if (
            (e.options or e.colors or e.sizes or e.brands) and not e.categories
            and (not content_words(rest) or FRAGMENT_NP.match(parts[k]))
            and not e.references
            and not QUESTION_FORM.match(parts[k])  # "do you ship to canada?" asks on its own
        ):  # fmt: skip
            before = entities[k - 1]
            for name, values in e.options.items():
                have = before.options.setdefault(name, [])
                have.extend(v for v in values if v not in have)
            before.colors += [c for c in e.colors if c not in before.colors]
            before.sizes += [x for x in e.sizes if x not in before.sizes]
            before.brands += [b for b in e.brands if b not in before.brands]
            before.prefer = before.prefer or e.prefer
            before.prefer_option = before.prefer_option or e.prefer_option
            before.matched += e.matched
            parts[k - 1] = f"{parts[k - 1]} {parts[k]}"
            del parts[k], entities[k]
            continue
        k += 1
    # One ONNX batch for the questions and the search queries the planner will derive from
    # them: the classifier and the product search then both hit the embedding cache.
    queries = [clean_query(p, e.model_dump()) for p, e in zip(parts, entities, strict=True)]
    classifier.embedder.encode(list(dict.fromkeys(parts + queries + (prefetch or []))))
    probs = classifier.proba(parts) if parts else np.zeros((0, len(classifier.labels)))
    questions: list[Question] = []
    labels: list[str] = []  # each question's intent before a stated need made it a search
    for part, ent, row in zip(parts, entities, probs, strict=True):
        label: str = classifier.labels[int(row.argmax())]
        conf = float(row.max())
        if questions and conf < FOLLOW_UP_CONFIDENCE:
            # An unsure follow-up continues the question before it when that reading is
            # plausible ("how often should a beginner train? and how long per session").
            prev = questions[-1].intent
            if row[classifier.labels.index(prev)] >= FOLLOW_UP_PRIOR:
                label = prev
        # Context rules the classifier cannot see: a bare size/colour after products were
        # shown is a variant question; a bare price cap is a search refinement.
        if has_shown_products and ent.categories and FOR_WHAT.match(part):
            # "for my gravel bike" after tyres were shown: what those are for, not a new kind
            label, ent = "product_search", ent.model_copy(update={"categories": []})
        if has_shown_products and len(part.split()) <= 4 and not ent.categories:
            if (ent.sizes or ent.colors) and label not in {"comparison", "price_inquiry"}:
                label = "variant_question"
            elif ent.has_filters() and (
                label in {"other", "greeting", "general_question"}
                or (
                    label == "price_inquiry"
                    and not ent.references
                    and (ent.min_price is not None or ent.max_price is not None)
                )
            ):
                label = "product_search"  # "under $60" after a list refines the search
        if (
            label == "comparison"
            and not (WEIGHS.search(part) or ent.points())
            and (
                ent.prefer
                or (not has_shown_products and not RANKS.search(part)
                    and not TWO_THINGS.search(part))
            )
        ):  # fmt: skip
            # "the electric one, with the bigger battery", "which mattress topper should I go
            # for?": which one is wanted among a kind, not a weighing of two named things
            label = "product_search"
        if (
            label == "greeting"
            and ent.categories
            and (QUESTION_FORM.match(part) or REQUEST.search(part))
        ):
            label = "product_search"  # "can i see your dresses": no greeting asks for a kind
        if ent.categories and conf < 0.5 and (
            (label in {"general_question", "other", "greeting"} and not ADVICE.match(part))
            or (label == "comparison" and not COMPARATIVE.search(part)
                and not EITHER.search(part))
        ):  # fmt: skip
            # "mens joggers pls", "whey isolate, chocolate, the big tub": a bare product noun
            # phrase (a comparison names two things or a comparative)
            label = "product_search"
        elif (
            has_shown_products and label in {"general_question", "other", "comparison"}
            and conf < 0.5
            and len(part.split()) <= 5 and FRAGMENT.match(part)
        ):  # fmt: skip
            label = "product_search"  # "but I'm vegan", "for running": narrows the list
        if (
            has_shown_products and label in {"greeting", "other", "general_question", "support"}
            and len(part.split()) <= 4 and (ent.colors or ent.sizes or ent.options)
            and not GREETING_ONLY.match(part)
        ):  # fmt: skip
            label = "product_search"  # "fine nib" after a list: the shop's value, no "i'm fine"
        if (
            label in {"support", "general_question"} and (ent.categories or ent.tags)
            and WANTS.match(part) and classifier.wants_product([part])[0]
        ):  # fmt: skip
            label = "product_search"  # "need a really bright front light so i can see the road"
        if label == "variant_question" and (
            (SEARCH_ASK.match(part) and not ent.points())
            or (not ent.references and ent.categories and not DEFINITE.search(part))
        ):
            # "black joggers in large?", "show me the blue ones": a search with filters. A
            # question about a product the customer points at ("is the omega 3 vegan", "do
            # they run small") stays a variant question; the planner finds the product first.
            label = "product_search"
        collective = bool(has_shown_products and COLLECTIVE.search(part))
        filters = bool(ent.tags or ent.matched or ent.min_price is not None
                       or ent.max_price is not None)  # fmt: skip
        if collective and (
            (label == "comparison" and (filters or _narrows_by_property(part)))
            or (label in {"variant_question", "general_question", "other"}
                and (filters or content_words(COLLECTIVE.sub(" ", part))))
        ):  # fmt: skip
            # "which of those are indoor plants?", "which of those have pockets?": narrow the
            # list. "which of those is warmer" stays a comparison.
            label = "product_search"
        if (
            (label in {"general_question", "other"} or (label == "support" and conf < 0.6))
            and RECOMMEND_ASK.search(part)
            and content_words(clean_query(text, {}))
        ):
            # "my son turns 2 ... his very first board game. Everything goes straight into his
            # mouth. What would you suggest?": the shop is asked to pick from what it sells
            label = "product_search"
        if (
            label == "support" and conf < 0.5
            and (
                ASKS_FOR_THING.search(part)
                # (a question; "upgrading my desk setup" before the ask is its context)
                or (("?" in part or ASKS_INSIDE.search(part))
                    and classifier.shopping_first([part])[0])
            )
        ):  # fmt: skip
            # "my lens always has smudges ... whats the best thing to clean it with": a
            # problem told to ask for something to buy, not one a person must fix
            label = "product_search"
        if (
            label == "support" and conf < 0.5 and WANTS.match(part)
            and (ent.colors or ent.sizes or ent.options)
        ):  # fmt: skip
            # "need refills for my six ring planner, the personal size": a request that names
            # the shop's own values is a search, not a problem
            label = "product_search"
        if (
            label == "support" and conf < 0.5 and has_shown_products
            and (ent.colors or ent.sizes or ent.options)
        ):  # fmt: skip
            # "my head measures 56cm, black pls" after a list: the shop's values; a problem is
            # support with p >= 0.5 (as in ``clause_kinds``)
            label = "product_search"
        # "can the lumora verde be controlled with an app?": read as support, but a question
        # about a product the shop names, with no problem in it, asks a fact of that product
        problem: bool | None = None  # (needs_person, asked once per part)
        of_product = (
            label == "support" and conf < 0.5 and vocab is not None
            and bool(vocab.named_spans(part, starts=True)) and QUESTION_FORM.match(part)
            and not (problem := classifier.needs_person([part])[0])
        )  # fmt: skip
        attribute = (
            attribute_question(_with_article(part, vocab))
            if label in _ATTRIBUTE_LABELS or of_product
            else None
        )
        # the part of an attribute question that may only name variants: a "text" question's
        # phrase; the values after "come in" when the vocabulary cannot ground them ("do they
        # come in a 9?": a size only the variants know as "UK 9"; "does the sofa come in
        # sage?" is answered yes or no by its own values)
        text_form, asked_in = False, ""
        if attribute is not None and attribute["form"] == "text":
            text_form, asked_in = True, attribute["phrase"]
        elif (
            attribute is not None
            and attribute.get("verb") in COME_IN
            and not _grounds_values(attribute["attribute"], vocab)
        ):
            asked_in = f"in {attribute['attribute']}"
        if (
            attribute
            and asked_in
            and _asks_options(
                extract_entities(asked_in, None, vocab), vocab, asked_in if text_form else ""
            )
        ):
            # "do the highland boots go up to a 48?", "do they come in a 9?": the variants
            # answer
            attribute = None
        if attribute and (
            (attribute.get("form") != "suits"
             and EVALUATIVE.search(_unstated(
                 attribute.get("attribute") or attribute.get("phrase") or "", vocab)))
            or (attribute.get("pronoun") and not attribute.get("subject")
                and not has_shown_products)
            or (label not in {"variant_question", "product_search"}
                and (attribute.get("collective") or not _names_product(attribute, ent)))
        ):  # fmt: skip
            # "is it bad to lift every day", "is the massage gun worth it": advice, not a fact
            # of the product; "is it waterproof?" with nothing shown points at nothing
            attribute = None
        if attribute and not attribute.get("collective"):
            label = "variant_question"
        elif attribute:
            label = "product_search"  # "do any of your sofas come in leather?"
        if label in {"general_question", "support", "other", "greeting"}:
            # "how much protein a day", "the zip on my jacket broke": the product word names
            # no product to look up, so it constrains nothing.
            ent = ent.model_copy(update={"categories": []})
        recheck = (
            has_shown_products
            and not ent.categories
            and not QUESTION_FORM.match(part)
            and (states_diet_or_allergy(part) or (len(parts) == 1 and _only_pets(part)))
        )  # fmt: skip  ("theres 2 cats who chew everything" after a list: re-checked too)
        if recheck:
            label, ent = "product_search", Entities()
        # "what do you recommend?", "show me what you have": no word left to search by
        vague = (
            (bool(VAGUE.match(part)) or not content_words(clean_query(part, ent.model_dump())))
            and not ent.categories
            and not ent.has_filters()
        )
        # "if the helmet doesnt fit can i send it back?": a rule asked about, no problem yet
        person = (
            label == "support" and not IF_ASKED.match(part)
            and (problem if problem is not None else classifier.needs_person([part])[0])
        )  # fmt: skip
        narrows = (
            has_shown_products and not recheck and not person and not ent.categories
            and label != "comparison" and label != "price_inquiry" and label != "greeting"
            and "?" not in part and not QUESTION_FORM.match(part) and bool(NEEDS.search(part))
            and all(r.kind == "anaphora" for r in ent.references) and attribute is None
            # (the forms the planner already narrows by: "only the washable ones", "for running")
            and not (COLLECTIVE.search(part) or FRAGMENT.match(part) or REFINE.match(part))
        )  # fmt: skip
        stated = label
        if narrows:
            # "im oily and break out from anything heavy", "it needs to go in the washing
            # machine" after a list: what the product must be, said as a statement
            label = "product_search"
        continues = bool(questions) and bool(PRICE_QUESTION.match(part))
        noted = (
            len(parts) == 1 and not has_shown_products and not ent.categories
            and "?" not in part and not QUESTION_FORM.match(part)
            and not REQUEST.search(part) and not ASKS_INSIDE.search(part)
            and not WANTS_INSIDE.search(part) and not person
            and not re.search(r"\bbut\b", part, re.I)  # "..., but i love X"
            and not (vocab is not None and vocab.named_spans(part))
            and _states_own_fact(part, facts)
        )  # fmt: skip
        if noted:
            label, attribute = "greeting", None
        questions.append(
            Question(
                text=part,
                intent=label,  # type: ignore[arg-type]
                confidence=round(conf, 3),
                entities=ent,
                needs_clarification=(
                    label == "product_search"
                    and vague
                    and not has_shown_products
                    # ("Just finished my first lace shawl ... What do I need to buy for that?":
                    # the rest of the message says what; the search reads it)
                    and not content_words(clean_query(text.replace(part, " "), {}))
                ),
                attribute=attribute,
                needs_person=person,
                continues=continues,
                recheck=recheck,
                narrows=narrows,
                noted=noted,
            )
        )
        labels.append(stated)
    if any(q.intent == "product_search" and not q.narrows for q in questions):
        # "only the washable ones pls, we have a puppy": the message's own search narrows the
        # list; the statement beside it is its reason, not a second search
        questions = [
            q.model_copy(update={"intent": was, "narrows": False}) if q.narrows else q
            for q, was in zip(questions, labels, strict=True)
        ]
    return questions, statements


# the words before a product's name that belong to it ("the walnut wooden dice set")
_NAME_LEAD = re.compile(r"\b(?:the|a|an|this|that|those|these)\s+((?:[\w&'-]+\s+){0,2})$", re.I)
POINTING_WORDS = 3  # "is that doable?", "would that be a good pick for her?"


def _named_before(
    text: str, parts: list[str], statements: list[str], vocab: Vocabulary | None
) -> list[str]:
    """Parts that only point back, with the product a statement before them named.

    "want to get deep vault for my brothers bday but i've only got 40€. is that doable?": the
    question asks about Deep Vault, which only the statement names; searched as it stands it
    finds nothing (and nothing is checked against what the customer said).
    """
    if vocab is None or not statements:
        return parts
    out = list(parts)
    for k, part in enumerate(parts):
        if not ("?" in part or QUESTION_FORM.match(part)) or PRICE_QUESTION.match(part):
            continue
        if vocab.named_spans(part, starts=True) or vocab.ground(part):
            continue  # it names what it asks about
        words = content_words(clean_query(part, {}))
        if len(words) > POINTING_WORDS or any(w in vocab.own_words for w in words):
            continue
        at = text.find(part)
        best: tuple[int, str] | None = None
        for said in statements:
            pos = text.find(said)
            if pos < 0 or (at >= 0 and pos > at):
                continue
            for start, end, _ in vocab.named_spans(said, starts=True):
                lead = _NAME_LEAD.search(said[:start])
                name = f"{lead.group(1) if lead else ''}{said[start:end]}"
                if best is None or pos + start > best[0]:
                    best = (pos + start, name)
        if best is not None:
            out[k] = f"{best[1]}, {part}"
    return out


def _without_reason(
    parts: list[str],
    statements: list[str],
    product_types: dict[str, str] | None,
    vocab: Vocabulary | None,
) -> list[str]:
    """Narrowing questions that name their own values, without the reason said after them.

    "which of them are v90? shooting 4k at high bitrate", "any wooden ones? cardboard ones
    always bend at my place": the question narrows the list on screen; read as one ask, the
    reason's words (4K, cardboard) were filters too, nothing had them all, and relaxing dropped
    the asked value with them. The reason stays a statement of the message.
    """
    out = []
    for part in parts:
        head, sep, tail = part.partition("?")
        if sep and content_words(tail) and COLLECTIVE.search(head):
            ent = extract_entities(head, product_types, vocab)
            if ent.options or ent.colors or ent.sizes or ent.tags or ent.matched:
                out.append(f"{head}?")
                statements.append(tail.strip())
                continue
        out.append(part)
    return out


_YES_NO_LEAD = re.compile(r"^\W*(?:can|could|does|do|is|are|will|would|has|have)\s+", re.I)


def _with_article(part: str, vocab: Vocabulary | None) -> str:
    """A yes/no question about a product named without "the", given one.

    "can polder & dyke be played alone?", "is emberwood co-op?": games, brands and models are
    named bare; the question reads as "can the polder & dyke be played alone?".
    """
    m = _YES_NO_LEAD.match(part)
    if m is None or vocab is None:
        return part
    if any(start == m.end() for start, _, _ in vocab.named_spans(part, starts=True)):
        return f"{part[: m.end()]}the {part[m.end() :]}"
    return part


def _only_pets(part: str) -> bool:
    """Whether the text only tells of a pet after a list ("theres 2 cats who chew everything").

    ("only the washable ones, we have a puppy" and "it's for my cat" narrow the list.)
    """
    return (
        "pets" in learn([part])
        and not (NEEDS.search(part) or REFINE.match(part) or COLLECTIVE.search(part))
        and not re.search(r"\b(?:only|for|needs?|must|has to|have to)\b", part, re.I)
    )


FOR_WHAT = re.compile(
    r"^\W*(?:(?:and|but|ok|so|oh)\W+)?(?:(?:it'?s|its|they'?re|theyre|thats|that's)\s+)?"
    r"(?:for|to fit|fits?|that fits?)\s+(?:my|our|his|her|their)\b",
    re.I,
)
IF_ASKED = re.compile(
    r"^\W*(?:(?:before i (?:order|buy|pay|checkout)|just (?:checking|wondering)|"
    r"quick q(?:uestion)?)\W+)?(?:what if|if|in case|say|suppose)\b",
    re.I,
)  # ("before i order: if i open a lipstick and hate the shade can i send it back?")


def _states_own_fact(part: str, facts: Any | None) -> bool:
    """Whether the text tells a fact of the customer's profile (a diet, an allergy, a pet)."""
    learned = learn([part])
    return bool(learned) or (facts is not None and states_facts([part], facts)[0])


def _asks_options(ent: Entities, vocab: Vocabulary | None, phrase: str = "") -> bool:
    """Whether a question names option values beyond a product's name ("up to a 48").

    "the teak bench" names a product by its material; "a 5-person version" asks for one;
    "do the light up wheels work without batteries?" names the variant it asks about (the
    value before its own option's name), the listing answers.
    """
    names = vocab.name_words if vocab is not None else set()
    low = normalize(phrase)
    asked = [*ent.colors, *ent.sizes, *(
        v for name, vs in ent.options.items() for v in vs
        if f"{normalize(v)} {normalize(name)}" not in low
    )]  # fmt: skip
    return any(not set(normalize(v).split()) <= names for v in asked)


def _narrows_by_property(part: str) -> bool:
    """Whether a question on a list names a property rather than a comparison.

    "which of those can go in the washing machine?" narrows; "which of those is warmer / the
    best for running" compares.
    """
    rest = content_words(COLLECTIVE.sub(" ", part))
    return bool(rest) and not COMPARATIVE.search(" ".join(rest))


COME_IN = frozenset({"come in", "comes in"})


def _grounds_values(text: str, vocab: Vocabulary | None) -> bool:
    """Whether the shop's vocabulary names an option value or colour in ``text``."""
    return vocab is not None and any(
        m.kind in {"option", "facet", "color"} for m in vocab.ground(text)
    )


_ATTRIBUTE_LABELS = frozenset({"variant_question", "product_search", "general_question", "other"})


def _unstated(text: str, vocab: Vocabulary | None) -> str:
    """The text without the pairs the shop states as properties ("dishwasher safe")."""
    if vocab is None or not vocab.stated:
        return text
    return STATED_COMPOUND.sub(
        lambda m: " " if normalize(m.group(0)) in vocab.stated else m.group(0), text
    )


def _names_product(attribute: dict[str, str], ent: Entities) -> bool:
    """Whether an attribute question's subject names a product kind the shop sells."""
    return bool(ent.categories or ent.brands or ent.tags) and bool(
        attribute.get("subject") or attribute.get("phrase")
    )


# a condition before a yes/no question: "if my fingers get bigger, can ..." ("if" .. the aux)
CONDITION_FIRST = re.compile(
    r"^\W*(?:if|when|once)\b[^?]{3,60}?(?:,\s*|\s+)(?=(?:can|could|will|would|does|do|is|are)"
    r"\s+(?:the|your|ur|this|that|it|they)\b)",
    re.I,
)


# a trailing "on it", "with them": the product again, no part of the attribute
_ON_IT = re.compile(r"\s+(?:on|in|with|to|for|inside|included)\s+(?:it|them|this|that)\W*$", re.I)


def attribute_question(text: str) -> dict[str, str] | None:
    """Subject and attribute of a yes/no attribute question, else None.

    "is the jute rug washable?" -> subject "jute rug", attribute "" (the engine splits "be"
    questions by the product names it knows: {"phrase": "jute rug washable"}); "does the arc
    floor lamp take E27 bulbs?" -> subject "arc floor lamp", attribute "E27 bulbs"; "the oak
    tripod lamp, does it take an E27 bulb?" -> subject "oak tripod lamp"; "do any of your
    sofas come in leather?" -> collective (a search, not one product).
    """
    if there := THERE_IN.match(text.strip()):
        return {"form": "has", "subject": there["subject"].strip(), "verb": "contain",
                "attribute": there["attr"].strip(), "phrase": ""}  # fmt: skip
    if there := THERE_IN_IT.match(text.strip()):
        return {"form": "has", "subject": LEAD_DETERMINER.sub("", there["lead"] or "").strip(),
                "verb": "contain", "attribute": there["attr"].strip(), "phrase": "",
                **({} if there["lead"] else {"pronoun": there["pronoun"].lower()})}  # fmt: skip
    m = YES_NO.match(text.strip())
    if not m and (cond := CONDITION_FIRST.match(text.strip())):
        # "if my fingers get bigger can the titanium band be resized?": the question after it
        m = YES_NO.match(text.strip()[cond.end() :])
    if not m:
        if person := YES_NO_PERSON.match(text.strip()):
            # "can i wear the herringbone chain in the shower?": the listing's sentences answer
            return {"form": "text", "subject": "", "attribute": "", "phrase": person["rest"]}
        return None
    det, rest = m.group("det").lower(), m.group("rest")
    # a bare name before a dash names the product only for a pronoun after it ("brightline
    # light - can it ...", not "wool allergy - is the rug ok?")
    named = m.group("named") if m.group("det").lower() in YES_NO_PRONOUNS else None
    subject_lead = LEAD_DETERMINER.sub("", m.group("lead") or named or "")
    out: dict[str, str] = {"form": "has", "subject": "", "attribute": "", "phrase": ""}
    if det.startswith("any") or (
        det in COLLECTIVE_DETERMINERS and m.group("aux").lower() in COLLECTIVE_AUXILIARIES
    ):
        out["collective"] = "1"
    if v := ATTR_VERB.search(rest):
        out["subject"] = rest[: v.start()].strip()
        # ("does the scale have a timer on it": a timer)
        out["attribute"] = _ON_IT.sub("", v.group("attr")).strip()
        out["verb"] = v.group("verb").lower()
    elif m.group("aux").lower() in YES_NO_DOES and 2 <= len(rest.split()) <= 4:
        # "does the leather sofa recline?": the last word is what it does
        *subject, verb = rest.split()
        out["subject"], out["attribute"], out["verb"] = " ".join(subject), verb, verb
    elif m.group("aux").lower() in YES_NO_BE:
        out["form"] = "is"
        out["phrase"] = rest.strip()
        if det in YES_NO_PRONOUNS:
            out["attribute"] = rest.strip()
    elif m.group("aux").lower() in YES_NO_TEXT:
        # "can the teak bench stay outside all year round?", "do the covers come off the
        # marlow sofa?": the product is named in it, the listing's sentences answer the rest
        out["form"] = "text"
        out["phrase"] = rest.strip()
        if det in YES_NO_PRONOUNS:
            out["attribute"] = rest.strip()
    else:
        return None
    if det in YES_NO_PRONOUNS:
        out["subject"] = subject_lead or ""
        out["pronoun"] = det
    elif subject_lead:
        out["subject"] = subject_lead
    if suits := SUITS.search(out["attribute"] or out["phrase"]):
        # "is the cruiser skateboard ok for a beginner?": what it is meant for, from the listing
        head = (out["attribute"] or out["phrase"])[: suits.start()].strip()
        if not out["subject"] and not out.get("pronoun"):
            out["subject"] = head
        out["form"], out["attribute"], out["phrase"] = "suits", suits.group(1).strip(), ""
    return out
