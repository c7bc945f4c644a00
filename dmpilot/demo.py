"""Deterministic demo data: a fitness coach's shop, and synthetic catalogs for benchmarks.

The demo catalog is realistic on purpose (apparel with colour/size variants, supplements with
flavours and dietary tags, equipment with weights and levels, accessories, programs), because
tests and evaluations of search, conflicts and replies run against it. Same seed, same catalog,
same source ids.
"""

from __future__ import annotations

import random
import re
from typing import Any

DEMO_CREATOR: dict[str, Any] = {
    "id": "demo",
    "name": "Maya Moves (fitness coaching & shop)",
    "brand_voice": "casual",
    "currency": "USD",
    "store_url": "https://shop.mayamoves.example",
    "channel_settings": {"dm": {"max_chars": 1000}, "comment": {"max_chars": 300}},
}
STORE = DEMO_CREATOR["store_url"]

PALETTE = [
    "Black", "Navy", "Heather Grey", "White", "Olive", "Burgundy", "Dusty Rose", "Sky Blue",
    "Charcoal", "Lavender", "Sage", "Coral", "Sand", "Royal Blue", "Red", "Mustard",
]  # fmt: skip
APPAREL_SIZES = ["XS", "S", "M", "L", "XL"]
MEN_SIZES = ["S", "M", "L", "XL", "XXL"]
SHOE_SIZES = ["6", "7", "8", "9", "10", "11", "12"]
FLAVOURS = ["Chocolate", "Vanilla", "Strawberry", "Cookies & Cream", "Salted Caramel", "Unflavored"]

# (line name, material, base price, tags, description hook)
APPAREL: dict[str, dict[str, Any]] = {
    "Leggings": {
        "genders": ["Women"],
        "price": 48,
        "lines": [
            (
                "Seamless High-Waist Leggings",
                "nylon/spandex",
                ["squat-proof", "high-waist"],
                "buttery seamless knit that stays put in squats and lunges",
            ),
            (
                "Pocket Running Leggings",
                "polyester/spandex",
                ["running", "pockets"],
                "side pockets that hold a phone on long runs",
            ),
            (
                "Thermal Winter Leggings",
                "brushed polyester fleece",
                ["winter", "warm"],
                "fleece-lined for cold outdoor sessions",
            ),
            (
                "Sculpt 7/8 Leggings",
                "nylon/spandex",
                ["compression", "high-waist"],
                "firm compression with a 7/8 length",
            ),
            (
                "Yoga Flow Leggings",
                "bamboo viscose",
                ["yoga", "soft", "casual"],
                "ultra soft and breathable for yoga and lounging",
            ),
            (
                "Scrunch Butt Leggings",
                "nylon/spandex",
                ["scrunch", "gym"],
                "contour seam that lifts and shapes",
            ),
            (
                "Flare Leggings",
                "cotton/spandex",
                ["casual", "lounge", "flare"],
                "relaxed flare leg for studio-to-street",
            ),
            (
                "Compression Leggings",
                "polyester/elastane",
                ["compression", "recovery"],
                "graduated compression that supports recovery",
            ),
            (
                "Capri Leggings",
                "nylon/spandex",
                ["capri", "gym", "summer"],
                "cropped capri length for hot days",
            ),
            (
                "Maternity Leggings",
                "cotton/spandex",
                ["maternity", "soft", "pregnancy"],
                "over-the-bump waistband for pregnancy",
            ),
        ],
    },
    "Sports Bras": {
        "genders": ["Women"],
        "price": 38,
        "lines": [
            (
                "Light Support Yoga Bra",
                "bamboo viscose",
                ["yoga", "low-impact"],
                "light support for yoga, pilates and walking",
            ),
            (
                "Medium Support Sports Bra",
                "nylon/spandex",
                ["gym", "medium-impact"],
                "everyday gym support with removable pads",
            ),
            (
                "High Impact Running Bra",
                "polyester/spandex",
                ["running", "high-impact"],
                "encapsulated cups for running and HIIT",
            ),
            (
                "Racerback Sports Bra",
                "cotton/spandex",
                ["racerback", "casual"],
                "classic racerback in soft cotton",
            ),
            (
                "Longline Sports Bra",
                "nylon/spandex",
                ["longline", "medium-impact"],
                "longline cut that doubles as a crop top",
            ),
            (
                "Strappy Back Bra",
                "recycled polyester",
                ["strappy", "low-impact", "eco"],
                "strappy back detail made from recycled bottles",
            ),
            (
                "Front Zip Sports Bra",
                "nylon/spandex",
                ["front-zip", "high-impact"],
                "easy on, easy off front zip with high support",
            ),
        ],
    },
    "Tank Tops": {
        "genders": ["Women", "Men"],
        "price": 26,
        "lines": [
            ("Muscle Tank", "cotton", ["gym", "casual"], "dropped armholes for lifting days"),
            (
                "Racerback Tank",
                "polyester",
                ["running", "breathable"],
                "light racerback that dries fast",
            ),
            (
                "Mesh Training Tank",
                "recycled polyester mesh",
                ["breathable", "hiit", "eco"],
                "mesh panels for hot HIIT sessions",
            ),
            (
                "Merino Wool Tank",
                "merino wool",
                ["wool", "odor-resistant"],
                "merino wool that resists odour on multi-day trips",
            ),
            (
                "Cropped Training Tank",
                "polyester/spandex",
                ["cropped", "gym", "breathable"],
                "cropped cut that shows off the waistband",
            ),
        ],
    },
    "T-Shirts": {
        "genders": ["Women", "Men"],
        "price": 30,
        "lines": [
            (
                "Essential Cotton Tee",
                "organic cotton",
                ["casual", "everyday", "organic"],
                "heavyweight organic cotton for every day",
            ),
            (
                "DryFit Training Tee",
                "polyester",
                ["gym", "moisture-wicking"],
                "moisture-wicking tee for sweaty sessions",
            ),
            (
                "Oversized Pump Cover Tee",
                "cotton",
                ["oversized", "casual", "gym"],
                "boxy oversized fit to throw over a tank",
            ),
            (
                "Bamboo Soft Tee",
                "bamboo viscose",
                ["soft", "casual", "eco"],
                "silky bamboo fabric, great for sensitive skin",
            ),
            (
                "Merino Wool Tee",
                "merino wool",
                ["wool", "odor-resistant", "hiking"],
                "temperature-regulating merino wool",
            ),
            (
                "Long Sleeve Running Tee",
                "polyester",
                ["running", "long-sleeve", "reflective"],
                "reflective details for early morning runs",
            ),
        ],
    },
    "Hoodies": {
        "genders": ["Women", "Men"],
        "price": 62,
        "lines": [
            (
                "Classic Pullover Hoodie",
                "cotton fleece",
                ["casual", "warm", "lounge"],
                "brushed fleece pullover for cold mornings",
            ),
            (
                "Zip-Up Training Hoodie",
                "polyester/cotton",
                ["gym", "zip"],
                "full zip with thumbholes for warm-ups",
            ),
            (
                "Merino Wool Hoodie",
                "merino wool",
                ["wool", "warm", "hiking"],
                "lightweight merino wool mid-layer",
            ),
            ("Cropped Hoodie", "cotton fleece", ["cropped", "casual"], "cropped boxy fit"),
            (
                "Oversized Hoodie",
                "heavyweight cotton",
                ["oversized", "casual", "lounge"],
                "dropped shoulders, heavyweight oversized fit",
            ),
        ],
    },
    "Shorts": {
        "genders": ["Women", "Men"],
        "price": 34,
        "lines": [
            (
                "Running Shorts",
                "polyester",
                ["running", "lightweight", "pockets"],
                "5 inch split hem with a zip pocket",
            ),
            (
                "2-in-1 Training Shorts",
                "polyester/spandex",
                ["gym", "liner"],
                "built-in compression liner",
            ),
            (
                "Biker Shorts",
                "nylon/spandex",
                ["cycling", "squat-proof"],
                "high-waisted biker shorts",
            ),
            (
                "Lifting Shorts",
                "cotton/polyester",
                ["gym", "lifting"],
                "stretch waistband for deep squats",
            ),
            (
                "Mesh Basketball Shorts",
                "polyester mesh",
                ["basketball", "breathable", "casual"],
                "long mesh shorts for court and gym",
            ),
        ],
    },
    "Joggers": {
        "genders": ["Women", "Men"],
        "price": 58,
        "lines": [
            (
                "Tapered Joggers",
                "cotton/polyester",
                ["casual", "lounge"],
                "tapered leg with ankle cuffs",
            ),
            ("Cargo Joggers", "cotton twill", ["casual", "pockets"], "cargo pockets, relaxed fit"),
            (
                "Lightweight Track Pants",
                "nylon",
                ["running", "lightweight"],
                "packable track pants for warm-ups",
            ),
            (
                "Fleece Joggers",
                "cotton fleece",
                ["warm", "lounge", "winter"],
                "brushed fleece joggers for cold days",
            ),
        ],
    },
    "Jackets": {
        "genders": ["Women", "Men"],
        "price": 89,
        "lines": [
            (
                "Windbreaker Running Jacket",
                "nylon",
                ["running", "windproof", "reflective"],
                "packable windbreaker with reflective trim",
            ),
            (
                "Rain Shell Jacket",
                "recycled nylon",
                ["waterproof", "hiking", "eco"],
                "waterproof shell with sealed seams",
            ),
            (
                "Puffer Vest",
                "nylon with synthetic fill",
                ["warm", "casual", "winter"],
                "warm synthetic puffer vest",
            ),
            (
                "Softshell Training Jacket",
                "polyester softshell",
                ["windproof", "gym", "stretch"],
                "stretchy softshell for outdoor bootcamps",
            ),
        ],
    },
    "Base Layers": {
        "genders": ["Women", "Men"],
        "price": 55,
        "lines": [
            (
                "Thermal Base Layer Top",
                "merino wool",
                ["wool", "thermal", "winter", "hiking"],
                "merino wool thermal top for skiing and winter runs",
            ),
            (
                "Seamless Base Layer Top",
                "polyester",
                ["thermal", "seamless", "winter"],
                "synthetic seamless base layer, wool-free",
            ),
        ],
    },
    "Dresses": {
        "genders": ["Women"],
        "price": 64,
        "lines": [
            (
                "Tennis Dress",
                "polyester/spandex",
                ["tennis", "sporty", "built-in shorts"],
                "sporty tennis dress with built-in shorts",
            ),
            (
                "Active Sport Dress",
                "nylon/spandex",
                ["sporty", "gym", "built-in bra"],
                "built-in bra and shorts for court or trail",
            ),
            (
                "Running Dress",
                "recycled polyester",
                ["running", "sporty", "pockets"],
                "lightweight running dress with pockets",
            ),
            (
                "Casual Lounge Dress",
                "cotton jersey",
                ["casual", "lounge", "everyday"],
                "relaxed cotton jersey dress for rest days",
            ),
            (
                "Wrap Midi Dress",
                "bamboo viscose",
                ["casual", "midi", "everyday"],
                "soft wrap dress for brunch after the gym",
            ),
            (
                "T-Shirt Dress",
                "organic cotton",
                ["casual", "oversized", "everyday"],
                "oversized tee dress in organic cotton",
            ),
            (
                "Knit Sweater Dress",
                "wool blend",
                ["casual", "wool", "winter", "warm"],
                "cozy wool blend knit for winter",
            ),
        ],
    },
}

SHOES = [
    (
        "Cross Training Shoes",
        110,
        ["gym", "hiit", "stable"],
        "flat stable sole for lifting and HIIT",
    ),
    ("Road Running Shoes", 130, ["running", "cushioned"], "cushioned daily trainer for road miles"),
    (
        "Minimalist Barefoot Shoes",
        95,
        ["barefoot", "minimalist", "advanced"],
        "zero-drop minimalist shoe; transition slowly",
    ),
    ("Trail Running Shoes", 140, ["trail", "running", "grippy"], "lugged outsole for trails"),
]
SOCKS = [
    ("Crew Training Socks 3-Pack", 18, "cotton blend", ["gym", "cushioned"]),
    ("No-Show Running Socks 3-Pack", 16, "polyester", ["running", "no-show"]),
    ("Merino Wool Hiking Socks", 22, "merino wool", ["wool", "hiking", "warm"]),
    ("Compression Recovery Socks", 28, "nylon/spandex", ["compression", "recovery"]),
]

# name, category leaf, price, flavours?, weights, tags, diet/allergen metadata, description
SUPPLEMENTS: list[tuple[str, str, float, bool, list[str], list[str], dict[str, Any], str]] = [
    (
        "Whey Protein Isolate",
        "Protein",
        54.99,
        True,
        ["2 lb", "5 lb"],
        ["whey", "dairy", "low-lactose", "gluten-free"],
        {"diet": ["whey", "dairy"], "allergens": ["milk"]},
        "25 g of fast-digesting whey isolate per scoop",
    ),
    (
        "Whey Protein Concentrate",
        "Protein",
        39.99,
        True,
        ["2 lb", "5 lb"],
        ["whey", "dairy", "contains-lactose"],
        {"diet": ["whey", "dairy"], "allergens": ["milk"]},
        "budget-friendly whey concentrate, 22 g protein",
    ),
    (
        "Hydrolyzed Whey Protein",
        "Protein",
        64.99,
        True,
        ["2 lb"],
        ["whey", "dairy", "fast-absorbing"],
        {"diet": ["whey", "dairy"], "allergens": ["milk"]},
        "pre-digested whey for quick recovery",
    ),
    (
        "Vegan Pea Protein",
        "Protein",
        44.99,
        True,
        ["2 lb", "4 lb"],
        ["vegan", "plant-based", "dairy-free", "lactose-free", "gluten-free"],
        {"diet": ["vegan"]},
        "pea protein isolate, 24 g per scoop, no dairy",
    ),
    (
        "Plant Protein Blend",
        "Protein",
        49.99,
        True,
        ["2 lb"],
        ["vegan", "plant-based", "dairy-free", "lactose-free"],
        {"diet": ["vegan"]},
        "pea, rice and pumpkin seed protein blend",
    ),
    (
        "Soy Protein Isolate",
        "Protein",
        34.99,
        True,
        ["2 lb"],
        ["vegan", "plant-based", "soy", "dairy-free"],
        {"diet": ["vegan"], "allergens": ["soy"]},
        "complete plant protein from soy",
    ),
    (
        "Casein Night Protein",
        "Protein",
        47.99,
        True,
        ["2 lb"],
        ["casein", "dairy", "contains-lactose", "slow-release"],
        {"diet": ["dairy"], "allergens": ["milk"]},
        "slow-digesting casein for overnight recovery",
    ),
    (
        "Egg White Protein",
        "Protein",
        52.99,
        True,
        ["2 lb"],
        ["egg", "dairy-free", "lactose-free", "paleo"],
        {"diet": ["egg"], "allergens": ["egg"]},
        "dairy-free protein from egg whites",
    ),
    (
        "Mass Gainer",
        "Protein",
        59.99,
        True,
        ["6 lb", "12 lb"],
        ["whey", "dairy", "bulking", "contains-lactose"],
        {"diet": ["whey", "dairy"], "allergens": ["milk"]},
        "1,200 calories per serving for hard gainers",
    ),
    (
        "Collagen Peptides",
        "Protein",
        36.99,
        False,
        ["1 lb"],
        ["collagen", "bovine", "gluten-free", "dairy-free"],
        {"diet": ["bovine"]},
        "grass-fed bovine collagen for joints and skin",
    ),
    (
        "Creatine Monohydrate",
        "Performance",
        29.99,
        False,
        ["300 g", "500 g"],
        ["creatine", "vegan", "unflavored", "strength"],
        {"diet": ["vegan"]},
        "pure micronised creatine monohydrate, 5 g daily",
    ),
    (
        "Creatine HCl Capsules",
        "Performance",
        34.99,
        False,
        ["120 caps"],
        ["creatine", "vegan", "capsules"],
        {"diet": ["vegan"]},
        "no bloating creatine HCl",
    ),
    (
        "Pre-Workout Energy",
        "Performance",
        39.99,
        True,
        ["30 servings"],
        ["pre-workout", "caffeine", "energy", "vegan"],
        {"diet": ["vegan"], "caffeine_mg": 250},
        "250 mg caffeine with beta-alanine and citrulline",
    ),
    (
        "Stim-Free Pre-Workout",
        "Performance",
        39.99,
        True,
        ["30 servings"],
        ["pre-workout", "caffeine-free", "pump", "vegan"],
        {"diet": ["vegan"]},
        "pump and focus without caffeine, for evening training",
    ),
    (
        "BCAA Recovery Powder",
        "Performance",
        32.99,
        True,
        ["30 servings"],
        ["bcaa", "recovery", "non-vegan"],
        {"diet": ["animal-derived"]},
        "2:1:1 BCAAs for recovery",
    ),
    (
        "Vegan EAA Intra-Workout",
        "Performance",
        36.99,
        True,
        ["30 servings"],
        ["eaa", "vegan", "fermented", "recovery"],
        {"diet": ["vegan"]},
        "plant-fermented essential amino acids",
    ),
    (
        "Electrolyte Hydration Mix",
        "Hydration",
        24.99,
        True,
        ["30 sticks"],
        ["electrolytes", "hydration", "vegan", "sugar-free"],
        {"diet": ["vegan"]},
        "sodium, potassium and magnesium, zero sugar",
    ),
    (
        "Coconut Water Hydration Powder",
        "Hydration",
        27.99,
        True,
        ["20 sticks"],
        ["electrolytes", "hydration", "vegan", "natural"],
        {"diet": ["vegan"]},
        "coconut water based electrolyte powder",
    ),
    (
        "Daily Multivitamin",
        "Vitamins",
        21.99,
        False,
        ["60 tabs"],
        ["vitamins", "daily", "vegetarian"],
        {"diet": ["vegetarian"]},
        "23 vitamins and minerals",
    ),
    (
        "Vegan Multivitamin",
        "Vitamins",
        24.99,
        False,
        ["60 tabs"],
        ["vitamins", "vegan", "b12"],
        {"diet": ["vegan"]},
        "with B12, D3 from lichen and iron",
    ),
    (
        "Vitamin D3 + K2",
        "Vitamins",
        16.99,
        False,
        ["90 softgels"],
        ["vitamins", "d3", "immunity"],
        {"diet": ["vegetarian"]},
        "for bones and immunity",
    ),
    (
        "Omega-3 Fish Oil",
        "Vitamins",
        22.99,
        False,
        ["90 softgels"],
        ["omega-3", "fish", "heart", "non-vegan"],
        {"diet": ["fish"], "allergens": ["fish"]},
        "high EPA/DHA fish oil",
    ),
    (
        "Algae Omega-3",
        "Vitamins",
        29.99,
        False,
        ["60 softgels"],
        ["omega-3", "vegan", "algae", "heart"],
        {"diet": ["vegan"]},
        "vegan omega-3 from algae oil",
    ),
    (
        "Magnesium Glycinate",
        "Vitamins",
        18.99,
        False,
        ["120 caps"],
        ["magnesium", "sleep", "recovery", "vegan"],
        {"diet": ["vegan"]},
        "gentle magnesium for sleep and cramps",
    ),
    (
        "Ashwagandha KSM-66",
        "Vitamins",
        19.99,
        False,
        ["60 caps"],
        ["adaptogen", "stress", "vegan"],
        {"diet": ["vegan"]},
        "adaptogen for stress and recovery",
    ),
    (
        "Super Greens Powder",
        "Wellness",
        39.99,
        False,
        ["30 servings"],
        ["greens", "vegan", "gut-health"],
        {"diet": ["vegan"]},
        "spirulina, chlorella and probiotics",
    ),
    (
        "Whey Protein Bars 12-Pack",
        "Snacks",
        29.99,
        True,
        ["12 bars"],
        ["protein-bar", "whey", "dairy", "snack"],
        {"diet": ["whey", "dairy"], "allergens": ["milk"]},
        "20 g whey protein per bar",
    ),
    (
        "Vegan Protein Bars 12-Pack",
        "Snacks",
        31.99,
        True,
        ["12 bars"],
        ["protein-bar", "vegan", "plant-based", "snack", "contains nuts"],
        {"diet": ["vegan"], "allergens": ["peanut"]},
        "15 g plant protein, peanut based",
    ),
    (
        "Peanut Butter Protein Cookies",
        "Snacks",
        24.99,
        False,
        ["12 cookies"],
        ["snack", "peanut", "contains nuts", "whey"],
        {"diet": ["whey"], "allergens": ["peanut", "milk"]},
        "soft-baked cookies with 16 g protein",
    ),
    (
        "Almond Butter Protein Bites",
        "Snacks",
        19.99,
        False,
        ["10 bites"],
        ["snack", "almond", "tree nuts", "vegan"],
        {"diet": ["vegan"], "allergens": ["tree nuts"]},
        "almond butter bites with pea protein",
    ),
    (
        "Collagen Beauty Gummies",
        "Wellness",
        26.99,
        False,
        ["60 gummies"],
        ["collagen", "gelatin", "non-vegan", "beauty"],
        {"diet": ["gelatin"]},
        "collagen gummies for hair, skin and nails",
    ),
    (
        "Sleep Support Capsules",
        "Wellness",
        23.99,
        False,
        ["60 caps"],
        ["sleep", "melatonin-free", "vegan"],
        {"diet": ["vegan"]},
        "magnesium, L-theanine and glycine",
    ),
]

# name, category, base price, weights or None, tags, level, description
EQUIPMENT: list[tuple[str, str, float, list[str] | None, list[str], str, str]] = [
    (
        "Hex Dumbbell",
        "Free Weights",
        2.2,
        ["5 lb", "10 lb", "15 lb", "20 lb", "25 lb", "30 lb", "40 lb", "50 lb"],
        ["dumbbell", "rubber", "home gym"],
        "all",
        "rubber hex head dumbbell, sold singly",
    ),
    (
        "Neoprene Dumbbell Pair",
        "Free Weights",
        14,
        ["2 lb", "3 lb", "5 lb", "8 lb"],
        ["dumbbell", "light", "home", "colorful"],
        "beginner",
        "soft-coated light dumbbells in pairs",
    ),
    (
        "Adjustable Dumbbell Set",
        "Free Weights",
        299,
        ["5-52.5 lb"],
        ["dumbbell", "adjustable", "home gym", "space-saving"],
        "intermediate",
        "dial from 5 to 52.5 lb in seconds",
    ),
    (
        "Cast Iron Kettlebell",
        "Free Weights",
        1.9,
        ["8 kg", "12 kg", "16 kg", "20 kg", "24 kg"],
        ["kettlebell", "cast iron"],
        "all",
        "classic cast iron kettlebell",
    ),
    (
        "Competition Kettlebell",
        "Free Weights",
        3.1,
        ["16 kg", "24 kg", "32 kg"],
        ["kettlebell", "competition", "advanced"],
        "advanced",
        "steel competition bell for sport",
    ),
    (
        "Olympic Barbell 20 kg",
        "Free Weights",
        279,
        None,
        ["barbell", "olympic", "advanced", "powerlifting"],
        "advanced",
        "28 mm shaft, 1,500 lb rated",
    ),
    (
        "Rubber Bumper Plates",
        "Free Weights",
        1.6,
        ["10 lb", "25 lb", "45 lb"],
        ["plates", "olympic", "advanced"],
        "advanced",
        "dead-bounce bumper plates, per plate",
    ),
    (
        "Medicine Ball",
        "Free Weights",
        3.0,
        ["6 lb", "10 lb", "14 lb", "20 lb"],
        ["medicine ball", "core", "throws"],
        "all",
        "soft shell medicine ball for throws",
    ),
    (
        "Slam Ball",
        "Free Weights",
        3.0,
        ["15 lb", "20 lb", "30 lb"],
        ["slam ball", "hiit", "power", "high-impact"],
        "intermediate",
        "no-bounce slam ball",
    ),
    (
        "Resistance Loop Bands Set",
        "Bands",
        19,
        None,
        ["bands", "mini bands", "beginner-friendly", "travel", "low-impact"],
        "beginner",
        "five loop bands from extra light to extra heavy",
    ),
    (
        "Long Resistance Bands",
        "Bands",
        29,
        ["Light", "Medium", "Heavy"],
        ["bands", "pull-up assist", "mobility"],
        "all",
        "41 inch power bands",
    ),
    (
        "Fabric Booty Bands",
        "Bands",
        24,
        None,
        ["bands", "glutes", "non-slip", "beginner-friendly"],
        "beginner",
        "non-slip fabric hip bands, set of three",
    ),
    (
        "Tube Bands with Handles",
        "Bands",
        32,
        None,
        ["bands", "handles", "home", "beginner-friendly", "low-impact"],
        "beginner",
        "stackable tube bands with door anchor",
    ),
    (
        "Yoga Mat 6mm",
        "Mats",
        45,
        None,
        ["yoga", "mat", "non-slip", "beginner-friendly"],
        "all",
        "6 mm cushioned non-slip TPE mat",
    ),
    (
        "Extra Thick Pilates Mat 10mm",
        "Mats",
        52,
        None,
        ["pilates", "mat", "thick", "joint-friendly", "knee-friendly"],
        "beginner",
        "10 mm thick for sensitive knees and floor work",
    ),
    (
        "Travel Yoga Mat 2mm",
        "Mats",
        39,
        None,
        ["yoga", "mat", "travel", "foldable"],
        "all",
        "foldable 2 mm mat for travel",
    ),
    (
        "Cork Yoga Mat",
        "Mats",
        79,
        None,
        ["yoga", "mat", "cork", "eco", "natural"],
        "all",
        "natural cork top, grippy when sweaty",
    ),
    (
        "Puzzle Gym Floor Tiles",
        "Mats",
        34,
        None,
        ["flooring", "home gym", "foam"],
        "all",
        "interlocking foam tiles, pack of 6",
    ),
    (
        "Foam Roller",
        "Recovery",
        29,
        None,
        ["foam roller", "recovery", "mobility"],
        "all",
        "medium density foam roller",
    ),
    (
        "Vibrating Foam Roller",
        "Recovery",
        89,
        None,
        ["foam roller", "vibration", "recovery"],
        "all",
        "four vibration speeds for deep recovery",
    ),
    (
        "Massage Gun",
        "Recovery",
        149,
        None,
        ["massage gun", "percussion", "recovery"],
        "all",
        "percussion massager with 6 heads",
    ),
    (
        "Mini Massage Gun",
        "Recovery",
        79,
        None,
        ["massage gun", "travel", "recovery"],
        "all",
        "pocket-size percussion massager",
    ),
    (
        "Massage Ball Set",
        "Recovery",
        19,
        None,
        ["massage ball", "trigger point", "recovery"],
        "all",
        "lacrosse and spiky balls for trigger points",
    ),
    (
        "Speed Jump Rope",
        "Cardio",
        24,
        None,
        ["jump rope", "cardio", "hiit", "high-impact"],
        "intermediate",
        "ball-bearing speed rope for double-unders",
    ),
    (
        "Weighted Jump Rope",
        "Cardio",
        34,
        None,
        ["jump rope", "cardio", "high-impact"],
        "intermediate",
        "1 lb weighted rope for conditioning",
    ),
    (
        "Plyo Box 3-in-1",
        "Cardio",
        159,
        None,
        ["plyo box", "box jumps", "jumping", "high-impact", "advanced"],
        "advanced",
        "20/24/30 inch wooden box for box jumps",
    ),
    (
        "Agility Ladder",
        "Cardio",
        22,
        None,
        ["agility", "speed", "footwork"],
        "all",
        "15 ft ladder for footwork drills",
    ),
    (
        "Mini Stepper",
        "Cardio",
        99,
        None,
        ["stepper", "low-impact", "home cardio", "knee-friendly"],
        "beginner",
        "quiet low-impact cardio at home",
    ),
    (
        "Doorway Pull-Up Bar",
        "Strength",
        39,
        None,
        ["pull-up bar", "home", "upper body"],
        "intermediate",
        "fits doorways 24-36 inches, no screws",
    ),
    (
        "Ab Roller Wheel",
        "Strength",
        25,
        None,
        ["ab wheel", "core", "abs"],
        "intermediate",
        "dual wheel ab roller with knee pad",
    ),
    (
        "Adjustable Weight Bench",
        "Strength",
        219,
        None,
        ["bench", "incline", "home gym"],
        "all",
        "7 back positions, 700 lb capacity",
    ),
    (
        "Weighted Vest 20 lb",
        "Strength",
        89,
        None,
        ["weighted vest", "walking", "calisthenics"],
        "intermediate",
        "adjustable vest with removable weights",
    ),
    (
        "Parallettes",
        "Strength",
        49,
        None,
        ["calisthenics", "parallettes", "advanced"],
        "advanced",
        "steel parallettes for L-sits and handstands",
    ),
    (
        "Wooden Gymnastic Rings",
        "Strength",
        45,
        None,
        ["rings", "calisthenics", "advanced"],
        "advanced",
        "birch rings with numbered straps",
    ),
    (
        "Suspension Trainer",
        "Strength",
        119,
        None,
        ["suspension", "bodyweight", "travel"],
        "all",
        "bodyweight straps with door anchor",
    ),
    (
        "Training Sandbag",
        "Strength",
        69,
        None,
        ["sandbag", "functional", "strongman"],
        "intermediate",
        "fillable sandbag up to 80 lb",
    ),
    (
        "Ankle Weights Pair",
        "Strength",
        1.5,
        ["2 lb", "5 lb"],
        ["ankle weights", "glutes", "walking"],
        "beginner",
        "adjustable ankle weights, per pair",
    ),
    (
        "Stability Ball",
        "Balance",
        25,
        ["55 cm", "65 cm", "75 cm"],
        ["stability ball", "core", "pregnancy-safe", "beginner-friendly"],
        "beginner",
        "anti-burst ball for core and mobility",
    ),
    (
        "Balance Trainer Dome",
        "Balance",
        99,
        None,
        ["balance", "core", "rehab"],
        "all",
        "half-dome balance trainer",
    ),
    (
        "Aerobic Step Platform",
        "Cardio",
        59,
        None,
        ["step", "aerobics", "low-impact"],
        "beginner",
        "adjustable height step platform",
    ),
]

ACCESSORIES: list[tuple[str, str, float, list[str] | None, list[str], str]] = [
    (
        "Classic Shaker Bottle 28 oz",
        "Bottles",
        12,
        ["Black", "White", "Sky Blue", "Coral"],
        ["shaker", "bpa-free"],
        "leak-proof shaker with whisk ball",
    ),
    (
        "Stainless Steel Shaker",
        "Bottles",
        28,
        ["Black", "Silver"],
        ["shaker", "insulated"],
        "insulated steel shaker that does not hold smells",
    ),
    (
        "Insulated Water Bottle 32 oz",
        "Bottles",
        34,
        ["Black", "Sage", "Lavender", "Navy", "White"],
        ["water bottle", "insulated"],
        "keeps water cold for 24 hours",
    ),
    (
        "Half Gallon Water Jug",
        "Bottles",
        22,
        ["Black", "Pink", "Sky Blue"],
        ["water bottle", "hydration", "time markers"],
        "time-marked jug to hit your water goal",
    ),
    (
        "Gym Duffel Bag",
        "Bags",
        65,
        ["Black", "Olive", "Navy"],
        ["bag", "duffel", "shoe compartment"],
        "40 L duffel with a vented shoe pocket",
    ),
    (
        "Yoga Mat Bag",
        "Bags",
        32,
        ["Sand", "Black"],
        ["bag", "yoga", "canvas"],
        "canvas mat carrier",
    ),
    (
        "Drawstring Gym Sack",
        "Bags",
        15,
        ["Black", "Red", "Royal Blue"],
        ["bag", "lightweight"],
        "light drawstring bag",
    ),
    (
        "Training Backpack 25 L",
        "Bags",
        79,
        ["Black", "Charcoal"],
        ["bag", "backpack", "laptop"],
        "laptop sleeve and separate wet pocket",
    ),
    (
        "Lifting Gloves",
        "Lifting Gear",
        24,
        ["S", "M", "L", "XL"],
        ["gloves", "grip", "calluses"],
        "padded palms to prevent calluses",
    ),
    (
        "Wrist Wraps",
        "Lifting Gear",
        19,
        None,
        ["wrist wraps", "pressing", "support"],
        "18 inch wraps for heavy pressing",
    ),
    (
        "Lifting Straps",
        "Lifting Gear",
        16,
        None,
        ["straps", "grip", "deadlift"],
        "cotton straps for heavy pulls",
    ),
    (
        "Leather Lifting Belt",
        "Lifting Gear",
        89,
        ["S", "M", "L", "XL"],
        ["belt", "leather", "powerlifting", "advanced"],
        "10 mm leather belt for heavy squats",
    ),
    (
        "Knee Sleeves 7mm",
        "Lifting Gear",
        49,
        ["S", "M", "L", "XL"],
        ["knee sleeves", "knee support", "squats", "neoprene"],
        "7 mm neoprene knee support",
    ),
    (
        "Elbow Sleeves",
        "Lifting Gear",
        34,
        ["S", "M", "L"],
        ["elbow sleeves", "support", "neoprene"],
        "warm, supportive elbow sleeves",
    ),
    ("Chalk Ball", "Lifting Gear", 9, None, ["chalk", "grip"], "refillable chalk ball"),
    (
        "Liquid Chalk",
        "Lifting Gear",
        14,
        None,
        ["chalk", "grip", "mess-free"],
        "mess-free liquid chalk",
    ),
    (
        "Sweatband Headband 3-Pack",
        "Small Accessories",
        14,
        None,
        ["headband", "sweat"],
        "absorbent terry headbands",
    ),
    (
        "Microfiber Gym Towel",
        "Small Accessories",
        16,
        ["Black", "Grey", "Navy"],
        ["towel", "quick-dry"],
        "quick-dry microfiber towel",
    ),
    (
        "Cooling Towel",
        "Small Accessories",
        12,
        ["Sky Blue", "Pink"],
        ["towel", "cooling", "summer"],
        "stays cold when wet for hot workouts",
    ),
    (
        "Phone Armband",
        "Small Accessories",
        18,
        None,
        ["armband", "running", "phone"],
        "sweat-proof running armband",
    ),
    (
        "Meal Prep Containers 10-Pack",
        "Kitchen",
        25,
        None,
        ["meal prep", "containers", "bpa-free"],
        "microwave-safe 3 compartment containers",
    ),
    (
        "Digital Food Scale",
        "Kitchen",
        19,
        None,
        ["food scale", "macros", "nutrition"],
        "weigh your portions to the gram",
    ),
    (
        "Workout Journal",
        "Small Accessories",
        18,
        None,
        ["journal", "tracking", "planner"],
        "12 week training log",
    ),
    (
        "Grip Socks for Pilates",
        "Small Accessories",
        14,
        ["S", "M", "L"],
        ["socks", "pilates", "barre", "non-slip"],
        "non-slip grip socks for pilates and barre",
    ),
    (
        "Door Anchor for Bands",
        "Small Accessories",
        9,
        None,
        ["bands", "door anchor", "home"],
        "attach tube bands to any door",
    ),
]

PROGRAMS: list[tuple[str, float, list[str], str, str]] = [
    (
        "12-Week Beginner Strength Program",
        49,
        ["program", "beginner-friendly", "strength", "pdf"],
        "beginner",
        "three full-body sessions a week, videos for every lift",
    ),
    (
        "Advanced Hypertrophy Program",
        79,
        ["program", "advanced", "hypertrophy", "pdf"],
        "advanced",
        "five-day split for experienced lifters",
    ),
    (
        "Home Dumbbell Program",
        39,
        ["program", "home", "dumbbell", "pdf"],
        "all",
        "build muscle at home with two dumbbells",
    ),
    (
        "Knee-Friendly Low Impact Program",
        45,
        ["program", "low-impact", "knee-friendly", "pdf"],
        "beginner",
        "no jumping, joint-friendly conditioning",
    ),
    (
        "Vegan Meal Plan (4 weeks)",
        29,
        ["meal plan", "vegan", "nutrition", "pdf"],
        "all",
        "high-protein plant-based recipes",
    ),
    (
        "Fat Loss Meal Plan (4 weeks)",
        29,
        ["meal plan", "nutrition", "fat loss", "pdf"],
        "all",
        "calorie-controlled plan with shopping lists",
    ),
    (
        "1:1 Online Coaching (1 month)",
        199,
        ["coaching", "personal", "online"],
        "all",
        "custom training and nutrition with weekly check-ins",
    ),
    (
        "Postpartum Core Program",
        49,
        ["program", "postpartum", "core", "low-impact"],
        "beginner",
        "gentle core rebuilding after pregnancy",
    ),
]


def slugify(text: str) -> str:
    """URL slug."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower().replace("'", "")).strip("-")


def _stock(rng: random.Random) -> int:
    return 0 if rng.random() < 0.08 else rng.randint(1, 40)


def _product(
    name: str, category: str, description: str, short: str, tags: list[str],
    variants: list[dict[str, Any]], meta: dict[str, Any], featured: bool = False,
) -> dict[str, Any]:  # fmt: skip
    slug = slugify(name)
    return {
        "source_id": f"demo-{slug}",
        "name": name,
        "description": description,
        "short_description": short,
        "category": category,
        "tags": tags,
        "brand": "Maya Moves",
        "currency": "USD",
        "url": f"{STORE}/products/{slug}",
        "main_image": f"{STORE}/images/{slug}.jpg",
        "images": [f"{STORE}/images/{slug}.jpg", f"{STORE}/images/{slug}-2.jpg"],
        "featured": featured,
        "metadata": meta,
        "variants": variants,
    }


def demo_catalog(seed: int = 7) -> list[dict[str, Any]]:
    """The demo creator's catalog as dmpilot JSON product dicts (>= 200 products)."""
    rng = random.Random(seed)
    products: list[dict[str, Any]] = []
    for family, spec in APPAREL.items():
        for gender in spec["genders"]:
            for line, material, tags, hook in spec["lines"]:
                name = line if len(spec["genders"]) == 1 else f"{gender}'s {line}"
                colors = rng.sample(PALETTE, rng.randint(3, 5))
                sizes = APPAREL_SIZES if gender == "Women" else MEN_SIZES
                price = round(spec["price"] + rng.choice([-6, -4, 0, 0, 4, 8]) - 0.01, 2)
                variants = [
                    {
                        "sku": f"{slugify(name)[:18]}-{slugify(c)[:6]}-{s}".upper(),
                        "options": {"color": c, "size": s},
                        "price": round(price + (2 if s in ("XL", "XXL") else 0), 2),
                        "compare_at_price": round(price * 1.25, 2) if rng.random() < 0.15 else None,
                        "stock": _stock(rng),
                    }
                    for c in colors
                    for s in sizes
                ]
                level = "advanced" if "advanced" in tags else "all"
                impact = next((t.split("-")[0] for t in tags if t.endswith("-impact")), None)
                desc = (
                    f"{name} in {material}: {hook}. Available in {', '.join(colors)}, "
                    f"sizes {sizes[0]}-{sizes[-1]}."
                )
                meta = {"material": material, "gender": gender.lower(), "level": level}
                if impact:
                    meta["impact"] = impact
                products.append(
                    _product(
                        name,
                        f"Apparel > {gender} > {family}",
                        desc,
                        hook.capitalize(),
                        tags + [material.split("/")[0], gender.lower()],
                        variants,
                        meta,
                        featured=rng.random() < 0.1,
                    )
                )
    for gender in ("Women", "Men"):
        for line, price, tags, hook in SHOES:
            name = f"{gender}'s {line}"
            colors = rng.sample(["Black", "White", "Navy", "Heather Grey", "Coral", "Olive"], 3)
            variants = [
                {"sku": f"{slugify(name)[:18]}-{slugify(c)[:5]}-{s}".upper(),
                 "options": {"color": c, "size": s}, "price": price - 0.01, "stock": _stock(rng)}
                for c in colors
                for s in SHOE_SIZES
            ]  # fmt: skip
            level = "advanced" if "advanced" in tags else "all"
            products.append(
                _product(
                    name,
                    f"Footwear > {gender} > Shoes",
                    f"{name}: {hook}.",
                    hook.capitalize(),
                    tags + ["shoes", gender.lower()],
                    variants,
                    {"gender": gender.lower(), "level": level},
                )
            )
    for line, price, material, tags in SOCKS:
        variants = [
            {"sku": f"{slugify(line)[:18]}-{s}".upper(), "options": {"size": s}, "price": price - 0.01,
             "stock": _stock(rng)}
            for s in ("S", "M", "L")
        ]  # fmt: skip
        products.append(
            _product(line, "Apparel > Unisex > Socks", f"{line} in {material}.", f"{material} socks",
                     tags + ["socks", material.split("/")[0]], variants, {"material": material})
        )  # fmt: skip
    for name, leaf, price, flavoured, weights, tags, meta, hook in SUPPLEMENTS:
        flavours = rng.sample(FLAVOURS[:-1], rng.randint(2, 4)) if flavoured else [None]
        variants = []
        for w_i, w in enumerate(weights):
            for fl in flavours:
                sup_opts: dict[str, str] = {"weight": w}
                if fl:
                    sup_opts["flavor"] = fl
                variants.append(
                    {"sku": f"{slugify(name)[:16]}-{slugify(fl or 'plain')[:6]}-{slugify(w)}".upper(),
                     "options": sup_opts, "price": round(price * (1 + 1.2 * w_i), 2),
                     "stock": _stock(rng)}
                )  # fmt: skip
        desc = (
            f"{name}: {hook}. "
            + (f"Flavours: {', '.join(f for f in flavours if f)}. " if flavoured else "")
            + f"Dietary: {', '.join(meta.get('diet', []))}."
        )
        if meta.get("allergens"):
            desc += f" Contains: {', '.join(meta['allergens'])}."
        products.append(
            _product(name, f"Supplements > {leaf}", desc, hook.capitalize(), tags, variants, meta,
                     featured=name in {"Whey Protein Isolate", "Vegan Pea Protein"})
        )  # fmt: skip
    for name, leaf, price, eq_weights, tags, level, hook in EQUIPMENT:
        if eq_weights:
            variants = []
            for w in eq_weights:
                nums = re.findall(r"\d+(?:\.\d+)?", w)
                num = float(nums[0]) if nums else 1.0
                unit_price = price * num if price < 5 else price
                variants.append(
                    {"sku": f"{slugify(name)[:16]}-{slugify(w)}".upper(), "options": {"weight": w},
                     "price": round(unit_price + 0.99, 2), "stock": _stock(rng)}
                )  # fmt: skip
        else:
            variants = [
                {"sku": slugify(name)[:20].upper(), "price": price - 0.01, "stock": _stock(rng)}
            ]
            if leaf in {"Mats", "Recovery"} and "gun" not in name.lower():
                colors = rng.sample(
                    ["Black", "Lavender", "Sage", "Sky Blue", "Coral", "Charcoal"], 3
                )
                variants = [
                    {"sku": f"{slugify(name)[:16]}-{slugify(c)[:6]}".upper(), "options": {"color": c},
                     "price": price - 0.01, "stock": _stock(rng)}
                    for c in colors
                ]  # fmt: skip
        meta = {"level": level}
        if "high-impact" in tags or "jumping" in tags:
            meta["impact"] = "high"
        desc = f"{name}: {hook}. Level: {level}."
        products.append(
            _product(name, f"Equipment > {leaf}", desc, hook.capitalize(), tags, variants, meta)
        )
    for name, leaf, price, opts, tags, hook in ACCESSORIES:
        if opts and opts[0] in APPAREL_SIZES + ["XXL"]:
            variants = [{"sku": f"{slugify(name)[:16]}-{o}".upper(), "options": {"size": o},
                         "price": price - 0.01, "stock": _stock(rng)} for o in opts]  # fmt: skip
        elif opts:
            variants = [{"sku": f"{slugify(name)[:16]}-{slugify(o)[:6]}".upper(),
                         "options": {"color": o}, "price": price - 0.01, "stock": _stock(rng)}
                        for o in opts]  # fmt: skip
        else:
            variants = [
                {"sku": slugify(name)[:20].upper(), "price": price - 0.01, "stock": _stock(rng)}
            ]
        acc_meta = {"material": "leather"} if "leather" in tags else {}
        if "advanced" in tags:
            acc_meta["level"] = "advanced"
        products.append(
            _product(name, f"Accessories > {leaf}", f"{name}: {hook}.", hook.capitalize(), tags,
                     variants, acc_meta)
        )  # fmt: skip
    for name, price, tags, level, hook in PROGRAMS:
        variants = [{"sku": slugify(name)[:20].upper(), "price": price - 0.01}]
        products.append(
            _product(name, "Programs & Coaching", f"{name}: {hook}. Level: {level}.",
                     hook.capitalize(), tags + ["digital"], variants, {"level": level, "digital": True})
        )  # fmt: skip
    # A few items that are entirely sold out, as real shops have.
    for p in products[5::37]:
        for v in p["variants"]:
            v["stock"] = 0
    return products


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
