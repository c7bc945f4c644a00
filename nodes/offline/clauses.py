"""Where one ask ends and the next begins in a message: clauses merged or kept apart.

The boundary model (``splitter.py``) proposes clauses; these rules keep "black and white
sneakers" whole, split "X and also Y", and never drop a trailing statement of a problem.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable

from nodes.offline.entities import extract_entities
from nodes.offline.splitter import Clause, split_clauses
from tools.units import normalize

A_SET = re.compile(r"^\W*[\w'-]+(?:\s+[\w'-]+)?\s+(?:set|combo|bundle|kit|duo|trio)\b", re.I)


def phrase_across(left: str, right: str, phrases: frozenset[str]) -> bool:
    """Whether the words around an "and" make one of the shop's own phrases."""
    lw, rw = normalize(left).split(), normalize(right).split()
    return any(
        " ".join([*lw[-a:], "and", *rw[:b]]) in phrases
        for a in range(1, min(3, len(lw)) + 1) for b in range(1, min(3, len(rw)) + 1)
    )  # fmt: skip


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
FRAGMENT_NP = re.compile(
    r"^\W*(?:the|a|an|in|in the|in a|with|with the|size)\s+(?:[\w%.-]+\s*){1,3}\W*$", re.I
)
QUESTION_FORM = re.compile(
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
        if connector in _PLAIN_AND and (phrase_across(left, right, phrases) or A_SET.match(right)):
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
        if before >= 0 and parts[before] in statements and not content_words(q):
            questions[n] = f"{parts[before]} {q}"
            statements.remove(parts[before])
    # ... and so is one after a request ("I need a gift for my sister, she loves gold. What
    # would you recommend?"): one ask
    for n in range(len(questions) - 1, 0, -1):
        if not content_words(questions[n]) and _WANTS.match(questions[n - 1]):
            questions[n - 1] = f"{questions[n - 1]} {questions[n]}"
            del questions[n]
    return questions, statements


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


def _states_budget(part: str) -> bool:
    """Whether a clause only states a budget ("max budget is 1500", "absolute max £900")."""
    from nodes.offline.profile import learn

    return not QUESTION_FORM.match(part) and set(learn([part], {})) == {"budget"}


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


def content_words(text: str) -> list[str]:
    """The words of a clause that carry meaning (no fillers, pronouns or small numbers)."""
    return [w for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in _EMPTY_WORDS]
