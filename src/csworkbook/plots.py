"""The chart styles the lessons and reports share.

Charts carry their numbers as labels and use a colour-blind-safe palette, so a
reader can get the message without telling colours apart.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

# Okabe-Ito: distinguishable with the common forms of colour blindness.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
GOOD, NEUTRAL, BAD = "#009E73", "#999999", "#D55E00"


def use_style() -> None:
    """Apply the workbook's chart style to every later chart."""
    plt.rcParams.update(
        {
            "figure.figsize": (7.5, 4.0),
            "figure.dpi": 100,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.titleweight": "bold",
            "axes.titlesize": 12,
            "axes.prop_cycle": plt.cycler(color=PALETTE),
            "font.size": 10,
        }
    )


def bar_percent(values: pd.Series, title: str, target: float | None = None, xlabel: str = "percent", ax=None):
    """Horizontal bars for percentages, labelled, with an optional target line."""
    use_style()
    if ax is None:
        _, ax = plt.subplots()
    values = values.sort_values()
    colours = [PALETTE[0] if target is None or v >= target else BAD for v in values]
    bars = ax.barh([str(i) for i in values.index], values.to_numpy(), color=colours)
    ax.bar_label(bars, labels=[f"{v:.1f}%" for v in values], padding=3)
    if target is not None:
        ax.axvline(target, color="black", linestyle="--", linewidth=1, label=f"target {target:g}%")
        ax.legend(loc="lower right", frameon=True)
    ax.set_xlim(0, max(100, values.max() * 1.1))
    ax.set_xlabel(xlabel)
    ax.set_title(title)
    return ax


def nps_breakdown(frame: pd.DataFrame, by: str, score: str = "recommend", ax=None):
    """Stacked bars of detractors, passives and promoters per group, with the NPS labelled."""
    use_style()
    if ax is None:
        _, ax = plt.subplots()
    groups = frame.groupby(by, observed=True)[score]
    shares = pd.DataFrame(
        {
            "detractors (0-6)": groups.apply(lambda s: (s <= 6).mean() * 100),
            "passives (7-8)": groups.apply(lambda s: s.between(7, 8).mean() * 100),
            "promoters (9-10)": groups.apply(lambda s: (s >= 9).mean() * 100),
        }
    )
    shares.index = shares.index.astype(str)
    shares.plot.barh(stacked=True, color=[BAD, NEUTRAL, GOOD], ax=ax, width=0.7)
    for i, (_, row) in enumerate(shares.iterrows()):
        score_ = row["promoters (9-10)"] - row["detractors (0-6)"]
        ax.text(101, i, f"NPS {score_:+.0f}", va="center")
    ax.set_xlim(0, 115)
    ax.set_xlabel("percent of responses")
    ax.set_ylabel("")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.15), ncol=3, frameon=False)
    ax.set_title(f"Promoters and detractors by {by}")
    return ax


def trend(frame: pd.DataFrame, x: str, y: str, by: str | None = None, title: str = "", ylabel: str = "", ax=None):
    """Lines over time, one per group; each group also gets its own marker shape."""
    use_style()
    if ax is None:
        _, ax = plt.subplots()
    groups = frame.groupby(by, observed=True) if by else [(y, frame)]
    for (name, part), marker in zip(groups, "osD^vP*X"):
        part = part.sort_values(x)
        ax.plot(part[x], part[y], linewidth=1.8, marker=marker, markersize=4, label=str(name))
    if by:
        ax.legend(frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    if frame[y].min() >= 0:
        ax.set_ylim(bottom=0)  # shares and rates read honestly only from zero
    ax.set_title(title)
    ax.set_ylabel(ylabel or y)
    return ax


def benchmark_dots(table: pd.DataFrame, title: str = "Where we stand against competitors", ax=None):
    """One row per measure: our position against the best competitor (a 'gap' table)."""
    use_style()
    if ax is None:
        _, ax = plt.subplots()
    table = table.sort_values("gap")
    colours = [GOOD if g >= 0 else BAD for g in table["gap"]]
    ax.barh(table.index.astype(str), table["gap"], color=colours)
    ax.axvline(0, color="black", linewidth=1)
    for i, g in enumerate(table["gap"]):
        ax.text(g, i, f" {g:+.2f} ", va="center", ha="left" if g >= 0 else "right")
    # Room either side for the labels, so they never run into the measure names.
    low, high = min(0.0, table["gap"].min()), max(0.0, table["gap"].max())
    pad = 0.2 * (high - low or 1.0)
    ax.set_xlim(low - pad, high + pad)
    ax.set_xlabel("gap to best competitor, in each measure's own units (positive = we lead)")
    ax.set_title(title)
    return ax


#: The four quadrants of an importance-performance chart, each with its colour and marker shape.
QUADRANT_STYLE = {
    "concentrate here": (BAD, "o"),
    "keep up the good work": (GOOD, "s"),
    "possible overkill": (PALETTE[0], "D"),
    "low priority": (NEUTRAL, "^"),
}


def importance_performance(table: pd.DataFrame, importance_cut: float = 3.5, satisfaction_cut: float = 3.5,
                           title: str = "Importance and satisfaction by need", ax=None):
    """An importance-performance chart: one labelled point per row of ``table`` (columns ``importance``,
    ``satisfaction`` and ``quadrant``), with dashed lines at the cut-offs and each quadrant named in its corner.

    Quadrants differ in marker shape as well as colour, and every point carries its name, so the chart
    reads without telling colours apart.
    """
    use_style()
    if ax is None:
        _, ax = plt.subplots(figsize=(7.5, 5.0))
    placed: list[tuple[float, float]] = []
    for name, row in table.iterrows():
        x, y = float(row["satisfaction"]), float(row["importance"])
        colour, marker = QUADRANT_STYLE.get(row["quadrant"], (PALETTE[7], "x"))
        ax.scatter(x, y, s=60, color=colour, marker=marker, zorder=3)
        # a label near an earlier one (needs with almost the same scores) moves down a line
        crowd = sum(abs(x - px) < 0.6 and abs(y - py) < 0.12 for px, py in placed)
        placed.append((x, y))
        ax.annotate(str(name), (x, y), xytext=(6, 4 - 13 * crowd), textcoords="offset points")
    ax.axvline(satisfaction_cut, color="black", linestyle="--", linewidth=1)
    ax.axhline(importance_cut, color="black", linestyle="--", linewidth=1)
    low_s = min(1.0, float(table["satisfaction"].min()))
    low_i = min(1.0, float(table["importance"].min()))
    ax.set_xlim(low_s, 5.0)
    ax.set_ylim(low_i, 5.2)
    corners = {"concentrate here": (low_s + 0.05, 5.15, "left"), "keep up the good work": (4.95, 5.15, "right"),
               "low priority": (low_s + 0.05, low_i + 0.05, "left"), "possible overkill": (4.95, low_i + 0.05, "right")}
    for label, (x, y, ha) in corners.items():
        ax.text(x, y, label, ha=ha, va="top" if y > 5 else "bottom", fontsize=9, style="italic", color="#333333")
    ax.set_xlabel(f"mean satisfaction, 1-5 (cut-off {satisfaction_cut:g})")
    ax.set_ylabel(f"mean importance, 1-5 (cut-off {importance_cut:g})")
    ax.set_title(title)
    return ax


def gap_bars(gaps: pd.Series, title: str, margins: pd.Series | None = None,
             xlabel: str = "gap (perception minus expectation)", ax=None):
    """Horizontal bars for gaps that may be negative (a shortfall) or positive, labelled with their values.

    ``margins`` (same index) adds a 95% error bar to each bar, so a reader can see which gaps are
    larger than their margin of error. Shortfalls are orange-red, gains green, and every bar carries
    its number, so the message does not depend on telling the colours apart.
    """
    use_style()
    if ax is None:
        _, ax = plt.subplots()
    gaps = gaps.sort_values(ascending=False)
    labels = [str(i) for i in gaps.index]
    colours = [GOOD if g >= 0 else BAD for g in gaps]
    xerr = None if margins is None else margins.reindex(gaps.index).to_numpy(dtype=float)
    ax.barh(labels, gaps.to_numpy(dtype=float), color=colours, xerr=xerr, capsize=3 if xerr is not None else 0)
    ax.axvline(0, color="black", linewidth=1)
    for i, g in enumerate(gaps):
        ax.text(g, i, f" {g:+.2f} ", va="center", ha="left" if g >= 0 else "right",
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 1, "alpha": 0.8})
    low, high = min(0.0, float(gaps.min())), max(0.0, float(gaps.max()))
    pad = 0.25 * (high - low or 1.0)
    ax.set_xlim(low - pad, high + pad)
    ax.set_xlabel(xlabel)
    ax.set_title(title)
    return ax
