"""Checks and hints for topic 07, measuring satisfaction.

Usage in the notebook::

    from csworkbook.checks.measuring_satisfaction import q1
    q1.check()   # after defining csat_by_channel
    q1.hint()

Each check repeats the notebook's visible tests (the small worked examples and
the shape of the answer); the graded hidden tests are not here. Task numbers
follow the notebook's reading order. Where a task lets the learner round, the
check allows exactly that rounding (the tolerances below), and so do the tests.
"""

from __future__ import annotations

import pandas as pd

from ..datasets import load_dataset
from .core import PathProblem, Problem, expect, expect_callable
from .core import as_number as _number
from .core import call_answer as _call

__all__ = ["q1", "q2", "q3", "q4", "q5", "q5b", "q6", "q7", "q8"]

SENTIMENT_LABELS = {"positive", "neutral", "negative"}

#: What each task text allows: CSAT and pass rates to 1 decimal, NPS to whole points,
#: complaint rates to 2 decimals.
PERCENT_TOLERANCE = 0.05 + 1e-9
NPS_TOLERANCE = 0.5 + 1e-9
RATE_TOLERANCE = 0.005 + 1e-9


class SurveysToSend(Problem):
    task = "Task 1"
    var = "surveys_to_send"
    hints = (
        "Two steps: how many completed surveys you need (the sample size), then how many to send so that "
        "enough of them come back. Then one more rule: you cannot send more surveys than there are customers.",
        "`completes = sample_size(margin, population=population)` gives the completes; "
        "`surveys_to_issue(completes, response_rate)` gives the sends, already rounded up. Dividing yourself and using `round()` rounds 1,263.3 down to 1,263.",
        "`min(population, surveys_to_issue(...))` caps the sends at the population: everyone gets one.",
    )

    def check_answer(self, answer):
        expect_callable(answer, self.var)
        got = _call(answer, 27536, 0.05, 1 / 3, name=self.var)
        expect(isinstance(got, int), f"return a whole number of surveys (an int), not {type(got).__name__}: nobody can post 0.4 of a survey.")
        expect(got == 1137, "for 27,536 customers, a 5% margin and a one-in-three response rate you need 379 completes, "
               f"so 1,137 surveys; you returned {got}.")
        up = _call(answer, 27536, 0.05, 0.3, name=self.var)
        expect(up == 1264, f"at a 30% response rate, 379 completes need 379 / 0.3 = 1,263.3 sends: round up to 1,264 "
               f"(1,263 would be expected to bring back too few). You returned {up}.")
        wider = _call(answer, 27536, 0.10, 1 / 3, name=self.var)
        expect(wider < got, "a wider margin of error (10% instead of 5%) should need fewer surveys.")
        small = _call(answer, 300, 0.05, 0.25, name=self.var)
        expect(small == 300, "300 customers at a 5% margin need 169 completes, which at a 25% response rate would mean 676 "
               f"sends: more than there are customers, so send one to each of the 300. You returned {small}.")


class CsatByChannel(Problem):
    task = "Task 2"
    var = "csat_by_channel"
    hints = (
        "Split the responses into one group per channel, work out each group's CSAT, then put the groups in order.",
        "`responses.groupby('channel', observed=True)['csat']` makes the groups; `.apply(csat)` runs `csat` on each. "
        "`observed=True` matters: without it pandas also makes empty groups for unused categories, "
        "and a CSAT of no responses is an error.",
        "Finish with `.sort_values(ascending=False)` so the best channel comes first.",
    )

    def check_answer(self, answer):
        expect_callable(answer, self.var)
        example = pd.DataFrame({"channel": ["phone", "phone", "phone", "email", "email"], "csat": [5, 4, 3, 1, 5]})
        result = _call(answer, example, name=self.var)
        expect(isinstance(result, pd.Series), f"return a pandas Series (one CSAT per channel), not {type(result).__name__}.")
        expect(set(result.index) == {"phone", "email"}, f"on the worked example the index should be the channels phone and email, got {list(result.index)}.")
        phone = _number(result["phone"], "phone's CSAT")
        expect(abs(phone - 200 / 3) <= PERCENT_TOLERANCE, "phone has scores 5, 4, 3: two of three are 4 or 5, so CSAT is 66.7%. "
               f"Your function gave {phone:g}. Is it a percentage (0-100) of the answers in the top two boxes, 4 and 5 "
               "(a 3 does not count)?")
        expect(abs(_number(result["email"], "email's CSAT") - 50.0) <= PERCENT_TOLERANCE,
               f"email has scores 1 and 5, so CSAT is 50%; yours gave {float(result['email']):g}.")
        expect(list(result.index) == ["phone", "email"], "sort the result from highest CSAT to lowest.")
        responses = load_dataset("survey_responses")
        full = _call(answer, responses, name=self.var)
        expect(set(full.index) == set(responses["channel"].unique()), "on the survey data there should be one value for each of the five channels.")
        expect(full.is_monotonic_decreasing, "on the survey data the result should run from highest CSAT to lowest.")
        three = _call(answer, responses[responses["channel"].isin(["phone", "email", "website"])], name=self.var)
        expect(sorted(map(str, three.index)) == ["email", "phone", "website"],
               "with only the phone, email and website responses there should be three channels, but your result has "
               f"{list(three.index)}: a channel with no responses in the data given gets no value (`observed=True`).")
        expect(((full >= 0) & (full <= 100)).all(), "CSAT values are percentages from 0 to 100.")


class NpsFromScores(Problem):
    task = "Task 3"
    var = "nps_from_scores"
    hints = (
        "Work out the share of promoters (scores 9 and 10) and the share of detractors (0 to 6), out of all responses.",
        "Turn the answers into a pandas Series first, `scores = pd.Series(scores)`, so a plain list works too; "
        "then `(scores >= 9).mean()` is the share of promoters.",
        "NPS = 100 * (share of promoters - share of detractors). Passives (7 and 8) count in the total only.",
    )

    def check_answer(self, answer):
        expect_callable(answer, self.var)
        cases = [([10, 9, 8, 7, 6], 20.0), ([10, 10, 10, 10], 100.0), ([0, 3, 6], -100.0), ([7, 8, 9, 6], 0.0),
                 ([9, 8, 6], 0.0), ([10, 7, 7], 100 / 3)]
        for scores, expected in cases:
            value = _number(_call(answer, scores, name=self.var), f"the NPS of {scores}")
            expect(abs(value - expected) <= NPS_TOLERANCE,
                   f"for the scores {scores} the NPS is {expected:.1f}, but you returned {value:g}."
                   + (" Remember to multiply by 100: NPS is in points." if abs(value * 100 - expected) < 1 else ""))
        got = _call(answer, load_dataset("survey_responses")["recommend"], name=self.var)
        expect(-100 <= _number(got, "the survey's NPS") <= 100, "the NPS of the survey data should be between -100 and 100.")


class QuarterlyComplaintRate(Problem):
    task = "Task 4"
    var = "complaints_per_1000_by_quarter"
    hints = (
        "Work quarter by quarter: add up each branch's complaints and transactions over the three months, then "
        "divide. Averaging the three monthly rates gives a busy month the same say as a quiet one.",
        "`monthly['month'].dt.to_period('Q')` turns each month into its quarter. Add it as a column and group by "
        "branch and quarter: `grouped = monthly.assign(quarter=monthly['month'].dt.to_period('Q'))"
        ".groupby(['branch', 'quarter'], observed=True)`.",
        "`totals = grouped[['complaints', 'transactions']].sum()` gives the sums; "
        "`1000 * totals['complaints'] / totals['transactions']` the rates; `.unstack('quarter')` turns the quarters "
        "into columns.",
    )

    def check_answer(self, answer):
        expect_callable(answer, self.var)
        example = pd.DataFrame({
            "month": pd.to_datetime(["2025-07-01", "2025-08-01", "2025-09-01", "2025-10-01"] * 2),
            "branch": ["A"] * 4 + ["B"] * 4,
            "transactions": [1000, 3000, 1000, 2000, 500, 500, 1000, 4000],
            "complaints": [2, 18, 5, 8, 1, 1, 2, 10],
        })
        result = _call(answer, example, name=self.var)
        expect(isinstance(result, pd.DataFrame), f"return a DataFrame (branches as rows, quarters as columns), not {type(result).__name__}.")
        expect([str(b) for b in result.index] == ["A", "B"], f"the rows should be the branches A and B; got {list(result.index)}.")
        expect([str(q) for q in result.columns] == ["2025Q3", "2025Q4"],
               f"the columns should be the quarters 2025Q3 and 2025Q4; got {[str(q) for q in result.columns]}.")
        a3 = _number(result.iloc[0, 0], "branch A's rate in 2025Q3")
        expect(abs(a3 - 5.0) <= RATE_TOLERANCE,
               f"branch A had 25 complaints in 5,000 transactions in July to September: 5.0 per 1,000; you returned {a3:g}."
               + (" That is the average of the three monthly rates (2, 6 and 5): add the complaints and the transactions "
                  "up first, then divide." if abs(a3 - 13 / 3) < 0.01 else ""))
        expect(abs(_number(result.iloc[1, 1], "branch B's rate in 2025Q4") - 2.5) <= RATE_TOLERANCE,
               "branch B had 10 complaints in 4,000 transactions in October: 2.5 per 1,000.")
        monthly = load_dataset("monthly_secondary")
        full = _call(answer, monthly, name=self.var)
        expect(full.shape == (4, 20), f"on the monthly data (2021 to 2025) expect 4 branches by 20 quarters, got shape {full.shape}.")
        northgate = _number(full.loc["Northgate", full.columns[-2]], "Northgate's rate in 2025Q3")
        expect(abs(northgate - 11.05) <= RATE_TOLERANCE, "Northgate had 186 complaints in 16,835 transactions in "
               f"2025Q3: 11.05 per 1,000; you returned {northgate:g}.")
        two = _call(answer, monthly[monthly["branch"].isin(["Northgate", "Westfield"])], name=self.var)
        expect(len(two) == 2, f"with only Northgate's and Westfield's months there are 2 branches, but your result has "
                              f"{len(two)} rows: a branch with no rows in the data given should get no row (`observed=True`).")
        recent = _call(answer, monthly[monthly["month"] >= "2025-01-01"], name=self.var)
        expect(recent.shape == (4, 4), f"on 2025's months alone expect 4 quarters as columns, got shape {recent.shape}: "
                                       "only the quarters in the data given should appear.")


class ChecklistPassRates(Problem):
    task = "Task 5"
    var = "checklist_pass_rates"
    hints = (
        "Each checklist column holds True or False. The mean of a True/False column is the share that is True, "
        "and each branch's share must be out of that branch's own visits.",
        "Group by branch with `observed=True`, so a branch with no visits in the data given gets no row.",
        "`visits.groupby('branch', observed=True)[checks].mean()` gives the share per branch and check; multiply by 100 for percent.",
    )

    def check_answer(self, answer):
        expect_callable(answer, self.var)
        example = pd.DataFrame({
            "branch": ["A", "A", "A", "B", "B"],
            "greeted": [True, False, False, True, True],
            "thanked": [True, True, False, False, True],
        })
        result = _call(answer, example, ["greeted", "thanked"], name=self.var)
        expect(isinstance(result, pd.DataFrame), f"return a DataFrame (branches as rows, checks as columns), not {type(result).__name__}.")
        expect(list(result.columns) == ["greeted", "thanked"], f"the columns should be the checks, in the order given; got {list(result.columns)}.")
        expect(sorted(result.index) == ["A", "B"], f"the rows should be the branches; got {list(result.index)}.")
        a = _number(result.loc["A", "greeted"], "branch A's greeted rate")
        expect(abs(a - 100 / 3) <= PERCENT_TOLERANCE,
               f"in the example, branch A greeted 1 of its 3 shoppers: 33.3%; you returned {a:g}. "
               "Are your values percentages (0-100), out of each branch's own visits?")
        b = _number(result.loc["B", "thanked"], "branch B's thanked rate")
        expect(abs(b - 50.0) <= PERCENT_TOLERANCE, f"branch B thanked 1 of its 2 shoppers: 50.0%; you returned {b:g}.")
        visits = load_dataset("mystery_shopper")
        checks = [c for c in visits.columns if visits[c].dtype == bool]
        full = _call(answer, visits, checks, name=self.var)
        expect(full.shape == (4, 9), f"on the visit data expect 4 branches by 9 checks, got shape {full.shape}.")
        three = _call(answer, visits[visits["branch"] != "Northgate"], checks, name=self.var)
        expect(len(three) == 3, f"without Northgate's visits there are 3 branches, but your result has {len(three)} rows: "
                                "a branch with no visits in the data given should get no row (`observed=True`).")


class WeakestStandard(Problem):
    task = "Task 5b"
    var = "weakest_standard"
    hints = (
        "This is one pass rate per check across every visit together, not per branch.",
        "The mean of a True/False column is its pass rate; the name of the smallest value in a Series is `.idxmin()`.",
        "`visits[list(checks)].mean()` gives each check's pass rate over all the visits; take the name of the lowest.",
    )

    def check_answer(self, answer):
        expect_callable(answer, self.var)
        five = pd.DataFrame({"greeted": [True, True, False, False, False], "thanked": [False, False, False, False, True]})
        got = _call(answer, five, ["greeted", "thanked"], name=self.var)
        expect(isinstance(got, str), f"return the name of a check (a string), not {type(got).__name__}.")
        expect(got == "thanked", f"shoppers were thanked on 1 of 5 visits (20%) and greeted on 2 of 5 (40%), so the weakest "
                                 f"standard is 'thanked'; you returned {got!r}. Compare pass rates (means), not medians.")
        flipped = _call(answer, five.rename(columns={"greeted": "thanked", "thanked": "greeted"}), ["thanked", "greeted"],
                        name=self.var)
        expect(flipped == "greeted", "with the columns' names swapped the weakest standard is 'greeted': work it out "
                                     f"from the data given, not from the example; you returned {flipped!r}.")
        uneven = pd.DataFrame({"branch": ["A", "A", "A", "A", "B"],
                               "greeted": [True, False, False, False, True], "thanked": [True, True, True, True, False]})
        got = _call(answer, uneven, ["greeted", "thanked"], name=self.var)
        expect(got == "greeted", "over every visit together shoppers were greeted on 2 of 5 visits (40%) and thanked on 4 "
                                 f"of 5 (80%), so the weakest is 'greeted'; you returned {got!r}. Count every visit once: "
                                 "averaging the branches' rates (62.5% and 50%) lets branch B's single visit count as much "
                                 "as branch A's four.")
        visits = load_dataset("mystery_shopper")
        checks = [c for c in visits.columns if visits[c].dtype == bool]
        got = _call(answer, visits, checks, name=self.var)
        expect(got in checks, f"{got!r} is not one of the checklist columns: {', '.join(checks)}.")


class GapToBest(Problem):
    task = "Task 6"
    var = "gap_to_best"
    hints = (
        "Take one quarter. For each measure you need our value and the best competitor's value.",
        "'Best' depends on the measure: the highest value when `higher_is_better` is True, the lowest otherwise "
        "(a shorter wait is better). Make the gap point the same way for every measure: ours - best when higher is "
        "better, best - ours when lower is better, so positive always means we lead.",
        "Loop over the measures: `for measure, part in benchmark[benchmark['quarter'] == quarter].groupby('measure', "
        "observed=True):`. Inside, `higher = bool(part['higher_is_better'].iloc[0])`, our value is "
        "`ours = part.loc[part['company'] == 'Harbour Home Supplies', 'value'].iloc[0]` and the competitors' values are "
        "`others = part.loc[part['company'] != 'Harbour Home Supplies', 'value']`.",
        "Make an empty dict, `rows = {}`, before the loop. Inside it: `best = others.max() if higher else others.min()`, "
        "then `rows[measure] = {'ours': ours, 'best_competitor': best, 'gap': ...}`. "
        "After it, `pd.DataFrame.from_dict(rows, orient='index')` makes one row per measure.",
    )
    US = "Harbour Home Supplies"

    def check_answer(self, answer):
        expect_callable(answer, self.var)
        example = pd.DataFrame({
            "quarter": ["2025-Q4"] * 9,
            "company": [self.US, "Rival A", "Rival B"] * 3,
            "measure": ["csat_percent"] * 3 + ["average_wait_minutes"] * 3 + ["first_contact_resolution_percent"] * 3,
            "value": [80.0, 85.0, 70.0, 4.0, 2.5, 6.0, 90.0, 85.0, 70.0],
            "higher_is_better": [True] * 3 + [False] * 3 + [True] * 3,
        })
        result = _call(answer, example, "2025-Q4", name=self.var)
        expect(isinstance(result, pd.DataFrame), f"return a DataFrame, not {type(result).__name__}.")
        expect(list(result.columns) == ["ours", "best_competitor", "gap"], f"the columns should be ours, best_competitor, gap; got {list(result.columns)}.")
        expect(set(result.index) == {"csat_percent", "average_wait_minutes", "first_contact_resolution_percent"},
               f"the index should be the measures; got {list(result.index)}.")
        expect(float(result.loc["csat_percent", "best_competitor"]) == 85.0, "for csat_percent the best competitor scored 85 (higher is better).")
        expect(float(result.loc["average_wait_minutes", "best_competitor"]) == 2.5, "for average_wait_minutes the best competitor is the lowest wait, 2.5 minutes.")
        expect(float(result.loc["csat_percent", "gap"]) == -5.0, "our CSAT of 80 is 5 points behind the best (85): the gap should be -5.")
        expect(float(result.loc["average_wait_minutes", "gap"]) == -1.5,
               "our wait of 4 minutes is 1.5 minutes worse than the best (2.5): the gap should be -1.5, negative because we trail.")
        fcr = result.loc["first_contact_resolution_percent"]
        expect(float(fcr["best_competitor"]) == 85.0 and float(fcr["gap"]) == 5.0,
               "for first_contact_resolution_percent we score 90 and the competitors 85 and 70: the best competitor is "
               f"85 (the best of the other companies, not us) and the gap +5; you gave {float(fcr['best_competitor']):g} "
               f"and {float(fcr['gap']):g}.")
        benchmark = load_dataset("competitor_benchmark")
        full = _call(answer, benchmark, "2025-Q4", name=self.var)
        expect(len(full) == 6, f"the benchmark data has 6 measures; your result has {len(full)} rows.")
        five = _call(answer, benchmark[benchmark["measure"] != "nps"], "2025-Q4", name=self.var)
        expect(len(five) == 5, f"without the NPS rows there are 5 measures, but your result has {len(five)} rows: a measure "
                               "with no figures that quarter should get no row (group with `observed=True`).")


class LabelSentiment(Problem):
    task = "Task 7"
    var = "label_sentiment"
    hints = (
        "Score each text with VADER, then turn the score into a word with the two cut-offs.",
        "`analyzer.polarity_scores(text)['compound']` is a text's score (the `analyzer` made above the task). "
        "0.05 or more is positive, -0.05 or less is negative, anything between is neutral: mind the 'or more'.",
        "Start with `labels = []`, loop `for text in texts:`, append one label per text with `if score >= 0.05: ... "
        "elif score <= -0.05: ... else: ...`, and return `labels`.",
    )

    def check_answer(self, answer):
        expect_callable(answer, self.var)
        texts = ["I love this shop", "Worst service ever", "The store opens at nine"]
        got = _call(answer, texts, name=self.var)
        got = list(got)
        expect(len(got) == 3, f"return one label per text: 3 texts in, {len(got)} labels out.")
        expect(set(got) <= SENTIMENT_LABELS, f"use only the labels positive, neutral and negative; got {sorted(set(map(str, got)))}.")
        expect(got == ["positive", "negative", "neutral"], f"expected ['positive', 'negative', 'neutral'] for the three examples, got {got}.")
        near = {"Capable staff, not considerate.": ("positive", "exactly +0.05"),
                "The staff seemed slightly bashful.": ("neutral", "+0.0498"), "Not sorry I came.": ("positive", "+0.0572"),
                "I was annoyed, not aggravated.": ("negative", "exactly -0.05"),
                "Staff were somewhat defensive.": ("neutral", "-0.0498"), "There is some irony here.": ("negative", "-0.0516")}
        got = list(_call(answer, list(near), name=self.var))
        for (text, (want, score)), label in zip(near.items(), got):
            expect(label == want, f"{text!r} scores {score}, so it is {want}; you labelled it {label!r}. Check your cut-offs: "
                                  "0.05 or more is positive, -0.05 or less is negative.")


class DebriefPath(PathProblem):
    task = "Task 8"
    var = "debrief_path"
    #: What Task 8 asks for: the ending, and the least evidence, tact and action the path must end with.
    scenario = "mystery-shopper-debrief"
    example_reply = "agenda-first"
    ending = "A plan for the problem you have now"
    min_evidence = 6
    min_tact = 4
    min_action = 3
    hints = (
        "Play the role-play above to the end. The widget then shows your path as a list, such as ['agenda-first', ...]: copy it.",
        "The successful ending opens only to a team that was asked whether the problem is still happening, "
        "before any plan was agreed.",
        "Evidence rises when what you say matches the visit reports, including what is true now; tact when you "
        "listen before you tell; action when you commit to a target, an owner and a date. Replies that gain on one "
        "often cost another, so watch all three as you play. The reply that sets targets is offered only to a "
        "manager who asked whether the problem is still happening, said nothing the data contradicts, and still has "
        "at least 1 for tact and 3 for evidence.",
    )

    def check_answer(self, answer):
        session = self.replay(answer)
        evidence, tact, action = session.scores["evidence"], session.scores["tact"], session.scores["action"]
        expect(evidence >= self.min_evidence,
               f"this path ends with {evidence} of 8 for evidence; the task asks for at least {self.min_evidence}.")
        expect(tact >= self.min_tact,
               f"this path ends with {tact} of 6 for tact; the task asks for at least {self.min_tact}.")
        expect(action >= self.min_action,
               f"this path ends with {action} of 3 for action; the task asks for {self.min_action} of 3.")


q1 = SurveysToSend()
q2 = CsatByChannel()
q3 = NpsFromScores()
q4 = QuarterlyComplaintRate()
q5 = ChecklistPassRates()
q5b = WeakestStandard()
q6 = GapToBest()
q7 = LabelSentiment()
q8 = DebriefPath()
