"""Checks and hints for topic 02, the customer service audit.

Usage in the notebook::

    from csworkbook.checks.service_audit import q1
    q1.check()   # after defining sort_comment
    q1.hint()

Each check repeats the notebook's visible tests (the worked examples and the shape of
the answer) with a message that says what is wrong; the graded hidden tests are not
here. Where a task lets the learner round, the check allows exactly that rounding.
"""

from __future__ import annotations

import math
import statistics

import pandas as pd

from ..datasets import load_dataset
from .core import Incorrect, PathProblem, Problem, expect, expect_callable
from .core import as_number as _number
from .core import call_answer as _call

__all__ = ["q1", "q2", "q3", "q4", "q5", "q6", "STARTER_RULES", "EXAMPLE_RULES", "ACCURACY_THRESHOLD"]

#: Gaps and margins may be rounded to two decimal places.
GAP_TOLERANCE = 0.005 + 1e-9

#: The keyword rules the lesson starts from: department -> words that send a comment there.
STARTER_RULES = {
    "catering": ["breakfast", "room service", "dinner", "buffet", "coffee"],
    "front desk": ["check-in", "check-out", "receptionist", "booking", "concierge"],
    "housekeeping": ["room", "bathroom", "linen", "towels", "carpet"],
}

#: The small rule set of Task 1's worked example.
EXAMPLE_RULES = {
    "catering": ["breakfast", "coffee"],
    "housekeeping": ["towel", "room"],
    "front desk": ["Check-in"],
}

#: Task 1: with the starter rules, at least this share of comments must land where guest services filed them.
ACCURACY_THRESHOLD = 0.85

# Task 1's worked examples: (comment, what it sorts to under EXAMPLE_RULES).
SORT_EXAMPLES = [
    ("Breakfast was cold.", "catering"),
    ("The towels were thin.", "housekeeping"),
    ("check-in took an hour.", "front desk"),
    ("Our ROOM was dusty.", "housekeeping"),
    ("The coffee in our room was stale.", "catering"),
    ("The lift was broken for two days.", "unsorted"),
]


class SortComment(Problem):
    task = "Task 1"
    var = "sort_comment"
    hints = (
        "Go through the departments in the order the rules list them. The first department with any of its "
        "words in the comment gets it; if none has a word there, the comment is 'unsorted'.",
        "Compare in lower case on both sides, so 'ROOM' matches 'room' and 'check-in' matches 'Check-in': "
        "`text = comment.lower()`, and `word.lower()` for each rule word.",
        "`for department, words in rules.items():` walks the rules in order; inside it, "
        "`if any(word.lower() in text for word in words):` is true when one of the words appears.",
        "Return the department as soon as one matches; after the loop, `return 'unsorted'`.",
    )

    def check_answer(self, answer):
        expect_callable(answer, self.var)
        for comment, want in SORT_EXAMPLES:
            got = _call(answer, comment, EXAMPLE_RULES, name=self.var)
            extra = ""
            if want == "unsorted":
                extra = " A comment that matches no rule is 'unsorted', so a person reads it."
            elif comment == "Our ROOM was dusty.":
                extra = " Compare in lower case: 'ROOM' should match 'room'."
            elif comment.startswith("check-in"):
                extra = " Lower-case the rule's words too: 'Check-in' in the rules should match 'check-in'."
            elif got == "unsorted":
                extra = " Does your function compare in lower case, on both sides?"
            elif "coffee" in comment:
                extra = (" It matches both catering ('coffee') and housekeeping ('room'): the first department in the "
                         "rules' order wins, and catering comes first.")
            expect(got == want, f"with the worked example's rules, {comment!r} should go to {want!r}, "
                   f"but your function returned {got!r}.{extra}")
        flipped = {"housekeeping": EXAMPLE_RULES["housekeeping"], "catering": EXAMPLE_RULES["catering"],
                   "front desk": EXAMPLE_RULES["front desk"]}
        got = _call(answer, "The coffee in our room was stale.", flipped, name=self.var)
        expect(got == "housekeeping", "when the rules list housekeeping before catering, 'The coffee in our room was "
               f"stale.' should go to housekeeping (the first department in the rules' order), not {got!r}. Follow "
               "the order of the rules you are given; do not write the department names into your function.")
        feedback = load_dataset("hotel_feedback")
        sorted_to = [_call(answer, c, STARTER_RULES, name=self.var) for c in feedback["comment"]]
        agree = sum(s == d for s, d in zip(sorted_to, feedback["department"].astype(str)))
        share = agree / len(feedback)
        expect(share >= ACCURACY_THRESHOLD, f"with STARTER_RULES your function files {agree} of {len(feedback)} hotel "
               f"comments ({share:.0%}) where guest services filed them; at least {ACCURACY_THRESHOLD:.0%} is needed.")


def _table(result, what: str) -> pd.DataFrame:
    if not isinstance(result, pd.DataFrame):
        raise Incorrect(f"{what}: return a DataFrame (months down the side, departments across), "
                        f"not {type(result).__name__}.")
    return result


def _cell(table: pd.DataFrame, month: str, department: str) -> float:
    rows = [i for i in table.index if str(i) == month]
    if not rows or department not in table.columns:
        return 0.0
    return float(table.loc[rows[0], department])


COMPLAINT_EXAMPLE = pd.DataFrame({
    "date": pd.to_datetime(["2025-03-02", "2025-03-15", "2025-03-30", "2025-04-01", "2025-04-20", "2025-04-21",
                            "2025-05-05"]),
    "rating": [2, 1, 3, 2, 2, 5, 4],
    "department": ["catering", "catering", "housekeeping", "front desk", "catering", "housekeeping", "catering"],
})


class ComplaintsByMonth(Problem):
    task = "Task 2"
    var = "complaints_by_month"
    hints = (
        "Keep only the low-rated comments (2 stars or fewer), then count them by month and department.",
        "`low = feedback[feedback['rating'] <= 2]` keeps them; `low['date'].dt.to_period('M')` turns each date "
        "into its month.",
        "`low.groupby([low['date'].dt.to_period('M'), 'department'], observed=True).size()` counts each month "
        "and department; `.unstack(fill_value=0)` spreads the departments across, with 0 where there were none.",
    )

    def check_answer(self, answer):
        expect_callable(answer, self.var)
        result = _table(_call(answer, COMPLAINT_EXAMPLE.copy(), name=self.var), "on the worked example")
        months = sorted(str(i) for i in result.index)
        expect(months == ["2025-03", "2025-04"], "on the worked example there should be one row for March 2025 "
               "('2025-03') and one for April ('2025-04'); May has no comment rated 2 or below, so no row. "
               f"Your rows: {months}."
               + (" A rating of exactly 2 counts as a complaint." if "2025-04" not in months else "")
               + (" A card rated 3 or more is not a complaint." if "2025-05" in months else ""))
        expect(not result.isna().any().any(), "a department with no low-rated comments in a month gets 0, "
               "not a missing value (`fill_value=0`).")
        expect(_cell(result, "2025-03", "catering") == 2, "March: catering has a 2 and a 1, so 2 complaints; you "
               f"have {_cell(result, '2025-03', 'catering'):g}.")
        expect(_cell(result, "2025-03", "housekeeping") == 0, "March: housekeeping's only comment is rated 3, "
               "which is not a complaint (2 stars or fewer), so 0.")
        expect(_cell(result, "2025-04", "front desk") == 1 and _cell(result, "2025-04", "catering") == 1,
               "April: a rating of exactly 2 counts as a complaint, so front desk 1 and catering 1.")
        expect(_cell(result, "2025-04", "housekeeping") == 0, "April: housekeeping's comment is rated 5: 0 complaints.")
        expect(_cell(result, "2025-03", "front desk") == 0 and not result.isna().any().any(),
               "March: no front desk complaint, so 0 (`fill_value=0`).")
        feedback = load_dataset("hotel_feedback")
        full = _table(_call(answer, feedback, name=self.var), "on the hotel data")
        expect(float(full.to_numpy().sum()) == int((feedback["rating"] <= 2).sum()),
               f"on the hotel data the counts should add up to the {int((feedback['rating'] <= 2).sum())} comments "
               f"rated 2 or below; yours add up to {float(full.to_numpy().sum()):g}.")
        expect(len(full) == 6, f"the hotel data runs March to August 2025: six months, so six rows, not {len(full)}.")
        june = _cell(full, "2025-06", "housekeeping")
        expect(june == 12, f"on the hotel data housekeeping had 12 cards rated 2 or below in June 2025; you have {june:g}.")


def _gap_frame(rows):
    return pd.DataFrame(rows, columns=["respondent_id", "item", "dimension", "expectation", "perception"])


# Two dimensions. Reliability's items were answered by 3, 1 and 1 respondents, so a mean over rows is not a
# mean over items, and with three items the median of the item gaps is not their mean.
GAP_EXAMPLE = _gap_frame([
    ("R1", 1, "reliability", 7, 4), ("R2", 1, "reliability", 6, 5), ("R3", 1, "reliability", 7, 6),
    ("R1", 2, "reliability", 6, 6),
    ("R2", 5, "reliability", 7, 5),
    ("R1", 3, "tangibles", 6, 6), ("R2", 3, "tangibles", 5, 6), ("R3", 3, "tangibles", 7, 7),
])
#: Reliability: item gaps 5 - 6.67 = -1.67, 6 - 6 = 0 and 5 - 7 = -2; their mean is -11/9.
GAP_EXAMPLE_RELIABILITY = (-5 / 3 + 0 - 2) / 3


class DimensionGaps(Problem):
    task = "Task 3"
    var = "dimension_gaps"
    hints = (
        "Two steps. First each item's gap: its mean perception minus its mean expectation. Then each dimension's "
        "gap: the mean of its items' gaps, so every item weighs the same however many people answered it.",
        "`items = servqual.groupby(['dimension', 'item'], observed=True)[['expectation', 'perception']].mean()` "
        "gives the item means.",
        "`gaps = items['perception'] - items['expectation']` is each item's gap; "
        "`gaps.groupby('dimension', observed=True).mean().sort_values()` puts the largest shortfall first.",
    )

    def check_answer(self, answer):
        expect_callable(answer, self.var)
        result = _call(answer, GAP_EXAMPLE.copy(), name=self.var)
        expect(isinstance(result, pd.Series), f"return a pandas Series (one gap per dimension), not {type(result).__name__}.")
        expect(sorted(map(str, result.index)) == ["reliability", "tangibles"],
               f"on the worked example the index should be the two dimensions, got {list(result.index)}.")
        rel = _number(result["reliability"], "reliability's gap")
        expect(abs(rel - GAP_EXAMPLE_RELIABILITY) <= GAP_TOLERANCE, "reliability's items have the gaps -1.67, 0 and "
               f"-2, so its gap is their mean, -1.22; you returned {rel:g}."
               + (" That is the mean over all five answers: it lets item 1, answered three times, outweigh the others."
                  if abs(rel - (-1.4)) <= GAP_TOLERANCE else "")
               + (" That is the median of the item gaps, not their mean." if abs(rel - (-5 / 3)) <= GAP_TOLERANCE else "")
               + (" Perception minus expectation: a shortfall is negative." if rel > 0 else ""))
        tan = _number(result["tangibles"], "tangibles' gap")
        expect(abs(tan - 1 / 3) <= GAP_TOLERANCE, f"tangibles: mean perception 6.33 minus mean expectation 6.0 is "
               f"+0.33 (service beat expectations); you returned {tan:g}.")
        expect([str(i) for i in result.index] == ["reliability", "tangibles"],
               "sort from the largest shortfall (most negative gap) to the smallest.")
        servqual = load_dataset("servqual")
        full = _call(answer, servqual, name=self.var)
        expect(len(full) == 5, f"the SERVQUAL data has five dimensions, so five gaps, not {len(full)}.")
        expect(full.is_monotonic_increasing, "on the SERVQUAL data the result should run from the most negative gap up: sort it (`.sort_values()`).")
        expect(str(full.index[0]) == "responsiveness" and abs(_number(full.iloc[0], "responsiveness' gap") + 1.76) <= 0.01,
               f"on the SERVQUAL data responsiveness falls furthest short, by -1.76; your first row is "
               f"{full.index[0]} at {float(full.iloc[0]):g}.")
        pair = _call(answer, servqual[servqual["dimension"].isin(["tangibles", "assurance"])], name=self.var)
        expect(sorted(map(str, pair.index)) == ["assurance", "tangibles"],
               "with only the tangibles and assurance answers there should be two gaps, but your result has "
               f"{list(pair.index)}: a dimension with no answers in the data given gets no gap (`observed=True`).")


WEAKEST_EXAMPLE = _gap_frame([
    ("R1", 5, "reliability", 7, 3), ("R1", 6, "reliability", 7, 3), ("R1", 7, "reliability", 6, 5),
    ("R2", 5, "reliability", 6, 6), ("R2", 6, "reliability", 5, 5), ("R2", 7, "reliability", 7, 7),
    ("R3", 5, "reliability", 7, 4), ("R3", 6, "reliability", 6, 4), ("R3", 7, "reliability", 6, 5),
    ("R1", 1, "tangibles", 6, 6), ("R2", 1, "tangibles", 5, 4), ("R3", 1, "tangibles", 7, 6),
    ("R4", 1, "tangibles", 6, 6),
])
WEAKEST_EXAMPLE["dimension"] = pd.Categorical(
    WEAKEST_EXAMPLE["dimension"], categories=["tangibles", "reliability", "responsiveness", "assurance", "empathy"])
#: Reliability in the example (R4 answered only tangibles): respondent gaps -3 (from -4, -4, -1), 0 and -2; mean -5/3, n 3.
WEAKEST_EXAMPLE_GAPS = (-3.0, 0.0, -2.0)
WEAKEST_EXAMPLE_GAP = sum(WEAKEST_EXAMPLE_GAPS) / 3
WEAKEST_EXAMPLE_SD = statistics.stdev(WEAKEST_EXAMPLE_GAPS)
WEAKEST_EXAMPLE_MARGIN = 1.96 * WEAKEST_EXAMPLE_SD / math.sqrt(3)


class WeakestDimension(Problem):
    task = "Task 4"
    var = "weakest_dimension"
    hints = (
        "Work out each respondent's gap on each dimension (the mean of perception minus expectation over that "
        "dimension's items), then average across respondents. The weakest dimension has the most negative mean. "
        "Its margin of error comes from how much the respondents' gaps vary.",
        "`scored = servqual.assign(gap=servqual['perception'] - servqual['expectation'])`, then "
        "`per_person = scored.groupby(['dimension', 'respondent_id'], observed=True)['gap'].mean()` gives one gap "
        "per respondent and dimension.",
        "`means = per_person.groupby('dimension', observed=True).mean()`; `weakest = means.idxmin()`; "
        "`gaps = per_person[weakest]` holds that dimension's respondent gaps.",
        "The margin is `1.96 * gaps.std() / len(gaps) ** 0.5` (pandas' `.std()` already divides by n - 1). Return "
        "`{'dimension': weakest, 'gap': float(means[weakest]), 'margin': float(...)}`.",
    )

    def check_answer(self, answer):
        expect_callable(answer, self.var)
        result = _call(answer, WEAKEST_EXAMPLE.copy(), name=self.var)
        expect(isinstance(result, dict), f"return a dict with the keys 'dimension', 'gap' and 'margin', not "
               f"{type(result).__name__}.")
        expect({"dimension", "gap", "margin"} <= set(result), f"the dict needs the keys 'dimension', 'gap' and "
               f"'margin'; yours has {sorted(result)}.")
        expect(str(result["dimension"]) == "reliability", "in the worked example reliability (-1.67) falls further "
               f"short than tangibles (-0.5): the weakest is reliability, not {result['dimension']!r}.")
        gap = _number(result["gap"], "the gap")
        expect(abs(gap - WEAKEST_EXAMPLE_GAP) <= GAP_TOLERANCE, "reliability's respondent gaps are -3 (the mean of -4, -4 "
               f"and -1), 0 and -2, so its gap is -1.67; you returned {gap:g}."
               + (" Average each respondent's items with the mean, not the median." if abs(gap + 2) <= GAP_TOLERANCE else ""))
        margin = _number(result["margin"], "the margin")
        msg = (f"the margin of error is 1.96 x {WEAKEST_EXAMPLE_SD:.3f} (the standard deviation of -3, 0 and -2, dividing "
               f"by n - 1) / the square root of 3 = {WEAKEST_EXAMPLE_MARGIN:.2f}; you returned {margin:g}.")
        if abs(margin - 1.96 * statistics.pstdev(WEAKEST_EXAMPLE_GAPS) / math.sqrt(3)) <= 0.01:
            msg += " Divide by n - 1 (pandas' `.std()` does), not by n."
        elif abs(margin - 1.96 * statistics.variance(WEAKEST_EXAMPLE_GAPS) / math.sqrt(3)) <= 0.01:
            msg += " Use the standard deviation, not the variance."
        if abs(margin - 1.96 * WEAKEST_EXAMPLE_SD / 2) <= 0.01:
            msg += (" n is 3: R4 answered no reliability item. Grouping a category column without `observed=True` "
                    "makes a group (an empty one) for every respondent and dimension.")
        expect(abs(margin - WEAKEST_EXAMPLE_MARGIN) <= GAP_TOLERANCE, msg)
        expect(margin > 0, "a margin of error is positive: the gap is plus or minus it.")
        full = _call(answer, load_dataset("servqual"), name=self.var)
        expect(isinstance(full, dict) and str(full.get("dimension")) == "responsiveness",
               "on the SERVQUAL data the weakest dimension is responsiveness.")
        expect(abs(_number(full["gap"], "the gap") + 1.76) <= 0.01 and abs(_number(full["margin"], "the margin") - 0.10) <= 0.01,
               f"on the SERVQUAL data responsiveness' gap is -1.76, plus or minus 0.10; you have {full['gap']:g} plus or "
               f"minus {full['margin']:g}.")


#: Task 5: the role-play ending to reach, and the least evidence score to reach it with.
PATH_ENDING = "Feedback that reaches the person who can act on it"
PATH_MIN_EVIDENCE = 4


class FeedbackPath(PathProblem):
    task = "Task 5"
    var = "feedback_path"
    hints = (
        "Play the role-play above until it ends in the success ending named in the task, and look at the evidence "
        "score at the end: it must be at least 4.",
        "Evidence rises when you show the whole picture fairly (all three departments, not only June), when you "
        "check an objection against the log, and when you test a cause before spending money on it. The success "
        "ending also needs Dana to have seen how her department compares over six months, and a fix that does not "
        "land on a department that is not in the room.",
        "When the conversation ends the widget lists your path. Copy it as a list of strings: "
        "`feedback_path = ['first-reply-id', 'second-reply-id']`, with every reply you chose, in order.",
    )

    def check_answer(self, answer):
        from ..roleplay import play

        expect(isinstance(answer, (list, tuple)) and all(isinstance(step, str) for step in answer),
               "`feedback_path` should be a list of reply ids (strings), as the widget shows at the end.")
        try:
            session = play("housekeeping-feedback", list(answer))
        except Exception as exc:
            raise Incorrect(f"that path cannot be played: {exc}") from None
        expect(session.ended, "the conversation has not finished: copy every reply up to the ending.")
        title = session.node.ending.title
        expect(session.outcome == "success" and title == PATH_ENDING,
               f"this path ends in \"{title}\", not \"{PATH_ENDING}\".")
        evidence = session.scores["evidence"]
        expect(evidence >= PATH_MIN_EVIDENCE, f"this path reaches the right ending with {evidence} for evidence; at "
               f"least {PATH_MIN_EVIDENCE} is needed. Which reply on your path gave up evidence for something else?")


#: Percentages on the audit checklist may be rounded to one decimal place.
PERCENT_TOLERANCE = 0.05 + 1e-9

CHECKLIST_EXAMPLE = pd.DataFrame({
    "audit_id": ["A1"] * 5 + ["A2"] * 5 + ["B1"] * 2 + ["B2"] * 8 + ["C1"] * 3,
    "site": ["A"] * 10 + ["B"] * 10 + ["C"] * 3,
    "passed": [True, True, True, True, False] * 2 + [True, True] + [True] * 4 + [False] * 4 + [True] * 3,
})


class SiteScores(Problem):
    task = "Task 6"
    var = "site_scores"
    hints = (
        "For each site, count the items checked and the items passed over all its audits, then divide: one pooled "
        "percentage per site. A site meets the target when its percentage is at or above it.",
        "`by_site = checklist.groupby('site', observed=True)['passed']`: then `by_site.size()` counts the checks and "
        "`by_site.sum()` the passes (True counts as 1).",
        "`table = pd.DataFrame({'checked': by_site.size(), 'passed': by_site.sum()})`; "
        "`table['percent'] = 100 * table['passed'] / table['checked']`; "
        "`table['meets_target'] = table['percent'] >= target`; finish with `table.sort_values('percent')`.",
    )

    def check_answer(self, answer):
        expect_callable(answer, self.var)
        result = _call(answer, CHECKLIST_EXAMPLE.copy(), 80, name=self.var)
        expect(isinstance(result, pd.DataFrame), f"return a DataFrame, one row per site, not {type(result).__name__}.")
        missing = {"checked", "passed", "percent", "meets_target"} - set(result.columns)
        expect(not missing, f"the columns should be checked, passed, percent and meets_target; missing {sorted(missing)}.")
        expect(sorted(map(str, result.index)) == ["A", "B", "C"],
               f"on the worked example the index should be the sites A, B and C, got {list(result.index)}.")
        a_counts = [int(result.loc["A", "checked"]), int(result.loc["A", "passed"])]
        expect(a_counts == [10, 8], f"site A was checked on 10 items over two audits and passed 8; you have {a_counts}.")
        b_pct = _number(result.loc["B", "percent"], "site B's percent")
        expect(abs(b_pct - 60) <= PERCENT_TOLERANCE, "site B passed 6 of 10 checks, 60%"
               + (": 75% is the average of its two audits' percentages, which gives the two-item audit as much "
                  "weight as the eight-item one. Pool the checks." if abs(b_pct - 75) <= PERCENT_TOLERANCE else
                  f"; you have {b_pct:g}. Is it a percentage (0-100)?"))
        expect(abs(_number(result.loc["A", "percent"], "site A's percent") - 80) <= PERCENT_TOLERANCE,
               f"site A: 8 of 10, 80%; you have {float(result.loc['A', 'percent']):g}.")
        expect(bool(result.loc["A", "meets_target"]), "site A is exactly on the target of 80%, and a site on the target "
               "meets it: use >=, not >.")
        expect(not bool(result.loc["B", "meets_target"]) and bool(result.loc["C", "meets_target"]),
               "B (60%) misses a target of 80 and C (100%) meets it.")
        higher = _call(answer, CHECKLIST_EXAMPLE.copy(), 81, name=self.var)
        expect(not bool(higher.loc["A", "meets_target"]), "with a target of 81, site A's 80% misses it: compare with the "
               "`target` you are given, not a fixed 80.")
        expect([str(i) for i in result.index] == ["B", "A", "C"], "sort the rows from the lowest percent to the highest.")
        checklist = load_dataset("audit_checklist")
        full = _call(answer, checklist, 80, name=self.var)
        expect(int(full["checked"].sum()) == len(checklist), f"on the audit data the checks should add up to the "
               f"{len(checklist)} rows of the checklist; yours add up to {int(full['checked'].sum())}.")
        expect(str(full.index[0]) == "Northgate" and abs(_number(full.iloc[0]["percent"], "Northgate's percent") - 71.7)
               <= PERCENT_TOLERANCE, "on the audit data Northgate comes first, with 43 of 60 checks passed (71.7%).")
        two = _call(answer, checklist[checklist["site"].isin(["Westfield", "contact centre"])], 84, name=self.var)
        expect(sorted(map(str, two.index)) == ["Westfield", "contact centre"],
               f"with only Westfield's and the contact centre's checks there should be two rows, not {list(two.index)}: "
               "a site with no checks in the data gets no row (`observed=True`).")
        expect(list(two["meets_target"].astype(bool)) == [False, True], "with a target of 84, Westfield (83.3%) misses "
               "it and the contact centre (84.4%) meets it.")
        close = _call(answer, checklist, 86.11, name=self.var)
        expect(bool(close.loc["Harbourside", "meets_target"]), "with a target of 86.11, Harbourside (31 of 36, "
               "86.111...%) meets it: decide `meets_target` on the unrounded percentage, not on 86.1.")


q1 = SortComment()
q2 = ComplaintsByMonth()
q3 = DimensionGaps()
q4 = WeakestDimension()
q5 = FeedbackPath()
q6 = SiteScores()
