"""What customers say around a product, on shops the first catalogs did not have (HTTP API).

A camera shop (Shopify CSV) and a board-game shop (dmpilot CSV) from the scenario catalogs,
through the real app: SQLite, Chroma, MiniLM and the compiled graph. Each test is a kind of
message the earlier rules misread: a question that only points back at a product a statement
named, a service the shop does not do, a child younger than a product's warning, a narrowing
question with its reason after it, a model's number read as money.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.test_any_shop import open_shops, say, variant_options


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    yield from open_shops(tmp_path_factory, "brightlens", "meeple", "wombat")


def _conflicts(out: dict) -> set[tuple[str, str]]:
    return {(c["product_name"], c["type"]) for c in out["conflicts"]}


def test_a_question_that_points_back_asks_about_the_product_a_statement_named(
    client: TestClient,
) -> None:
    out = say(client, "meeple", "point1", "want to get deep vault for my brothers bday but i've "
              "only got about 40€ to spend. is that doable?")  # fmt: skip
    assert out["products"][0]["name"] == "Deep Vault"
    assert ("Deep Vault", "budget") in _conflicts(out)
    # "my partner and i are both vegan": the speaker too; the walnut dice have a beeswax finish
    out = say(client, "meeple", "point2", "my partner and i are both vegan and we'd love the "
              "walnut wooden dice set, they look gorgeous. any reason not to?")  # fmt: skip
    assert ("Wooden Dice Set", "dietary") in _conflicts(out)
    assert "Wooden Dice Set" not in {p["name"] for p in out["products"]}  # not recommended
    # ... while a partner's diet alone is not the speaker's
    out = say(client, "meeple", "point3", "my partner is vegan. do you have dice?")
    assert not out["conflicts"]


def test_a_service_the_shop_does_not_do_is_answered_from_its_policy(client: TestClient) -> None:
    out = say(client, "meeple", "svc1", "could u guys paint my miniatures for me? i'd pay ofc")
    assert "No painting commissions" in out["reply"] and not out["products"], out["reply"]
    out = say(client, "brightlens", "svc2", "do you guys do sensor cleaning? theres spots on "
              "every photo")  # fmt: skip
    assert "No repairs or sensor cleaning" in out["reply"] and not out["products"]
    assert not out["reply"].split("\n")[1].startswith("No — No")
    # a "No second-hand or used games" list item meets "second hand / pre-loved games"
    out = say(client, "meeple", "svc3", "do you have any second hand / pre-loved games?")
    assert "don't sell second-hand games" in out["reply"] and not out["products"], out["reply"]
    # "Trade-ins (part exchange)" is the heading "trade ins" names
    out = say(client, "brightlens", "svc4", "do you do trade ins? want to swap my old nikon "
              "d3300 towards something newer")  # fmt: skip
    assert "part-exchange" in out["reply"], out["reply"]
    # a question for goods is still a search
    out = say(client, "meeple", "svc5", "do you have acrylic paints?")
    assert out["products"]


def test_a_child_younger_than_a_products_warning_is_a_safety_conflict(client: TestClient) -> None:
    out = say(client, "meeple", "age1", "my son is 2 and a half and he loves fireflies, would "
              "little lanterns be a good first game for him?")  # fmt: skip
    assert ("Little Lanterns", "safety") in _conflicts(out)
    # a way of using it from an age ("outward facing from about 5 months") is no safety matter
    out = say(client, "wombat", "age2", "I'd love the ergonomic carrier for my 4 month old")
    assert not [c for c in out["conflicts"] if c["type"] == "safety"], out["conflicts"]
    # her level, for a gift: the listing says it is not a beginner camera
    out = say(client, "brightlens", "age3", "getting my 12 yr old her first ever camera, she's "
              "never done any photography before. the yashica mat one looks so cool, would that "
              "be a good pick for her?")  # fmt: skip
    assert ("Used Yashica Mat-124G Medium Format TLR", "level") in _conflicts(out)


def test_a_narrowing_question_keeps_its_values_and_not_its_reason(client: TestClient) -> None:
    say(client, "brightlens", "narrow1", "what sd cards have you got")
    out = say(client, "brightlens", "narrow1", "which of them are v90? shooting 4k at high bitrate")
    assert [p["name"] for p in out["products"]] == ["Sony TOUGH SF-G UHS-II SD Card"]
    say(client, "meeple", "narrow2", "what puzzles do you have")
    out = say(client, "meeple", "narrow2", "any wooden ones? cardboard ones always bend")
    assert [p["name"] for p in out["products"]] == ["Night Harbour Wooden Puzzle"]


def test_numbers_of_a_products_name_are_no_money(client: TestClient) -> None:
    # "70-200" is the lens the shop names so, not a price range
    out = say(client, "brightlens", "num1", "I'm thinking about the used Canon 70-200 f/2.8 for "
              "football on Sundays, would that be OK?")  # fmt: skip
    assert out["products"][0]["name"] == "Used Canon EF 70-200mm f/2.8L IS II USM"
    # "portra 400" is a film, not a budget of 400; "120" is the variant's own format
    out = say(client, "brightlens", "num2", "can i get portra 400 in 120")
    top = out["products"][0]
    assert top["name"] == "Kodak Portra 400 Professional Film"
    assert variant_options(client, "brightlens", top)["format"] == "120"
    profile = client.get("/v1/creators/brightlens/conversations/num2").json()["profile"]
    assert "budget" not in profile, profile


def test_a_problem_told_to_ask_for_a_thing_is_a_search(client: TestClient) -> None:
    out = say(client, "brightlens", "thing1", "my lens always has smudges and dust on it, whats "
              "the best thing to clean it with without scratching it")  # fmt: skip
    assert out["products"][0]["name"] == "Brightlens Essential Lens Cleaning Kit"
    assert not out["escalated"]
    out = say(client, "brightlens", "thing2", "the glare off the water ruins my shots. Is there a "
              "filter that fixes that? My lens takes 58mm filters.")  # fmt: skip
    top = out["products"][0]
    assert top["name"] == "Brightlens Slim Circular Polariser (CPL)"
    assert variant_options(client, "brightlens", top)["thread size"] == "58mm"
    # a real problem still goes to a person
    out = say(client, "brightlens", "thing3", "I was charged twice for my order")
    assert out["escalated"]


def test_a_yes_no_question_about_a_product_named_bare(client: TestClient) -> None:
    out = say(client, "meeple", "bare1", "can polder & dyke be played alone?")
    assert out["reply"].split("\n")[1].startswith("Yes") and "solo" in out["reply"]
