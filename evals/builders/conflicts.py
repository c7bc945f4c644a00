"""Hand-annotated conflict cases.

What the customer said, a product (or a draft reply), and the conflict types a careful human
would flag. Includes negatives and tricky statements.
Run ``python -m evals.builders.conflicts`` to rewrite ``evals/datasets/conflicts.jsonl``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent.parent / "datasets" / "conflicts.jsonl"

# (history, product source id or None, draft text or None, variant sizes or None, expected types)
CASES: list[tuple[list[str], str | None, str | None, list[str] | None, list[str]]] = [
    (["I'm vegan"], "whey-protein-isolate", None, None, ["dietary"]),
    (["I'm vegan"], "vegan-pea-protein", None, None, []),
    (["I used to be vegan but now I eat everything"], "whey-protein-isolate", None, None, []),
    (["my sister is vegan, I'm buying for me"], "whey-protein-concentrate", None, None, []),
    (["im vegan btw"], "collagen-peptides", None, None, ["dietary"]),
    (["as a vegan I'm careful with supplements"], "omega-3-fish-oil", None, None, ["dietary"]),
    (["I'm vegan"], "algae-omega-3", None, None, []),
    (["I went vegan last year"], "whey-protein-bars-12-pack", None, None, ["dietary"]),
    (["I'm not vegan"], "casein-night-protein", None, None, []),
    (["I'm vegan"], "bcaa-recovery-powder", None, None, ["dietary"]),
    (["vegan here 🌱"], "egg-white-protein", None, None, ["dietary"]),
    (["I'm vegetarian"], "collagen-beauty-gummies", None, None, ["dietary"]),
    (["I'm vegetarian"], "whey-protein-isolate", None, None, []),
    (["I'm lactose intolerant"], "whey-protein-concentrate", None, None, ["dietary"]),
    (["I'm lactose intolerant"], "vegan-pea-protein", None, None, []),
    (["I can't have dairy at all"], "mass-gainer", None, None, ["dietary"]),
    (["I avoid caffeine"], "pre-workout-energy", None, None, ["dietary"]),
    (["I avoid caffeine"], "stim-free-pre-workout", None, None, []),
    (["thinking about going vegan"], "whey-protein-isolate", None, None, []),
    (["I'm allergic to wool"], "womens-merino-wool-tee", None, None, ["allergy"]),
    (["I'm allergic to wool"], "womens-essential-cotton-tee", None, None, []),
    (["I'm allergic to nuts"], "vegan-protein-bars-12-pack", None, None, ["allergy"]),
    (["I have a peanut allergy"], "peanut-butter-protein-cookies", None, None, ["allergy"]),
    (["I'm allergic to tree nuts"], "almond-butter-protein-bites", None, None, ["allergy"]),
    (["my son is allergic to nuts"], "vegan-protein-bars-12-pack", None, None, []),
    (["I'm allergic to soy"], "soy-protein-isolate", None, None, ["allergy"]),
    (["I'm allergic to fish"], "omega-3-fish-oil", None, None, ["allergy"]),
    (["I'm allergic to wool"], "merino-wool-hiking-socks", None, None, ["allergy"]),
    (["I'm allergic to wool"], "knit-sweater-dress", None, None, ["allergy"]),
    (["I'm allergic to wool"], "mens-seamless-base-layer-top", None, None, []),
    (["I have bad knees"], "plyo-box-3-in-1", None, None, ["injury"]),
    (["I have bad knees"], "mini-stepper", None, None, []),
    (["I tore my ACL last year"], "speed-jump-rope", None, None, ["injury"]),
    (["my knee hurts when I run"], "weighted-jump-rope", None, None, ["injury"]),
    (["my husband has bad knees"], "plyo-box-3-in-1", None, None, []),
    (["I hurt my back deadlifting"], "slam-ball", None, None, ["injury"]),
    (["I'm pregnant"], "plyo-box-3-in-1", None, None, ["injury"]),
    (["I'm pregnant"], "stability-ball", None, None, []),
    (["I'm pregnant"], "pre-workout-energy", None, None, ["injury"]),
    (["I have shoulder impingement"], "wooden-gymnastic-rings", None, None, ["injury"]),
    (["I have bad knees"], "yoga-mat-6mm", None, None, []),
    (["I'm a beginner"], "competition-kettlebell", None, None, ["level"]),
    (["I'm a beginner"], "cast-iron-kettlebell", None, None, []),
    (["I just started lifting"], "olympic-barbell-20-kg", None, None, ["level"]),
    (["I've been lifting for 10 years"], "olympic-barbell-20-kg", None, None, []),
    (["my daughter is a beginner"], "parallettes", None, None, []),
    (["I'm new to the gym"], "leather-lifting-belt", None, None, ["level"]),
    (["M was too small in your leggings"], "pocket-running-leggings", None, ["M"], ["fit"]),
    (["medium doesn't fit me"], "womens-running-shorts", None, ["M"], ["fit"]),
    (["I usually wear a medium"], "yoga-flow-leggings", None, ["M"], []),
    (["L was too big"], "womens-classic-pullover-hoodie", None, ["M"], []),
    (["my budget is $50"], "adjustable-dumbbell-set", None, None, ["budget"]),
    (["my budget is $50"], "yoga-mat-6mm", None, None, []),
    (["I can't spend more than 30"], "massage-gun", None, None, ["budget"]),
    (
        ["I have bad knees"],
        None,
        "Try jump squats and burpees three times a week!",
        None,
        ["injury"],
    ),
    (["I have bad knees"], None, "Try glute bridges and wall sits to start.", None, []),
    (["I'm vegan"], None, "Have a whey shake right after training.", None, ["dietary"]),
    (["I'm vegan"], None, "A pea protein shake works great after training.", None, []),
    (
        ["I'm allergic to nuts"],
        None,
        "Add a spoon of peanut butter to your oats.",
        None,
        ["allergy"],
    ),
    (["my mom is vegan"], None, "Whey is the best protein for recovery.", None, []),
    (["I used to have knee pain"], None, "Box jumps are great for power.", None, []),
    (["I'm pregnant"], None, "Finish with a few sets of box jumps.", None, ["injury"]),
    (["I'm vegan and I have bad knees"], "plyo-box-3-in-1", None, None, ["injury"]),
    (
        ["I'm vegan and I have bad knees"],
        None,
        "Jump squats, then a whey shake.",
        None,
        ["dietary", "injury"],
    ),
    (["I'm a beginner and allergic to wool"], "mens-merino-wool-tank", None, None, ["allergy"]),
]


# Batch 2: written after batch-1 failures were fixed; measured before any further change.
CASES_2: list[tuple[list[str], str | None, str | None, list[str] | None, list[str]]] = [
    (["plant based for 3 years now"], "casein-night-protein", None, None, ["dietary"]),
    (["I'm vegan, but my boyfriend isn't"], "vegan-pea-protein", None, None, []),
    (["I'm vegan, but my boyfriend isn't"], "hydrolyzed-whey-protein", None, None, ["dietary"]),
    (["dairy makes me really bloated"], "whey-protein-concentrate", None, None, ["dietary"]),
    (
        ["no caffeine for me after 2pm, I train in the evenings"],
        "pre-workout-energy",
        None,
        None,
        ["dietary"],
    ),
    (["I react badly to wool"], "womens-merino-wool-hoodie", None, None, ["allergy"]),
    (["nut allergy here"], "peanut-butter-protein-cookies", None, None, ["allergy"]),
    (["I had knee surgery in March"], "weighted-jump-rope", None, None, ["injury"]),
    (["I had knee surgery in March"], "extra-thick-pilates-mat-10mm", None, None, []),
    (
        ["my back has been killing me since I lifted something heavy"],
        "training-sandbag",
        None,
        None,
        ["injury"],
    ),
    (["first time ever in a gym lol"], "competition-kettlebell", None, None, ["level"]),
    (["I'm 20 weeks pregnant"], "slam-ball", None, None, ["injury"]),
    (["I love the smell of wool sweaters"], "womens-merino-wool-tee", None, None, []),
    (["My coach is vegan and swears by pea protein"], "whey-protein-isolate", None, None, []),
    (["I'm on a tight budget, max $25"], "foam-roller", None, None, ["budget"]),
    (["I'm on a tight budget, max $25"], "massage-ball-set", None, None, []),
    (["size S always fits me perfectly"], "pocket-running-leggings", None, ["S"], []),
    (["I have bad knees"], None, "For cardio, try the stepper or swimming.", None, []),
    (["I'm vegan"], None, "Collagen peptides in your coffee help your joints.", None, ["dietary"]),
    (
        ["allergic to peanuts"],
        None,
        "Our vegan bars are peanut based, so they're a tasty pick!",
        None,
        ["allergy"],
    ),
]


# Batch 3 (2026-11-21): written before any run on it; measured once before any change:
# 67 cases, precision 0.89, recall 0.50. Misses are paraphrases the rules and prototypes do
# not know ("I only have $20 to spend", "I get hives from wool", "total newbie here",
# "sprained my ankle", "tendonitis"), two false positives ("fish is fine though", "my knee
# injury healed completely"), and drafts naming milk, deadlifts or kipping pull-ups.
CASES_3: list[tuple[list[str], str | None, str | None, list[str] | None, list[str]]] = [
    # dietary
    (["been vegan since 2019 🌱"], "mass-gainer", None, None, ["dietary"]),
    (["I eat fully plant-based"], "bcaa-recovery-powder", None, None, ["dietary"]),
    (["I eat fully plant-based"], "creatine-monohydrate", None, None, []),
    (["no animal products for me please"], "collagen-peptides", None, None, ["dietary"]),
    (["no animal products for me please"], "sleep-support-capsules", None, None, []),
    (["I don't do dairy"], "casein-night-protein", None, None, ["dietary"]),
    (["I don't do dairy"], "egg-white-protein", None, None, []),
    (["I'm lactose intolerant"], "mass-gainer", None, None, ["dietary"]),
    (["I'm lactose intolerant"], "soy-protein-isolate", None, None, []),
    (["my girlfriend is lactose intolerant but I'm not"], "mass-gainer", None, None, []),
    (["I stopped being vegan last summer"], "collagen-beauty-gummies", None, None, []),
    (["I'm trying to cut out caffeine completely"], "pre-workout-energy", None, None, ["dietary"]),
    (["caffeine gives me anxiety"], "stim-free-pre-workout", None, None, []),
    (["I'm vegetarian, fish is fine though"], "omega-3-fish-oil", None, None, []),
    (["I'm vegetarian"], "collagen-peptides", None, None, ["dietary"]),
    (["Is whey ok? I'm vegan"], None, "Our whey isolate is a great post-workout option!", None, ["dietary"]),
    (["I'm vegan"], None, "Mix the plant protein blend with oat milk for a creamy shake.", None, []),
    (["I'm lactose intolerant"], None, "A glass of milk before bed helps recovery.", None, ["dietary"]),
    # allergy
    (["I'm allergic to peanuts"], "almond-butter-protein-bites", None, None, []),
    (["I'm allergic to tree nuts, peanuts are fine"], "peanut-butter-protein-cookies", None, None, []),
    (["I'm allergic to tree nuts"], "vegan-protein-bars-12-pack", None, None, ["allergy"]),
    (["severe nut allergy"], "almond-butter-protein-bites", None, None, ["allergy"]),
    (["I get hives from wool"], "mens-thermal-base-layer-top", None, None, ["allergy"]),
    (["I get hives from wool"], "womens-seamless-base-layer-top", None, None, []),
    (["I'm allergic to soy"], "plant-protein-blend", None, None, []),
    (["my kid has a fish allergy, the supplements are for me"], "omega-3-fish-oil", None, None, []),
    (["I'm allergic to eggs"], "egg-white-protein", None, None, ["allergy"]),
    (["latex allergy!"], "speed-jump-rope", None, None, []),
    (["I'm allergic to shellfish"], "algae-omega-3", None, None, []),
    (["wool makes me itch like crazy"], "merino-wool-hiking-socks", None, None, ["allergy"]),
    (["allergic to nuts"], None, "Try the almond butter bites as a snack before class.", None, ["allergy"]),
    (["allergic to nuts"], None, "Rice cakes with honey make a good pre-workout snack.", None, []),
    # injury
    (["I sprained my ankle two weeks ago"], "agility-ladder", None, None, ["injury"]),
    (["I sprained my ankle two weeks ago"], "adjustable-weight-bench", None, None, []),
    (["my knees are shot from years of football"], "speed-jump-rope", None, None, ["injury"]),
    (["my knees are shot from years of football"], "mini-stepper", None, None, []),
    (["I have a herniated disc"], "olympic-barbell-20-kg", None, None, ["injury"]),
    (["I have a herniated disc"], "stability-ball", None, None, []),
    (["recovering from a rotator cuff tear"], "doorway-pull-up-bar", None, None, ["injury"]),
    (["my knee injury healed completely last year"], "plyo-box-3-in-1", None, None, []),
    (["I'm 7 months pregnant"], "weighted-vest-20-lb", None, None, ["injury"]),
    (["I'm 7 months pregnant"], "stability-ball", None, None, []),
    (["I have tendonitis in my wrist"], "wooden-gymnastic-rings", None, None, ["injury"]),
    (["bad knees"], None, "Start every session with 50 jumping lunges.", None, ["injury"]),
    (["bad knees"], None, "Cycling and swimming are gentle cardio options.", None, []),
    (["lower back pain"], None, "Heavy deadlifts every day will fix that.", None, ["injury"]),
    (["my shoulder is injured"], None, "Do kipping pull-ups to build endurance.", None, ["injury"]),
    # level
    (["never worked out before"], "olympic-barbell-20-kg", None, None, ["level"]),
    (["never worked out before"], "resistance-loop-bands-set", None, None, []),
    (["total newbie here"], "wooden-gymnastic-rings", None, None, ["level"]),
    (["total newbie here"], "neoprene-dumbbell-pair", None, None, []),
    (["I've competed in powerlifting for years"], "leather-lifting-belt", None, None, []),
    (["just getting started with calisthenics"], "parallettes", None, None, ["level"]),
    (["my brother is a beginner, I'm advanced"], "competition-kettlebell", None, None, []),
    # fit
    (["the L was way too big on me"], "womens-puffer-vest", None, ["L"], ["fit"]),
    (["the L was way too big on me"], "womens-puffer-vest", None, ["M"], []),
    (["XS is too tight for me"], "tennis-dress", None, ["XS"], ["fit"]),
    (["XS is too tight for me"], "tennis-dress", None, ["S"], []),
    (["size M fits me great"], "tennis-dress", None, ["M"], []),
    # budget
    (["I only have $20 to spend"], "mini-massage-gun", None, None, ["budget"]),
    (["I only have $20 to spend"], "massage-ball-set", None, None, []),
    (["budget is under 50 dollars"], "cork-yoga-mat", None, None, ["budget"]),
    (["budget is under 50 dollars"], "insulated-water-bottle-32-oz", None, None, []),
    (["money's not an issue"], "adjustable-weight-bench", None, None, []),
    (["I can spend up to $100"], "adjustable-weight-bench", None, None, ["budget"]),
    # mixed
    (["I'm vegan and allergic to nuts"], "vegan-protein-bars-12-pack", None, None, ["allergy"]),
    (["I'm vegan and allergic to nuts"], "whey-protein-bars-12-pack", None, None, ["dietary"]),
]  # fmt: skip


# Batch 4, written before the session's conflict-rule changes and kept unseen while they were
# made: a fresh estimate of how the rules generalise (report row batch_4).
CASES_4: list[tuple[list[str], str | None, str | None, list[str] | None, list[str]]] = [
    # dietary
    (["plant based since 2019 🌱"], "casein-night-protein", None, None, ["dietary"]),
    (["plant based since 2019 🌱"], "soy-protein-isolate", None, None, []),
    (["dairy wrecks my stomach honestly"], "hydrolyzed-whey-protein", None, None, ["dietary"]),
    (["dairy wrecks my stomach honestly"], "egg-white-protein", None, None, []),
    (["I eat halal and vegetarian"], "collagen-peptides", None, None, ["dietary"]),
    (["caffeine gives me heart palpitations"], "pre-workout-energy", None, None, ["dietary"]),
    (["caffeine gives me heart palpitations"], "magnesium-glycinate", None, None, []),
    (["my wife is lactose intolerant but I'm not"], "mass-gainer", None, None, []),
    (["I'm pescatarian"], "omega-3-fish-oil", None, None, []),
    (["vegan for ethical reasons"], None, "Add a scoop of our whey to your oats for extra protein.", None, ["dietary"]),
    (["vegan for ethical reasons"], None, "Pea protein in your oats works great.", None, []),
    (["lactose intolerant here"], None, "Try a cup of Greek yogurt after training.", None, ["dietary"]),
    # allergy
    (["peanuts send me to the ER"], "peanut-butter-protein-cookies", None, None, ["allergy"]),
    (["severe almond allergy"], "almond-butter-protein-bites", None, None, ["allergy"]),
    (["severe almond allergy"], "whey-protein-bars-12-pack", None, None, []),
    (["allergic to soy"], "soy-protein-isolate", None, None, ["allergy"]),
    (["allergic to soy"], "vegan-pea-protein", None, None, []),
    (["merino makes my skin break out"], "womens-merino-wool-tank", None, None, ["allergy"]),
    (["I react to latex and neoprene"], "knee-sleeves-7mm", None, None, ["allergy"]),
    (["egg allergy"], "egg-white-protein", None, None, ["allergy"]),
    # injury
    (["recovering from ACL surgery"], "plyo-box-3-in-1", None, None, ["injury"]),
    (["recovering from ACL surgery"], "mini-stepper", None, None, []),
    (["my knees are killing me lately"], "weighted-jump-rope", None, None, ["injury"]),
    (["rolled my ankle last week"], "speed-jump-rope", None, None, ["injury"]),
    (["rolled my ankle last week"], "foam-roller", None, None, []),
    (["I'm 20 weeks pregnant"], "slam-ball", None, None, ["injury"]),
    (["I'm 20 weeks pregnant"], "stability-ball", None, None, []),
    (["herniated disc in my lower back"], "training-sandbag", None, None, ["injury"]),
    (["herniated disc in my lower back"], None, "Walking and gentle mobility work are a good start.", None, []),
    (["dealing with a rotator cuff tear"], None, "Handstand push-ups will strengthen it.", None, ["injury"]),
    (["my knee surgery was 5 years ago, totally fine now"], "speed-jump-rope", None, None, []),
    (["carpal tunnel in both wrists"], "parallettes", None, None, ["injury"]),
    # level
    (["never touched a weight in my life"], "olympic-barbell-20-kg", None, None, ["level"]),
    (["never touched a weight in my life"], "neoprene-dumbbell-pair", None, None, []),
    (["complete beginner, be gentle lol"], "advanced-hypertrophy-program", None, None, ["level"]),
    (["I've been lifting for 10 years"], "olympic-barbell-20-kg", None, None, []),
    # budget
    (["can't go over 30 bucks"], "massage-gun", None, None, ["budget"]),
    (["can't go over 30 bucks"], "foam-roller", None, None, []),
    (["my budget's around $60"], "adjustable-dumbbell-set", None, None, ["budget"]),
    (["money is tight, $25 max"], "medicine-ball", None, None, []),
    # fit
    (["the M was too short in the torso"], "womens-cropped-hoodie", None, ["M"], ["fit"]),
]  # fmt: skip


# Batch 5, written after the batch-4 rule changes and measured once before any change
# (P 1.00, R 0.65); a dev batch from then on (batch 6 is the held-out one).
CASES_5: list[tuple[list[str], str | None, str | None, list[str] | None, list[str]]] = [
    (["strictly plant-based, no exceptions"], "whey-protein-bars-12-pack", None, None, ["dietary"]),
    (["I don't touch animal products"], "collagen-beauty-gummies", None, None, ["dietary"]),
    (["I don't touch animal products"], "algae-omega-3", None, None, []),
    (["I was vegetarian in college lol"], "omega-3-fish-oil", None, None, []),
    (["milk makes me super bloated"], "whey-protein-concentrate", None, None, ["dietary"]),
    (["milk makes me super bloated"], "plant-protein-blend", None, None, []),
    (["trying to cut caffeine completely"], "pre-workout-energy", None, None, ["dietary"]),
    (["my coach is vegan but I eat everything"], "casein-night-protein", None, None, []),
    (["lactose intolerant"], None, "A protein shake with whole milk is an easy bulk.", None, ["dietary"]),
    (["vegetarian"], None, "Grilled chicken and rice is the classic meal prep.", None, ["dietary"]),
    (["I have a tree nut allergy"], "almond-butter-protein-bites", None, None, ["allergy"]),
    (["I have a tree nut allergy"], "creatine-monohydrate", None, None, []),
    (["allergic to fish"], "omega-3-fish-oil", None, None, ["allergy"]),
    (["wool is a no for me, super itchy"], "mens-merino-wool-hoodie", None, None, ["allergy"]),
    (["latex allergy"], "resistance-loop-bands-set", None, None, []),
    (["tore my meniscus in march"], "plyo-box-3-in-1", None, None, ["injury"]),
    (["tore my meniscus in march"], "extra-thick-pilates-mat-10mm", None, None, []),
    (["I have arthritis in my knees"], "weighted-jump-rope", None, None, ["injury"]),
    (["pregnant with my second 🤰"], "plyo-box-3-in-1", None, None, ["injury"]),
    (["pregnant with my second 🤰"], "maternity-leggings", None, None, []),
    (["bad lower back"], "slam-ball", None, None, ["injury"]),
    (["my shoulder has been clicking and hurts when I press"], "doorway-pull-up-bar", None, None, ["injury"]),
    (["sprained ankle, still swollen"], "agility-ladder", None, None, ["injury"]),
    (["my ankle is fully healed now"], "speed-jump-rope", None, None, []),
    (["brand new to lifting"], "leather-lifting-belt", None, None, ["level"]),
    (["I'm a beginner"], "fabric-booty-bands", None, None, []),
    (["first week at the gym!!"], "rubber-bumper-plates", None, None, ["level"]),
    (["I've got 40 bucks for this"], "vibrating-foam-roller", None, None, ["budget"]),
    (["I've got 40 bucks for this"], "foam-roller", None, None, []),
    (["spending limit is 100"], "massage-gun", None, None, ["budget"]),
    (["the XL swallowed me, way too baggy"], "mens-oversized-hoodie", None, ["XL"], ["fit"]),
]  # fmt: skip


# Batch 6, written before batch 5's errors were read (batch 5 then became a dev batch): the
# held-out figure for the next round of rules (report row batch_6). First measurement, before
# any change: P 1.00, R 0.33; after the batch-5 round of patterns R 0.47. With the trained fact
# classifier (threshold chosen on batches 1-5), measured once: P 1.00, R 0.87 (13 of 15). A dev
# batch since.
CASES_6: list[tuple[list[str], str | None, str | None, list[str] | None, list[str]]] = [
    (["no meat no dairy no eggs for me"], "egg-white-protein", None, None, ["dietary"]),
    (["no meat no dairy no eggs for me"], "vegan-pea-protein", None, None, []),
    (["cheese and milk make me sick"], "casein-night-protein", None, None, ["dietary"]),
    (["I quit caffeine last month and feel amazing"], "pre-workout-energy", None, None, ["dietary"]),
    (["my daughter has a nut allergy, this is for me though"], "almond-butter-protein-bites", None, None, []),
    (["nuts are a big no, I carry an epipen"], "peanut-butter-protein-cookies", None, None, ["allergy"]),
    (["wool irritates my skin"], "knit-sweater-dress", None, None, ["allergy"]),
    (["wool irritates my skin"], "casual-lounge-dress", None, None, []),
    (["just had knee replacement surgery"], "weighted-jump-rope", None, None, ["injury"]),
    (["my back goes out if I lift anything heavy"], "training-sandbag", None, None, ["injury"]),
    (["expecting twins in june!"], "plyo-box-3-in-1", None, None, ["injury"]),
    (["expecting twins in june!"], "maternity-leggings", None, None, []),
    (["broke my wrist skiing in january"], "parallettes", None, None, ["injury"]),
    (["shoulder surgery 3 months ago"], None, "Kipping pull-ups are a fun way to build endurance.", None, ["injury"]),
    (["shoulder surgery 3 months ago"], None, "Start with light band pull-aparts.", None, []),
    (["gym newbie 🙋‍♀️"], "advanced-hypertrophy-program", None, None, ["level"]),
    (["gym newbie 🙋‍♀️"], "12-week-beginner-strength-program", None, None, []),
    (["never done calisthenics before"], "wooden-gymnastic-rings", None, None, ["level"]),
    (["looking to spend no more than $50"], "massage-gun", None, None, ["budget"]),
    (["looking to spend no more than $50"], "foam-roller", None, None, []),
    (["I've only got about 15 bucks"], "lifting-gloves", None, None, ["budget"]),
    (["the S pinched under the arms"], "womens-racerback-tank", None, ["S"], ["fit"]),
    (["I'm allergic to cats lol"], "womens-merino-wool-tee", None, None, []),
    (["vegetarian"], "vitamin-d3-k2", None, None, []),
]  # fmt: skip

# Batch 7, written before the trained fact classifier (and its training clauses) existed:
# a second held-out set, with batch 6, for that method. First measurement, with the rules and
# prototype matcher of the time: P 1.00, R 0.55 (12 of 22). With the trained fact classifier
# (threshold chosen on batches 1-5), measured once: P 0.95, R 0.91 (20 of 22). A dev batch since.
CASES_7: list[tuple[list[str], str | None, str | None, list[str] | None, list[str]]] = [
    (["hey! quick q", "I eat 100% plants, have done for years"], "casein-night-protein", None, None, ["dietary"]),
    (["no meat no dairy no eggs, that's my life"], "egg-white-protein", None, None, ["dietary"]),
    (["no meat no dairy no eggs, that's my life"], "soy-protein-isolate", None, None, []),
    (["my whole family went vegan except me 😅"], "hydrolyzed-whey-protein", None, None, []),
    (["I gave up meat for lent"], "collagen-peptides", None, None, ["dietary"]),
    (["cheese and me don't get along, my stomach hates it"], "mass-gainer", None, None, ["dietary"]),
    (["dairy wrecks my gut"], "vegan-pea-protein", None, None, []),
    (["coffee gives me the jitters and heart palpitations so I stay away"], "pre-workout-energy", None, None, ["dietary"]),
    (["is the pre workout vegan? my girlfriend wants it"], "pre-workout-energy", None, None, []),
    (["doc told me to avoid stimulants"], "pre-workout-energy", None, None, ["dietary"]),
    (["I carry an epipen for peanuts"], "peanut-butter-protein-cookies", None, None, ["allergy"]),
    (["I carry an epipen for peanuts"], "almond-butter-protein-bites", None, None, []),
    (["soy doesn't agree with me at all"], "soy-protein-isolate", None, None, ["allergy"]),
    (["merino is fine, it's cheap wool that makes me scratch"], "mens-merino-wool-tee", None, None, []),
    (["my skin freaks out with latex"], None, "Grab a latex loop band set and you're good to go.", None, ["allergy"]),
    (["eggs make my throat swell"], "egg-white-protein", None, None, ["allergy"]),
    (["my son has a nut allergy, I'm ordering for myself"], "vegan-protein-bars-12-pack", None, None, []),
    (["had my knee scoped last month"], "speed-jump-rope", None, None, ["injury"]),
    (["had my knee scoped last month"], "mini-stepper", None, None, []),
    (["my knees crack and ache on stairs"], None, "Add 3 sets of box jumps to finish the session.", None, ["injury"]),
    (["herniated disc at L5"], "training-sandbag", None, None, ["injury"]),
    (["herniated disc at L5"], "foam-roller", None, None, []),
    (["dislocated my shoulder playing rugby, still rehabbing"], "wooden-gymnastic-rings", None, None, ["injury"]),
    (["carpal tunnel in both hands"], "parallettes", None, None, ["injury"]),
    (["we're expecting in april! (me, not my partner lol)"], "plyo-box-3-in-1", None, None, ["injury"]),
    (["my wife is 6 months along, looking for a gift for me"], "weighted-vest-20-lb", None, None, []),
    (["rolled my ankle on a trail run last week"], "agility-ladder", None, None, ["injury"]),
    (["never lifted a weight in my life"], "competition-kettlebell", None, None, ["level"]),
    (["never lifted a weight in my life"], "neoprene-dumbbell-pair", None, None, []),
    (["just starting my fitness journey, be nice 🙈"], "olympic-barbell-20-kg", None, None, ["level"]),
    (["been training 10 years, competed in powerlifting"], "leather-lifting-belt", None, None, []),
    (["trying to keep it under thirty bucks"], "weighted-jump-rope", None, None, ["budget"]),
    (["trying to keep it under thirty bucks"], "speed-jump-rope", None, None, []),
    (["money's tight, 50 is the most I can do"], "training-sandbag", None, None, ["budget"]),
    (["my boss said the team budget is 20 each, but this one is for me personally"], "foam-roller", None, None, []),
    (["medium was like a tent on me"], "womens-oversized-hoodie", None, ["M"], ["fit"]),
    (["I'm usually an L, sometimes M"], "mens-dryfit-training-tee", None, ["L"], []),
    (["I'm lactose intolerant"], None, "Blend it with oat milk and a banana.", None, []),
    (["celiac here"], "super-greens-powder", None, None, []),
    (["I used to have bad knees but physio fixed them"], "plyo-box-3-in-1", None, None, []),
    (["pescatarian, but no fish oil pills, they make me burp"], "algae-omega-3", None, None, []),
]  # fmt: skip


# Batch 8, written after the round on batches 6-7 (fact classifier examples, 'except me'),
# before any run on it: the held-out figure for the fact classifier as it now stands. First
# measurement: P 0.84, R 0.89 (16 of 18 found, 3 false conflicts).
CASES_8: list[tuple[list[str], str | None, str | None, list[str] | None, list[str]]] = [
    (["ethically vegan for 6 years now 🐮💚"], "collagen-peptides", None, None, ["dietary"]),
    (["ethically vegan for 6 years now 🐮💚"], "vegan-eaa-intra-workout", None, None, []),
    (["I eat plant based at home but meat when I'm out, so flexible really"], "whey-protein-isolate", None, None, []),
    (["strict veggie, no gelatin either"], "collagen-beauty-gummies", None, None, ["dietary"]),
    (["cow's milk destroys my stomach"], "casein-night-protein", None, None, ["dietary"]),
    (["milk is totally fine for me"], "whey-protein-concentrate", None, None, []),
    (["one espresso and I'm up till 3am, I keep clear of the stuff"], "pre-workout-energy", None, None, ["dietary"]),
    (["I love caffeine, the stronger the better"], "pre-workout-energy", None, None, []),
    (["anaphylactic to tree nuts"], "almond-butter-protein-bites", None, None, ["allergy"]),
    (["peanut allergy in the house (my daughter), I'm fine though"], "peanut-butter-protein-cookies", None, None, []),
    (["fish gives me a nasty rash"], "omega-3-fish-oil", None, None, ["allergy"]),
    (["contact dermatitis from nickel, so careful with metal stuff"], None, "The chrome handles on these are nickel-plated steel.", None, ["allergy"]),
    (["I had my ACL reconstructed in june"], "weighted-jump-rope", None, None, ["injury"]),
    (["my knees feel great these days"], "plyo-box-3-in-1", None, None, []),
    (["two slipped discs in my lower spine"], "slam-ball", None, None, ["injury"]),
    (["my back's been sore from gardening but nothing serious"], "yoga-mat-6mm", None, None, []),
    (["my rotator cuff is still healing from a fall"], "doorway-pull-up-bar", None, None, ["injury"]),
    (["I fractured my wrist snowboarding and it's still stiff"], "ab-roller-wheel", None, None, ["injury"]),
    (["currently 14 weeks with baby #2"], "speed-jump-rope", None, None, ["injury"]),
    (["currently 14 weeks with baby #2"], "stability-ball", None, None, []),
    (["ankle keeps giving way since I tore the ligaments"], "plyo-box-3-in-1", None, None, ["injury"]),
    (["totally new to working out, like zero experience"], "parallettes", None, None, ["level"]),
    (["totally new to working out, like zero experience"], "resistance-loop-bands-set", None, None, []),
    (["I'm a beginner-friendly coach for my clients but I've lifted 15 years myself"], "olympic-barbell-20-kg", None, None, []),
    (["can't really go above 60 right now"], "mini-massage-gun", None, None, ["budget"]),
    (["can't really go above 60 right now"], "slam-ball", None, None, []),
    (["got a hundred to spend on recovery stuff"], "massage-gun", None, None, ["budget"]),
    (["the large hung off my shoulders like a sack"], "mens-oversized-pump-cover-tee", None, ["L"], ["fit"]),
    (["the large hung off my shoulders like a sack"], "mens-oversized-pump-cover-tee", None, ["M"], []),
    (["I'm vegan"], None, "Top it with a scoop of Greek yogurt for extra protein.", None, ["dietary"]),
    (["bad knees"], None, "Try the low-impact step-ups, slow and controlled.", None, []),
]  # fmt: skip


def build() -> list[dict[str, Any]]:
    """Rows in LangSmith example format, alternating dev/test."""
    rows = []
    cases = (
        [(1, c) for c in CASES]
        + [(2, c) for c in CASES_2]
        + [(3, c) for c in CASES_3]
        + [(4, c) for c in CASES_4]
        + [(5, c) for c in CASES_5]
        + [(6, c) for c in CASES_6]
        + [(7, c) for c in CASES_7]
        + [(8, c) for c in CASES_8]
    )
    for i, (batch, (history, product, draft, sizes, expected)) in enumerate(cases):
        inputs: dict[str, Any] = {"history": history}
        if product:
            inputs["product_source_id"] = f"demo-{product}"
        if draft:
            inputs["draft"] = draft
        if sizes:
            inputs["variant_sizes"] = sizes
        rows.append(
            {
                "inputs": inputs,
                "outputs": {"conflicts": sorted(expected)},
                "metadata": {
                    "id": f"cf-{i:03d}",
                    "split": "dev" if i % 2 == 0 else "test",
                    "batch": batch,
                },
            }
        )
    return rows


if __name__ == "__main__":
    rows = build()
    OUT.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8"
    )
    negatives = sum(not r["outputs"]["conflicts"] for r in rows)
    print(f"wrote {len(rows)} rows ({negatives} without conflict) to {OUT}")
