"""The generators behind the sample datasets.

The sample organisation is Harbour Home Supplies, a homewares retailer with
four branches, a contact centre, online sales and home delivery; the hotel
feedback comes from its sister business, the Seaview Hotel. The numbers carry
deliberate stories for learners to find: a delivery problem at Northgate in
July and August, slower email replies on Mondays, an evening staffing gap in
the contact centre, and a rival that is better on wait times but worse on
resolution.

Each generator takes a ``numpy.random.Generator`` and returns a DataFrame whose
columns match the schema in ``csworkbook.datasets``. Free text (survey comments, hotel
cards, social posts) is written by ``csworkbook.sample_text`` from a random stream of its
own, so rewording a text never moves a number. Run ``csworkbook build``
(or ``csworkbook.datasets.generate()``) to write the CSVs.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import metrics, sample_text

BRANCHES = ["City Centre", "Harbourside", "Northgate", "Westfield"]
CHANNELS = ["phone", "email", "live chat", "in store", "website"]
YEAR_START = pd.Timestamp("2025-01-01")


def _pick(rng: np.random.Generator, options, size=None, p=None):
    return rng.choice(np.asarray(options, dtype=object), size=size, p=p)


def _index(rng: np.random.Generator, n: int) -> int:
    """A position in a list of n: the same draw as picking from the list itself."""
    return int(rng.choice(n))


def _phrases(rng: np.random.Generator) -> sample_text.Phrases:
    """Free text gets a stream of its own, spawned from the dataset's: rewording leaves the numbers alone."""
    return sample_text.Phrases(rng.spawn(1)[0], sample_text.WORDS)


# ---------------------------------------------------------------------------
# Survey responses
# ---------------------------------------------------------------------------

def survey_responses(rng: np.random.Generator, n: int = 1800) -> pd.DataFrame:
    days = rng.integers(0, 365, n)
    date = YEAR_START + pd.to_timedelta(np.sort(days), unit="D")
    branch = _pick(rng, BRANCHES, n, p=[0.32, 0.24, 0.24, 0.20])
    channel = _pick(rng, CHANNELS, n, p=[0.30, 0.20, 0.15, 0.25, 0.10])
    branch_effect = pd.Series(branch).map(
        {"City Centre": 0.15, "Harbourside": 0.35, "Northgate": -0.10, "Westfield": 0.0}
    )
    channel_effect = pd.Series(channel).map(
        {"phone": -0.15, "email": -0.30, "live chat": 0.20, "in store": 0.30, "website": 0.05}
    )
    month = pd.DatetimeIndex(date).month
    # The Northgate delivery problem of July and August drags its scores down.
    dip = np.where((pd.Series(branch) == "Northgate") & np.isin(month, [7, 8]), -1.1, 0.0)
    latent = rng.normal(0.55, 1.0, n) + branch_effect.to_numpy() + channel_effect.to_numpy() + dip
    csat = np.clip(np.round(3.4 + 1.05 * latent), 1, 5).astype(int)
    recommend = np.clip(np.round(7.3 + 1.9 * latent + rng.normal(0, 0.9, n)), 0, 10).astype(int)
    effort = np.clip(np.round(5.0 + 1.1 * latent + rng.normal(0, 0.8, n)), 1, 7).astype(int)
    # Unhappy customers are the likeliest to write something; Northgate's delivery trouble shows in what they write.
    ph = _phrases(rng)
    writes = {1: 0.78, 2: 0.72, 3: 0.52, 4: 0.5, 5: 0.55}
    comments = []
    for i in range(n):
        wrote = ph.chance(writes[int(csat[i])])
        comments.append(
            sample_text.survey_comment(ph, int(csat[i]), int(recommend[i]), int(effort[i]), str(channel[i]), bool(dip[i] < 0))
            if wrote else ""
        )
    return pd.DataFrame(
        {
            "response_id": [f"R{i:05d}" for i in range(1, n + 1)],
            "date": date.strftime("%Y-%m-%d"),
            "branch": branch,
            "channel": channel,
            "csat": csat,
            "recommend": recommend,
            "effort": effort,
            "comment": comments,
        }
    )


# ---------------------------------------------------------------------------
# SERVQUAL
# ---------------------------------------------------------------------------

SERVQUAL_ITEMS = [
    ("tangibles", "Stores and equipment look modern and well kept"),
    ("tangibles", "Displays and signs are clear and attractive"),
    ("tangibles", "Staff are neat and easy to identify"),
    ("tangibles", "Catalogues, receipts and emails look professional"),
    ("reliability", "Orders are delivered when promised"),
    ("reliability", "Staff show a sincere interest in solving problems"),
    ("reliability", "Service is done right the first time"),
    ("reliability", "Services are provided at the time promised"),
    ("reliability", "Records and invoices are free of errors"),
    ("responsiveness", "Customers are told exactly when things will happen"),
    ("responsiveness", "Staff give prompt service"),
    ("responsiveness", "Staff are always willing to help"),
    ("responsiveness", "Staff are never too busy to respond to requests"),
    ("assurance", "Staff behaviour builds confidence"),
    ("assurance", "Customers feel safe in their transactions"),
    ("assurance", "Staff are consistently courteous"),
    ("assurance", "Staff have the knowledge to answer questions"),
    ("empathy", "Customers receive individual attention"),
    ("empathy", "Opening hours suit all customers"),
    ("empathy", "Staff give customers personal attention"),
    ("empathy", "The business has customers' best interests at heart"),
    ("empathy", "Staff understand customers' specific needs"),
]

# Where delivered service falls short of what customers expect (perception shift).
_SERVQUAL_SHORTFALL = {"tangibles": 0.1, "reliability": -1.0, "responsiveness": -1.3, "assurance": -0.3, "empathy": -0.6}


def servqual(rng: np.random.Generator, respondents: int = 180) -> pd.DataFrame:
    rows = []
    for r in range(1, respondents + 1):
        generosity = rng.normal(0, 0.5)
        for item, (dimension, statement) in enumerate(SERVQUAL_ITEMS, start=1):
            expect = np.clip(np.round(rng.normal(6.1, 0.8) + 0.3 * generosity), 1, 7)
            item_shift = _SERVQUAL_SHORTFALL[dimension] + (-0.5 if item == 5 else 0.0)
            perceive = np.clip(np.round(rng.normal(5.6 + item_shift, 1.1) + generosity), 1, 7)
            rows.append((f"S{r:04d}", item, dimension, statement, int(expect), int(perceive)))
    return pd.DataFrame(
        rows, columns=["respondent_id", "item", "dimension", "statement", "expectation", "perception"]
    )


# ---------------------------------------------------------------------------
# Complaints log
# ---------------------------------------------------------------------------

COMPLAINT_CATEGORIES = [
    "late delivery",
    "damaged goods",
    "wrong item",
    "staff attitude",
    "billing error",
    "product fault",
    "information not available",
    "long wait",
]
COMPLAINT_CHANNELS = ["phone", "email", "in person", "letter", "social media", "web form"]
COMPLAINANTS = ["member of public", "corporate", "colleague"]
DIRECTED_AT = ["salesperson", "distribution company", "colleague", "contact centre", "accounts", "store team"]
SEVERITIES = ["low", "medium", "high"]
OUTCOMES = ["refund", "replacement", "repair", "credit note", "apology", "explanation", "escalated", "open"]

_CATEGORY_TARGET = {
    "late delivery": "distribution company",
    "damaged goods": "distribution company",
    "wrong item": "store team",
    "staff attitude": "salesperson",
    "billing error": "accounts",
    "product fault": "store team",
    "information not available": "colleague",
    "long wait": "contact centre",
}


def complaints(rng: np.random.Generator, n: int = 640) -> pd.DataFrame:
    received = YEAR_START + pd.to_timedelta(np.sort(rng.integers(0, 365, n)), unit="D")
    month = pd.DatetimeIndex(received).month
    base_p = np.array([0.22, 0.12, 0.10, 0.10, 0.12, 0.14, 0.08, 0.12])
    complainant = _pick(rng, COMPLAINANTS, n, p=[0.72, 0.18, 0.10])
    rows = []
    for i in range(n):
        p = base_p.copy()
        if month[i] in (7, 8):  # the Northgate delivery problem
            p[0] += 0.25
        if complainant[i] == "colleague":
            p = np.array([0.05, 0.0, 0.05, 0.10, 0.10, 0.0, 0.60, 0.10])
        category = str(_pick(rng, COMPLAINT_CATEGORIES, p=p / p.sum()))
        target = _CATEGORY_TARGET[category] if rng.random() < 0.8 else str(_pick(rng, DIRECTED_AT))
        if complainant[i] == "colleague":
            target = "colleague" if rng.random() < 0.7 else "contact centre"
        severity = str(_pick(rng, SEVERITIES, p=[0.45, 0.40, 0.15]))
        days_open = int(rng.gamma(2.0, 2.5 + 3.0 * SEVERITIES.index(severity)))
        resolved = received[i] + pd.Timedelta(days=days_open)
        money_outcomes = ["refund", "replacement", "repair", "credit note"]
        if category in ("late delivery", "damaged goods", "wrong item", "product fault", "billing error"):
            outcome = str(_pick(rng, money_outcomes + ["apology", "explanation", "escalated"],
                                p=[0.30, 0.25, 0.08, 0.12, 0.12, 0.08, 0.05]))
        else:
            outcome = str(_pick(rng, ["apology", "explanation", "escalated", "credit note"], p=[0.45, 0.35, 0.12, 0.08]))
        if resolved > pd.Timestamp("2025-12-31") or (severity == "high" and rng.random() < 0.06):
            outcome, resolved_text = "open", ""
        else:
            resolved_text = resolved.strftime("%Y-%m-%d")
        refund = round(float(rng.gamma(2.2, 45.0)), 2) if outcome == "refund" else 0.0
        rows.append(
            (
                f"C{i + 1:04d}",
                received[i].strftime("%Y-%m-%d"),
                resolved_text,
                str(_pick(rng, COMPLAINT_CHANNELS, p=[0.34, 0.26, 0.16, 0.04, 0.08, 0.12])),
                str(_pick(rng, BRANCHES, p=[0.32, 0.22, 0.28, 0.18])),
                category,
                str(complainant[i]),
                target,
                severity,
                outcome,
                refund,
            )
        )
    return pd.DataFrame(
        rows,
        columns=[
            "complaint_id", "received", "resolved", "channel", "branch", "category",
            "complainant", "directed_at", "severity", "outcome", "refund_amount",
        ],
    )


# ---------------------------------------------------------------------------
# Hotel guest feedback
# ---------------------------------------------------------------------------


def hotel_feedback(rng: np.random.Generator, n: int = 420, tone: bool = False) -> pd.DataFrame:
    """Comment cards. With ``tone=True`` a last column says whether each comment was written as
    positive (rating 4-5), mixed (3) or negative (1-2)."""
    rows = []
    dates = pd.Timestamp("2025-03-01") + pd.to_timedelta(np.sort(rng.integers(0, 180, n)), unit="D")
    ph = _phrases(rng)
    for i in range(n):
        department = str(_pick(rng, list(sample_text.HOTEL_ASPECTS), p=[0.36, 0.34, 0.30]))
        good_stay = rng.random() < 0.55
        aspect = _index(rng, len(sample_text.HOTEL_ASPECTS[department]))
        # Draws that once chose the wording; kept so that the ratings stay as they were.
        _index(rng, 3 if good_stay else 4)
        if rng.random() < 0.25:
            _index(rng, 4)
        rating = int(np.clip(rng.normal(4.4 if good_stay else 2.2, 0.7), 1, 5).round())
        text, written = sample_text.hotel_comment(ph, department, aspect, rating)
        rows.append((f"H{i + 1:04d}", dates[i].strftime("%Y-%m-%d"), text, rating, department, written))
    frame = pd.DataFrame(rows, columns=["feedback_id", "date", "comment", "rating", "department", "tone"])
    return frame if tone else frame.drop(columns="tone")


# ---------------------------------------------------------------------------
# Contact-centre intervals
# ---------------------------------------------------------------------------


def call_intervals(rng: np.random.Generator, days: int = 28) -> pd.DataFrame:
    rows = []
    start_day = pd.Timestamp("2025-09-01")
    slots = pd.timedelta_range("08:00:00", "19:30:00", freq="30min")
    # Calls per half hour through the day: a morning peak and a smaller after-work peak.
    shape = np.array([0.55, 0.8, 1.1, 1.3, 1.35, 1.25, 1.1, 1.0, 1.05, 1.1, 1.0, 0.9,
                      0.85, 0.85, 0.9, 0.95, 1.0, 1.1, 1.15, 1.05, 0.8, 0.6, 0.45, 0.35])
    rostered = np.array([6, 8, 10, 12, 12, 12, 10, 10, 10, 11, 10, 10,
                         9, 9, 10, 10, 10, 9, 9, 8, 7, 6, 5, 5])  # thin from 16:30: the evening gap
    for d in range(days):
        day = start_day + pd.Timedelta(days=d)
        if day.weekday() == 6:
            continue  # closed on Sundays
        day_factor = {0: 1.25, 5: 0.7}.get(day.weekday(), 1.0)
        for slot, load, staffed in zip(slots, shape, rostered):
            offered = int(rng.poisson(50 * load * day_factor))
            aht = float(np.round(rng.normal(240, 15)))
            agents = max(1, int(staffed - (rng.random() < 0.15)))
            traffic = offered * aht / 1800
            level = metrics.erlang_service_level(traffic, agents, 20, aht) if offered else 1.0
            abandon_rate = float(np.clip(0.015 + 0.12 * (1 - level) + rng.normal(0, 0.01), 0, 0.6))
            abandoned = int(rng.binomial(offered, abandon_rate)) if offered else 0
            answered = offered - abandoned
            within = int(rng.binomial(answered, min(1.0, level / max(1e-9, 1 - abandon_rate)))) if answered else 0
            rows.append(
                ((day + slot).strftime("%Y-%m-%d %H:%M"), offered, answered, abandoned, within, 20, aht, agents)
            )
    return pd.DataFrame(
        rows,
        columns=[
            "interval_start", "offered", "answered", "abandoned", "answered_within_target",
            "target_seconds", "avg_handle_seconds", "agents_staffed",
        ],
    )


# ---------------------------------------------------------------------------
# Email and voicemail response times
# ---------------------------------------------------------------------------


def response_times(rng: np.random.Generator, n: int = 900) -> pd.DataFrame:
    start = pd.Timestamp("2025-10-01")
    offsets = np.sort(rng.uniform(0, 61 * 24 * 3600, n))
    received = start + pd.to_timedelta(offsets, unit="s")
    rows = []
    for i in range(n):
        got = received[i].floor("min")
        channel = str(_pick(rng, ["email", "voicemail"], p=[0.7, 0.3]))
        team = str(_pick(rng, ["customer care", "deliveries", "accounts"], p=[0.55, 0.3, 0.15]))
        hours = rng.gamma(1.6, 7.0 if channel == "email" else 4.0)
        if got.weekday() == 0:
            hours *= 1.8  # the weekend backlog lands on Monday
        if team == "accounts":
            hours *= 1.4
        never = rng.random() < 0.03
        responded = "" if never else (got + pd.Timedelta(hours=float(hours))).floor("min").strftime("%Y-%m-%d %H:%M")
        rows.append((f"M{i + 1:04d}", channel, team, got.strftime("%Y-%m-%d %H:%M"), responded))
    return pd.DataFrame(rows, columns=["message_id", "channel", "team", "received", "responded"])


# ---------------------------------------------------------------------------
# Mystery shopper visits
# ---------------------------------------------------------------------------

MYSTERY_CHECKS = {
    "greeted_within_30s": 0.82,
    "staff_identified": 0.70,
    "asked_about_needs": 0.66,
    "product_knowledge": 0.78,
    "offered_alternatives": 0.55,
    "explained_returns_policy": 0.48,
    "thanked_customer": 0.90,
    "store_tidy": 0.85,
    "served_within_5_minutes": 0.74,
}
_BRANCH_SKILL = {"City Centre": 0.03, "Harbourside": 0.10, "Northgate": -0.12, "Westfield": -0.02}


# Visits a year: the agency visits busy branches more often and books the rest around its shoppers'
# diaries. Northgate, under review, has five visits every month.
VISITS_PER_BRANCH = {"City Centre": 72, "Harbourside": 58, "Northgate": 60, "Westfield": 46}


def _visit(rng: np.random.Generator, month: int, branch: str) -> dict:
    day = YEAR_START + pd.DateOffset(months=month) + pd.Timedelta(days=int(rng.integers(0, 28)))
    busy = rng.random() < 0.3
    passed = {}
    for check, base in MYSTERY_CHECKS.items():
        p = base + _BRANCH_SKILL[branch] - (0.12 if busy and check in ("greeted_within_30s", "served_within_5_minutes") else 0)
        passed[check] = bool(rng.random() < np.clip(p, 0.05, 0.98))
    impression = int(np.clip(np.round(2 + 8 * np.mean(list(passed.values())) + rng.normal(0, 0.8)), 1, 10))
    return {"date": day.strftime("%Y-%m-%d"), "branch": branch, "shopper": f"MS{int(rng.integers(1, 9)):02d}",
            **passed, "overall_impression": impression}


def _visit_schedule(rng: np.random.Generator, per_year: int) -> list[int]:
    """Visits in each month: an even five a month for 60 a year, otherwise uneven around the average."""
    if per_year == 60:
        return [5] * 12
    floor = max(0, per_year // 12 - 1)
    return [int(k) + floor for k in rng.multinomial(per_year - 12 * floor, [1 / 12] * 12)]


def mystery_shopper(rng: np.random.Generator, visits: dict[str, int] | None = None) -> pd.DataFrame:
    visits = VISITS_PER_BRANCH if visits is None else visits
    # Five visits per branch and month come from the dataset's stream, in the order they always have,
    # whether or not the schedule keeps them; the schedule and any further visits come from a stream of their own.
    extra = rng.spawn(1)[0]
    schedule = {branch: _visit_schedule(extra, visits[branch]) for branch in BRANCHES}
    rows = []
    for month in range(12):
        for branch in BRANCHES:
            drawn = [_visit(rng, month, branch) for _ in range(5)]
            wanted = schedule[branch][month]
            rows += drawn[:wanted] + [_visit(extra, month, branch) for _ in range(wanted - 5)]
    return pd.DataFrame([{"visit_id": f"V{i:04d}", **row} for i, row in enumerate(rows, start=1)])


# ---------------------------------------------------------------------------
# Competitor benchmark
# ---------------------------------------------------------------------------

COMPANIES = ["Harbour Home Supplies", "BuildRight", "HomeHub", "Nest & Co", "ValueDIY"]
BENCHMARK_MEASURES = {
    # measure: (higher is better, our start, competitor spread, quarterly drift for us)
    "csat_percent": (True, 64.0, 6.0, 0.6),
    "nps": (True, 21.0, 12.0, 1.0),
    "first_contact_resolution_percent": (True, 71.0, 7.0, 0.8),
    "average_wait_minutes": (False, 4.8, 1.6, -0.05),
    "on_time_delivery_percent": (True, 88.0, 5.0, -0.4),
    "online_rating": (True, 4.1, 0.35, 0.02),
}
_RIVAL_EDGE = {  # the rival HomeHub answers fast but resolves less
    ("HomeHub", "average_wait_minutes"): -2.0,
    ("HomeHub", "first_contact_resolution_percent"): -8.0,
    ("ValueDIY", "csat_percent"): -7.0,
    ("Nest & Co", "nps"): 10.0,
}


def competitor_benchmark(rng: np.random.Generator) -> pd.DataFrame:
    quarters = [f"{y}-Q{q}" for y in (2024, 2025) for q in (1, 2, 3, 4)]
    rows = []
    for qi, quarter in enumerate(quarters):
        for company in COMPANIES:
            for measure, (higher, ours, spread, drift) in BENCHMARK_MEASURES.items():
                if company == COMPANIES[0]:
                    value = ours + drift * qi + rng.normal(0, spread * 0.08)
                else:
                    offset = (COMPANIES.index(company) - 2.5) * spread * 0.35
                    value = ours + offset + _RIVAL_EDGE.get((company, measure), 0.0) + rng.normal(0, spread * 0.15)
                if measure == "online_rating":
                    value = float(np.clip(value, 1, 5))
                elif measure.endswith("percent"):
                    value = float(np.clip(value, 0, 100))
                elif measure == "average_wait_minutes":
                    value = max(0.3, float(value))
                rows.append((quarter, company, measure, round(float(value), 2), higher))
    return pd.DataFrame(rows, columns=["quarter", "company", "measure", "value", "higher_is_better"])


# ---------------------------------------------------------------------------
# Monthly secondary data
# ---------------------------------------------------------------------------


def monthly_secondary(rng: np.random.Generator) -> pd.DataFrame:
    months = pd.date_range("2021-01-01", "2025-12-01", freq="MS")
    size = {"City Centre": 1.3, "Harbourside": 0.9, "Northgate": 1.0, "Westfield": 0.8}
    rows = []
    for branch in BRANCHES:
        customers = int(4900 * size[branch])
        for i, month in enumerate(months):
            season = 1 + 0.18 * np.sin((month.month - 3) / 12 * 2 * np.pi) + (0.25 if month.month == 12 else 0)
            trouble = branch == "Northgate" and month.year == 2025 and month.month in (7, 8, 9)
            transactions = int(rng.normal(3600 * size[branch] * season * (1 + 0.008 * i), 150))
            net_sales = round(transactions * float(rng.normal(86, 4)), 2)
            returns = int(rng.poisson(transactions * (0.045 if trouble else 0.03)))
            refunds_value = round(returns * float(rng.normal(58, 6)), 2)
            cancellations = int(rng.poisson(transactions * (0.02 if trouble else 0.008)))
            complaints_n = int(rng.poisson(transactions * (0.011 if trouble else 0.004)))
            turnover = round(float(np.clip(rng.normal(2.6 if trouble else 1.6, 0.5), 0, 10)), 1)
            absent = int(rng.poisson(24 * size[branch] * (1.4 if trouble else 1.0)))
            customers = int(customers * (1 + rng.normal(0.006 if not trouble else -0.01, 0.004)))
            rows.append(
                (month.strftime("%Y-%m-%d"), branch, transactions, net_sales, returns, refunds_value,
                 cancellations, complaints_n, turnover, absent, customers)
            )
    return pd.DataFrame(
        rows,
        columns=[
            "month", "branch", "transactions", "net_sales", "returns", "refunds_value",
            "cancellations", "complaints", "staff_turnover_percent", "absence_days", "active_customers",
        ],
    )


# ---------------------------------------------------------------------------
# Social media mentions
# ---------------------------------------------------------------------------

PLATFORMS = ["X", "Facebook", "Instagram", "Google Reviews", "TikTok"]
# What posts of each sentiment are mostly about (one entry per kind of post the stream has always drawn).
_SOCIAL_TOPICS = {
    "positive": ["staff", "stock", "delivery", "phone", "returns", "staff"],
    "neutral": ["store", "stock", "prices", "store", "delivery"],
    "negative": ["delivery", "phone", "staff", "returns", "delivery", "phone"],
}


def social_mentions(rng: np.random.Generator, n: int = 800, truth: bool = False) -> pd.DataFrame:
    """Public posts. With ``truth=True`` three more columns say what each post was written to say: its
    sentiment (what a reader takes from it), its topic, and its kind (plain, mixed, or a trap for automatic
    sentiment: sarcasm, negation, question, implicit)."""
    posted = pd.Timestamp("2025-06-01") + pd.to_timedelta(np.sort(rng.uniform(0, 214 * 86400, n)), unit="s")
    ph = _phrases(rng)
    rows = []
    for i in range(n):
        when = posted[i].floor("min")
        bad_spell = when.month in (7, 8)
        p = [0.38, 0.32, 0.30] if not bad_spell else [0.25, 0.27, 0.48]
        sentiment = ["positive", "neutral", "negative"][int(rng.choice(3, p=p))]
        branch = "Northgate" if bad_spell and rng.random() < 0.5 else str(_pick(rng, BRANCHES))
        topics = _SOCIAL_TOPICS[sentiment]
        topic = topics[_index(rng, len(topics))]
        platform = str(_pick(rng, PLATFORMS, p=[0.30, 0.28, 0.14, 0.20, 0.08]))
        likes = int(rng.negative_binomial(1, 0.08))
        if ph.chance(0.3):
            topic = ph.pick(sample_text.SOCIAL_TOPICS)
        if sentiment == "negative" and bad_spell and branch == "Northgate" and ph.chance(0.6):
            topic = "delivery"  # the Northgate delivery problem
        text, kind = sample_text.social_post(ph, sentiment, topic, branch)
        rows.append((f"SM{i + 1:04d}", when.strftime("%Y-%m-%d %H:%M"), platform, text, likes, sentiment, topic, kind))
    frame = pd.DataFrame(rows, columns=["mention_id", "posted", "platform", "text", "likes", "sentiment", "topic", "kind"])
    return frame if truth else frame.drop(columns=["sentiment", "topic", "kind"])


# ---------------------------------------------------------------------------
# Strategy budget lines
# ---------------------------------------------------------------------------

_STRATEGIES = {
    "Faster first response": [
        ("Two extra contact-centre agents (evening shift)", "staff", "operating", 21000),
        ("Call-back software licence", "technology", "operating", 2400),
        ("Headsets and workstations", "technology", "capital", 6500),
    ],
    "Service coaching programme": [
        ("External coach, monthly workshops", "training", "operating", 4800),
        ("Team leader coaching time", "staff", "operating", 3600),
        ("Training room hire", "facilities", "operating", 900),
    ],
    "Self-service help centre": [
        ("Knowledge-base platform", "technology", "capital", 18000),
        ("Content writer (contract)", "consultancy", "operating", 7500),
        ("Launch promotion", "marketing", "operating", 3000),
    ],
    "Delivery reliability at Northgate": [
        ("Second courier contract", "consultancy", "operating", 9800),
        ("Delivery tracking texts", "technology", "operating", 1600),
        ("Loading bay repairs", "facilities", "capital", 12500),
    ],
    "Customer follow-up calls": [
        ("Follow-up caller hours", "staff", "operating", 5200),
        ("Survey platform subscription", "technology", "operating", 1100),
    ],
}


def budget_lines(rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    months = pd.date_range("2026-01-01", "2026-12-01", freq="MS")
    for strategy, lines in _STRATEGIES.items():
        for item, category, budget_type, per_quarter in lines:
            for mi, month in enumerate(months):
                if budget_type == "capital" and mi > 0:
                    continue  # capital is spent once, up front
                share = 1.0 if budget_type == "capital" else 1 / 3
                planned = round(per_quarter * share * float(rng.uniform(0.9, 1.1)), -1)
                # Actuals are known for the first half of the year; spending tends to run over.
                actual = "" if mi >= 6 else round(planned * float(rng.normal(1.04, 0.09)), 2)
                rows.append((strategy, item, category, budget_type, month.strftime("%Y-%m-%d"), planned, actual))
    return pd.DataFrame(
        rows, columns=["strategy", "line_item", "category", "budget_type", "month", "planned", "actual"]
    )


# ---------------------------------------------------------------------------
# Customer needs survey (topic 01)
# ---------------------------------------------------------------------------

NEED_ATTRIBUTES = ["price", "performance", "convenience", "appearance", "social acceptance",
                   "service and support", "information"]
NEED_SEGMENTS = ["household", "trade", "corporate"]
#: Respondents per segment: deliberately unequal, and none a round number.
NEEDS_RESPONDENTS = {"household": 131, "trade": 62, "corporate": 29}
# Mean importance (1-5) of each kind of need to each segment ...
_NEED_IMPORTANCE = {
    "household": [4.4, 3.9, 3.8, 3.7, 2.5, 3.4, 3.0],
    "trade": [4.1, 4.6, 4.5, 2.1, 1.8, 3.7, 3.6],
    "corporate": [3.3, 4.2, 3.9, 3.0, 2.9, 4.6, 4.6],
}
# ... and how satisfied each segment is with Harbour Home on it (1-5).
_NEED_SATISFACTION = {
    "household": [3.3, 3.9, 3.2, 4.0, 3.7, 3.9, 3.7],
    "trade": [3.5, 3.8, 2.8, 3.7, 3.5, 3.6, 3.4],
    "corporate": [3.6, 3.8, 3.1, 3.8, 3.6, 2.7, 2.2],
}


def needs_survey(rng: np.random.Generator) -> pd.DataFrame:
    """One row per respondent and kind of need: how important it is to them, and how satisfied they are."""
    rows = []
    number = 0
    for segment in NEED_SEGMENTS:
        for _ in range(NEEDS_RESPONDENTS[segment]):
            number += 1
            generosity = rng.normal(0, 0.35)  # some people rate everything a little higher
            for attribute, importance, satisfaction in zip(
                NEED_ATTRIBUTES, _NEED_IMPORTANCE[segment], _NEED_SATISFACTION[segment]
            ):
                rows.append((
                    f"N{number:03d}", segment, attribute,
                    int(np.clip(np.round(rng.normal(importance, 0.75)), 1, 5)),
                    int(np.clip(np.round(rng.normal(satisfaction + generosity, 0.8)), 1, 5)),
                ))
    return pd.DataFrame(rows, columns=["respondent_id", "segment", "attribute", "importance", "satisfaction"])


# ---------------------------------------------------------------------------
# Service audit checklist
# ---------------------------------------------------------------------------

AUDIT_SITES = BRANCHES + ["contact centre"]
_STORES = tuple(BRANCHES)
# (area, item, sites it applies to): the contact centre has no shop floor, forms or returns desk.
AUDIT_ITEMS = [
    ("service quality", "Customers greeted within 30 seconds", _STORES),
    ("service quality", "Phone answered within 20 seconds", tuple(AUDIT_SITES)),
    ("service quality", "Emails answered within 24 hours", tuple(AUDIT_SITES)),
    ("complaints", "Complaint forms on display", _STORES),
    ("complaints", "Complaints logged the same day", tuple(AUDIT_SITES)),
    ("complaints", "Complaints older than 10 days have a reply", tuple(AUDIT_SITES)),
    ("teamwork", "Hand-over notes completed at shift change", tuple(AUDIT_SITES)),
    ("teamwork", "Team briefing held this week", tuple(AUDIT_SITES)),
    ("systems", "Order status matches between store and online systems", tuple(AUDIT_SITES)),
    ("systems", "Returns processed without a manager override", _STORES),
    ("feedback", "Feedback cards collected and passed to the manager", _STORES),
    ("feedback", "Last month's feedback summary discussed with the team", tuple(AUDIT_SITES)),
]
AUDIT_AREAS = ["service quality", "complaints", "teamwork", "systems", "feedback"]
# Audits per site in 2025 (unequal: a new manager at Northgate asked for extra audits).
_AUDITS_PER_SITE = {"City Centre": 4, "Harbourside": 3, "Northgate": 5, "Westfield": 2, "contact centre": 4}
_AUDIT_PASS = {"City Centre": 0.86, "Harbourside": 0.82, "Northgate": 0.72, "Westfield": 0.80, "contact centre": 0.78}


def audit_checklist(rng: np.random.Generator) -> pd.DataFrame:
    """One row per audit and checklist item: the internal service audit of 2025, site by site."""
    rows, number = [], 0
    for site in AUDIT_SITES:
        audits = _AUDITS_PER_SITE[site]
        for k in range(audits):
            number += 1
            month = int(round(k * 12 / audits)) + 1
            day = YEAR_START + pd.DateOffset(months=month - 1) + pd.Timedelta(days=int(rng.integers(2, 26)))
            for area, item, applies in AUDIT_ITEMS:
                if site not in applies:
                    continue
                passed = bool(rng.random() < _AUDIT_PASS[site])
                rows.append((f"A{number:03d}", day.strftime("%Y-%m-%d"), site, area, item, passed))
    return pd.DataFrame(rows, columns=["audit_id", "date", "site", "area", "item", "passed"])
