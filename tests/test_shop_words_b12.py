"""Mechanisms learned from batch 12's shops, driven through the HTTP API on their catalogs.

Hone & Hearth (knives and cookware, dmpilot JSON, GBP) and Nib & Quill (fountain pens,
Shopify JSON, USD): real SQLite, Chroma, MiniLM and the compiled graph. Each test states the
general rule it checks; the rows of the evaluation are not copied here.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.test_any_shop import open_shops, say, variant_options


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    yield from open_shops(tmp_path_factory, "honehearth", "nibquill")


def _conflicts(out: dict[str, Any]) -> dict[str, str]:
    return {c["product_name"]: c["type"] for c in out.get("conflicts", [])}


def _names(out: dict[str, Any]) -> list[str]:
    return [p["name"] for p in out["products"]]


def test_a_request_said_in_the_same_breath_as_a_fact_is_still_asked(client: TestClient) -> None:
    # the fact is context, the request is searched: no "thanks for letting me know" and a pen
    # case with no leather comes up
    out = say(client, "nibquill", "w1", "vegan here 🌱 i need something to carry like 4 or 5 "
              "pens around in my work bag. no leather or animal stuff pls")  # fmt: skip
    assert out["products"], out["reply"]
    assert "Roll" in out["products"][0]["name"] or "Case" in out["products"][0]["name"]
    assert "leather" not in out["products"][0]["name"].lower()
    # ... and the product asked for is checked against the fact said before it
    out = say(client, "nibquill", "w2", "I'm vegan and I'd like the Mossgrove A5 cover in "
              "saddle for my Tidemark notebook.")  # fmt: skip
    assert _conflicts(out).get("Mossgrove Full-Grain Leather Notebook Cover") == "material"
    assert "by that name" not in out["reply"]


def test_a_question_that_reads_as_shopping_is_searched_not_escalated(client: TestClient) -> None:
    out = say(
        client,
        "nibquill",
        "s1",
        "i left ink in my pen for like a year and now its totally"
        " dried up inside, rinsing with water does nothing. what do i need to get it clean?",
    )
    assert not out["escalated"] and out["products"], out["reply"]
    # a real order problem still goes to a person
    out = say(client, "nibquill", "s2", "my order arrived with the pen cracked and I want a refund")
    assert out["escalated"]


def test_a_listing_warning_meets_what_the_customer_has_or_cannot_do(client: TestClient) -> None:
    # "Not for piston fillers" against "just got a piston filler"
    out = say(client, "nibquill", "c1", "just got a piston filler (the meridian!!) and i want to "
              "fill it with the aurora teal shimmer ink ✨ good combo?")  # fmt: skip
    assert "Ardent Shimmer Ink" in _conflicts(out), out["conflicts"]
    # "Heavy: not the pan for anyone who finds lifting difficult" against a weak wrist
    out = say(
        client,
        "honehearth",
        "c2",
        "had wrist surgery in the summer and honestly can barely"
        " lift a full kettle still. been thinking about getting the 30cm cast iron skillet",
    )
    assert _conflicts(out).get("Pre-Seasoned Cast Iron Skillet") == "injury"
    # where the customer rides or cooks is no limit of theirs: no conflict from "mostly"
    out = say(client, "honehearth", "c3", "thinking about the 30cm cast iron skillet, i mostly "
              "cook on gas")  # fmt: skip
    assert "Pre-Seasoned Cast Iron Skillet" not in _conflicts(out)


def test_a_child_under_the_age_a_listing_rules_out(client: TestClient) -> None:
    out = say(client, "nibquill", "a1", "buying a fountain pen for my nephew, he just turned 5. "
              "the junior one looks cute, would that work?")  # fmt: skip
    assert _conflicts(out).get("Kestrel Junior Fountain Pen") == "safety", out["conflicts"]


def test_an_amount_of_money_the_shop_sells_is_a_value(client: TestClient) -> None:
    out = say(client, "nibquill", "g1", "can i buy a $50 gift card for my coworker")
    top = out["products"][0]
    assert top["name"] == "Nib & Quill Gift Card"
    assert variant_options(client, "nibquill", top)["amount"] == "$50"
    # ... never a price limit said with it
    out = say(client, "honehearth", "g2", "any knife under £50?")
    assert out["products"] and "Gift Voucher" not in out["products"][0]["name"]


def test_initials_name_the_shops_short_values(client: TestClient) -> None:
    out = say(client, "nibquill", "i1", "do u have the scout pen in green w an extra fine nib?")
    top = out["products"][0]
    assert top["name"] == "Kestrel Scout Fountain Pen"
    assert variant_options(client, "nibquill", top) == {"nib": "EF", "finish": "Moss Green"}


def test_a_named_product_is_no_facet_of_its_accessory(client: TestClient) -> None:
    out = say(client, "nibquill", "n1", "do u sell the kestrel scout?")
    assert out["products"][0]["name"] == "Kestrel Scout Fountain Pen"
    # a colour word inside the shop's own finish names ("Ember Red") is that colour
    out = say(client, "nibquill", "n1", "any in red")
    top = out["products"][0]
    assert variant_options(client, "nibquill", top)["finish"] == "Ember Red"


def test_whom_a_shop_will_not_sell_to_is_no_unsold_kind(client: TestClient) -> None:
    # "We do not sell knives ... to anyone under 18" and "Second-hand ... knives and cookware"
    out = say(client, "honehearth", "k1", "show me your santoku knives")
    assert any("Santoku" in n for n in _names(out)), out["reply"]
    out = say(client, "honehearth", "k2", "do you have cookware for induction?")
    assert out["products"], out["reply"]


def test_a_price_narrowing_keeps_to_the_list_on_screen(client: TestClient) -> None:
    say(client, "nibquill", "p1", "whats a good first fountain pen?")
    out = say(client, "nibquill", "p1", "which of those are under $30")
    assert out["products"] and all(p["price"] <= 30 for p in out["products"])


def test_a_no_says_what_kind_it_is_instead(client: TestClient) -> None:
    out = say(client, "honehearth", "b1", "does the kaito santoku have a single bevel? im a leftie")
    assert out["reply"].split("\n")[1].startswith("No") and "double" in out["reply"]


def test_a_shaded_colour_meets_the_body_colour_of_a_two_tone_finish(client: TestClient) -> None:
    # "dark red" is red; "Oxblood & Gold" is an oxblood pen with gold trim, not a gold one
    out = say(
        client, "nibquill", "d1", "Is the Regent available in the dark red with a medium nib?"
    )
    top = out["products"][0]
    assert top["name"] == "Harlow Regent 14k Fountain Pen"
    assert variant_options(client, "nibquill", top) == {"nib": "M", "finish": "Oxblood & Gold"}


def test_the_cheaper_one_is_one_of_the_list_on_screen(client: TestClient) -> None:
    shown = say(client, "nibquill", "o1", "show me ur gold nib pens")["products"]
    out = say(client, "nibquill", "o1", "the cheaper one pls")
    assert len(out["products"]) == 1
    assert out["products"][0]["product_id"] in {p["product_id"] for p in shown}
    assert out["products"][0]["price"] == min(p["price"] for p in shown)


def test_a_yes_no_about_a_variant_reads_that_variants_sentences(client: TestClient) -> None:
    # "Flat base works on ... induction hobs. Round base ... will not work on induction"
    out = say(client, "honehearth", "v1", "does the round bottom wok work on induction")
    assert out["reply"].split("\n")[1].startswith("No — Carbon Steel Wok"), out["reply"]
    # "Great with pencils, ballpoints and gel pens" is no yes to fountain pens
    out = say(client, "nibquill", "v2", "is the campus spiral notebook ok with fountain pens?")
    assert out["reply"].split("\n")[1].startswith("No"), out["reply"]


def test_another_form_of_a_values_word_names_it(client: TestClient) -> None:
    out = say(client, "honehearth", "f1", "is there a lefty version of the deba knife")
    assert out["products"][0]["name"] == "Mizuto Deba"
    assert "Left-handed" in out["reply"], out["reply"]


def test_a_time_clause_finishes_its_question(client: TestClient) -> None:
    out = say(client, "honehearth", "t1", "do u deliver to the scottish highlands and also is the"
              " walnut board already oiled when it arrives")  # fmt: skip
    assert [q["text"] for q in out["questions"]][1].endswith("when it arrives")
    assert len(out["questions"]) == 2


def test_a_question_about_a_rule_is_answered_from_the_policy(client: TestClient) -> None:
    # both support models must read a problem before a person is called
    out = say(client, "honehearth", "r1", "will the delivery guy want to see ID when my knife "
              "comes? I'm 19 but look about 14 lol")  # fmt: skip
    assert not out["escalated"] and "photo ID" in out["reply"], out["reply"]


def test_what_the_customer_owns_is_the_setting_not_the_kind_asked(client: TestClient) -> None:
    out = say(client, "honehearth", "m1", "need smth to keep my knives on the wall, tiny kitchen")
    assert out["products"][0]["name"] == "Magnetic Knife Strip", _names(out)


def test_a_request_naming_the_shops_values_is_a_search(client: TestClient) -> None:
    out = say(client, "nibquill", "q1", "need refills for my six ring planner, the personal size,"
              " with the week-on-two-pages layout")  # fmt: skip
    assert not out["escalated"], out["reply"]
    top = out["products"][0]
    assert top["name"] == "Six-Ring Planner Refills"
    assert variant_options(client, "nibquill", top) == {"size": "Personal", "layout": "Weekly"}
