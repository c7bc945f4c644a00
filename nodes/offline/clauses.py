"""Where one ask ends and the next begins in a message: clauses merged or kept apart.

The boundary model (``splitter.py``) proposes clauses; these rules keep "black and white
sneakers" whole, split "X and also Y", and never drop a trailing statement of a problem.
The words they read (question cues, greetings, reactions) are data: ``prompts/data/phrasing.json``
through ``prompts/phrasing.py``.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable

from nodes.offline.entities import extract_entities
from nodes.offline.splitter import Clause, split_clauses
from prompts.lexicon import stem
from prompts.phrasing import (
    A_SET,
    ABOUT_IT,
    ASK_START,
    ASKS,
    ASKS_INSIDE,
    BARE_NP,
    CHOICE,
    ELABORATION,
    EMOJI_BREAK,
    EMPTY_WORDS,
    ENDS_ASKED,
    FIRST_PERSON,
    GREETING_LEAD,
    GREETING_ONLY,
    HEADLESS,
    NOUN_ASK,
    PLAIN_AND,
    POINTING,
    QUESTION_FORM,
    REACTION,
    REQUEST,
    SELF_OPENER,
    TWO_PROBLEMS,
    WANTS,
    WANTS_INSIDE,
    WEAK_JOINS,
)
from tools.units import normalize
from tools.vocabulary import Vocabulary


def phrase_across(left: str, right: str, phrases: frozenset[str]) -> bool:
    """Whether the words around an "and" make one of the shop's own phrases."""
    lw, rw = normalize(left).split(), normalize(right).split()
    return any(
        " ".join([*lw[-a:], "and", *rw[:b]]) in phrases
        for a in range(1, min(3, len(lw)) + 1) for b in range(1, min(3, len(rw)) + 1)
    )  # fmt: skip


def _narrows(part: str, vocab: Vocabulary | None = None) -> bool:
    """Whether a short clause only narrows the ask before it ("size M", "the 12 kilo bag").

    The shop's own values count (``vocab``): "the massive 12 kilo bag" is a bag weight.
    """
    if len(part.split()) > 5 or ASKS.match(part):
        return False
    ent = extract_entities(part, None, vocab)
    return bool(ELABORATION.match(part)) or (ent.has_filters() and not ent.references)


WITH_PHRASE = re.compile(r"^\W*(?:with|without|in)\b", re.I)
# a subject in it makes it a clause of its own (", in pittsburgh i'd like to rent a car")
PERSON = re.compile(r"\b(?:i|i'?d|i'?m|i'?ll|we|we'?d|you|he|she|they)\b", re.I)
ONES = re.compile(r"\bones?\b", re.I)


def _names_values(part: str, vocab: Vocabulary | None, max_words: int = 7) -> bool:
    """Whether a sentence of its own only gives the shop's values for the ask before it.

    "no pull harness for my husky. shes 62cm round the chest. red if u have it": a measure and
    a colour of the harness, no kind or question of their own (the shop's vocabulary only).
    "tanner derbies, size 9, i need the wider fit pls", "do they come in a 9? want the brown
    ones": a want of nothing but values is one too.
    """
    core = part[m.end() :] if (m := WANTS.match(part)) else part
    if (
        vocab is None or len(re.findall(r"\w+", part)) > max_words
        or QUESTION_FORM.match(core) or ASKS.match(core)
    ):  # fmt: skip
        return False
    ent = extract_entities(core, None, vocab)
    if core is part and OWN_SITUATION.match(part) and not ent.excluded:
        return False  # "our dining room is tiny" (but "i dont use leather" rules a value out)
    return bool(ent.colors or ent.sizes or ent.options or ent.excluded) and not (
        ent.categories or ent.tags or ent.brands
        # ("if u have it": the same one; "the brown ones": of the ones asked about)
        or any(
            r.kind != "anaphora" and not (r.kind == "description" and ONES.search(r.text))
            for r in ent.references
        )
    )  # fmt: skip


# What a clause is, besides an ask: "fact" (a stated profile fact), "problem" (an order or
# product problem the shop must handle), "" (anything else).
ClauseKinds = Callable[[list[str]], list[str]]
_PARTICIPLE = re.compile(r"^\W*[a-z]+ing\b", re.I)  # (a suffix, not a word list: code)


# a relative clause near the end of the left side, and a verb of the same subject after "and"
_RELATIVE = re.compile(r"\b(?:that|which)(?:'s|s)?\b(?:\W+\w+){0,5}\W*$", re.I)
_SAME_SUBJECT = re.compile(
    r"^\W*(?:has|is|comes|does|fits|works|holds|goes|runs|takes|stays|includes|needs|"
    r"doesn't|isn't|won't|can)\b(?!\W+(?:i|you|u|we|they|it|there|this|that|he|she)\b)",
    re.I,
)


# a time clause that only finishes the ask before it ("... when it arrives", "once it's open")
_WHEN_CLAUSE = re.compile(
    r"^\W*(?:when|once|until|till|while|before|after)\s+(?:it|they|its|it's|theyre|they're|"
    r"the|my|your|this|that|these|those|i|we)\b(?![^?]*\b(?:can|could|do|does|will|would|should|"
    r"is|are)\s+(?:i|we|you|u|it|they)\b)",
    re.I,
)


def _keep_whole(left: str, connector: str, right: str, opener: float) -> bool:
    """Cuts the boundary model proposes that leave half an ask on either side.

    A question's "X and Y" stays one ask unless the right side asks again ("is the salt and
    pepper grinder dishwasher safe", "plants safe for cats and dogs"); a left side of one word
    or one that ends on its subject ("find and play", "I also need", "can you also check") is
    no ask of its own. ``opener``: see ``splitter.split_clauses``.
    """
    if len(left.split()) < 2 or (HEADLESS.search(left) and not ENDS_ASKED.search(left)):
        return True
    if _WHEN_CLAUSE.match(f"{connector} {right}".strip()) and len(right.split()) <= 6:
        return True  # "is the walnut board already oiled when it arrives": one question
    if connector == "," and BARE_NP.match(left) and ABOUT_IT.match(right):
        return True  # "the oak tripod lamp, does it take an E27 bulb?": one question about it
    if connector == "," and CHOICE.match(right) and not ASK_START.match(right):
        return True  # "whats better for fat loss, cardio or weights?": the choice it asks
    if (
        connector in PLAIN_AND
        and _PARTICIPLE.match(right)
        and any(w.endswith("ing") for w in left.lower().split()[-6:])
    ):
        return True  # "leaving from boston and arriving in atlanta": one trip
    if connector in PLAIN_AND and _RELATIVE.search(left) and _SAME_SUBJECT.match(right):
        return True  # "a pot that's frost proof and has a drainage hole": one thing described
    if connector == "and" and len(left.split()) >= 5 and NOUN_ASK.match(right):
        return False  # "... to denver and airports in new york": a second thing asked for
    return (
        connector in PLAIN_AND
        and bool(ASK_START.match(left))
        and not ASK_START.match(right)
        and opener < 0.5  # "... and play a symphony from 2013": a verb that opens an ask
    )


def split_questions(
    text: str,
    kinds: ClauseKinds | None = None,
    phrases: frozenset[str] = frozenset(),
    vocab: Vocabulary | None = None,
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
    text = EMOJI_BREAK.sub(r"\1. ", text)
    if (lead := GREETING_LEAD.match(text)) and ASKS.match(text[lead.end() :]):
        asked, context = split_questions(text[lead.end() :], kinds, phrases, vocab)
        return asked, [text[: lead.end()].strip(), *context]

    def keep(left: str, connector: str, right: str, opener: float) -> bool:
        # the shop's own phrases stay whole ("cookies and cream", "Salt & Pepper Grinder")
        if connector in PLAIN_AND and (phrase_across(left, right, phrases) or A_SET.match(right)):
            return True  # ... and "the fork and knife set": one thing
        return _keep_whole(left, connector, right, opener)

    clauses = split_clauses(text, keep_whole=keep)
    if kinds:
        clauses = _two_problems(clauses, kinds)
    parts = [c.text for c in clauses]
    labels = kinds(parts) if kinds else [""] * len(parts)
    asks = [
        bool(REQUEST.search(p) or ASKS_INSIDE.search(p) or WANTS_INSIDE.search(p)) for p in parts
    ]
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
        if problem and not ask and clause.connector == "," and sentence_of[i] == sentence_of[i - 1]:
            # "bought a grinder 3 weeks ago, never opened the box, changed my mind": the same
            # statement goes on
            problem.append(part)
            continue
        if problem and (ask or clause.connector):
            if (
                ask
                and clause.connector in {"", ",", "and"}
                and (len(part.split()) <= 6 or POINTING.search(part))
            ):
                # "my screen arrived cracked. order 8812. i need a replacement": the ask is
                # about the problem, and is read (and routed) with it
                joiner = f" {clause.connector} " if clause.connector in PLAIN_AND else " "
                part = joiner.join([" ".join(problem), part])
            else:  # "My order hasn't arrived. Also, can you check the blue mug?": two asks
                questions.append(" ".join(problem))
            problem = []
        if label == "fact" and (w := WANTS_INSIDE.search(part)) and w.start() > 0:
            # "I'm vegan and I'd like the A5 cover": the fact is context, the request asks
            fact_said = re.sub(r"(?:\W|\band\b|\bso\b|\bbut\b)+$", "", part[: w.start()]).strip()
            if fact_said:
                statements.append(fact_said)
                part = part[w.start() :]
                label = ""
        # a stated fact ("I'm vegan", "max budget is 1500") is context, not an ask
        fact = label == "fact" and (
            FIRST_PERSON.search(part) or _states_budget(part) or _own_fact(part)
        )  # ("allergic to nickel but ...": the customer's, said without "I")
        social = GREETING_ONLY.match(part) or REACTION.match(part) or fact
        if social and not ask:
            statements.append(part)
        elif (
            # (the clause before is an ask, or ended one: "harness pls. 62cm. red if u have it")
            questions and (asks[i - 1] or questions[-1].endswith(parts[i - 1]))
            and clause.connector in WEAK_JOINS
            and ((clause.opener < 0.5 and _narrows(part, vocab))
                 # "the curvy board in the family size, with the felt on the bottom?"
                 or (clause.connector == "," and WITH_PHRASE.match(part)
                     and len(part.split()) <= 8 and not PERSON.search(part))
                 or ((clause.opener < 0.5 or WANTS.match(part) or OWN_SITUATION.match(part))
                     and _names_values(part, vocab)))
        ):  # fmt: skip
            questions[-1] = f"{questions[-1]} {part}"  # "hoodies under 60. size M"
            continue
        elif (
            not ask and label != "problem" and not problem
            and sentence_of[i] not in asking
            and any(sid > sentence_of[i] for sid in asking)
        ):  # fmt: skip
            # a sentence of statements before the question that follows ("training for my first
            # marathon, knee is a bit dodgy. can u build me a plan"): its context, clause by clause
            statements.append(part)
        elif (
            not ask and label != "problem" and not problem
            and clause.connector in WEAK_JOINS and OWN_SITUATION.match(part)
            and not WANTS.match(part)
            and _wanted_after(i, clauses, sentence_of)
        ):  # fmt: skip
            # "i ride home on unlit roads after work, need a really bright front light": what
            # the request after it in the same sentence is for
            statements.append(part)
        elif ask or clause.connector or clause.left:
            questions.append(part)
        elif questions and asks[i - 1] and not (label == "problem" and labels[i - 1] != "problem"):
            # a sentence of context to the question before ("where's my order?? it's been 10
            # days"), unless it raises a problem of its own after another kind of question
            questions[-1] = f"{questions[-1]} {part}"
        elif any(asks[i + 1 :]) and (
            not (i + 1 < len(clauses) and clauses[i + 1].left == part)
            or SELF_OPENER.match(part)  # "I'm 5'2 and petite, do the trousers come in short?"
            or label == "problem"  # "bought a grinder 3 weeks ago, never opened the box, ..."
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
        if (
            before >= 0 and parts[before] in statements and (not content_words(q) or THEM.search(q))
        ):  # ("tiny black flies round my pots ... something that gets rid of them?")
            questions[n] = f"{parts[before]} {q}"
            statements.remove(parts[before])
    # ... and so is one after a request ("I need a gift for my sister, she loves gold. What
    # would you recommend?"): one ask; and one that only says the ask before it again ("which
    # of these have pockets? i need pockets lol")
    for n in range(len(questions) - 1, 0, -1):
        said = {stem(w) for w in content_words(questions[n]) if len(w) > 3}
        asked_before = {stem(w) for w in content_words(questions[n - 1])}
        wants = WANTS.match(questions[n])
        if wants and ONE_OF_THEM.match(questions[n][wants.end() :]):
            # "do you stock fish finders? want one for my kayak": the thing asked before, and
            # what it is for (context, not a second search)
            statements.append(questions.pop(n))
        elif (not content_words(questions[n]) and WANTS.match(questions[n - 1])) or (
            said and said <= asked_before and wants
        ):
            questions[n - 1] = f"{questions[n - 1]} {questions[n]}"
            del questions[n]
    return questions, statements


# a statement of the customer's own situation ("i ride home on unlit roads", "my light is useless")
OWN_SITUATION = re.compile(
    r"^\W*(?:i|i'm|im|i've|ive|my|we|we're|we've|our)\b"
    r"(?!\W+(?:would|'d|d|wanna|want|need|will|'ll|ll|am looking|m looking|like|love)\b)",
    re.I,
)
# a pronoun for things the context before the question named
THEM = re.compile(r"\bthem\b|\b(?:in|on|with|about|of) it\W*$", re.I)
# what a want names when it wants the thing asked for before ("want one for my kayak")
ONE_OF_THEM = re.compile(r"^\W*(?:one|ones|it|them|those|these|that one)\b", re.I)


def _wanted_after(i: int, clauses: list[Clause], sentence_of: list[int]) -> bool:
    """Whether the clauses after ``i`` in its sentence, weakly joined, end in a request."""
    rest = [j for j in range(i + 1, len(clauses)) if sentence_of[j] == sentence_of[i]]
    return (
        bool(rest)
        and all(clauses[j].connector in WEAK_JOINS for j in rest)
        and bool(WANTS.match(clauses[rest[-1]].text))
    )


def states_diet_or_allergy(part: str) -> bool:
    """Whether a clause states a diet or an allergy, the customer's or the recipient's."""
    from nodes.offline.profile import learn, recipient_facts
    from tools.attributes import contraindications

    found = learn([part], {}) or recipient_facts(part)
    table = contraindications()["allergies"]
    known = [a for a in found.get("allergies", []) if a in table or a.rstrip("s") in table
             or any(a in terms or a.rstrip("s") in terms for terms in table.values())]  # fmt: skip
    # (a known allergen only: "break out from anything heavy" names none)
    return bool(found.get("diet") or known)


def _own_fact(part: str) -> bool:
    """Whether the profile patterns read a clause as the customer's own fact.

    "allergic to nickel", "vegan btw": the patterns guard against someone else's ("my sister
    is vegan").
    """
    from nodes.offline.profile import learn

    return not QUESTION_FORM.match(part) and bool(learn([part], {}))


def _states_budget(part: str) -> bool:
    """Whether a clause only states a budget ("max budget is 1500", "absolute max £900")."""
    from nodes.offline.profile import learn

    return not QUESTION_FORM.match(part) and set(learn([part], {})) == {"budget"}


def _two_problems(clauses: list[Clause], kinds: ClauseKinds) -> list[Clause]:
    """Statements of two problems joined by "and" are two asks.

    "my parcel still hasn't arrived and the tracking link doesn't work": each side, read on
    its own, is a problem a person must handle (``kinds``); "black and white" or a problem
    and its detail are not (one side is no problem of its own).
    """
    out: list[Clause] = []
    for c in clauses:
        pieces = TWO_PROBLEMS.split(c.text) if not ASKS_INSIDE.search(c.text) else [c.text]
        if len(pieces) != 2 or min(len(p.split()) for p in pieces) < 3:
            out.append(c)
            continue
        if kinds(pieces) == ["problem", "problem"]:
            out += [Clause(pieces[0], c.connector, c.left, c.opener),
                    Clause(pieces[1], "and", pieces[0], 0.0)]  # fmt: skip
        else:
            out.append(c)
    return out


def content_words(text: str) -> list[str]:
    """The words of a clause that carry meaning (no fillers, pronouns or small numbers)."""
    return [w for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in EMPTY_WORDS]
