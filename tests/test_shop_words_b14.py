"""Mechanisms learned from batch 14's shops, driven through the HTTP API on their catalogs.

Hoof & Halter (saddlery, Shopify Admin JSON, EUR) and Wort Works (home brewing, dmpilot JSON,
NZD): real SQLite, Chroma, MiniLM and the compiled graph. Each test states the general rule
it checks; the rows of the evaluation are not copied here.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.test_any_shop import open_shops, say, variant_options


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    yield from open_shops(tmp_path_factory, "hoofhalter", "wortworks")


def _names(out: dict[str, Any]) -> list[str]:
    return [p["name"] for p in out["products"]]


def _conflicts(out: dict[str, Any]) -> list[tuple[str, str]]:
    return [(c["product_name"], c["type"]) for c in out.get("conflicts") or []]


def test_a_kind_word_of_the_situation_loses_to_both_rankings(client: TestClient) -> None:
    # "keg" names a category, but the whole ask is about the gas pressure: the vector and the
    # keyword ranking both put the regulator first, so the kegs-only guess is dropped
    out = say(client, "wortworks", "k1", "i've got a keg already. what do i need to read and "
              "set the gas pressure?")  # fmt: skip
    assert _names(out)[0] == "CO2 Regulator", out["reply"]


def test_a_measure_binds_across_units_and_names_the_sized_kind(client: TestClient) -> None:
    # "7 foot" is the rug size 7'0" (84 inches)
    out = say(client, "hoofhalter", "m1", "do you have the kildare storm 200 in 7 foot?")
    hit = next(p for p in out["products"] if p["name"] == "Kildare Storm 200 Turnout Rug")
    assert variant_options(client, "hoofhalter", hit).get("rug size") == "7'0\"", out["reply"]
    # a size with a unit is asked of what is sized so: "winter" in a glove's name does not
    # put the gloves first when he "wears a 6'9"
    out = say(client, "hoofhalter", "m2", "something warm for the freezing winter nights "
              "please, he wears a 6'9")  # fmt: skip
    assert "Rug" in _names(out)[0], out["reply"]
    assert variant_options(client, "hoofhalter", out["products"][0]).get("rug size") == "6'9\""


def test_a_value_said_in_a_denial_is_not_chosen(client: TestClient) -> None:
    # "with ears, no nose piece": Ears Only, not Ears & Nose
    out = say(client, "hoofhalter", "d1", "fly mask for a cob with ears, no nose piece please")
    assert _names(out)[0] == "Fly Mask with Ears"
    opts = variant_options(client, "hoofhalter", out["products"][0])
    assert opts == {"fit": "Cob", "style": "Ears Only"}, opts


def test_a_listing_warning_meets_what_the_customer_told(client: TestClient) -> None:
    # "not suitable for laminitis-prone horses", said of a horse that had it
    out = say(client, "hoofhalter", "w1", "he had laminitis two years ago. are the apple and "
              "molasses treats ok for him?")  # fmt: skip
    assert ("Apple & Molasses Horse Treats", "fit") in _conflicts(out), out["reply"]
    # "if you have asthma ... do not handle it": a health warning is a safety conflict
    out = say(client, "wortworks", "w2", "I get asthma attacks. thinking of the sodium "
              "metabisulphite for sanitising, ok?")  # fmt: skip
    assert ("Sodium Metabisulphite", "safety") in _conflicts(out), out["reply"]
    # "these do not fit pin lock kegs"
    out = say(client, "wortworks", "w3", "got a pin lock keg. will the ball lock disconnect "
              "pair fit?")  # fmt: skip
    assert ("Ball Lock Disconnect Pair", "fit") in _conflicts(out), out["reply"]
    # a word the catalog uses everywhere meets no warning: "horse" is in most listings
    out = say(client, "hoofhalter", "w4", "my horse is 16 hands. is the deet max fly spray "
              "any good?")  # fmt: skip
    assert not [c for c in _conflicts(out) if c[0] == "DEET Max Fly Spray"], out["reply"]


def test_we_includes_the_speaker_and_never_done_is_a_beginner(client: TestClient) -> None:
    out = say(client, "hoofhalter", "s1", "we are vegan and my daughter rides. thinking about "
              "the merino sheepskin half pad, thoughts?")  # fmt: skip
    assert [c for c in _conflicts(out) if c[0] == "Merino Sheepskin Half Pad"], out["reply"]
    out = say(client, "wortworks", "s2", "never made beer in my life. is the hazy daze neipa "
              "kit ok to start with?")  # fmt: skip
    assert ("Hazy Daze NEIPA All-Grain Kit", "level") in _conflicts(out), out["reply"]


def test_a_word_every_listing_uses_names_no_product(client: TestClient) -> None:
    # "horse" is in one product name (the treats) but in most listings' text: the calmer that
    # both rankings put first keeps first place
    out = say(client, "hoofhalter", "c1", "what would help a horse that gets nervous and fizzy "
              "at shows?")  # fmt: skip
    assert _names(out)[0] == "Steady Mag Calmer", out["reply"]


def test_safe_for_me_searches_with_the_told_diet(client: TestClient) -> None:
    # "diagnosed with coeliac disease" is a gluten-free diet; "safe for me" searches for it,
    # and "we do not recommend it for people with coeliac disease" is no "ok" for coeliacs
    out = say(client, "wortworks", "g1", "I was diagnosed with coeliac disease. Any beer kit "
              "that is safe for me?")  # fmt: skip
    assert _names(out)[0] == "Harvest Sorghum Ale Kit", out["reply"]
    assert "Clear Skies Gluten-Reduced Lager Kit" not in _names(out)
    assert [c for c in _conflicts(out) if c[0] == "Clear Skies Gluten-Reduced Lager Kit"]


def test_the_policy_answers_a_service_and_a_bare_ask(client: TestClient) -> None:
    # a service the policy offers: its words, and the products below
    out = say(client, "hoofhalter", "p1", "do you do body protector fittings?")
    assert "appointment" in out["reply"] and out["products"], out["reply"]
    # "any discount?" is read with what the message told (a fall, an Aegis helmet)
    out = say(client, "hoofhalter", "p2", "had a fall on the weekend and my aegis helmet is 5 "
              "months old. any discount?")  # fmt: skip
    assert "25%" in out["reply"], out["reply"]


def test_a_health_warning_keeps_the_product_off_the_list(client: TestClient) -> None:
    out = say(client, "hoofhalter", "h1", "fly spray for my mare please, she is in foal")
    assert "DEET Max Fly Spray" not in _names(out), out["reply"]
    assert ("DEET Max Fly Spray", "safety") in _conflicts(out)
    assert out["products"], out["reply"]


def test_the_new_readings_stay_narrow() -> None:
    # (pure functions: what the review found too wide, kept from coming back)
    from nodes.offline.conflicts import _HEALTH, setup_conflicts, told
    from tools.attributes import mentions
    from tools.variant_choice import DENIED, said_words

    assert mentions("You can't beat real leather for a bridle.", "leather") == "yes"
    assert mentions("It cannot be labelled gluten-free.", "gluten free") == "negated"
    assert told("the price is fine. mare is in foal.") == ["mare is in foal"]
    assert not _HEALTH.search("This choker does not fit necks over 40cm")
    product = {"name": "Tea Tree Spray", "product_id": 1}
    said = told("i don't ride much.")
    assert setup_conflicts([], product, "Don't use on broken skin.", [], said) == []
    assert DENIED + "olive" not in said_words("no rush, the olive green one")
    assert DENIED + "nose" in said_words("with ears, no nose piece please")
