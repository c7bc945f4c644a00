"""Mechanisms learned from batch 13's shops, driven through the HTTP API on their catalogs.

Reef & Root (aquarium supplies, dmpilot CSV, CAD) and Silver Wren (jewellery, Shopify admin
CSV, AUD): real SQLite, Chroma, MiniLM and the compiled graph. Each test states the general
rule it checks; the rows of the evaluation are not copied here.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.test_any_shop import open_shops, say, variant_options


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    yield from open_shops(tmp_path_factory, "reefroot", "silverwren")


def _names(out: dict[str, Any]) -> list[str]:
    return [p["name"] for p in out["products"]]


def test_a_need_with_a_vague_ask_is_searched_not_called_unsold(client: TestClient) -> None:
    # "what would you go for?" names no kind: the need told before it is searched
    out = say(client, "reefroot", "n1", "my betta's tank is 20 litres and the water is always "
              "cold. what would you go for?")  # fmt: skip
    assert out["products"] and "Heater" in out["products"][0]["name"], out["reply"]
    assert "couldn't find" not in out["reply"]
    # ... a situation is no missing kind either ("my niece was born in october")
    out = say(client, "silverwren", "n2", "my niece was born in october, something for her "
              "under $80?")  # fmt: skip
    assert out["products"], out["reply"]
    assert "by that name" not in out["reply"] and "couldn't find" not in out["reply"]
    # ... and the value said is what is asked for: a variant of that birth month
    opts = variant_options(client, "silverwren", out["products"][0])
    assert opts.get("birth month", "").startswith("October"), opts
    # a kind named outright that the shop lacks is still said to be missing
    out = say(client, "reefroot", "n3", "do you sell garden hoses?")
    assert not out["products"], out["reply"]


def test_a_variant_is_found_by_how_the_listing_explains_it(client: TestClient) -> None:
    # "Glass: Ultra Clear is low-iron glass": "low-iron" names Ultra Clear
    out = say(client, "reefroot", "v1", "i'd like the clearline rimless 30C with the low-iron "
              "glass")  # fmt: skip
    assert out["products"][0]["name"] == "Clearline Rimless Tank"
    assert variant_options(client, "reefroot", out["products"][0]).get("glass") == "Ultra Clear"
    # "Tied to lava rock: pre-attached to a small lava rock", asked after the product
    say(client, "reefroot", "v2", "anubias nana petite please")
    out = say(client, "reefroot", "v2", "the one that comes attached to a rock")
    opts = variant_options(client, "reefroot", out["products"][0])
    assert opts.get("format") == "Tied to lava rock", opts


def test_a_value_of_another_option_of_the_product_is_the_asked_value(client: TestClient) -> None:
    # "gold" is a tone elsewhere in the shop; the huggies' finish is "Gold Vermeil"
    out = say(client, "silverwren", "g1", "do the everyday huggies come in gold?")
    assert out["products"][0]["name"] == "Everyday Huggie Hoops"
    opts = variant_options(client, "silverwren", out["products"][0])
    assert opts.get("finish") == "Gold Vermeil", opts


def test_a_list_is_narrowed_by_what_the_others_deny(client: TestClient) -> None:
    # no heater says "set the temperature"; the preset one says "nothing to set", so the one
    # with an adjustable dial is what is asked for
    say(client, "reefroot", "l1", "what heaters do you sell")
    out = say(client, "reefroot", "l1", "which ones let me set the temperature?")
    assert _names(out) == ["Thermawave Adjustable Heater"], out["reply"]


def test_safe_for_me_is_asked_as_the_fact_told(client: TestClient) -> None:
    out = say(client, "silverwren", "f1", "I'm allergic to nickel - would the pure titanium "
              "studs be ok for me?")  # fmt: skip
    assert out["reply"].split("\n")[1].startswith("Yes"), out["reply"]


def test_a_fact_the_speaker_states_first_is_theirs(client: TestClient) -> None:
    # someone else named after the fact does not take it over; pearls are animal products
    out = say(client, "silverwren", "p1", "i have been vegan since uni and my boyfriend wants "
              "to buy me the single pearl pendant, is it ok?")  # fmt: skip
    found = {(c["product_name"], c["type"]) for c in out["conflicts"]}
    assert ("Single Pearl Pendant", "material") in found, out["conflicts"]
