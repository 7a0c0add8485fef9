"""Role-play scenarios: the data model and a loader that refuses bad files.

A scenario is a YAML file (see ``schema.json`` beside this module for every
field). ``load_scenario`` reads it, checks it against the JSON Schema and then
checks the conversation itself (every choice leads somewhere real, every node
can be reached, every path can end, every score is in the rubric). A file with
any fault raises ``ScenarioError`` listing each fault with its file, line and
column, and nothing of it is loaded.
"""

from __future__ import annotations

import json
from collections import deque
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml

__all__ = [
    "Scenario", "Node", "Choice", "Ending", "Persona", "RubricItem", "ScenarioError", "Problem",
    "load_scenario", "list_scenarios", "scenario_path", "MOODS",
]

MOODS = ("furious", "angry", "annoyed", "neutral", "calm", "satisfied", "delighted")


# ---------------------------------------------------------------------------
# The model
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Persona:
    name: str
    role: str
    mood: str
    description: str = ""


@dataclass(frozen=True)
class RubricItem:
    name: str
    label: str
    max: int
    description: str = ""
    core: bool = True  # a success ending must not be reachable with zero on a core score


@dataclass(frozen=True)
class Ending:
    outcome: str  # success | partial | failure
    title: str
    debrief: str


@dataclass(frozen=True)
class Choice:
    id: str
    text: str
    next: str
    feedback: str
    effects: dict[str, int] = field(default_factory=dict)
    sets: tuple[str, ...] = ()
    requires_flags: tuple[str, ...] = ()
    requires_not_flags: tuple[str, ...] = ()
    min_scores: dict[str, int] = field(default_factory=dict)

    @property
    def conditional(self) -> bool:
        return bool(self.requires_flags or self.requires_not_flags or self.min_scores)


@dataclass(frozen=True)
class Node:
    id: str
    speaker: str
    text: str
    mood: int = 0
    choices: tuple[Choice, ...] = ()
    ending: Ending | None = None


@dataclass(frozen=True)
class Scenario:
    id: str
    title: str
    topic: str
    summary: str
    objectives: tuple[str, ...]
    criteria: tuple[str, ...]
    persona: Persona
    you: str
    rubric: tuple[RubricItem, ...]
    start: str
    nodes: dict[str, Node]
    source: str = ""

    def node(self, node_id: str) -> Node:
        return self.nodes[node_id]

    @property
    def endings(self) -> list[Node]:
        return [n for n in self.nodes.values() if n.ending is not None]

    @property
    def max_total(self) -> int:
        return sum(r.max for r in self.rubric)


# ---------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.message}"


class ScenarioError(ValueError):
    """A scenario file has one or more faults; nothing from it was loaded."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        shown = "\n".join(f"  {p}" for p in problems[:20])
        more = f"\n  ... and {len(problems) - 20} more" if len(problems) > 20 else ""
        count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
        super().__init__(f"{problems[0].file}: {count} in this scenario; nothing was loaded\n{shown}{more}")


# ---------------------------------------------------------------------------
# YAML with positions
# ---------------------------------------------------------------------------


class _Positions(dict):
    """Maps a path inside the document, such as ('nodes', 'opening', 'choices', 0), to (line, column)."""

    def find(self, path) -> tuple[int, int]:
        path = tuple(path)
        while path not in self and path:
            path = path[:-1]
        return self.get(path, (1, 1))


def _parse(text: str, file: str) -> tuple[object, _Positions]:
    positions = _Positions()
    problems: list[Problem] = []
    constructor = yaml.constructor.SafeConstructor()
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise ScenarioError([Problem(file, line, col, f"YAML syntax: {exc.problem or exc}")]) from None
    except yaml.YAMLError as exc:
        raise ScenarioError([Problem(file, 1, 1, f"YAML syntax: {exc}")]) from None
    if root is None:
        raise ScenarioError([Problem(file, 1, 1, "the file is empty")])

    def build(node, path):
        positions.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
        if isinstance(node, yaml.MappingNode):
            out = {}
            for key_node, value_node in node.value:
                key = constructor.construct_object(key_node, deep=True)
                where = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
                if key in out:
                    problems.append(Problem(file, *where, f"duplicate key {key!r}: each key may appear only once here"))
                    continue
                positions[path + (key,)] = where
                out[key] = build(value_node, path + (key,))
            return out
        if isinstance(node, yaml.SequenceNode):
            return [build(item, path + (i,)) for i, item in enumerate(node.value)]
        return constructor.construct_object(node, deep=True)

    data = build(root, ())
    if problems:
        raise ScenarioError(problems)
    return data, positions


# ---------------------------------------------------------------------------
# Checking
# ---------------------------------------------------------------------------


def _schema() -> dict:
    return json.loads((resources.files(__package__) / "schema.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _validator():
    # Our own checker of schema.json's keywords: importing jsonschema costs over a second
    # (schema_check.py says why; a test checks that both agree).
    from .schema_check import Validator

    return Validator(_schema())


def _where(path) -> str:
    parts = []
    for p in path:
        parts.append(f"[{p}]" if isinstance(p, int) else (f".{p}" if parts else str(p)))
    return "".join(parts) or "the top level"


def _schema_problems(data, positions: _Positions, file: str) -> list[Problem]:
    problems = []
    for error in _validator().iter_errors(data):
        path = tuple(error.absolute_path)
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            allowed = set(error.schema.get("properties", {}))
            for key in [k for k in error.instance if k not in allowed]:
                line, col = positions.find(path + (key,))
                known = ", ".join(sorted(allowed))
                problems.append(Problem(file, line, col, f"unknown field {key!r} in {_where(path)}; allowed fields: {known}"))
            continue
        line, col = positions.find(path)
        if error.validator == "oneOf" and len(path) == 2 and path[0] == "nodes":
            has = [k for k in ("choices", "ending") if k in error.instance]
            what = "has both `choices` and an `ending`" if len(has) == 2 else "has neither `choices` nor an `ending`"
            message = f"node {path[1]!r} {what}; a node either offers replies or ends the conversation"
        elif error.validator == "required":
            message = f"{_where(path)} is missing {error.message.split(' is a required')[0]}"
        elif error.validator == "enum":
            options = ", ".join(map(str, error.validator_value))
            message = f"{_where(path)}: {error.instance!r} is not one of: {options}"
        elif error.validator == "pattern" and "BSBCUS" in error.validator_value:
            message = f"{_where(path)}: {error.instance!r} is not a performance criterion such as 'BSBCUS401:3.1'"
        elif error.validator == "pattern" and path and path[-1] == "topic":
            message = f"topic: {error.instance!r} is not a topic folder name such as '06-complaint-handling'"
        elif error.validator == "pattern":
            message = f"{_where(path)}: {error.instance!r} is not a valid id (lower-case letters, digits, - and _)"
        else:
            message = f"{_where(path)}: {error.message}"
        problems.append(Problem(file, line, col, message))
    return problems


def _semantic_problems(data: dict, positions: _Positions, file: str) -> list[Problem]:
    problems: list[Problem] = []

    def add(path, message):
        problems.append(Problem(file, *positions.find(path), message))

    nodes: dict = data["nodes"]
    rubric = set(data["rubric"])
    rubric_text = ", ".join(sorted(rubric))
    if data["start"] not in nodes:
        add(("start",), f"start node {data['start']!r} is not one of the nodes")
    flags_set = {flag for node in nodes.values() for ch in node.get("choices", []) for flag in ch.get("sets", [])}
    for node_id, node in nodes.items():
        seen = set()
        choices = node.get("choices", [])
        for i, ch in enumerate(choices):
            path = ("nodes", node_id, "choices", i)
            if ch["id"] in seen:
                add(path + ("id",), f"node {node_id!r} has two choices with the id {ch['id']!r}")
            seen.add(ch["id"])
            if ch["next"] not in nodes:
                add(path + ("next",), f"choice {ch['id']!r} of node {node_id!r} leads to {ch['next']!r}, which is not a node")
            for score in ch.get("effects", {}):
                if score not in rubric:
                    add(path + ("effects", score), f"score {score!r} is not in the rubric ({rubric_text})")
            req = ch.get("requires", {})
            for score in req.get("min_scores", {}):
                if score not in rubric:
                    add(path + ("requires", "min_scores", score), f"score {score!r} is not in the rubric ({rubric_text})")
            for flag in req.get("flags", []):
                if flag not in flags_set:
                    add(path + ("requires", "flags"), f"choice {ch['id']!r} needs the flag {flag!r}, which no choice sets")
        if choices and all("requires" in ch for ch in choices):
            add(("nodes", node_id, "choices"),
                f"every choice at node {node_id!r} has conditions, so a learner could be left with nothing to say; "
                "give at least one choice no `requires`")
    if data["start"] not in nodes:
        return problems

    # Reachability ignores conditions: it over-estimates where a learner can go, which is the safe side here.
    # Choices that lead nowhere were reported above and are left out of the graph.
    edges = {nid: [ch["next"] for ch in n.get("choices", []) if ch["next"] in nodes] for nid, n in nodes.items()}
    reached, queue = {data["start"]}, deque([data["start"]])
    while queue:
        for nxt in edges[queue.popleft()]:
            if nxt not in reached:
                reached.add(nxt)
                queue.append(nxt)
    for node_id in nodes:
        if node_id not in reached:
            add(("nodes", node_id), f"node {node_id!r} cannot be reached from the start node {data['start']!r}")
    endings = {nid for nid, n in nodes.items() if "ending" in n}
    if not endings:
        add(("nodes",), "the scenario has no ending: at least one node needs an `ending`")
        return problems
    reverse: dict[str, list[str]] = {nid: [] for nid in nodes}
    for nid, targets in edges.items():
        for t in targets:
            reverse[t].append(nid)
    can_end, queue = set(endings), deque(endings)
    while queue:
        for prev in reverse[queue.popleft()]:
            if prev not in can_end:
                can_end.add(prev)
                queue.append(prev)
    for node_id in sorted(reached - can_end, key=lambda n: positions.find(("nodes", n))):
        add(("nodes", node_id), f"from node {node_id!r} no path leads to an ending: the conversation could never finish")
    return problems


def _build(data: dict, source: str) -> Scenario:
    rubric = tuple(RubricItem(k, v["label"], v["max"], v.get("description", ""), v.get("core", True))
                   for k, v in data["rubric"].items())
    nodes = {}
    for node_id, n in data["nodes"].items():
        choices = tuple(
            Choice(
                id=c["id"], text=c["text"], next=c["next"], feedback=c["feedback"],
                effects=dict(c.get("effects", {})), sets=tuple(c.get("sets", [])),
                requires_flags=tuple(c.get("requires", {}).get("flags", [])),
                requires_not_flags=tuple(c.get("requires", {}).get("not_flags", [])),
                min_scores=dict(c.get("requires", {}).get("min_scores", {})),
            )
            for c in n.get("choices", [])
        )
        ending = Ending(**n["ending"]) if "ending" in n else None
        nodes[node_id] = Node(node_id, n["speaker"], n["text"].strip(), n.get("mood", 0), choices, ending)
    p = data["persona"]
    return Scenario(
        id=data["id"], title=data["title"], topic=data["topic"], summary=data.get("summary", "").strip(),
        objectives=tuple(data["objectives"]), criteria=tuple(data["criteria"]),
        persona=Persona(p["name"], p["role"], p["mood"], p.get("description", "").strip()),
        you=data.get("you", ""), rubric=rubric, start=data["start"], nodes=nodes, source=source,
    )


def parse_scenario(text: str, file: str = "<scenario>") -> Scenario:
    """Check and build a scenario from YAML text; raise ScenarioError listing every fault."""
    data, positions = _parse(text, file)
    if not isinstance(data, dict):
        raise ScenarioError([Problem(file, 1, 1, "a scenario must be a mapping of fields (id:, title:, ...)")])
    problems = _schema_problems(data, positions, file)
    if not problems:
        problems = _semantic_problems(data, positions, file)
    if problems:
        raise ScenarioError(sorted(problems, key=lambda p: (p.line, p.column)))
    return _build(data, file)


# ---------------------------------------------------------------------------
# Finding and loading files
# ---------------------------------------------------------------------------


def _scenario_dir() -> Path:
    return Path(str(resources.files(__package__) / "scenarios"))


def list_scenarios() -> list[str]:
    """Ids of the scenarios that ship with the workbook."""
    return sorted(p.stem for p in _scenario_dir().glob("*.yaml"))


def scenario_path(scenario_id: str) -> Path:
    path = _scenario_dir() / f"{scenario_id}.yaml"
    if not path.is_file():
        raise KeyError(f"no scenario called {scenario_id!r}; the shipped ones are: {', '.join(list_scenarios())}")
    return path


def load_scenario(name_or_path: str | Path) -> Scenario:
    """A shipped scenario by id (``"late-delivery"``), or any YAML file by path."""
    path = Path(name_or_path)
    if path.suffix not in (".yaml", ".yml"):
        path = scenario_path(str(name_or_path))
    try:
        stat = path.stat()
    except OSError:
        raise ScenarioError([Problem(str(path), 1, 1, "no such file")]) from None
    # Scenarios are immutable once built: each version of a file (its time and size) is parsed once.
    return _load_file(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=64)
def _load_file(name: str, mtime_ns: int, size: int) -> Scenario:
    path = Path(name)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError([Problem(str(path), 1, 1, "no such file")]) from None
    except UnicodeDecodeError as exc:
        raise ScenarioError([Problem(str(path), 1, 1, f"not UTF-8 text (byte {exc.start})")]) from None
    scenario = parse_scenario(text, str(path))
    if path.parent == _scenario_dir() and scenario.id != path.stem:
        raise ScenarioError([Problem(str(path), 1, 1, f"the id {scenario.id!r} must match the file name {path.stem!r}")])
    return scenario
