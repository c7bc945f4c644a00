"""The English the offline back-end reads, composed once from word lists in ``data/``.

Which words greet, ask, react, point at a shown product, ask something of the search or
state a fact about oneself is data a person can read and extend: ``phrasing.json`` (asks,
greetings, reactions), ``questions.json`` (what a question asks), ``references.json``
(pointing at shown products), ``search.json`` (what a question asks of the search) and
``statements.json`` (facts customers state). This module puts the words in their patterns
(the regex syntax stays here) and compiles each pattern once, at import. Where two readers
know different words for the same thing, each has its own list (kept as they were: no
behaviour change); prices and sizes are ``grammar.py``'s.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from prompts.loader import alt as _alt
from prompts.loader import data


def _any(words: Iterable[str]) -> str:
    """Regex words as bare alternatives, inside a group the pattern opens itself."""
    return "|".join(words)


def _then(words: Iterable[str], after: str = " ") -> str:
    """An alternation of words, each followed by ``after`` ("(?:and |but )")."""
    return _alt(f"{w}{after}" for w in words)


def _either(phrasings: Iterable[str], **lists: str) -> str:
    """Phrasings as alternatives, their ``{NAME}`` fragments filled in."""
    return "|".join(re.sub(r"\{([A-Z_]+)\}", lambda m: lists[m.group(1)], p) for p in phrasings)


def _swaps(pairs: list[list[str]]) -> tuple[tuple[re.Pattern[str], str], ...]:
    """[pattern, replacement] pairs, compiled (case-sensitive), in order."""
    return tuple((re.compile(p), repl) for p, repl in pairs)


# -- asks, greetings, reactions (phrasing.json: clauses.py, nlu.py, responder.py) -----------------
_PH = data("phrasing")
CUE = _any(_PH["question_cues"]["cues"])
LEADS = _alt(_PH["question_cues"]["leads"])
_R = _PH["request"]
REQUEST = re.compile(
    rf"\?|^\s*(?:{_alt(_R['greetings'])}\b[\s,!]*)?(?:{LEADS}\s+)*(?:{CUE}|{_any(_R['words'])})\b"
    rf"|^\s*{_alt(_R['one_more'])}\s+{_alt(_R['of'])}\s",
    re.I,
)
ASKS = re.compile(rf"^\W*(?:{LEADS}\s+)*(?:{CUE}|{_any(_PH['ask']['words'])})\b", re.I)
ASK_START = re.compile(rf"^\W*(?:{CUE}|{_any(_PH['ask_start']['words'])})\b", re.I)
_IN = _PH["asks_inside"]
ASKS_INSIDE = re.compile(
    rf"\b{_alt(_IN['question_words'])}\b|(?:^|[:,;]\s*){_alt(_IN['auxiliaries'])}\b", re.I
)
_QF = _PH["question_form"]
QUESTION_FORM = re.compile(rf"^\W*(?:{_alt(_QF['leads'])}\W+)*{_alt(_QF['words'])}\b", re.I)
_G = _PH["greeting_only"]
GREETING_ONLY = re.compile(
    rf"^\W*(?:{_alt(_G['before'])}\W+)?{_alt(_G['greetings'])}\b[\s!.,]*{_alt(_G['after'])}?\W*$",
    re.I,
)
_GL = _PH["greeting_lead"]
GREETING_LEAD = re.compile(
    rf"^\W*{_alt(_GL['greetings'])}(?:\s+{_alt(_GL['after'])})?\b[\s,!.]*(?=\w)", re.I
)
_RE = _PH["reaction"]
REACTION = re.compile(_either(_RE["phrasings"], PRAISE=_alt(_RE["praise"])), re.I)
ELABORATION = re.compile(rf"^\W*{_alt(_PH['elaboration']['openers'])}\b", re.I)
# an emoji (and any more after it) that ends a question before the next one opens
EMOJI_BREAK = re.compile(
    r"(?<=\w)(\s*[\U0001F300-\U0001FAFF\u2600-\u27BF][\U0001F300-\U0001FAFF\u2600-\u27BF"
    rf"\uFE0F\u200D\s]*?)\s+(?={_alt(_PH['emoji_break']['openers'])}\b)",
    re.I,
)
A_SET = re.compile(rf"^\W*[\w'-]+(?:\s+[\w'-]+)?\s+{_alt(_PH['sets']['words'])}\b", re.I)
PLAIN_AND = frozenset(_PH["connectors"]["plain_and"])
WEAK_JOINS = frozenset(_PH["connectors"]["weak_joins"])
FIRST_PERSON = re.compile(rf"\b{_alt(_PH['first_person']['words'])}\b", re.I)
SELF_OPENER = re.compile(rf"^\W*{_alt(_PH['self_opener']['openers'])}\b", re.I)
# "the big 240 box": an opener and one to three words, no verb
FRAGMENT_NP = re.compile(
    rf"^\W*{_alt(_PH['fragment_np']['openers'])}\s+(?:[\w%.-]+\s*){{1,3}}\W*$", re.I
)
_W = _PH["wants"]
WANTS = re.compile(rf"^\W*(?:{_alt(_W['greetings'])}\W+)?{_alt(_W['phrasings'])}\b", re.I)
WANTS_INSIDE = re.compile(rf"\b{_alt(_W['inside'])}\b", re.I)
POINTING = re.compile(rf"\b{_alt(_PH['pointing']['words'])}\b", re.I)
ENDS_ASKED = re.compile(_either(_PH["ends_asked"]["phrasings"]), re.I)
HEADLESS = re.compile(_either(_PH["headless"]["phrasings"]), re.I)
_B = _PH["bare_np"]
BARE_NP = re.compile(
    rf"^\W*(?:{_alt(_B['leads'])}\W+)*{_alt(_B['determiners'])}\s+"
    rf"(?!.*\b{_alt(_B['verbs'])}\b)[\w' -]{{2,40}}$",
    re.I,
)
_AI = _PH["about_it"]
ABOUT_IT = re.compile(rf"^\W*{_alt(_AI['auxiliaries'])}\s+{_alt(_AI['pronouns'])}\b", re.I)
_NA = _PH["noun_ask"]
# a determiner, up to four words (not a preposition first), a preposition and what follows it
NOUN_ASK = re.compile(
    rf"^\W*{_then(_NA['determiners'])}?(?!{_alt(_NA['prepositions'])}\b)"
    rf"[a-z][\w'-]*(?: [a-z][\w'-]*){{0,3}} {_alt(_NA['prepositions'])} \S",
    re.I,
)
CHOICE = re.compile(_either(_PH["choice"]["phrasings"]), re.I)
TWO_PROBLEMS = re.compile(rf"\s+{_alt(_PH['two_problems']['joins'])}\s+", re.I)
EMPTY_WORDS = frozenset(_PH["empty_words"]["words"])
COORDINATION = re.compile(rf"(?:,\s*|\s+){_alt(_PH['coordination']['words'])}\s+", re.I)
THANKS = re.compile(_any(_PH["thanks"]["cues"]))
TO_CUSTOMER = _swaps(_PH["perspective"]["to_customer"])
TO_RECIPIENT = _swaps(_PH["perspective"]["to_recipient"])
TO_RECIPIENT_VERBS = _swaps(_PH["perspective"]["to_recipient_verbs"])

# -- what a question asks (questions.json: nlu.py, planner.py, responder.py) ---------------------
_Q = data("questions")
ADVICE = re.compile(rf"^\W*{_alt(_Q['advice']['openers'])}\b", re.I)
FRAGMENT = re.compile(
    rf"^\W*{_then(_Q['fragment']['leads'])}?{_alt(_Q['fragment']['openers'])}\b", re.I
)
SEARCH_ASK = re.compile(rf"^\W*{_alt(_Q['search_ask']['openers'])}\b", re.I)
NEEDS = re.compile(rf"\b{_alt(_Q['needs']['words'])}\b", re.I)
_V = _Q["vague"]
VAGUE = re.compile(
    rf"^\s*{_then(_V['leads'])}?{_alt(_V['things'])}(?: {_alt(_V['after'])})*\s*[?!.]*\s*$", re.I
)
_C = _Q["comparison"]
RANKS = re.compile(rf"\b{_alt(_C['ranks'])}\b", re.I)
WEIGHS = re.compile(rf"\b{_alt(_C['weighs'])}\b", re.I)
COMPARATIVE = re.compile(rf"\b{_alt(_C['comparative'])}\b", re.I)
TWO_THINGS = re.compile(rf"\b{_alt(_C['two_things'])}\b", re.I)
EITHER = re.compile(rf"\b{_alt(_C['either'])}\b", re.I)
VERSUS = re.compile(rf"\s+{_alt(_C['versus'])}\s+", re.I)
COMPARED = re.compile(rf"^.*?{_alt(_C['openers'])}\s+", re.I)  # what comes before the sides
SIDE_FILLER = re.compile(rf"\b{_alt(_C['side_fillers'])}\b", re.I)
EVALUATIVE = re.compile(rf"\b{_alt(_Q['evaluative']['words'])}\b", re.I)
# "dishwasher safe" in a listing: a word the shop writes before an evaluative word makes the
# pair a property it states (read from each shop's own text by tools/vocabulary_build.py)
STATED_COMPOUND = re.compile(
    rf"\b(?!(?:{_any(_Q['evaluative']['not_compound'])})\b)([a-z]{{3,}}(?<!ly))[\s-]+"
    rf"({_any(_Q['evaluative']['words'])})\b",
    re.I,
)
_YN = _Q["yes_no"]
YES_NO = re.compile(
    rf"^\W*(?:{_alt(_YN['leads'])}\W+)*"
    rf"(?:(?P<lead>{_alt(_YN['lead_determiners'])} [^,?]{{2,60}}?)(?:,|\s+[-–—]+)\s*"
    r"|(?P<named>[a-z][^,?]{2,40}?)\s+[-–—]+\s*)?"
    rf"(?P<aux>{_any(_YN['auxiliaries'])})\s+"
    rf"(?P<det>{_any(_YN['determiners'])})\s+"
    r"(?P<rest>[^?]+?)\W*(?:\?.*)?$",
    re.I,
)
# "is there sugar in the cold brew cans?": what it has, and the product
THERE_IN = re.compile(
    r"^\W*(?:is|are)\s+there\s+(?:any\s+)?(?P<attr>[^?]{2,40}?)\s+(?:in|on)\s+"
    rf"(?:{_alt(_YN['lead_determiners'])}\s+)(?P<subject>[^?]{{2,60}}?)\W*(?:\?.*)?$",
    re.I,
)
# ... of a product named before it, or shown: "the guatemala coffee says toasted almond on
# it... is there actual nuts in it?"
THERE_IN_IT = re.compile(
    r"^(?:(?P<lead>[^?]{3,80}?)\W+)?(?:is|are)\s+there\s+(?:any\s+)?(?P<attr>[^?]{2,40}?)\s+in\s+"
    r"(?P<pronoun>it|them|this|that|these|those)\W*$",
    re.I,
)
LEAD_DETERMINER = re.compile(rf"^{_alt(_YN['lead_determiners'])}\s+", re.I)
YES_NO_TEXT = frozenset(_YN["text"])
# "can i wear the herringbone chain in the shower?": a person, then what they would do with it
YES_NO_PERSON = re.compile(
    rf"^\W*(?:{_alt(_YN['leads'])}\W+)*"
    rf"(?P<aux>{_any(_YN['text'])})\s+(?:{_alt(_YN['persons'])})\s+"
    rf"(?!{_alt(_YN['person_verbs_not_asked'])}\b)"
    r"(?P<rest>[^?]+?)\W*(?:\?.*)?$",
    re.I,
)
YES_NO_PRONOUNS = frozenset(_YN["pronouns"])
YES_NO_BE = frozenset(_YN["be"])
YES_NO_DOES = frozenset(_YN["does"])
COLLECTIVE_DETERMINERS = frozenset(_YN["collective_determiners"])
COLLECTIVE_AUXILIARIES = frozenset(_YN["collective_auxiliaries"])
ATTR_VERB = re.compile(
    rf"(?:^|\s+)(?P<verb>{_any(_Q['attribute_verbs']['verbs'])})\s+(?P<attr>.+)$", re.I
)
_S = _Q["suits"]
SUITS = re.compile(rf"(?:^|\s){_alt(_S['words'])}\s+({_alt(_S['purposes'])}\s+.+)$", re.I)
SUITS_PURPOSE = re.compile(rf"{_alt(_S['purposes'])}\s")  # what SUITS captured starts so

# -- pointing at shown products (references.json: entities.py, nlu.py, planner.py) --------------
_REF = data("references")
_O = _REF["ordinals"]
ORDINALS: dict[str, int] = _O["positions"]
ORDINAL = re.compile(
    rf"\b({_any(w for w in ORDINALS if w not in _O['noun_only'])})\b"
    rf"(?!\s+{_alt(_O['times'])}s?\b)(?:\s+{_alt(_O['nouns'])}\b)?"
    rf"|\b({_any(_O['noun_only'])})\s+{_alt(_O['nouns'])}\b",
    re.I,
)
FIRST_N = re.compile(_either(_REF["first_n"]["phrasings"]))
FIRST_N_COUNTS: dict[str, int] = _REF["first_n"]["counts"]
NUMBER_REF = re.compile(rf"\b{_alt(_REF['number']['words'])}\s*([1-5])\b", re.I)
LETTER = re.compile(rf"\b{_alt(_REF['letter']['nouns'])}\s+([A-E])\b")
NOT_LETTER = frozenset(_REF["letter"]["not_before"])
ANAPHORA = re.compile(rf"\b{_alt(_REF['anaphora']['words'])}\b", re.I)
DESCRIPTION = re.compile(_either(_REF["description"]["phrasings"]))
DESC_STOP = frozenset(_REF["description"]["stop"])
NOT_NAMES = frozenset(_REF["description"]["not_names"])
DEFINITE = re.compile(rf"\b{_alt(_REF['definite']['words'])}\b", re.I)
_CO = _REF["collective"]
COLLECTIVE = re.compile(rf"\b{_alt(_CO['phrases'])}\b|^\W*{_alt(_CO['openers'])}\b", re.I)
POINTS_BACK = re.compile(rf"\b{_alt(_REF['points_back']['words'])}\b", re.I)
PLURAL = frozenset(_REF["plural"]["words"])
AMONG_SHOWN = re.compile(_either(_REF["among_shown"]["phrasings"]), re.I)
GENERIC = frozenset(_REF["generic"]["words"])
ONE = re.compile(rf"\b{_alt(_REF['one']['words'])}\b")

# -- what a question asks of the search (search.json: entities.py, planner.py, conflicts.py) -----
_SE = data("search")
_P = _SE["price_order"]
CHEAPEST = re.compile(rf"\b{_alt(_P['cheapest'])}\b", re.I)
PRICIEST = re.compile(rf"\b{_alt(_P['priciest'])}\b", re.I)
CHEAPER = re.compile(rf"\b{_alt(_P['cheaper'])}\b", re.I)
CHEAPER_THAN_SHOWN = re.compile(rf"\b{_alt(_P['cheaper_than_shown'])}\b", re.I)
_BG = _SE["bigger"]
# group 1: bigger, group 2: smaller, group 3: the word after it
BIGGER = re.compile(
    rf"\b(?:({_any(_BG['bigger'])})|({_any(_BG['smaller'])}))\b(?:\s+([a-z]+))?", re.I
)
NOT_BIGGER = re.compile(rf"\b{_alt(_BG['not_after'])}\s*$")
NOT_SIZED = frozenset(_BG["not_sized"])
NOT_OPTION = frozenset(_BG["not_option"])
# "a really bright front light": the most of the measure the unit word names
BY_UNIT = [
    (re.compile(rf"\b(?:{words})\b", re.I), unit)
    for words, unit in _BG.get("by_unit", {}).items()
    if not words.startswith("_")
]
DESCRIBES_FIT = re.compile(rf"\b{_alt(_SE['fit']['describes_fit'])}\s*$", re.I)
_A = _SE["absent"]
FREE_AFTER = re.compile(rf"[\s-]?{_alt(_A['after'])}\b", re.I)
_DETS = _then(_A["determiners"], r"\s+")
NOT_BEFORE = re.compile(rf"\b{_alt(_A['before'])}[\s-]*{_DETS}?$", re.I)
_ANY = _then(_A["list_determiners"], r"\s+")
NEGATED_LIST = re.compile(rf"\s*(?:,|/)?\s*{_alt(_A['list_joins'])}?\s*{_ANY}?", re.I)
TEXT_FREE_AFTER = re.compile(rf"[- ]{_alt(_A['after'])}\b")
TEXT_NOT_BEFORE = re.compile(rf"\b{_alt(_A['in_product_text'])}[- ]$")
_PU = _SE["purpose"]
PURPOSE = re.compile(
    rf"\b{_alt(_PU['words'])}\s+{_alt(_PU['determiners'])}\s+((?:[a-z-]+\s*){{1,4}})", re.I
)
_RF = _SE["refine"]
REFINE = re.compile(
    rf"^\s*(?:{_then(_RF['leads'])}?{_alt(_RF['openers'])}\b|{_alt(_RF['caps'])}\b)"
    r"|^(?:\W*\w+){0,5}?\W+ones?\W*$",  # "is there a vegan one", "merino ones"
    re.I,
)
ONLY = re.compile(rf"^\W*{_alt(_RF['only'])}\b", re.I)
MODIFIER_DROP = frozenset(_SE["refine_words"]["modifier_drop"])
NARROW_STOP = frozenset(_SE["refine_words"]["narrow_stop"])
PRICE_WORDS = frozenset(_SE["refine_words"]["price_words"])
QUERY_FILLER = re.compile(rf"\b{_alt(_SE['query_filler']['phrases'])}\b", re.I)
_KP = _SE["kind_phrase"]
# the ask before the kind a query names ("do you guys sell", "got any", "need a")
KIND_LEAD = re.compile(rf"^\W*(?:{_alt(_KP['leads'])}\b\W*)+", re.I)
KIND_ENDS = frozenset(_KP["ends"])
OCCASIONS = frozenset(_KP["occasions"])

# -- facts customers state (statements.json: profile.py) ----------------------------------------
_ST = data("statements")
_CB = _ST["clause_breaks"]
CLAUSE_BREAK = re.compile(
    rf"[.;!?\n]+|,\s*{_alt(_CB['after_comma'])}\s+|\s+{_alt(_CB['between'])}\s+"
    r"|\s*[\U0001F300-\U0001FAFF\u2600-\u27BF]+\s*|\s+[-–—]+\s+",  # emoji, a dash
    re.I,
)
SPEAKER = re.compile(rf"\b{_alt(_ST['speaker']['words'])}\b", re.I)
IDENTITY = re.compile(rf"\b{_alt(_ST['identity']['words'])}\b", re.I)
ALLERGY = re.compile(_either(_ST["allergy"]["phrasings"]), re.I)
_AL = _ST["allergy"]["items"]
ALLERGEN_SPLIT = re.compile(_any(_AL["separators"]))
ALLERGEN_LEADING = re.compile(rf"^{_alt(_AL['leading'])}\s+")
ALLERGEN_CHATTER = re.compile(rf"(?:\s+{_alt(_AL['chatter'])})+$")
NO_ALLERGEN = frozenset(_AL["empty"])
TOLERATES = re.compile(rf"\b([a-z]+) (?:is|are) {_alt(_ST['tolerates']['words'])}\b", re.I)
_BA = _ST["bare"]
BARE_FACT = re.compile(
    rf"^\W*{_then(_BA['intensifiers'])}?(?P<fact>[\w' -]+?)\s*{_alt(_BA['after'])}?\W*$", re.I
)
LEADING = re.compile(rf"^\W*(?:{_alt(_ST['leading']['words'])}\s+)*$", re.I)
FACT_JOIN = re.compile(rf"\s+{_alt(_ST['joins']['words'])}\s+", re.I)
FOR_THEM = re.compile(_either(_ST["recipient"]["for_them"]), re.I)
FOR_ME = re.compile(_either(_ST["recipient"]["for_me"]), re.I)
_SV = _PH["service_ask"]
SERVICE_ASK = re.compile(
    rf"^\W*(?:(?:hi+|hey+|hello|ok|so)\W+)?(?:(?:can|could|would|will|do|does)\s+{_alt(_SV['you'])}"
    rf"\s+(?!{_alt(_SV['goods_verbs'])}\b)(?:guys\s+)?[a-z]+"
    rf"|(?:can|could|may)\s+i\s+{_alt(_SV['my_verbs'])}\b)",
    re.I,
)
ASKS_FOR_THING = re.compile(_either(_PH["asks_for_thing"]["patterns"]), re.I)
RECOMMEND_ASK = re.compile(_either(_PH["recommend_ask"]["patterns"]), re.I)
