"""Reply templates of the offline back-end, per brand voice.

Placeholders are filled only with values taken from tool results, so a reply cannot name a product, price or stock level that the
tools did not return.
"""

from __future__ import annotations

VOICES = ("professional", "casual", "playful", "luxury")

OPENERS = {
    "professional": "Thanks for your message!",
    "casual": "Hey!",
    "playful": "Heyyy 👋",
    "luxury": "Thank you for reaching out.",
}
PRODUCTS_INTRO = {
    "professional": "Here are the best matches:",
    "casual": "Here's what I'd look at:",
    "playful": "Ooh, good taste! Check these out 👇",
    "luxury": "May I suggest the following pieces:",
}
PRODUCT_LINE = "• {name} – {price}{variant_note}{stock_note}{url}"
RELAXED = {
    "professional": "Nothing matched every filter, so I {details}.",
    "casual": "Nothing matched everything, so I {details}.",
    "playful": "Couldn't find an exact match, so I {details} 🙈",
    "luxury": "Nothing matched every preference, so I have {details}.",
}
NOT_CARRIED = {
    "professional": "I couldn't find {kind} in the shop by that name; these come closest.",
    "casual": "Hmm, I couldn't find {kind} in the shop by that name, but these come closest.",
    "playful": "No {kind} in the shop by that name 🙈 but these come closest!",
    "luxury": "I'm afraid I couldn't find {kind} in the collection by that name; these come closest.",
}
NO_RESULTS = {
    "professional": "I couldn't find anything matching “{query}” in the shop right now. Could you tell me a bit more about what you need?",
    "casual": "Hmm, I couldn't find anything for “{query}” in the shop right now. Want to tell me a bit more about what you're after?",
    "playful": "Oops, nothing in the shop for “{query}” right now 😅 Tell me more and I'll dig around!",
    "luxury": "I'm afraid nothing in the collection matches “{query}” at the moment. Could you share a little more about what you have in mind?",
}
NOT_SOLD = {
    "professional": "I'm sorry, we don't sell {item}.",
    "casual": "Sorry, we don't sell {item}.",
    "playful": "Ah, we don't sell {item}, sorry! 🙈",
    "luxury": "I'm afraid we don't offer {item}.",
}
CLARIFY = {  # {kinds}: the shop's own first categories ("houseplants, pots & planters or ...")
    "professional": "Happy to help! What are you looking for: {kinds}? Any budget, size or colour in mind?",
    "casual": "Happy to help! What are you after: {kinds}? Any budget, size or colour?",
    "playful": "Ooh, shopping time! 🛍️ {kinds}? Budget, size or fave colour?",
    "luxury": "It would be my pleasure. Are you looking for {kinds}, and do you have a budget, size or colour in mind?",
}
ATTRIBUTE_YES = "Yes — {name}: {evidence}."
ATTRIBUTE_NO = "No — {name}: {evidence}."
ATTRIBUTE_NO_OPTION = "No — {name} doesn't come in {attribute}; it comes in {values}."
ATTRIBUTE_NO_TOGETHER = "No — {name} doesn't come in {asked}; {evidence}."
ATTRIBUTE_NOT_LISTED = "No — {attribute} isn't listed for {name}."
ATTRIBUTE_UNKNOWN_SUITS = (
    "I can't tell from the {name} listing whether it's ok {attribute}; I'll check with {creator}."
)
ATTRIBUTE_UNKNOWN = (
    "I can't tell from the {name} listing whether it's {attribute}; I'll check with {creator}."
)
# a question in its own words ("could it live out on our patio"): not said back as an adjective
ATTRIBUTE_UNKNOWN_ASKED = "The {name} listing doesn't say; I'll check that with {creator}."
ANSWER_YES = "Yes!"
POLICY_YES = "Yes — "  # a yes/no policy question whose passage names the thing asked
POLICY_NO = "No — "  # ... or rules it out
UNMET_NOTE = " — no {asked} {option}, closest is {closest}"
SOLD_OUT_NOTE = " — sold out right now"
VARIANTS_CLOSEST = "{name} doesn't come in {asked}; the closest is {closest} ({available})."
VARIANTS_AVAILABLE = "{name} in {asked}: available{prices}."
VARIANTS_UNAVAILABLE = "{name} in {asked} is not in stock right now."
VARIANTS_LIST = "{name} comes in {options}."
PRICE_LINE = "{name} is {price}{detail}."
COMPARE_LINE = "• {name}: {price}{tags}"
COMPARE_WHICH = {
    "professional": "Happy to compare! Which products do you have in mind?",
    "casual": "Happy to compare! Which ones are you deciding between?",
    "playful": "Ooh, a showdown! 🥊 Which ones are you torn between?",
    "luxury": "With pleasure. Which pieces would you like me to compare?",
}
COMPARE_CHEAPEST = "{name} is the more affordable option."
GENERAL = {
    "professional": "Great question: “{question}”. I'll pass it to {creator} so you get a proper answer.",
    "casual": "Great question (“{question}”)! I'll pass it to {creator} so you get a proper answer.",
    "playful": "Ooh, love this question: “{question}” 🤓 Passing it to {creator} for a proper answer!",
    "luxury": "An excellent question: “{question}”. I shall pass it to {creator} for a considered answer.",
}
SUPPORT = {
    "professional": "I'm sorry for the trouble. I've passed this to {creator}'s team and a person will reply here shortly.",
    "casual": "Sorry about that! I've passed this to {creator}'s team and a real person will get back to you here soon.",
    "playful": "Oh no, sorry! 😬 I've flagged this for {creator}'s team and a human will jump in here soon.",
    "luxury": "Please accept my apologies. I have passed this to {creator}'s team personally, and someone will reply here shortly.",
}
NOTED = {
    "professional": "Thank you for letting me know; I'll keep that in mind. What are you looking for?",
    "casual": "Thanks for letting me know, I'll keep that in mind! What are you after?",
    "playful": "Noted, I'll keep that in mind! 📝 What are we looking for?",
    "luxury": "Thank you for telling me; I shall keep that in mind. What may I help you find?",
}
GREETING = {
    "professional": "How can I help you today?",
    "casual": "What can I help you with?",
    "playful": "What are we shopping for today? 💪",
    "luxury": "How may I assist you today?",
}
THANKS = {
    "professional": "You're welcome! Anything else I can help with?",
    "casual": "Anytime! Anything else?",
    "playful": "Anytime!! 🙌 Need anything else?",
    "luxury": "It is my pleasure. Is there anything else I may help with?",
}
OTHER = {
    "professional": "Thanks for the message! I'm the shop assistant, so I'll pass this on to {creator}.",
    "casual": "Thanks for the message! I help with the shop, so I'll pass this on to {creator}.",
    "playful": "Haha thanks! 😄 I'm just the shop helper, so I'll pass this on to {creator}.",
    "luxury": "Thank you for your message. I assist with the boutique and will pass this on to {creator}.",
}
CONFLICT_HIGH = "Heads up: {name} isn't a good fit since you mentioned {fact} ({evidence})."
CONFLICT_MEDIUM = "Note: {name} may not suit {fact} ({evidence})."
CONFLICT_LABELS = {
    "vegan": "you're vegan",
    "vegetarian": "you're vegetarian",
    "lactose_intolerant": "you're lactose intolerant",
    "caffeine_free": "you avoid caffeine",
    "knee": "your knee",
    "back": "your back",
    "shoulder": "your shoulder",
    "wrist": "your wrist",
    "pregnancy": "your pregnancy",
    "beginner": "you're just starting out",
}


# Public reply under a comment whose answer went out as Instagram's private reply, per voice.
COMMENT_ANSWERED_PRIVATELY = {
    "professional": "Thank you for asking, we have sent you the details in a direct message.",
    "casual": "Just sent you a DM with the details!",
    "playful": "Check your DMs, the details are on their way! ✨",
    "luxury": "With pleasure, the details await you in your messages.",
}
