"""The free text in the sample data reads like real customers: varied, in tune with the row's scores, and with
the posts that fool automatic sentiment that topic 07 Task 6 relies on. Also: mystery-shopper groups differ in size.

The generators can say what they meant each text to carry (``truth=True`` for social posts, ``tone=True`` for hotel
cards); those labels are checked against the shipped files first, and the tone itself is judged independently with
VADER, the tool topic 07 uses (compound 0.05 or more positive, -0.05 or less negative)."""

from __future__ import annotations

import pandas as pd
import pytest
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from csworkbook import datasets, load_dataset, sample_data

_vader = SentimentIntensityAnalyzer()


def vader(text: str) -> str:
    score = _vader.polarity_scores(text)["compound"]
    return "positive" if score >= 0.05 else "negative" if score <= -0.05 else "neutral"


@pytest.fixture(scope="module")
def mentions():
    """The shipped social mentions with what each post was written to say, and VADER's reading of it."""
    truth = sample_data.social_mentions(datasets._rng("social_mentions"), truth=True)
    shipped = load_dataset("social_mentions")
    assert truth["text"].tolist() == shipped["text"].tolist(), "the generator's labels describe the shipped posts"
    return truth.assign(vader=[vader(t) for t in truth["text"]], month=shipped["posted"].dt.month)


@pytest.fixture(scope="module")
def hotel():
    cards = sample_data.hotel_feedback(datasets._rng("hotel_feedback"), tone=True)
    shipped = load_dataset("hotel_feedback")
    assert cards["comment"].tolist() == shipped["comment"].tolist()
    assert cards["rating"].tolist() == shipped["rating"].tolist()
    return cards.assign(vader=[vader(t) for t in cards["comment"]])


@pytest.fixture(scope="module")
def comments():
    survey = load_dataset("survey_responses")
    written = survey[survey["comment"].fillna("") != ""]
    return written.assign(vader=[vader(t) for t in written["comment"]])


# -- variety ---------------------------------------------------------------------


def test_most_texts_are_distinct(mentions, comments, hotel):
    assert len(mentions) == 800 and mentions["text"].nunique() >= 600
    assert comments["comment"].nunique() >= 0.7 * len(comments)
    assert hotel["comment"].nunique() >= 0.9 * len(hotel)
    # No stock phrase dominates: the commonest text is a small share of each column.
    assert mentions["text"].value_counts().iloc[0] <= 5
    assert comments["comment"].value_counts().iloc[0] <= 0.02 * len(comments)


def test_texts_are_plain_and_of_realistic_length(mentions, comments, hotel):
    for texts in (mentions["text"], comments["comment"], hotel["comment"]):
        lengths = texts.str.len()
        assert lengths.min() >= 15 and lengths.max() <= 280 and 50 <= lengths.median() <= 160
        assert not texts.str.contains(r"\{|\}|  | \.|\ba [aeio]", regex=True).any(), "unfilled slot or untidy text"


# -- social mentions: sentiment and the traps ------------------------------------


def test_plain_posts_read_as_written(mentions):
    plain = mentions[mentions["kind"] == "plain"]
    assert len(plain) >= 0.8 * len(mentions)
    wrong = plain[plain["vader"] != plain["sentiment"]]
    assert len(wrong) <= 0.02 * len(plain), wrong[["sentiment", "vader", "text"]].head(10).to_string()


def test_traps_where_automatic_sentiment_goes_wrong(mentions):
    wrong = mentions[mentions["vader"] != mentions["sentiment"]]
    assert 0.03 * len(mentions) <= len(wrong) <= 0.15 * len(mentions), len(wrong)
    missed = wrong["kind"].value_counts()
    # Sarcasm and negation are the lesson's examples; mixed posts bury the complaint under praise.
    assert missed.get("sarcasm", 0) >= 10 and missed.get("negation", 0) >= 5 and missed.get("mixed", 0) >= 5, missed
    sarcasm = mentions[mentions["kind"] == "sarcasm"]
    assert (sarcasm["sentiment"] == "negative").all() and (sarcasm["vader"] == "positive").mean() >= 0.8
    # Negation fools VADER both ways: praise read as complaint, and complaint read as praise.
    negation = wrong[wrong["kind"] == "negation"]
    assert {("positive", "negative"), ("negative", "positive")} <= set(zip(negation["sentiment"], negation["vader"]))


def test_negative_mentions_peak_in_july_and_august(mentions):
    # Topic 07's chart and model report: negative mentions (as VADER labels them) peak in July and August.
    share = mentions.groupby("month")["vader"].apply(lambda s: (s == "negative").mean())
    assert set(share.nlargest(2).index) == {7, 8}
    meant = mentions.groupby("month")["sentiment"].apply(lambda s: (s == "negative").mean())
    assert set(meant.nlargest(2).index) == {7, 8}


# -- survey comments -------------------------------------------------------------


def test_survey_comments_follow_the_scores(comments):
    happy, unhappy = comments[comments["csat"] >= 4], comments[comments["csat"] <= 2]
    assert (happy["vader"] == "negative").mean() <= 0.01
    assert (unhappy["vader"] == "positive").mean() <= 0.01
    assert (happy["vader"] == "positive").mean() >= 0.9 and (unhappy["vader"] == "negative").mean() >= 0.5
    # Customers who will go elsewhere say so only when their recommend score is low.
    leaving = comments["comment"].str.contains("won't be back|next time|elsewhere|Would not recommend", regex=True)
    assert leaving.any() and (comments.loc[leaving, "recommend"] <= 4).all()


def test_unhappy_customers_write_more():
    survey = load_dataset("survey_responses")
    wrote = survey["comment"].fillna("") != ""
    assert wrote[survey["csat"] <= 2].mean() > wrote[survey["csat"] >= 4].mean() + 0.1


def test_survey_comments_suit_the_channel(comments):
    text = comments["comment"].str.lower()
    assert (comments.loc[text.str.contains("on hold"), "channel"] == "phone").all()
    assert (comments.loc[text.str.contains(r"\bchat\b", regex=True), "channel"] == "live chat").all()
    assert (comments.loc[text.str.contains(r"\baisles?\b|\bregister\b|\bcheckout staff", regex=True), "channel"] == "in store").all()


def test_the_northgate_delivery_problem_is_in_the_comments(comments):
    month = comments["date"].dt.month
    trouble = (comments["branch"] == "Northgate") & month.isin([7, 8]) & (comments["csat"] <= 3)
    others = ~(comments["branch"] == "Northgate") & (comments["csat"] <= 3)
    about_delivery = comments["comment"].str.contains("deliver", case=False)
    assert about_delivery[trouble].mean() >= 0.5 > about_delivery[others].mean() + 0.2


# -- hotel comment cards ---------------------------------------------------------


def test_hotel_comments_agree_with_their_ratings(hotel):
    assert (hotel["tone"] == hotel["rating"].map({1: "negative", 2: "negative", 3: "mixed", 4: "positive", 5: "positive"})).all()
    good, bad = hotel[hotel["rating"] >= 4], hotel[hotel["rating"] <= 2]
    assert (good["vader"] == "positive").all(), good.loc[good["vader"] != "positive", "comment"].head().tolist()
    assert (bad["vader"] == "negative").all(), bad.loc[bad["vader"] != "negative", "comment"].head().tolist()
    # The middling cards are deliberately mixed: each holds both praise and a complaint.
    mixed = hotel[hotel["rating"] == 3]
    scores = pd.DataFrame([_vader.polarity_scores(t) for t in mixed["comment"]])
    assert len(mixed) >= 20 and ((scores["pos"] > 0) & (scores["neg"] > 0)).all()


def test_hotel_sign_offs_never_contradict_the_rating(hotel):
    praise = hotel["comment"].str.contains("Would stay again|Highly recommend|Thanks to the", regex=True)
    gripe = hotel["comment"].str.contains("Not what we expected|won't be back|Disappointing stay", regex=True)
    assert praise.any() and gripe.any()
    assert (hotel.loc[praise, "rating"] >= 4).all() and (hotel.loc[gripe, "rating"] <= 2).all()


# -- mystery-shopper visits ------------------------------------------------------


def test_mystery_shopper_groups_differ_in_size():
    visits = load_dataset("mystery_shopper")
    per_branch = visits["branch"].value_counts()
    assert len(per_branch) == 4 and per_branch.min() >= 40 and per_branch.is_unique
    assert per_branch["Northgate"] == 60  # the debrief role-play's 60 visits, 15 a quarter
    assert 200 <= len(visits) <= 300 and visits["visit_id"].is_unique
    monthly = visits.groupby(["branch", visits["date"].dt.month], observed=True).size().unstack()
    assert (monthly.drop("Northgate").nunique(axis=1) > 1).all(), "other branches' months vary"
