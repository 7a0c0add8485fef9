"""Customer-service measures, each with its formula and careful input checks.

Conventions, chosen so numbers read the way managers quote them:

* KPIs reported to people as percentages come back as percentages:
  ``csat`` (0-100), ``response_compliance`` (0-100), ``service_level`` (0-100),
  and ``nps`` in points (-100 to +100).
* Statistical quantities stay as proportions (0-1): ``margin_of_error``, and the
  Erlang C probabilities (``erlang_c``, ``erlang_service_level``).

Every function rejects empty input, missing values (NaN) and out-of-range
scores with a ``ValueError`` that says which value, where, and what was expected.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = [
    "csat",
    "nps",
    "ces",
    "nps_margin_of_error",
    "csat_margin_of_error",
    "Difference",
    "nps_difference",
    "csat_difference",
    "mean_difference",
    "margin_of_error",
    "sample_size",
    "surveys_to_issue",
    "servqual_gaps",
    "ServqualGaps",
    "response_compliance",
    "service_level",
    "erlang_c",
    "erlang_service_level",
    "average_speed_of_answer",
    "agents_required",
    "Staffing",
]


# --------------------------------------------------------------------------
# Input checks shared by the score-based measures
# --------------------------------------------------------------------------


def _scores(scores, name: str, low: int, high: int) -> np.ndarray:
    """Return scores as an int array, or raise a ValueError naming the fault.

    A ``dict``/Mapping is read as a count table ``{score: how_many}`` (as in a
    survey tally); anything else is read as one score per response.
    """
    quick = _integer_scores(scores, low, high)
    if quick is not None:
        return quick
    if isinstance(scores, Mapping):
        values, counts = [], []
        for score, count in scores.items():
            if not isinstance(count, (int, np.integer)) or count < 0:
                raise ValueError(
                    f"{name}: the count for score {score!r} must be a whole number >= 0, "
                    f"got {count!r}"
                )
            values.append(score)
            counts.append(int(count))
        checked = _scores(values, name, low, high) if values else np.array([], dtype=int)
        arr = np.repeat(checked, counts)
    else:
        if isinstance(scores, (str, bytes)):
            raise TypeError(f"{name}: expected a list or column of scores, got the text {scores!r}")
        if not isinstance(scores, Iterable) and not hasattr(scores, "__array__"):
            raise TypeError(f"{name}: expected a list or column of scores, got {type(scores).__name__}")
        raw = pd.Series(list(scores) if not hasattr(scores, "__array__") else np.asarray(scores))
        numeric = pd.to_numeric(raw, errors="coerce")
        bad_text = numeric.isna() & raw.notna()
        if bad_text.any():
            pos = int(np.flatnonzero(bad_text.to_numpy())[0])
            raise ValueError(f"{name}: value {raw.iloc[pos]!r} at position {pos} is not a number")
        missing = np.flatnonzero(numeric.isna().to_numpy())
        if missing.size:
            shown = ", ".join(str(p) for p in missing[:5]) + (" ..." if missing.size > 5 else "")
            raise ValueError(
                f"{name}: {missing.size} missing value(s) (NaN) at position(s) {shown}; "
                "drop or fill them before measuring"
            )
        values = numeric.to_numpy(dtype=float)
        fractional = np.flatnonzero(values != np.round(values))
        if fractional.size:
            pos = int(fractional[0])
            raise ValueError(f"{name}: score {values[pos]:g} at position {pos} is not a whole number")
        arr = values.astype(int)
    if arr.size == 0:
        raise ValueError(f"{name}: no scores given; need at least one response")
    outside = np.flatnonzero((arr < low) | (arr > high))
    if outside.size:
        pos = int(outside[0])
        raise ValueError(
            f"{name}: score {arr[pos]} at position {pos} is outside the scale {low} to {high}"
        )
    return arr


def _integer_scores(scores, low: int, high: int) -> np.ndarray | None:
    """The scores' own array when they are a non-empty integer column inside the scale, else None.

    A column of whole numbers (numpy int, pandas int64) can hold no text, NaN or
    fractions, so only its range needs checking: two passes instead of converting a
    copy to text-safe floats. Anything else, or any fault, takes the careful path,
    which names the fault.
    """
    if isinstance(scores, Mapping) or not hasattr(scores, "dtype"):
        return None
    if not (isinstance(scores.dtype, np.dtype) and scores.dtype.kind in "iu"):
        return None
    arr = np.asarray(scores)
    if arr.ndim != 1 or arr.size == 0 or arr.min() < low or arr.max() > high:
        return None
    return arr


def _share(mask: np.ndarray) -> float:
    """The share of True in a boolean array (counting is faster than np.mean, which converts to float)."""
    return np.count_nonzero(mask) / mask.size


def _check_z(z: float, name: str) -> None:
    if not (isinstance(z, (int, float)) and math.isfinite(z) and z > 0):
        raise ValueError(f"{name}: z must be a positive number such as 1.96 (95%), got {z!r}")


def _check_population(population, name: str) -> None:
    if population is not None and (not isinstance(population, (int, np.integer)) or population < 1):
        raise ValueError(f"{name}: population must be a whole number >= 1, got {population!r}")


# --------------------------------------------------------------------------
# Satisfaction scores
# --------------------------------------------------------------------------


def csat(scores, scale_max: int = 5, top_box: int = 2) -> float:
    """Customer satisfaction (CSAT): percent of responses in the top boxes.

    ``CSAT = 100 * (responses scoring above scale_max - top_box) / all responses``

    On a 1-5 scale with ``top_box=2`` that is the share answering 4 or 5.
    ``scores`` is one score per response, or a dict count table ``{5: 40, 4: 30, ...}``.

    >>> csat({5: 40, 4: 30, 3: 15, 2: 10, 1: 5})
    70.0
    """
    if not isinstance(scale_max, (int, np.integer)) or scale_max < 2:
        raise ValueError(f"csat: scale_max must be a whole number >= 2, got {scale_max!r}")
    if not isinstance(top_box, (int, np.integer)) or not 1 <= top_box <= scale_max:
        raise ValueError(f"csat: top_box must be between 1 and scale_max ({scale_max}), got {top_box!r}")
    arr = _scores(scores, "csat", 1, scale_max)
    return float(100.0 * _share(arr > scale_max - top_box))


def nps(scores) -> float:
    """Net Promoter Score: percent promoters (9-10) minus percent detractors (0-6).

    Scores are answers to "How likely are you to recommend us?" on 0-10.
    The result is in points, from -100 (all detractors) to +100 (all promoters);
    passives (7-8) count in the total but on neither side.

    >>> nps({10: 30, 9: 20, 8: 20, 7: 10, 5: 20})
    30.0
    """
    arr = _scores(scores, "nps", 0, 10)
    return float(100.0 * (_share(arr >= 9) - _share(arr <= 6)))


def ces(scores, scale_max: int = 7) -> float:
    """Customer Effort Score: the mean answer to "The company made it easy to
    handle my issue" on a 1 to ``scale_max`` agreement scale (higher = easier).

    >>> ces([7, 6, 5, 6])
    6.0
    """
    if not isinstance(scale_max, (int, np.integer)) or scale_max < 2:
        raise ValueError(f"ces: scale_max must be a whole number >= 2, got {scale_max!r}")
    arr = _scores(scores, "ces", 1, scale_max)
    return float(int(arr.sum()) / arr.size)  # whole numbers: an exact sum (np.mean converts to float first)


# --------------------------------------------------------------------------
# Survey statistics
# --------------------------------------------------------------------------


def nps_margin_of_error(scores, z: float = 1.96) -> float:
    """Margin of error of an NPS, in points.

    Each response is +1 (promoter), 0 (passive) or -1 (detractor); NPS is 100
    times their mean, so with shares ``p`` promoters and ``d`` detractors:
    ``variance = p + d - (p - d)**2`` and ``MoE = 100 * z * sqrt(variance / n)``.
    """
    _check_z(z, "nps_margin_of_error")
    arr = _scores(scores, "nps_margin_of_error", 0, 10)
    p, d = np.mean(arr >= 9), np.mean(arr <= 6)
    variance = p + d - (p - d) ** 2
    return float(100.0 * z * math.sqrt(variance / arr.size))


def csat_margin_of_error(scores, scale_max: int = 5, top_box: int = 2, z: float = 1.96) -> float:
    """Margin of error of a CSAT, in percentage points.

    CSAT is the share ``p`` of responses in the top boxes, so
    ``MoE = 100 * z * sqrt(p * (1 - p) / n)``.
    """
    _check_z(z, "csat_margin_of_error")
    p = csat(scores, scale_max=scale_max, top_box=top_box) / 100.0
    n = _scores(scores, "csat_margin_of_error", 1, scale_max).size
    return float(100.0 * z * math.sqrt(p * (1 - p) / n))


@dataclass(frozen=True)
class Difference:
    """A difference between two groups' scores and the margin of error of that difference.

    ``estimate`` is the first group's score minus the second's and ``margin`` its margin
    of error, both in the score's units: points for NPS, percentage points for CSAT.
    """

    estimate: float
    margin: float
    units: str = "points"

    @property
    def clear(self) -> bool:
        """True when the difference is larger than its margin of error (not just noise)."""
        return abs(self.estimate) > self.margin

    def __str__(self) -> str:
        verdict = "a real difference" if self.clear else "within the margin of error: could be noise"
        return f"{self.estimate:+.1f} {self.units}, plus or minus {self.margin:.1f} ({verdict})"


def nps_difference(first, second, z: float = 1.96) -> Difference:
    """NPS of ``first`` minus NPS of ``second``, with the margin of error of the difference.

    For two independent samples the margins combine like the sides of a right-angled
    triangle: ``MoE = sqrt(MoE_first**2 + MoE_second**2)``, which is always larger than
    either margin alone.
    """
    margin = math.hypot(nps_margin_of_error(first, z=z), nps_margin_of_error(second, z=z))
    return Difference(nps(first) - nps(second), margin, "points")


def csat_difference(first, second, z: float = 1.96) -> Difference:
    """CSAT of ``first`` minus CSAT of ``second``, in percentage points, with the margin
    of error of the difference (``sqrt(MoE_first**2 + MoE_second**2)``)."""
    margin = math.hypot(csat_margin_of_error(first, z=z), csat_margin_of_error(second, z=z))
    return Difference(csat(first) - csat(second), margin, "percentage points")


def mean_difference(first, second, z: float = 1.96, units: str = "points") -> Difference:
    """Mean of ``first`` minus mean of ``second`` (two separate groups), with the margin of
    error of the difference: ``z * sqrt(s1**2 / n1 + s2**2 / n2)`` from each group's sample
    standard deviation ``s`` and size ``n``. For averages such as standards met per visit."""
    _check_z(z, "mean_difference")
    a, b = (np.asarray(pd.Series(x, dtype=float)) for x in (first, second))
    for name, arr in (("first", a), ("second", b)):
        if arr.size < 2 or np.isnan(arr).any():
            raise ValueError(f"mean_difference: {name} needs at least 2 values and no missing ones, got {arr.size}")
    margin = z * math.sqrt(a.var(ddof=1) / a.size + b.var(ddof=1) / b.size)
    return Difference(float(a.mean() - b.mean()), float(margin), units)


def margin_of_error(p: float, n: int, z: float = 1.96, population: int | None = None) -> float:
    """Margin of error of a proportion ``p`` from a simple random sample of ``n``.

    ``MoE = z * sqrt(p * (1 - p) / n)``, times the finite population correction
    ``sqrt((N - n) / (N - 1))`` when the population size ``N`` is given.
    Returned as a proportion: 0.049 means plus or minus 4.9 percentage points.
    """
    _check_z(z, "margin_of_error")
    _check_population(population, "margin_of_error")
    if not (isinstance(p, (int, float)) and 0 <= p <= 1):
        raise ValueError(f"margin_of_error: p must be a proportion from 0 to 1, got {p!r}")
    if not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"margin_of_error: n must be a whole number >= 1, got {n!r}")
    moe = z * math.sqrt(p * (1 - p) / n)
    if population is not None:
        if n > population:
            raise ValueError(f"margin_of_error: sample n={n} is larger than the population {population}")
        moe *= math.sqrt((population - n) / (population - 1)) if population > 1 else 0.0
    return moe


def sample_size(margin: float, p: float = 0.5, z: float = 1.96, population: int | None = None) -> int:
    """Completed responses needed for a given margin of error (Cochran).

    ``n0 = z**2 * p * (1 - p) / margin**2``; with a population of ``N``,
    ``n = n0 / (1 + (n0 - 1) / N)``. Always rounded up: a fraction of a
    respondent still has to be a whole person.

    >>> sample_size(0.05)
    385
    >>> sample_size(0.05, population=1000)
    278
    """
    _check_z(z, "sample_size")
    _check_population(population, "sample_size")
    if not (isinstance(margin, (int, float)) and 0 < margin < 1):
        raise ValueError(
            f"sample_size: margin must be a proportion between 0 and 1 such as 0.05 (5%), got {margin!r}"
        )
    if not (isinstance(p, (int, float)) and 0 < p < 1):
        raise ValueError(f"sample_size: p must be a proportion between 0 and 1, got {p!r}")
    n0 = z**2 * p * (1 - p) / margin**2
    n = n0 if population is None else n0 / (1 + (n0 - 1) / population)
    return _ceil(n)


def surveys_to_issue(completes_needed: int, response_rate: float) -> int:
    """How many surveys to send so that, at the expected response rate, enough come back.

    ``ceil(completes_needed / response_rate)``: 100 completes at a one-in-three
    response rate means sending 300.
    """
    if not isinstance(completes_needed, (int, np.integer)) or completes_needed < 0:
        raise ValueError(
            f"surveys_to_issue: completes_needed must be a whole number >= 0, got {completes_needed!r}"
        )
    if not (isinstance(response_rate, (int, float)) and 0 < response_rate <= 1):
        raise ValueError(
            "surveys_to_issue: response_rate must be a proportion above 0 and at most 1 "
            f"(0.25 for 25%), got {response_rate!r}"
        )
    return _ceil(completes_needed / response_rate)


def _ceil(x: float) -> int:
    # 100 / (1/3) is 300.00000000000006 in floating point; that is 300, not 301.
    return int(math.ceil(round(x, 9)))


# --------------------------------------------------------------------------
# SERVQUAL
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class ServqualGaps:
    """Gap scores (perception minus expectation): negative means service fell short."""

    items: pd.DataFrame
    dimensions: pd.DataFrame


def servqual_gaps(frame: pd.DataFrame) -> ServqualGaps:
    """SERVQUAL gaps per item and per dimension.

    ``frame`` has one row per respondent and item with columns ``item``,
    ``dimension``, ``expectation`` and ``perception`` (1-7). For each item, the
    gap is mean perception minus mean expectation; a dimension's gap is the mean
    of its items' gaps, so every item weighs the same.
    """
    needed = ["item", "dimension", "expectation", "perception"]
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"servqual_gaps: expected a DataFrame, got {type(frame).__name__}")
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise ValueError(f"servqual_gaps: missing column(s) {missing}; need {needed}")
    if frame.empty:
        raise ValueError("servqual_gaps: the frame has no rows")
    for col in ("expectation", "perception"):
        _scores(frame[col].to_numpy(), f"servqual_gaps ({col})", 1, 7)
    pairs = frame.groupby(["item", "dimension"], observed=True)[["expectation", "perception"]].mean().reset_index()
    # Sorted by item, then dimension: an item filed under two dimensions shows up as a repeat.
    repeated = pairs["item"].duplicated().to_numpy()
    if repeated.any():
        item = pairs["item"].iloc[int(np.flatnonzero(repeated)[0])]
        raise ValueError(f"servqual_gaps: item {item!r} is filed under more than one dimension")
    items = pairs.set_index("item").sort_index()
    items["gap"] = items["perception"] - items["expectation"]
    dimensions = (
        items.groupby("dimension", observed=True)[["expectation", "perception", "gap"]]
        .mean()
        .sort_values("gap")
    )
    return ServqualGaps(items=items, dimensions=dimensions)


# --------------------------------------------------------------------------
# Service standards
# --------------------------------------------------------------------------


def response_compliance(
    frame: pd.DataFrame,
    standard: str | pd.Timedelta,
    received: str = "received",
    responded: str = "responded",
    business_hours: tuple[int, int] | None = None,
) -> float:
    """Percent of messages answered within a time standard.

    ``standard`` is a duration such as ``"24h"`` or ``"2 days"``. With
    ``business_hours=(9, 17)`` only time on weekdays between those hours counts,
    so a message that arrives on Friday at 16:00 and is answered on Monday at
    10:00 took two business hours. A message with no response time has not met
    the standard.
    """
    try:
        limit = pd.Timedelta(standard)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"response_compliance: standard {standard!r} is not a duration like '24h'") from exc
    if limit <= pd.Timedelta(0):
        raise ValueError(f"response_compliance: standard must be longer than zero, got {standard!r}")
    for col in (received, responded):
        if col not in frame.columns:
            raise ValueError(f"response_compliance: no column {col!r}; columns are {list(frame.columns)}")
    if frame.empty:
        raise ValueError("response_compliance: the frame has no rows")
    start = pd.to_datetime(frame[received])
    end = pd.to_datetime(frame[responded])
    if business_hours is None and start.dtype.kind == "M" and end.dtype.kind == "M":
        # Plain (time-zone-naive) times: one subtraction in numpy does the checks and the count.
        elapsed = end.to_numpy() - start.to_numpy()  # NaT where either time is missing
        missing = np.isnat(start.to_numpy())
        if missing.any():
            raise ValueError(f"response_compliance: {received!r} is missing at row position {int(np.flatnonzero(missing)[0])}")
        backwards = elapsed < np.timedelta64(0)  # NaT compares False: an unanswered message is not backwards
        if backwards.any():
            pos = int(np.flatnonzero(backwards)[0])
            raise ValueError(f"response_compliance: row position {pos} was answered before it was received")
        return float(100.0 * np.count_nonzero(elapsed <= limit.to_timedelta64()) / elapsed.size)
    if start.isna().any():
        pos = int(np.flatnonzero(start.isna().to_numpy())[0])
        raise ValueError(f"response_compliance: {received!r} is missing at row position {pos}")
    backwards = (end < start).to_numpy()
    if backwards.any():
        pos = int(np.flatnonzero(backwards)[0])
        raise ValueError(
            f"response_compliance: row position {pos} was answered before it was received"
        )
    if business_hours is None:
        elapsed = end - start
    else:
        opens, closes = business_hours
        if not (0 <= opens < closes <= 24):
            raise ValueError(f"response_compliance: business_hours must be (open, close) within 0-24, got {business_hours!r}")
        elapsed = pd.Series(
            [_business_time(s, e, opens, closes) for s, e in zip(start, end)], index=frame.index
        )
    met = elapsed.notna() & (elapsed <= limit)
    return float(100.0 * met.mean())


def _business_time(start, end, opens: int, closes: int):
    """Working time between two timestamps, counting weekdays opens:00 to closes:00."""
    if pd.isna(end):
        return pd.NaT
    total = pd.Timedelta(0)
    day = start.normalize()
    while day <= end:
        if day.weekday() < 5:
            window_start = max(start, day + pd.Timedelta(hours=opens))
            window_end = min(end, day + pd.Timedelta(hours=closes))
            if window_end > window_start:
                total += window_end - window_start
        day += pd.Timedelta(days=1)
    return total


def service_level(calls_offered, answered_within_target) -> float:
    """Percent of offered calls answered within the target time.

    ``100 * sum(answered_within_target) / sum(calls_offered)``: abandoned calls
    count as offered and not answered in time, which is the stricter and usual
    definition. Accepts single numbers or columns (summed over all intervals).
    """
    offered = np.atleast_1d(np.asarray(calls_offered, dtype=float))
    within = np.atleast_1d(np.asarray(answered_within_target, dtype=float))
    if offered.shape != within.shape:
        raise ValueError(
            f"service_level: {offered.size} offered value(s) but {within.size} answered value(s)"
        )
    for name, arr in (("calls_offered", offered), ("answered_within_target", within)):
        if arr.size == 0:
            raise ValueError(f"service_level: {name} is empty")
        if np.isnan(arr).any():
            raise ValueError(f"service_level: {name} has a missing value at position {int(np.flatnonzero(np.isnan(arr))[0])}")
        if (arr < 0).any():
            raise ValueError(f"service_level: {name} has a negative value at position {int(np.flatnonzero(arr < 0)[0])}")
    over = np.flatnonzero(within > offered)
    if over.size:
        raise ValueError(
            f"service_level: at position {int(over[0])} more calls were answered in time "
            f"({within[over[0]]:g}) than were offered ({offered[over[0]]:g})"
        )
    if offered.sum() == 0:
        raise ValueError("service_level: no calls were offered, so there is no service level")
    return float(100.0 * within.sum() / offered.sum())


# --------------------------------------------------------------------------
# Erlang C staffing
# --------------------------------------------------------------------------


def _check_traffic_agents(traffic, agents, name: str) -> None:
    if not (isinstance(traffic, (int, float, np.number)) and math.isfinite(traffic) and traffic >= 0):
        raise ValueError(f"{name}: traffic must be a number of Erlangs >= 0, got {traffic!r}")
    if not isinstance(agents, (int, np.integer)) or agents < 1:
        raise ValueError(f"{name}: agents must be a whole number >= 1, got {agents!r}")


def _erlang_b(traffic: float, agents: int) -> float:
    # The recurrence B(k) = A*B(k-1) / (k + A*B(k-1)) never forms A**N or N!,
    # so it stays accurate for thousands of agents where the textbook formula overflows.
    b = 1.0
    for k in range(1, agents + 1):
        b = traffic * b / (k + traffic * b)
    return b


def _erlang_c_from_b(b: float, traffic: float, agents: int) -> float:
    if agents <= traffic:
        return 1.0  # more work arrives than the agents can clear: everyone waits
    return agents * b / (agents - traffic * (1.0 - b))


def erlang_c(traffic: float, agents: int) -> float:
    """Probability that a call has to wait (Erlang C).

    ``traffic`` is the offered load in Erlangs: calls per interval times average
    handle time, divided by the interval length. With ``N`` agents and load
    ``A``, ``C = N*B / (N - A*(1 - B))`` where ``B`` is the Erlang B blocking
    probability; when ``N <= A`` the queue grows without limit and C is 1.
    """
    _check_traffic_agents(traffic, agents, "erlang_c")
    if agents <= traffic:
        return 1.0  # more work arrives than the agents can clear: everyone waits
    return _erlang_c_from_b(_erlang_b_summed(float(traffic), agents), float(traffic), agents)


def _erlang_b_summed(traffic: float, agents: int) -> float:
    """Erlang B for ``agents > traffic``, from the top: ``1/B = sum_j N!/((N-j)! A**j)``.

    Summed from ``j = 0`` the terms grow while ``N - j > A`` and then fall faster and
    faster, so the sum stops once what is left cannot change it (a few times the square
    root of the load past the peak), instead of running all ``N`` steps as the upward
    recurrence in ``_erlang_b`` does. Large terms are rescaled, so nothing overflows.
    ``_erlang_b`` stays as the reference a test compares this with.
    """
    if traffic == 0:
        return 0.0
    term = total = 1.0
    scale = 0  # total and term are divided by 1e200 this many times
    j = 0
    rising = agents - int(traffic)  # while j < rising, (N - j) / A > 1: the terms grow
    while j < rising and j < agents:
        term *= (agents - j) / traffic
        total += term
        j += 1
        if term > 1e200:
            term *= 1e-200
            total *= 1e-200
            scale += 1
    while j < agents:
        ratio = (agents - j) / traffic
        if ratio < 1.0 and term * ratio / (1.0 - ratio) < total * 1e-17:
            break  # every later term is smaller by at least `ratio` again: the rest is below rounding
        term *= ratio
        total += term
        j += 1
    if scale:
        return 0.0 if scale * 200 > 300 else 1.0 / (total * 10.0 ** (200 * scale))
    return 1.0 / total


def _check_seconds(value, name: str, what: str, allow_zero: bool) -> None:
    ok = isinstance(value, (int, float, np.number)) and math.isfinite(value)
    ok = ok and (value >= 0 if allow_zero else value > 0)
    if not ok:
        bound = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{name}: {what} must be a number of seconds {bound}, got {value!r}")


def erlang_service_level(traffic: float, agents: int, target_seconds: float, aht_seconds: float) -> float:
    """Probability that a call is answered within ``target_seconds`` (0-1).

    ``SL = 1 - C * exp(-(N - A) * target / AHT)``.
    """
    _check_seconds(target_seconds, "erlang_service_level", "target_seconds", allow_zero=True)
    _check_seconds(aht_seconds, "erlang_service_level", "aht_seconds", allow_zero=False)
    c = erlang_c(traffic, agents)
    if agents <= traffic:
        return 0.0
    return 1.0 - c * math.exp(-(agents - traffic) * target_seconds / aht_seconds)


def average_speed_of_answer(traffic: float, agents: int, aht_seconds: float) -> float:
    """Average seconds a caller waits before an agent answers (ASA).

    ``ASA = C * AHT / (N - A)``; infinite when ``N <= A``.
    """
    _check_seconds(aht_seconds, "average_speed_of_answer", "aht_seconds", allow_zero=False)
    c = erlang_c(traffic, agents)
    if agents <= traffic:
        return math.inf
    return c * aht_seconds / (agents - traffic)


@dataclass(frozen=True)
class Staffing:
    """What ``agents_required`` found, with the figures behind the answer."""

    agents: int  # agents answering calls at once
    rostered: int  # staff to schedule once shrinkage (breaks, leave, training) is allowed for
    traffic: float  # offered load in Erlangs
    service_level: float  # probability of answer within target, 0-1
    probability_wait: float
    asa_seconds: float
    occupancy: float  # share of agents' time spent handling calls, 0-1


def agents_required(
    calls: float,
    interval_seconds: float,
    aht_seconds: float,
    target_seconds: float,
    target_level: float,
    max_occupancy: float | None = None,
    shrinkage: float = 0.0,
) -> Staffing:
    """Fewest agents that answer ``target_level`` of calls within ``target_seconds``.

    ``calls`` arrive in an interval of ``interval_seconds`` and take
    ``aht_seconds`` each on average, so the load is ``A = calls * AHT / interval``.
    Agents are added one at a time from the smallest stable number until the
    Erlang C service level reaches ``target_level`` (a proportion such as 0.8),
    and, if ``max_occupancy`` is given, until ``A / N`` is at most that.
    ``rostered = ceil(agents / (1 - shrinkage))``.

    >>> agents_required(100, 1800, 180, 20, 0.8).agents
    14
    """
    name = "agents_required"
    if not (isinstance(calls, (int, float, np.number)) and math.isfinite(calls) and calls >= 0):
        raise ValueError(f"{name}: calls must be a number >= 0, got {calls!r}")
    _check_seconds(interval_seconds, name, "interval_seconds", allow_zero=False)
    _check_seconds(aht_seconds, name, "aht_seconds", allow_zero=False)
    _check_seconds(target_seconds, name, "target_seconds", allow_zero=True)
    if not (isinstance(target_level, (int, float)) and 0 < target_level < 1):
        raise ValueError(
            f"{name}: target_level must be a proportion between 0 and 1 such as 0.8, got {target_level!r}"
        )
    if max_occupancy is not None and not (isinstance(max_occupancy, (int, float)) and 0 < max_occupancy <= 1):
        raise ValueError(f"{name}: max_occupancy must be a proportion above 0 and at most 1, got {max_occupancy!r}")
    if not (isinstance(shrinkage, (int, float)) and 0 <= shrinkage < 1):
        raise ValueError(f"{name}: shrinkage must be a proportion from 0 up to (not including) 1, got {shrinkage!r}")

    traffic = float(calls) * aht_seconds / interval_seconds
    if traffic == 0:
        return Staffing(0, 0, 0.0, 1.0, 0.0, 0.0, 0.0)
    # Erlang B is built up one agent at a time, so the whole search costs O(N).
    b, agents = 1.0, 0
    while True:
        agents += 1
        b = traffic * b / (agents + traffic * b)
        if agents <= traffic:
            continue
        c = _erlang_c_from_b(b, traffic, agents)
        level = 1.0 - c * math.exp(-(agents - traffic) * target_seconds / aht_seconds)
        occupancy = traffic / agents
        if level >= target_level and (max_occupancy is None or occupancy <= max_occupancy):
            return Staffing(
                agents=agents,
                rostered=_ceil(agents / (1.0 - shrinkage)),
                traffic=traffic,
                service_level=level,
                probability_wait=c,
                asa_seconds=c * aht_seconds / (agents - traffic),
                occupancy=occupancy,
            )
