"""Metric functions against published test vectors, an exact reference, and bad input."""

from __future__ import annotations

import math
from fractions import Fraction

import pandas as pd
import pytest

from csworkbook import metrics as m


# -- CSAT, NPS, CES -----------------------------------------------------------

def test_csat_top_two_box_on_a_count_table():
    # 40 + 30 of 100 responses are 4 or 5.
    assert m.csat({5: 40, 4: 30, 3: 15, 2: 10, 1: 5}) == 70.0


def test_csat_raw_scores_and_other_boxes():
    assert m.csat([5, 4, 2]) == pytest.approx(200 / 3)
    assert m.csat([5, 4, 2], top_box=1) == pytest.approx(100 / 3)
    assert m.csat([10, 9, 8, 1], scale_max=10, top_box=3) == 75.0
    assert m.csat(pd.Series([5, 5, 1])) == pytest.approx(200 / 3)


def test_nps_promoters_passives_detractors():
    # 50 promoters, 30 passives, 20 detractors out of 100: NPS = 50 - 20 = 30.
    assert m.nps({10: 30, 9: 20, 8: 20, 7: 10, 6: 5, 3: 10, 0: 5}) == 30.0
    assert m.nps([10] * 4) == 100.0
    assert m.nps([0, 6, 3]) == -100.0
    assert m.nps([7, 8]) == 0.0


def test_text_is_not_a_list_of_scores():
    with pytest.raises(TypeError, match="got the text"):
        m.csat("55")


def test_ces_is_the_mean_effort():
    assert m.ces([7, 6, 5, 6]) == 6.0
    assert m.ces([1, 5], scale_max=5) == 3.0


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: m.csat([]), "no scores"),
        (lambda: m.csat([5, 6]), "score 6 at position 1 is outside the scale 1 to 5"),
        (lambda: m.csat([5, float("nan"), 4]), "missing value"),
        (lambda: m.csat([4.5]), "not a whole number"),
        (lambda: m.csat(["five"]), "'five' at position 0 is not a number"),
        (lambda: m.csat({5: -1}), "count for score 5"),
        (lambda: m.csat([5], top_box=6), "top_box"),
        (lambda: m.nps([11]), "outside the scale 0 to 10"),
        (lambda: m.nps(pd.Series([9, None])), "missing value"),
        (lambda: m.ces([0]), "outside the scale 1 to 7"),
    ],
)
def test_scores_reject_bad_input_with_a_clear_message(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# -- survey statistics ---------------------------------------------------------

def test_cochran_sample_size_at_five_percent():
    assert m.sample_size(0.05) == 385  # 1.96^2 * 0.25 / 0.05^2 = 384.16
    assert m.sample_size(0.05, population=1000) == 278  # 384.16 / (1 + 383.16 / 1000)
    assert m.sample_size(0.03) == 1068
    assert m.sample_size(0.05, population=4000) == 351


def test_margin_of_error_with_and_without_population():
    assert m.margin_of_error(0.5, 385) == pytest.approx(0.04994, abs=1e-5)
    assert m.margin_of_error(0.5, 278, population=1000) == pytest.approx(0.04997, abs=1e-4)
    assert m.margin_of_error(0.5, 1000, population=1000) == 0.0


def test_sample_size_and_margin_agree():
    for population in (None, 500, 20000):
        n = m.sample_size(0.04, population=population)
        assert m.margin_of_error(0.5, n, population=population) <= 0.04
        assert m.margin_of_error(0.5, n - 1, population=population) > 0.04


def test_nps_margin_of_error():
    # p = 0.5, d = 0.2, n = 100: variance 0.5 + 0.2 - 0.09 = 0.61
    expected = 100 * 1.96 * math.sqrt(0.61 / 100)
    assert m.nps_margin_of_error({10: 30, 9: 20, 8: 20, 7: 10, 5: 20}) == pytest.approx(expected)


def test_surveys_to_issue_rounds_up_but_not_on_float_noise():
    assert m.surveys_to_issue(100, 1 / 3) == 300  # 100 / (1/3) is 300.00000000000006
    assert m.surveys_to_issue(101, 1 / 3) == 303
    assert m.surveys_to_issue(351, 0.3) == 1170
    assert m.surveys_to_issue(0, 0.5) == 0


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: m.sample_size(0), "margin"),
        (lambda: m.sample_size(5), "margin"),
        (lambda: m.sample_size(0.05, population=0), "population"),
        (lambda: m.sample_size(0.05, z=-1), "z must be"),
        (lambda: m.margin_of_error(1.5, 10), "p must be"),
        (lambda: m.margin_of_error(0.5, 0), "n must be"),
        (lambda: m.margin_of_error(0.5, 20, population=10), "larger than the population"),
        (lambda: m.surveys_to_issue(100, 0), "response_rate"),
        (lambda: m.surveys_to_issue(100, 30), "response_rate"),
        (lambda: m.surveys_to_issue(-1, 0.5), "completes_needed"),
    ],
)
def test_survey_statistics_reject_bad_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# -- SERVQUAL ------------------------------------------------------------------

def test_servqual_gaps_per_item_and_dimension():
    frame = pd.DataFrame({
        "respondent_id": ["a", "a", "a", "b", "b", "b"],
        "item": [1, 2, 5, 1, 2, 5],
        "dimension": ["tangibles", "tangibles", "reliability"] * 2,
        "expectation": [6, 7, 7, 6, 5, 7],
        "perception": [5, 7, 4, 7, 5, 2],
    })
    gaps = m.servqual_gaps(frame)
    assert gaps.items.loc[1, "gap"] == 0.0
    assert gaps.items.loc[2, "gap"] == 0.0
    assert gaps.items.loc[5, "gap"] == -4.0  # (4 + 2) / 2 - 7
    assert gaps.dimensions.loc["reliability", "gap"] == -4.0
    assert gaps.dimensions.loc["tangibles", "gap"] == 0.0
    assert list(gaps.dimensions.index) == ["reliability", "tangibles"]  # worst first


def test_servqual_rejects_bad_frames():
    with pytest.raises(ValueError, match="missing column"):
        m.servqual_gaps(pd.DataFrame({"item": [1]}))
    bad = pd.DataFrame({"item": [1], "dimension": ["empathy"], "expectation": [8], "perception": [5]})
    with pytest.raises(ValueError, match="expectation.*outside the scale 1 to 7"):
        m.servqual_gaps(bad)
    two = pd.DataFrame({"item": [1, 1], "dimension": ["empathy", "assurance"], "expectation": [5, 5], "perception": [5, 5]})
    with pytest.raises(ValueError, match="more than one dimension"):
        m.servqual_gaps(two)


# -- service standards ---------------------------------------------------------

def test_response_compliance_clock_and_business_hours():
    frame = pd.DataFrame({
        "received": pd.to_datetime(["2025-10-03 16:00", "2025-10-06 09:00", "2025-10-06 09:00", "2025-10-07 10:00"]),
        "responded": pd.to_datetime(["2025-10-06 10:00", "2025-10-06 20:00", "2025-10-08 09:00", None]),
    })
    # Clock time: 66 h, 11 h, 48 h, never. Only the second is within 24 h.
    assert m.response_compliance(frame, "24h") == 25.0
    # Business hours 9-17: Friday 16:00 to Monday 10:00 is 2 h; the second is 8 h; the third 16 h.
    assert m.response_compliance(frame, "8h", business_hours=(9, 17)) == 50.0
    assert m.response_compliance(frame, "16h", business_hours=(9, 17)) == 75.0


def test_response_compliance_rejects_bad_input():
    frame = pd.DataFrame({"received": pd.to_datetime(["2025-10-03 16:00"]), "responded": pd.to_datetime(["2025-10-03 15:00"])})
    with pytest.raises(ValueError, match="answered before it was received"):
        m.response_compliance(frame, "24h")
    with pytest.raises(ValueError, match="not a duration"):
        m.response_compliance(frame, "soon")
    with pytest.raises(ValueError, match="no column 'sent'"):
        m.response_compliance(frame, "24h", responded="sent")


def test_service_level():
    assert m.service_level(200, 160) == 80.0
    assert m.service_level([100, 100], [90, 70]) == 80.0
    with pytest.raises(ValueError, match="more calls were answered in time"):
        m.service_level([10], [11])
    with pytest.raises(ValueError, match="no calls were offered"):
        m.service_level([0], [0])
    with pytest.raises(ValueError, match="2 offered value"):
        m.service_level([1, 2], [1])


# -- Erlang C ------------------------------------------------------------------

def exact_erlang_c(traffic: int, agents: int) -> Fraction:
    """The textbook formula in exact rational arithmetic: slow, but no rounding at all."""
    a = Fraction(traffic)
    top = a**agents / math.factorial(agents) * Fraction(agents, agents - traffic)
    bottom = sum(a**k / math.factorial(k) for k in range(agents)) + top
    return top / bottom


def test_erlang_c_published_example():
    # 100 calls in 30 minutes at 180 s handle time is 10 Erlangs. The widely
    # published worked example gives, for 11 to 14 agents, a probability of
    # waiting of 68.21%, 44.94%, 28.53%, 17.41% and service levels (20 s) of
    # 39.0%, 64.0%, 79.6%, 88.8%; 14 agents is the first to reach 80% in 20 s.
    published = {11: (0.6821, 0.390), 12: (0.4494, 0.640), 13: (0.2853, 0.796), 14: (0.1741, 0.888)}
    for agents, (wait, level) in published.items():
        assert m.erlang_c(10, agents) == pytest.approx(wait, abs=5e-5)
        assert m.erlang_service_level(10, agents, 20, 180) == pytest.approx(level, abs=5e-4)
    assert m.average_speed_of_answer(10, 14, 180) == pytest.approx(7.84, abs=0.01)
    staffing = m.agents_required(100, 1800, 180, 20, 0.8)
    assert staffing.agents == 14
    assert staffing.traffic == 10.0
    assert staffing.occupancy == pytest.approx(10 / 14)


def test_erlang_c_matches_the_exact_formula():
    for traffic, agents in [(1, 2), (3, 4), (10, 11), (10, 14), (25, 30), (60, 70)]:
        assert m.erlang_c(traffic, agents) == pytest.approx(float(exact_erlang_c(traffic, agents)), rel=1e-12)


def test_erlang_c_stays_stable_for_thousands_of_agents():
    value = m.erlang_c(2000, 2050)
    assert 0 < value < 1 and math.isfinite(value)
    assert m.erlang_c(2000, 2050) > m.erlang_c(2000, 2100)
    staffing = m.agents_required(20000, 1800, 180, 20, 0.8)
    assert staffing.agents > 2000 and staffing.service_level >= 0.8
    smaller = m.erlang_service_level(2000.0, staffing.agents - 1, 20, 180)
    assert smaller < 0.8  # and one fewer agent would not do


def test_agents_required_with_occupancy_cap_and_shrinkage():
    capped = m.agents_required(100, 1800, 180, 20, 0.8, max_occupancy=0.65)
    assert capped.agents == 16 and capped.occupancy <= 0.65  # 10/16 = 0.625; 10/15 = 0.667
    rostered = m.agents_required(100, 1800, 180, 20, 0.8, shrinkage=0.3)
    assert rostered.agents == 14 and rostered.rostered == 20  # 14 / 0.7
    assert m.agents_required(0, 1800, 180, 20, 0.8).agents == 0


def test_unstable_queue():
    assert m.erlang_c(10, 10) == 1.0
    assert m.erlang_service_level(10, 9, 20, 180) == 0.0
    assert m.average_speed_of_answer(10, 10, 180) == math.inf


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: m.erlang_c(-1, 5), "traffic"),
        (lambda: m.erlang_c(float("nan"), 5), "traffic"),
        (lambda: m.erlang_c(5, 0), "agents"),
        (lambda: m.erlang_c(5, 2.5), "agents"),
        (lambda: m.erlang_service_level(5, 8, -1, 180), "target_seconds"),
        (lambda: m.average_speed_of_answer(5, 8, 0), "aht_seconds"),
        (lambda: m.agents_required(100, 1800, 180, 20, 80), "target_level"),
        (lambda: m.agents_required(100, 0, 180, 20, 0.8), "interval_seconds"),
        (lambda: m.agents_required(100, 1800, 180, 20, 0.8, shrinkage=1), "shrinkage"),
        (lambda: m.agents_required(-5, 1800, 180, 20, 0.8), "calls"),
    ],
)
def test_erlang_rejects_bad_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_erlang_c_agrees_with_two_independent_libraries():
    import call_center_tools.erlang as cct
    import erlanglib

    for traffic, agents in [(1, 2), (2.5, 4), (10, 12), (10, 14), (50, 60), (100, 104), (170, 180), (400, 420)]:
        ours = m.erlang_c(traffic, agents)
        assert ours == pytest.approx(erlanglib.erlang_c(agents, traffic), rel=1e-9)
        assert ours == pytest.approx(cct.erlang_c(traffic, agents), rel=1e-9)


def test_csat_margin_of_error_is_in_percentage_points():
    # 70 of 100 satisfied: 100 * 1.96 * sqrt(0.7 * 0.3 / 100) = 8.98 percentage points
    assert m.csat_margin_of_error({5: 40, 4: 30, 3: 15, 2: 10, 1: 5}) == pytest.approx(8.9818, abs=1e-4)
    assert m.csat_margin_of_error([5] * 50) == 0.0


def test_differences_combine_both_margins():
    first = {10: 30, 9: 20, 8: 20, 7: 10, 5: 20}  # NPS +30
    second = {10: 10, 9: 10, 8: 30, 6: 50}  # NPS -30
    diff = m.nps_difference(first, second)
    assert diff.estimate == pytest.approx(60.0)
    expected = (m.nps_margin_of_error(first) ** 2 + m.nps_margin_of_error(second) ** 2) ** 0.5
    assert diff.margin == pytest.approx(expected)
    assert diff.margin > max(m.nps_margin_of_error(first), m.nps_margin_of_error(second))
    assert diff.clear and "+60.0 points" in str(diff) and "real difference" in str(diff)
    close = m.csat_difference([5, 4, 2, 1] * 4, [5, 4, 4, 1] * 4)  # 50% against 75%, 16 each
    assert close.estimate == pytest.approx(-25.0)
    assert close.margin == pytest.approx(100 * 1.96 * math.sqrt(0.25 / 16 + 0.1875 / 16))
    assert close.units == "percentage points"
    assert not close.clear and "could be noise" in str(close)
    assert m.Difference(5.0, 5.0).clear is False  # equal to the margin is not beyond it


def test_mean_difference_uses_each_groups_spread():
    first, second = [6, 8, 7, 9], [4, 5, 6]  # means 7.5 and 5; sample variances 5/3 and 1
    diff = m.mean_difference(first, second, units="standards")
    assert diff.estimate == pytest.approx(2.5)
    assert diff.margin == pytest.approx(1.96 * math.sqrt((5 / 3) / 4 + 1 / 3))
    assert diff.clear and "standards" in str(diff)
    with pytest.raises(ValueError, match="second needs at least 2 values"):
        m.mean_difference([1, 2], [3])


@pytest.mark.parametrize("traffic", [0.5, 1, 2.5, 10, 99.9, 500, 1000, 5000])
def test_erlang_b_summed_from_the_top_equals_the_upward_recurrence(traffic):
    from csworkbook.metrics import _erlang_b, _erlang_b_summed

    for agents in sorted({int(traffic) + 1, int(traffic) + 2, int(traffic * 1.1) + 1, int(traffic * 3) + 5,
                          int(traffic * 20) + 50}):
        reference, summed = _erlang_b(float(traffic), agents), _erlang_b_summed(float(traffic), agents)
        assert summed == pytest.approx(reference, rel=1e-12, abs=1e-300), (traffic, agents)


def test_scores_of_an_integer_column_are_checked_by_range_on_the_quick_path():
    import numpy as np

    assert m.csat(np.array([5, 4, 1], dtype=np.int8)) == pytest.approx(200 / 3)
    with pytest.raises(ValueError, match="score 6 at position 2 is outside the scale 1 to 5"):
        m.csat(pd.Series([5, 4, 6]))
    with pytest.raises(ValueError, match="no scores given"):
        m.ces(np.array([], dtype=int))
