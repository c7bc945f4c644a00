"""The money, size and budget grammar every reader shares, composed from ``data/grammar.json``.

The NLU (price filters, sizes asked for), the profile (budgets and sizes a customer states) and
the search-query cleaner (what it strips) read prices and sizes with these patterns, built
once from the same fragments. Where two readers need different things, there are two named
patterns here, and their comments say why; where a reader knows fewer words than the shared
lists, ``_but`` names the words it leaves out (kept as they were: no behaviour change).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from prompts.loader import alt as _alt
from prompts.loader import data


def _chars(symbols: Iterable[str]) -> str:
    """A character class of literal symbols."""
    return "[" + "".join(re.escape(s) for s in symbols) + "]"


def _but(words: list[str], *left_out: str) -> list[str]:
    """``words`` less the ones a reader never read."""
    return [w for w in words if w not in left_out]


def _fill(template: str) -> str:
    """A data phrasing with its ``{NAME}`` fragments filled in."""
    return re.sub(r"\{([A-Z_]+)\}", lambda m: _FRAGMENTS[m.group(1)], template)


_G = data("grammar")
_CUR = _G["currency"]
_WORDS = _G["price_words"]
_BUDGET = _G["budget"]
_SIZES = _G["sizes"]

# -- money ---------------------------------------------------------------------------------------
CUR_BEFORE = (
    rf"(?:{_chars(_CUR['symbols'])}|{_alt(_CUR['dollar_prefixes'])}\$|{_alt(_CUR['codes'])}\s?)"
)
CUR_AFTER = rf"(?:{_chars(_CUR['symbols_after'])}|\s?{_alt(_CUR['words_after'])}(?![a-z]))"
REPLY_CURRENCY = _chars(_CUR["reply_symbols"])
AMOUNT = _G["amount"]["written"]
DOTTED = _G["amount"]["dotted"]  # decimal point only: the profile's "20 bucks" phrasings
# An amount, its currency optional on either side; the amount is the one group.
MONEY = rf"{CUR_BEFORE}?\s?({AMOUNT}){CUR_AFTER}?"
# An amount with its currency written before it ("$40", "usd 30"); the amount is the group.
PRICED = rf"{CUR_BEFORE}\s?({AMOUNT})"
HEDGE = _alt(f"{w} " for w in _BUDGET["hedges"])  # "(?:like |about |...)"
CAP_AFTER = _alt(_BUDGET["caps_after"])
_FRAGMENTS = {"CUR_BEFORE": CUR_BEFORE, "CUR_AFTER": CUR_AFTER, "AMOUNT": AMOUNT,
              "DOTTED": DOTTED, "MONEY": MONEY, "PRICED": PRICED, "HEDGE": HEDGE,
              "CAP_AFTER": CAP_AFTER}  # fmt: skip

_UNITS: list[str] = _G["number_words"]["units"]
_TENS: dict[str, int] = _G["number_words"]["tens"]
NUMBER_WORDS: dict[str, int] = {w: i for i, w in enumerate(_UNITS)} | _TENS


_THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_SPOKEN_THOUSANDS = re.compile(
    rf"\b(a|one|\d+(?:\.\d+)?)\s?{_alt(_G['amount']['thousands'])}\b", re.I
)


def spoken_thousands(text: str) -> str:
    """``text`` with "a grand", "2 grand" and "1.5k" written as amounts ("1000", "2000")."""

    def amount(m: re.Match[str]) -> str:
        n = 1.0 if m.group(1).lower() in {"a", "one"} else float(m.group(1))
        return f"{n * 1000:g}"

    return _SPOKEN_THOUSANDS.sub(amount, text)


def price_value(amount: str) -> float:
    """The value of an ``AMOUNT``: "1,500" is 1500 (thousands), "40,50" is 40.5 (decimal comma)."""
    if _THOUSANDS.fullmatch(amount):
        return float(amount.replace(",", ""))
    return float(amount.replace(",", "."))


# The NLU's price filters: each amount is a group.
PRICE_BETWEEN = re.compile(rf"\b{_alt(_WORDS['range'])}\s+{MONEY}\s*(?:and|to|-)\s*{MONEY}", re.I)
PRICE_RANGE = re.compile(rf"{MONEY}\s*(?:-|–|to)\s*{MONEY}\b", re.I)
# An amount followed by a unit of units.json counts that unit ("about 20 kilos", "under 3 ft"),
# not money; "in" is left out (it is "under 50 in black" far more often than inches).
_UNIT_WORDS = sorted(
    {w for ws in data("units")["units"].values() for w in ws if w != "in"}, key=len, reverse=True
)
NOT_MONEY = rf"(?!\d|[.,]\d|\s?(?:{_alt(re.escape(w) for w in _UNIT_WORDS)})(?![a-z]))"
PRICE_CAP = re.compile(rf"{_alt(_WORDS['cap'])}\s*{MONEY}{NOT_MONEY}", re.I)
PRICE_FLOOR = re.compile(rf"{_alt(_WORDS['floor'])}\s*{MONEY}{NOT_MONEY}", re.I)
PRICE_AROUND = re.compile(rf"{_alt(_WORDS['around'])}\s*{MONEY}{NOT_MONEY}", re.I)
# "it only goes up to 4", "seats up to 6": a capacity, not a price cap
CAPACITY = re.compile(rf"\b{_alt(_G['budget']['capacity_verbs'])}\s+(?:\w+\s+)?up to\s*\d", re.I)
# "from 5kg": a weight, not a price floor
FROM_WEIGHT = re.compile(r"from\s+\$?\d+\s*(?:lb|kg)")
# "how much?", "what's the cost on it": a question that only asks the price
PRICE_QUESTION = re.compile(
    r"^\W*(?:(?:and|also|\+|&)\s+)?" + _alt(_G["price_questions"]["phrasings"]) + r"\W*$", re.I
)
# What the search-query cleaner strips: a range, a price with a currency and the word before
# it, an amount with a currency after it, a bare amount after a cap word. Its own pattern: it
# removes text (no groups) and its words and ranges differ from the NLU's (kept as they were).
PRICE_PHRASE = re.compile(
    rf"{_alt(_WORDS['range'])}\s+{CUR_BEFORE}?{AMOUNT}\s*(?:and|to|-)\s*{CUR_BEFORE}?{AMOUNT}"
    rf"{CUR_AFTER}?"
    rf"|{_alt(_WORDS['query_strip'])}?\s*{CUR_BEFORE}\s?{AMOUNT}{CUR_AFTER}?"
    rf"|{AMOUNT}{CUR_AFTER}"
    rf"|{_alt(_WORDS['query_strip_bare'])}\s+{AMOUNT}{CUR_AFTER}?",
    re.I,
)

# -- budgets -------------------------------------------------------------------------------------
# Two readers, two jobs: the NLU reads a budget inside a question as a price cap (a currency is
# required: "I have 2 kids"); the profile learns a budget the customer states of themself, in
# more phrasings ("my budget is around 50", "30 bucks max").
BUDGET_IN_QUESTION = re.compile(_fill(_BUDGET["in_question"]), re.I)
BUDGET_STATEMENT = re.compile("|".join(_fill(s) for s in _BUDGET["statements"]), re.I)
# a clause that speaks of money at all: a currency, or a word of money ("30 tops", "can spend 40")
MONEY_CUE = re.compile(
    rf"{CUR_BEFORE}\s?\d|\d\s?{CUR_AFTER}|\b{_alt(_BUDGET['cues'])}\b|\b{_alt(_G['currency']['words_after'])}\b",
    re.I,
)
# The amount of a clause the fact classifier called a budget ("30 tops", "under thirty bucks"):
# group 1 a number (not "20 kg"), group 2 a spoken amount.
BUDGET_AMOUNT = re.compile(
    rf"(?<![\w.])\$?\s?({DOTTED})(?!\s?{_alt(_G['amount']['not_money_units'])})\b"
    rf"|\b({_alt(_TENS)}(?:[ -]{_alt(_UNITS[1:10])})?)\b",
    re.I,
)

# -- sizes ---------------------------------------------------------------------------------------
_LETTERS: list[str] = _SIZES["letters"]
_AMBIGUOUS: list[str] = _SIZES["ambiguous_letters"]
_PLAIN = _but(_LETTERS, *_AMBIGUOUS)  # letters no word spells ("xs", "2xl")
_NAMED_SIZES: list[str] = _SIZES["words"]
_PHRASES: list[str] = _SIZES["phrases"]
NUMERIC_SIZE = _SIZES["numeric"]
SIZE_CUE = _alt(_SIZES["size_words"])

# A size asked for in a question; the size is the one group that matched: after "size" (ASCII
# digits), a size no word spells, an ambiguous letter that ends the ask ("in M?", "s please"),
# or a bare two-digit size after "a" that ends it ("in a 38?", "go up to a 48").
SIZE_ASKED = re.compile(
    rf"\b{SIZE_CUE}(?:\s*(?=\d)|\s+)([0-9]{{1,2}}(?:\.5)?|{_alt(_LETTERS + _NAMED_SIZES)})\b"
    rf"|\b({_alt(_PLAIN + _PHRASES + _NAMED_SIZES)})\b"
    rf"|(?:^|\s)({_alt(_AMBIGUOUS)})(?=\s*(?:please|pls|\?|$|,|\.|!|one|size))"
    r"|\b(?:in|to|got|have|need|want|wear|take)\s+an?\s+([1-5][0-9](?:\.5)?|[1-9](?:\.5)?)"
    r"(?=\s*(?:please|pls|\?|$|,|\.(?!\d)|!|\s(?:too|in|if)\b))",
    re.I,
)
# What the search-query cleaner strips: "size" and the word after it, or a size no word spells
# (it never stripped "x-large" or "one size").
SIZE_PHRASE = re.compile(
    rf"\b(?:in\s+)?{SIZE_CUE}\s*\S+"
    rf"|\b(?:in\s+)?{_alt(_PLAIN + _but(_PHRASES, 'x-large', 'one size') + _NAMED_SIZES)}\b",
    re.I,
)
# The profile's sizes: fewer tokens than the NLU reads (kept as they were).
_MISFIT = _but(_LETTERS, "3xl", "xxxl") + _NAMED_SIZES
_XL = _but(_PHRASES, "extra small", "x-large", "one size")  # ("extra large" only)
# "I wear a medium", "I'm usually a size 10": the size a customer wears.
SIZE_WORN = re.compile(
    r"\b(?:i(?:'m| am)? (?:a |usually (?:a )?|normally (?:a )?)?(?:wear (?:a )?|take (?:a )?)?size|"
    r"i (?:usually |normally )?(?:wear|take) (?:a |an )?(?:size )?)\s*"
    rf"({_alt(_but(_LETTERS, 'xxxl') + _NAMED_SIZES + _XL)}|{NUMERIC_SIZE})\b",
    re.I,
)
# "the M was too tight", "the L swallowed me", "XL doesn't fit": a size that did not fit.
SIZE_MISFIT = re.compile(
    rf"\b(?:size\s+)?({_alt(_MISFIT)}|{NUMERIC_SIZE})\s+"
    r"(?:was|is|were|are|runs?|ran)\s+(?:way |too |a bit |a little |slightly |much )*"
    r"(?:too\s+)?(small|big|large|tight|loose|short|long|baggy|huge|tiny|snug)\b"
    rf"|\b(?:the\s+)?({_alt(_MISFIT)})\s+(?:swallowed|drowned) me\b"
    rf"|\b({_alt(_MISFIT)})\s+(?:doesn't|does not|didn't|did not) fit\b",
    re.I,
)
# A size named in a clause the fact classifier called a bad size (not the "s" of "it's").
SIZE_NAMED = re.compile(rf"(?<!['’])\b({_alt(_MISFIT + _XL)})\b", re.I)
