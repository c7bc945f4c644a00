"""Demo fans asking ~10 distinct questions in varied words (fan-out tests, bench and demo).

Deterministic (seeded). Several fans put two questions in one message; one fan is vegan and
asks about protein, one has a knee injury and asks about leg workouts.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

FAMILIES: dict[str, list[str]] = {
    "canada": [
        "do you ship to canada?", "can I order from Canada?", "is shipping to canada available?",
        "do u deliver to canada", "can you send orders to Toronto, Canada?",
        "hey do you guys ship to Canada??",
    ],
    "protein": [
        "what protein should I take after my workout?",
        "which protein powder do you recommend after training?",
        "best protein to drink post workout?", "what's a good protein shake for after the gym?",
        "which protein do you use after workouts?",
    ],
    "legs": [
        "what's a good leg workout at home?", "any leg exercises I can do without equipment?",
        "how should I train legs at home?", "best home workout for legs?",
        "can you recommend a leg day routine I can do at home?",
    ],
    "discount": [
        "do you have a discount code?", "any promo codes right now?",
        "is there a coupon for my first order?", "got any discount codes?",
    ],
    "leggings_size": [
        "what size leggings should I get?", "do the leggings run small?",
        "are your leggings true to size?", "how do the leggings fit, should I size up?",
    ],
    "returns": [
        "what's your return policy?", "can I return an item?", "how do returns work?",
        "can I send something back if it doesn't fit?",
    ],
    "frequency": [
        "how often should I work out per week?", "how many days a week should I train?",
        "how many workouts per week should a beginner do?",
    ],
    "creatine": [
        "is creatine safe?", "should I take creatine?", "does creatine have side effects?",
    ],
    "coaching_price": [
        "how much is 1:1 coaching?", "what does your personal coaching cost?",
        "what's the price of your coaching program?",
    ],
    "restock": [
        "when will the sold out leggings be back?", "when are you restocking?",
        "will the sports bras be restocked soon?",
    ],
}  # fmt: skip

VEGAN_FAN = "fan-vegan"
INJURED_FAN = "fan-knee"
CHATTY_FAN = "fan-chatty"  # sends 12 messages: analysis runs at the 10th without /end


def fan_messages(n_fans: int = 200, seed: int = 7) -> list[dict[str, Any]]:
    """Inbox messages ``{customer_id, chat_id, text, timestamp}`` for ``n_fans`` fans."""
    rng = random.Random(seed)
    t0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    names = list(FAMILIES)
    out: list[dict[str, Any]] = []

    def add(fan: str, text: str) -> None:
        out.append({"customer_id": fan, "chat_id": f"ig:{fan}", "text": text,
                    "timestamp": (t0 + timedelta(minutes=len(out))).isoformat()})  # fmt: skip

    add(VEGAN_FAN, "I'm vegan 🌱 love your videos")
    add(VEGAN_FAN, FAMILIES["protein"][0])
    add(INJURED_FAN, "I hurt my knee last month, still a bit sore")
    add(INJURED_FAN, FAMILIES["legs"][1])
    for i in range(n_fans - 3):
        fan = f"fan-{i:03d}"
        a, b = rng.sample(names, 2)
        if i % 5 == 0:  # two questions in one message
            add(fan, f"{rng.choice(FAMILIES[a])} and also {rng.choice(FAMILIES[b])}")
        else:
            add(fan, rng.choice(FAMILIES[a]))
    for k in range(12):
        add(CHATTY_FAN, ["haha", "ok", "thanks!", "cool", FAMILIES["canada"][k % 6]][k % 5])
    return out


def recent(messages: list[dict[str, Any]], end: datetime | None = None) -> list[dict[str, Any]]:
    """The same messages moved in time so the last one was sent an hour before ``end`` (now)."""
    stamps = [datetime.fromisoformat(m["timestamp"]) for m in messages]
    shift = (end or datetime.now(UTC)) - timedelta(hours=1) - max(stamps)
    return [
        {**m, "timestamp": (t + shift).isoformat()} for m, t in zip(messages, stamps, strict=True)
    ]
