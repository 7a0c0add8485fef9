"""Run files: one JSON file per finished team run, in the session's folder.

A workshop session is a folder (``workshop-sessions/NAME/`` in the course, git-ignored).
Every finished run is written once as a file of its own and never changed: a
temporary file first, then linked to a name no other run has, so a reader never
sees half a file from us and two teams finishing in the same second never
overwrite each other. Reading is forgiving: a file that is not a run (bad JSON,
a missing field, a path the scenario does not allow) is reported by name and
skipped, and the other runs still load.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path

from ..roleplay.engine import PathError, Session
from ..roleplay.model import Scenario, ScenarioError, load_scenario

__all__ = [
    "FORMAT", "SESSIONS_FOLDER", "SESSION_ENV", "Run", "Problem", "RunFolder", "RunFileError",
    "build_run", "save_run", "read_run", "read_runs", "session_dir", "default_session_name",
    "check_session_name", "find_course_root",
]

FORMAT = "csworkbook-workshop-run"
VERSION = 1
SESSIONS_FOLDER = "workshop-sessions"
# The app's pages run in Voilà kernels of their own; the command tells them the session folder here.
SESSION_ENV = "CSWORKBOOK_WORKSHOP_SESSION_DIR"
_NAME_OK = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


class RunFileError(ValueError):
    """A run file that cannot be used; the message says what is wrong."""


@dataclass(frozen=True)
class Run:
    """One team's finished play-through, as read back from its file."""

    file: str
    team: str
    scenario: str
    title: str
    path: tuple[str, ...]
    steps: tuple[dict, ...]  # each: step, node, choice, reply, effects, scores (after the step), mood
    outcome: str
    ending: str
    scores: dict
    max_scores: dict
    percent: float
    started: str
    finished: str
    seconds: float


@dataclass(frozen=True)
class Problem:
    file: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.message}"


# -- where sessions live ---------------------------------------------------------------------


def find_course_root(start: str | Path | None = None) -> Path | None:
    """The nearest folder at or above ``start`` with nbgrader_config.py and source/ (no nbgrader import)."""
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "nbgrader_config.py").is_file() and (folder / "source").is_dir():
            return folder
    return None


def default_session_name() -> str:
    return date.today().isoformat()


def check_session_name(name: str) -> str:
    if not _NAME_OK.match(name or ""):
        raise ValueError(
            f"session name {name!r} cannot be a folder name: use letters, digits, '.', '-' or '_' "
            "(up to 64, starting with a letter or digit), e.g. 2026-11-24-morning"
        )
    return name


def session_dir(name: str | None = None, course: str | Path | None = None) -> Path:
    """The folder of session ``name`` (default: today's date); not created here.

    Inside a Voilà page the command has already chosen it (``SESSION_ENV``).
    """
    if name is None and os.environ.get(SESSION_ENV):
        return Path(os.environ[SESSION_ENV])
    root = Path(course) if course else (find_course_root() or Path.cwd())
    return root / SESSIONS_FOLDER / check_session_name(name or default_session_name())


# -- writing ---------------------------------------------------------------------------------


def _now() -> str:
    return datetime.now(timezone.utc).astimezone().isoformat(timespec="seconds")


def build_run(session: Session, team: str, started: str | None = None, seconds: float | None = None) -> dict:
    """The record of a finished play-through: each choice with the scores after it."""
    team = (team or "").strip()
    if not team:
        raise ValueError("a run needs a team name")
    if not session.ended:
        raise ValueError(f"team {team!r} has not finished {session.scenario.id!r} yet: nothing to save")
    replay = Session(session.scenario)
    steps = []
    for n, choice_id in enumerate(session.path, start=1):
        node = replay.node.id
        choice = replay.choose(choice_id)
        steps.append({"step": n, "node": node, "choice": choice.id, "reply": choice.text,
                      "effects": dict(choice.effects), "scores": replay.scores, "mood": replay.mood})
    result = session.result()
    return {
        "format": FORMAT, "version": VERSION, "team": team, "scenario": result["scenario"],
        "title": result["title"], "path": result["path"], "steps": steps, "outcome": result["outcome"],
        "ending": result["ending"], "scores": result["scores"], "max_scores": result["max_scores"],
        "percent": result["percent"], "started": started or _now(), "finished": _now(),
        "seconds": round(seconds, 1) if seconds is not None else None,
    }


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40] or "team"


def save_run(folder: str | Path, record: dict) -> Path:
    """Write ``record`` as a new file in ``folder``; never over another file, never half-written."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    text = json.dumps(record, indent=1, ensure_ascii=False)
    stem = f"{time.strftime('%Y%m%d-%H%M%S')}-{_slug(record['team'])}-{record['scenario']}"
    # Readers skip dot files, so the temporary file is never taken for a run.
    fd, tmp = tempfile.mkstemp(prefix=".writing-", suffix=".json", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        for attempt in range(1000):
            target = folder / (f"{stem}.json" if attempt == 0 else f"{stem}-{secrets.token_hex(3)}.json")
            try:
                # link() fails if the name exists: two runs can never take the same file.
                os.link(tmp, target)
                return target
            except FileExistsError:
                continue
            except OSError:
                # A file system without hard links: rename, having checked the name is free.
                if target.exists():
                    continue
                os.replace(tmp, target)
                return target
        raise RunFileError(f"no free file name for {stem} in {folder}")
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


# -- reading ---------------------------------------------------------------------------------

_FIELDS = {"team": str, "scenario": str, "path": list, "steps": list, "outcome": str, "scores": dict,
           "finished": str}


def _scenario(sid: str, cache: dict) -> Scenario:
    if sid not in cache:
        try:
            cache[sid] = load_scenario(sid)
        except (ScenarioError, KeyError, FileNotFoundError, ValueError) as exc:
            cache[sid] = exc
    if isinstance(cache[sid], Exception):
        raise RunFileError(f"scenario {sid!r} is not one the workbook has")
    return cache[sid]


def read_run(path: str | Path, scenarios: dict | None = None) -> Run:
    """Read and check one run file; raises RunFileError saying what is wrong."""
    path = Path(path)
    scenarios = {} if scenarios is None else scenarios
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise RunFileError(f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    if not text.strip():
        raise RunFileError("empty file (still being written, or cut short)")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        # a run file is one JSON object: one that does not end with its closing brace was cut short
        cut = not text.rstrip().endswith("}")
        raise RunFileError(f"not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
                           + (" (the file looks cut short, half-written)" if cut else "")) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise RunFileError(f"not a workshop run file (no \"format\": \"{FORMAT}\")")
    for name, kind in _FIELDS.items():
        if name not in data:
            raise RunFileError(f"missing field {name!r}")
        if not isinstance(data[name], kind):
            raise RunFileError(f"field {name!r} should be a {kind.__name__}, not {type(data[name]).__name__}")
    if not data["team"].strip():
        raise RunFileError("the team name is empty")
    scenario = _scenario(data["scenario"], scenarios)
    try:
        session = Session(scenario)
        for choice_id in data["path"]:
            if not isinstance(choice_id, str):
                raise PathError(f"a step is {choice_id!r}, not a choice id")
            session.choose(choice_id)
    except PathError as exc:
        raise RunFileError(f"its path cannot be played in {scenario.id!r}: {exc}") from None
    if not session.ended:
        raise RunFileError(f"its path stops before the end of {scenario.id!r} (at node {session.node.id!r})")
    # The steps are rebuilt from the path, so charts never trust numbers the file could get wrong.
    rebuilt = build_run(session, data["team"])
    return Run(file=path.name, team=data["team"].strip(), scenario=scenario.id, title=scenario.title,
               path=tuple(data["path"]), steps=tuple(rebuilt["steps"]), outcome=rebuilt["outcome"],
               ending=rebuilt["ending"], scores=rebuilt["scores"], max_scores=rebuilt["max_scores"],
               percent=rebuilt["percent"], started=str(data.get("started") or ""), finished=data["finished"],
               seconds=data.get("seconds") if isinstance(data.get("seconds"), (int, float)) else None)


@dataclass
class Reading:
    runs: list[Run] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def _run_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix == ".json" and not p.name.startswith(".") and p.is_file())


def read_runs(folder: str | Path) -> Reading:
    """Every run in ``folder``, oldest file name first; each bad file is a Problem, never an exception."""
    return RunFolder(folder).scan()


class RunFolder:
    """A session folder read again and again (the facilitator's poll): unchanged files are not re-read."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)
        self._cache: dict[str, tuple[tuple, Run | Problem]] = {}
        self._scenarios: dict = {}

    def scan(self) -> Reading:
        reading = Reading()
        seen = set()
        for path in _run_files(self.folder):
            try:
                st = path.stat()
            except FileNotFoundError:
                continue
            key = (st.st_mtime_ns, st.st_size)
            seen.add(path.name)
            cached = self._cache.get(path.name)
            if cached is None or cached[0] != key:
                try:
                    item: Run | Problem = read_run(path, self._scenarios)
                except RunFileError as exc:
                    item = Problem(path.name, str(exc))
                except OSError as exc:
                    item = Problem(path.name, f"cannot be read: {exc.strerror or exc}")
                self._cache[path.name] = (key, item)
            item = self._cache[path.name][1]
            (reading.runs if isinstance(item, Run) else reading.problems).append(item)
        for gone in set(self._cache) - seen:
            del self._cache[gone]
        return reading
