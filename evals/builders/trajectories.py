"""Hand-written multi-turn conversations with the tool calls a careful agent would make.

Per turn: the expected tool calls (name and the key arguments only; anything not listed is
free) and reply checks. Argument conventions:
- ``query_has``: words (stemmed, case-insensitive) that must appear in the search query or
  in one of its list arguments (categories, tags), e.g. "vegan" may be a tag or a query word;
  ``a|b`` accepts either.
- ``product``/``products``: ``shown[i]`` = the i-th product shown to the customer before the
  turn (0-based), or ``name:words`` = the product a tool returned in the same turn whose name
  has those words; resolved to ids when the conversation runs.
- numbers must match to the cent; lists must contain the expected items (case-insensitive).
``tool_calls: []`` means no catalog tool should be called (greetings, support, advice).
Reply checks: ``mention_any`` (one of), ``must_not_mention``, ``escalated``, ``asks`` (the
reply asks the customer something). The length limit comes from the channel.

Batch 1 (44 conversations) was written before the evaluator ran on it. First measurement
(before any change; the two by-name comparisons then expected no compare call, corrected to
expect one since comparing after finding both is what a careful agent does): strict 0.70
(dev 0.82, test 0.59), superset 0.77, turn tools 0.78, tool args 0.85, reply checks 0.89,
grounded 0.92 (an evaluator bug: "Men's X" matched inside "Women's X"; the same bug was in
the reply guard and is fixed), length 1.00. Then three general fixes, found on failures of
both splits (the test split's failures had been printed, so it is no longer untouched):
a focus product for follow-ups after a variants answer, a bare "in grey?" with several
products on screen refines the search, "the third" at the end of a message is a reference;
plus 14 "do you have <item>" training examples (no eval text reused). After: strict 0.82
(dev 0.91, test 0.73), superset 0.89, tool args 0.92. A fresh batch 2 is needed for an
honest held-out number. Run
``python -m evals.builders.trajectories`` to rewrite ``evals/datasets/trajectories.jsonl``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent.parent / "datasets" / "trajectories.jsonl"


def search(*words: str, **args: Any) -> dict[str, Any]:
    """Expected search_products call."""
    return {"name": "search_products", "args": {"query_has": list(words), **args}}


def variants(ref: str, **args: Any) -> dict[str, Any]:
    """Expected get_product_variants call on a shown product."""
    return {"name": "get_product_variants", "args": {"product": ref, **args}}


def compare(*refs: str) -> dict[str, Any]:
    """Expected compare_products call on shown products."""
    return {"name": "compare_products", "args": {"products": list(refs)}}


def turn(text: str, calls: list[dict[str, Any]], **checks: Any) -> dict[str, Any]:
    """One customer message with its expectations."""
    return {"text": text, "tool_calls": calls, **checks}


# (channel, turns)
CONVERSATIONS: list[tuple[str, list[dict[str, Any]]]] = [
    ("dm", [
        turn("show me hoodies", [search("hoodie")], mention_any=["hoodie"]),
        turn("under $60", [search("hoodie", max_price=60)]),
        turn("does the first one come in M?", [variants("shown[0]", sizes=["M"])]),
    ]),
    ("dm", [
        turn("hi!! 👋", [], asks=True),
        turn("do you have vegan protein?", [search("protein", "vegan")],
             mention_any=["vegan", "plant"], must_not_mention=["whey"]),
        turn("compare the first two", [compare("shown[0]", "shown[1]")]),
    ]),
    ("dm", [
        turn("looking for black leggings in size M under $50",
             [search("legging", colors=["black"], sizes=["M"], max_price=50)], mention_any=["legging"]),
        turn("what about navy?", [search("legging", colors=["navy"], sizes=["M"], max_price=50)]),
    ]),
    ("dm", [
        turn("I'm vegan, what protein powder would you recommend?", [search("protein", "vegan")],
             must_not_mention=["whey", "casein", "collagen"]),
    ]),
    ("dm", [
        turn("where is my order?? it's been 2 weeks", [], escalated=True),
    ]),
    ("dm", [
        turn("I want a refund for the mat I bought, it arrived torn", [], escalated=True),
    ]),
    ("dm", [
        turn("something nice", [], asks=True),
    ]),
    ("dm", [
        turn("do you sell snowboards?", [search("snowboard")]),
    ]),
    ("dm", [
        turn("whats the cheapest yoga mat you have", [search("yoga mat", sort="price_asc")],
             mention_any=["mat"]),
        turn("is it available in purple?", [variants("shown[0]", colors=["purple"])]),
    ]),
    ("dm", [
        turn("I need running shoes for women, size 8", [search("running shoe", sizes=["8"])],
             mention_any=["shoe", "runner", "trainer"]),
    ]),
    ("dm", [
        turn("How often should I train abs and what protein should I take?", [search("protein")]),
    ]),
    ("dm", [
        turn("show me dumbbells", [search("dumbbell")], mention_any=["dumbbell"]),
        turn("something cheaper?", [search("dumbbell", sort="price_asc")]),
    ]),
    ("dm", [
        turn("do you have sports bras between $30 and $50?",
             [search("sports bra", min_price=30, max_price=50)], mention_any=["bra"]),
        turn("which one is best for running?", []),
    ]),
    ("comment", [
        turn("link to the pink leggings pls 😍", [search("legging", colors=["pink"])],
             mention_any=["legging"]),
    ]),
    ("comment", [
        turn("price of the resistance bands?", [search("resistance band")], mention_any=["band"]),
    ]),
    ("dm", [
        turn("I have bad knees, any mat that's gentle on the joints?", [search("mat")],
             mention_any=["mat"]),
    ]),
    ("dm", [
        turn("do u have mens joggers", [search("jogger")], mention_any=["jogger"]),
        turn("in grey?", [search("jogger", colors=["grey"])]),
        turn("size L?", [search("jogger", colors=["grey"], sizes=["L"])]),
    ]),
    ("dm", [
        turn("thanks so much, love your content!", []),
    ]),
    ("dm", [
        turn("can you compare the whey isolate and the plant protein blend?",
             [search("whey isolate"), search("plant protein"),
              compare("name:whey isolate", "name:plant protein")]),
    ]),
    ("dm", [
        turn("show me water bottles", [search("bottle")], mention_any=["bottle"]),
        turn("how much is the second one?", [variants("shown[1]")]),
    ]),
    ("dm", [
        turn("Hey Maya!! I've been following you for months and finally want to start lifting at "
             "home. I live in a tiny apartment so I don't have much room, and my budget is kind of "
             "tight right now, maybe $100 max. What equipment would you get first if you were "
             "starting from zero? I was thinking dumbbells but honestly I have no idea which ones",
             [search("dumbbell", max_price=100)], mention_any=["dumbbell"]),
    ]),
    ("dm", [
        turn("my package arrived damaged, the shaker bottle is cracked", [], escalated=True),
    ]),
    ("dm", [
        turn("do you have a creatine?", [search("creatine")], mention_any=["creatine"]),
        turn("is it vegan?", []),
    ]),
    ("dm", [
        turn("I'm lactose intolerant. any protein bars?", [search("protein bar")],
             must_not_mention=["whey"]),
    ]),
    ("dm", [
        turn("show me tank tops for men", [search("tank", "men")], mention_any=["tank"]),
        turn("in white, size M", [search("tank", "men", colors=["white"], sizes=["M"])]),
    ]),
    ("dm", [
        turn("what's the difference between the foam roller and the massage gun?",
             [search("foam roller"), search("massage gun"),
              compare("name:foam roller", "name:massage gun")]),
    ]),
    ("dm", [
        turn("hoodie under 40 bucks?", [search("hoodie", max_price=40)]),
    ]),
    ("dm", [
        turn("show me jackets", [search("jacket")], mention_any=["jacket"]),
        turn("something more casual", [search("jacket", "casual")]),
        turn("under $80", [search("jacket", "casual", max_price=80)]),
    ]),
    ("dm", [
        turn("can I change the shipping address on my order #4821?", [], escalated=True),
    ]),
    ("dm", [
        turn("yo do u have kettlebells", [search("kettlebell")], mention_any=["kettlebell"]),
        turn("what weights does the first one come in?", [variants("shown[0]")]),
        turn("16kg please", [variants("shown[0]")]),
    ]),
    ("dm", [
        turn("I'm allergic to wool, looking for warm socks", [search("sock")],
             must_not_mention=["merino"]),
    ]),
    ("dm", [
        turn("what's good for recovery after leg day?", [search("recovery")]),
    ]),
    ("dm", [
        turn("show me dresses", [search("dress")], mention_any=["dress"]),
        turn("the second one in S?", [variants("shown[1]", sizes=["S"])]),
    ]),
    ("comment", [
        turn("need this!!! where do I buy the lifting straps", [search("lifting strap")],
             mention_any=["strap"]),
    ]),
    ("dm", [
        turn("Do you have gym bags? Also do you ship to Canada?", [search("bag")],
             mention_any=["bag"]),
    ]),
    ("dm", [
        turn("I'm a total beginner, what should I buy to start working out at home?",
             [search("beginner")]),
    ]),
    ("dm", [
        turn("do you have pre workout without caffeine?", [search("pre workout")],
             mention_any=["stim-free", "caffeine-free", "caffeine free", "stim free"]),
    ]),
    ("dm", [
        turn("shorts for men with pockets", [search("short", "pocket")], mention_any=["short"]),
        turn("compare the first and the third", [compare("shown[0]", "shown[2]")]),
    ]),
    ("dm", [
        turn("i cant log in to my account to download the program i bought", [], escalated=True),
    ]),
    ("dm", [
        turn("do you have omega 3 that isn't from fish? I'm vegetarian",
             [search("omega")], mention_any=["algae"]),
    ]),
    ("dm", [
        turn("show me t-shirts for women", [search("shirt|tee")], mention_any=["tee", "shirt"]),
        turn("any in size XS?", [search("shirt|tee", sizes=["XS"])]),
    ]),
    ("dm", [
        turn("what's your cheapest pair of shoes?", [search("shoe", sort="price_asc")],
             mention_any=["shoe", "trainer", "runner"]),
    ]),
    ("dm", [
        turn("hey can you recommend a workout program for my knees? I had surgery last year",
             [search("program")], mention_any=["program"]),
    ]),
    ("dm", [
        turn("🔥🔥🔥", []),
    ]),
]  # fmt: skip


# Batch 2 (written 2026-11-21 after the batch-1 fixes and before any run on it). First
# measurement, before any change: strict 0.833, superset 0.833, turn tools 0.875, tool args
# 0.931, reply checks 0.875, grounded 1.00, length 1.00. One failure was a regression of the
# same day ("how much is the competition one?" refined the search instead of pricing the shown
# Competition Kettlebell); fixing it generally ("the <word> one" is resolved against the names
# on screen) gave strict 0.917. So batch 2 is seen now; the first figure is the held-out one.
CONVERSATIONS_2: list[tuple[str, list[dict[str, Any]]]] = [
    ("dm", [
        turn("hiya, do u sell resistance bands?", [search("band")], mention_any=["band"]),
        turn("the cheapest one pls", [search("band", sort="price_asc")]),
    ]),
    ("dm", [
        turn("I'm vegan and looking for a protein powder under $50",
             [search("protein", max_price=50)], mention_any=["pea", "plant", "soy"],
             must_not_mention=["whey", "casein"]),
        turn("which one has the most protein per serving?", [compare("shown[0]", "shown[1]")]),
    ]),
    ("dm", [
        turn("looking for a yoga mat", [search("mat")], mention_any=["mat"]),
        turn("does the first one come in lavender?", [variants("shown[0]", colors=["lavender"])]),
    ]),
    ("dm", [
        turn("my knee has been hurting since my ACL surgery, what kind of shoes should I get?",
             [search("shoe")], mention_any=["shoe"]),
    ]),
    ("comment", [
        turn("link to the leggings you're wearing?? 😍", [search("legging")],
             mention_any=["legging"]),
    ]),
    ("dm", [
        turn("hey I ordered a hoodie 10 days ago and still nothing, order #4821", [],
             escalated=True),
    ]),
    ("dm", [
        turn("do you have kettlebells?", [search("kettlebell")], mention_any=["kettlebell"]),
        turn("how much is the competition one?", [variants("name:competition")]),
    ]),
    ("dm", [
        turn("mens running shorts size L", [search("short", sizes=["L"])], mention_any=["short"]),
        turn("in black?", [search("short", colors=["black"])]),
    ]),
    ("dm", [
        turn("whats the difference between the whey concentrate and the isolate",
             [search("whey concentrate"), search("isolate"),
              compare("name:whey protein concentrate", "name:whey protein isolate")]),
    ]),
    ("dm", [
        turn("good morning!", [], asks=True),
        turn("I need something to help me recover after long runs", [search("recover")],
             mention_any=["roller", "massage", "recovery"]),
    ]),
    ("dm", [
        turn("any water bottles? and do you have a gym bag too", [search("bottle"), search("bag")],
             mention_any=["bottle"]),
    ]),
    ("dm", [
        turn("I'm allergic to peanuts, any protein snacks I can have?", [search("snack|bar|protein")],
             must_not_mention=["peanut butter protein cookies"]),
    ]),
]  # fmt: skip


def rows() -> list[dict[str, Any]]:
    """LangSmith-format rows; ids are stable, odd ids form the held-out test split."""
    out = []
    batches = [(1, c) for c in CONVERSATIONS] + [(2, c) for c in CONVERSATIONS_2]
    for i, (batch, (channel, turns)) in enumerate(batches, start=1):
        out.append(
            {
                "inputs": {"channel": channel, "turns": [t["text"] for t in turns]},
                "outputs": {"turns": [{k: v for k, v in t.items() if k != "text"} for t in turns]},
                "metadata": {"id": f"traj-{i:03d}", "batch": batch,
                             "split": "test" if i % 2 else "dev"},
            }
        )  # fmt: skip
    return out


if __name__ == "__main__":
    OUT.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows()))
    print(f"wrote {len(CONVERSATIONS) + len(CONVERSATIONS_2)} conversations to {OUT}")
