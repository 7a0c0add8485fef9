"""Topic 07 tells one story about Harbour Home's data: every figure and claim its lesson and
its marking guides make about the sample data is computed here, so a change to the data (or
to the text) that makes a line untrue fails a test.

Each test quotes the words it checks (`says(cell, ...)` fails if the notebook no longer says
them, so the quote and the check cannot drift apart) and then checks them against the data.
Quarters are calendar quarters of 2025 unless named.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from csworkbook import load_dataset
from csworkbook.metrics import ces, csat, csat_difference, nps, nps_difference, sample_size, surveys_to_issue
from notebook_proofs import notebook_cells, says as says_in

SOURCE = "source/07-measuring-satisfaction/07-measuring-satisfaction.ipynb"
BRANCHES = ["City Centre", "Harbourside", "Northgate", "Westfield"]


@pytest.fixture(scope="module")
def cells(repo):
    return notebook_cells(repo / SOURCE)


@pytest.fixture(scope="module")
def says(cells):
    return says_in(cells)


@pytest.fixture(scope="module")
def responses():
    df = load_dataset("survey_responses")
    return df.assign(quarter=df["date"].dt.quarter)


@pytest.fixture(scope="module")
def monthly():
    df = load_dataset("monthly_secondary")
    return df.assign(year=df["month"].dt.year, quarter=df["month"].dt.quarter)


@pytest.fixture(scope="module")
def visits():
    df = load_dataset("mystery_shopper")
    checks = [c for c in df.columns if df[c].dtype == bool]
    return df.assign(quarter=df["date"].dt.quarter, met=df[checks].sum(axis=1)), checks


def _rate(frame) -> float:
    return 1000 * frame["complaints"].sum() / frame["transactions"].sum()


def _quarter_rate(monthly, branch, quarter) -> float:
    rows = monthly[(monthly["year"] == 2025) & (monthly["quarter"] == quarter)]
    return _rate(rows if branch is None else rows[rows["branch"] == branch])


def _northgate_gap(responses, quarter):
    now = responses[responses["quarter"] == quarter]
    at = now["branch"] == "Northgate"
    return nps_difference(now.loc[at, "recommend"], now.loc[~at, "recommend"])


# -- section 2 and Task 1: the population and the survey plan ----------------------------


def test_population_and_the_worked_examples(says, monthly):
    says("task1-text", "27,536 customers, a 5% margin and a one-in-three response rate need 379 completes, so 1,137 surveys",
         "379 / 0.3 = 1,263.3, so 1,264", "300 customers need 169 completes, which at a 25% response rate would be 676 sends")
    latest = monthly[monthly["month"] == monthly["month"].max()]
    assert int(latest["active_customers"].sum()) == 27536
    assert sample_size(0.05, population=27536) == 379 and surveys_to_issue(379, 1 / 3) == 1137
    assert 379 / 0.3 == pytest.approx(1263.33, abs=0.01) and surveys_to_issue(379, 0.3) == 1264
    assert sample_size(0.05, population=300) == 169 and surveys_to_issue(169, 0.25) == 676


# -- section 4: three scores, and whether a difference is real ----------------------------


def test_csat_by_channel_as_the_chart_is_read(says, responses):
    says("task3-text", "Only in-store service meets the 75% target; live chat and the website come close, while phone "
                       "and email trail in-store service by 13 and 15 percentage points")
    by = responses.groupby("channel", observed=True)["csat"].apply(csat)
    assert [c for c in by.index if by[c] >= 75] == ["in store"]
    assert 72 <= by["live chat"] < 75 and 72 <= by["website"] < 75
    assert round(by["in store"] - by["phone"]) == 13 and round(by["in store"] - by["email"]) == 15
    says("primer-0", "1,800 answers")
    assert len(responses) == 1800


def test_branch_and_channel_differences_against_their_margins(says, responses):
    says("differences-3", "Northgate's NPS is 14 to 36 points below each of the other branches, and each gap is larger "
                          "than its margin of error (10 to 11 points)",
         "City Centre and Westfield differ by 6 points with a margin of 10: that could be noise",
         "in store leads phone and email by more than the margin; its lead over live chat and the website is inside it")
    scores = dict(list(responses.groupby("branch", observed=True)["recommend"]))
    gaps = [nps_difference(scores["Northgate"], scores[b]) for b in ("City Centre", "Harbourside", "Westfield")]
    assert sorted(round(-g.estimate) for g in gaps) == [14, 21, 36]
    assert all(g.clear for g in gaps) and {round(g.margin) for g in gaps} <= {10, 11}
    cc_w = nps_difference(scores["City Centre"], scores["Westfield"])
    assert round(cc_w.estimate) == 6 and round(cc_w.margin) == 10 and not cc_w.clear
    sat = dict(list(responses.groupby("channel", observed=True)["csat"]))
    assert csat_difference(sat["in store"], sat["phone"]).clear and csat_difference(sat["in store"], sat["email"]).clear
    assert not csat_difference(sat["in store"], sat["live chat"]).clear
    assert not csat_difference(sat["in store"], sat["website"]).clear


def test_effort_is_worst_where_satisfaction_is(says, responses):
    says("differences-3", "the two channels where customers had to work hardest, email and phone, are the two with the "
                          "lowest satisfaction")
    effort = responses.groupby("channel", observed=True)["effort"].apply(ces).sort_values()
    sat = responses.groupby("channel", observed=True)["csat"].apply(csat).sort_values()
    assert set(effort.index[:2]) == set(sat.index[:2]) == {"email", "phone"}


def test_percentage_point_example(says, responses):
    says("differences-1", "A CSAT of 62.8% plus or minus 3.9 percentage points means somewhere from 58.9% to 66.7%")
    phone = responses.loc[responses["channel"] == "phone", "csat"]
    from csworkbook.metrics import csat_margin_of_error
    assert round(csat(phone), 1) == 62.8 and round(csat_margin_of_error(phone), 1) == 3.9


# -- section 5: secondary data, and is it still happening? --------------------------------


def test_complaints_and_turnover_rise_together(says, monthly):
    says("differences-7", "Northgate's complaint rate more than doubles from July to September, and its staff turnover "
                          "rises at the same time")
    ng = monthly[(monthly["branch"] == "Northgate") & (monthly["year"] == 2025)]
    first_half, q3 = ng[ng["quarter"] <= 2], ng[ng["quarter"] == 3]
    assert _rate(q3) > 2 * _rate(first_half)
    assert q3["staff_turnover_percent"].mean() > first_half["staff_turnover_percent"].max() - 0.5
    assert q3["staff_turnover_percent"].mean() > 1.3 * first_half["staff_turnover_percent"].mean()


def test_the_episode_has_passed_in_the_complaints(says, monthly):
    says("still-3", "Northgate's rate was 11 per 1,000 transactions in July to September, about three times its level "
                    "in the first half of the year. In October to December it was 4.5, close to the other branches "
                    "(3.7 to 4.4)")
    says("task9-report", "Complaints 11 per 1,000 transactions in Q3 against 3.2 to 3.9 in the first half, and 4.5 in "
                         "Q4 (other branches 3.7 to 4.4)")
    q3 = _quarter_rate(monthly, "Northgate", 3)
    ng = monthly[(monthly["branch"] == "Northgate") & (monthly["year"] == 2025)]
    assert round(q3) == 11 and 2.5 <= q3 / _rate(ng[ng["quarter"] <= 2]) <= 3.5
    assert [round(_quarter_rate(monthly, "Northgate", q), 1) for q in (1, 2)] == [3.2, 3.9]
    assert round(_quarter_rate(monthly, "Northgate", 4), 1) == 4.5
    others = [_quarter_rate(monthly, b, 4) for b in BRANCHES if b != "Northgate"]
    assert (round(min(others), 1), round(max(others), 1)) == (3.7, 4.4)


def test_the_episode_has_passed_in_the_survey(says, responses):
    says("still-3", "In July to September Northgate's NPS was 58 points below the other branches, far outside the "
                    "margin of error. In October to December the gap is 13 points with a margin of 18",
         "January to March shows a gap of 17.1 points against a margin of 16.7: only just beyond it")
    q1, q3, q4 = (_northgate_gap(responses, q) for q in (1, 3, 4))
    assert round(-q3.estimate) == 58 and q3.clear and round(q3.margin) == 16
    assert round(-q4.estimate) == 13 and round(q4.margin) == 18 and not q4.clear
    assert round(-q1.estimate, 1) == 17.1 and round(q1.margin, 1) == 16.7 and q1.clear
    says("task9-report", "NPS 58 points below the other branches in Q3 (margin 16), 13 below in Q4 (margin 18, so not "
                         "distinguishable)")


# -- section 6: mystery shopping ----------------------------------------------------------


def test_northgate_lowest_on_most_standards(says, visits):
    says("shopping-1", "Over the year Northgate has the lowest pass rate of the four branches on most of the nine "
                       "standards, including greeting customers within 30 seconds, asking about their needs and "
                       "product knowledge")
    df, checks = visits
    rates = df.groupby("branch", observed=True)[checks].mean()
    lowest = rates.idxmin()
    assert len(checks) == 9 and (lowest == "Northgate").sum() >= 5
    for check in ("greeted_within_30s", "asked_about_needs", "product_knowledge"):
        others = rates.loc[[b for b in BRANCHES if b != "Northgate"], check]
        assert rates.loc["Northgate", check] < others.min(), check


def test_standards_gap_remains_in_the_last_quarter(says, visits):
    says("shopping-3", "Northgate's visits were at their worst in July to September", "In October to December they "
         "improved, but Northgate still met the fewest standards per visit of the four branches",
         "each branch gets only 9 to 20 visits a quarter")
    says("task9-report", "still the fewest in Q4", "5.7 of 9, against 6.7 or more elsewhere",
         "15 mystery-shopper visits in Q4")
    df, _ = visits
    met = df.groupby(["branch", "quarter"], observed=True)["met"].mean().unstack()
    assert met.loc["Northgate"].idxmin() == 3 and met.loc["Northgate", 4] > met.loc["Northgate", 3]
    assert met[4].idxmin() == "Northgate" and met[3].idxmin() == "Northgate"
    assert round(met.loc["Northgate", 4], 1) == 5.7
    assert round(met[4].drop("Northgate").min(), 1) == 6.7
    per_quarter = df.groupby(["branch", "quarter"], observed=True).size()
    assert (per_quarter.min(), per_quarter.max()) == (9, 20) and per_quarter.loc["Northgate"].loc[4] == 15


def test_q4_greeting_rate_in_the_model_answer(says, visits):
    says("task9-report", "greeted within 30 seconds from 53% in Q4 to 80% by the end of Q2 2026")
    df, _ = visits
    ng4 = df[(df["branch"] == "Northgate") & (df["quarter"] == 4)]
    assert round(100 * ng4["greeted_within_30s"].mean()) == 53


# -- section 7: benchmarking; section 8: social media --------------------------------------


def test_where_we_lead_and_trail_the_market(says):
    says("benchmark-reading", "leads on CSAT, first-contact resolution and online rating, and trails on three measures",
         "on-time delivery is the lowest of the five companies (84.9% against 89.8%), having slipped from 87.9% in the "
         "second quarter of 2024")
    says("task9-report", "On-time delivery 84.9% in Q4, the lowest of the five companies in the benchmark and down from "
                         "87.9% in the second quarter of 2024", "the benchmark's Q4 is its lowest quarter of the two years")
    b = load_dataset("competitor_benchmark")
    us = "Harbour Home Supplies"
    q4 = b[b["quarter"] == "2025-Q4"]
    lead, trail = [], []
    for measure, part in q4.groupby("measure", observed=True):
        higher = bool(part["higher_is_better"].iloc[0])
        ours = float(part.loc[part["company"] == us, "value"].iloc[0])
        others = part.loc[part["company"] != us, "value"]
        (lead if (ours > others.max() if higher else ours < others.min()) else trail).append(measure)
    assert sorted(lead) == ["csat_percent", "first_contact_resolution_percent", "online_rating"]
    assert sorted(trail) == ["average_wait_minutes", "nps", "on_time_delivery_percent"]
    otd = b[b["measure"] == "on_time_delivery_percent"]
    mine = otd[otd["company"] == us].set_index("quarter")["value"]
    assert otd[otd["quarter"] == "2025-Q4"].set_index("company")["value"].idxmin() == us
    assert round(mine["2025-Q4"], 1) == 84.9 and round(mine["2024-Q2"], 1) == 87.9 and mine.idxmin() == "2025-Q4"
    assert round(otd[(otd["quarter"] == "2025-Q4") & (otd["company"] != us)]["value"].max(), 1) == 89.8


def test_negative_mentions_peak_in_july_and_august(says):
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    says("sentiment-reading", "Negative mentions jump from about one in five in June to almost half in July")
    analyzer = SentimentIntensityAnalyzer()
    mentions = load_dataset("social_mentions")
    negative = mentions["text"].map(lambda t: analyzer.polarity_scores(t)["compound"] <= -0.05)
    share = negative.groupby(mentions["posted"].dt.month).mean()
    assert set(share.nlargest(2).index) == {7, 8}


# -- the marking guide of Task 9: the other findings and the model answer -------------------


def test_phone_and_email_finding(says, responses):
    says("task9-report", "CSAT 62.8% and 60.9% against 75.7% in store, gaps of 13 and 15 percentage points with margins "
                         "of 6 and 7", "(5.37 and 5.29 of 7)",
         "in Q4 phone and email together trail the other channels by 13.9 percentage points (margin 8.5)")
    sat = dict(list(responses.groupby("channel", observed=True)["csat"]))
    assert [round(csat(sat[c]), 1) for c in ("phone", "email", "in store")] == [62.8, 60.9, 75.7]
    for channel, gap, margin in (("phone", 13, 6), ("email", 15, 7)):
        d = csat_difference(sat["in store"], sat[channel])
        assert (round(d.estimate), round(d.margin)) == (gap, margin) and d.clear
    effort = responses.groupby("channel", observed=True)["effort"].apply(ces)
    assert (round(effort["phone"], 2), round(effort["email"], 2)) == (5.37, 5.29)
    q4 = responses[responses["quarter"] == 4]
    slow = q4["channel"].isin(["phone", "email"])
    d = csat_difference(q4.loc[slow, "csat"], q4.loc[~slow, "csat"])
    assert (round(-d.estimate, 1), round(d.margin, 1)) == (13.9, 8.5) and d.clear


def test_model_answer_figures(says, responses):
    says("task9-report", "68% of surveyed customers were satisfied", "The NPS is +30",
         "Northgate had only 96 survey responses")
    assert round(csat(responses["csat"])) == 68 and round(nps(responses["recommend"])) == 30
    assert ((responses["branch"] == "Northgate") & (responses["quarter"] == 4)).sum() == 96


def test_complaints_log_is_not_offered_as_corroboration_of_delivery(says):
    says("task9-report", "Do not credit the complaints log from topic 06 as a second source here: its late-delivery "
                         "complaints fall in Q4")
    complaints = load_dataset("complaints")
    late = complaints[complaints["category"] == "late delivery"]
    by_quarter = late.groupby(late["received"].dt.quarter).size()
    assert by_quarter[4] < by_quarter[3]


def test_delivery_finding_social_and_benchmark(says):
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    says("sentiment-reading", "Negative mentions jump from about one in five in June to almost half in July",
         "nearly half of July's negative posts are about deliveries",
         "posts that name Northgate are *less* negative than the rest in July and August")
    says("task9-report", "negative social media mentions jump from 22.5% in June to 48.8% in July, nearly half of them "
                         "about deliveries", "delivery posts and the share of negative posts fell after August")
    analyzer = SentimentIntensityAnalyzer()
    m = load_dataset("social_mentions")
    m = m.assign(negative=m["text"].map(lambda t: analyzer.polarity_scores(t)["compound"] <= -0.05),
                 month=m["posted"].dt.month, delivery=m["text"].str.contains("deliver|courier|driver", case=False),
                 northgate=m["text"].str.contains("Northgate"))
    share = 100 * m.groupby("month")["negative"].mean()
    assert (round(share[6], 1), round(share[7], 1)) == (22.5, 48.8)
    july_negative = m[(m["month"] == 7) & m["negative"]]
    assert 0.4 <= july_negative["delivery"].mean() < 0.5
    for month in (7, 8):
        part = m[m["month"] == month]
        assert part.loc[part["northgate"], "negative"].mean() < part.loc[~part["northgate"], "negative"].mean()
    posts = m[m["delivery"]].groupby("month").size()
    assert posts[7] == posts.max() and all(posts[k] < posts[7] for k in (9, 10, 11, 12))
    assert all(share[k] < share[8] for k in (9, 10, 11, 12))


def test_phone_and_email_second_source_is_the_benchmark_wait(says):
    says("task9-report", "customers wait 4.5 minutes against 2.6 at the fastest rival")
    b = load_dataset("competitor_benchmark")
    wait = b[(b["quarter"] == "2025-Q4") & (b["measure"] == "average_wait_minutes")].set_index("company")["value"]
    assert round(wait["Harbour Home Supplies"], 1) == 4.5 and round(wait.drop("Harbour Home Supplies").min(), 1) == 2.6


def test_borderline_early_gap_is_not_confirmed(says, responses, monthly):
    says("still-3", "January to March shows a gap of 17.1 points against a margin of 16.7", "April to June shows almost "
         "none (2.3, margin 15.7)", "Northgate's complaint rate in January to March was the lowest of the four branches")
    q2 = _northgate_gap(responses, 2)
    assert (round(-q2.estimate, 1), round(q2.margin, 1)) == (2.3, 15.7) and not q2.clear
    q1_rates = {b: _quarter_rate(monthly, b, 1) for b in BRANCHES}
    assert min(q1_rates, key=q1_rates.get) == "Northgate"


def test_standards_gap_in_q4_is_beyond_its_margin(says, visits):
    from csworkbook.metrics import mean_difference

    says("shopping-3", "1.4 fewer than the other branches, with a margin of error of 0.8, so a real difference",
         "Northgate was lowest in April to June too", "one visit in fifteen is almost 7 percentage points")
    says("task9-report", "1.4 fewer than the other branches, margin 0.8")
    df, _ = visits
    q4 = df[df["quarter"] == 4]
    at = q4["branch"] == "Northgate"
    d = mean_difference(q4.loc[at, "met"], q4.loc[~at, "met"])
    assert (round(-d.estimate, 1), round(d.margin, 1)) == (1.4, 0.8) and d.clear
    assert df[df["quarter"] == 2].groupby("branch", observed=True)["met"].mean().idxmin() == "Northgate"
    assert 6.5 < 100 / 15 < 7


def test_model_answer_reads_nps_correctly_and_sizes_the_target(says, responses):
    says("task9-report", "about half of customers are promoters and one in five are detractors",
         "a greeting rate measured on 15 visits is only good to about 20 percentage points either way")
    promoters, detractors = (responses["recommend"] >= 9).mean(), (responses["recommend"] <= 6).mean()
    assert 0.45 <= promoters < 0.5 and round(detractors * 5) == 1
    assert round(100 * 1.96 * math.sqrt(0.8 * 0.2 / 15)) == 20


def test_company_sample_size_and_the_sample_justification_path(says, cells):
    from csworkbook.checks.measuring_satisfaction import q8
    from csworkbook.roleplay import play

    says("planning", "About 380 completes give plus or minus 5 points for the whole company")
    assert 375 <= sample_size(0.05, population=27536) <= 385
    says("task8b-justification", "A sample 2-mark answer, for the path")
    path = cells["task8b-justification"].split("for the path `")[1].split("`")[0].split(", ")
    assert q8.check(path).correct, "the sample justification's path must pass Task 8"
    session = play("mystery-shopper-debrief", path)
    assert "probe-the-calls" in path and "ask-the-team" in path and session.outcome == "success"


def test_every_manual_task_has_a_descriptor_for_every_mark(cells):
    guide = cells["task9-report"]
    for criterion in ("Accurate use of the data", "The problem and its evidence", "Is it still happening?"):
        assert f"| {criterion} |" in guide
    assert "**Recommendation, 1 mark:**" in guide and "**Limitation, 1 mark:**" in guide
    assert "out of 8: 2 for accurate use of the data, 2 for the problem and its evidence, 2 for whether it is still " \
           "happening, 1 for a specific, measurable recommendation, 1 for a sound limitation" in cells["task9-text"]
    justification = cells["task8b-justification"]
    assert all(f"**{n} mark" in justification for n in (2, 1, 0))
