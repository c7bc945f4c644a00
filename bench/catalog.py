"""A large generated catalog for benchmarks (deterministic: same seed, same products)."""

from __future__ import annotations

import random
from typing import Any

PALETTE = [
    "Black", "Navy", "Heather Grey", "White", "Olive", "Burgundy", "Dusty Rose", "Sky Blue",
    "Charcoal", "Lavender", "Sage", "Coral", "Sand", "Royal Blue", "Red", "Mustard",
]  # fmt: skip
APPAREL_SIZES = ["XS", "S", "M", "L", "XL"]
FLAVOURS = ["Chocolate", "Vanilla", "Strawberry", "Cookies & Cream", "Salted Caramel", "Unflavored"]


def _stock(rng: random.Random) -> int:
    return 0 if rng.random() < 0.08 else rng.randint(1, 40)


ADJ = ["Pro", "Core", "Essential", "Elite", "Flex", "Ultra", "Classic", "Active", "Studio", "Trail",
       "Urban", "Aero", "Power", "Zen", "Summit", "Pulse", "Nova", "Prime", "Swift", "Terra"]  # fmt: skip
TYPES = [
    ("Apparel > Women > Leggings", "Leggings", 30, 90, True),
    ("Apparel > Women > Sports Bras", "Sports Bra", 25, 70, True),
    ("Apparel > Men > T-Shirts", "Tee", 15, 50, True),
    ("Apparel > Men > Shorts", "Shorts", 20, 60, True),
    ("Apparel > Unisex > Hoodies", "Hoodie", 40, 120, True),
    ("Apparel > Women > Dresses", "Dress", 35, 150, True),
    ("Apparel > Men > Jackets", "Jacket", 60, 250, True),
    ("Footwear > Unisex > Shoes", "Running Shoe", 60, 200, True),
    ("Supplements > Protein", "Protein Powder", 25, 80, False),
    ("Supplements > Performance", "Pre-Workout", 20, 55, False),
    ("Supplements > Vitamins", "Multivitamin", 10, 40, False),
    ("Equipment > Free Weights", "Kettlebell", 20, 200, False),
    ("Equipment > Mats", "Yoga Mat", 20, 120, False),
    ("Equipment > Bands", "Resistance Band", 10, 45, False),
    ("Accessories > Bags", "Gym Bag", 20, 140, False),
    ("Accessories > Bottles", "Water Bottle", 8, 45, False),
]
MATERIALS = ["cotton", "polyester", "merino wool", "bamboo", "nylon", "recycled polyester", "hemp",
             "fleece", "cork", "rubber", "steel", "plant-based", "whey", "organic"]  # fmt: skip


def synthetic_catalog(n: int, seed: int = 42) -> list[dict[str, Any]]:
    """A large generated catalog for benchmarks: ``n`` products, 4 variants each."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        cat, kind, lo, hi, apparel = TYPES[i % len(TYPES)]
        material = rng.choice(MATERIALS)
        name = f"{rng.choice(ADJ)} {rng.choice(ADJ)} {material.title()} {kind} {i}"
        base = round(rng.uniform(lo, hi), 2)
        if apparel:
            colors = rng.sample(PALETTE, 2)
            sizes = rng.sample(APPAREL_SIZES, 2)
            variants = [
                {"sku": f"S{i}-{j}", "options": {"color": c, "size": s},
                 "price": round(base + j, 2), "stock": _stock(rng)}
                for j, (c, s) in enumerate((c, s) for c in colors for s in sizes)
            ]  # fmt: skip
        else:
            variants = [
                {"sku": f"S{i}-{j}", "options": {"flavor" if "Supplements" in cat else "color":
                 rng.choice(FLAVOURS if "Supplements" in cat else PALETTE)},
                 "price": round(base * (1 + 0.3 * j), 2), "stock": _stock(rng)}
                for j in range(4)
            ]  # fmt: skip
        out.append(
            {
                "source_id": f"syn-{i}",
                "name": name,
                "short_description": f"{material} {kind.lower()} for training",
                "description": "",
                "category": cat,
                "tags": [material, kind.lower(), rng.choice(["gym", "home", "outdoor", "studio"])],
                "variants": variants,
                "url": f"https://bench.example/p/{i}",
            }
        )
    return out
