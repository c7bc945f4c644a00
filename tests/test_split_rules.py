"""Splitting rules that hold whatever the shop: greetings, emoji breaks, thanks as context."""

from __future__ import annotations

import pytest

from nodes.offline.nlu import split_questions


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("yo is the charger gan and does it do pd", ["is the charger gan", "does it do pd"]),
        ("hey there! do you ship to canada?", ["do you ship to canada?"]),
        ("thanks for the quick delivery! one of the glasses was broken though",
         ["one of the glasses was broken though"]),
        ("does the blanket pill 🧺 what are the dimensions", ["does the blanket pill", "what are"]),
        ("hi", ["hi"]),
    ],
)  # fmt: skip
def test_split_rules(text: str, asks: list[str]) -> None:
    got, _ = split_questions(text)
    assert len(got) == len(asks), got
    for want, have in zip(asks, got, strict=True):
        assert have.startswith(want), (have, want)
