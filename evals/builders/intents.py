"""Hand-annotated customer messages for the intents dataset (LangSmith example format).

Each row: message, then one tuple per focused question: (question text, intent, entities).
Entities use the demo catalog's category names. Written as an annotator would, independent of
the pipeline's rules; never copied from ``prompts/data/intent_examples.jsonl`` (training data).
Run ``python -m evals.builders.intents`` to rewrite ``evals/datasets/intents.jsonl``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent.parent / "datasets" / "intents.jsonl"

PS, VQ, PI, CMP, GQ, SUP, GR, OT = (
    "product_search", "variant_question", "price_inquiry", "comparison", "general_question",
    "support", "greeting", "other",
)  # fmt: skip

# (message, shown_products_before, [(question, intent, entities), ...])
ROWS: list[tuple[str, bool, list[tuple[str, str, dict[str, Any]]]]] = [
    (
        "do u have leggings w pockets??",
        False,
        [("do u have leggings w pockets??", PS, {"categories": ["Leggings"]})],
    ),
    (
        "show me ur hoodies pls",
        False,
        [("show me ur hoodies pls", PS, {"categories": ["Hoodies"]})],
    ),
    (
        "Looking for a sports bra for HIIT classes, size S",
        False,
        [
            (
                "Looking for a sports bra for HIIT classes, size S",
                PS,
                {"categories": ["Sports Bras"], "sizes": ["S"]},
            )
        ],
    ),
    (
        "any vegan protein under $40?",
        False,
        [("any vegan protein under $40?", PS, {"max_price": 40, "categories": ["Protein"]})],
    ),
    (
        "I need a yoga mat that's not too expensive, maybe 30-50 dollars",
        False,
        [
            (
                "I need a yoga mat that's not too expensive, maybe 30-50 dollars",
                PS,
                {"min_price": 30, "max_price": 50, "categories": ["Mats"]},
            )
        ],
    ),
    (
        "what's the cheapest kettlebell you sell",
        False,
        [("what's the cheapest kettlebell you sell", PS, {"sort": "price_asc"})],
    ),
    (
        "hiii 👋 do you sell dresses",
        False,
        [("do you sell dresses", PS, {"categories": ["Dresses"]})],
    ),
    (
        "Black joggers in large?",
        False,
        [
            (
                "Black joggers in large?",
                PS,
                {"colors": ["black"], "sizes": ["L"], "categories": ["Joggers"]},
            )
        ],
    ),
    (
        "need a gift for my gym bro, budget around 60",
        False,
        [("need a gift for my gym bro, budget around 60", PS, {"min_price": 48, "max_price": 72})],
    ),
    (
        "recommend me running shoes!! 🏃‍♀️",
        False,
        [("recommend me running shoes!!", PS, {"categories": ["Shoes"]})],
    ),
    (
        "got any navy shorts for men, medium",
        False,
        [
            (
                "got any navy shorts for men, medium",
                PS,
                {"colors": ["navy"], "sizes": ["M"], "categories": ["Shorts"]},
            )
        ],
    ),
    (
        "Is there something for sore muscles after leg day",
        False,
        [("Is there something for sore muscles after leg day", PS, {})],
    ),
    (
        "quiero unos leggings negros",
        False,
        [("quiero unos leggings negros", PS, {"categories": ["Leggings"]})],
    ),
    (
        "I'd love a cute water bottle, pink if possible",
        False,
        [
            (
                "I'd love a cute water bottle, pink if possible",
                PS,
                {"colors": ["pink"], "categories": ["Bottles"]},
            )
        ],
    ),
    (
        "what resistance bands would u recommend for beginners",
        False,
        [("what resistance bands would u recommend for beginners", PS, {"categories": ["Bands"]})],
    ),
    ("something nice", False, [("something nice", PS, {})]),
    ("recommend something?", False, [("recommend something?", PS, {})]),
    (
        "does the first one come in XS?",
        True,
        [("does the first one come in XS?", VQ, {"sizes": ["XS"]})],
    ),
    ("is it available in olive", True, [("is it available in olive", VQ, {"colors": ["olive"]})]),
    ("Medium pls", True, [("Medium pls", VQ, {"sizes": ["M"]})]),
    ("and in black?", True, [("and in black?", VQ, {"colors": ["black"]})]),
    (
        "what colours does the second one come in",
        True,
        [("what colours does the second one come in", VQ, {})],
    ),
    (
        "do you have the hoodie in XXL",
        True,
        [("do you have the hoodie in XXL", VQ, {"sizes": ["2XL"], "categories": ["Hoodies"]})],
    ),
    (
        "what flavours is the vegan protein",
        True,
        [("what flavours is the vegan protein", VQ, {"categories": ["Protein"]})],
    ),
    ("is the chocolate one in stock", True, [("is the chocolate one in stock", VQ, {})]),
    ("size 9?", True, [("size 9?", VQ, {"sizes": ["9"]})]),
    ("how much is the massage gun", False, [("how much is the massage gun", PI, {})]),
    ("price of the first one?", True, [("price of the first one?", PI, {})]),
    ("how much would the 5 lb tub be", True, [("how much would the 5 lb tub be", PI, {})]),
    (
        "whats the price on the tennis dress",
        False,
        [("whats the price on the tennis dress", PI, {"categories": ["Dresses"]})],
    ),
    (
        "is the yoga mat on sale rn?",
        False,
        [("is the yoga mat on sale rn?", PI, {"categories": ["Mats"]})],
    ),
    ("how much", True, [("how much", PI, {})]),
    ("compare the first two", True, [("compare the first two", CMP, {})]),
    (
        "whats the difference between whey isolate and concentrate",
        False,
        [("whats the difference between whey isolate and concentrate", CMP, {})],
    ),
    (
        "foam roller or massage gun for recovery?",
        False,
        [("foam roller or massage gun for recovery?", CMP, {})],
    ),
    (
        "which one is better for running, the first or the third",
        True,
        [("which one is better for running, the first or the third", CMP, {})],
    ),
    (
        "is the cork mat better than the 6mm one",
        False,
        [("is the cork mat better than the 6mm one", CMP, {"categories": ["Mats"]})],
    ),
    ("which of those is warmer", True, [("which of those is warmer", CMP, {})]),
    ("How often should I train abs?", False, [("How often should I train abs?", GQ, {})]),
    ("is it bad to lift every day", False, [("is it bad to lift every day", GQ, {})]),
    (
        "what should i eat before a 6am workout",
        False,
        [("what should i eat before a 6am workout", GQ, {})],
    ),
    ("how do I get my first pull up", False, [("how do I get my first pull up", GQ, {})]),
    (
        "how many grams of protein a day do i need",
        False,
        [("how many grams of protein a day do i need", GQ, {})],
    ),
    (
        "can you build muscle with just bands?",
        False,
        [("can you build muscle with just bands?", GQ, {})],
    ),
    (
        "where's my order?? it's been 10 days",
        False,
        [("where's my order?? it's been 10 days", SUP, {})],
    ),
    (
        "I want to return the leggings, they're too small",
        False,
        [("I want to return the leggings, they're too small", SUP, {"categories": ["Leggings"]})],
    ),
    (
        "my discount code doesn't work at checkout",
        False,
        [("my discount code doesn't work at checkout", SUP, {})],
    ),
    ("do you ship to Australia?", False, [("do you ship to Australia?", SUP, {})]),
    (
        "got charged twice for one order 😡",
        False,
        [("got charged twice for one order 😡", SUP, {})],
    ),
    (
        "the program link in my email is broken",
        False,
        [("the program link in my email is broken", SUP, {})],
    ),
    ("hey girl!", False, [("hey girl!", GR, {})]),
    ("thank you!!", True, [("thank you!!", GR, {})]),
    ("good morning ☀️", False, [("good morning ☀️", GR, {})]),
    ("ok cool thx", True, [("ok cool thx", GR, {})]),
    ("are you a real person?", False, [("are you a real person?", OT, {})]),
    ("can you shout out my page", False, [("can you shout out my page", OT, {})]),
    ("what camera do u film with", False, [("what camera do u film with", OT, {})]),
    ("collab?", False, [("collab?", OT, {})]),
    # multi-question messages
    (
        "How often should I train abs and what protein should I take?",
        False,
        [
            ("How often should I train abs", GQ, {}),
            ("what protein should I take?", PS, {"categories": ["Protein"]}),
        ],
    ),
    (
        "Do you have leggings under $50? Also do you ship to Canada?",
        False,
        [
            ("Do you have leggings under $50?", PS, {"max_price": 50, "categories": ["Leggings"]}),
            ("Also do you ship to Canada?", SUP, {}),
        ],
    ),
    (
        "hi! how much is the foam roller and does it come in purple?",
        False,
        [
            ("how much is the foam roller", PI, {}),
            ("does it come in purple?", VQ, {"colors": ["purple"]}),
        ],
    ),
    (
        "I'm vegan. What protein do you recommend, and how much should I take per day?",
        False,
        [
            ("What protein do you recommend", PS, {"categories": ["Protein"]}),
            ("how much should I take per day?", GQ, {}),
        ],
    ),
    (
        "does the first one come in M and how much is shipping?",
        True,
        [
            ("does the first one come in M", VQ, {"sizes": ["M"]}),
            ("how much is shipping?", SUP, {}),
        ],
    ),
    (
        "Can you compare the first two? Also what's the cheapest one you have?",
        True,
        [
            ("Can you compare the first two?", CMP, {}),
            ("Also what's the cheapest one you have?", PS, {"sort": "price_asc"}),
        ],
    ),
    (
        "where is my order and can I add a shaker bottle to it",
        False,
        [
            ("where is my order", SUP, {}),
            ("can I add a shaker bottle to it", SUP, {"categories": ["Bottles"]}),
        ],
    ),
    (
        "love your videos!! what mat do you use and what's your morning routine?",
        False,
        [
            ("what mat do you use", PS, {"categories": ["Mats"]}),
            ("what's your morning routine?", GQ, {}),
        ],
    ),
    (
        "do you have a knee sleeve? also is it ok to squat with knee pain",
        False,
        [("do you have a knee sleeve?", PS, {}), ("also is it ok to squat with knee pain", GQ, {})],
    ),
    (
        "what's the difference between the two pre workouts and which one has less caffeine?",
        False,
        [
            ("what's the difference between the two pre workouts", CMP, {}),
            ("which one has less caffeine?", CMP, {}),
        ],
    ),
    (
        "I need new running shoes, size 8. And do you have socks too?",
        False,
        [
            ("I need new running shoes, size 8.", PS, {"sizes": ["8"], "categories": ["Shoes"]}),
            ("And do you have socks too?", PS, {"categories": ["Socks"]}),
        ],
    ),
    (
        "hey! is the tennis dress in stock in small? and how long does delivery take",
        False,
        [
            (
                "is the tennis dress in stock in small?",
                VQ,
                {"sizes": ["S"], "categories": ["Dresses"]},
            ),
            ("how long does delivery take", SUP, {}),
        ],
    ),
    (
        "Show me hoodies under 60 and joggers to match",
        False,
        [
            ("Show me hoodies under 60", PS, {"max_price": 60, "categories": ["Hoodies"]}),
            ("joggers to match", PS, {"categories": ["Joggers"]}),
        ],
    ),
    (
        "how much is creatine and should I take it on rest days?",
        False,
        [("how much is creatine", PI, {}), ("should I take it on rest days?", GQ, {})],
    ),
]


# Batch 2: written after the batch-1 failures were fixed; measured before any further change.
ROWS_2: list[tuple[str, bool, list[tuple[str, str, dict[str, Any]]]]] = [
    (
        "omg these leggings are everything 😍 do they come in a tall length??",
        True,
        [("do they come in a tall length??", VQ, {})],
    ),
    (
        "heyy can u send me the link for the grey joggers",
        False,
        [
            (
                "heyy can u send me the link for the grey joggers",
                PS,
                {"colors": ["grey"], "categories": ["Joggers"]},
            )
        ],
    ),
    (
        "what weight kettlebell should a beginner woman start with",
        False,
        [("what weight kettlebell should a beginner woman start with", GQ, {})],
    ),
    (
        "do you guys have anything for wrist pain when doing pushups",
        False,
        [("do you guys have anything for wrist pain when doing pushups", PS, {})],
    ),
    (
        "whey or plant protein for someone trying to lean out?",
        False,
        [("whey or plant protein for someone trying to lean out?", CMP, {})],
    ),
    (
        "how much are the knee sleeves in large",
        False,
        [("how much are the knee sleeves in large", PI, {"sizes": ["L"]})],
    ),
    ("is the second one machine washable", True, [("is the second one machine washable", VQ, {})]),
    (
        "my order came with the wrong colour 😩",
        False,
        [("my order came with the wrong colour 😩", SUP, {})],
    ),
    (
        "anything in sage green? tops or bottoms",
        False,
        [("anything in sage green? tops or bottoms", PS, {"colors": ["sage", "green"]})],
    ),
    (
        "i want the cheapest shaker you got",
        False,
        [("i want the cheapest shaker you got", PS, {"sort": "price_asc"})],
    ),
    (
        "bonjour! vous avez des tapis de yoga?",
        False,
        [("bonjour! vous avez des tapis de yoga?", PS, {})],
    ),
    (
        "when will the scrunch leggings be back in stock",
        False,
        [("when will the scrunch leggings be back in stock", VQ, {"categories": ["Leggings"]})],
    ),
    (
        "compare those two hoodies for me",
        True,
        [("compare those two hoodies for me", CMP, {"categories": ["Hoodies"]})],
    ),
    ("thx sm ❤️", True, [("thx sm ❤️", GR, {})]),
    ("lmaooo your last reel", False, [("lmaooo your last reel", OT, {})]),
    (
        "Do you have a discount for students? Also what's the best protein for a vegan teen athlete?",
        False,
        [
            ("Do you have a discount for students?", SUP, {}),
            (
                "Also what's the best protein for a vegan teen athlete?",
                PS,
                {"categories": ["Protein"]},
            ),
        ],
    ),
    (
        "i'm 5'4 and 140lbs what size leggings should i get and do they run small",
        False,
        [
            ("what size leggings should i get", VQ, {"categories": ["Leggings"]}),
            ("do they run small", VQ, {}),
        ],
    ),
    (
        "is the massage gun loud? and how long does the battery last",
        False,
        [("is the massage gun loud?", VQ, {}), ("how long does the battery last", VQ, {})],
    ),
    (
        "need a gym bag and a water bottle, both black if possible",
        False,
        [
            (
                "need a gym bag and a water bottle, both black if possible",
                PS,
                {"colors": ["black"], "categories": ["Bags", "Bottles"]},
            )
        ],
    ),
    (
        "Hi Maya!! I've been doing your 12 week program and I'm on week 6, loving it. My gym just closed though so I'm training at home now and only have bands. Can I keep doing the program with just bands, and which bands would you recommend?",
        False,
        [
            ("Can I keep doing the program with just bands", GQ, {}),
            ("which bands would you recommend?", PS, {"categories": ["Bands"]}),
        ],
    ),
    (
        "price for the algae omega 3? and is it actually vegan",
        False,
        [("price for the algae omega 3?", PI, {}), ("is it actually vegan", VQ, {})],
    ),
    (
        "can i get a refund on the coaching month i haven't started yet",
        False,
        [("can i get a refund on the coaching month i haven't started yet", SUP, {})],
    ),
    (
        "how long should i rest between sets for strength",
        False,
        [("how long should i rest between sets for strength", GQ, {})],
    ),
    (
        "got anything under $20 for a stocking stuffer",
        False,
        [("got anything under $20 for a stocking stuffer", PS, {"max_price": 20})],
    ),
    (
        "size M in the olive one?",
        True,
        [("size M in the olive one?", VQ, {"sizes": ["M"], "colors": ["olive"]})],
    ),
]


# Batch 3: written after the batch-2 fixes (attribute-question examples, head-noun categories);
# measured once, before any further change.
ROWS_3: list[tuple[str, bool, list[tuple[str, str, dict[str, Any]]]]] = [
    (
        "yo do u have any oversized tees",
        False,
        [("yo do u have any oversized tees", PS, {"categories": ["T-Shirts"]})],
    ),
    (
        "is the tank top see through in white?",
        True,
        [
            (
                "is the tank top see through in white?",
                VQ,
                {"colors": ["white"], "categories": ["Tank Tops"]},
            )
        ],
    ),
    ("what's the return window", False, [("what's the return window", SUP, {})]),
    (
        "need a birthday present for my mum who does pilates, around $40",
        False,
        [
            (
                "need a birthday present for my mum who does pilates, around $40",
                PS,
                {"min_price": 32, "max_price": 48},
            )
        ],
    ),
    (
        "do the socks come in a 3 pack?",
        False,
        [("do the socks come in a 3 pack?", VQ, {"categories": ["Socks"]})],
    ),
    (
        "how do I stop my lower back hurting on deadlifts",
        False,
        [("how do I stop my lower back hurting on deadlifts", GQ, {})],
    ),
    (
        "cheapest protein powder pls",
        False,
        [("cheapest protein powder pls", PS, {"sort": "price_asc", "categories": ["Protein"]})],
    ),
    (
        "second one in sky blue?",
        True,
        [("second one in sky blue?", VQ, {"colors": ["sky", "blue"]})],
    ),
    ("OMG obsessed with ur content 😭😭", False, [("OMG obsessed with ur content 😭😭", GR, {})]),
    (
        "hey what's the difference between the light and medium support bras",
        False,
        [
            (
                "what's the difference between the light and medium support bras",
                CMP,
                {"categories": ["Sports Bras"]},
            )
        ],
    ),
    (
        "I got the wrong flavour, I ordered vanilla",
        False,
        [("I got the wrong flavour, I ordered vanilla", SUP, {})],
    ),
    (
        "is the massage gun worth it or should I just get a foam roller",
        False,
        [("is the massage gun worth it or should I just get a foam roller", CMP, {})],
    ),
    ("how much for the 24kg kettlebell", False, [("how much for the 24kg kettlebell", PI, {})]),
    (
        "do you have any bags under $40 and water bottles in black?",
        False,
        [
            ("do you have any bags under $40", PS, {"max_price": 40, "categories": ["Bags"]}),
            ("water bottles in black?", PS, {"colors": ["black"], "categories": ["Bottles"]}),
        ],
    ),
    (
        "What time of day is best to train? And is the pre workout safe to take at night?",
        False,
        [
            ("What time of day is best to train?", GQ, {}),
            ("And is the pre workout safe to take at night?", VQ, {}),
        ],
    ),
    (
        "can you recommend shorts for running, and do they have a zip pocket?",
        False,
        [
            ("can you recommend shorts for running", PS, {"categories": ["Shorts"]}),
            ("do they have a zip pocket?", VQ, {}),
        ],
    ),
    (
        "is it ok if I message you for a collab",
        False,
        [("is it ok if I message you for a collab", OT, {})],
    ),
    (
        "grey hoodie size L under 70 bucks",
        False,
        [
            (
                "grey hoodie size L under 70 bucks",
                PS,
                {"colors": ["grey"], "sizes": ["L"], "max_price": 70, "categories": ["Hoodies"]},
            )
        ],
    ),
    ("ok thanks, I'll think about it", True, [("ok thanks, I'll think about it", GR, {})]),
    (
        "where do you ship from and how long to the US?",
        False,
        [("where do you ship from", SUP, {}), ("how long to the US?", SUP, {})],
    ),
]


def build() -> list[dict[str, Any]]:
    """Rows in LangSmith example format, alternating dev/test (test is never used for training)."""
    out = []
    batches = [(1, r) for r in ROWS] + [(2, r) for r in ROWS_2] + [(3, r) for r in ROWS_3]
    for i, (batch, (text, shown, questions)) in enumerate(batches):
        out.append(
            {
                "inputs": {"text": text, "has_shown_products": shown},
                "outputs": {
                    "questions": [
                        {"text": q, "intent": intent, "entities": ent}
                        for q, intent, ent in questions
                    ]
                },
                "metadata": {
                    "id": f"int-{i:03d}",
                    "split": "dev" if i % 2 == 0 else "test",
                    "multi_question": len(questions) > 1,
                    "batch": batch,
                },
            }
        )
    return out


if __name__ == "__main__":
    rows = build()
    OUT.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8"
    )
    multi = sum(r["metadata"]["multi_question"] for r in rows)
    print(f"wrote {len(rows)} rows ({multi} multi-question) to {OUT}")
