"""Topic 01's self-checks: pass on the right answer, fail (helpfully) on wrong ones, agree with the tests.

The same proofs as tests/test_checks.py gives topic 07, for the checks in
csworkbook.checks.customer_needs. The right answers come from the instructor notebook in
source/, run here in a namespace of their own.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import nbformat
import pandas as pd
import pytest

from csworkbook import plots
from csworkbook.checks.customer_needs import q1, q2, q2b, q3, q4, q5
from csworkbook.sample_data import NEED_ATTRIBUTES
from notebook_proofs import run_task_tests, solve, unknown_hint_names

SOURCE = "source/01-customer-needs/01-customer-needs.ipynb"
PROBLEMS = [q1, q2, q2b, q3, q4, q5]
TEST_CELL = {"complaint_shares": "task1-tests", "importance_by_segment": "task2-tests", "top_need": "task2-tests",
             "quadrant": "task3-tests", "ipa_table": "task4-tests", "needs_path": "task5-tests"}


@pytest.fixture(scope="module")
def solved(repo):
    return solve(repo / SOURCE)


def _run_tests(repo, solved, var, answer, hidden: bool):
    run_task_tests(repo / SOURCE, TEST_CELL[var], solved, var, answer, hidden)


@pytest.mark.parametrize("problem", PROBLEMS, ids=lambda p: p.var)
def test_check_passes_on_the_instructor_answer(problem, solved):
    feedback = problem.check(solved[problem.var])
    assert feedback.status == "correct", str(feedback)


@pytest.mark.parametrize("problem", PROBLEMS, ids=lambda p: p.var)
def test_the_instructor_answer_passes_every_test(problem, solved, repo):
    _run_tests(repo, solved, problem.var, solved[problem.var], hidden=True)


# -- wrong answers ---------------------------------------------------------------------------


def _crosstab(c, **kw):
    return pd.crosstab(c["complainant"], c["directed_at"], **kw)


def _every_category(c):  # keeps complainants and targets with no complaints (observed=False)
    table = c.groupby(["complainant", "directed_at"], observed=False).size().unstack(fill_value=0)
    return table.div(table.sum(axis=1), axis=0) * 100


def _means(s, how="mean", observed=True):
    return getattr(s.groupby(["segment", "attribute"], observed=observed)["importance"], how)().unstack("attribute")


def _quadrant(i, s, ic=3.5, sc=3.5, strict=False):
    hi = i > ic if strict else i >= ic
    hs = s > sc if strict else s >= sc
    return {(True, False): "concentrate here", (True, True): "keep up the good work",
            (False, True): "possible overkill", (False, False): "low priority"}[(hi, hs)]


def _ipa(survey, ic=3.5, sc=3.5, *, by_segment=False, pass_cuts=True, swap=False, observed=True, round_first=False):
    if by_segment:
        table = (survey.groupby(["segment", "attribute"], observed=True)[["importance", "satisfaction"]].mean()
                 .groupby("attribute", observed=True).mean())
    else:
        table = survey.groupby("attribute", observed=observed)[["importance", "satisfaction"]].mean()
    if round_first:
        table = table.round(2)
    cuts = (ic, sc) if pass_cuts else ()
    pairs = zip(table["satisfaction"], table["importance"]) if swap else zip(table["importance"], table["satisfaction"])
    table["quadrant"] = [_quadrant(a, b, *cuts) for a, b in pairs]
    return table


GOOD_PATH_LOW_QUESTIONING = ["open-question", "fix-invoices", "features", "summarise", "check-back", "value-answer",
                             "pilot", "call-to-check"]

WRONG = {
    "complaint_shares": [
        (lambda c: _crosstab(c, normalize="columns") * 100, "share of the salesperson column"),
        (lambda c: _crosstab(c, normalize="index"), "50.0% of that row"),
        (lambda c: _crosstab(c), "50.0% of that row"),
        (lambda c: _crosstab(c, normalize="all") * 100, "50.0% of that row"),
        (lambda c: (_crosstab(c, normalize="index") * 100).T, "rows should be the complainants"),
        (lambda c: c["directed_at"].value_counts(normalize=True) * 100, "DataFrame"),
        (_every_category, "gets no row or column"),
        (lambda c: c.groupby(["complainant", "directed_at"], observed=True).size().unstack()
         .pipe(lambda t: t.div(t.sum(axis=1), axis=0) * 100), "put 0 where a complainant made no complaints"),
        ("not a function", "should be a function"),
    ],
    "importance_by_segment": [
        (lambda s: _means(s, "median"), "That is the median"),
        (lambda s: _means(s, "sum"), "a mean of 4.0"),
        (lambda s: _means(s).T, "rows should be the segments"),
        (lambda s: s.groupby("attribute", observed=True)["importance"].mean(), "DataFrame"),
        (lambda s: _means(s, observed=False), "a segment with no rows in the data given gets no row"),
        # every need named in the code rather than found in the data
        (lambda s: _means(s) if len(s) < 20 else _means(s).reindex(columns=NEED_ATTRIBUTES),
         "a need with no rows in the data given gets no column"),
    ],
    "top_need": [
        (lambda s: _means(s).idxmin(axis=1), "top need is 'price'"),
        (lambda s: _means(s, "median").idxmax(axis=1), "Compare means"),
        (lambda s: pd.Series({"A": "price", "B": "service and support"}), "swapped"),
        (lambda s: _means(s), "Series"),
        (lambda s: _means(s).idxmax(axis=0), "index should be the segments"),
    ],
    "quadrant": [
        (lambda i, s, importance_cut=3.5, satisfaction_cut=3.5: _quadrant(i, s, importance_cut, satisfaction_cut, strict=True),
         "exactly 3.5 is at the cut-off"),
        (lambda i, s, importance_cut=3.5, satisfaction_cut=3.5: _quadrant(i, s), "with cut-offs of 4.0"),
        (lambda i, s, importance_cut=3.5, satisfaction_cut=3.5: _quadrant(s, i, importance_cut, satisfaction_cut),
         "should be 'concentrate here'"),
        (lambda i, s, importance_cut=3.5, satisfaction_cut=3.5: "concentrate here" if i >= importance_cut else "low priority",
         "should be 'keep up the good work'"),
        (lambda i, s, importance_cut=3.5, satisfaction_cut=3.5: _quadrant(i, s, satisfaction_cut, importance_cut),
         "importance_cut 4.0 applies to importance"),
        (lambda i, s, importance_cut=3.5, satisfaction_cut=3.5: _quadrant(round(i, 2), round(s, 2), importance_cut,
                                                                          satisfaction_cut), "do not round"),
        (lambda i, s, importance_cut=3.5, satisfaction_cut=3.5: None, "return one of"),
    ],
    "ipa_table": [
        (lambda s, ic=3.5, sc=3.5: _ipa(s, ic, sc, by_segment=True), "mean of the two segments' means"),
        (lambda s, ic=3.5, sc=3.5: _ipa(s, ic, sc, pass_cuts=False), "pass the cut-offs"),
        (lambda s, ic=3.5, sc=3.5: _ipa(s, ic, sc, swap=True), "'concentrate here'"),
        (lambda s, ic=3.5, sc=3.5: _ipa(s, ic, sc, round_first=True), "Decide the quadrant from the unrounded means"),
        (lambda s, ic=3.5, sc=3.5: _ipa(s, ic, sc, observed=False), "a need with no rows in the data given gets no row"),
        (lambda s, ic=3.5, sc=3.5: _ipa(s, ic, sc)[["importance", "satisfaction"]], "columns should include"),
    ],
    "needs_path": [
        ("open-question", "should be a list of reply ids"),
        (["open-question", "shout"], "'shout' is not a reply you can give"),
        (["open-question"], "before any ending"),
        (["brochure", "push-on"], "All pitch, no questions"),
        (GOOD_PATH_LOW_QUESTIONING, "1 of 4 for questioning; the task asks for at least 3"),
        (["open-question", "fix-invoices", "features", "summarise", "honest-partial", "value-answer", "pilot",
          "call-to-check"], "2 of 4 for questioning"),
        (["open-question", "probe-open", "promise-all", "yes-full", "hold-price", "pilot-correct"], "An over-promise taken back"),
    ],
}


@pytest.mark.parametrize("problem, answer, message", [(p, a, m) for p in PROBLEMS for a, m in WRONG[p.var]],
                         ids=lambda v: getattr(v, "var", None) or "")
def test_check_fails_on_a_wrong_answer_and_says_why(problem, answer, message):
    feedback = problem.check(answer)
    assert feedback.status == "incorrect", str(feedback)
    assert message in feedback.message, feedback.message


@pytest.mark.parametrize(
    "problem, answer",
    [(p, a) for p in PROBLEMS for a, _ in WRONG[p.var] if p.var != "needs_path" or isinstance(a, list)],
    ids=lambda v: getattr(v, "var", None) or "",
)
def test_a_wrong_answer_the_check_rejects_fails_the_visible_tests_too(problem, answer, solved, repo):
    # The rule: every requirement is in the visible tests, so the check and the visible tests agree.
    with pytest.raises(Exception):
        _run_tests(repo, solved, problem.var, answer, hidden=False)


@pytest.mark.parametrize("problem", PROBLEMS, ids=lambda p: p.var)
def test_not_attempted_when_missing_placeholder_or_stub(problem):
    assert problem.check().status == "not attempted"
    assert problem.check(...).status == "not attempted"

    def stub(*args, **kwargs):
        raise NotImplementedError()

    if problem is not q5:
        assert problem.check(stub).status == "not attempted"


# -- defensible answers: meet the task as written, differently from the solution ---------------


def _rounded(function, digits):
    def answer(*args, **kwargs):
        return round(function(*args, **kwargs), digits)
    return answer


def _row_shares(c):
    counts = pd.crosstab(c["complainant"], c["directed_at"])
    return counts.div(counts.sum(axis=1), axis=0) * 100


def _quadrant_nested(importance, satisfaction, importance_cut=3.5, satisfaction_cut=3.5):
    if importance < importance_cut:
        return "low priority" if satisfaction < satisfaction_cut else "possible overkill"
    return "concentrate here" if satisfaction < satisfaction_cut else "keep up the good work"


def _defensible(solved):
    ipa = solved["ipa_table"]

    def ipa_rounded_after(survey, importance_cut=3.5, satisfaction_cut=3.5):
        table = ipa(survey, importance_cut, satisfaction_cut)
        return table.assign(importance=table["importance"].round(2), satisfaction=table["satisfaction"].round(2))

    def ipa_sorted(survey, importance_cut=3.5, satisfaction_cut=3.5):
        return ipa(survey, importance_cut, satisfaction_cut).sort_values("importance", ascending=False)

    def top_last_of_ties(survey):
        means = solved["importance_by_segment"](survey)
        return means[means.columns[::-1]].idxmax(axis=1)

    return {
        "complaint_shares": [_rounded(solved["complaint_shares"], 1), _row_shares],
        "importance_by_segment": [
            _rounded(solved["importance_by_segment"], 2),
            lambda s: s.pivot_table(index="segment", columns="attribute", values="importance", aggfunc="mean",
                                    observed=True),
        ],
        "top_need": [top_last_of_ties],
        "quadrant": [_quadrant_nested],
        "ipa_table": [ipa_rounded_after, ipa_sorted],
    }


@pytest.mark.parametrize("var", ["complaint_shares", "importance_by_segment", "top_need", "quadrant", "ipa_table"])
def test_defensible_answers_pass_the_check_and_every_test(var, solved, repo):
    problem = next(p for p in PROBLEMS if p.var == var)
    for answer in _defensible(solved)[var]:
        feedback = problem.check(answer)
        assert feedback.status == "correct", str(feedback)
        _run_tests(repo, solved, var, answer, hidden=True)


def test_a_tie_for_the_top_need_accepts_either(solved, repo):
    tied = pd.DataFrame({"segment": ["A"] * 4, "attribute": ["price", "information"] * 2, "importance": [4, 5, 5, 4],
                         "satisfaction": [3] * 4})
    means = solved["importance_by_segment"](tied)
    assert means.loc["A", "price"] == means.loc["A", "information"] == 4.5
    # both orders of the columns pass the same hidden-test rule: the named need has the highest mean
    for answer in _defensible(solved)["top_need"] + [solved["top_need"]]:
        assert means.loc["A", answer(tied)["A"]] == 4.5


def test_the_task_5_thresholds_are_the_ones_the_text_and_tests_state(repo):
    nb = nbformat.read(repo / SOURCE, as_version=4)
    text = {c.id: c.source for c in nb.cells}
    assert f"**{q5.min_questioning} of 4 for questioning**" in text["task5-text"]
    assert f"**{q5.min_listening} of 4 for listening and summarising**" in text["task5-text"]
    assert f'_session.scores["questioning"] >= {q5.min_questioning}' in text["task5-tests"]
    assert f'_session.scores["listening"] >= {q5.min_listening}' in text["task5-tests"]
    assert f'"{q5.ending}"' in text["task5-tests"]


# -- hints ------------------------------------------------------------------------------------


@pytest.mark.parametrize("problem", PROBLEMS, ids=lambda p: p.var)
def test_every_name_a_hint_uses_exists_in_the_notebook(problem, solved):
    unknown = unknown_hint_names(problem, solved)
    assert not unknown, f"{problem.task}'s hints use names the notebook does not define: {sorted(unknown)}"


@pytest.mark.parametrize("problem", PROBLEMS, ids=lambda p: p.var)
def test_hints_go_from_the_idea_to_the_code(problem):
    assert 3 <= len(problem.hints) <= 4
    assert "`" not in problem.hints[0], "the first hint is the idea, not code"


# -- the importance-performance chart ------------------------------------------------------------


def test_importance_performance_chart_draws_every_need_the_cut_offs_and_quadrant_shapes():
    table = pd.DataFrame({"importance": [4.2, 4.0, 2.5, 3.0], "satisfaction": [3.0, 4.1, 4.0, 2.0],
                          "quadrant": ["concentrate here", "keep up the good work", "possible overkill", "low priority"]},
                         index=["price", "performance", "appearance", "information"])
    ax = plots.importance_performance(table, importance_cut=3.8, satisfaction_cut=3.2, title="t")
    try:
        texts = {t.get_text() for t in ax.texts}
        assert set(table.index) <= texts, "every need is labelled by name"
        assert set(plots.QUADRANT_STYLE) <= texts, "every quadrant is named on the chart"
        vertical = [line for line in ax.lines if list(line.get_xdata()) == [3.2, 3.2]]
        horizontal = [line for line in ax.lines if list(line.get_ydata()) == [3.8, 3.8]]
        assert vertical and horizontal, "dashed lines at both cut-offs"
        assert len(ax.collections) == len(table)
        offsets = [tuple(c.get_offsets()[0]) for c in ax.collections]
        assert offsets == list(zip(table["satisfaction"], table["importance"])), "satisfaction across, importance up"
        assert "cut-off 3.2" in ax.get_xlabel() and "cut-off 3.8" in ax.get_ylabel()
    finally:
        plt.close(ax.figure)
    # each quadrant differs in shape as well as colour, so the chart reads without colour vision
    markers = [m for _, m in plots.QUADRANT_STYLE.values()]
    colours = [c for c, _ in plots.QUADRANT_STYLE.values()]
    assert len(set(markers)) == len(markers) == 4 and len(set(colours)) == 4
    assert set(colours) <= set(plots.PALETTE) | {plots.GOOD, plots.BAD, plots.NEUTRAL}


def test_the_path_task_praise_does_not_promise_other_data():
    from csworkbook.checks.customer_needs import q5
    assert "other data" not in q5.praise() and "replayed" in q5.praise()
