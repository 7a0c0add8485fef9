"""Topic 01 tells one story about Harbour Home's data: every figure and claim its lesson and its
marking guides make about the sample data is computed here, so a change to the data (or to the
text) that makes a line untrue fails a test.

Each test quotes the words it checks (`says(cell, ...)` fails if the notebook no longer says
them, so the quote and the check cannot drift apart) and then checks them against the data.
"""

from __future__ import annotations

import pandas as pd
import pytest

from csworkbook import load_dataset
from csworkbook.roleplay import all_paths, load_scenario, play
from notebook_proofs import notebook_cells, says as says_in

SOURCE = "source/01-customer-needs/01-customer-needs.ipynb"
CUT = 3.5


@pytest.fixture(scope="module")
def cells(repo):
    return notebook_cells(repo / SOURCE)


@pytest.fixture(scope="module")
def says(cells):
    return says_in(cells)


@pytest.fixture(scope="module")
def complaints():
    return load_dataset("complaints")


@pytest.fixture(scope="module")
def survey():
    return load_dataset("needs_survey")


def _shares(complaints):
    return pd.crosstab(complaints["complainant"], complaints["directed_at"], normalize="index") * 100


def _means(frame):
    return frame.groupby("attribute", observed=True)[["importance", "satisfaction"]].mean()


def _quadrant(i, s):
    return {(True, False): "concentrate here", (True, True): "keep up the good work",
            (False, True): "possible overkill", (False, False): "low priority"}[(i >= CUT, s >= CUT)]


def _quadrants(frame):
    return {str(a): _quadrant(r.importance, r.satisfaction) for a, r in _means(frame).iterrows()}


def _segment(survey, name):
    return survey[survey["segment"] == name]


def _r(x, digits=2):
    return round(float(x), digits)


# -- section 3 and Task 1: who complains about whom --------------------------------------------------


def test_complaint_shares_by_complainant(says, complaints):
    shares = _shares(complaints)
    counts = pd.crosstab(complaints["complainant"], complaints["directed_at"])
    says("task1-tests", "146 of the public's 462 complaints were about the distribution company: 31.6")
    assert counts.loc["member of public", "distribution company"] == 146
    assert counts.loc["member of public"].sum() == 462
    says("complaints-reading", "about a third of their complaints at the distribution company, the outsourced courier (31.6% and 32.8%)",
         "about a quarter at the store team", "two thirds of their complaints are about another colleague (66.1%)",
         "and the rest about the contact centre. None is about the courier or a salesperson")
    assert _r(shares.loc["member of public", "distribution company"], 1) == 31.6
    assert _r(shares.loc["corporate", "distribution company"], 1) == 32.8
    for who in ("member of public", "corporate"):
        assert 30 <= shares.loc[who, "distribution company"] <= 34
        assert 22 <= shares.loc[who, "store team"] <= 26  # about a quarter
        assert shares.loc[who].idxmax() == "distribution company"
    colleague = shares.loc["colleague"]
    assert _r(colleague["colleague"], 1) == 66.1
    assert set(colleague[colleague > 0].index) == {"colleague", "contact centre"}
    assert colleague[["distribution company", "salesperson"]].sum() == 0


def test_task_1_worked_example_is_arithmetic_the_example_frame_gives(says):
    says("task1-text", "their row reads salesperson 50.0, store team 25.0, distribution company 25.0",
         "split two to one between the public and the corporate client", "(66.7 and 33.3)")
    example = pd.DataFrame({
        "complainant": ["member of public"] * 4 + ["corporate"] * 2 + ["colleague"],
        "directed_at": ["salesperson", "salesperson", "store team", "distribution company",
                        "distribution company", "salesperson", "colleague"],
    })
    rows = _shares(example)
    assert rows.loc["member of public", ["salesperson", "store team", "distribution company"]].tolist() == [50, 25, 25]
    columns = pd.crosstab(example["complainant"], example["directed_at"], normalize="columns") * 100
    assert _r(columns.loc["member of public", "salesperson"], 1) == 66.7
    assert _r(columns.loc["corporate", "salesperson"], 1) == 33.3


# -- section 5 and Task 2: the survey and what matters to each segment --------------------------------


def test_the_survey_has_unequal_segments_and_one_row_per_need(says, survey):
    says("survey-intro", "Each respondent rated seven kinds of need twice",
         "The three segments are of very different sizes")
    per = survey.groupby("segment", observed=True)["respondent_id"].nunique()
    assert per.to_dict() == {"household": 131, "trade": 62, "corporate": 29}
    assert (survey.groupby("respondent_id").size() == 7).all()
    assert survey.groupby("respondent_id")["attribute"].nunique().eq(7).all()
    says("segments-reading", "households (131 of the 222 respondents) outvote the 29 corporate respondents")
    assert per.sum() == 222


def test_what_matters_most_to_each_segment(says, survey):
    means = survey.groupby(["segment", "attribute"], observed=True)["importance"].mean().unstack()
    says("segments-reading", "Households rate **price** highest (4.27)", "trade customers **performance** (4.53, with "
         "convenience close behind at 4.31", "corporate accounts **information** (4.59) and **service and support** (4.48)",
         "Corporate clients rate price only 3.34, below every need but appearance and social acceptance")
    assert means.idxmax(axis=1).to_dict() == {"household": "price", "trade": "performance", "corporate": "information"}
    assert (_r(means.loc["household", "price"]), _r(means.loc["trade", "performance"]),
            _r(means.loc["trade", "convenience"])) == (4.27, 4.53, 4.31)
    assert means.loc["trade"].sort_values(ascending=False).index[1] == "convenience"
    assert (_r(means.loc["corporate", "information"]), _r(means.loc["corporate", "service and support"])) == (4.59, 4.48)
    assert means.loc["corporate"].sort_values(ascending=False).index[:2].tolist() == ["information", "service and support"]
    corporate = means.loc["corporate"].sort_values()
    assert corporate.index[:3].tolist()[-1] == "price" and set(corporate.index[:2]) == {"appearance", "social acceptance"}
    assert _r(corporate["price"]) == 3.34
    says("segments-reading", "so information looks unimportant")
    assert _means(survey).loc["information", "importance"] < CUT


# -- section 6 and Tasks 3-4: importance against performance -----------------------------------------


def test_the_whole_survey_quadrants(says, survey):
    overall = _means(survey)
    q = _quadrants(survey)
    says("ipa-reading", "two needs are in **concentrate here**: **price** (importance 4.09, satisfaction 3.26) and "
         "**convenience** (3.93 and 3.04, the lowest satisfaction of the seven)",
         "Performance and service and support are in *keep up the good work*; appearance and social acceptance are "
         "*possible overkill*", "**Information** sits just below the importance cut-off (3.46) with low satisfaction (3.36), "
         "so overall it is *low priority*")
    assert sorted(a for a, v in q.items() if v == "concentrate here") == ["convenience", "price"]
    assert sorted(a for a, v in q.items() if v == "keep up the good work") == ["performance", "service and support"]
    assert sorted(a for a, v in q.items() if v == "possible overkill") == ["appearance", "social acceptance"]
    assert q["information"] == "low priority"
    assert (_r(overall.loc["price", "importance"]), _r(overall.loc["price", "satisfaction"])) == (4.09, 3.26)
    assert (_r(overall.loc["convenience", "importance"]), _r(overall.loc["convenience", "satisfaction"])) == (3.93, 3.04)
    assert overall["satisfaction"].idxmin() == "convenience"
    assert (_r(overall.loc["information", "importance"]), _r(overall.loc["information", "satisfaction"])) == (3.46, 3.36)


def test_averaging_segment_means_would_move_information(says, survey):
    """Task 4's trap on the real data: the mean of the segments' means puts information above the cut-off."""
    by_segment = survey.groupby(["segment", "attribute"], observed=True)["importance"].mean().groupby("attribute",
                                                                                                       observed=True).mean()
    assert by_segment["information"] >= CUT > _means(survey).loc["information", "importance"]
    says("task4-tests", "on the whole survey information's importance is 3.46: low")


def test_the_segments_quadrants(says, survey):
    corporate = _means(_segment(survey, "corporate"))
    cq = _quadrants(_segment(survey, "corporate"))
    says("ipa-reading", "for the 29 corporate respondents information is the most important need of all (4.59) and the "
         "one they are least satisfied with (2.21)", "service and support (4.48 and 2.79) and convenience are in "
         "*concentrate here* too, while price is *low priority* for them")
    assert corporate["importance"].idxmax() == "information" and corporate["satisfaction"].idxmin() == "information"
    assert (_r(corporate.loc["information", "importance"]), _r(corporate.loc["information", "satisfaction"])) == (4.59, 2.21)
    assert (_r(corporate.loc["service and support", "importance"]),
            _r(corporate.loc["service and support", "satisfaction"])) == (4.48, 2.79)
    assert {cq["information"], cq["service and support"], cq["convenience"]} == {"concentrate here"}
    assert cq["price"] == "low priority"
    trade = _means(_segment(survey, "trade"))
    tq = _quadrants(_segment(survey, "trade"))
    says("ipa-reading", "Trade customers have four needs in *concentrate here*: price, convenience, information, and "
         "service and support (satisfaction 3.47, just short of the line); their top need, performance, only just "
         "clears it (satisfaction 3.53)")
    assert sorted(a for a, v in tq.items() if v == "concentrate here") == [
        "convenience", "information", "price", "service and support"]
    assert _r(trade.loc["service and support", "satisfaction"]) == 3.47
    assert tq["performance"] == "keep up the good work" and _r(trade.loc["performance", "satisfaction"]) == 3.53
    says("task4-tests", "corporate respondents alone: service and support is 'concentrate here'")


def test_household_price_for_the_marking_guide(survey):
    household = _means(_segment(survey, "household"))
    assert (_r(household.loc["price", "importance"]), _r(household.loc["price", "satisfaction"])) == (4.27, 3.30)
    assert _quadrants(_segment(survey, "household"))["price"] == "concentrate here"


# -- the marking guide of Task 6 ------------------------------------------------------------------


def test_task_6_marking_guide_figures(says, survey, complaints):
    says("task6-note",
         "Corporate respondents rate information 4.59 and service and support 4.48 in importance, their two highest, and "
         "are least satisfied with them (2.21 and 2.79): both *concentrate here*",
         "overall information is 3.46 and *low priority*, because 131 households outnumber 29 corporate respondents",
         "Convenience has the lowest satisfaction overall (3.04, importance 3.93: *concentrate here*), and trade customers "
         "rate it 4.31 with satisfaction 2.84",
         "about a third of external complaints are about the distribution company (31.6% of the public's, 32.8% of "
         "corporate clients')",
         "Households rate price highest (4.27) with satisfaction 3.30: *concentrate here*",
         "corporate clients rate it 3.34, *low priority*",
         "trade customers, whose top need is performance")
    corporate = _means(_segment(survey, "corporate"))
    assert corporate["satisfaction"].sort_values().index[:2].tolist() == ["information", "service and support"]
    trade = _means(_segment(survey, "trade"))
    assert (_r(trade.loc["convenience", "importance"]), _r(trade.loc["convenience", "satisfaction"])) == (4.31, 2.84)
    assert _quadrants(_segment(survey, "trade"))["convenience"] == "concentrate here"
    shares = _shares(complaints)
    external = complaints[complaints["complainant"] != "colleague"]
    assert 0.30 <= (external["directed_at"] == "distribution company").mean() <= 0.36  # about a third
    assert (_r(shares.loc["member of public", "distribution company"], 1),
            _r(shares.loc["corporate", "distribution company"], 1)) == (31.6, 32.8)


def test_task_6_model_answer_uses_the_same_figures(says, survey):
    says("task6-note", "They rate information 4.59 and service and support 4.48 out of 5 for importance, their two "
         "highest needs, yet satisfaction is only 2.21 and 2.79", "it puts information at 3.46, low priority",
         "corporate clients rate price 3.34, below the cut-off", "Twenty-nine respondents is a small group")
    corporate = _means(_segment(survey, "corporate"))
    assert corporate.loc["price", "importance"] < CUT
    assert survey.loc[survey["segment"] == "corporate", "respondent_id"].nunique() == 29


# -- the role-play and Task 5 -------------------------------------------------------------------------


def test_more_than_one_path_meets_task_5(says):
    says("task5-text", "More than one path does this")
    meeting = [s for s in all_paths("corporate-needs-assessment")
               if s.outcome == "success" and s.node.ending.title == "Her needs first, a trial agreed"
               and s.scores["questioning"] >= 3 and s.scores["listening"] >= 4]
    assert len(meeting) >= 2
    # and the path a learner might take by instinct, answering her first problems at once, does not
    quick = play("corporate-needs-assessment", ["open-question", "fix-invoices", "features", "summarise", "check-back",
                                                "value-answer", "pilot", "call-to-check"])
    assert quick.outcome == "success" and quick.scores["questioning"] < 3


def test_task_5_paths_need_real_listening_and_the_guide_quotes_them(says):
    """Every path that meets Task 5 ends with the call before Friday, whose closed question the 5b guide quotes;
    the summary alone cannot make up for the worst listening reply."""
    meeting = [s for s in all_paths("corporate-needs-assessment")
               if s.outcome == "success" and s.scores["questioning"] >= 3 and s.scores["listening"] >= 4]
    says("task5b-justification", "the closed question in the call before Friday, whether head office wants the report "
         "by hotel or for the group")
    call = next(c for c in load_scenario("corporate-needs-assessment").node("drafting").choices if c.id == "call-to-check")
    assert "by hotel or for the group" in call.text
    assert meeting and all(s.path[-1] == "call-to-check" for s in meeting)
    assert not any("pin-report" in s.path or "fitout-anyway" in s.path for s in meeting)
    # "check-back" (ring by Wednesday) is a real alternative to the partial answer, as the guide says
    says("task5b-justification", "\"check-back\" (ring by Wednesday) rather than a partial answer today")
    assert any("check-back" in s.path for s in meeting)


def test_the_client_is_not_the_sister_hotel(says, repo):
    """The hotel feedback comes from the sister business, the Seaview Hotel; the prospect is another group."""
    scenario = load_scenario("corporate-needs-assessment")
    text = scenario.summary + " ".join(node.text for node in scenario.nodes.values())
    says("roleplay-intro", "Bayline Hotels")
    assert "Bayline Hotels" in scenario.summary and "Seaview" not in text
    assert "the Seaview Hotel" in (repo / "datasets" / "README.md").read_text()


def test_what_the_lesson_and_guides_say_about_the_scenarios(says):
    scenario = load_scenario("corporate-needs-assessment")
    text = " ".join(node.text for node in scenario.nodes.values())
    says("task5b-justification", "the product team later found only about 60% of lines were covered",
         "bringing out the cost-centre codes and the recycled-content report")
    assert "about 60% of the lines" in text and "cost-centre code" in text and "recycled material" in text
    says("task6-note", "one hotel group has already told us it needs a bill for each site with its cost-centre code and "
         "a yearly recycled-content report")
    says("roleplay-intro", "six hotels around Sydney")
    assert "six hotels around Sydney" in scenario.summary
    colleague = load_scenario("internal-colleague")
    says("internal-roleplay-intro", "complaint and refund figures for the board pack by noon on Thursday, and two of "
         "your six staff are home sick", "Privacy Act 1988")
    assert "noon on Thursday" in colleague.summary and "complaint and refund numbers" in colleague.summary
    assert "Two of your six staff are home sick" in colleague.summary
    assert any("Privacy Act 1988" in o for o in colleague.objectives)


def test_the_internal_colleague_scenario_agrees_with_the_complaints_log(complaints):
    """The board-pack appendix holds 'well over a hundred customers': every quarter of the log has that many
    complaints from customers (colleagues are not in it), and the days-to-resolve figures really are dragged
    by complaints that are still open."""
    scenario = load_scenario("internal-colleague")
    text = " ".join(node.text for node in scenario.nodes.values())
    assert "well over a hundred customers by name" in text
    external = complaints[complaints["complainant"] != "colleague"]
    per_quarter = external.groupby(external["received"].dt.quarter).size()
    assert (per_quarter >= 130).all(), per_quarter.to_dict()
    assert "still include complaints that are open" in text
    assert complaints["resolved"].isna().sum() > 0 and (complaints.loc[complaints["resolved"].isna(), "outcome"] == "open").all()
