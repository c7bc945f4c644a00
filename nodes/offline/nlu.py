"""Offline language understanding: focused questions, intents and entities.

A message is split into focused questions; each gets an intent (logistic regression over MiniLM
embeddings, trained on ``prompts/data``) and entities from rules (prices, colours, sizes,
product types, references to shown products).
"""

from __future__ import annotations

import itertools
import json
import re
import threading
from collections.abc import Callable
from functools import lru_cache
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, Field

from memory.embeddings import MiniLMEmbeddings
from nodes.offline.planner import COLLECTIVE, clean_query
from nodes.offline.splitter import Clause, split_clauses
from nodes.offline.textclf import TextClassifier
from nodes.state import IntentModel
from prompts.grammar import (
    BUDGET_IN_QUESTION,
    FROM_WEIGHT,
    NUMERIC_SIZE,
    PRICE_AROUND,
    PRICE_BETWEEN,
    PRICE_CAP,
    PRICE_FLOOR,
    PRICE_QUESTION,
    PRICE_RANGE,
    SIZE_ASKED,
    price_value,
)
from prompts.lexicon import (
    DATA,
    color_family,
    is_color_option,
    is_size_option,
    lexicon,
    normalize_size,
    stem,
)
from tools.vocabulary import Match, Vocabulary, normalize, same_value

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


# -- splitting -----------------------------------------------------------------------------
_CUE = (
    r"what|what's|whats|how|which|where|when|why|who|do|does|did|can|could|is|are|should|would|"
    r"will|any|have|has|got(?=\s+(?:any|some|a|an|the|these|those|this|that|it|them|ur|your|more|"
    r"anything|something)\b)|show|recommend|tell|i need|i want|i'd like|looking|i'?m looking|"
    r"i am looking"
)
_REQUEST = re.compile(
    rf"\?|^\s*(?:(?:hi+|hey+|hello|hiya|yo)\b[\s,!]*)?(?:(?:and|also|plus|oh|but|ok|so)\s+)*"
    # ("need to seat 10", "want it to match my curtains": a reason, not a request)
    rf"(?:{_CUE}|pls|please|price|size|compare|need(?!\s+to\b)|want(?!\s+(?:to|it|them)\b)|"
    rf"show|send|gimme|quiero)\b"
    # "also a headband": one more product asked for after a question
    rf"|^\s*(?:and also|also|plus|and)\s+(?:a|an|some|any)\s",
    re.IGNORECASE,
)
_GREETING_ONLY = re.compile(
    r"^\W*(?:(?:ok|okay|oh|great|perfect|awesome|amazing)\W+)?(?:hi+|hey+|hello+|yo|hiya|hola|"
    r"bonjour|good (?:morning|evening|afternoon)|thanks?|thank (?:you|u)(?: so much)?|thx|ty|merci"
    r"|gracias)\b[\s!.,]*(?:there|guys|all|so much|a lot|got it|again)?\W*$",
    re.IGNORECASE,
)


# A follow-on that only narrows the question before it ("size S", "under 50?", "Something
# thick?", "black if possible"): it belongs to that question, it asks nothing of its own.
_ELABORATION = re.compile(
    r"^\W*(?:something|anything|preferably|ideally|nothing|budget|in|like|such as)\b", re.IGNORECASE
)
_ASKS = re.compile(rf"^\W*(?:(?:and|also|plus|oh|but|ok|so)\s+)*(?:{_CUE}|price|compare)\b", re.I)


# "need this!!!" under a post, "love your stuff!!": a reaction; the question follows it
_REACTION = re.compile(
    # "it smells amazing", "your stuff looks so good", "sorry to bother", "hope you're well"
    r"^\W*(?:also |and |btw |plus )?(?:it|they|this|these|that|those|ur|your|the)\b[\w' ]{0,25}?"
    r"\b(?:smells?|looks?|is|are|sounds?|feels?|tastes?)\s+(?:so |really |soo+ |super )?"
    r"(?:amazing|great|gorgeous|lovely|beautiful|perfect|awesome|incredible|stunning|cute|nice|"
    r"good|delicious|fab|fabulous|dreamy)\b[^?]*$"
    r"|^\W*(?:so )?sorry (?:to bother|for (?:the|all the|my|bothering)|if this)\b[^?]*$"
    r"|^\W*(?:hope (?:you'?re|ur|you are) (?:well|good|doing well)|quick (?:q|question))\W*$"
    r"|^\W*(?:omg |wow |ok |oh )?(?:i )?(?:need|want|love|obsessed with)\s+"
    r"(?:this|that|it|these|those)(?: so bad| sm| so much)?[\s!.😍🔥❤️🙏😭]*$"
    r"|^\W*(?:omg |wow |ok |oh )?(?:i )?(?:love|loving|adore|obsessed with)\s+(?:your|ur|the|"
    r"this|these|that|those|my|how)\b[^?]*$"
    # "thanks for the quick delivery!" (not "thanks for the mug but it was chipped")
    r"|^\W*(?:thanks|thank (?:you|u)|thx|ty|cheers)(?: so much| a lot)? for (?:the|your|my|a|all)"
    r"\b(?![^?]*\b(?:but|though|however|except)\b)[^?]*$",
    re.IGNORECASE,
)
# A greeting word before the first ask ("yo is the charger gan and does it do pd"): context.
_GREETING_LEAD = re.compile(
    r"^\W*(?:hi+|hey+|hello+|hiya|heya|yo|hola|good (?:morning|evening|afternoon))"
    r"(?:\s+(?:there|guys|all|team|lovely|love|hun))?\b[\s,!.]*(?=\w)",
    re.IGNORECASE,
)
# An emoji that ends a question before the next one ("does it pill 🧺 what are the sizes")
_EMOJI_BREAK = re.compile(
    r"(?<=\w)(\s*[\U0001F300-\U0001FAFF\u2600-\u27BF][\U0001F300-\U0001FAFF\u2600-\u27BF"
    r"\uFE0F\u200D\s]*?)\s+(?=(?:what|which|how|any|does|do|is|are|can|could|will|would|where"
    r"|when|why|who|looking|need|want|i'?m|got|show|pls|please)\b)",
    re.IGNORECASE,
)


def _narrows(part: str) -> bool:
    if len(part.split()) > 5 or _ASKS.match(part):
        return False
    ent = extract_entities(part)
    return bool(_ELABORATION.match(part)) or (ent.has_filters() and not ent.references)


# What a clause is, besides an ask: "fact" (a stated profile fact), "problem" (an order or
# product problem the shop must handle), "" (anything else).
ClauseKinds = Callable[[list[str]], list[str]]
_ASK_START = re.compile(rf"^\W*(?:{_CUE}|u|r|pls|please|plz|and)\b", re.I)
_PLAIN_AND = frozenset({"and", "&", "n", "+", "plus"})
_WEAK_JOINS = frozenset({"", ",", "and", "&", "+"})  # "and also", "btw", "then" start a new ask
_FIRST_PERSON = re.compile(r"\b(?:i|i'm|im|i've|ive|me|my|we|we're|our|us)\b", re.I)


# a short noun phrase with no verb ("the big 240 box", "in the 500g bag"): a detail
_FRAGMENT_NP = re.compile(
    r"^\W*(?:the|a|an|in|in the|in a|with|with the|size)\s+(?:[\w%.-]+\s*){1,3}\W*$", re.I
)
_QUESTION_FORM = re.compile(
    r"^\W*(?:(?:and|also|then|plus|oh|so|btw)\W+)*(?:what|whats|what's|how|when|where|which|why|"
    r"who|do|does|did|is|are|can|could|will|would|have|has|should)\b",
    re.I,
)
_WANTS = re.compile(
    r"^\W*(?:(?:hi|hey|hello)\W+)?(?:i'?m looking for|looking for|i need|need|i want|i'd like|"
    r"id like|i'?m after|after)\b",
    re.I,
)
_POINTING = re.compile(r"\b(?:it|this|that|them|these|those|one|mine|replacement|refund)\b", re.I)
# a question that ends on its subject after the verb is whole: "how much is it", "what size
# are they" (unlike "can you" or "I also" before a cut)
_ENDS_ASKED = re.compile(
    r"\b(?:is|are|was|were|does|do|did|will|would)\s+(?:it|they|these|those)\W*$"
    # ... and so does an embedded question: "can u check where my order is"
    r"|\b(?:where|what|when|how|which|who|whether|if)(?:\s+[\w']+){1,4}\s+(?:is|are)\W*$",
    re.I,
)
# a product named on its own, then asked about: "the oak tripod lamp, does it ..."
_BARE_NP = re.compile(
    r"^\W*(?:(?:hi|hey|hello|so|ok)\W+)*(?:the|that|this|your|ur|those|these)\s+"
    r"(?!.*\b(?:is|are|do|does|can|will|have|has|want|need|looking)\b)[\w' -]{2,40}$",
    re.I,
)
_ABOUT_IT = re.compile(
    r"^\W*(?:is|are|does|do|can|will|would|has|have|did)\s+(?:it|they|this|that|these|those)\b",
    re.I,
)
_PARTICIPLE = re.compile(r"^\W*[a-z]+ing\b", re.I)
# a noun phrase with its own place or kind, after a whole clause: "airports in new york",
# "water bottles in black", "round trip fares from pittsburgh to philadelphia"
_NOUN_ASK = re.compile(
    r"^\W*(?:the |a |an |all |any |some )?(?!(?:from|to|in|for|at|on|with|under|near|between)\b)"
    r"[a-z][\w'-]*(?: [a-z][\w'-]*){0,3} (?:in|from|to|for|at|on|with|under|near|between) \S",
    re.I,
)
_ALTERNATIVES = re.compile(r"^\W*(?:the\s+)?[\w'-]+(?:\s+[\w'-]+)?\s+or\s+[^?,]{1,40}\W*$", re.I)
_SELF = re.compile(r"^\W*(?:i'?m|i am|im|i have|i've|ive|my|we'?re|we are|our)\b", re.I)
_HEADLESS = re.compile(
    # a left side that ends on its subject ("can you", "I also"), not on an object ("gift wrap
    # it"; "how much is it" is a whole question: ``_ENDS_ASKED``)
    r"(?:^|\s)(?:i|you|u|we|can|could|will|would|do|does|is|are)\W*$"
    r"|\b(?:can|could|will|would|should|do|does|is|are)\s+(?:it|they)\W*$",
    re.I,
)


def _keep_whole(left: str, connector: str, right: str, opener: float) -> bool:
    """Cuts the boundary model proposes that leave half an ask on either side.

    A question's "X and Y" stays one ask unless the right side asks again ("is the salt and
    pepper grinder dishwasher safe", "plants safe for cats and dogs"); a left side of one word
    or one that ends on its subject ("find and play", "I also need", "can you also check") is
    no ask of its own. ``opener``: see ``splitter.split_clauses``.
    """
    if len(left.split()) < 2 or (_HEADLESS.search(left) and not _ENDS_ASKED.search(left)):
        return True
    if connector == "," and _BARE_NP.match(left) and _ABOUT_IT.match(right):
        return True  # "the oak tripod lamp, does it take an E27 bulb?": one question about it
    if connector == "," and _ALTERNATIVES.match(right) and not _ASK_START.match(right):
        return True  # "whats better for fat loss, cardio or weights?": the choice it asks
    if (
        connector in _PLAIN_AND
        and _PARTICIPLE.match(right)
        and any(w.endswith("ing") for w in left.lower().split()[-6:])
    ):
        return True  # "leaving from boston and arriving in atlanta": one trip
    if connector == "and" and len(left.split()) >= 5 and _NOUN_ASK.match(right):
        return False  # "... to denver and airports in new york": a second thing asked for
    return (
        connector in _PLAIN_AND
        and bool(_ASK_START.match(left))
        and not _ASK_START.match(right)
        and opener < 0.5  # "... and play a symphony from 2013": a verb that opens an ask
    )


# A question word anywhere ("i'm 5'4 what size should i get", "quick q: is it solid wood"):
# the clause asks even when it also states a fact.
_ASKS_INSIDE = re.compile(
    r"\b(?:what|what's|whats|how|which|where|when|why|who)\b|(?:^|[:,;]\s*)(?:do|does|is|are|can|"
    r"could|will|would|have|has)\b",
    re.I,
)


def split_questions(
    text: str, kinds: ClauseKinds | None = None, phrases: frozenset[str] = frozenset()
) -> tuple[list[str], list[str]]:
    """Split into (questions, statements); no ask of the message is lost.

    Clauses come from the boundary model (``splitter.split_clauses``). A request is an ask.
    A greeting, a reaction or a stated fact (``kinds``: "I'm vegan") is context. Any other
    statement is an ask when a connector or the model cut it from its sentence ("Also, I was
    charged twice."); a sentence of its own after a question is that question's context
    ("where's my order?? it's been 10 days") unless it raises a problem after a question of
    another kind; before a question it is context for it ("I ordered the wrong size. Can I
    exchange it?"); alone it is an ask. A fragment that only narrows the ask before it ("size
    M", "under 50?") joins it. A message of nothing but context is one ask.
    """
    text = re.sub(r"[ \t]+", " ", text.strip())
    text = _EMOJI_BREAK.sub(r"\1. ", text)
    if (lead := _GREETING_LEAD.match(text)) and _ASKS.match(text[lead.end() :]):
        asked, context = split_questions(text[lead.end() :], kinds, phrases)
        return asked, [text[: lead.end()].strip(), *context]

    def keep(left: str, connector: str, right: str, opener: float) -> bool:
        # the shop's own phrases stay whole ("cookies and cream", "Salt & Pepper Grinder")
        if connector in _PLAIN_AND and (
            _phrase_across(left, right, phrases) or _A_SET.match(right)
        ):
            return True  # ... and "the fork and knife set": one thing
        return _keep_whole(left, connector, right, opener)

    clauses = split_clauses(text, keep_whole=keep)
    if kinds:
        clauses = _two_problems(clauses, kinds)
    parts = [c.text for c in clauses]
    labels = kinds(parts) if kinds else [""] * len(parts)
    asks = [bool(_REQUEST.search(p) or _ASKS_INSIDE.search(p)) for p in parts]
    questions: list[str] = []
    statements: list[str] = []
    problem: list[str] = []  # a problem stated before the ask it explains
    # sentence of each clause (a clause with nothing on its left starts one)
    sentence_of = list(
        itertools.accumulate(int(i > 0 and not c.left) for i, c in enumerate(clauses))
    )
    asking = {sentence_of[i] for i, a in enumerate(asks) if a}
    for i, (clause, label, ask) in enumerate(zip(clauses, labels, asks, strict=True)):
        part = clause.text
        if problem and (ask or clause.connector):
            if (
                ask
                and clause.connector in {"", ",", "and"}
                and (len(part.split()) <= 6 or _POINTING.search(part))
            ):
                # "my screen arrived cracked. order 8812. i need a replacement": the ask is
                # about the problem, and is read (and routed) with it
                joiner = f" {clause.connector} " if clause.connector in _PLAIN_AND else " "
                part = joiner.join([" ".join(problem), part])
            else:  # "My order hasn't arrived. Also, can you check the blue mug?": two asks
                questions.append(" ".join(problem))
            problem = []
        # a stated fact ("I'm vegan", "max budget is 1500") is context, not an ask
        # a stated fact ("I'm vegan", "max budget is 1500") is context, not an ask
        fact = label == "fact" and (_FIRST_PERSON.search(part) or _states_budget(part))
        social = _GREETING_ONLY.match(part) or _REACTION.match(part) or fact
        if social and not ask:
            statements.append(part)
        elif (
            questions and asks[i - 1] and clause.connector in _WEAK_JOINS
            and clause.opener < 0.5 and _narrows(part)
        ):  # fmt: skip
            questions[-1] = f"{questions[-1]} {part}"  # "hoodies under 60. size M"
        elif (
            not ask and label != "problem" and not problem
            and sentence_of[i] not in asking
            and any(sid > sentence_of[i] for sid in asking)
        ):  # fmt: skip
            # a sentence of statements before the question that follows ("training for my first
            # marathon, knee is a bit dodgy. can u build me a plan"): its context, clause by clause
            statements.append(part)
        elif ask or clause.connector or clause.left:
            questions.append(part)
        elif questions and asks[i - 1] and not (label == "problem" and labels[i - 1] != "problem"):
            # a sentence of context to the question before ("where's my order?? it's been 10
            # days"), unless it raises a problem of its own after another kind of question
            questions[-1] = f"{questions[-1]} {part}"
        elif any(asks[i + 1 :]) and (
            not (i + 1 < len(clauses) and clauses[i + 1].left == part)
            or _SELF.match(part)  # "I'm 5'2 and petite, do the trousers come in short?"
        ):
            if label == "problem" or problem:
                problem.append(part)
            else:
                statements.append(part)  # a sentence of context before the ask that follows
        else:
            questions.append(part)
    statements += problem  # (no ask followed it: it was context after all)
    if not questions:
        return ([text] if text else []), []
    # A question with no words of its own ("what do you have?", "what would you recommend?")
    # is about the context just before it ("i can spend up to $100 on running shoes").
    for n, q in enumerate(questions):
        before = parts.index(q) - 1 if q in parts else -1
        if before >= 0 and parts[before] in statements and not _content_words(q):
            questions[n] = f"{parts[before]} {q}"
            statements.remove(parts[before])
    # ... and so is one after a request ("I need a gift for my sister, she loves gold. What
    # would you recommend?"): one ask
    for n in range(len(questions) - 1, 0, -1):
        if not _content_words(questions[n]) and _WANTS.match(questions[n - 1]):
            questions[n - 1] = f"{questions[n - 1]} {questions[n]}"
            del questions[n]
    return questions, statements


def _states_diet_or_allergy(part: str) -> bool:
    """Whether a clause states a diet or an allergy, the customer's or the recipient's."""
    from nodes.offline.profile import learn, recipient_facts
    from tools.attributes import contraindications

    found = learn([part], {}) or recipient_facts(part)
    table = contraindications()["allergies"]
    known = [a for a in found.get("allergies", []) if a in table or a.rstrip("s") in table
             or any(a in terms or a.rstrip("s") in terms for terms in table.values())]  # fmt: skip
    # (a known allergen only: "break out from anything heavy" names none)
    return bool(found.get("diet") or known)


def _states_budget(part: str) -> bool:
    """Whether a clause only states a budget ("max budget is 1500", "absolute max £900")."""
    from nodes.offline.profile import learn

    return not _QUESTION_FORM.match(part) and set(learn([part], {})) == {"budget"}


_AND = re.compile(r"\s+(?:and|&)\s+", re.I)


def _two_problems(clauses: list[Clause], kinds: ClauseKinds) -> list[Clause]:
    """Statements of two problems joined by "and" are two asks.

    "my parcel still hasn't arrived and the tracking link doesn't work": each side, read on
    its own, is a problem a person must handle (``kinds``); "black and white" or a problem
    and its detail are not (one side is no problem of its own).
    """
    out: list[Clause] = []
    for c in clauses:
        pieces = _AND.split(c.text) if not _ASKS_INSIDE.search(c.text) else [c.text]
        if len(pieces) != 2 or min(len(p.split()) for p in pieces) < 3:
            out.append(c)
            continue
        if kinds(pieces) == ["problem", "problem"]:
            out += [Clause(pieces[0], c.connector, c.left, c.opener),
                    Clause(pieces[1], "and", pieces[0], 0.0)]  # fmt: skip
        else:
            out.append(c)
    return out


_EMPTY_WORDS = frozenset(
    "what which how do does did you u your ur have has got any anything something some one ones"
    " looking look want need like i'm im"
    " would could can should recommend suggest rec think about is are there it that this the a an"
    " me i for to of in please pls options option sell carry stock offer get buy order take"
    " 1 2 3 4 5 6 one two three four five six".split()  # ("can I get 2?": of what was said)
)


def _content_words(text: str) -> list[str]:
    return [w for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in _EMPTY_WORDS]


# -- entities --------------------------------------------------------------------------
_NOT_NAMES = {
    "other",
    "same",
    "next",
    "last",
    "right",
    "wrong",
    "new",
    "old",
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "only",
    "good",
    "better",
    "bad",
    "one",
    "that",
    "this",
    "big",
    "small",
    "expensive",
    "pricey",
    "cheap",
    "affordable",
}
# "the big refill bag", "the bigger battery", "the smallest one": a size among the variants
_BIGGER = re.compile(
    r"\b(?:(big|bigger|biggest|larger|largest|jumbo|bulk|family[- ]size|max(?:imum)? size)"
    r"|(smaller|smallest|mini|trial[- ]size|travel[- ]size))\b(?:\s+([a-z]+))?",
    re.I,
)
_NOT_SIZED = frozenset("fan fans enough deal thanks thank help hug order orders fridge".split())
_CHEAP = re.compile(r"\b(?:cheapest|least expensive|lowest price|most affordable)\b", re.I)
_PRICEY = re.compile(r"\b(?:most expensive|priciest|premium|top of the line)\b", re.I)
_ORDINALS = {
    "first": 0, "1st": 0, "second": 1, "2nd": 1, "third": 2, "3rd": 2, "fourth": 3, "4th": 3,
    "fifth": 4, "5th": 4, "last": -1, "top": 0,
}  # fmt: skip
_ORDINAL = re.compile(
    # "the third" may end the message; "top" only counts before a noun ("tank top" is not one).
    r"\b(first|1st|second|2nd|third|3rd|fourth|4th|fifth|5th|last)\b"
    # "last year", "the first time": a time, not a product on screen
    r"(?!\s+(?:year|week|month|time|night|day|summer|winter|spring|autumn|fall|order|weekend|"
    r"season|christmas)s?\b)(?:\s+(?:one|1|option|item|"
    r"product|of (?:them|those|these)|two|pick)\b)?"
    r"|\b(top)\s+(?:one|1|option|item|product|of (?:them|those|these)|two|pick)\b",
    re.I,
)
_NUMBER_REF = re.compile(r"\b(?:number|no\.?|#|option)\s*([1-5])\b", re.I)
_LETTER = re.compile(r"\b(?:option|dress|item|product|choice|[a-z]+)\s+([A-E])\b")
# ("one that'll keep me warm", "a bag that packs small": "that" opens a relative clause)
_ANAPHORA = re.compile(
    r"\b(?:it|that one|this one|(?<!one )(?<!ones )(?<!thing )that(?!'ll| will| would| can|"
    r" could| is| are|'s| has| have| packs| fits| works| goes| keeps)"
    r"|this|them|those|these|the one)\b",
    re.I,
)
_FLAVOURS = ("chocolate", "vanilla", "strawberry", "cookies & cream", "cookies and cream",
             "salted caramel", "unflavored", "unflavoured")  # fmt: skip


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
    for flavour in _FLAVOURS:
        if flavour in low:
            name = (
                "cookies & cream"
                if "cookies" in flavour
                else flavour.replace("unflavoured", "unflavored")
            )
            ent.options.setdefault("flavor", []).append(name)  # fmt: skip


_FREE_AFTER = re.compile(r"[\s-]?free\b", re.I)
_NOT_BEFORE = re.compile(
    r"\b(?:no|without|non|not|zero|free (?:of|from))[\s-]*(?:the\s+|a\s+|an\s+|any\s+)?$", re.I
)


_NEGATED_LIST = re.compile(r"\s*(?:,|/)?\s*(?:or|nor|and|,)?\s*(?:any\s+)?", re.I)


def _ground(ent: Entities, text: str, vocab: Vocabulary, sizes: list[str]) -> list[tuple[int, int]]:
    """Entities from the creator's own catalog vocabulary (``tools.vocabulary``).

    An option value or facet becomes a filter on its own option; a colour word the shop does
    not write becomes a colour filter (matched by family); sizes ("medium", "size 10") bind to
    the options that carry them. A word that names both a product category and an option
    value ("sage" the herb, "Sage" the mug colour) is the product when nothing else is.
    """
    matches = vocab.ground(text)
    # spans of several words ("protein bar" the tag): a category word inside one is a modifier
    longer = [(m.start, m.end) for m in matches if " " in text[m.start : m.end].strip()
              or "-" in text[m.start : m.end]]  # fmt: skip
    spans_with_category = {(m.start, m.end) for m in matches if m.kind == "category"}
    # One span that is a value of several options ("medium": a band's weight, a size M) is one
    # filter on any of them: the product at hand decides which applies.
    by_span: dict[tuple[int, int], list[Match]] = {}
    for m in matches:
        if m.kind in {"option", "facet"}:
            by_span.setdefault((m.start, m.end), []).append(m)
    negated_to = -1  # end of the last value asked to be absent
    for m in matches:
        free = _FREE_AFTER.match(text[m.end :])
        listed = negated_to >= 0 and _NEGATED_LIST.fullmatch(text[negated_to : m.start])
        if free or listed or _NOT_BEFORE.search(text[: m.start]):
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
            if normalize_size(value) == size or same_value(value, f"size {size}")
        }
        if owners and all(is_size_option(name) for name, _ in owners):
            ent.sizes.append(size)
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


_PURPOSE = re.compile(
    r"\bfor\s+(?:a|an|my|the|our|his|her|their|your|this|that)\s+((?:[a-z-]+\s*){1,4})", re.I
)


def _without_purpose(
    text: str, product_types: dict[str, str], vocab: Vocabulary | None = None
) -> str:
    """``text`` with the thing a product is for blanked out, when a kind was named before it.

    "cushions for a grey sofa" asks for cushions: the sofa and its colour are the setting,
    not a second kind nor a colour filter.
    """
    for m in _PURPOSE.finditer(text):
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
    if m := PRICE_BETWEEN.search(low) or PRICE_RANGE.search(low):
        a, b = sorted((price_value(m.group(1)), price_value(m.group(2))))
        ent.min_price, ent.max_price = a, b
    else:
        if m := PRICE_CAP.search(low):
            ent.max_price = price_value(m.group(1))
        if (m := PRICE_FLOOR.search(low)) and not FROM_WEIGHT.search(low):
            ent.min_price = price_value(m.group(1))
        if ent.max_price is None and (m := BUDGET_IN_QUESTION.search(low)):
            ent.max_price = price_value(m.group(1) or m.group(2))
        if ent.min_price is None and ent.max_price is None and (m := PRICE_AROUND.search(low)):
            center = price_value(m.group(1))
            ent.min_price, ent.max_price = round(center * 0.8, 2), round(center * 1.2, 2)
    if _CHEAP.search(low):
        ent.sort = "price_asc"
    elif _PRICEY.search(low):
        ent.sort = "price_desc"
    if (
        (m := _BIGGER.search(low))
        and not re.search(r"\b(?:too|so|very|a bit)\s*$", low[: m.start()])
        and (m.group(3) or "") not in _NOT_SIZED
        and not (vocab is not None and (m.group(1) or m.group(2)) in vocab.name_words)
    ):  # ("a big fan", "big enough", "the Big Dog kibble": no size asked)
        ent.prefer = "largest" if m.group(1) else "smallest"
        after = m.group(3) or ""
        ent.prefer_option = "" if after in {"one", "ones", "size", "pack", "bag", "box"} else after
    words = re.findall(r"[a-z]+(?:-[a-z]+)?", low)
    sizes = []
    for m in SIZE_ASKED.finditer(text):
        if re.search(r"\b(?:too|so|very|a bit|bit|way)\s*$", text[: m.start()], re.I):
            continue  # "they're too small" describes fit, it asks for no size
        raw = next(g for g in m.groups() if g)
        if normalize_size(raw) not in sizes:
            sizes.append(normalize_size(raw))
    longer: list[tuple[int, int]] = []
    if vocab is not None:
        longer = _ground(ent, text, vocab, sizes)
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
                 and not _AFTER_QUANTITY.search(low[: m.start()])]  # fmt: skip
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
    if m := re.search(r"\b(?:first|top) (two|three|2|3)\b|\b(both)\b|\bthe (two|three)\b", low):
        n = {"two": 2, "2": 2, "three": 3, "3": 3, "both": 2}[next(g for g in m.groups() if g)]
        for i in range(n):
            ent.references.append(Reference(kind="ordinal", index=i, text=m.group(0)))
    for m in _ORDINAL.finditer(low):
        if ent.references and ent.references[0].text == m.group(0):
            continue
        word = m.group(1) or m.group(2)
        ent.references.append(Reference(kind="ordinal", index=_ORDINALS[word], text=m.group(0)))
    for m in _NUMBER_REF.finditer(low):
        ent.references.append(Reference(kind="ordinal", index=int(m.group(1)) - 1, text=m.group(0)))
    for m in _LETTER.finditer(text):
        if m.group(0).split()[0].lower() not in {"size", "vitamin", "plan", "a", "i"}:
            idx = ord(m.group(1)) - ord("A")
            ent.references.append(Reference(kind="letter", index=idx, text=m.group(0)))
    desc = re.search(r"\bthe\s+((?:[a-z]+\s+)?[a-z]+)\s+one\b|\bthe\s+([a-z]+)\s+([a-z]+s?)\b", low)
    if desc and not ent.references:
        phrase = " ".join(g for g in desc.groups() if g)
        if not desc.group(1):
            # "the whey protein concentrate": the whole name, so that it cannot resolve to the
            # whey protein isolate on screen (every word must fit the product it points to).
            more = re.match(r"(?:\s+[a-z]+){0,2}", low[desc.end() :]).group(0).split()  # type: ignore[union-attr]
            phrase = " ".join([phrase, *itertools.takewhile(lambda w: w not in _DESC_STOP, more)])
        tokens = phrase.split()
        color = next((t for t in tokens if color_family(t)), None)
        # "the competition one" names a shown product by a word of its name (resolved against
        # the products on screen); "the cheapest one" / "the other one" do not.
        named_one = bool(desc.group(1)) and not any(
            t.endswith("est") or t in _NOT_NAMES for t in tokens
        )
        if color or named_one or (product_types and any(stem(t) in product_types for t in tokens)):
            ent.references.append(Reference(kind="description", text=phrase, color=color))
    if not ent.references and _ANAPHORA.search(low):
        ent.references.append(Reference(kind="anaphora", text=_ANAPHORA.search(low).group(0)))  # type: ignore[union-attr]
    return ent


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

    def needs_person(self, texts: list[str]) -> list[bool]:
        """Whether each support question is a problem a person must handle.

        An order problem, a payment, a complaint or a request for a person is; a question about
        the shop's rules ("do you ship to canada?", "can I return an opened bag?") is not: the
        creator's policies answer it. Trained on ``prompts/data/support_examples.jsonl``.
        """
        if not texts:
            return []
        if self._support is None:
            path = DATA / "support_examples.jsonl"
            rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
                    if line.strip()]  # fmt: skip
            self._support = TextClassifier(
                self.embedder, [r["text"] for r in rows], [r["label"] for r in rows]
            )
        problem = self._support.labels.index("problem")
        return [bool(row[problem] >= 0.5) for row in self._support.proba(texts)]


_lock = threading.Lock()


@lru_cache(maxsize=2)
def _classifier(embedder_id: int, embedder: MiniLMEmbeddings) -> IntentClassifier:
    return IntentClassifier(embedder)


def get_classifier(embedder: MiniLMEmbeddings) -> IntentClassifier:
    """One trained classifier per embedder (training takes ~1 s)."""
    with _lock:
        return _classifier(id(embedder), embedder)


# An advice question names a category without asking for a product ("how do I wash leggings").
_ADVICE = re.compile(
    r"^\W*(?:how|why|when|should|is it|can i|what should|what's the best way)\b", re.I
)
# An elliptical follow-up that narrows the products on screen.
_FRAGMENT = re.compile(
    r"^\W*(?:and |but |ok |so )?(?:for|with|without|no|only|just|i'?m|im|preferably|ideally)\b",
    re.I,
)
# A definite product or pronoun: the customer asks about a particular product.
_DEFINITE = re.compile(r"\b(?:the|it|its|they|them|this|that|these|those|your|ur)\b", re.I)
_SEARCH_ASK = re.compile(
    r"^\W*(?:show me|find me|i'?m looking for|looking for|can you recommend|recommend)\b", re.I
)
_DESC_STOP = frozenset(
    "in for with on to and or is are be was good any worth still come comes have has do does ok"
    " okay better vs versus available too also please pls that which from of at by one ones as"
    " run runs fit fits".split()
)
_VAGUE = re.compile(
    r"^\s*(?:i need |i want |show me |recommend |any |got |do you have )?"
    r"(?:something|anything|stuff|a gift|recommendations?|ideas?)"
    r"(?: (?:nice|good|cool|cute|for me|you recommend|please|pls|new))*\s*[?!.]*\s*$",
    re.I,
)


_COORD = re.compile(r"(?:,\s*|\s+)(?:and also|and|also|plus|&)\s+", re.I)


def _points(ent: Entities) -> bool:
    """A shown product pointed at with its own variant ("the 3rd one in M")."""
    return ent.has_filters() and ent.points()


# "a 500g bag", "the big 240 box": packaging after a quantity names no kind of product
_AFTER_QUANTITY = re.compile(r"\d\s*(?:[a-z]{1,3})?\s+$", re.I)
_A_SET = re.compile(r"^\W*[\w'-]+(?:\s+[\w'-]+)?\s+(?:set|combo|bundle|kit|duo|trio)\b", re.I)


def _phrase_across(left: str, right: str, phrases: frozenset[str]) -> bool:
    """Whether the words around an "and" make one of the shop's own phrases."""
    lw, rw = normalize(left).split(), normalize(right).split()
    return any(
        " ".join([*lw[-a:], "and", *rw[:b]]) in phrases
        for a in range(1, min(3, len(lw)) + 1) for b in range(1, min(3, len(rw)) + 1)
    )  # fmt: skip


def split_coordinated(
    part: str, product_types: dict[str, str] | None, phrases: frozenset[str] = frozenset()
) -> list[str]:
    """One search per product type asked for ("hoodies under 60 and joggers to match").

    Only where both sides name a product type of the catalog and the right side a new one,
    so "black and white leggings" or "leggings with pockets and a high waist" stay whole, or
    where each side points at a shown product with a variant of its own ("compare the first
    and the second" stays whole).
    """
    for m in _COORD.finditer(part):
        left, right = part[: m.start()].strip(" ,"), part[m.end() :].strip(" ,")
        if not left or not right or _phrase_across(left, right, phrases) or _A_SET.match(right):
            continue  # ("cookies and cream protein": a flavour the shop sells; "a table and
            # chairs set": one thing)
        le, re_ = extract_entities(left, product_types), extract_entities(right, product_types)
        before, after = set(le.categories), set(re_.categories)  # empty without product_types
        if (before and after - before) or (_points(le) and _points(re_)):
            # "the 3rd one in M and the 1st one in S": two products, each with its own variant
            return [left, *split_coordinated(right, product_types, phrases)]
    return [part]


MAX_QUESTIONS = 8
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
        vocab.and_phrases if vocab is not None else frozenset(),
    )  # fmt: skip
    phrases = vocab.and_phrases if vocab is not None else frozenset()
    # the same ask repeated is one ask, and a message asks MAX_QUESTIONS things at most (a
    # 4,000-character "sofa and rug and ..." must not run hundreds of searches)
    parts = list(dict.fromkeys(parts))[:MAX_QUESTIONS]
    parts = [piece for part in parts for piece in split_coordinated(part, product_types, phrases)]
    parts = list(dict.fromkeys(parts))[:MAX_QUESTIONS]
    entities = [extract_entities(part, product_types, vocab) for part in parts]
    for part, e in zip(parts, entities, strict=True):
        head = part.split("?", 1)[0]
        if len(head) < len(part.rstrip("?! ")):
            # "does the gravity have a removable chin bar? want it for trail rides too": the
            # "it" of the context after the question points at what the question named
            e.references = [r for r in e.references if r.kind != "anaphora"
                            or re.search(rf"\b{re.escape(r.text)}\b", head, re.I)]  # fmt: skip
    # "got any kettlebells? looking for a 16kg one": a part that only adds filters narrows the
    # ask before it (its words are all filters, fillers or "one").
    k = 1
    while k < len(parts):
        e = entities[k]
        rest = clean_query(parts[k], e.model_dump())
        if (
            (e.options or e.colors or e.sizes or e.brands) and not e.categories
            and (not _content_words(rest) or _FRAGMENT_NP.match(parts[k]))
            and not e.references
            and not _QUESTION_FORM.match(parts[k])  # "do you ship to canada?" asks on its own
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
            and not (_WEIGHS.search(part) or ent.points())
            and (
                ent.prefer
                or (not has_shown_products and not _RANKS.search(part)
                    and not re.search(r"\b(?:and|both|two|these|those|them)\b", part, re.I))
            )
        ):  # fmt: skip
            # "the electric one, with the bigger battery", "which mattress topper should I go
            # for?": which one is wanted among a kind, not a weighing of two named things
            label = "product_search"
        if ent.categories and conf < 0.5 and (
            (label in {"general_question", "other", "greeting"} and not _ADVICE.match(part))
            or (label == "comparison" and not _COMPARATIVE.search(part)
                and not re.search(r"\b(?:or|and)\b", part, re.I))
        ):  # fmt: skip
            # "mens joggers pls", "whey isolate, chocolate, the big tub": a bare product noun
            # phrase (a comparison names two things or a comparative)
            label = "product_search"
        elif (
            has_shown_products and label in {"general_question", "other", "comparison"}
            and conf < 0.5
            and len(part.split()) <= 5 and _FRAGMENT.match(part)
        ):  # fmt: skip
            label = "product_search"  # "but I'm vegan", "for running": narrows the list
        if label == "variant_question" and (
            (_SEARCH_ASK.match(part) and not ent.points())
            or (not ent.references and ent.categories and not _DEFINITE.search(part))
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
                and (filters or _content_words(COLLECTIVE.sub(" ", part))))
        ):  # fmt: skip
            # "which of those are indoor plants?", "which of those have pockets?": narrow the
            # list. "which of those is warmer" stays a comparison.
            label = "product_search"
        attribute = attribute_question(part) if label in _ATTRIBUTE_LABELS else None
        if attribute and (
            (attribute.get("form") != "suits"
             and _EVALUATIVE.search(attribute.get("attribute") or attribute.get("phrase") or ""))
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
            has_shown_products and not ent.categories and not _QUESTION_FORM.match(part)
            and _states_diet_or_allergy(part)
        )  # fmt: skip
        if recheck:
            label, ent = "product_search", Entities()
        vague = bool(_VAGUE.match(part)) and not ent.categories and not ent.has_filters()
        person = label == "support" and classifier.needs_person([part])[0]
        continues = bool(questions) and bool(PRICE_QUESTION.match(part))
        questions.append(
            Question(
                text=part,
                intent=label,  # type: ignore[arg-type]
                confidence=round(conf, 3),
                entities=ent,
                needs_clarification=label == "product_search" and vague and not has_shown_products,
                attribute=attribute,
                needs_person=person,
                continues=continues,
                recheck=recheck,
            )
        )
    return questions, statements


_RANKS = re.compile(r"\b(?:most|more|less|least|better|best|worse|worst|\w+est)\b", re.I)
_WEIGHS = re.compile(r"\b(?:or|vs|versus|compared?|difference|between|which is|what'?s)\b", re.I)
_COMPARATIVE = re.compile(
    r"\b(?:\w{3,}(?:er|est)|more|most|less|least|better|best|worse|worst|differen\w*|vs|versus|"
    r"compare\w*|prefer|recommend\w*)\b",
    re.I,
)


def _narrows_by_property(part: str) -> bool:
    """Whether a question on a list names a property rather than a comparison.

    "which of those can go in the washing machine?" narrows; "which of those is warmer / the
    best for running" compares.
    """
    rest = _content_words(COLLECTIVE.sub(" ", part))
    return bool(rest) and not _COMPARATIVE.search(" ".join(rest))


_ATTRIBUTE_LABELS = frozenset({"variant_question", "product_search", "general_question", "other"})
# Words that ask for a judgement or advice, not a fact the listing states.
_EVALUATIVE = re.compile(
    r"\b(?:better|best|worth|good|bad|ok|okay|alright|"
    r"safe|true|fine|possible|necessary|healthy|enough|too(?=\s+\w)|still|on sale|legit|"
    r"recommended|cheaper|more|less|easier|harder)\b",
    re.I,
)


def _names_product(attribute: dict[str, str], ent: Entities) -> bool:
    """Whether an attribute question's subject names a product kind the shop sells."""
    return bool(ent.categories or ent.brands or ent.tags) and bool(
        attribute.get("subject") or attribute.get("phrase")
    )


_YES_NO = re.compile(
    r"^\W*(?:(?:hi+|hey+|hello|ok|so|quick (?:one|q|question))\W+)*"
    r"(?:(?P<lead>(?:the|your|ur|that|this) [^,?]{2,60}?),\s*)?"
    r"(?P<aux>is|are|does|do|did|can|will|would|has|have|r)\s+"
    r"(?P<det>any of (?:your|ur|the)|any|the|your|ur|this|that|these|those|it|they|them|this one|"
    r"that one)\s+"
    r"(?P<rest>[^?]+?)\W*(?:\?.*)?$",
    re.I,
)
_ATTR_VERB = re.compile(
    r"(?:^|\s+)(?P<verb>have|has|contain|contains|come in|comes in|come with|comes with|take|takes|"
    r"use|uses|include|includes|work with|works with|fit|fits|run on|runs on|need|needs|support|"
    r"supports|go in|hold|holds|got|get)\s+(?P<attr>.+)$",
    re.I,
)


def attribute_question(text: str) -> dict[str, str] | None:
    """Subject and attribute of a yes/no attribute question, else None.

    "is the jute rug washable?" -> subject "jute rug", attribute "" (the engine splits "be"
    questions by the product names it knows: {"phrase": "jute rug washable"}); "does the arc
    floor lamp take E27 bulbs?" -> subject "arc floor lamp", attribute "E27 bulbs"; "the oak
    tripod lamp, does it take an E27 bulb?" -> subject "oak tripod lamp"; "do any of your
    sofas come in leather?" -> collective (a search, not one product).
    """
    m = _YES_NO.match(text.strip())
    if not m:
        return None
    det, rest = m.group("det").lower(), m.group("rest")
    subject_lead = re.sub(r"^(?:the|your|ur|that|this)\s+", "", m.group("lead") or "", flags=re.I)
    out: dict[str, str] = {"form": "has", "subject": "", "attribute": "", "phrase": ""}
    if det.startswith("any") or (det in {"your", "ur"} and m.group("aux").lower() in {"do", "are"}):
        out["collective"] = "1"
    if v := _ATTR_VERB.search(rest):
        out["subject"] = rest[: v.start()].strip()
        out["attribute"] = v.group("attr").strip()
        out["verb"] = v.group("verb").lower()
    elif m.group("aux").lower() in {"does", "do", "can", "will"} and 2 <= len(rest.split()) <= 4:
        # "does the leather sofa recline?": the last word is what it does
        *subject, verb = rest.split()
        out["subject"], out["attribute"], out["verb"] = " ".join(subject), verb, verb
    elif m.group("aux").lower() in {"is", "are", "r"}:
        out["form"] = "is"
        out["phrase"] = rest.strip()
        if det in {"it", "they", "them", "this one", "that one"}:
            out["attribute"] = rest.strip()
    else:
        return None
    if det in {"it", "they", "them", "this one", "that one"}:
        out["subject"] = subject_lead or ""
        out["pronoun"] = det
    elif subject_lead:
        out["subject"] = subject_lead
    if suits := _SUITS.search(out["attribute"] or out["phrase"]):
        # "is the cruiser skateboard ok for a beginner?": what it is meant for, from the listing
        head = (out["attribute"] or out["phrase"])[: suits.start()].strip()
        if not out["subject"] and not out.get("pronoun"):
            out["subject"] = head
        out["form"], out["attribute"], out["phrase"] = "suits", suits.group(1).strip(), ""
    return out


# "ok for a beginner", "suitable for kids", "good to leave outside": suitability, read from the
# listing's own words
_SUITS = re.compile(
    r"(?:^|\s)(?:ok|okay|good|suitable|safe|fine|alright|right)\s+((?:for|to)\s+.+)$", re.I
)
