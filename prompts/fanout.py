"""Wording of fan-out drafts (offline back-end) and of approval requests.

Drafts never invent facts: their substance is the creator's canonical answer; these strings
only greet, acknowledge the fan's question, soften for beginners and add conflict caveats.
"""

from __future__ import annotations

GREETING = {"emoji": "Hey! 👋", "plain": "Hi!"}
ACK = "You asked: “{question}”"
ACK_MANY = "You asked a couple of things, so here's the answer to all of them:"
APOLOGY = "Sorry for the wait, and thanks for your patience."
EXCITED_CLOSER = {"emoji": "So glad you asked! 🙌", "plain": "So glad you asked!"}
CLOSER = {
    "emoji": "Any other questions, just message me 💬",
    "plain": "Any other questions, just message me.",
}
BEGINNER_NOTE = "No stress if you're just starting out: go at your own pace."

# Plain words for jargon when the fan is a beginner (the canonical answer keeps its facts).
PLAIN_WORDS = {
    "hypertrophy": "muscle growth",
    "progressive overload": "adding a little more weight or reps over time",
    "compound lifts": "big exercises that work several muscles",
    "compound movements": "big exercises that work several muscles",
    "macros": "protein, carbs and fat",
    "macronutrients": "protein, carbs and fat",
    "rpe": "effort level",
    "doms": "muscle soreness",
    "caloric deficit": "eating a bit less than you burn",
    "calorie deficit": "eating a bit less than you burn",
    "tdee": "daily calorie needs",
    "1rm": "the most you can lift once",
    "amrap": "as many reps as you can",
    "deload": "an easier recovery week",
}

# Caveats when a draft conflicts with what the fan said before; {fact} and {evidence} come
# from the conflict check.
CAVEAT = {
    "dietary": "Since you mentioned you're {fact}, skip the {evidence} part; message me and I'll "
    "suggest an alternative that fits.",
    "allergy": "You mentioned a {fact} allergy, so please avoid {evidence}; I'll check a safe "
    "alternative for you.",
    "injury": "With your {fact} in mind, please skip {evidence} and check with your physio "
    "first; I can suggest a gentler option.",
    "level": "As you're {fact}, start lighter than this and build up slowly.",
}
CAVEAT_DEFAULT = "Given what you told me before ({fact}), please double-check this fits you."

DRAFT_DESCRIPTION = """### Reply to {customer_id} ({chat_id})

**Cluster:** {cluster_title}
**Their question(s):** {questions}

**Draft**

{draft}

**Confidence:** {confidence:.2f}
**Conflicts:** {conflicts}
**Checks:** {checks}
"""

READY_DESCRIPTION = """### Send {n} ready replies for “{cluster_title}”

Every draft below passed the checks (no conflicts, confidence ≥ {min_confidence:.2f}).
Accept to send all; edit ``draft_ids`` to send some; ignore to send none.

{lines}
"""

REPLY_DESCRIPTION = """### Reply to {customer_id} ({channel}) needs your OK

**Why:** {reasons}

**They wrote:** {message}

**Draft reply**

{reply}
"""

# -- LLM back-end ---------------------------------------------------------------------------
DRAFT_SYSTEM = """You write one direct-message reply for {creator_name}, a creator, to a fan.
The creator already answered this question for everyone (the canonical answer below). Rules:
- Keep the canonical answer's substance: every number, price, code and link exactly as written.
  Add no facts, products or promises it does not contain.
- Answer each question this fan asked, in the creator's voice: {style}.
- {adapt}
- {conflicts}
- At most {max_chars} characters. Write only the message, no preamble or quotes."""

DRAFT_USER = """Canonical answer:
{answer}

The fan asked:
{questions}

What the fan told us before: {profile}"""

STYLE_WORDS = {
    "emoji": "uses an emoji or two",
    "no_emoji": "no emoji",
    "exclaims": "upbeat, with exclamation marks",
    "short": "short sentences (about {n} words)",
    "long": "full sentences (about {n} words)",
    "technical": "technical terms are fine",
}
ADAPT_BEGINNER = "This fan is a beginner: explain jargon in plain words."
ADAPT_FRUSTRATED = "This fan waited or is frustrated: apologise briefly first."
ADAPT_DEFAULT = "Be warm and personal; mention what they asked."
CONFLICTS_NONE = "Nothing in the answer conflicts with what the fan told us."
CONFLICTS_SOME = (
    "Careful: {items}. Do not recommend that part to this fan; say so kindly and offer that the "
    "creator suggests an alternative."
)

TITLE_SYSTEM = """You name groups of fan questions for a creator's dashboard.
Reply with a short name (2 to 6 words, no quotes, no trailing period) for what they all ask."""

TITLE_USER = """Questions:
{questions}

Keywords: {keywords}"""
