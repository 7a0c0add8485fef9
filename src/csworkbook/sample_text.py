"""Free text for the sample datasets: survey comments, hotel comment cards, social posts.

Each text is built from templates with slots (``{item}``, ``{hold}``, ...) filled from word
lists, so that few rows repeat word for word. What a text says follows from its row: its
topic suits the channel or department, and its tone follows the row's scores (survey CSAT,
effort and recommend; hotel rating) or the sentiment the generator meant a post to carry.

Some social posts are written to catch out a word-counting sentiment tool such as VADER,
as real posts do: sarcasm ("Great, another fortnight waiting for a delivery"), negation
("Couldn't be happier"), mixed posts that bury a complaint under praise, rhetorical
questions, and complaints with no emotional word at all. ``social_post`` says which kind of
post it wrote, so that tests can count them. Plain posts are worded so that VADER reads
them as meant.

Businesses named are the fictional ones of the sample data; no person is named.
"""

from __future__ import annotations

import re

import numpy as np

_SLOT = re.compile(r"\{(\w+)\}")


class Phrases:
    """Fills templates from word lists with its own random stream."""

    def __init__(self, rng: np.random.Generator, words: dict[str, list[str]]):
        self.rng = rng
        self.words = words

    def pick(self, options):
        return options[int(self.rng.integers(len(options)))]

    def chance(self, p: float) -> bool:
        return bool(self.rng.random() < p)

    def fill(self, template: str, chosen: dict[str, str] | None = None) -> str:
        """The template with every slot filled; a slot named twice gets the same words."""
        chosen = {} if chosen is None else chosen

        def slot(match):
            name = match.group(1)
            if name not in chosen:
                chosen[name] = self.fill(self.pick(self.words[name]), chosen)
            return chosen[name]

        return _SLOT.sub(slot, template)

    def say(self, *templates: str, **given) -> str:
        """Fill the templates (empty ones skipped) and join them into tidy text."""
        chosen = {k: str(v) for k, v in given.items()}
        return tidy(" ".join(self.fill(t, chosen) for t in templates if t))


def tidy(text: str) -> str:
    """One space between words, no space before punctuation, "an" before a vowel, capitals after a full stop."""
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"\s+([,.!?:])", r"\1", text)
    text = re.sub(r"([.!?])\.", r"\1", text)
    text = re.sub(r"\b([Aa]) ([aeio])", r"\1n \2", text)
    # Capitalise the start of each sentence.
    text = re.sub(r"(^|[.!?]\s+)([a-z])", lambda m: m.group(1) + m.group(2).upper(), text)
    return text


# ---------------------------------------------------------------------------
# Shared words
# ---------------------------------------------------------------------------

WORDS: dict[str, list[str]] = {
    "brand": ["Harbour Home", "@HarbourHome", "Harbour Home Supplies", "HHS"],
    "big_item": ["sofa", "dining table", "outdoor setting", "queen mattress", "wardrobe", "bookshelf", "chest of drawers",
                 "recliner", "bunk bed", "barbecue", "TV unit", "garden shed kit", "corner lounge", "desk", "bed frame",
                 "six-seater table", "daybed", "buffet cabinet", "storage unit", "patio heater"],
    "item": ["floor lamp", "rug", "cordless drill", "ladder", "kettle", "pendant light", "bathroom cabinet", "garden hose",
             "set of curtains", "mirror", "shelving unit", "toaster", "paint roller kit", "bedside table", "mixer tap",
             "office chair", "doormat", "laundry basket", "set of bar stools", "ceiling light", "whipper snipper",
             "cookware set", "tin of deck stain", "pot plant stand", "storage tub", "towel rail", "door handle set",
             "tile saw", "picture frame", "sun lounger"],
    "items": ["paint samples", "light globes", "cushion covers", "storage tubs", "plant pots", "tiles", "bath towels",
              "picture hooks", "fence palings", "downlights", "drawer handles", "garden stakes", "extension leads",
              "sandpaper", "wall plugs", "candles", "shelf brackets", "kitchen canisters", "hinges", "potting mix"],
    "long_wait": ["two weeks", "three weeks", "a fortnight", "ten days", "over a month", "five weeks", "nearly three weeks",
                  "17 days", "19 days", "six weeks", "12 days", "a month"],
    "hold": ["25 minutes", "40 minutes", "half an hour", "nearly an hour", "35 minutes", "45 minutes", "50 minutes",
             "20 minutes", "over half an hour"],
    "short_wait": ["two minutes", "under a minute", "about a minute", "three minutes", "a minute or so"],
    "quick_time": ["ten minutes", "five minutes", "a couple of minutes", "about 15 minutes", "under ten minutes",
                   "twenty minutes"],
    "when_past": ["today", "yesterday", "this morning", "on the weekend", "last night", "this arvo", "on Saturday",
                  "after work", "on my lunch break"],
    "when_next": ["this weekend", "tomorrow", "on Saturday", "after work", "this arvo", "next week"],
    "staff": ["the young bloke in the paint aisle", "the woman at the service desk", "the guy in the garden centre",
              "the team at the trade desk", "the staff member in lighting", "the fella in timber",
              "the lady on the registers", "the apprentice in hardware", "the manager on duty",
              "the bloke in flooring", "the young woman in homewares", "the older gent in plumbing"],
    "agent": ["agent", "person I spoke to", "consultant", "lady on the phone", "guy on the phone", "staff member"],
    "chat_agent": ["chat agent", "person on live chat", "live chat team", "agent on the chat"],
    "relative": ["mum", "dad", "sister", "brother", "neighbour", "partner", "mates", "work friends", "in-laws"],
    "rival": ["HomeHub", "BuildRight", "Nest & Co", "ValueDIY"],
    "suburb_note": ["", "", " to the outer suburbs", " to a unit", " to a second-floor flat", " up a steep driveway"],
    "times": ["three times", "four times", "twice", "five times"],
    "money": ["$40", "$60", "a hundred bucks", "$85", "heaps", "$120", "$30"],
    "sale": ["clearance sale", "paint sale", "outdoor furniture sale", "lighting sale", "rug sale", "tool sale"],
    "late_days": ["two days", "three days", "a week", "four days", "five days", "over a week"],
}


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _given(ph: Phrases, *names: str, **fixed: str) -> dict[str, str]:
    """Slots chosen once for a whole text, each also capitalised (``{name_cap}``)."""
    given = dict(fixed)
    for name in names:
        given[name] = ph.fill("{%s}" % name)
    for name in list(given):
        given[name + "_cap"] = _cap(given[name])
    return given


# ---------------------------------------------------------------------------
# Social media posts
# ---------------------------------------------------------------------------

SOCIAL_TOPICS = ["delivery", "staff", "stock", "returns", "phone", "prices", "store", "website"]

_SOCIAL = {
    ("positive", "delivery"): [
        "My {big_item} turned up a day early and the driver carried it inside. Great service.",
        "Delivery of our {big_item} was right on time and the drivers were really careful.",
        "Tracking texts were spot on and the {big_item} arrived in perfect condition. Great job.",
        "The delivery crew set up our {big_item} and took all the packaging away. Legends, thank you.",
        "Ordered a {big_item} on {day}, delivered {day2}. Impressed.",
        "Delivery team rang ahead, came in the window they gave and were so friendly.",
        "Big thanks to the {brand} delivery guys who got our {big_item} up three flights of stairs.",
    ],
    ("positive", "staff"): [
        "Huge thanks to {staff} at {branch_ref} for sorting my order so fast.",
        "{staff_cap} at {branch_ref} was so helpful, knew exactly which {item} I needed.",
        "Really friendly team at {branch_ref} {when_past}. Made a boring errand easy.",
        "Best advice I've had in a hardware shop. {staff_cap} saved me {money} on the {item}.",
        "Shout out to {staff} at {branch_ref}, patient and helpful with all my questions.",
        "The staff at {branch_ref} are always welcoming. Thanks team.",
        "Kudos to {staff} at {branch_ref}, went above and beyond to find me a {item}.",
    ],
    ("positive", "stock"): [
        "{branch_ref} had the exact {item} I'd been hunting for. Happy days.",
        "Love my new {item} from {brand}, great quality for the price.",
        "Great range of {items} at {branch_ref}, found everything on my list.",
        "Finally found a {item} that fits. Thanks {brand}!",
        "The new {items} at {branch_ref} are gorgeous. Love them.",
        "So happy with the {big_item} we got from {brand}. Solid and comfy.",
    ],
    ("positive", "returns"): [
        "Really impressed with how {branch_ref} handled my return. Easy and quick.",
        "Returned a {item} at {branch_ref}, refund on my card in {quick_time}. Great service.",
        "Swapped a {item} at {branch_ref} for a new one, all done in {quick_time}. Thank you.",
        "Easiest return I've ever done. Good on you {brand}.",
        "Brought back a {item} I didn't need and {staff} at {branch_ref} refunded it with a smile. Lovely service.",
    ],
    ("positive", "phone"): [
        "Got through to {brand} in {short_wait} and the {agent} fixed my order. Brilliant service.",
        "Live chat sorted my delivery date in {quick_time}. Super helpful.",
        "The {chat_agent} at {brand} was patient and helpful, thank you.",
        "Rang about a missing part for my {big_item} and the {agent} posted it the same day. Great stuff.",
        "Called {brand} expecting a long wait, got a friendly {agent} who fixed it in {quick_time}.",
    ],
    ("positive", "prices"): [
        "{brand} price matched my {item} on the spot. Love it.",
        "Great prices on {items} at {branch_ref} this week.",
        "Picked up a {item} on sale at {branch_ref}, bargain and good quality.",
        "Good value at {brand}. Much cheaper than {rival} for the same {item}, and better service.",
    ],
    ("positive", "store"): [
        "The {branch} store looks fantastic since the refit, easy to find everything.",
        "{branch_ref} is so clean and well laid out now. Nice work.",
        "Love the new paint mixing bar at {branch_ref}, great idea.",
        "Always enjoy a wander around {branch_ref}. Tidy, bright and friendly.",
    ],
    ("positive", "website"): [
        "Click and collect at {branch_ref} was ready in {quick_time}. Easy.",
        "The {brand} website made ordering my {big_item} easy. Great tracking too.",
        "New app is great, ordered {items} on the bus and collected them {when_past}.",
        "Ordered online {when_past} and it was ready to collect by lunch. Impressed.",
    ],
    ("neutral", "delivery"): [
        "Ordered a {big_item} from {brand}, delivery is booked for {day}.",
        "Does {brand} deliver{suburb_note} on weekends?",
        "How long does {brand} usually take to deliver a {big_item}?",
        "{big_item_cap} delivery window is 7 to 11 on {day}.",
        "Anyone know if {brand} delivery includes assembly for a {big_item}?",
        "How do I ring {brand} about a delivery?",
    ],
    ("neutral", "staff"): [
        "Is {brand} hiring casuals at {branch_ref} for the Christmas rush?",
        "Do the staff at {branch_ref} do colour matching from a photo?",
        "Does {branch_ref} copy house keys?",
        "Does {branch_ref} run the weekend DIY workshops?",
    ],
    ("neutral", "stock"): [
        "Picked up {items} from {branch_ref} {when_past}.",
        "Does {branch_ref} stock {items}?",
        "Heading to {branch_ref} {when_next} for {items}.",
        "Looking at a {item} at {brand}.",
        "Grabbed a {item} from {branch_ref} {when_past}.",
        "Does {branch_ref} sell {items} by the box?",
    ],
    ("neutral", "returns"): [
        "What's the returns policy at {brand} for {items}?",
        "Can you return flat-pack furniture to {brand} once it's built?",
        "Do I need the receipt to return a {item} to {branch_ref}?",
    ],
    ("neutral", "phone"): [
        "Does {brand} have live chat on weekends?",
        "What hours is the {brand} contact centre open?",
        "Is the {brand} contact centre open on Sundays?",
    ],
    ("neutral", "prices"): [
        "Does {brand} price match {rival}?",
        "Is the {sale} on at every store or just {branch}?",
        "{brand} has {items} marked down this week.",
        "Comparing a {item} at {brand} and {rival} before I buy.",
    ],
    ("neutral", "store"): [
        "What time does {branch_ref} close on {day}?",
        "Is {branch_ref} open on Anzac Day?",
        "Heading to {branch_ref} {when_next}.",
        "Is there parking under {branch_ref} or just on the street?",
        "Does {branch_ref} have a trade desk?",
        "Is {branch_ref} open late on {day}?",
    ],
    ("neutral", "website"): [
        "Ordered a {item} on the {brand} website, collecting it {when_next}.",
        "Does the {brand} app show stock at {branch_ref}?",
        "Can you change a click and collect order to another store?",
    ],
    ("negative", "delivery"): [
        "{nth} week waiting for my {big_item} from {brand}. Terrible communication.",
        "My {big_item} arrived damaged and nobody has called me back. So frustrating!",
        "Delivery window was 7 to 11, it's now 4pm and no {big_item}. Not happy {brand}.",
        "Took a day off work for the {big_item} delivery and nobody turned up. Useless.",
        "{brand} delivered the wrong {big_item} and now I'm waiting another {long_wait}. Ridiculous.",
        "Drivers dumped my {big_item} at the kerb in the rain. Disappointed.",
        "Worst delivery experience ever. {big_item_cap} is {long_wait} late and no updates.",
        "{long_wait_cap} late and counting. Awful delivery service from {brand}.",
    ],
    ("negative", "staff"): [
        "The staff at {branch_ref} were rude and unhelpful {when_past}. Not impressed.",
        "Stood at the counter at {branch_ref} for ten minutes while two staff chatted. Poor service.",
        "Asked {staff} at {branch_ref} about a {item} and got a shrug. Hopeless.",
        "Nobody at {branch_ref} could answer a simple question about {items}. Disappointing.",
        "Rude service at {branch_ref} {when_past}. Not impressed.",
    ],
    ("negative", "stock"): [
        "Drove to {branch_ref} because the website said the {item} was in stock. Wasted trip. Not happy.",
        "{branch_ref} out of {items} again. Terrible.",
        "My new {item} from {brand} broke after a week. Poor quality.",
        "Empty shelves at {branch_ref} {when_past}. Ridiculous for a store that size.",
    ],
    ("negative", "returns"): [
        "Still no refund after {long_wait}. Worst customer service ever.",
        "Tried to return a broken {item} at {branch_ref} and got treated like a criminal. Awful.",
        "{long_wait_cap} and still waiting on my refund from {brand}. Not good enough.",
        "Returned a faulty {item} and the refund was wrong. Frustrating.",
    ],
    ("negative", "phone"): [
        "On hold for {hold} and then cut off. Awful.",
        "{hold_cap} on hold to {brand} and then told to send an email. Terrible.",
        "Transferred {times} by the {brand} contact centre and nobody could sort it. Hopeless.",
        "Live chat closed on me halfway through sorting my {big_item} order. Useless.",
        "{hold_cap} on hold to {brand}. Shocking.",
    ],
    ("negative", "prices"): [
        "Same {item} is $30 cheaper at {rival}. Overcharged by {brand} again. Disappointing.",
        "{brand} charged me twice for my {item} and it's taking weeks to fix. Not happy.",
        "Prices at {branch_ref} have gone up again. Disappointing.",
    ],
    ("negative", "store"): [
        "The {branch} store was a mess {when_past}. Boxes everywhere.",
        "One checkout open at {branch_ref} on a Saturday. Ridiculous.",
        "Toilets at {branch_ref} are disgusting. Sort it out.",
        "Car park at {branch_ref} is a nightmare and the trolleys are all broken.",
    ],
    ("negative", "website"): [
        "{brand} website crashed at checkout {times}. So frustrating.",
        "Click and collect said ready, got to {branch_ref} and nobody could find my order. Useless.",
        "The {brand} app lost my order. Terrible.",
        "Website says in stock, store says no. Which is it {brand}? Annoying.",
    ],
}

# Posts written to fool a word-counting sentiment tool; the sentiment is what a reader takes from them.
_SOCIAL_TRAPS = {
    ("negative", "sarcasm"): [
        "Great, another {long_wait} wait for a delivery. Thanks {brand}.",
        "Love how my {big_item} has been out for delivery for {long_wait}. Brilliant.",
        "Wonderful, cut off after {hold} on hold. Thanks so much {brand}.",
        "Fantastic. {nth} time I've been told my refund is on its way.",
        "So glad I paid for express delivery. Only {long_wait} late. Amazing work {brand}.",
        "Oh good, the {item} I drove to {branch_ref} for is out of stock again. Super helpful.",
        "Nice one {branch_ref}, eight people in the queue and one register open. Love it.",
        "Thanks {brand} for the lovely surprise of a {big_item} with a broken leg. Best gift ever.",
        "Brilliant customer service: rang {times}, promised a call back every time, still waiting.",
        "Great job {brand}, my {big_item} went on a holiday to {branch} instead of my place.",
    ],
    ("negative", "negation"): [
        "I can't say the staff at {branch_ref} were helpful.",
        "Can't say I'd call {hold} on hold good service.",
        "Not exactly the best service I've had from {brand}.",
        "Wouldn't say the {big_item} delivery was a great experience.",
    ],
    ("positive", "negation"): [
        "Couldn't be happier with my {big_item} from {brand}.",
        "I can't recommend {branch_ref} enough. The team couldn't have been more helpful.",
        "Could not ask for better service from {brand}.",
        "Not a single thing went wrong with my {big_item} delivery.",
        "Couldn't be more pleased with how {branch_ref} handled my return.",
        "Honestly can't recommend the {brand} delivery team enough.",
    ],
    ("negative", "mixed"): [
        "Lovely staff and a great range at {branch_ref}, but my {big_item} still hasn't turned up after {long_wait}.",
        "Friendly team and good prices, shame the delivery is {long_wait} late with no word from anyone.",
        "The {agent} was polite and kind, but I've now rung {times} and my order still isn't here.",
        "Love the new {branch} store. Pity my {big_item} is still sitting in their warehouse after {long_wait}.",
        "Nice people at {brand}, great products, but {long_wait} for a {big_item} and nobody calls back.",
    ],
    ("negative", "question"): [
        "Why is it impossible to get a straight answer from {brand}?",
        "Is anyone actually answering the phones at {brand}?",
        "Does anyone at {brand} know where my {big_item} is?",
        "Where is my {big_item}, {brand}? {long_wait_cap} now.",
        "How many times do I have to ring {brand} about one {big_item}?",
    ],
    ("negative", "implicit"): [
        "Day {days} of waiting for my {big_item}. {brand}",
        "Still no {big_item}. Still no phone call. {brand}",
        "Rang {brand} {times} about my {big_item}. Still waiting.",
        "Ordered my {big_item} {long_wait} ago. Still nothing.",
        "{hold_cap} on hold to {brand} so far. Still going.",
    ],
}

# Closers that agree with a plain post's sentiment (and that VADER reads the same way).
_SOCIAL_CLOSE = {
    "positive": ["", "", "", "Will definitely be back.", "Thanks team!", "Highly recommend.", "10/10.", "Happy customer.",
                 "#happycustomer", "Cheers!", "Love it."],
    "neutral": ["", "", "", "", "#renovation", "#diy", "#homereno", "#weekendjobs"],
    "negative": ["", "", "", "", "#customerservice", "So over it.", "Seriously.", "Unbelievable."],
}

_NTH = ["Third", "Fourth", "Second", "Fifth"]
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]


def _branch_ref(ph: Phrases, branch: str) -> str:
    return ph.pick([f"{branch}", f"the {branch} store", f"Harbour Home {branch}", f"@HarbourHome {branch}",
                    f"{branch} Harbour Home"])


def social_post(ph: Phrases, sentiment: str, topic: str, branch: str) -> tuple[str, str]:
    """A post with the given sentiment, and its kind: plain, mixed or a trap (sarcasm, negation, question, implicit)."""
    roll = ph.rng.random()
    kind = "plain"
    if sentiment == "negative":
        kind = ("sarcasm" if roll < 0.07 else "mixed" if roll < 0.13 else "implicit" if roll < 0.16
                else "question" if roll < 0.18 else "negation" if roll < 0.20 else "plain")
    elif sentiment == "positive" and roll < 0.05:
        kind = "negation"
    first = int(ph.rng.integers(len(_DAYS) - 1))
    given = _given(ph, "staff", "big_item", "long_wait", "hold", branch=branch, branch_ref=_branch_ref(ph, branch),
                   nth=ph.pick(_NTH), days=str(int(ph.rng.integers(9, 40))),
                   day=_DAYS[first], day2=_DAYS[first + 1])
    if kind == "plain":
        return ph.say(ph.pick(_SOCIAL[(sentiment, topic)]), ph.pick(_SOCIAL_CLOSE[sentiment]), **given), kind
    return ph.say(ph.pick(_SOCIAL_TRAPS[(sentiment, kind)]), **given), kind


# ---------------------------------------------------------------------------
# Survey comments
# ---------------------------------------------------------------------------

CHANNEL_TOPICS = {
    "phone": ["phone", "phone", "delivery", "refund", "order"],
    "email": ["email", "email", "delivery", "refund", "order"],
    "live chat": ["chat", "chat", "delivery", "order", "refund"],
    "in store": ["staff", "staff", "stock", "store", "advice", "checkout", "returns"],
    "website": ["website", "website", "collect", "delivery"],
}

# How the customer got in touch, by channel, and what about, by topic: an optional first sentence.
_SURVEY_CONTACT = {"phone": ["Rang", "Called", "Phoned"], "email": ["Emailed", "Sent an email"],
                   "live chat": ["Used live chat", "Went on the chat"], "in store": [], "website": []}
_SURVEY_REASON = {
    "delivery": ["about my {big_item} delivery", "to check when my {big_item} would arrive",
                 "to change the delivery date for my {big_item}"],
    "refund": ["about a refund for a {item}", "about my refund for the {item}"],
    "order": ["to change my order", "to add a {item} to my order", "to change the address on my order",
              "to swap the colour on my {big_item} order"],
    "phone": ["about an order for a {item}", "about my order", "to ask if a {item} was in stock",
              "with a question about a {item}"],
    "email": ["about an order for a {item}", "to ask about a {item}", "about my order", "with a question about {items}"],
    "chat": ["about my order", "to ask about a {item}", "about a {item} I'd seen online"],
}
_SURVEY_VISIT = {
    "in store": ["Came in for {items}.", "Popped in for a {item}.", "Needed {items} for a weekend job.",
                 "Went in {when_past} for {items}.", "Came in to look at a {big_item}."],
    "returns": ["Brought back a {item}.", "Returned a {item} {when_past}.", "Took a {item} back {when_past}."],
    "website": ["Ordered a {item} online.", "Bought {items} online.", "Ordered online {when_past}."],
    "delivery": ["Ordered a {big_item} on the website.", "Bought a {big_item} online for delivery."],
}

_SURVEY = {
    ("positive", "phone"): [
        "Got through in {short_wait} and the {agent} sorted everything first time. Very helpful.",
        "The {agent} was friendly and knew exactly what to do.",
        "Quick answer and the {agent} followed up by email as promised. Great.",
        "The {agent} was patient while I found my order number and fixed it in {quick_time}. Thank you.",
        "Really helpful phone call, the {agent} explained the options clearly.",
        "Friendly {agent}, sorted in {quick_time}.",
    ],
    ("positive", "email"): [
        "Reply came the same day and answered every question. Great.",
        "Clear, friendly email reply with everything I needed.",
        "Got a helpful answer within a few hours, thank you.",
        "The reply was polite and sorted the {item} straight away. Excellent.",
        "Helpful reply the same day, everything explained.",
    ],
    ("positive", "chat"): [
        "The {chat_agent} sorted it in {quick_time}. Great service.",
        "Live chat was quick and the {chat_agent} was really helpful.",
        "Great chat service, all done in {quick_time}.",
        "Easy to use chat, friendly {chat_agent}, all sorted.",
    ],
    ("positive", "order"): [
        "The {agent} updated my order straight away. Great.",
        "Changed my order in {quick_time}, easy.",
        "Helpful {agent}, the order was fixed on the spot.",
    ],
    ("positive", "delivery"): [
        "Delivery arrived on the day promised and the driver was careful with my {big_item}.",
        "The {big_item} came a day early and the drivers set it up for us. Great service.",
        "Good communication about the delivery, a text the night before and a call on the way.",
        "Delivery crew were friendly and took all the packaging away.",
        "Friendly drivers, {big_item} delivered right on time.",
    ],
    ("positive", "refund"): [
        "Refund for the {item} was on my card within two days. Easy.",
        "The refund was easy, the {agent} processed it straight away.",
        "Happy with how quickly the refund went through.",
        "Refund sorted in {quick_time}. Thank you.",
    ],
    ("positive", "staff"): [
        "{staff_cap} was friendly and knew the products well.",
        "Really helpful advice about which {item} to choose.",
        "Staff were welcoming and helped me carry the {item} to the car.",
        "{staff_cap} went above and beyond to find a {item} out the back.",
        "Friendly, knowledgeable staff. Great service.",
        "{staff_cap} was lovely and very patient.",
    ],
    ("positive", "stock"): [
        "Found the {item} I wanted straight away, great range.",
        "Good stock of {items}, everything on my list was there.",
        "Love the new range of {items}.",
        "Great to find {items} and a {item} in one trip.",
    ],
    ("positive", "store"): [
        "Store was clean and tidy and easy to find my way around.",
        "The store looks great since the refit, really well organised.",
        "Bright, tidy store and the signs made it easy to find the {items}.",
    ],
    ("positive", "advice"): [
        "Really helpful advice about which {item} to buy, saved me {money}.",
        "{staff_cap} explained the difference between three kinds of {items} clearly. Very helpful.",
        "Great advice on my bathroom project from {staff}.",
    ],
    ("positive", "checkout"): [
        "Quick checkout and a friendly hello at the register.",
        "Self-checkout was easy and a staff member was there to help.",
        "In and out in {quick_time}. Friendly checkout staff.",
    ],
    ("positive", "returns"): [
        "Easy to return the {item}, all done at the counter.",
        "Swapped my {item} for a new one in {quick_time}. Great service.",
    ],
    ("positive", "website"): [
        "Clear information on the website and the order tracking worked.",
        "Website was easy to use and checkout was quick.",
        "Easy online ordering, good photos and measurements for the {big_item}.",
        "Great website, found the {item} in seconds.",
    ],
    ("positive", "collect"): [
        "Click and collect was ready in {quick_time}, great.",
        "Order was ready at the collect counter when I arrived. Easy.",
    ],
    # Neutral: middling scores, flat or mixed comments.
    ("neutral", "phone"): [
        "Got an answer in the end, but I was on hold for about {hold}.",
        "The {agent} was polite but had to check with someone else.",
        "Took a while to get through but it was fixed.",
        "Sorted, but I had to explain it twice.",
    ],
    ("neutral", "email"): [
        "The answer was correct but took two days.",
        "Reply was okay, a bit generic.",
        "Got a reply, but I had to ask the question twice.",
        "Reply took {late_days}, answer was fine.",
    ],
    ("neutral", "chat"): [
        "Chat was okay but the {chat_agent} had to keep checking with someone.",
        "Answered my question eventually.",
        "Chat queue was long, the answer was fine.",
    ],
    ("neutral", "order"): [
        "Order was changed but I had to explain it twice.",
        "It got done, slowly.",
    ],
    ("neutral", "delivery"): [
        "Delivery came on the day, but no call before they arrived.",
        "The {big_item} arrived a day late but in good condition.",
        "Delivery window was very wide, 7 am to 5 pm.",
        "The {big_item} came, the assembly instructions didn't.",
    ],
    ("neutral", "refund"): [
        "Refund came through, just took longer than I expected.",
        "Got the refund in the end.",
        "Refund took {late_days} to show up.",
    ],
    ("neutral", "staff"): [
        "It was fine, nothing special.",
        "Staff were polite but the store was busy.",
        "Service was okay but I had to go looking for someone.",
        "Staff were busy, got there in the end.",
    ],
    ("neutral", "stock"): [
        "Got what I needed eventually.",
        "Had most of the {items} I wanted, not the {item}.",
        "Only two {items} left on the shelf.",
    ],
    ("neutral", "store"): [
        "Store was busy and a bit untidy in the {items} aisle.",
        "Average visit. Parking was tight.",
    ],
    ("neutral", "advice"): [
        "The advice was okay but I already knew most of it.",
        "Advice was general, not really about my {item}.",
    ],
    ("neutral", "checkout"): [
        "Average experience, prices are a bit high.",
        "Queue at the checkout was longer than usual.",
    ],
    ("neutral", "returns"): [
        "Return was done but I needed the receipt and the box.",
        "Store credit instead of a refund for the {item}. Fair enough.",
    ],
    ("neutral", "website"): [
        "Website is fine, a bit slow at checkout.",
        "Found the {big_item} online but the measurements were hard to find.",
    ],
    ("neutral", "collect"): [
        "Click and collect was ready but the counter was hard to find.",
        "Order was ready, waited a few minutes for someone to bring it out.",
    ],
    ("negative", "phone"): [
        "Waited on hold for over {hold}.",
        "I was transferred {times} and had to repeat my order number each time. Frustrating.",
        "Cut off after {hold} on hold. Very frustrating.",
        "Nobody rang back, even though the {agent} said they would. Poor.",
        "Nobody on the phone could tell me where my {big_item} was.",
        "{hold_cap} on hold and no answer at the end of it.",
    ],
    ("negative", "email"): [
        "The email reply did not answer my question.",
        "Took four days to get a reply, and it was a template.",
        "Had to email {times} before anyone replied.",
        "Email reply was rude and unhelpful.",
        "Still waiting on a reply after {late_days}.",
    ],
    ("negative", "chat"): [
        "Chat closed before my problem was sorted.",
        "The {chat_agent} kept sending links instead of answering.",
        "Waited 20 minutes in the chat queue, then got cut off.",
        "The {chat_agent} obviously hadn't read my question.",
    ],
    ("negative", "order"): [
        "The {agent} changed the wrong order. Now I have two of the {item}.",
        "Order change never went through, had to ring again.",
    ],
    ("negative", "delivery"): [
        "My delivery was {late_days} late and nobody called me.",
        "The {big_item} arrived damaged and I had to chase a replacement.",
        "Took a day off work and the delivery never came.",
        "Delivery was {long_wait} late. Terrible communication.",
        "The drivers left my {big_item} on the footpath.",
        "Wrong {big_item} delivered, and the right one is another {long_wait} away.",
        "{big_item_cap} still not delivered after {long_wait}.",
    ],
    ("negative", "refund"): [
        "The refund still has not appeared on my card.",
        "Still waiting on a refund for the {item} after {long_wait}.",
        "Refund was for the wrong amount and it took {times} calls to fix.",
    ],
    ("negative", "staff"): [
        "Staff ignored me and kept chatting to each other.",
        "Stood in the {items} aisle for ages and nobody came.",
        "{staff_cap} was rude when I asked about a {item}.",
        "Staff could not answer basic questions about the {item}.",
    ],
    ("negative", "stock"): [
        "Nobody could tell me when the stock would arrive.",
        "Website said the {item} was in stock. It wasn't.",
        "Out of {items} again, third visit this month.",
    ],
    ("negative", "store"): [
        "Store was a mess, boxes blocking the aisles.",
        "Dirty toilets and empty shelves. Disappointing.",
    ],
    ("negative", "advice"): [
        "Got the wrong advice about a {item} and had to come back.",
        "Sold me the wrong {items} for the job.",
    ],
    ("negative", "checkout"): [
        "Only one register open and a long queue.",
        "Waited 15 minutes to pay. Poor.",
    ],
    ("negative", "returns"): [
        "Made to feel like a criminal for returning a faulty {item}.",
        "They refused to take back a faulty {item} without the box.",
    ],
    ("negative", "website"): [
        "Website crashed twice at checkout.",
        "Tracking page has said the same thing for {long_wait}.",
        "Could not find a phone number anywhere on the website. Frustrating.",
    ],
    ("negative", "collect"): [
        "Click and collect said ready, but nobody could find my order. Useless.",
        "Waited 25 minutes at the collect counter.",
    ],
}

_SURVEY_EASE = {
    "easy": ["Easy from start to finish.", "Really easy to deal with.", "Simple and quick.",
             "Very little effort on my part."],
    "hard": ["I had to chase it {times}.", "Far too much effort for a simple thing.",
             "Had to explain the whole thing again every time.", "Far too hard to get anything done."],
}
_SURVEY_LOYALTY = {
    "promoter": ["Will be back.", "Would recommend to anyone.", "Already told my {relative}.",
                 "My go-to store now.", "Thanks again."],
    "detractor": ["I won't be back.", "Going to {rival} next time.", "Will shop elsewhere.",
                  "Would not recommend."],
}


def survey_comment(ph: Phrases, csat: int, recommend: int, effort: int, channel: str, delivery_trouble: bool) -> str:
    """A comment whose tone follows the scores and whose topic suits the channel.

    CSAT sets the tone (4-5 praise, 3 flat or mixed, 1-2 complaint); a low effort score may add that it was hard work,
    a high one that it was easy; a promoter may say they will recommend us, a detractor that they will go elsewhere.
    """
    tone = "positive" if csat >= 4 else "neutral" if csat == 3 else "negative"
    topic = ph.pick(CHANNEL_TOPICS[channel])
    if delivery_trouble and tone != "positive" and ph.chance(0.6):
        topic = "delivery"  # the Northgate delivery problem
    given = _given(ph, "staff", "big_item", "item", "hold")
    parts = []
    if ph.chance(0.45):
        if topic in _SURVEY_REASON and _SURVEY_CONTACT[channel]:
            parts.append(f"{ph.pick(_SURVEY_CONTACT[channel])} {ph.pick(_SURVEY_REASON[topic])}.")
        elif topic in ("returns", "delivery"):
            parts.append(ph.pick(_SURVEY_VISIT[topic]))
        elif channel in _SURVEY_VISIT:
            parts.append(ph.pick(_SURVEY_VISIT[channel]))
    parts.append(ph.pick(_SURVEY[(tone, topic)]))
    if tone == "positive" and effort >= 6 and ph.chance(0.35):
        parts.append(ph.pick(_SURVEY_EASE["easy"]))
    if tone == "negative" and effort <= 3 and ph.chance(0.45):
        parts.append(ph.pick(_SURVEY_EASE["hard"]))
    if tone == "positive" and recommend >= 9 and ph.chance(0.4):
        parts.append(ph.pick(_SURVEY_LOYALTY["promoter"]))
    if tone == "negative" and recommend <= 4 and ph.chance(0.5):
        parts.append(ph.pick(_SURVEY_LOYALTY["detractor"]))
    return ph.say(*parts, **given)


# ---------------------------------------------------------------------------
# Hotel comment cards
# ---------------------------------------------------------------------------

# department: aspects, each with (subject, what was good, what was bad)
HOTEL_ASPECTS = {
    "catering": [
        ("breakfast", ["delicious and fresh", "excellent, with lots of choice", "lovely, the barista coffee was great",
                       "fantastic, loved the fresh fruit"],
         ["cold by the time we sat down, disappointing", "disappointing, the eggs were overcooked", "poor, half the buffet was empty",
          "a letdown, the coffee was terrible"]),
        ("room service", ["hot, quick and delicious", "excellent, friendly and on time", "great value and tasty"],
         ["cold by the time it arrived, disappointing", "terribly slow, we waited 50 minutes",
          "wrong, they forgot half our order"]),
        ("dinner in the restaurant", ["excellent, the fish was perfect", "delicious, great service too",
                                     "wonderful, the staff were attentive"],
         ["terribly slow, we waited 40 minutes for mains", "disappointing, the steak was tough",
          "poor, they had no gluten-free option even though we'd asked"]),
        ("the buffet", ["great, with plenty of choice", "fresh and well stocked", "excellent, good options for kids"],
         ["a mess, with empty trays all morning", "disappointing, the hot food was lukewarm", "poor, the trays sat empty"]),
        ("coffee at the bar", ["excellent, best flat white in town", "great, and the bar staff were friendly"],
         ["terrible, burnt and bitter", "slow, and the bar staff ignored us"]),
    ],
    "housekeeping": [
        ("our room", ["spotless, lovely", "beautifully clean and tidy", "clean and comfortable", "immaculate, a real credit to the team"],
         ["dusty under the bed, poor", "not cleaned on the second day, awful", "dirty when we arrived",
          "smelly and stuffy, unpleasant"]),
        ("the bathroom", ["spotless and well stocked", "sparkling clean", "clean, with lovely toiletries"],
         ["dirty, there was hair in the shower", "disgusting, mouldy around the bath", "grimy and the drain was blocked"]),
        ("the bed linen", ["fresh and crisp", "clean and so comfortable", "lovely and fresh every day"],
         ["stained, disgusting", "not changed in three nights, really poor", "dirty and smelt musty"]),
        ("the towels", ["fluffy and fresh", "clean and replaced every day", "lovely and plentiful"],
         ["never replaced even after we asked, annoying", "stained and thin, poor",
          "missing when we arrived, annoying"]),
        ("the carpet", ["clean and like new", "spotless and fresh"],
         ["stained and worn", "filthy near the door, disgusting"]),
    ],
    "front desk": [
        ("check-in", ["quick and friendly", "smooth and welcoming", "great, and they upgraded us"],
         ["painfully slow, only one person at the desk", "a mess, they couldn't find our booking",
          "awful, we waited 45 minutes"]),
        ("the receptionist", ["really welcoming and helpful", "friendly and full of great tips",
                              "lovely, nothing was too much trouble"],
         ["rude when we asked for a late check-out", "rude and short with us", "dismissive about our problem"]),
        ("check-out", ["smooth and friendly, the bill was correct", "quick and friendly", "easy and efficient"],
         ["slow and the bill was wrong", "frustrating, they charged us for the minibar twice", "chaotic, a huge queue"]),
        ("our booking", ["handled perfectly, everything as requested", "spot on, thanks to the helpful team"],
         ["wrong, they had us down for one night", "lost, a terrible mix-up"]),
        ("the concierge", ["brilliant, great restaurant tips", "very helpful with our tour bookings"],
         ["useless, no idea about directions", "useless, booked the wrong tour"]),
    ],
}

_HOTEL_PRAISE = {
    5: ["Would stay again.", "Thanks to the whole team.", "Best stay we've had in years.", "Can't wait to come back!",
        "Absolutely loved it.", "Highly recommend.", "Perfect weekend away."],
    4: ["Would stay again.", "Thanks to the team.", "Good value.", "Enjoyed our stay.", "Nice stay overall.", ""],
}
_HOTEL_GRIPE = {
    2: ["Not what we expected for the price.", "Disappointing stay.", "Very disappointing.",
        "Not good enough.", ""],
    1: ["Not what we expected for the price.", "Worst hotel stay we've had.", "We won't be back.",
        "Very disappointed.", "Poor value."],
}
_HOTEL_CONTEXT = ["", "", "", "We stayed three nights for a wedding.", "Two nights for work.",
                  "Weekend away with the kids.", "Anniversary trip.", "Overnight stop on the way north.",
                  "Week-long stay for a conference.", "Family stay for the school holidays."]


def _verb(subject: str) -> str:
    return "were" if subject.endswith("s") else "was"


def hotel_comment(ph: Phrases, department: str, aspect: int, rating: int) -> tuple[str, str]:
    """A comment card that agrees with its rating, and its tone: positive (4-5), mixed (3) or negative (1-2).

    The complaint in a mixed card is about the department it is filed under; the praise may be about another.
    """
    subject, good, bad = HOTEL_ASPECTS[department][aspect]
    was = _verb(subject)
    context = ph.pick(_HOTEL_CONTEXT)
    if rating >= 4:
        tone = "positive"
        lead = ph.pick(["{S} {was} {good}.", "{S} {was} {good}, thank you.", "Loved it: {s} {was} {good}.",
                        "{S}: {good}."])
        closer = ph.pick(_HOTEL_PRAISE[rating])
        if rating == 5 and ph.chance(0.4):
            other_dept = ph.pick([d for d in HOTEL_ASPECTS if d != department])
            o_subject, o_good, _ = ph.pick(HOTEL_ASPECTS[other_dept])
            closer = f"{_cap(o_subject)} {_verb(o_subject)} {ph.pick(o_good)} too. " + closer
        text = ph.say(context, lead, closer, S=_cap(subject), s=subject, was=was, good=ph.pick(good))
    elif rating == 3:
        tone = "mixed"
        other_dept = ph.pick(list(HOTEL_ASPECTS))
        o_subject, o_good, _ = ph.pick([a for a in HOTEL_ASPECTS[other_dept] if a[0] != subject])
        lead = ph.pick(["{O} {o_was} {o_good}, but {s} {was} {bad}.",
                        "{S} {was} {bad}. On the plus side, {o} {o_was} {o_good}.",
                        "Mixed stay. {O} {o_was} {o_good}; {s} {was} {bad}."])
        closer = ph.pick(["", "", "Okay overall.", "Average for the price.", "Might come back if that's fixed."])
        text = ph.say(context, lead, closer, S=_cap(subject), s=subject, O=_cap(o_subject), o=o_subject,
                      was=was, o_was=_verb(o_subject), o_good=ph.pick(o_good), bad=ph.pick(bad))
    else:
        tone = "negative"
        lead = ph.pick(["{S} {was} {bad}.", "{S} {was} {bad}. Not good enough for a hotel like this.",
                        "Sorry, but {s} {was} {bad}.", "Not happy: {s} {was} {bad}."])
        text = ph.say(context, lead, ph.pick(_HOTEL_GRIPE[rating]), S=_cap(subject), s=subject, was=was,
                      bad=ph.pick(bad))
    return text, tone
