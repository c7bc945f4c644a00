"""The catalog tools the agent can call.

Runtime-only values (creator id, the search engine) come from ``ToolRuntime`` and are never
part of the schema a model sees.

Each tool returns ``(content, artifact)``: a short text for the model and a compact dict that
the reply generator renders from, so the reply can only name what a tool returned.
"""

from __future__ import annotations

import json
import re
from typing import Any, Literal

from langchain.tools import ToolRuntime
from langchain_core.messages import HumanMessage
from langchain_core.tools import tool

from prompts.lexicon import tokenize
from tools.attributes import judge
from tools.search_schemas import ProductHit, SearchFilters, VariantHit
from tools.units import normalize

MAX_VARIANTS = 4


def whole_message(state: dict[str, Any], query: str) -> str:
    """This turn's message when ``query`` is one ask cut from it; else "".

    A follow-up to products on screen, or a query built from an earlier turn (a refinement:
    "any under $100?"), gets none.
    """
    if state.get("shown_products"):
        return ""  # (a follow-up to a list on screen is read against that list)
    messages = state.get("messages") or []
    text = next((str(m.content) for m in reversed(messages) if isinstance(m, HumanMessage)), "")
    said, asked = set(tokenize(text)), tokenize(query)
    if asked and sum(w in said for w in asked) < 0.8 * len(asked):
        return ""
    return text


def compact_variant(v: VariantHit) -> dict[str, Any]:
    """The variant fields a reply may mention."""
    return {
        "variant_id": v.variant_id,
        "options": v.options,
        "price": v.price,
        "in_stock": v.in_stock,
        "stock": v.stock,
    }


def compact_product(hit: ProductHit, variants: list[VariantHit] | None = None) -> dict[str, Any]:
    """A product as kept in state and tool artifacts: small, and enough to answer and check."""
    vs = hit.matching_variants if variants is None else variants
    return {
        "product_id": hit.product_id,
        "name": hit.name,
        "category": hit.category,
        "price_min": hit.price_min,
        "price_max": hit.price_max,
        "currency": hit.currency,
        "url": hit.url,
        "tags": hit.tags,
        "attributes": hit.attributes,
        "brand": hit.brand,
        "short_description": hit.short_description,
        "unmet": hit.unmet,
        "variants": [compact_variant(v) for v in vs[:MAX_VARIANTS]],
        "variant_count": len(vs),
    }


def _summary(products: list[dict[str, Any]]) -> str:
    lines = [
        f"[{p['product_id']}] {p['name']} ${p['price_min']:.2f}"
        + (f"-{p['price_max']:.2f}" if p["price_max"] != p["price_min"] else "")
        for p in products
    ]
    return "\n".join(lines) or "no products"


@tool(response_format="content_and_artifact")
def search_products(
    query: str,
    min_price: float | None = None,
    max_price: float | None = None,
    colors: list[str] | None = None,
    sizes: list[str] | None = None,
    categories: list[str] | None = None,
    tags: list[str] | None = None,
    options: dict[str, list[str]] | None = None,
    brands: list[str] | None = None,
    sort: Literal["relevance", "price_asc", "price_desc"] = "relevance",
    limit: int = 3,
    product_ids: list[int] | None = None,
    require: list[str] | None = None,
    prefer: Literal["largest", "smallest"] | None = None,
    prefer_option: str = "",
    *,
    runtime: ToolRuntime[Any, Any],
) -> tuple[str, dict[str, Any]]:
    """Search the shop's catalog. Filters apply to variants (price, colour, size, options).

    The shop's own option names and values (call catalog_facets) work as filters.

    Args:
        query: what the customer is looking for, in their words.
        min_price: lowest acceptable variant price.
        max_price: highest acceptable variant price.
        colors: wanted colours, e.g. ["navy"] (synonyms are understood).
        sizes: wanted sizes, e.g. ["M"] or ["8"].
        categories: product categories, e.g. ["Dresses"].
        tags: required tags such as ["vegan"].
        options: any variant option or product facet by the shop's own name, e.g.
            {"ram": ["16GB"]} or {"plant type": ["Indoor"]}; "a|b" as a key means either.
        brands: only these brands.
        sort: relevance, or price_asc for "cheapest".
        limit: how many products to return (1-10).
        product_ids: only among these products (narrowing what was shown).
        require: words each product must mention, e.g. ["polarized"] for "the polarized ones".
        prefer: "largest" for "the big tub" / "the bigger one", "smallest" for "the smaller".
        prefer_option: the option "bigger" is about, e.g. "ssd" in "the bigger ssd".
    """
    ctx = runtime.context
    filters = SearchFilters(
        min_price=min_price,
        max_price=max_price,
        colors=colors or [],
        sizes=sizes or [],
        categories=categories or [],
        tags=tags or [],
        options=options or {},
        brands=brands or [],
        product_ids=product_ids,
        require=require or [],
        budget=(runtime.state.get("profile") or {}).get("budget"),
        prefer=prefer,
        prefer_option=prefer_option[:60],
    )
    context = "" if product_ids or require else whole_message(runtime.state, query)
    query = _with_facts(query, runtime.state)
    if context and not tokenize(query):
        # "what do I need to buy for that?": the rest of the message says what
        query, context = context, ""
    res = ctx.search.search(
        runtime.state["creator_id"], query, filters, limit=max(1, min(limit, 10)), sort=sort,
        context=context,
    )  # fmt: skip
    products = [compact_product(h) for h in res.hits]
    relaxed = [r.model_dump() for r in res.relaxed]
    artifact = {
        "tool": "search_products",
        "query": query,
        "filters": filters.model_dump(exclude_defaults=True),
        "sort": sort,
        "products": products,
        "relaxed": relaxed,
    }
    if res.strategy.startswith("not_sold:"):  # the creator's policy lists it as not sold
        artifact["not_sold"] = res.strategy.split(":", 1)[1]
        return f"the shop does not sell {artifact['not_sold']} (store policy)", artifact
    note = f" (relaxed: {'; '.join(r['detail'] for r in relaxed)})" if relaxed else ""
    return _summary(products) + note, artifact


@tool(response_format="content_and_artifact")
def get_product_variants(
    product_id: int,
    colors: list[str] | None = None,
    sizes: list[str] | None = None,
    options: dict[str, list[str]] | None = None,
    prefer: Literal["largest", "smallest"] | None = None,
    prefer_option: str = "",
    described: str = "",
    *,
    runtime: ToolRuntime[Any, Any],
) -> tuple[str, dict[str, Any]]:
    """Variants of one product (stock, price, options), optionally only those matching.

    Args:
        product_id: the product's id as returned by search_products.
        colors: only variants in these colours.
        sizes: only variants in these sizes.
        options: other options by the shop's own names, e.g. {"ram": ["16GB"]}.
        prefer: "largest" or "smallest" variant first ("the big tub").
        prefer_option: the option "bigger" is about, e.g. "battery".
        described: the customer's own words for the variant they want, e.g. "the one
            already on the wood": the variant they describe comes first.
    """
    ctx = runtime.context
    hit, matching = ctx.search.get_variants(
        runtime.state["creator_id"], product_id, colors or [], sizes or [], options or {},
        prefer=prefer, prefer_option=prefer_option[:60], described=described[:300],
    )  # fmt: skip
    product = compact_product(hit, matching)
    product["variants"] = [compact_variant(v) for v in matching[:12]]
    asked = {"colors": colors or [], "sizes": sizes or [], "options": options or {}}
    artifact = {"tool": "get_product_variants", "asked": asked, "products": [product]}
    stock = sum(v.in_stock for v in matching)
    return f"{hit.name}: {len(matching)} matching variants, {stock} in stock", artifact


@tool(response_format="content_and_artifact")
def compare_products(
    product_ids: list[int], *, runtime: ToolRuntime[Any, Any]
) -> tuple[str, dict[str, Any]]:
    """Compare 2-4 products side by side (prices, options, tags, stock).

    Args:
        product_ids: ids returned by search_products.
    """
    ctx = runtime.context
    creator = runtime.state["creator_id"]
    table = ctx.search.compare(creator, product_ids[:4])
    products = []
    for row in table["products"]:
        hit, variants = ctx.search.get_variants(creator, row["product_id"])
        products.append(compact_product(hit, [v for v in variants if v.in_stock] or variants))
    artifact = {"tool": "compare_products", "comparison": table, "products": products}
    return json.dumps({"cheapest": table["cheapest_product_id"]}), artifact


@tool(response_format="content_and_artifact")
def search_answered_clusters(
    question: str, *, runtime: ToolRuntime[Any, Any]
) -> tuple[str, dict[str, Any]]:
    """Find a question the creator already answered for other fans (shipping, returns, advice).

    Args:
        question: the customer's question, in their words.
    """
    ctx = runtime.context
    clusters = ctx.clusters
    hits = clusters.search_answered(runtime.state["creator_id"], question)[:3] if clusters else []
    artifact = {"tool": "search_answered_clusters", "question": question, "answers": hits,
                "products": []}  # fmt: skip
    text = "\n".join(f"[{h['cluster_id']}] ({h['similarity']:.2f}) {h['answer']}" for h in hits)
    return text or "no answered question matches", artifact


@tool(response_format="content_and_artifact")
def search_store_policy(
    question: str, *, runtime: ToolRuntime[Any, Any]
) -> tuple[str, dict[str, Any]]:
    """Find what the creator's store policies say (shipping, returns, warranty, subscriptions).

    Args:
        question: the customer's question, in their words.
    """
    whole = whole_message(runtime.state, question)
    questions: list[dict[str, Any]] = runtime.state.get("questions") or []
    ask = next((q for q in questions if q.get("text") == question), {})
    if (
        whole
        and len(tokenize(question)) <= POLICY_SHORT_ASK
        and (
            ask.get("intent") != "product_search"  # ("something like a breville": a product)
        )
    ):
        # "is there any discount?" after "came off at a hunter trial ... my helmet": what the
        # message told says which policy ("crash replacement: 25% off")
        question = whole
    hits = runtime.context.search.policies.search(runtime.state["creator_id"], question)
    # The best passage, and the next ones when they score nearly as well (a fee and the
    # countries it applies to are often two sentences).
    best = [h for h in hits if h["score"] >= hits[0]["score"] - POLICY_MARGIN] if hits else []
    artifact = {"tool": "search_store_policy", "question": question, "passages": best[:2],
                "products": []}  # fmt: skip
    text = "\n".join(f"({h['score']:.2f}) {h['topic']}: {h['text']}" for h in best[:2])
    return text or "the store policies say nothing about this", artifact


POLICY_MARGIN = 0.2
POLICY_SHORT_ASK = 1  # content words: an ask this bare ("any discount?") is read with its message


@tool(response_format="content_and_artifact")
def check_attributes(
    attribute: str = "",
    product: str = "",
    product_id: int | None = None,
    *,
    runtime: ToolRuntime[Any, Any],
) -> tuple[str, dict[str, Any]]:
    """Answer a yes/no question about one product ("is it waterproof?", "does it take E27?").

    Args:
        attribute: what is asked about, e.g. "washable", "E27 bulbs", "gluten free".
        product: the product as the customer names it (used when product_id is not known);
            for "is the jute rug washable?" pass "jute rug washable" and no attribute.
        product_id: the product's id when it is known (shown before).
    """
    ctx = runtime.context
    creator = runtime.state["creator_id"]
    vocab = ctx.search.vocabulary(creator)
    attr = attribute
    if product_id is None:
        product_id, attr = _named_subject(ctx.search, creator, product, attribute)
    if product_id is None:
        artifact: dict[str, Any] = {
            "tool": "check_attributes", "asked": attribute or product, "products": [],
            "verdict": None,
        }  # fmt: skip
        return "no such product", artifact
    row, variants = ctx.search.product_rows(creator, product_id)
    if product and attribute:
        row = _about_variant(row, variants, vocab.ground(product))
    attr = _as_facts(attr, runtime.state)
    verdict = judge(row, variants, attr, vocab, "is" if not attribute else "has",
                    embed=ctx.search.catalog.embedder.encode)  # fmt: skip
    # the variant offered is the one nearest what was asked ("in blue, size M?": an M)
    # (of the whole question when it names the product inside it: "do the light up wheels on
    # the scooter work without batteries?" asks about the Light-Up one)
    said = attr if attribute or not product else product
    asked = [m for m in vocab.ground(said) if m.kind in {"option", "facet", "color"}]
    options: dict[str, list[str]] = {}
    for m in asked:
        if m.kind != "color":
            options.setdefault(m.option, []).append(m.value)
    colors = [m.value for m in asked if m.kind == "color"]
    hit, matching = ctx.search.get_variants(creator, product_id, colors=colors, options=options)
    if verdict.answer == "yes" and verdict.values:
        fitting = [v for v in matching if any(x in v.options.values() for x in verdict.values)]
        matching = fitting or matching
    artifact = {"tool": "check_attributes", "asked": attr, "verdict": verdict.as_dict(),
                "products": [compact_product(hit, matching)]}  # fmt: skip
    return f"{hit.name}: {verdict.answer} ({verdict.evidence})", artifact


# "is it safe for me?", "ok for her?": the person, whose facts were told
_FOR_PERSON = re.compile(
    r"^\W*(?:(?:safe|ok|okay|alright|fine|good|suitable)\s+)?for\s+"
    r"(?:me|us|her|him|them|my\s+\w+)\W*$",
    re.I,
)


_SAFE_FOR = re.compile(
    r"\b(?:safe|ok|okay|alright|fine|suitable)\s+for\s+(?:me|us|her|him|them|my\s+\w+)\b", re.I
)


def _with_facts(query: str, state: Any) -> str:
    """A search for what is "safe for me", with the facts told of that person as its words.

    "I was diagnosed with coeliac disease ... anything I could brew that's safe for me?":
    the gluten-free kits, not whatever brewing gear is nearest to "brew myself".
    """
    if not _SAFE_FOR.search(query or ""):
        return query
    facts = state.get("recipient") or state.get("profile") or {}
    words = [f"{a} free" for a in facts.get("allergies") or []]
    words += [str(d).replace("_", " ") for d in facts.get("diet") or []]
    return f"{query} {' '.join(words)}" if words else query


def _as_facts(attr: str, state: Any) -> str:
    """A question whether a product suits the person, as the fact that was told of them.

    "I have a nickel allergy, is it safe for me?" asks whether it is nickel free; "my sister
    is vegan, ok for her?" whether it is vegan. A person of whom nothing was told: as asked.
    """
    if not _FOR_PERSON.match(attr or ""):
        return attr
    facts = state.get("recipient") or state.get("profile") or {}
    allergies = [str(a) for a in facts.get("allergies") or []]
    diets = [str(d) for d in facts.get("diet") or []]
    if allergies:
        return f"{allergies[0]} free"
    if diets:
        return diets[0]
    return attr


def _about_variant(
    row: dict[str, Any], variants: list[dict[str, Any]], named: Any
) -> dict[str, Any]:
    """The listing as it reads of the variant the question names.

    "does the round bottom wok work on induction": "Flat base works on ... induction" is about
    the other variant; the sentences that name another value of the same option, and not the
    one asked, are left out.
    """
    values: dict[str, set[str]] = {}
    for v in variants:
        for k, x in (v.get("options") or {}).items():
            values.setdefault(k.lower(), set()).add(str(x))
    asked = {(k, x) for m in named if m.kind == "option"
             for k, xs in values.items() if m.value in xs and k in m.option.split("|")
             for x in [m.value]}  # fmt: skip
    if not asked:
        return row
    mine = {x.lower() for _, x in asked}
    other = {x.lower() for k, _ in asked for x in values[k]} - mine
    sentences = re.split(r"(?<=[.!?;])\s+", str(row.get("description") or ""))

    def names(sentence: str, xs: set[str]) -> bool:
        return any(re.search(rf"\b{re.escape(x)}\b", sentence, re.I) for x in xs)

    kept = [x for x in sentences if names(x, mine) or not names(x, other)]
    return {**row, "description": " ".join(kept)}


_SUBJECT_STOP = frozenset("the a an your ur this that these those my any one".split())


def _named_subject(
    search: Any, creator: str, product: str, attribute: str
) -> tuple[int | None, str]:
    """The product a question names, and the attribute left over.

    With no attribute ("is the jute rug washable"), the longest run of the phrase's words that
    names a product is the subject and the rest is the attribute.
    """
    words = [w for w in normalize(product).split() if w not in _SUBJECT_STOP]
    if not words:
        return None, attribute  # nothing names a product: no answer about "the first result"
    if attribute:
        # every word in one name, else the search's best match ("hazelnut coffee syrup" is the
        # coffee syrup in its hazelnut flavour, not the hazelnut praline bar)
        found = search.find_named(creator, words)
        if found:
            return found[0], attribute
        # ... with the option values the words name ("the round bottom wok": the wok whose
        # base is Round, not the spatula "for round-bottom woks")
        named_values: dict[str, list[str]] = {}
        for m in search.vocabulary(creator).ground(" ".join(words)):
            if m.kind == "option" and m.exact:
                named_values.setdefault(m.option, []).append(m.value)
        hits = (
            search.search(
                creator,
                " ".join(words) or product,
                limit=1,
                filters=SearchFilters(options=named_values),
                relax=False,
            ).hits
            if named_values
            else []
        )
        hits = hits or search.search(creator, " ".join(words) or product, limit=1).hits
        return (hits[0].product_id if hits else None), attribute
    # words of an option value name a variant ("do the light up wheels on the scooter work
    # without batteries": "light" is no Night Light): of two runs as long, the one whose
    # product has the option values the question names
    joined, starts = "", []
    for w in words:
        starts.append(len(joined))
        joined += w + " "
    valued = {
        n for m in search.vocabulary(creator).ground(joined)
        if m.kind in {"option", "facet"}
        for n, at in enumerate(starts) if m.start <= at < m.end
    }  # fmt: skip
    for size in range(len(words) - 1, 0, -1):
        # the longest run of words that names a product, wherever it is ("wear the herringbone
        # chain in the shower", "covers come off the marlow sofa"); the rest is asked
        runs = [
            (-_holds(search, creator, found[0], [words[n] for n in valued]), i, found[0])
            for i in range(len(words) - size + 1)
            if len(words[i]) > 2 and (found := search.find_named(creator, words[i : i + size]))
        ]  # fmt: skip
        if runs:
            _, i, pid = min(runs)
            return pid, " ".join(words[:i] + words[i + size :])
    return None, product


def _holds(search: Any, creator: str, product_id: int, words: list[str]) -> int:
    """How many of ``words`` are words of the product's option values."""
    if not words:
        return 0
    _, variants = search.product_rows(creator, product_id)
    own = {t for v in variants for x in (v.get("options") or {}).values()
           for t in normalize(str(x)).split()}  # fmt: skip
    return sum(w in own for w in words)


@tool(response_format="content_and_artifact")
def catalog_facets(*, runtime: ToolRuntime[Any, Any]) -> tuple[str, dict[str, Any]]:
    """The shop's own option names and values, facets, categories and brands (for filters)."""
    summary = runtime.context.search.vocabulary(runtime.state["creator_id"]).summary()
    artifact = {"tool": "catalog_facets", "facets": summary, "products": []}
    return json.dumps(summary), artifact


CATALOG_TOOLS = [
    search_products, get_product_variants, compare_products, search_answered_clusters,
    search_store_policy, check_attributes, catalog_facets,
]  # fmt: skip
