"""Splitting rules that hold whatever the shop: greetings, emoji breaks, thanks as context."""

from __future__ import annotations

import pytest

from nodes.offline.clauses import split_questions


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("yo is the charger gan and does it do pd", ["is the charger gan", "does it do pd"]),
        ("hey there! do you ship to canada?", ["do you ship to canada?"]),
        ("thanks for the quick delivery! one of the glasses was broken though",
         ["one of the glasses was broken though"]),
        ("does the blanket pill 🧺 what are the dimensions", ["does the blanket pill", "what are"]),
        ("hi", ["hi"]),
        # a relative clause and a verb of the same subject after "and": one thing described;
        # a verb with a subject of its own is a second ask
        ("do you have a pot that's frost proof and has a drainage hole",
         ["do you have a pot that's frost proof and has a drainage hole"]),
        ("i want the tent that sleeps 4 and can i pay with paypal",
         ["i want the tent that sleeps 4", "can i pay with paypal"]),
    ],
)  # fmt: skip
def test_split_rules(text: str, asks: list[str]) -> None:
    got, _ = split_questions(text)
    assert len(got) == len(asks), got
    for want, have in zip(asks, got, strict=True):
        assert have.startswith(want), (have, want)


def test_an_embedded_question_ends_a_clause() -> None:
    # "where my order is" ends on "is" and is whole: the point after "also" is its own ask
    got, _ = split_questions("can u check where my order is, also i got billed 2x")
    assert got == ["can u check where my order is", "i got billed 2x"]


def test_two_problems_joined_by_and_are_two_asks() -> None:
    """Through the real classifiers (MiniLM): each side alone must read as a problem."""
    from memory.embeddings import get_embedder
    from nodes.offline.nlu import split_asks

    embedder = get_embedder()
    got = split_asks("my parcel still hasn't arrived and the tracking link doesn't work", embedder)
    assert got == ["my parcel still hasn't arrived", "the tracking link doesn't work"]
    assert split_asks("i want black and white sneakers", embedder) == [
        "i want black and white sneakers"
    ]
    # a problem and the request it leads to stay one ask, with their "and"
    got = split_asks("my order arrived damaged and I want a refund", embedder)
    assert got == ["my order arrived damaged and I want a refund"]


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("how long does the fork and knife set take to ship to spain",
         ["how long does the fork and knife set take to ship to spain"]),
        ("training for my first marathon in april, knee is a bit dodgy. can u build me a plan",
         ["can u build me a plan"]),
    ],
)  # fmt: skip
def test_sets_and_sentences_of_context(text: str, asks: list[str]) -> None:
    got, _ = split_questions(text)
    assert got == asks
