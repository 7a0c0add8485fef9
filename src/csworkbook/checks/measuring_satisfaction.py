"""Checks and hints for topic 07, measuring satisfaction.

Usage in the notebook::

    from csworkbook.checks.measuring_satisfaction import q1
    q1.check()   # after defining csat_by_channel
    q1.hint()

Each check repeats the notebook's visible tests (the small worked examples and
the shape of the answer); the graded hidden tests are not here.
"""

from __future__ import annotations

import pandas as pd

from ..datasets import load_dataset
from .core import Incorrect, Problem, expect, expect_callable

__all__ = ["q1", "q2", "q3", "q4", "q5", "q6", "q8"]

SENTIMENT_LABELS = {"positive", "neutral", "negative"}


def _call(func, *args, name: str):
    try:
        return func(*args)
    except NotImplementedError:
        raise
    except Exception as exc:
        raise Incorrect(f"`{name}` raised {type(exc).__name__} on the example: {exc}") from None


class CsatByChannel(Problem):
    task = "Task 1"
    var = "csat_by_channel"
    hints = (
        "Group the responses by channel, then apply `csat` to each group's `csat` column.",
        "`responses.groupby('channel', observed=True)['csat'].apply(csat)` gives one CSAT per channel. "
        "`observed=True` matters: without it pandas also makes empty groups for unused categories, "
        "and a CSAT of no responses is an error.",
        "Finish with `.sort_values(ascending=False)` so the best channel comes first.",
    )

    def check_answer(self, answer):
        expect_callable(answer, self.var)
        example = pd.DataFrame({"channel": ["phone", "phone", "phone", "email", "email"], "csat": [5, 4, 2, 1, 5]})
        result = _call(answer, example, name=self.var)
        expect(isinstance(result, pd.Series), f"return a pandas Series (one CSAT per channel), not {type(result).__name__}.")
        expect(set(result.index) == {"phone", "email"}, f"on the worked example the index should be the channels phone and email, got {list(result.index)}.")
        expect(round(float(result["phone"]), 1) == 66.7, "phone has scores 5, 4, 2: two of three are 4 or 5, so CSAT is 66.7%. "
               f"Your function gave {float(result['phone']):g}. Is it a percentage (0-100) of top-two-box answers?")
        expect(float(result["email"]) == 50.0, f"email has scores 1 and 5, so CSAT is 50%; yours gave {float(result['email']):g}.")
        expect(list(result.index) == ["phone", "email"], "sort the result from highest CSAT to lowest.")
        responses = load_dataset("survey_responses")
        full = _call(answer, responses, name=self.var)
        expect(set(full.index) == set(responses["channel"].unique()), "on the survey data there should be one value for each of the five channels.")
        expect(full.is_monotonic_decreasing, "on the survey data the result should run from highest CSAT to lowest.")
        expect(((full >= 0) & (full <= 100)).all(), "CSAT values are percentages from 0 to 100.")


class NpsFromScores(Problem):
    task = "Task 2"
    var = "nps_from_scores"
    hints = (
        "Work out the share of promoters (scores 9 and 10) and the share of detractors (0 to 6), out of all responses.",
        "With a pandas Series `s`, `(s >= 9).mean()` is the share of promoters. Convert a plain list with `pd.Series(scores)` first.",
        "NPS = 100 * (share of promoters - share of detractors). Passives (7 and 8) count in the total only.",
    )

    def check_answer(self, answer):
        expect_callable(answer, self.var)
        cases = [([10, 9, 8, 7, 6], 20.0), ([10, 10, 10, 10], 100.0), ([0, 3, 6], -100.0), ([7, 8, 9, 6], 0.0)]
        for scores, expected in cases:
            got = _call(answer, scores, name=self.var)
            try:
                value = float(got)
            except (TypeError, ValueError):
                raise Incorrect(f"return a number; for {scores} you returned {got!r}.") from None
            expect(abs(value - expected) < 1e-9, f"for the scores {scores} the NPS is {expected:g}, but you returned {value:g}."
                   + (" Remember to multiply by 100: NPS is in points." if abs(value * 100 - expected) < 1e-9 else ""))
        got = _call(answer, load_dataset("survey_responses")["recommend"], name=self.var)
        expect(-100 <= float(got) <= 100, "the NPS of the survey data should be between -100 and 100.")


class SurveysToSend(Problem):
    task = "Task 3"
    var = "surveys_to_send"
    hints = (
        "Two steps: how many completed surveys you need (the sample size), then how many to send so that many come back.",
        "`sample_size(margin, population=population)` gives the completes; `surveys_to_issue(completes, response_rate)` the sends.",
    )

    def check_answer(self, answer):
        expect_callable(answer, self.var)
        got = _call(answer, 4000, 0.05, 1 / 3, name=self.var)
        expect(isinstance(got, int), f"return a whole number of surveys (an int), not {type(got).__name__}: nobody can post 0.4 of a survey.")
        expect(got == 1053, "for 4,000 customers, a 5% margin and a one-in-three response rate you need 351 completes, "
               f"so 1,053 surveys; you returned {got}.")
        wider = _call(answer, 4000, 0.10, 1 / 3, name=self.var)
        expect(wider < got, "a wider margin of error (10% instead of 5%) should need fewer surveys.")


class ChecklistPassRates(Problem):
    task = "Task 4"
    var = "checklist_pass_rates"
    hints = (
        "Each checklist column holds True or False. The mean of a True/False column is the share that is True.",
        "Group by branch with `observed=True`, so a branch with no visits in the data given gets no row.",
        "`visits.groupby('branch', observed=True)[checks].mean()` gives the share per branch and check; multiply by 100 for percent.",
    )

    def check_answer(self, answer):
        expect_callable(answer, self.var)
        example = pd.DataFrame({
            "branch": ["A", "A", "B", "B"],
            "greeted": [True, False, True, True],
            "thanked": [True, True, False, True],
        })
        result = _call(answer, example, ["greeted", "thanked"], name=self.var)
        expect(isinstance(result, pd.DataFrame), f"return a DataFrame (branches as rows, checks as columns), not {type(result).__name__}.")
        expect(list(result.columns) == ["greeted", "thanked"], f"the columns should be the checks, in the order given; got {list(result.columns)}.")
        expect(sorted(result.index) == ["A", "B"], f"the rows should be the branches; got {list(result.index)}.")
        expect(float(result.loc["A", "greeted"]) == 50.0 and float(result.loc["B", "thanked"]) == 50.0,
               "in the example, branch A greeted 1 of 2 shoppers: 50%. Are your values percentages (0-100)?")
        visits = load_dataset("mystery_shopper")
        checks = [c for c in visits.columns if visits[c].dtype == bool]
        full = _call(answer, visits, checks, name=self.var)
        expect(full.shape == (4, 9), f"on the visit data expect 4 branches by 9 checks, got shape {full.shape}.")
        three = _call(answer, visits[visits["branch"] != "Northgate"], checks, name=self.var)
        expect(len(three) == 3, f"without Northgate's visits there are 3 branches, but your result has {len(three)} rows: "
                                "a branch with no visits in the data given should get no row (`observed=True`).")


class WeakestStandard(Problem):
    task = "Task 4b"
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
        visits = load_dataset("mystery_shopper")
        checks = [c for c in visits.columns if visits[c].dtype == bool]
        got = _call(answer, visits, checks, name=self.var)
        expect(got in checks, f"{got!r} is not one of the checklist columns: {', '.join(checks)}.")


class GapToBest(Problem):
    task = "Task 5"
    var = "gap_to_best"
    hints = (
        "Take one quarter. For each measure you need our value and the best competitor's value.",
        "'Best' depends on the measure: the highest value when `higher_is_better` is True, the lowest otherwise (a shorter wait is better).",
        "Make the gap point the same way for every measure: gap = ours - best when higher is better, best - ours when lower is better. Positive means we lead.",
    )
    US = "Harbour Home Supplies"

    def check_answer(self, answer):
        expect_callable(answer, self.var)
        example = pd.DataFrame({
            "quarter": ["2025-Q4"] * 6,
            "company": [self.US, "Rival A", "Rival B"] * 2,
            "measure": ["csat_percent"] * 3 + ["average_wait_minutes"] * 3,
            "value": [80.0, 85.0, 70.0, 4.0, 2.5, 6.0],
            "higher_is_better": [True] * 3 + [False] * 3,
        })
        result = _call(answer, example, "2025-Q4", name=self.var)
        expect(isinstance(result, pd.DataFrame), f"return a DataFrame, not {type(result).__name__}.")
        expect(list(result.columns) == ["ours", "best_competitor", "gap"], f"the columns should be ours, best_competitor, gap; got {list(result.columns)}.")
        expect(set(result.index) == {"csat_percent", "average_wait_minutes"}, f"the index should be the measures; got {list(result.index)}.")
        expect(float(result.loc["csat_percent", "best_competitor"]) == 85.0, "for csat_percent the best competitor scored 85 (higher is better).")
        expect(float(result.loc["average_wait_minutes", "best_competitor"]) == 2.5, "for average_wait_minutes the best competitor is the lowest wait, 2.5 minutes.")
        expect(float(result.loc["csat_percent", "gap"]) == -5.0, "our CSAT of 80 is 5 points behind the best (85): the gap should be -5.")
        expect(float(result.loc["average_wait_minutes", "gap"]) == -1.5,
               "our wait of 4 minutes is 1.5 minutes worse than the best (2.5): the gap should be -1.5, negative because we trail.")
        benchmark = load_dataset("competitor_benchmark")
        full = _call(answer, benchmark, "2025-Q4", name=self.var)
        expect(len(full) == 6, f"the benchmark data has 6 measures; your result has {len(full)} rows.")
        five = _call(answer, benchmark[benchmark["measure"] != "nps"], "2025-Q4", name=self.var)
        expect(len(five) == 5, f"without the NPS rows there are 5 measures, but your result has {len(five)} rows: a measure "
                               "with no figures that quarter should get no row (group with `observed=True`).")


class LabelSentiment(Problem):
    task = "Task 6"
    var = "label_sentiment"
    hints = (
        "Make one `SentimentIntensityAnalyzer()` and call `.polarity_scores(text)['compound']` for each text.",
        "Compound of 0.05 or more is positive, -0.05 or less is negative, anything between is neutral.",
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


class DebriefPath(Problem):
    task = "Task 8"
    var = "debrief_path"
    #: What Task 8 asks for: the ending, and the least tact and action the path must end with.
    ending = "A plan for the problem you have now"
    min_tact = 4
    min_action = 3
    hints = (
        "Play the role-play above to the end. The widget then shows your path as a list, such as ['agenda-first', ...]: copy it.",
        "The successful ending opens only to a team that was asked whether the problem is still happening, "
        "before any plan was agreed.",
        "Tact rises when you listen before you tell; action when you commit to a target, an owner and a date. "
        "Replies that gain on one often cost the other, so watch both scores as you play.",
    )

    def check_answer(self, answer):
        from ..roleplay import PathError, play

        expect(isinstance(answer, list) and all(isinstance(s, str) for s in answer),
               f"`debrief_path` should be a list of reply ids (strings), such as ['agenda-first'], not {answer!r}.")
        try:
            session = play("mystery-shopper-debrief", answer)
        except PathError as exc:
            raise Incorrect(str(exc)) from None
        expect(session.ended, f"the conversation stops at {session.node.id!r} before any ending; play it to the end.")
        title = session.node.ending.title
        expect(session.outcome == "success" and title == self.ending,
               f"this path ends in '{title}' ({session.outcome}); the task asks for '{self.ending}'.")
        tact, action = session.scores["tact"], session.scores["action"]
        expect(tact >= self.min_tact,
               f"this path ends with {tact} of 6 for tact; the task asks for at least {self.min_tact}.")
        expect(action >= self.min_action,
               f"this path ends with {action} of 3 for action; the task asks for {self.min_action} of 3.")


q1 = CsatByChannel()
q2 = NpsFromScores()
q3 = SurveysToSend()
q4 = ChecklistPassRates()
q4b = WeakestStandard()
q5 = GapToBest()
q6 = LabelSentiment()
q8 = DebriefPath()
__all__.append("q4b")
