"""Search on the demo catalog through real SQLite, Chroma, ONNX embeddings and BM25."""

import pytest

from evals.search_eval import load_rows, run_search_eval
from memory.catalog import NotFoundError
from prompts.lexicon import color_family
from tools.search_schemas import SearchFilters


def test_quality_on_the_query_set(demo_services):
    """84 annotated queries (evals/datasets/search_queries.jsonl), dev and test halves."""
    result = run_search_eval(demo_services.search, "demo", load_rows())
    for split in ("dev", "test"):
        m = result["summary"][split]
        assert m["n"] >= 40
        assert m["hit@3"] >= 0.93, (split, m)
        assert m["ndcg@5"] >= 0.85, (split, m)
        assert m["mrr"] >= 0.85, (split, m)


def test_colour_synonyms_and_size_words_match_variants(demo_services):
    res = demo_services.search.search(
        "demo", "leggings", SearchFilters(colors=["navy"], sizes=["medium"]), limit=10
    )
    assert res.hits and not res.relaxed
    is_leggings = ["Leggings" in h.name for h in res.hits]
    assert is_leggings[0] and is_leggings == sorted(is_leggings, reverse=True)  # exact kind first
    for hit in res.hits:
        for v in hit.matching_variants:
            assert color_family(v.options["color"]) == "blue"  # navy -> blue family
            assert v.options["size"] == "M"  # medium -> M
            assert v.in_stock


def test_price_filter_is_applied_on_variants(demo_services):
    res = demo_services.search.search("demo", "whey protein", SearchFilters(max_price=60), limit=10)
    assert res.hits
    for hit in res.hits:
        assert hit.matching_variants
        assert all(v.price <= 60 for v in hit.matching_variants)
    # Whey isolate costs 54.99 (2 lb) and 120.98 (5 lb): only the 2 lb tubs match.
    iso = next(h for h in res.hits if h.name == "Whey Protein Isolate")
    assert {v.options["weight"] for v in iso.matching_variants} == {"2 lb"}
    assert iso.price_max > 60  # the product's range still shows the dearer size


def test_between_prices_and_cheapest_first(demo_services):
    res = demo_services.search.search(
        "demo", "hoodie", SearchFilters(min_price=50, max_price=70), limit=10, sort="price_asc"
    )
    prices = [min(v.price for v in h.matching_variants) for h in res.hits]
    assert prices == sorted(prices) and all(50 <= p <= 70 for p in prices)
    assert all("Hoodie" in h.name for h in res.hits)


def test_out_of_stock_hidden_by_default_and_available_on_request(demo_services):
    sold_out = "Scrunch Butt Leggings"  # every variant has stock 0 in the demo data
    default = demo_services.search.search("demo", "scrunch butt leggings", limit=10)
    assert sold_out not in [h.name for h in default.hits]
    everything = demo_services.search.search(
        "demo", "scrunch butt leggings", SearchFilters(in_stock_only=False), limit=10
    )
    found = next(h for h in everything.hits[:3] if h.name == sold_out)
    assert not any(v.in_stock for v in found.matching_variants)


def test_hierarchical_categories(demo_services):
    top = demo_services.search.search(
        "demo", "", SearchFilters(categories=["Supplements"]), limit=50
    )
    assert top.hits and all(h.category.startswith("Supplements") for h in top.hits)
    leaf = demo_services.search.search(
        "demo", "", SearchFilters(categories=["Apparel > Men > Shorts"]), limit=50
    )
    assert {h.category for h in leaf.hits} == {"Apparel > Men > Shorts"}
    word = demo_services.search.search("demo", "", SearchFilters(categories=["dresses"]), limit=50)
    assert word.hits and {h.category for h in word.hits} == {"Apparel > Women > Dresses"}


def test_tags_and_generic_options(demo_services):
    res = demo_services.search.search(
        "demo", "protein", SearchFilters(tags=["vegan"], options={"flavor": ["vanilla"]}), limit=10
    )
    assert res.hits
    for h in res.hits:
        assert "vegan" in h.tags
        assert all("vanilla" in v.options["flavor"].lower() for v in h.matching_variants)


def test_relaxation_reports_what_it_dropped(demo_services):
    # No hoodie is purple and under $20: colour goes first, then the price widens/drops.
    res = demo_services.search.search(
        "demo", "hoodie", SearchFilters(colors=["purple"], max_price=20), limit=5
    )
    assert res.hits and all("Hoodie" in h.name for h in res.hits)
    kinds = [r.constraint for r in res.relaxed]
    assert kinds[0] == "color" and "price" in kinds


def test_relaxation_stops_at_the_first_constraint_that_helps(demo_services):
    res = demo_services.search.search(
        "demo", "yoga mat", SearchFilters(colors=["orange"], max_price=40), limit=5
    )
    assert res.hits
    assert [r.constraint for r in res.relaxed] == ["color"]
    assert all(min(v.price for v in h.matching_variants) <= 40 for h in res.hits)


def test_nothing_relevant_returns_nothing(demo_services):
    for q in ("do you ship to canada", "snowboard bindings", "car insurance quote"):
        assert demo_services.search.search("demo", q).hits == [], q


def test_get_variants_more_like_this_cheaper_and_compare(demo_services, source_ids):
    pid = source_ids["demo-pocket-running-leggings"]
    _, variants = demo_services.search.get_variants("demo", pid, sizes=["small"])
    assert variants and {v.options["size"] for v in variants} == {"S"}

    similar = demo_services.search.more_like_this("demo", pid, limit=5)
    assert pid not in [h.product_id for h in similar]
    assert "Leggings" in similar[0].name  # the same product type comes first
    assert all(h.category.startswith("Apparel") for h in similar)

    mat = source_ids["demo-cork-yoga-mat"]
    cheaper = demo_services.search.cheaper_alternatives("demo", mat, limit=5)
    assert cheaper and all(h.price_min < 78.99 for h in cheaper)
    assert all(h.category == "Equipment > Mats" for h in cheaper)

    a, b = source_ids["demo-whey-protein-isolate"], source_ids["demo-vegan-pea-protein"]
    cmp = demo_services.search.compare("demo", [a, b])
    assert [p["product_id"] for p in cmp["products"]] == [a, b]
    assert cmp["cheapest_product_id"] == b
    assert "vegan" in cmp["products"][1]["distinct_tags"]
    assert "whey" in cmp["products"][0]["distinct_tags"]


def test_errors_for_unknown_products_and_bad_compare(demo_services):
    with pytest.raises(NotFoundError):
        demo_services.search.get_variants("demo", 10**9)
    with pytest.raises(ValueError):
        demo_services.search.compare("demo", [1, 1])
    with pytest.raises(NotFoundError):
        demo_services.search.search("no-such-creator", "x")


def test_ann_path_gives_the_same_quality(demo_services, monkeypatch):
    """Force the Chroma HNSW path (used above ``exact_max_products``) on the demo catalog."""
    monkeypatch.setattr(demo_services.search, "exact_max_products", 0)
    result = run_search_eval(demo_services.search, "demo", load_rows())
    assert result["summary"]["all"]["hit@3"] >= 0.93
    assert result["summary"]["all"]["ndcg@5"] >= 0.85
    res = demo_services.search.search("demo", "leggings", SearchFilters(colors=["navy"]))
    assert res.strategy in {"ann+postfilter", "prefilter+exact"} and res.hits


def test_the_product_a_query_names_leads_whatever_the_limit(demo_services):
    # with limit 1 the named product must not lose to a near neighbour ("Vegan Pea Protein");
    # its name's numbers ("12-Pack") do not count against it
    for limit in (1, 3):
        top = demo_services.search.search("demo", "vegan protein bars", limit=limit).hits[0]
        assert top.name == "Vegan Protein Bars 12-Pack", (limit, top.name)


def test_per_index_caches_are_reused(demo_services):
    """Values derived from an index are computed once per catalog version (a cache that never
    hits costs a pass over every variant per call: 100 ms at 10k products)."""
    from tools.catalog_index import size_spelling
    from tools.kinds import all_words

    idx = demo_services.search.index("demo")
    assert size_spelling(idx) is size_spelling(idx)
    assert all_words(idx) is all_words(idx)
