"""Checks and hints for topic 01, customer needs.

Usage in the notebook::

    from csworkbook.checks.customer_needs import q1
    q1.check()   # after defining complaint_shares
    q1.hint()

Each check repeats the notebook's visible tests (the worked examples and the shape
of the answer); the graded hidden tests are not here. Task numbers follow the
notebook's reading order. Where a task lets the learner round, the check allows
exactly that rounding (the tolerances below), and so do the tests.
"""

from __future__ import annotations

import pandas as pd

from ..datasets import load_dataset
from .core import PathProblem, Problem, expect, expect_callable
from .core import as_number as _number
from .core import call_answer as _call

__all__ = ["q1", "q2", "q2b", "q3", "q4", "q5"]

#: What each task text allows: shares to 1 decimal place, mean ratings to 2.
PERCENT_TOLERANCE = 0.05 + 1e-9
MEAN_TOLERANCE = 0.005 + 1e-9
QUADRANTS = ("concentrate here", "keep up the good work", "possible overkill", "low priority")


def complaints_example() -> pd.DataFrame:
    """Task 1's worked example: seven complaints from three kinds of complainant."""
    return pd.DataFrame({
        "complainant": ["member of public"] * 4 + ["corporate"] * 2 + ["colleague"],
        "directed_at": ["salesperson", "salesperson", "store team", "distribution company",
                        "distribution company", "salesperson", "colleague"],
    })


def needs_example() -> pd.DataFrame:
    """Task 2's worked example: two segments of unequal size rating price and service."""
    return pd.DataFrame({
        "respondent_id": ["A1", "A1", "A2", "A2", "A3", "A3", "B1", "B1", "B2", "B2"],
        "segment": ["A"] * 6 + ["B"] * 4,
        "attribute": ["price", "service and support"] * 5,
        "importance": [5, 5, 4, 5, 4, 2, 2, 4, 3, 4],
        "satisfaction": [3, 4, 3, 4, 3, 4, 4, 2, 4, 3],
    })


def ipa_example() -> pd.DataFrame:
    """Task 4's worked example: three household and one corporate respondent (unequal groups)."""
    return pd.DataFrame({
        "segment": ["household"] * 6 + ["corporate"] * 2,
        "attribute": ["price", "information"] * 4,
        "importance": [4, 3, 4, 3, 4, 3, 2, 5],
        "satisfaction": [3, 4, 4, 4, 3, 3, 4, 2],
    })


class ComplaintShares(Problem):
    task = "Task 1"
    var = "complaint_shares"
    hints = (
        "Count the complaints for each pair of complainant and target, then turn each complainant's counts into "
        "percentages of that complainant's own total, so that each row adds up to 100.",
        "`pd.crosstab(complaints['complainant'], complaints['directed_at'])` counts the pairs, with complainants as "
        "rows. Its normalize argument divides by a total: 'index' means each row's total.",
        "`pd.crosstab(complaints['complainant'], complaints['directed_at'], normalize='index')` gives shares from 0 "
        "to 1; multiply by 100 for percentages.",
    )

    def check_answer(self, answer):
        expect_callable(answer, self.var)
        result = _call(answer, complaints_example(), name=self.var)
        expect(isinstance(result, pd.DataFrame),
               f"return a DataFrame (complainants as rows, targets as columns), not {type(result).__name__}.")
        expect(sorted(map(str, result.index)) == ["colleague", "corporate", "member of public"],
               f"the rows should be the complainants in the example; got {list(result.index)}.")
        expect(sorted(map(str, result.columns)) == ["colleague", "distribution company", "salesperson", "store team"],
               f"the columns should be the targets in the example; got {list(result.columns)}.")
        public = _number(result.loc["member of public", "salesperson"], "member of public, salesperson")
        expect(abs(public - 50.0) <= PERCENT_TOLERANCE,
               "two of the four complaints from members of the public were about a salesperson: 50.0% of that row; "
               f"you returned {public:g}."
               + (" That is a share of the salesperson column (2 of its 3 complaints); divide by each complainant's "
                  "total instead." if abs(public - 200 / 3) < 0.1 else ""))
        store = _number(result.loc["member of public", "store team"], "member of public, store team")
        expect(abs(store - 25.0) <= PERCENT_TOLERANCE,
               f"one of the four complaints from members of the public was about the store team: 25.0%; you returned {store:g}.")
        corporate = _number(result.loc["corporate", "salesperson"], "corporate, salesperson")
        expect(abs(corporate - 50.0) <= PERCENT_TOLERANCE,
               "one of the two corporate complaints was about a salesperson: 50.0% of the corporate row; you returned "
               f"{corporate:g}. Each row's percentages are out of that complainant's own complaints.")
        expect(abs(_number(result.loc["colleague", "colleague"], "colleague, colleague") - 100.0) <= PERCENT_TOLERANCE,
               "the one complaint from a colleague was about a colleague: 100.0% of the colleague row.")
        expect(not result.isna().any().any(),
               "put 0 where a complainant made no complaints about a target; your result has blanks (NaN), for example "
               "where the corporate client made no complaints about the store team. `fill_value=0` or `.fillna(0)` does it.")
        zero = _number(result.loc["corporate", "store team"], "corporate, store team")
        expect(abs(zero) <= PERCENT_TOLERANCE,
               f"the corporate client made no complaints about the store team: 0; you returned {zero:g}.")
        sums = result.sum(axis=1).astype(float)
        expect(((sums - 100).abs() <= 0.3).all(), f"each complainant's row should add up to 100; yours add up to {list(sums.round(2))}.")
        complaints = load_dataset("complaints")
        full = _call(answer, complaints, name=self.var)
        expect(full.shape == (3, 6), f"on the complaints log expect 3 complainants by 6 targets, got shape {full.shape}.")
        value = _number(full.loc["member of public", "distribution company"], "member of public, distribution company")
        expect(abs(value - 100 * 146 / 462) <= PERCENT_TOLERANCE,
               "on the log, 146 of the 462 complaints from members of the public were about the distribution company: "
               f"31.6%; you returned {value:g}.")
        internal = _call(answer, complaints[complaints["complainant"] == "colleague"], name=self.var)
        expect(internal.shape == (1, 2),
               f"with only the colleagues' complaints there is 1 complainant and 2 targets, but your result has shape "
               f"{internal.shape}: a complainant or target with no complaints in the data given gets no row or column.")


class ImportanceBySegment(Problem):
    task = "Task 2"
    var = "importance_by_segment"
    hints = (
        "One number per segment and kind of need: the mean importance over that segment's own respondents.",
        "Group by both columns with `observed=True`, so a segment or need missing from the data given gets no row "
        "or column: `survey.groupby(['segment', 'attribute'], observed=True)['importance']`.",
        "`survey.groupby(['segment', 'attribute'], observed=True)['importance'].mean()` gives one mean per pair; "
        "`.unstack('attribute')` turns the needs into columns.",
    )

    def check_answer(self, answer):
        expect_callable(answer, self.var)
        result = _call(answer, needs_example(), name=self.var)
        expect(isinstance(result, pd.DataFrame), f"return a DataFrame (segments as rows, needs as columns), not {type(result).__name__}.")
        expect(sorted(map(str, result.index)) == ["A", "B"], f"the rows should be the segments A and B; got {list(result.index)}.")
        expect(sorted(map(str, result.columns)) == ["price", "service and support"],
               f"the columns should be the needs price and service and support; got {list(result.columns)}.")
        service = _number(result.loc["A", "service and support"], "segment A's service and support")
        expect(abs(service - 4.0) <= MEAN_TOLERANCE,
               f"segment A rated service and support 5, 5 and 2: a mean of 4.0; you returned {service:g}."
               + (" That is the median; the task asks for the mean." if service == 5 else ""))
        price = _number(result.loc["A", "price"], "segment A's price")
        expect(abs(price - 13 / 3) <= MEAN_TOLERANCE, f"segment A rated price 5, 4 and 4: a mean of 4.33; you returned {price:g}.")
        b_price = _number(result.loc["B", "price"], "segment B's price")
        expect(abs(b_price - 2.5) <= MEAN_TOLERANCE,
               f"segment B's two respondents rated price 2 and 3: a mean of 2.5, out of B's own respondents; you returned {b_price:g}.")
        survey = load_dataset("needs_survey")
        full = _call(answer, survey, name=self.var)
        expect(full.shape == (3, 7), f"on the needs survey expect 3 segments by 7 needs, got shape {full.shape}.")
        two = _call(answer, survey[survey["segment"] != "trade"], name=self.var)
        expect(len(two) == 2, f"without the trade respondents there are 2 segments, but your result has {len(two)} rows: "
                              "a segment with no rows in the data given gets no row (`observed=True`).")
        six = _call(answer, survey[survey["attribute"] != "price"], name=self.var)
        expect(six.shape == (3, 6), f"without the price rows there are 6 needs, but your result has shape {six.shape}: "
                                    "a need with no rows in the data given gets no column (`observed=True`).")


class TopNeed(Problem):
    task = "Task 2b"
    var = "top_need"
    hints = (
        "For each segment, the need with the highest mean importance. Work it out from the data you are given.",
        "Your `importance_by_segment(survey)` already has one row per segment; the column name of a row's largest "
        "value is what you want.",
        "`importance_by_segment(survey).idxmax(axis=1)` gives, for each row, the name of the column with the largest value.",
    )

    def check_answer(self, answer):
        expect_callable(answer, self.var)
        result = _call(answer, needs_example(), name=self.var)
        expect(isinstance(result, pd.Series), f"return a Series (one need per segment), not {type(result).__name__}.")
        expect(sorted(map(str, result.index)) == ["A", "B"], f"the index should be the segments A and B; got {list(result.index)}.")
        expect(result["A"] == "price", "segment A's mean importance is 4.33 for price and 4.0 for service and support, so its "
                                       f"top need is 'price'; you returned {result['A']!r}. Compare means, not medians.")
        expect(result["B"] == "service and support", "segment B's mean importance is 2.5 for price and 4.0 for service and "
                                                     f"support; you returned {result['B']!r}.")
        swapped = needs_example().assign(segment=lambda f: f["segment"].map({"A": "B", "B": "A"}))
        flipped = _call(answer, swapped, name=self.var)
        expect(flipped["B"] == "price" and flipped["A"] == "service and support",
               "with the segments' names swapped the answer should swap too: work it out from the data given.")
        survey = load_dataset("needs_survey")
        full = _call(answer, survey, name=self.var)
        expect(len(full) == 3 and set(full) <= set(survey["attribute"].astype(str)),
               f"on the needs survey expect one need for each of the 3 segments; got {dict(full)}.")


class Quadrant(Problem):
    task = "Task 3"
    var = "quadrant"
    hints = (
        "Two yes/no questions: is the importance high (at or above its cut-off)? Is the satisfaction high (at or above "
        "its cut-off)? The four combinations are the four quadrants.",
        "`importance >= importance_cut` is True for high importance, including a value exactly at the cut-off; the "
        "same for satisfaction. Then one `if` per quadrant.",
        "High importance with low satisfaction is 'concentrate here', both high is 'keep up the good work', "
        "low importance with high satisfaction is 'possible overkill', both low is 'low priority'.",
    )

    CASES = [
        ((4.2, 3.0), {}, "concentrate here", "important (4.2) and satisfaction low (3.0)"),
        ((4.2, 3.9), {}, "keep up the good work", "important (4.2) and satisfaction high (3.9)"),
        ((2.4, 3.9), {}, "possible overkill", "not very important (2.4) but satisfaction high (3.9)"),
        ((2.4, 3.0), {}, "low priority", "importance (2.4) and satisfaction (3.0) both low"),
        ((3.5, 3.49), {}, "concentrate here", "importance exactly 3.5 is at the cut-off, so it counts as high; 3.49 is below"),
        ((3.49, 3.5), {}, "possible overkill", "3.49 is below the cut-off; satisfaction exactly 3.5 counts as high"),
        ((3.5, 3.5), {}, "keep up the good work", "both exactly at their cut-offs count as high"),
        ((4.0, 3.9), {"importance_cut": 4.0, "satisfaction_cut": 4.0}, "concentrate here",
         "with cut-offs of 4.0, importance 4.0 is high and satisfaction 3.9 is low"),
        ((3.9, 4.0), {"importance_cut": 4.0, "satisfaction_cut": 4.0}, "possible overkill",
         "with cut-offs of 4.0, importance 3.9 is low and satisfaction 4.0 is high"),
        ((3.8, 3.8, 4.0, 3.0), {}, "possible overkill",
         "importance_cut 4.0 applies to importance (3.8 is low) and satisfaction_cut 3.0 to satisfaction (3.8 is high)"),
        ((3.4999, 4.0), {}, "possible overkill", "do not round: importance 3.4999 is below 3.5"),
        ((4.0, 3.4999), {}, "concentrate here", "do not round: satisfaction 3.4999 is below 3.5"),
    ]

    def check_answer(self, answer):
        expect_callable(answer, self.var)
        for args, kwargs, want, why in self.CASES:
            got = _call(answer, *args, name=self.var, **kwargs)
            expect(got in QUADRANTS, f"return one of {', '.join(repr(q) for q in QUADRANTS)}; got {got!r}.")
            cut = f" with {kwargs}" if kwargs else ""
            expect(got == want, f"quadrant{args}{cut} should be {want!r}: {why}; you returned {got!r}.")


class IpaTable(Problem):
    task = "Task 4"
    var = "ipa_table"
    hints = (
        "One row per need: its mean importance and mean satisfaction over every response given (each respondent "
        "counts once, whatever their segment), then the quadrant those two means fall in.",
        "`table = survey.groupby('attribute', observed=True)[['importance', 'satisfaction']].mean()` gives the two means; "
        "do not average the segments' means, as the segments differ in size.",
        "Add the quadrant with your Task 3 function, passing the cut-offs on: `table['quadrant'] = [quadrant(i, s, "
        "importance_cut, satisfaction_cut) for i, s in zip(table['importance'], table['satisfaction'])]`.",
    )

    def check_answer(self, answer):
        expect_callable(answer, self.var)
        result = _call(answer, ipa_example(), name=self.var)
        expect(isinstance(result, pd.DataFrame), f"return a DataFrame (one row per need), not {type(result).__name__}.")
        expect({"importance", "satisfaction", "quadrant"} <= set(result.columns),
               f"the columns should include importance, satisfaction and quadrant; got {list(result.columns)}.")
        expect(sorted(map(str, result.index)) == ["information", "price"],
               f"the rows should be the needs information and price; got {list(result.index)}.")
        info = _number(result.loc["information", "importance"], "information's importance")
        expect(abs(info - 3.5) <= MEAN_TOLERANCE,
               f"information was rated 3, 3, 3 and 5 for importance: a mean of 3.5 over the four respondents; you returned "
               f"{info:g}." + (" That is the mean of the two segments' means (3.0 and 5.0): the segments differ in size, "
                              "so let every respondent count once." if abs(info - 4.0) < 0.01 else ""))
        expect(result.loc["information", "quadrant"] == "concentrate here",
               "information: importance exactly 3.5 (at the cut-off, so high) and satisfaction 3.25 (low): "
               f"'concentrate here'; you returned {result.loc['information', 'quadrant']!r}.")
        price_s = _number(result.loc["price", "satisfaction"], "price's satisfaction")
        expect(abs(price_s - 3.5) <= MEAN_TOLERANCE, f"price's satisfaction is 3, 4, 3 and 4: a mean of 3.5; you returned {price_s:g}.")
        expect(result.loc["price", "quadrant"] == "keep up the good work",
               "price: importance 3.5 and satisfaction 3.5, both exactly at their cut-offs, so both high: "
               f"'keep up the good work'; you returned {result.loc['price', 'quadrant']!r}.")
        near = pd.DataFrame({"segment": ["trade"] * 250, "attribute": ["price"] * 250,
                             "importance": [4] * 124 + [3] * 126, "satisfaction": [4] * 250})
        got = _call(answer, near, name=self.var).loc["price", "quadrant"]
        expect(got == "possible overkill",
               "124 respondents rating price 4 and 126 rating it 3 give a mean importance of 3.496: below 3.5, although "
               f"it rounds to 3.50, so with satisfaction 4.0 it is 'possible overkill'; you returned {got!r}. Decide the "
               "quadrant from the unrounded means.")
        strict = _call(answer, ipa_example(), 4.0, 3.0, name=self.var)
        expect(strict.loc["information", "quadrant"] == "possible overkill" and strict.loc["price", "quadrant"] == "possible overkill",
               "with cut-offs of 4.0 for importance and 3.0 for satisfaction both needs are 'possible overkill': pass the "
               "cut-offs you are given on to `quadrant`.")
        survey = load_dataset("needs_survey")
        full = _call(answer, survey, name=self.var)
        expect(len(full) == 7, f"the needs survey has 7 kinds of need; your result has {len(full)} rows.")
        expect(full.loc["information", "quadrant"] == "low priority",
               "on the whole survey, information's mean importance is 3.46, just below 3.5, and its satisfaction 3.36: "
               f"'low priority'; you returned {full.loc['information', 'quadrant']!r}. Average over every response, "
               "not over the segments' means.")
        corporate = _call(answer, survey[survey["segment"] == "corporate"], name=self.var)
        expect(corporate.loc["service and support", "quadrant"] == "concentrate here",
               "for the corporate respondents alone, service and support is 'concentrate here': work from the data given.")
        five = _call(answer, survey[~survey["attribute"].isin(["appearance", "social acceptance"])], name=self.var)
        expect(len(five) == 5, f"without the appearance and social acceptance rows there are 5 needs, but your result has "
                               f"{len(five)} rows: a need with no rows in the data given gets no row (`observed=True`).")


class NeedsPath(PathProblem):
    task = "Task 5"
    var = "needs_path"
    #: What Task 5 asks for: the ending, and the least questioning and listening the path must end with.
    scenario = "corporate-needs-assessment"
    example_reply = "open-question"
    ending = "Her needs first, a trial agreed"
    min_questioning = 3
    min_listening = 4
    hints = (
        "Play the role-play above to the end. The widget then shows your path as a list, such as ['open-question', ...]: copy it.",
        "The successful ending opens only to a meeting that summarised her needs back, answered the report question "
        "honestly and kept to the group price, and that still has at least 1 on every score (questioning, listening, "
        "what she values, realistic promises) when the proposal is agreed.",
        "Questioning rises with open questions about her world and closed ones that pin down facts; listening with "
        "checking back what she said. Answering her too early costs questioning, so watch both scores.",
    )

    def check_answer(self, answer):
        session = self.replay(answer)
        questioning, listening = session.scores["questioning"], session.scores["listening"]
        expect(questioning >= self.min_questioning,
               f"this path ends with {questioning} of 4 for questioning; the task asks for at least {self.min_questioning}.")
        expect(listening >= self.min_listening,
               f"this path ends with {listening} of 4 for listening and summarising; the task asks for {self.min_listening} of 4.")


q1 = ComplaintShares()
q2 = ImportanceBySegment()
q2b = TopNeed()
q3 = Quadrant()
q4 = IpaTable()
q5 = NeedsPath()
