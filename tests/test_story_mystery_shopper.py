"""The mystery-shopper-debrief role-play tells a story about Northgate: every figure and claim it makes
about the sample data is computed here, so a change to the data that makes a line untrue fails a test.

Each test names the reply, node or feedback that makes the claim. Quarters are calendar quarters of 2025
(Q1 January to March, Q3 July to September, Q4 October to December)."""

from __future__ import annotations

import pandas as pd
import pytest

from csworkbook import load_dataset
from csworkbook.roleplay import load_scenario

CHECKS = ["greeted_within_30s", "staff_identified", "asked_about_needs", "product_knowledge", "offered_alternatives",
          "explained_returns_policy", "thanked_customer", "store_tidy", "served_within_5_minutes"]


@pytest.fixture(scope="module")
def visits():
    df = load_dataset("mystery_shopper")
    return df.assign(quarter=df["date"].dt.quarter, met=df[CHECKS].sum(axis=1))


@pytest.fixture(scope="module")
def northgate(visits):
    return visits[visits["branch"] == "Northgate"]


@pytest.fixture(scope="module")
def scenario_text():
    s = load_scenario("mystery-shopper-debrief")
    parts = [s.summary, *s.objectives]
    for node in s.nodes.values():
        parts.append(node.text)
        parts += [c.text for c in node.choices] + [c.feedback for c in node.choices]
        if node.ending:
            parts.append(node.ending.debrief)
    return " ".join(" ".join(parts).split())


def count(df, column, quarter):
    return int(df.loc[df["quarter"] == quarter, column].sum())


def test_the_figures_quoted_are_in_the_scenario(scenario_text):
    # If a line is reworded, this test says which figure to re-check below.
    for phrase in ["visited Northgate 60 times", "14 of 15 shoppers were thanked and 11 had returns explained, against 5",
                   "Only 6 of Northgate's 60 visits were on a Saturday", "13 visits that met 4 or fewer of the 9 standards",
                   "greeted within 30 seconds in 5 of 15 visits", "Across 60 visits", "60% of the time",
                   "between 72 and 90%", "Asking about needs, 53%", "more than doubled", "7 of 15 visits in January to March",
                   "8 of 15 visits (12 of 15 in January to March)", "needs asked in 9 of 15", "under 5 per 1,000 transactions",
                   "about 11 in July to September", "product knowledge was correct in only 7 of 15 visits",
                   "product knowledge was the lowest of the four branches"]:
        assert phrase in scenario_text, phrase


def test_sixty_visits_fifteen_a_quarter(northgate):
    # summary, show-pattern: 60 visits in 2025; every "of 15" below is one quarter's visits.
    assert len(northgate) == 60 and (northgate["date"].dt.year == 2025).all()
    assert northgate["quarter"].value_counts().sort_index().tolist() == [15, 15, 15, 15]


def test_last_of_four_on_greeting_and_needs(visits):
    # summary, ranking-first, show-pattern: Northgate 60% greeted (the others 72 to 90%), needs 53%, both the lowest.
    rates = visits.groupby("branch", observed=True)[CHECKS].mean() * 100
    assert len(rates) == 4
    for column in ["greeted_within_30s", "asked_about_needs"]:
        assert rates[column].idxmin() == "Northgate" and (rates[column].drop("Northgate") > rates.loc["Northgate", column]).all()
    assert round(rates.loc["Northgate", "greeted_within_30s"]) == 60
    others = rates["greeted_within_30s"].drop("Northgate").round()
    assert others.min() == 72 and others.max() == 90
    assert round(rates.loc["Northgate", "asked_about_needs"]) == 53


def test_product_knowledge_is_the_lowest_branch(visits):
    # motivating-praise's feedback: the praise is false, Northgate's product knowledge was the lowest of the four.
    rates = visits.groupby("branch", observed=True)["product_knowledge"].mean()
    assert (rates.drop("Northgate") > rates["Northgate"]).all()


def test_the_true_praise(northgate):
    # true-praise: since October 14 of 15 thanked and 11 of 15 had returns explained, against 5 in July to September;
    # its feedback: the last quarter is better on both.
    assert count(northgate, "thanked_customer", 4) == 14
    assert count(northgate, "explained_returns_policy", 4) == 11
    assert count(northgate, "explained_returns_policy", 3) == 5
    assert count(northgate, "thanked_customer", 4) > count(northgate, "thanked_customer", 3)


def test_not_saturdays(northgate):
    # defensive (Jo's explanation) tested at day-check and told-you: 6 of 60 visits on a Saturday, none of them among
    # the 13 visits that met 4 or fewer of the 9 standards.
    saturday = northgate["date"].dt.dayofweek == 5
    worst = northgate["met"] <= 4
    assert saturday.sum() == 6 and worst.sum() == 13
    assert not (saturday & worst).any()


def test_the_worst_was_july_to_september(northgate):
    # summary, day-check, show-quarters: July to September is the worst quarter for greetings (5 of 15) and for
    # needs questions; the worst visits cluster there.
    greeted = [count(northgate, "greeted_within_30s", q) for q in (1, 2, 3, 4)]
    needs = [count(northgate, "asked_about_needs", q) for q in (1, 2, 3, 4)]
    assert greeted[2] == 5 and greeted[2] == min(greeted) and greeted.count(5) == 1
    assert needs[2] == min(needs) and needs.count(needs[2]) == 1


def test_the_teams_explanation_is_partly_true():
    # partly-true: complaints per 1,000 transactions more than doubled in July to September (against January to June);
    # recovery: about 11 then, back under 5 in October to December.
    m = load_dataset("monthly_secondary")
    ng = m[(m["branch"] == "Northgate") & (m["month"].dt.year == 2025)]

    def rate(months):
        part = ng[ng["month"].dt.month.isin(months)]
        return 1000 * part["complaints"].sum() / part["transactions"].sum()

    first_half, q3, q4 = rate(range(1, 7)), rate([7, 8, 9]), rate([10, 11, 12])
    assert q3 > 2 * first_half
    assert round(q3) == 11
    assert q4 < 5


def test_needs_questions_were_low_before_july(northgate):
    # partly-true, show-quarters' feedback: needs asked in 7 of 15 visits in January to March, before the courier trouble
    # (fewer than half: the courier does not explain them).
    assert count(northgate, "asked_about_needs", 1) == 7


def test_is_it_still_happening(northgate):
    # recovery, name-what-remains, call-it-fixed, the success debrief: October to December greeted in 8 of 15
    # (January to March 12 of 15, July to September 5), needs asked in 9 of 15, product knowledge 7 of 15, lower than
    # July to September: a partial recovery, with product answers slipping.
    assert count(northgate, "greeted_within_30s", 4) == 8
    assert count(northgate, "greeted_within_30s", 1) == 12
    assert count(northgate, "greeted_within_30s", 3) < 8 < 12
    assert count(northgate, "asked_about_needs", 4) == 9 > count(northgate, "asked_about_needs", 3)
    assert count(northgate, "product_knowledge", 4) == 7 < count(northgate, "product_knowledge", 3)
