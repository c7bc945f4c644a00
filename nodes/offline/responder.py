"""Template replies from tool results, in the creator's voice and within the channel limit.

Grounding: every product name, price, option and stock level in a reply comes from a tool
artifact of this turn. Products with a high-severity conflict are not recommended; the reply
says why instead. Trimming drops the least important parts first (opener, links, extra
products, later questions) before cutting at a sentence boundary.
"""

from __future__ import annotations

import re
from typing import Any

from prompts import templates as T
from prompts.lexicon import stem, tokenize
from prompts.phrasing import (
    SERVICE_ASK,
    SUITS_PURPOSE,
    THANKS,
    TO_CUSTOMER,
    TO_RECIPIENT,
    TO_RECIPIENT_VERBS,
)
from tools.attributes import mentions
from tools.policies import PRODUCT_QUESTION_SCORE

# a policy sentence that says the shop does not do something ("No repairs or sensor cleaning")
_REFUSES = re.compile(
    r"^\W*no\b|\b(?:don'?t|do not|does not|doesn'?t|cannot|can'?t|won'?t|will not|unable to)\b",
    re.I,
)
SYMBOL = {"USD": "$", "EUR": "€", "GBP": "£", "CAD": "CA$", "AUD": "A$"}


def money(value: float, currency: str = "USD") -> str:
    """$12.50 style."""
    return f"{SYMBOL.get(currency, currency + ' ')}{value:,.2f}"


def _price_range(p: dict[str, Any]) -> str:
    lo, hi, cur = p["price_min"], p["price_max"], p.get("currency", "USD")
    return money(lo, cur) if abs(hi - lo) < 0.005 else f"{money(lo, cur)}–{money(hi, cur)}"


def _variant_label(v: dict[str, Any]) -> str:
    return " / ".join(str(x) for x in v.get("options", {}).values())


def _voice(voice: str) -> str:
    return voice if voice in T.VOICES else "casual"


def _product_line(p: dict[str, Any], filtered: bool, with_url: bool = True) -> str:
    variants = p.get("variants") or []
    # the search orders variants best first: in stock first, or what meets the most asked
    best = variants[0] if variants else None
    price = (
        money(best["price"], p.get("currency", "USD")) if (filtered and best) else _price_range(p)
    )
    note = f" ({_variant_label(best)})" if (filtered and best and best.get("options")) else ""
    stock = ""
    if best and best.get("stock") is not None and 0 < best["stock"] <= 3:
        stock = f", only {best['stock']} left"
    elif filtered and best and not best.get("in_stock", True):
        stock = T.SOLD_OUT_NOTE
    url = f" {p['url']}" if (with_url and p.get("url")) else ""
    for miss in p.get("unmet") or []:
        stock += T.UNMET_NOTE.format(
            asked="/".join(miss["asked"]), option=miss["option"],
            closest=miss.get("closest") or ", ".join(miss.get("available", [])[:3]) or "none",
        )  # fmt: skip
    return T.PRODUCT_LINE.format(
        name=p["name"], price=price, variant_note=note, stock_note=stock, url=url
    )


class Section:
    """A part of the reply; lower priority is dropped first when the reply is too long."""

    def __init__(
        self, priority: int, lines: list[str], products: list[dict[str, Any]] | None = None
    ):
        self.priority = priority
        self.lines = lines
        self.products = products or []


def render(
    questions: list[dict[str, Any]],
    results: dict[int, list[dict[str, Any]]],
    conflicts: list[dict[str, Any]],
    voice: str,
    creator: str,
    max_chars: int,
    kinds: list[str] | None = None,
) -> tuple[str, list[dict[str, Any]], bool]:
    """Build the reply; returns (reply, products recommended, escalated).

    ``kinds``: the shop's main categories, offered when a request is too vague to search.
    """
    v = _voice(voice)
    blocked = {
        c["product_id"]: c for c in conflicts if c.get("severity") == "high" and c.get("product_id")
    }
    sections: list[Section] = []
    recommended: list[dict[str, Any]] = []
    escalated = False
    noted: set[int] = set()
    policy_said = {
        qi for qi, q in enumerate(questions)
        if q["intent"] == "other" and any(
            a["tool"] == "search_store_policy" and a.get("passages") for a in results.get(qi, [])
        )
    }  # fmt: skip
    non_social = [
        q for qi, q in enumerate(questions)
        if q["intent"] not in {"greeting", "other"} or qi in policy_said
    ]  # fmt: skip
    if not non_social:
        text = questions[0]["text"].lower() if questions else ""
        if THANKS.search(text):
            return T.THANKS[v], [], False
        if questions and questions[0]["intent"] == "other":
            return T.OTHER[v].format(creator=creator), [], False
        if questions and questions[0].get("noted"):  # "heads up, i have a latex allergy"
            return f"{T.OPENERS[v]} {T.NOTED[v]}", [], False
        return f"{T.OPENERS[v]} {T.GREETING[v]}", [], False
    sections.append(Section(0, [T.OPENERS[v]]))
    policy_lines: set[str] = set()
    for qi, q in enumerate(questions):
        prio = 100 - qi
        intent = q["intent"]
        every = results.get(qi, [])
        arts = [
            a for a in every if a["tool"] not in {"search_answered_clusters", "search_store_policy"}
        ]  # fmt: skip
        if q.get("continues") and not every:
            continue  # "and whats the price": the products above carry their prices
        if qi in policy_said:  # "do you do samples": the creator's own words
            art = next(a for a in every if a["tool"] == "search_store_policy")
            sections.append(Section(prio, [_policy_text(art, q["text"])]))
            continue
        if intent in {"greeting", "other"}:
            continue
        answered = next((a for a in every if a.get("reply_text")), None)
        if answered is not None:  # the creator answered this for other fans already
            sections.append(Section(prio, [answered["reply_text"]]))
            continue
        policy = next(
            (a for a in every if a["tool"] == "search_store_policy" and a.get("passages")), None
        )
        fresh = (
            [p for p in policy["passages"][:2] if p["text"] not in policy_lines] if policy else []
        )
        if policy and not fresh:
            continue  # ("do you ship to canada? cost?": the same sentences answer both)
        said = [_policy_text({"passages": fresh}, q["text"])] if fresh else []
        policy_lines.update(p["text"] for p in fresh)
        if intent == "support":
            if said and not q.get("needs_person"):
                sections.append(Section(prio, said))  # the creator's own policy answers it
                continue
            escalated = True
            if q.get("needs_person"):
                handoff = T.SUPPORT[v].format(creator=creator)
                # two problems in one message get one hand-off line
                first = not any(handoff in sec.lines for sec in sections)
                lines = [*([handoff] if first else []), *said]
            else:  # a policy question the policies do not cover
                question = q["text"].strip().rstrip("?")[:120]
                lines = [T.GENERAL[v].format(question=question + "?", creator=creator)]
            sections.append(Section(prio + 50, lines))
            continue
        if intent == "general_question" and said and not arts:
            sections.append(Section(prio, said))
            continue
        top = policy["passages"][0] if policy else {}
        if said and top and SERVICE_ASK.match(q["text"]) and _REFUSES.search(top["text"]):
            # "could u guys paint my miniatures?": "No painting commissions: we do not paint
            # or assemble miniatures for customers." The shop's no, not its paints.
            sections.append(Section(prio, said))
            continue
        if (
            said
            and top
            and _offers(q["text"], top["text"])
            and not _REFUSES.search(f"{top.get('topic', '')}. {top['text']}")
        ):  # (not a line of "What we don't sell")
            # "do you do hat fittings?": "Free hat and body protector fitting in the shop, by
            # appointment." The shop's yes, and the products below it
            sections.append(Section(prio + 1, said))
        elif (
            top
            and top["score"] >= PRODUCT_QUESTION_SCORE
            and (top["similarity"] >= 0.6 or _names_topic(q["text"], top.get("topic", "")))
        ):  # fmt: skip  ("can you gift wrap?" names the creator's own "Gift wrapping" heading)
            sections.append(Section(prio + 1, said))  # and the products below it
        if intent == "general_question" and not arts:
            escalated = True
            question = q["text"].strip().rstrip("?")[:120]
            sections.append(
                Section(prio, [T.GENERAL[v].format(question=question + "?", creator=creator)])
            )
            continue
        if q.get("needs_clarification") and not arts:
            sections.append(Section(prio, [T.CLARIFY[v].format(kinds=_choices(kinds))]))
            continue
        if intent == "comparison" and not arts:
            sections.append(Section(prio, [T.COMPARE_WHICH[v]]))
            continue
        compare = next((a for a in arts if a["tool"] == "compare_products"), None)
        if compare:
            lines = []
            for p in compare["products"]:
                tags = [t for t in _distinct(compare, p["product_id"])][:3]
                tag_text = f" ({', '.join(tags)})" if tags else ""
                lines.append(
                    T.COMPARE_LINE.format(name=p["name"], price=_price_range(p), tags=tag_text)
                )
            cheapest = next(
                p
                for p in compare["products"]
                if p["product_id"] == compare["comparison"]["cheapest_product_id"]
            )
            lines.append(T.COMPARE_CHEAPEST.format(name=cheapest["name"]))
            ok = [p for p in compare["products"] if p["product_id"] not in blocked]
            recommended += ok
            sections.append(Section(prio, lines, ok))
            continue
        checks = [a for a in arts if a["tool"] == "check_attributes"]
        if checks:
            lines = []
            for a in checks:
                if not a["products"]:
                    lines.append(T.NO_RESULTS[v].format(query=a["asked"][:80]))
                    continue
                p = a["products"][0]
                lines.append(_verdict_line(p, a, creator))
                if p["product_id"] not in blocked:
                    recommended.append(p)
            sections.append(Section(prio, lines))
            continue
        variant_arts = [a for a in arts if a["tool"] == "get_product_variants"]
        if variant_arts:
            lines = []
            for a in variant_arts:
                p = a["products"][0]
                lines += _variant_answer(p, a["asked"], intent)
                if p["product_id"] not in blocked:
                    recommended.append(p)
            sections.append(Section(prio, lines))
            continue
        searches = [a for a in arts if a["tool"] == "search_products"]
        lines, shown = [], []
        for a in searches:
            products = [p for p in a["products"] if p["product_id"] not in blocked]
            hidden = [p for p in a["products"] if p["product_id"] in blocked]
            if a.get("not_sold"):  # the creator's own "we don't sell" list names it
                lines.append(T.NOT_SOLD[v].format(item=a["not_sold"].lower()))
                continue
            if not a["products"]:
                lines.append(T.NO_RESULTS[v].format(query=a["query"][:80]))
                continue
            for r in a.get("relaxed") or []:
                if r["constraint"] == "kind":  # "gps watch": no product is called that
                    lines.append(T.NOT_CARRIED[v].format(kind=r["detail"]))
            if rest := [r for r in a.get("relaxed") or [] if r["constraint"] != "kind"]:
                details = "; ".join(r["detail"] for r in rest)
                lines.append(T.RELAXED[v].format(details=details))
            filtered = bool(a.get("filters")) or a.get("sort") != "relevance"
            if intent == "price_inquiry" and a["products"]:
                # Asked about by name: answer, and let the conflict note warn (no routing around).
                p = a["products"][0]
                lines.append(
                    T.PRICE_LINE.format(
                        name=p["name"],
                        price=_price_range(p),
                        detail=f" {p['url']}" if p.get("url") else "",
                    )
                )
                shown.append(p)
                continue
            if products:
                if (q.get("attribute") or {}).get("collective") and not a.get("relaxed"):
                    lines.append(T.ANSWER_YES)  # "do any of your sofas come in leather?"
                lines.append(T.PRODUCTS_INTRO[v])
                lines += [_product_line(p, filtered) for p in products]
                shown += products
            for p in hidden if intent != "price_inquiry" else []:
                c = blocked[p["product_id"]]
                noted.add(p["product_id"])
                lines.append(_conflict_line(c))
        recommended += shown
        sections.append(Section(prio, lines, shown))
    for c in conflicts:
        pid = c.get("product_id")
        if pid is None or pid in noted or c.get("severity") not in {"high", "medium"}:
            continue
        if (
            pid in blocked
            or any(p["product_id"] == pid for p in recommended)
            or any(
                pid == p["product_id"]
                for arts in results.values()
                for a in arts
                for p in a.get("products", [])[:1]
                if a["tool"] != "search_products"
            )
            or _asked_price(questions, results, pid)
        ):
            noted.add(pid)
            sections.append(Section(150, [_conflict_line(c)]))
    reply = _fit(sections, max_chars)
    return reply, _dedupe(recommended), escalated


def _asked_price(
    questions: list[dict[str, Any]], results: dict[int, list[dict[str, Any]]], pid: int
) -> bool:
    return any(
        q["intent"] == "price_inquiry" and a["products"] and a["products"][0]["product_id"] == pid
        for qi, q in enumerate(questions)
        for a in results.get(qi, [])
    )


def _distinct(compare: dict[str, Any], pid: int) -> list[str]:
    for row in compare["comparison"]["products"]:
        if row["product_id"] == pid:
            return list(row.get("distinct_tags", []))
    return []


def _variant_answer(p: dict[str, Any], asked: dict[str, Any], intent: str) -> list[str]:
    wanted = [*asked.get("colors", []), *asked.get("sizes", [])]
    wanted += [x for vals in asked.get("options", {}).values() for x in vals]
    variants = p.get("variants", [])
    in_stock = [v for v in variants if v.get("in_stock")]
    if intent == "price_inquiry" and not wanted:
        opts = sorted({_variant_label(v) for v in variants})[:3]
        detail = f" ({', '.join(opts)})" if len(opts) > 1 else ""
        return [T.PRICE_LINE.format(name=p["name"], price=_price_range(p), detail=detail)]
    if not wanted:
        options: dict[str, list[str]] = {}
        for var in in_stock or variants:
            for k, val in var.get("options", {}).items():
                if val not in options.setdefault(k, []):
                    options[k].append(val)
        described = "; ".join(f"{k}: {', '.join(vals[:8])}" for k, vals in options.items())
        return [T.VARIANTS_LIST.format(name=p["name"], options=described or "one version")]
    asked_text = " ".join(wanted)
    if p.get("unmet"):
        # no variant has everything asked: say what is missing and offer the closest
        miss = p["unmet"]
        asked_missing = " ".join(x for m in miss for x in m["asked"])
        closest = ", ".join(str(m.get("closest") or "") for m in miss if m.get("closest"))
        available = "; ".join(f"{m['option']}: {', '.join(m.get('available', [])[:6])}"
                              for m in miss)  # fmt: skip
        return [T.VARIANTS_CLOSEST.format(name=p["name"], asked=asked_missing,
                                          closest=closest or "what we have",
                                          available=available)]  # fmt: skip
    if in_stock:
        prices = sorted({var["price"] for var in in_stock})
        price = f" at {money(prices[0], p.get('currency', 'USD'))}" if prices else ""
        labels = ", ".join(_variant_label(var) for var in in_stock[:4])
        return [
            T.VARIANTS_AVAILABLE.format(
                name=p["name"], asked=asked_text, prices=f"{price} ({labels})"
            )
        ]
    lines = [T.VARIANTS_UNAVAILABLE.format(name=p["name"], asked=asked_text)]
    return lines


def _verdict_line(p: dict[str, Any], art: dict[str, Any], creator: str) -> str:
    """One yes/no answer about a product's attribute, with what it rests on."""
    verdict = art.get("verdict") or {}
    attribute = verdict.get("attribute") or art.get("asked", "")
    evidence = verdict.get("evidence") or ""
    if verdict.get("answer") == "yes":
        if evidence.startswith("it contains"):  # "does it have nuts?": what, and where
            said = (verdict.get("values") or [""])[0]
            return T.ATTRIBUTE_YES.format(
                name=p["name"], evidence=f"{evidence[3:]}" + (f" (“{said}”)" if said else "")
            )
        if verdict.get("values"):
            evidence = f"{attribute} ({', '.join(verdict['values'][:4])})"
        elif evidence and evidence != attribute:
            evidence = f"“{evidence}”"
        return T.ATTRIBUTE_YES.format(name=p["name"], evidence=evidence or attribute)
    if verdict.get("answer") == "no":
        if evidence == "not listed":
            return T.ATTRIBUTE_NOT_LISTED.format(attribute=attribute, name=p["name"])
        if evidence.startswith("it comes in"):  # an option value it does not have
            return T.ATTRIBUTE_NO_OPTION.format(
                name=p["name"], attribute=attribute, values=", ".join(verdict.get("values") or [])
            )
        if " comes only with " in evidence:  # asked values each exist, never together
            return T.ATTRIBUTE_NO_TOGETHER.format(
                name=p["name"], asked=" with ".join(verdict.get("values") or []), evidence=evidence
            )
        if evidence and not evidence.startswith("it ") and not evidence.endswith("right now"):
            evidence = f"“{evidence}”"
        return T.ATTRIBUTE_NO.format(name=p["name"], evidence=evidence.rstrip("."))
    if SUITS_PURPOSE.match(attribute):  # "ok for a beginner", "ok to leave outside"
        yours = _rephrase(attribute, TO_CUSTOMER)  # "for my knees" -> "for your knees"
        return T.ATTRIBUTE_UNKNOWN_SUITS.format(name=p["name"], attribute=yours, creator=creator)
    if len(attribute.split()) > 3:
        return T.ATTRIBUTE_UNKNOWN_ASKED.format(name=p["name"], creator=creator)
    return T.ATTRIBUTE_UNKNOWN.format(name=p["name"], attribute=attribute, creator=creator)


def _choices(kinds: list[str] | None) -> str:
    """Up to four of the shop's categories as "a, b, c or d"."""
    names = [k.lower() for k in (kinds or [])[:4]]
    if not names:
        return "something in particular"
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"


def _names_topic(question: str, topic: str) -> bool:
    """Whether a question says every word of a policy heading ("gift wrap": "Gift wrapping").

    A heading's words in brackets are another name for it: "trade ins" names "Trade-ins (part
    exchange)", and so does "part exchange".
    """
    asked = {stem(w) for w in tokenize(question) if len(w) > 2}
    inner = re.findall(r"\(([^()]*)\)", topic)
    for name in [re.sub(r"\([^()]*\)", " ", topic), *inner]:
        heading = {stem(w) for w in tokenize(name) if len(w) > 2}
        if heading and all(
            any(
                h == a or (min(len(h), len(a)) >= 4 and (h.startswith(a) or a.startswith(h)))
                for a in asked
            )
            for h in heading
        ):  # ("wrap" says "wrapping")
            return True
    return False


def _offers(question: str, passage: str) -> bool:
    """Whether a policy passage speaks of every word of the service a question asks for.

    "do you do hat fittings?" and "Free hat and body protector fitting in the shop".
    """
    ask = SERVICE_ASK.match(question)
    if not ask:
        return False
    wanted = set(tokenize(re.split(r"[?.!,]", question[ask.end() :])[0]))
    return bool(wanted) and wanted <= set(tokenize(passage))


def _policy_text(art: dict[str, Any], question: str = "") -> str:
    """The policy sentences that answer a question, in the creator's words.

    A yes/no question about one thing ("can i pay with apple pay?", "do you ship to
    ireland?") gets "Yes —" or "No —" before them when they name it, or rule it out.
    """
    text = " ".join(_BULLET.sub("", p["text"]) for p in art["passages"][:2])
    m = _ASKED_THING.match(question.strip())
    thing = re.sub(r"^(?:to|with|by|in|on|into|for)\s+", "", m["thing"]) if m else ""
    said = mentions(text, thing) if tokenize(thing) else None
    lead = T.POLICY_YES if said == "yes" else T.POLICY_NO if said == "negated" else ""
    if re.match(r"(?:yes|no)\b", text, re.I):
        lead = ""  # "No repairs or sensor cleaning ...": the creator's words say it already
    return f"{lead}{text}"


# "can i pay with apple pay?", "do you ship to ireland", "do you take klarna?": the one thing asked
_ASKED_THING = re.compile(
    r"^\W*(?:can|could|do|does|will|would|is|are)\s+(?:i|we|you|u|it|they|there)\s+"
    r"(?:\w+\s+){0,2}?(?:with|to|by|via|using|in|on|into|for|take|accept|have|do|ship|deliver)\s+"
    r"(?P<thing>[^?.,!]{2,30}?)\s*(?:\?|$)",
    re.I,
)

_BULLET = re.compile(r"^\s*[-•*·]\s*")


def _conflict_line(c: dict[str, Any]) -> str:
    fact = T.CONFLICT_LABELS.get(c["fact"], c["fact"])
    if c["type"] == "allergy":
        fact = f"your {c['fact']} allergy"
    elif c["type"] == "safety":  # a pet the product says it harms
        fact = f"your {c['fact']}"
    if c.get("whose") == "recipient":  # "son's allergic to feathers": theirs, not the customer's
        fact = f"a {c['fact']} allergy" if c["type"] == "allergy" else _rephrase(fact, TO_RECIPIENT)
        fact = _rephrase(fact, TO_RECIPIENT_VERBS)  # "you avoid caffeine"
    evidence = ", ".join(
        e.replace("tag ", "").replace("diet=", "").replace("text ", "") for e in c["evidence"][:2]
    )
    template = T.CONFLICT_HIGH if c["severity"] == "high" else T.CONFLICT_MEDIUM
    return template.format(name=c.get("product_name") or "this", fact=fact, evidence=evidence)


def _rephrase(text: str, swaps: tuple[tuple[re.Pattern[str], str], ...]) -> str:
    """``text`` from another point of view: each (pattern, replacement) in turn."""
    for pattern, replacement in swaps:
        text = pattern.sub(replacement, text)
    return text


def _dedupe(products: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: dict[int, dict[str, Any]] = {}
    for p in products:
        seen.setdefault(p["product_id"], p)
    return list(seen.values())


def _join(sections: list[Section]) -> str:
    body = []
    for s in sections:
        if s.lines:
            body.append("\n".join(s.lines))
    return "\n".join(body).strip()


def _fit(sections: list[Section], limit: int) -> str:
    text = _join(sections)
    if len(text) <= limit:
        return text
    sections = [s for s in sections if s.priority > 0]  # 1. the opener
    text = _join(sections)
    if len(text) > limit:  # 2. links
        for s in sections:
            s.lines = [re.sub(r" https?://\S+", "", line) for line in s.lines]
        text = _join(sections)
    if len(text) > limit:  # 3. one product per list
        for s in sections:
            bullets = [i for i, line in enumerate(s.lines) if line.startswith("• ")]
            for i in reversed(bullets[1:]):
                del s.lines[i]
        text = _join(sections)
    while len(text) > limit and len(sections) > 1:  # 4. the least important section
        sections.remove(min(sections, key=lambda s: s.priority))
        text = _join(sections)
    if len(text) > limit:  # 5. cut at a sentence boundary
        cut = text[: limit - 1]
        stop = max(cut.rfind(". "), cut.rfind("\n"), cut.rfind("! "), cut.rfind("? "))
        text = (cut[: stop + 1] if stop > limit // 2 else cut.rstrip()) + "…"
    return text
