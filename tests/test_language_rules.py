"""Rules that must hold whatever the shop, on made-up listings and messages (no catalog).

Each case is a way a general rule could misread ordinary customer text (found in review).
"""

from __future__ import annotations

import pytest

from nodes.offline.entities import extract_entities
from nodes.offline.profile import recipient_facts
from tools.attributes import judge


@pytest.mark.parametrize(
    ("attribute", "description", "answer"),
    [
        ("for a beginner", "These boards are great for beginners to learn on.", "yes"),
        ("for rabbits", "Clumping clay. Not suitable for kittens or for rabbits.", "no"),
        ("to put in the dishwasher", "Do not put in the dishwasher.", "no"),
        ("for my cat", "Keep away from cats: toxic to cats.", "no"),
        ("for commuting", "A fast road bike for racing.", "unknown"),
        ("for vegans", "Filled with goose down.", "no"),  # the diet rules read the materials
        ("for a day hike or is it too small", "Great for a day hike.", "yes"),
    ],
)  # fmt: skip
def test_suitability_is_read_from_the_listing(attribute: str, description: str, answer: str):
    verdict = judge({"name": "Thing", "description": description}, [], attribute)
    assert verdict.answer == answer, verdict


@pytest.mark.parametrize(
    ("text", "facts"),
    [
        ("son's allergic to feathers - feather or hollowfibre inner for his cushions?",
         {"allergies": ["feathers"]}),
        ("my wife is vegan, looking for an armchair for her", {"diet": ["vegan"]}),
        # not tied to the purchase, or bought for the customer
        ("my friend is vegan and recommended your shop. any pork crackling?", {}),
        ("my sister has a feather allergy but this is for me, the feather inner please", {}),
    ],
)  # fmt: skip
def test_facts_count_for_the_person_a_purchase_is_for(text: str, facts: dict) -> None:
    assert recipient_facts(text) == facts


@pytest.mark.parametrize(
    ("text", "prefer", "sizes"),
    [
        ("the big 240 box please", "largest", []),
        ("the smaller one", "smallest", []),
        ("big fan of your shop", None, []),
        ("is it big enough for two", None, []),
        ("hi top basketball shoe in a 38?", None, ["38"]),
        ("i need to take a 12 and a 14 year old camping", None, []),
        ("got a 12.9 ipad case?", None, []),
    ],
)  # fmt: skip
def test_sizes_and_size_preferences(text: str, prefer: str | None, sizes: list[str]) -> None:
    ent = extract_entities(text)
    assert ent.prefer == prefer and ent.sizes == sizes, ent
