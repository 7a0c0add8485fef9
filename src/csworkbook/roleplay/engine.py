"""The role-play engine: a pure state machine, with no widgets.

``Session`` holds one play-through: where the conversation is, the choices open
now, the scores, the other person's mood, the flags raised and the transcript.
``play(scenario, path)`` replays a list of choice ids headless, which is how a
graded task checks a learner's path (nbgrader re-runs notebooks in a fresh
kernel, so a path written in a cell is what can be graded, not clicks).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from .model import MOODS, Choice, Node, Scenario, load_scenario

__all__ = ["Session", "Turn", "PathError", "play", "extreme_paths", "all_paths"]


class PathError(ValueError):
    """A path of choices cannot be played: a step names a choice that is not open there."""


@dataclass(frozen=True)
class Turn:
    """One entry in the transcript."""

    kind: str  # "line" (the other side speaks) | "reply" (the learner) | "feedback" | "ending"
    speaker: str
    text: str
    node: str
    choice: str = ""
    effects: dict[str, int] = field(default_factory=dict)


class Session:
    """One play-through of a scenario."""

    def __init__(self, scenario: Scenario | str):
        self.scenario = load_scenario(scenario) if isinstance(scenario, str) else scenario
        self.restart()

    # -- state ------------------------------------------------------------------
    def restart(self) -> None:
        self.raw_scores = {r.name: 0 for r in self.scenario.rubric}
        self.flags: set[str] = set()
        self.mood_index = MOODS.index(self.scenario.persona.mood)
        self.transcript: list[Turn] = []
        self.path: list[str] = []
        self.last_feedback: str = ""
        self._enter(self.scenario.start)

    def _enter(self, node_id: str) -> None:
        self.node: Node = self.scenario.node(node_id)
        self.mood_index = min(len(MOODS) - 1, max(0, self.mood_index + self.node.mood))
        self.transcript.append(Turn("line", self.node.speaker, self.node.text, node_id))
        if self.node.ending:
            e = self.node.ending
            self.transcript.append(Turn("ending", "debrief", f"{e.title}: {e.debrief}", node_id))

    @property
    def ended(self) -> bool:
        return self.node.ending is not None

    @property
    def outcome(self) -> str | None:
        return self.node.ending.outcome if self.node.ending else None

    @property
    def mood(self) -> str:
        return MOODS[self.mood_index]

    @property
    def scores(self) -> dict[str, int]:
        """Each rubric score, kept within 0 and its maximum."""
        return {r.name: min(r.max, max(0, self.raw_scores[r.name])) for r in self.scenario.rubric}

    @property
    def percent(self) -> float:
        return 100.0 * sum(self.scores.values()) / self.scenario.max_total

    def _open(self, choice: Choice) -> bool:
        if any(f not in self.flags for f in choice.requires_flags):
            return False
        if any(f in self.flags for f in choice.requires_not_flags):
            return False
        return all(self.raw_scores[s] >= v for s, v in choice.min_scores.items())

    @property
    def choices(self) -> list[Choice]:
        """The replies open now (none once the conversation has ended)."""
        return [c for c in self.node.choices if self._open(c)]

    # -- acting -------------------------------------------------------------------
    def choose(self, choice_id: str) -> Choice:
        """Say the reply ``choice_id``; returns the choice, whose ``feedback`` explains it."""
        if self.ended:
            raise PathError(f"the conversation has already ended ({self.node.ending.title}); restart to play again")
        open_now = {c.id: c for c in self.choices}
        if choice_id not in open_now:
            offered = ", ".join(open_now) or "none"
            raise PathError(
                f"step {len(self.path) + 1}: {choice_id!r} is not a reply you can give at {self.node.id!r}; "
                f"the replies open there are: {offered}"
            )
        choice = open_now[choice_id]
        for score, delta in choice.effects.items():
            self.raw_scores[score] += delta
        self.flags.update(choice.sets)
        self.path.append(choice.id)
        self.last_feedback = choice.feedback
        self.transcript.append(Turn("reply", "you", choice.text, self.node.id, choice.id, dict(choice.effects)))
        self.transcript.append(Turn("feedback", "coach", choice.feedback, self.node.id, choice.id))
        self._enter(choice.next)
        return choice

    def fork(self) -> "Session":
        """An independent copy of this play-through, to go on from here along another reply.

        Exploring every path by forking at each decision costs one step per reply instead of
        replaying each whole path from the start (``scenarios check`` explores thousands).
        """
        other = Session.__new__(Session)
        other.__dict__.update(self.__dict__)
        other.raw_scores = dict(self.raw_scores)
        other.flags = set(self.flags)
        other.transcript = list(self.transcript)
        other.path = list(self.path)
        return other

    # -- results ------------------------------------------------------------------
    def result(self) -> dict:
        return {
            "scenario": self.scenario.id,
            "title": self.scenario.title,
            "path": list(self.path),
            "ended": self.ended,
            "outcome": self.outcome,
            "ending": self.node.ending.title if self.node.ending else None,
            "scores": self.scores,
            "max_scores": {r.name: r.max for r in self.scenario.rubric},
            "percent": round(self.percent, 1),
            "final_mood": self.mood,
        }

    def to_json(self) -> str:
        data = self.result()
        data["transcript"] = [t.__dict__ for t in self.transcript]
        return json.dumps(data, indent=2, ensure_ascii=False)

    def to_markdown(self) -> str:
        s = self.scenario
        lines = [f"# Role-play: {s.title}", ""]
        if s.you:
            lines.append(f"*You:* {s.you}. *With:* {s.persona.name} ({s.persona.role}).")
            lines.append("")
        for turn in self.transcript:
            if turn.kind == "line":
                lines.append(f"**{turn.speaker}:** {turn.text}")
            elif turn.kind == "reply":
                lines.append(f"**You:** {turn.text}")
            elif turn.kind == "feedback":
                lines.append(f"> *Feedback:* {turn.text}")
            elif turn.kind == "ending":
                lines.append(f"## Outcome\n\n{turn.text}")
            lines.append("")
        labels = {r.name: r for r in s.rubric}
        lines.append("## Scores")
        lines.append("")
        for name, value in self.scores.items():
            lines.append(f"- {labels[name].label}: {value} / {labels[name].max}")
        lines.append(f"- Overall: {self.percent:.0f}%  ·  final mood: {self.mood}")
        lines.append(f"- Path: {self.path}")
        return "\n".join(lines) + "\n"


def play(scenario: Scenario | str, path: list[str]) -> Session:
    """Replay a list of choice ids from the start; raises PathError at the first impossible step."""
    if isinstance(path, str) or not all(isinstance(p, str) for p in path):
        raise PathError(f"a path is a list of choice ids such as ['listen', 'apologise'], got {path!r}")
    session = Session(scenario)
    for choice_id in path:
        session.choose(choice_id)
    return session


def all_paths(scenario: Scenario | str, limit: int = 20000) -> list[Session]:
    """Every complete play-through (each ending reached by each distinct path), up to ``limit``.

    Loops are cut when the same node is revisited with the same flags, so this
    always stops.
    """
    scenario = load_scenario(scenario) if isinstance(scenario, str) else scenario
    done: list[Session] = []
    stack: list[tuple[Session, frozenset]] = [(Session(scenario), frozenset())]
    while stack and len(done) < limit:
        session, visited = stack.pop()
        if session.ended:
            done.append(session)
            continue
        state = (session.node.id, frozenset(session.flags))
        if state in visited:
            continue
        for choice in session.choices:
            child = session.fork()
            child.choose(choice.id)
            stack.append((child, visited | {state}))
    return done


def extreme_paths(scenario: Scenario | str) -> tuple[Session, Session]:
    """The best play-through (highest overall score) and the worst (lowest).

    Ties on the overall score (which is capped at each rubric maximum and at
    zero) are broken by the uncapped total, then by the shorter path.
    """
    sessions = all_paths(scenario)
    raw = lambda s: sum(s.raw_scores.values())  # noqa: E731
    best = max(sessions, key=lambda s: (s.percent, raw(s), -len(s.path)))
    worst = min(sessions, key=lambda s: (s.percent, raw(s), len(s.path)))
    return best, worst
