"""Dilemma figures: can a scenario be won without thinking?

A role-play teaches judgement only if its replies cost something. If one reply
is best on every score, or the best reply is always the longest and kindest-
sounding one, a learner wins by habit. ``analyse(scenario)`` measures that, and
``csworkbook scenarios check`` prints the figures and fails a scenario that
misses a threshold (the constants below, the one place they are set).

Definitions (the README's role-play section says the same in plain words):

* A **decision point** is a node together with the set of replies open there
  together, when that set has two or more replies. A node whose ``requires``
  conditions open different sets of replies under different flags or scores
  counts once per distinct set actually reachable in play (found by playing
  every path, with loops cut as in ``all_paths``); a set of one reply is not a
  decision.
* A reply's **effects** are its immediate ``effects`` only: the scores the
  reply itself moves, read as 0 for a score it does not name. What the reply
  leads to is not added. The immediate effects are what the learner sees move
  and reads the feedback on at that moment, what the author wrote for that
  reply, and what a learner can learn to game ("the warm, long one always
  scores"); adding the best or worst continuation would blur a node's own
  trade-off with later choices and let a later node's scores hide an easy
  choice here. Whole-path effects are covered separately: the ending check
  below, and the best- and worst-path checks.
* A reply is **dominant** at a decision point when its effects are at least
  those of every other reply there on every rubric score, and greater than
  some other reply's on at least one score. (A twin with identical effects
  does not make the choice a dilemma, so both twins count as dominant; a point
  where every reply has identical effects has no dominant reply.) A decision
  point is **dominated** when it has a dominant reply; a real dilemma has none:
  each reply gains on one score what it gives up on another.
* **Best is longest**: the best reply has the highest total effect (the sum of
  its effects), the longest has the most characters of text. When replies tie
  for best or for longest, the tie is broken at random, so a point counts
  ``|best and longest| / (|best| x |longest|)``: 1 when the one best reply is
  the one longest reply, 1/2 when two replies tie for best and one of them is
  the longest, and so on. If length told nothing, a point with k replies would
  count 1/k on average (whatever the ties), so the **chance level** of a
  scenario is the mean of 1/k over its decision points: 50% when every point
  has two replies, 33% when every point has three.
* A **zero-core success** is a success ending that some complete play-through
  reaches with zero (after capping) on a core rubric score. Rubric scores are
  core unless marked ``core: false``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .engine import Session
from .model import Choice, Scenario, load_scenario

__all__ = [
    "MAX_DOMINATED_SHARE", "LONGEST_MARGIN", "MAX_ZERO_CORE_SUCCESSES",
    "DecisionPoint", "ZeroCoreSuccess", "Figures", "analyse", "dominant_replies", "total_figures",
]

# The thresholds, in one place.
#: At most this share of a scenario's decision points may have a dominant reply.
MAX_DOMINATED_SHARE = 0.30
#: "Best is longest" may exceed the scenario's chance level by at most this much (a share, 0.10 = 10 points).
#: A fixed cap such as 40% would be above chance for three-reply nodes and below it for two-reply nodes,
#: where it would push authors to make the shorter reply best: a giveaway the other way round.
LONGEST_MARGIN = 0.10
#: No success ending may be reachable with zero on a core score.
MAX_ZERO_CORE_SUCCESSES = 0


def _effects(choice: Choice, rubric: tuple[str, ...]) -> tuple[int, ...]:
    return tuple(choice.effects.get(score, 0) for score in rubric)


def dominant_replies(choices: list[Choice] | tuple[Choice, ...], rubric: tuple[str, ...]) -> tuple[str, ...]:
    """Ids of the replies whose immediate effects dominate (see the module's docstring)."""
    vectors = {c.id: _effects(c, rubric) for c in choices}
    out = []
    for cid, mine in vectors.items():
        others = [v for oid, v in vectors.items() if oid != cid]
        at_least = all(all(a >= b for a, b in zip(mine, other)) for other in others)
        beats_one = any(any(a > b for a, b in zip(mine, other)) for other in others)
        if others and at_least and beats_one:
            out.append(cid)
    return tuple(out)


@dataclass(frozen=True)
class DecisionPoint:
    node: str
    replies: tuple[str, ...]  # the ids of the replies open together, in the file's order
    dominant: tuple[str, ...]  # the dominant replies (empty for a real dilemma)
    best: tuple[str, ...]  # the replies with the highest total effect
    longest: tuple[str, ...]  # the replies with the most characters

    @property
    def dominated(self) -> bool:
        return bool(self.dominant)

    @property
    def best_is_longest(self) -> float:
        """1 when the best reply is the longest; a fraction when ties are broken at random."""
        both = len(set(self.best) & set(self.longest))
        return both / (len(self.best) * len(self.longest))

    @property
    def chance(self) -> float:
        return 1 / len(self.replies)


@dataclass(frozen=True)
class ZeroCoreSuccess:
    ending: str  # the ending node
    title: str
    scores: tuple[str, ...]  # the core scores some path reaches it with at zero
    paths: tuple[tuple[str, ...], ...]  # for each of those scores, the shortest path that leaves it at zero


@dataclass
class Figures:
    scenario: str
    points: list[DecisionPoint]
    zero_core_successes: list[ZeroCoreSuccess]
    score_labels: dict[str, str] = field(default_factory=dict)
    complete: bool = True  # False when the exploration stopped at its limit of play-throughs

    @property
    def n_points(self) -> int:
        return len(self.points)

    @property
    def n_dominated(self) -> int:
        return sum(p.dominated for p in self.points)

    @property
    def dominated_share(self) -> float:
        return self.n_dominated / self.n_points if self.points else 0.0

    @property
    def best_longest(self) -> float:
        return sum(p.best_is_longest for p in self.points)

    @property
    def best_longest_share(self) -> float:
        return self.best_longest / self.n_points if self.points else 0.0

    @property
    def chance(self) -> float:
        """Expected best-is-longest count if length told nothing."""
        return sum(p.chance for p in self.points)

    @property
    def chance_share(self) -> float:
        return self.chance / self.n_points if self.points else 0.0

    @property
    def longest_limit(self) -> float:
        return self.chance_share + LONGEST_MARGIN

    def misses(self) -> list[str]:
        """One sentence per threshold missed, saying by how much; empty when all are met."""
        out = []
        allowed = int(MAX_DOMINATED_SHARE * self.n_points + 1e-9)
        if self.n_dominated > allowed:
            out.append(
                f"{self.n_dominated} of {self.n_points} decision points ({self.dominated_share:.0%}) have a dominant "
                f"reply; at most {MAX_DOMINATED_SHARE:.0%} ({allowed}) may: {self.n_dominated - allowed} too many")
        if self.best_longest_share > self.longest_limit + 1e-9:
            over = self.best_longest - self.longest_limit * self.n_points
            out.append(
                f"the best reply is the longest at {self.best_longest:g} of {self.n_points} decision points "
                f"({self.best_longest_share:.0%}); chance is {self.chance_share:.0%}, so at most "
                f"{self.longest_limit:.0%} may: {self.best_longest_share - self.longest_limit:.0%} "
                f"({over:.1f} points) over")
        if len(self.zero_core_successes) > MAX_ZERO_CORE_SUCCESSES:
            for z in self.zero_core_successes:
                ways = "; ".join(f"zero {self.score_labels.get(s, s)}, e.g. path {list(p)}"
                                 for s, p in zip(z.scores, z.paths))
                out.append(f"success ending {z.ending!r} ({z.title}) can be reached with {ways}")
        if not self.complete:
            out.append("the scenario has too many paths to explore them all; the figures cover only some")
        return out


def analyse(scenario: Scenario | str, limit: int = 20000) -> Figures:
    """Play every path (loops cut as in ``all_paths``) and compute the dilemma figures."""
    scenario = load_scenario(scenario) if isinstance(scenario, str) else scenario
    rubric = tuple(r.name for r in scenario.rubric)
    core = [r.name for r in scenario.rubric if r.core]
    seen: dict[tuple[str, frozenset], DecisionPoint] = {}
    zero: dict[str, dict[str, tuple[str, ...]]] = {}  # ending -> core score left at zero -> shortest path
    finished = 0
    stack: list[tuple[Session, frozenset]] = [(Session(scenario), frozenset())]
    while stack and finished < limit:
        session, visited = stack.pop()
        path = session.path
        if session.ended:
            finished += 1
            scores = session.scores
            if session.outcome == "success":
                for s in core:
                    known = zero.setdefault(session.node.id, {})
                    if scores[s] == 0 and (s not in known or len(path) < len(known[s])):
                        known[s] = tuple(path)
            continue
        state = (session.node.id, frozenset(session.flags))
        if state in visited:
            continue
        open_now = session.choices
        key = (session.node.id, frozenset(c.id for c in open_now))
        if len(open_now) >= 2 and key not in seen:
            totals = {c.id: sum(c.effects.get(s, 0) for s in rubric) for c in open_now}
            lengths = {c.id: len(c.text.strip()) for c in open_now}
            seen[key] = DecisionPoint(
                node=session.node.id,
                replies=tuple(c.id for c in open_now),
                dominant=dominant_replies(open_now, rubric),
                best=tuple(c for c, t in totals.items() if t == max(totals.values())),
                longest=tuple(c for c, n in lengths.items() if n == max(lengths.values())),
            )
        for choice in reversed(open_now):
            child = session.fork()  # one step from here, not a replay of the whole path
            child.choose(choice.id)
            stack.append((child, visited | {state}))
    order = {nid: i for i, nid in enumerate(scenario.nodes)}
    points = sorted(seen.values(), key=lambda p: (order[p.node], p.replies))
    successes = [
        ZeroCoreSuccess(node, scenario.node(node).ending.title,
                        tuple(s for s in rubric if s in paths), tuple(paths[s] for s in rubric if s in paths))
        for node, paths in sorted(zero.items(), key=lambda kv: order[kv[0]]) if paths
    ]
    return Figures(scenario.id, points, successes, {r.name: r.label.lower() for r in scenario.rubric},
                   complete=not stack)


def total_figures(figures: list[Figures]) -> Figures:
    """All scenarios' decision points and zero-core successes together (for the totals line)."""
    return Figures("total", [p for f in figures for p in f.points],
                   [z for f in figures for z in f.zero_core_successes],
                   complete=all(f.complete for f in figures))
