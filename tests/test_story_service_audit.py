"""Topic 02 tells one story about the Seaview Hotel's comment cards and Harbour Home's SERVQUAL
survey: every figure and claim its lesson, its marking guide and its role-play make about the
sample data is computed here, so a change to the data (or to the text) that makes a line untrue
fails a test.

Each test quotes the words it checks (`says(...)` fails if the notebook or the scenario no longer
says them, so the quote and the check cannot drift apart) and then checks them against the data.
A complaint is a card rated 2 stars or below, as the notebook defines it.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest
import yaml

from csworkbook import load_dataset
from csworkbook.checks.service_audit import STARTER_RULES
from notebook_proofs import flat, notebook_cells, says as says_in

SOURCE = "source/02-service-audit/02-service-audit.ipynb"
SCENARIO = "src/csworkbook/roleplay/scenarios/housekeeping-feedback.yaml"
DEPARTMENTS = ["catering", "housekeeping", "front desk"]


@pytest.fixture(scope="module")
def cells(repo):
    return notebook_cells(repo / SOURCE)


@pytest.fixture(scope="module")
def scenario_text(repo):
    data = yaml.safe_load((repo / SCENARIO).read_text())
    parts = [data["summary"]]
    for node_id, node in data["nodes"].items():
        parts.append(node["text"])
        for choice in node.get("choices", []):
            parts += [choice["text"], choice["feedback"]]
        if "ending" in node:
            parts.append(node["ending"]["debrief"])
    return flat(" ".join(parts))


@pytest.fixture(scope="module")
def says(cells, scenario_text):
    return says_in({**cells, "scenario": scenario_text})


@pytest.fixture(scope="module")
def feedback():
    frame = load_dataset("hotel_feedback")
    frame["dept"] = frame["department"].astype(str)
    frame["month"] = frame["date"].dt.to_period("M").astype(str)
    return frame


@pytest.fixture(scope="module")
def low(feedback):
    return feedback[feedback["rating"] <= 2]


def _sort(comment, rules):
    text = comment.lower()
    for department, words in rules.items():
        if any(w.lower() in text for w in words):
            return department
    return "unsorted"


def _mentions(frame, word):
    return frame[frame["comment"].str.lower().str.contains(word, regex=False)]


def _share_margin(k1, n1, k2, n2):
    p1, p2 = k1 / n1, k2 / n2
    return 1.96 * math.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)


# -- the comment cards ---------------------------------------------------------------------

def test_the_cards(says, feedback):
    says("qualitative-0", "the 420 comment cards from March to August 2025")
    assert len(feedback) == 420
    assert set(feedback["month"]) == {f"2025-0{m}" for m in range(3, 9)}


def test_what_the_starter_rules_get_right_and_wrong(says, feedback):
    says("routing-2", "The rules agree with guest services on 375 of the 420 cards (89.3%). Every catering card is "
         "found; the misses are 15 housekeeping and 15 front desk cards sent to catering, and 15 housekeeping cards "
         "sent to the front desk.")
    sorted_to = feedback["comment"].apply(lambda c: _sort(c, STARTER_RULES))
    agree = sorted_to == feedback["dept"]
    assert agree.sum() == 375 and round(100 * agree.mean(), 1) == 89.3
    table = pd.crosstab(feedback["dept"], sorted_to)
    assert table.loc["catering", "catering"] == (feedback["dept"] == "catering").sum()
    assert table.loc["housekeeping", "catering"] == 15 and table.loc["front desk", "catering"] == 15
    assert table.loc["housekeeping", "front desk"] == 15
    assert "unsorted" not in table.columns
    says("task1-text", "at least **85%** of the 420 cards")
    assert agree.mean() >= 0.85


def test_the_misses_mention_two_departments(says, feedback):
    says("routing-4", "Nearly every miss is a card that talks about **two** departments")
    misses = feedback[feedback["comment"].apply(lambda c: _sort(c, STARTER_RULES)) != feedback["dept"]]
    def departments_named(comment):
        text = comment.lower()
        return sum(any(w in text for w in words) for words in STARTER_RULES.values())
    two = misses["comment"].apply(departments_named) >= 2
    assert two.mean() >= 0.9, two.mean()


def test_complaints_by_department_and_month(says, feedback, low):
    says("log-reading", "housekeeping had 51 complaints from 148 cards (34%), catering 43 from 136 (32%) and the front "
         "desk 42 from 136 (31%)", "catering had 12 complaints in March, housekeeping 12 in June, and each department "
         "has months of 3 to 7")
    says("task7-summary", "catering 43 of 136, 32%; housekeeping 51 of 148, 34%; front desk 42 of 136, 31%")
    says("scenario", "51 of your 148 cards were 2 stars or below: 34%, against 32% for catering and 31% for the front desk")
    counts = {d: (int((low["dept"] == d).sum()), int((feedback["dept"] == d).sum())) for d in DEPARTMENTS}
    assert counts == {"catering": (43, 136), "housekeeping": (51, 148), "front desk": (42, 136)}
    assert [round(100 * k / n) for k, n in counts.values()] == [32, 34, 31]
    monthly = pd.crosstab(low["month"], low["dept"])
    assert monthly.loc["2025-03", "catering"] == 12 and monthly.loc["2025-06", "housekeeping"] == 12
    for d in DEPARTMENTS:
        assert monthly[d].between(3, 7).any(), d
    assert monthly.to_numpy().min() == 3


def test_no_department_stands_out(says, feedback, low):
    says("log-reading", "A gap of a few percentage points between shares of about 140 cards each is well inside the "
         "margin of error")
    says("scenario", "the gap between departments is well inside the margin of error of shares from about 140 cards each")
    k = {d: int((low["dept"] == d).sum()) for d in DEPARTMENTS}
    n = {d: int((feedback["dept"] == d).sum()) for d in DEPARTMENTS}
    for a, b in [("housekeeping", "front desk"), ("housekeeping", "catering"), ("catering", "front desk")]:
        gap = abs(k[a] / n[a] - k[b] / n[b])
        assert gap < 0.5 * _share_margin(k[a], n[a], k[b], n[b]), (a, b)


def test_june_was_housekeepings_month(says, low):
    says("scenario", "housekeeping with 12 cards rated 2 stars or below in June, the most of any department that month",
         "Twelve cards at 2 stars or below for housekeeping in June, more than any other department",
         "You're right about March: catering had 12 then")
    june = low[low["month"] == "2025-06"]["dept"].value_counts()
    assert june["housekeeping"] == 12 and june.drop("housekeeping").max() < 12
    assert ((low["month"] == "2025-03") & (low["dept"] == "catering")).sum() == 12


def test_the_bathroom_theme(says, low):
    says("log-reading", "counts housekeeping's complaints that mention the bathroom, month by month. How many of the "
         "51 is that")
    says("task7-summary", "bathrooms in 17 of housekeeping's 51 complaints, every month from March to August")
    says("scenario", "17 of the 51 mention the bathroom", "they turn up in every month from March to August")
    bathroom = _mentions(low[low["dept"] == "housekeeping"], "bathroom")
    assert len(bathroom) == 17 and (low["dept"] == "housekeeping").sum() == 51
    assert set(bathroom["month"]) == {f"2025-0{m}" for m in range(3, 9)}


def test_the_other_themes_in_the_marking_guide(says, feedback, low):
    says("task7-summary", "15 of 42 complaints mention a booking, in every month; 14 mention check-in",
         "13 of 43 complaints mention breakfast, in five of the six months",
         "Six of catering's 11 buffet complaints came in March alone")
    front = low[low["dept"] == "front desk"]
    booking = _mentions(front, "booking")
    assert len(front) == 42 and len(booking) == 15 and booking["month"].nunique() == 6
    assert len(_mentions(front, "check-in")) == 14
    catering = low[low["dept"] == "catering"]
    breakfast = _mentions(catering, "breakfast")
    assert len(breakfast) == 13 and breakfast["month"].nunique() == 5
    buffet = _mentions(catering, "buffet")
    assert len(buffet) == 11 and (buffet["month"] == "2025-03").sum() == 6
    says("task7-summary", '"booking" also appears in some praise of the concierge\'s tour bookings')
    assert len(_mentions(feedback[feedback["rating"] >= 4], "tour bookings")) > 0


def test_no_card_mentions_the_wifi(says, feedback, low):
    says("scenario", "Not one of your 51 low-rated cards since March mentions it",
         "none of housekeeping's 51 low-rated cards mentions the wifi")
    housekeeping = low[low["dept"] == "housekeeping"]
    assert len(housekeeping) == 51 and str(housekeeping["month"].min()) == "2025-03"
    for word in ["wifi", "wi-fi", "internet", "wireless"]:
        assert len(_mentions(housekeeping, word)) == 0 and len(_mentions(feedback, word)) == 0, word


def test_the_six_month_shares_in_the_debriefs(says, feedback, low):
    says("scenario", "34% of her cards low-rated, against 32% for catering and 31% for the front desk",
         "34% of her cards low-rated, against 32% for catering and 31% for the front desk, a gap well inside the "
         "margin of error")
    shares = {d: round(100 * (low["dept"] == d).sum() / (feedback["dept"] == d).sum()) for d in DEPARTMENTS}
    assert shares == {"catering": 32, "housekeeping": 34, "front desk": 31}


def test_check_in_is_the_front_desks_second_complaint(says, low):
    says("scenario", "check-in is already the front desk's second-biggest complaint (14 of its 42 low-rated cards)")
    says("scenario", "check-in is already the front desk's second-biggest complaint (14 of its 42 low-rated cards). A "
         "change that lands on another department")
    front = low[low["dept"] == "front desk"]
    counts = {w: len(_mentions(front, w)) for w in STARTER_RULES["front desk"]}
    ranked = sorted(counts, key=counts.get, reverse=True)
    assert ranked[1] == "check-in" and counts["check-in"] == 14 and counts[ranked[0]] > 14


def test_the_model_answer(says, feedback):
    says("task7-summary", "We received 420 cards.", "catering had 12 complaints in March, housekeeping 12 in June")
    assert len(feedback) == 420


def test_the_guests_story_is_built_from_real_cards(says, feedback):
    says("operations", "the shower still had hair in it")
    assert len(_mentions(feedback, "hair in the shower")) > 0


# -- SERVQUAL ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def servqual():
    return load_dataset("servqual")


@pytest.fixture(scope="module")
def per_person(servqual):
    scored = servqual.assign(gap=servqual["perception"] - servqual["expectation"])
    return scored.groupby(["dimension", "respondent_id"], observed=True)["gap"].mean()


def _margin(values):
    return 1.96 * values.std() / math.sqrt(len(values))


def test_the_survey_and_its_items(says, servqual):
    says("gaps-model", "Harbour Home asked 180 customers all 22 questions", "**22 statements**", "**five dimensions**",
         "| tangibles | premises, equipment, staff appearance, printed material | 1-4 |",
         "| reliability | doing what was promised, dependably and accurately | 5-9 |",
         "| responsiveness | willingness to help and prompt service | 10-13 |",
         "| assurance | staff knowledge and courtesy, and the trust they inspire | 14-17 |",
         "| empathy | caring, individual attention | 18-22 |")
    assert servqual["respondent_id"].nunique() == 180
    assert (servqual.groupby("respondent_id").size() == 22).all()
    items = servqual.groupby("dimension", observed=True)["item"].agg(["min", "max"])
    assert items.loc["tangibles"].tolist() == [1, 4] and items.loc["reliability"].tolist() == [5, 9]
    assert items.loc["responsiveness"].tolist() == [10, 13] and items.loc["assurance"].tolist() == [14, 17]
    assert items.loc["empathy"].tolist() == [18, 22]


def test_the_gaps_and_their_margins(says, per_person):
    says("task4-intro", "Responsiveness (prompt help, staff willing to help) and reliability (doing what was promised) "
         "fall furthest short; tangibles, the look of the stores and paperwork, comes closest")
    says("margins-reading", "Responsiveness falls short by 1.76 points on the 7-point scale, plus or minus 0.10",
         "reliability (-1.56, plus or minus 0.10)", "responsiveness is 0.20 points lower, plus or minus 0.13",
         "Tangibles, whose gap of -0.44 is the smallest, is the least urgent lead",
         "SERVQUAL measures only the customer gap")
    says("gaps-chart-0", "Every dimension falls short of what customers expect")
    means = per_person.groupby("dimension", observed=True).mean().sort_values()
    assert (means < 0).all()
    assert [str(d) for d in means.index[:2]] == ["responsiveness", "reliability"] and str(means.index[-1]) == "tangibles"
    resp, rel = per_person["responsiveness"], per_person["reliability"]
    assert round(resp.mean(), 2) == -1.76 and round(_margin(resp), 2) == 0.10
    assert round(rel.mean(), 2) == -1.56 and round(_margin(rel), 2) == 0.10
    assert round(means["tangibles"], 2) == -0.44
    diff = resp - rel
    assert round(diff.mean(), 2) == -0.20 and round(_margin(diff), 2) == 0.13
    assert abs(diff.mean()) > _margin(diff)  # "so yes, though only just"
    assert abs(diff.mean()) < 2 * _margin(diff)
    assert abs(resp.mean()) > _margin(resp)  # "a real shortfall, not noise"


# -- the audit checklist ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def checklist():
    return load_dataset("audit_checklist")


def test_the_checklist_and_its_uneven_audits(says, checklist):
    says("checklist-0", "so it is checked on 8 items, the stores on 12",
         "the sites were not audited equally often in 2025: Northgate five times, Westfield twice",
         "a site's percentage can rest on 24 checks or on 60")
    says("task6-text", "every audit at a site has the same number of items, so pooling and averaging the audits happen "
         "to agree there")
    checks = checklist.groupby("site", observed=True).size()
    assert checks.min() == 24 and checks.max() == 60
    pooled = 100 * checklist.groupby("site", observed=True)["passed"].mean()
    averaged = 100 * checklist.groupby(["site", "audit_id"], observed=True)["passed"].mean().groupby(
        "site", observed=True).mean()
    assert ((pooled - averaged).abs() < 1e-9).all()
    items = checklist.groupby(["site", "audit_id"], observed=True).size()
    assert set(items["contact centre"]) == {8}
    for branch in ["City Centre", "Harbourside", "Northgate", "Westfield"]:
        assert set(items[branch]) == {12}
    audits = checklist.groupby("site", observed=True)["audit_id"].nunique()
    assert audits["Northgate"] == 5 == audits.max() and audits["Westfield"] == 2 == audits.min()


def test_the_site_scores(says, checklist):
    says("checklist-reading", "Four of the five sites meet the 80% target; Northgate does not, with 43 of its 60 checks "
         "passed (71.7%)", "five audits, the most of any site",
         "Westfield's 83.3% rests on two audits and 24 checks, so one more failed item would take it to 79.2%")
    g = checklist.groupby("site", observed=True)["passed"]
    percent = 100 * g.sum() / g.size()
    assert (percent >= 80).sum() == 4 and percent.idxmin() == "Northgate"
    assert (int(g.sum()["Northgate"]), int(g.size()["Northgate"])) == (43, 60) and round(percent["Northgate"], 1) == 71.7
    assert (int(g.sum()["Westfield"]), int(g.size()["Westfield"])) == (20, 24) and round(percent["Westfield"], 1) == 83.3
    assert round(100 * 19 / 24, 1) == 79.2
    says("task6-tests", "Westfield 83.3% misses 84; the contact centre's 84.4% meets it")
    assert round(percent["contact centre"], 1) == 84.4 and percent["Westfield"] < 84 <= percent["contact centre"]


def test_what_pulls_northgate_down(says, checklist):
    says("checklist-areas-reading", "Northgate passed 60% of its teamwork, systems and feedback checks, against 73% of "
         "service quality and 93% of complaints")
    north = checklist[checklist["site"] == "Northgate"]
    by_area = (100 * north.groupby("area", observed=True)["passed"].mean()).round(0)
    assert by_area[["teamwork", "systems", "feedback"]].tolist() == [60, 60, 60]
    assert by_area["service quality"] == 73 and by_area["complaints"] == 93


def test_passed_can_never_be_missing(checklist, tmp_path):
    """mutants.yaml treats count() and size() as the same on `passed`: that rests on this."""
    from csworkbook import datasets
    from csworkbook.datasets import DatasetError

    column = next(c for c in datasets.SCHEMAS["audit_checklist"].columns if c.name == "passed")
    assert column.kind == "bool" and not column.nullable
    assert not checklist["passed"].isna().any()
    broken = checklist.astype({"passed": object})
    broken.loc[0, "passed"] = None
    broken.to_csv(tmp_path / "gap.csv", index=False)
    with pytest.raises(DatasetError):
        load_dataset("audit_checklist", path=tmp_path / "gap.csv")
