"""Deterministic tool planner: the tool calls an LLM agent would make, from analysed questions.

Round 1 plans one call per question (search, variants, compare). Round 2 runs after the tools:
a comparison whose products had to be found first gets its ``compare_products`` call then.
The words that refine a search or point at the list on screen are data
(``prompts/data/search.json``, ``references.json``, ``questions.json``).
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from langchain_core.messages import AIMessage, ToolMessage

from prompts.grammar import PRICE_PHRASE, SIZE_PHRASE, spoken_thousands
from prompts.lexicon import color_family, lexicon, people_words, stem, tokenize
from prompts.phrasing import (
    AMONG_SHOWN,
    CHEAPER,
    CHEAPER_THAN_SHOWN,
    COLLECTIVE,
    COMPARED,
    GENERIC,
    MODIFIER_DROP,
    NARROW_STOP,
    ONE,
    ONLY,
    PLURAL,
    POINTS_BACK,
    PRICE_WORDS,
    QUERY_FILLER,
    REFINE,
    SIDE_FILLER,
    VERSUS,
)


def _call(name: str, args: dict[str, Any], qi: int) -> dict[str, Any]:
    return {
        "name": name,
        "args": args,
        "id": f"call_{qi}_{uuid.uuid4().hex[:8]}",
        "type": "tool_call",
    }


def resolve(refs: list[dict[str, Any]], shown: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Products that references point to ("the first one", "dress B", "the blue one", "it")."""
    out: list[dict[str, Any]] = []
    for ref in refs:
        kind = ref.get("kind")
        if kind in {"ordinal", "letter"} and ref.get("index") is not None:
            i = ref["index"]
            if -len(shown) <= i < len(shown):
                out.append(shown[i])
        elif kind == "description":
            words = [stem(w) for w in tokenize(ref.get("text", ""), drop_stopwords=False)]
            fam = color_family(ref["color"]) if ref.get("color") else None
            nouns = [w for w in words if not color_family(w) and w not in GENERIC]
            for p in shown:
                name_words = {stem(w) for w in tokenize(p["name"], drop_stopwords=False)}
                described = name_words | {
                    stem(w) for t in p.get("tags", []) for w in tokenize(t, drop_stopwords=False)
                }
                colours = {
                    color_family(str(v["options"].get("color", ""))) for v in p.get("variants", [])
                }
                noun_ok = any(w in name_words for w in nouns)
                # Every word must fit: "the whey concentrate" is not the whey isolate on screen.
                fits = all(w in described for w in nouns)
                if (fam is None or fam in colours) and (noun_ok or fam) and fits:
                    out.append(p)
                    break
        elif kind == "anaphora" and shown:
            out.append(shown[0])
    unique: dict[int, dict[str, Any]] = {}
    for p in out:
        unique.setdefault(p["product_id"], p)
    return list(unique.values())


def _filters(ent: dict[str, Any]) -> dict[str, Any]:
    args: dict[str, Any] = {}
    for key in ("min_price", "max_price"):
        if ent.get(key) is not None:
            args[key] = ent[key]
    for key in ("colors", "sizes", "brands", "categories"):
        if ent.get(key):
            args[key] = ent[key]
    if ent.get("options"):
        args["options"] = ent["options"]
    if ent.get("sort", "relevance") != "relevance":
        args["sort"] = ent["sort"]
    if ent.get("excluded"):
        args["require"] = [f"{v} free" for v in ent["excluded"]]  # "nut free"
    if ent.get("prefer"):
        args["prefer"] = ent["prefer"]
        if ent.get("prefer_option"):
            args["prefer_option"] = ent["prefer_option"]
    return args


def _is_refinement(q: dict[str, Any], last: dict[str, Any] | None) -> bool:
    ent = q["entities"]
    if not last:
        return False
    if q.get("narrows"):
        return True
    # A description ("the vegan one") that named no shown product does not block refining, and
    # neither does "those"/"them" pointing at the whole list.
    collective = bool(COLLECTIVE.search(q["text"]))
    refs = [
        r
        for r in ent.get("references", [])
        if r.get("kind") != "description"
        and not (
            r.get("kind") == "anaphora" and (collective or r.get("text", "").lower() in PLURAL)
        )
    ]  # fmt: skip  ("any without wool in them?": the list on screen)
    last_words = {stem(w) for w in tokenize(last.get("query", ""), drop_stopwords=False)}
    new_category = any(
        not {stem(w) for w in tokenize(c, drop_stopwords=False)} & last_words
        for c in ent.get("categories", [])
    )
    if refs or (new_category and not ONLY.match(q["text"]) and not collective):
        return False  # ("just chairs pls", "which of those are earrings" narrow a list)
    ordered = ent.get("sort", "relevance") != "relevance" and AMONG_SHOWN.search(
        q["text"]
    )  # "whats the cheapest one that'll still keep me warm?"
    return (
        bool(REFINE.match(q["text"])) or collective or bool(ordered)
        or (len(q["text"].split()) <= 6 and _has_any(ent))
    )  # fmt: skip


# What ``search_products`` takes (a stored search's filters also hold the profile's budget).
SEARCH_ARGS = frozenset(
    "min_price max_price colors sizes categories tags options brands require product_ids".split()
)


# a follow-up that picks a single product of the list by price
_PICKS_ONE = re.compile(r"\b(?:whichever|which one|(?:cheaper|cheapest|priciest) one)\b", re.I)
_SUBJECT_PRONOUNS = frozenset({"i", "im", "he", "she", "hes", "shes", "we", "they"})


def last_words_of(last: dict[str, Any]) -> set[str]:
    """Stemmed words of the last search's query."""
    return {stem(w) for w in tokenize(last.get("query", ""), drop_stopwords=False)}


def _has_any(ent: dict[str, Any]) -> bool:
    return bool(
        ent.get("min_price") is not None or ent.get("max_price") is not None or ent.get("colors")
        or ent.get("sizes") or ent.get("options") or ent.get("sort", "relevance") != "relevance"
        or ent.get("brands") or ent.get("tags")
    )  # fmt: skip


def clean_query(text: str, ent: dict[str, Any]) -> str:
    """The product words of a request: prices, sizes, colours, fillers and emoji removed."""
    q = PRICE_PHRASE.sub(" ", spoken_thousands(text))
    q = SIZE_PHRASE.sub(" ", q)
    for colour in ent.get("colors", []):
        q = re.sub(rf"\b(?:in\s+)?{re.escape(colour)}\b", " ", q, flags=re.I)
    kinds = {w for c in ent.get("categories", []) for w in tokenize(c)}
    boxes = "|".join(w for w in lexicon()["container_words"] if stem(w) not in kinds)
    for words in ent.get("matched", []):  # option values and facets: filters, not query words
        # ... with what a quantity comes in ("a 500g bag", "the 5lb tub"), unless it is the
        # kind asked for
        box = rf"(?:\s+(?:{boxes}))?" if words[:1].isdigit() and boxes else ""
        q = re.sub(rf"(?<!\w)(?:in\s+)?{re.escape(words)}{box}(?!\w)", " ", q, flags=re.I)
    q = QUERY_FILLER.sub(" ", q)
    q = re.sub(r"[^\w\s'&/-]", " ", q)
    q = re.sub(r"\s+", " ", q).strip(" ,.-")
    if not tokenize(q) and _has_any(ent):
        return ""  # "how much is the 3 seater in sage velvet?": the filters are the whole ask
    return q if len(q) >= 3 else text.strip()


def last_search_args(last: dict[str, Any]) -> dict[str, Any]:
    """The previous search's query and filters, as ``search_products`` arguments."""
    args: dict[str, Any] = {"query": last["query"]}
    args.update({k: v for k, v in last.get("filters", {}).items() if k in SEARCH_ARGS})
    return args


def plan_search(
    q: dict[str, Any], last: dict[str, Any] | None, shown: list[dict[str, Any]]
) -> dict[str, Any]:
    """Arguments for ``search_products``, refining the previous search when this is a follow-up."""
    ent = q["entities"]
    if _is_refinement(q, last):
        assert last is not None
        args = last_search_args(last)
        if last.get("sort", "relevance") != "relevance":
            args["sort"] = last["sort"]
        matched = {stem(w) for m in ent.get("matched", []) for w in tokenize(m)}
        said = re.findall(r"[a-z]+", q["text"].lower())
        people = people_words()
        # "its for my son, he weighs 20 kilos": who it is for and what they do are no product
        # words (the word after a subject pronoun is its verb)
        extra = [
            w for n, w in enumerate(said)
            if w not in people and not (n and said[n - 1] in _SUBJECT_PRONOUNS)
            and w not in MODIFIER_DROP and w not in tokenize(" ".join(ent.get("colors", [])))
            and len(w) > 2 and tokenize(w) and stem(w) not in matched
            and stem(w) not in last_words_of(last) and w not in NARROW_STOP
        ]  # fmt: skip
        extra = [w for w in extra if w not in PRICE_WORDS]
        if extra and COLLECTIVE.search(q["text"]):
            # "only the digital ones", "which of those can go in the washing machine?": what
            # each product of the same list (the same query) must have
            args["require"] = [" ".join(extra[:3])]
        elif extra:
            args["query"] = f"{last['query']} {' '.join(extra)}"
        if ent.get("tags") and COLLECTIVE.search(q["text"]):
            # "which of those are vegan?": a tag each product on the list must carry (in a
            # plain refinement, "for running, high impact", tag words only rank)
            args["tags"] = list(dict.fromkeys([*args.get("tags", []), *ent["tags"]]))
        if CHEAPER_THAN_SHOWN.search(q["text"]) and shown and "max_price" not in _filters(ent):
            args["max_price"] = round(min(p["price_min"] for p in shown) - 0.01, 2)
            args["sort"] = "price_asc"  # cheaper than what was shown, cheapest first
        new = _filters(ent)
        if shown and ("max_price" in new or "min_price" in new) and COLLECTIVE.search(q["text"]):
            # "which of those are under $30": among the list on screen, none let back in by a
            # name its query happens to hold ("whats a good first fountain pen")
            args["product_ids"] = [p["product_id"] for p in shown]
        if "options" in new and args.get("options"):
            new["options"] = {**args["options"], **new["options"]}
        if "require" in new and args.get("require"):
            new["require"] = [*args["require"], *new["require"]]
        args.update(new)
        if shown and _PICKS_ONE.search(q["text"]) and not re.search(r"\bones\b", q["text"], re.I):
            # "the cheaper one pls, no more than 100": one of the list on screen
            args["product_ids"] = [p["product_id"] for p in shown]
            args["limit"] = 1
        return args
    return {"query": clean_query(q["text"], ent), **_filters(ent)}


def _matched_words(q: dict[str, Any]) -> set[str]:
    return {w for m in q["entities"].get("matched", []) for w in tokenize(m)}


def _attribute_call(
    q: dict[str, Any],
    attr: dict[str, str],
    refs: list[dict[str, Any]],
    shown: list[dict[str, Any]],
    focus: int | None,
    qi: int,
) -> dict[str, Any] | None:
    """``check_attributes`` for a yes/no question about one product (None: not that kind).

    A pronoun ("does it come in blue?") points at the product on screen; a question that only
    names variant options of it keeps ``get_product_variants`` (the variants answer).
    """
    ent = q["entities"]
    options_only = bool(ent.get("colors") or ent.get("sizes") or ent.get("options"))
    pointed = [r for r in ent.get("references", []) if r.get("kind") != "description"]
    if options_only and (pointed or (attr.get("pronoun") and not attr.get("subject"))):
        return None  # "does the first one come in small?": the variants answer
    if attr.get("pronoun") and not attr.get("subject"):
        target = refs[0]["product_id"] if refs else focus if focus is not None else (
            shown[0]["product_id"] if shown else None)  # fmt: skip
        if target is None:
            return None
        return _call("check_attributes", {"product_id": target, "attribute": attr["attribute"]},
                     qi)  # fmt: skip
    if refs and not attr.get("subject"):
        args = {"product_id": refs[0]["product_id"], "attribute": attr.get("attribute") or ""}
        return _call("check_attributes", args, qi)
    subject = attr.get("subject") or attr.get("phrase") or ""
    if not subject:
        return None
    return _call("check_attributes", {"product": subject, "attribute": attr.get("attribute", "")},
                 qi)  # fmt: skip


def _attribute_only(q: dict[str, Any]) -> bool:
    """A short follow-up that names only a colour, size or option ("in grey?", "navy?")."""
    ent = q["entities"]
    has_attr = bool(ent.get("colors") or ent.get("sizes") or ent.get("options"))
    return has_attr and len(q["text"].split()) <= 6 and not ent.get("categories")


def _same_ask(
    q: dict[str, Any], qi: int, calls: list[dict[str, Any]], shown: list[dict[str, Any]]
) -> dict[str, Any] | None:
    """The search of the question before in this message that ``q`` only adds values to."""
    ent = q["entities"]
    if not qi or shown or q["intent"] not in {"variant_question", "product_search"}:
        return None
    pointing = [r for r in ent.get("references", []) if r.get("kind") == "anaphora"]
    if (
        not pointing
        or ent.get("categories")
        or ent.get("brands")
        or not (ent.get("options") or ent.get("colors") or ent.get("sizes"))
    ):
        return None
    before = [c for c in calls if c["id"].startswith(f"call_{qi - 1}_")]
    return before[-1] if before and before[-1]["name"] == "search_products" else None


def plan(
    questions: list[dict[str, Any]],
    shown: list[dict[str, Any]],
    last_search: dict[str, Any] | None,
    focus: int | None = None,
    answered: bool = False,
    policies: bool = False,
) -> AIMessage | None:
    """Round 1: the tool calls for this turn's questions (None when no tool is needed).

    Advice and support questions look up the creator's answered clusters when there are any
    (``answered``). A variant question without a reference goes to the product the last
    answer was about (``focus``); with several products on screen and no focus, a bare
    "in grey?" refines the last search instead of guessing that the customer meant the first
    product.
    """
    calls: list[dict[str, Any]] = []
    for qi, q in enumerate(questions):
        intent, ent = q["intent"], q["entities"]
        refs = resolve(ent.get("references", []), shown)
        if before := _same_ask(q, qi, calls, shown):
            # "the jig reel in the 7.1 high speed but im a leftie, do u have that in left hand
            # wind?": the ask before, with this one's values too
            new = _filters(ent)
            if "options" in new and before["args"].get("options"):
                new["options"] = {**before["args"]["options"], **new["options"]}
            before["args"] = {**before["args"], **new}
            continue
        if q.get("continues") and qi:
            # "do you ship to canada? cost?": the policy answer to both; after a product
            # question the products listed carry their prices
            before = questions[qi - 1]
            if policies and before["intent"] in {"support", "general_question", "other"}:
                text = f"{before['text']} {q['text']}"
                calls.append(_call("search_store_policy", {"question": text}, qi))
            continue
        if intent in {"general_question", "support"} and (answered or policies):
            # The creator may have answered this for other fans already (fan-out memory), or
            # written it in the store policies; a problem a person must handle still looks,
            # so that the reply can say what the policy is.
            if answered:
                calls.append(_call("search_answered_clusters", {"question": q["text"]}, qi))
            if policies:
                text = q["text"]
                if (
                    qi
                    and POINTS_BACK.search(text)
                    and questions[qi - 1]["intent"] in {"general_question", "support", "other"}
                ):  # "how does the subscription work? can i pause it?"
                    text = f"{questions[qi - 1]['text']} {text}"
                calls.append(_call("search_store_policy", {"question": text}, qi))
            continue
        if policies and intent == "other":
            # "do you do samples", "what about australia": the policies may say
            calls.append(_call("search_store_policy", {"question": q["text"]}, qi))
            continue
        if policies and intent != "greeting":
            # "how long is the warranty on your sofas?": a product question the policies may
            # answer better than the catalog (the reply uses it only when it fits closely)
            calls.append(_call("search_store_policy", {"question": q["text"]}, qi))
        attr = q.get("attribute") or {}
        if intent == "variant_question" and attr and not attr.get("collective"):
            if call := _attribute_call(q, attr, refs, shown, focus, qi):
                calls.append(call)
                continue
        if intent == "product_search":
            if q.get("needs_clarification"):
                continue
            if q.get("recheck") and last_search:
                # a fact after a list ("allergic to feathers btw"): the same search again, its
                # products checked against the profile as it is now
                args = {**last_search_args(last_search), "limit": 6}  # (room for what fits)
                calls.append(_call("search_products", args, qi))
                continue
            args = plan_search(q, last_search, shown)
            if attr.get("collective") and attr.get("attribute"):
                # "do any of your sofas come in leather?": words no filter captured must show
                loose = [w for w in tokenize(attr["attribute"]) if w not in _matched_words(q)]
                if loose and not ent.get("options") and not ent.get("colors"):
                    args["require"] = loose[:2]
            calls.append(_call("search_products", args, qi))
        elif (
            intent in {"comparison", "price_inquiry", "variant_question"}
            and last_search
            and (
                (
                    ent.get("sort", "relevance") != "relevance"
                    and (not refs or COLLECTIVE.search(q["text"]))
                )
                or (intent == "comparison" and CHEAPER.search(q["text"]))
            )
        ):
            # "which of those is the cheapest?": the list, cheapest first
            args = plan_search(q, last_search, shown)
            args["sort"] = ent.get("sort") if ent.get("sort", "relevance") != "relevance" else (
                "price_asc")  # fmt: skip
            args.pop("max_price", None) if "max_price" not in _filters(ent) else None
            if _PICKS_ONE.search(q["text"]) and not re.search(r"\bones\b", q["text"], re.I):
                args["limit"] = 1  # "ok whichever one is cheaper": that one
                if shown:  # ... of the list on screen, not of the query's weaker matches
                    args["product_ids"] = [p["product_id"] for p in shown]
            calls.append(_call("search_products", args, qi))
        elif intent in {"variant_question", "price_inquiry"}:
            targets = refs
            described = [
                r["text"] for r in ent.get("references", []) if r.get("kind") == "description"
            ]
            # ("golden hour palette pls, the cooler toned one": the palette it names is the
            # product, the description picks its variant)
            said = {stem(w) for w in tokenize(described[0])} if described else set()
            kinds_outside = [
                t for t in [*ent.get("categories", []), *ent.get("tags", [])]
                if described and not said & {stem(w) for w in tokenize(t)}
            ]  # fmt: skip
            if not targets and described and not kinds_outside:
                # "is the honey one ok?", "and the face oil?": a product not on screen, named
                # by its own words (within the last search's kind when there was one)
                words = ONE.sub(" ", described[0]).strip()
                query = f"{words} {last_search['query']}" if last_search else words
                args = {"query": re.sub(r"\s+", " ", query).strip(), **_filters(ent)}
                calls.append(_call("search_products", args, qi))
                continue
            if not targets and shown and not ent.get("categories"):
                if focus is not None:
                    targets = [{"product_id": focus}]
                elif (
                    len(shown) > 1
                    and last_search
                    and (_attribute_only(q) or _is_refinement(q, last_search))
                ):
                    calls.append(_call("search_products", plan_search(q, last_search, shown), qi))
                    continue
                else:
                    targets = shown[:1]
            if targets:
                for p in targets[:2]:
                    vargs: dict[str, Any] = {"product_id": p["product_id"]}
                    for key in ("colors", "sizes", "options", "prefer", "prefer_option"):
                        if ent.get(key):
                            vargs[key] = ent[key]
                    vargs["described"] = q["text"]  # ("the one already on the wood")
                    calls.append(_call("get_product_variants", vargs, qi))
            else:
                calls.append(_call("search_products", plan_search(q, None, shown), qi))
        elif intent == "comparison":
            targets = (
                refs
                if len(refs) >= 2
                else shown[:2]
                if len(shown) >= 2 and not VERSUS.search(q["text"])
                else []
            )
            if len(targets) >= 2:
                ids = [p["product_id"] for p in targets[:4]]
                calls.append(_call("compare_products", {"product_ids": ids}, qi))
            else:
                body = COMPARED.sub("", q["text"])
                sides = [
                    s.strip(" ?")
                    for s in re.split(r"\s+and\s+|" + VERSUS.pattern, body)
                    if s.strip(" ?")
                ]
                # A description ("the whey isolate") that matched nothing on screen is searched
                # for; "the first and the second" with nothing on screen is not.
                pointed = any(
                    r.get("kind") in {"ordinal", "letter", "anaphora"}
                    for r in ent.get("references", [])
                )
                if len(sides) >= 2 and not refs and not pointed:
                    # each side in its own product words ("got $200 for a new monitor, curvy"
                    # -> "monitor curvy"; "the 32 inch one" -> "32 inch")
                    for side in sides[:3]:
                        words = SIDE_FILLER.sub(" ", clean_query(side, {}))
                        words = re.sub(r"\s+", " ", words).strip(" ,") or side
                        calls.append(_call("search_products", {"query": words, "limit": 1}, qi))
    if not calls:
        return None
    return AIMessage(content="", tool_calls=calls, name="planner")


def follow_up(questions: list[dict[str, Any]], messages: list[Any]) -> AIMessage | None:
    """Round 2: compare the products found for a comparison that had to search first."""
    tool_msgs = [m for m in messages if isinstance(m, ToolMessage)]
    if any(m.name == "compare_products" for m in tool_msgs):
        return None
    calls = []
    sorted_searches = {
        str(c["id"]).split("_")[1] for m in messages if isinstance(m, AIMessage)
        for c in m.tool_calls if c["name"] == "search_products" and c["args"].get("sort")
    }  # fmt: skip
    for qi, q in enumerate(questions):
        if q["intent"] != "comparison" or str(qi) in sorted_searches:
            continue  # ("which one's cheaper" was answered by a search, cheapest first)
        found: list[int] = []
        for m in tool_msgs:
            if m.tool_call_id.startswith(f"call_{qi}_") and m.name == "search_products":
                for p in (m.artifact or {}).get("products", [])[:2]:
                    if p["product_id"] not in found:
                        found.append(p["product_id"])
        if len(found) >= 2:
            calls.append(_call("compare_products", {"product_ids": found[:4]}, qi))
    return AIMessage(content="", tool_calls=calls, name="planner") if calls else None
