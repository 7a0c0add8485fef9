"""What the runs of a session say: who chose what, scores side by side, where teams split.

Plain data and matplotlib figures (no widgets), so the facilitator page, the
trainer's notebook, the team's debrief and the tests all use the same numbers.
"""

from __future__ import annotations

import io
from collections import defaultdict
from dataclasses import dataclass

import pandas as pd
from matplotlib.figure import Figure

from ..plots import PALETTE
from ..roleplay.engine import Session, extreme_paths
from ..roleplay.model import Scenario, load_scenario
from .runs import Run

__all__ = ["Split", "team_labels", "split_points", "choice_table", "score_table", "scores_chart",
           "paths_chart", "best_path", "debrief_rows", "debrief_chart", "png"]


@dataclass(frozen=True)
class Split:
    """A decision point where teams that had said the same things so far chose differently."""

    scenario: str
    step: int  # 1 = the first reply
    node: str
    prompt: str  # what the other person had just said
    choices: dict  # choice id -> the teams that chose it, in run order
    replies: dict  # choice id -> the reply's words

    @property
    def teams(self) -> list[str]:
        return [t for ts in self.choices.values() for t in ts]


def team_labels(runs: list[Run]) -> dict[str, str]:
    """A label per run file: the team's name, numbered when a team played the scenario more than once."""
    labels, counts, seen = {}, defaultdict(int), defaultdict(int)
    for r in runs:
        counts[(r.team, r.scenario)] += 1
    for r in runs:
        key = (r.team, r.scenario)
        seen[key] += 1
        labels[r.file] = r.team if counts[key] == 1 else f"{r.team} (run {seen[key]})"
    return labels


def _of(runs: list[Run], scenario: str) -> list[Run]:
    return [r for r in runs if r.scenario == scenario]


def split_points(runs: list[Run], scenario: str | Scenario | None = None) -> list[Split]:
    """Every place where two or more runs on the same path so far took different replies, in path order."""
    ids = [scenario.id if isinstance(scenario, Scenario) else scenario] if scenario else sorted({r.scenario for r in runs})
    labels = team_labels(runs)
    found = []
    for sid in ids:
        sc = load_scenario(sid)
        group = _of(runs, sid)
        by_prefix: dict[tuple, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        for r in group:
            for i, choice in enumerate(r.path):
                by_prefix[tuple(r.path[:i])][choice].append(labels[r.file])
        for prefix, nexts in by_prefix.items():
            if len(nexts) < 2:
                continue
            session = Session(sc)
            for c in prefix:
                session.choose(c)
            texts = {c.id: c.text for c in session.node.choices}
            found.append(Split(sid, len(prefix) + 1, session.node.id, session.node.text,
                               {c: list(t) for c, t in nexts.items()}, {c: texts.get(c, c) for c in nexts}))
    return sorted(found, key=lambda s: (s.scenario, s.step, s.node))


def choice_table(runs: list[Run], scenario: str) -> pd.DataFrame:
    """One row per team, one column per step: the reply (choice id) the team chose."""
    labels = team_labels(runs)
    group = _of(runs, scenario)
    width = max((len(r.path) for r in group), default=0)
    rows = {labels[r.file]: list(r.path) + [""] * (width - len(r.path)) for r in group}
    return pd.DataFrame.from_dict(rows, orient="index", columns=[f"step {i}" for i in range(1, width + 1)])


def score_table(runs: list[Run], scenario: str | None = None) -> pd.DataFrame:
    """Outcome and final scores side by side, one row per run."""
    labels = team_labels(runs)
    rows = []
    for r in (runs if scenario is None else _of(runs, scenario)):
        row = {"team": labels[r.file], "scenario": r.scenario, "outcome": r.outcome, "ending": r.ending,
               "steps": len(r.path), "overall %": r.percent}
        row.update({f"{k} (of {r.max_scores[k]})": v for k, v in r.scores.items()})
        row["file"] = r.file
        rows.append(row)
    return pd.DataFrame(rows)


def _labels(sc: Scenario) -> dict[str, str]:
    return {r.name: r.label for r in sc.rubric}


def scores_chart(runs: list[Run], scenario: str) -> Figure:
    """Grouped bars: each rubric score, one bar per team, with the maximum marked."""
    sc = load_scenario(scenario)
    group = _of(runs, scenario)
    labels = team_labels(runs)
    fig = Figure(figsize=(8, 3.6), dpi=90)
    ax = fig.add_subplot()
    rubric = sc.rubric
    n = max(len(group), 1)
    width = 0.8 / n
    for i, r in enumerate(group):
        xs = [j + i * width for j in range(len(rubric))]
        values = [r.scores[s.name] for s in rubric]
        bars = ax.bar(xs, values, width=width * 0.95, color=PALETTE[i % len(PALETTE)], label=labels[r.file])
        ax.bar_label(bars, labels=[str(v) for v in values], fontsize=8)
    centre = [j + (n - 1) * width / 2 for j in range(len(rubric))]
    ax.set_xticks(centre, [f"{s.label}\n(max {s.max})" for s in rubric])
    ax.set_ylim(0, max(s.max for s in rubric) + 0.8)
    ax.set_ylabel("score at the end")
    ax.set_title(f"{sc.title}: final scores by team")
    ax.spines[["top", "right"]].set_visible(False)
    if group:
        ax.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1, 1))
    fig.tight_layout()
    return fig


def paths_chart(runs: list[Run], scenario: str) -> Figure:
    """Each team's total score step by step; the replies are written in where teams split."""
    sc = load_scenario(scenario)
    group = _of(runs, scenario)
    labels = team_labels(runs)
    splits = split_points(group, sc)
    fig = Figure(figsize=(8, 3.8), dpi=90)
    ax = fig.add_subplot()
    markers = "osD^vP*X"
    for i, r in enumerate(group):
        totals = [0] + [sum(s["scores"].values()) for s in r.steps]
        ax.plot(range(len(totals)), totals, marker=markers[i % len(markers)], color=PALETTE[i % len(PALETTE)],
                label=f"{labels[r.file]} ({r.outcome})")
    totals_of = {labels[r.file]: [0] + [sum(s["scores"].values()) for s in r.steps] for r in group}
    for sp in splits:
        # the reply each team gave where they split, written beside its point
        k = 0
        for choice, teams in sp.choices.items():
            for team in teams:
                ax.annotate(f"{team}: {choice}", (sp.step, totals_of[team][sp.step]), textcoords="offset points",
                            xytext=(6, 6 - 11 * k), fontsize=7, color="#333333")
                k += 1
        ax.axvline(sp.step - 0.5, color="#777777", linestyle=":", linewidth=1)
        ax.text(sp.step - 0.5, ax.get_ylim()[1], f"split at step {sp.step}", fontsize=8, rotation=90,
                va="top", ha="right", color="#444444")
    ax.set_xlabel("reply number")
    ax.set_ylabel("total score after the reply")
    ax.set_title(f"{sc.title}: how each team's score moved")
    ax.spines[["top", "right"]].set_visible(False)
    if group:
        ax.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1, 1))
    fig.tight_layout()
    return fig


# -- a team's debrief --------------------------------------------------------------------------

_BEST: dict[str, Session] = {}


def best_path(scenario: str) -> Session:
    """The strongest play-through, as ``csworkbook scenarios check`` finds it (cached: it plays every path)."""
    if scenario not in _BEST:
        _BEST[scenario] = extreme_paths(scenario)[0]
    return _BEST[scenario]


def _trajectory(sc: Scenario, path: list[str]) -> list[dict]:
    s = Session(sc)
    out = [dict(s.scores)]
    for c in path:
        s.choose(c)
        out.append(dict(s.scores))
    return out


def debrief_rows(scenario: str, path: list[str]) -> list[dict]:
    """Step by step: the team's reply beside the strongest path's, and whether they were the same."""
    sc = load_scenario(scenario)
    best = best_path(scenario)
    ours, theirs = Session(sc), Session(sc)
    rows, together = [], True
    for i in range(max(len(path), len(best.path))):
        row = {"step": i + 1, "yours": "", "strongest": "", "same": False}
        if i < len(path):
            row["yours"] = ours.choose(path[i]).text
        if i < len(best.path):
            row["strongest"] = theirs.choose(best.path[i]).text
        row["same"] = together and i < len(path) and i < len(best.path) and path[i] == best.path[i]
        rows.append(row)
        together = row["same"]
    return rows


def debrief_chart(scenario: str, path: list[str], team: str = "your team") -> Figure:
    """One small panel per score: the team's path (solid) against the strongest path (dashed)."""
    sc = load_scenario(scenario)
    best = best_path(scenario)
    mine, top = _trajectory(sc, list(path)), _trajectory(sc, best.path)
    rubric = sc.rubric
    cols = min(len(rubric), 3)
    rows = (len(rubric) + cols - 1) // cols
    fig = Figure(figsize=(3.2 * cols, 2.4 * rows), dpi=90)
    for k, r in enumerate(rubric):
        ax = fig.add_subplot(rows, cols, k + 1)
        ax.plot(range(len(mine)), [m[r.name] for m in mine], marker="o", color=PALETTE[0], label=team)
        ax.plot(range(len(top)), [t[r.name] for t in top], marker="s", linestyle="--", color=PALETTE[1],
                label="strongest path")
        ax.set_title(r.label, fontsize=10)
        ax.set_ylim(-0.2, r.max + 0.3)
        ax.set_xlabel("reply", fontsize=8)
        ax.spines[["top", "right"]].set_visible(False)
        if k == 0:
            ax.legend(fontsize=7, frameon=False)
    fig.suptitle("Where each score moved", fontsize=11, fontweight="bold")
    fig.tight_layout()
    return fig


def png(fig: Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()
