"""What each graded cell is called, and what went wrong with it, for the trainer's outputs.

Task names come from the notebooks themselves: each task's Markdown text starts with a
heading such as ``### Task 2 · CSAT by channel``, and a graded cell is named by the
nearest such heading above it (its own, for a written answer). There is no table of
names to keep in step with the notebooks.

``diagnose`` reads one autograded notebook and says, task by task, whether the learner
passed, did not attempt it, wrote code that did not run, failed a test, ran out of time,
or wrote an answer still waiting to be marked. The grade table, the feedback pages and
the class report all use it, so they never disagree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

TASK_HEADING = re.compile(r"^#{1,6}\s*(Task\s+\w+\s*·.*?)\s*$", re.M)

# What went wrong, in the order a trainer should look at it (the class report sorts by it).
SUSPICIOUS = "flagged as suspicious"
TIME_LIMIT = "time limit hit"
DID_NOT_RUN = "code did not run"
NOT_ATTEMPTED = "not attempted"
TEST_FAILED = "a test failed"
PROBLEM_ORDER = (SUSPICIOUS, TIME_LIMIT, DID_NOT_RUN, NOT_ATTEMPTED, TEST_FAILED)

PASSED, WAITING, MARKED, BLANK = "passed", "waiting to be marked", "marked", "left blank"


def _meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


def task_names(nb) -> dict[str, str]:
    """Each graded cell's grade id -> its task's name (the nearest task heading above it, or the id)."""
    names, current = {}, None
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            found = TASK_HEADING.findall(cell.source)
            if found:
                current = found[-1]
        meta = _meta(cell)
        if meta.get("grade") and meta.get("grade_id"):
            names[meta["grade_id"]] = current or meta["grade_id"]
    return names


def release_task_names(root: Path, assignment: str) -> dict[tuple[str, str], str]:
    """(notebook, grade id) -> task name, read from what learners were given in release/."""
    out = {}
    for path in sorted((Path(root) / "release" / assignment).glob("*.ipynb")):
        for gid, name in task_names(nbformat.read(path, as_version=4)).items():
            out[(path.stem, gid)] = name
    return out


def task_label(name: str) -> str:
    """'Task 2 · CSAT by channel' -> 'Task 2'."""
    return short_name(name).split(" · ")[0]


def short_name(name: str) -> str:
    """'Task 8b · Why that path (marked by your trainer)' -> 'Task 8b · Why that path'."""
    return re.sub(r"\s*\(marked by your trainer\)\s*$", "", name)


@dataclass
class TaskState:
    grade_id: str
    name: str
    kind: str  # "code" (autograded tests) | "written" (marked by the trainer)
    status: str  # passed | a PROBLEM_ORDER entry | waiting to be marked | marked
    detail: str = ""  # e.g. "SyntaxError: invalid syntax (line 3)"
    score: float | None = None
    max_score: float = 0.0


@dataclass
class Diagnosis:
    tasks: list[TaskState] = field(default_factory=list)

    def problems(self, short: bool = False) -> list[str]:
        """What went wrong, worst first, with the tasks it went wrong in ("Task 2" alone when ``short``)."""
        out = []
        code = [t for t in self.tasks if t.kind == "code"]
        if code and all(t.status == NOT_ATTEMPTED for t in code):
            return [f"{NOT_ATTEMPTED}: every task"]
        for label in PROBLEM_ORDER:
            hit = [task_label(t.name) if short else short_name(t.name) for t in self.tasks if t.status == label]
            if hit:
                out.append(f"{label}: {', '.join(hit)}")
        return out

    def waiting(self) -> list[TaskState]:
        return [t for t in self.tasks if t.status == WAITING]

    def summary(self) -> str:
        """One line for the grade table."""
        code = [t for t in self.tasks if t.kind == "code"]
        if code and all(t.status == NOT_ATTEMPTED for t in code):
            text = "nothing attempted"
        elif code and all(t.status == PASSED for t in code):
            text = "all autograded tasks passed"
        else:
            text = "; ".join(self.problems()) or "ok"
        if self.waiting():
            text += f"; {len(self.waiting())} written answer(s) to mark"
        return text


def _error_of(cell) -> tuple[str, str] | None:
    for out in cell.get("outputs", []):
        if out.get("output_type") == "error":
            return out.get("ename", ""), out.get("evalue", "")
    return None


def _describe(ename: str, evalue: str) -> str:
    return f"{ename}: {evalue}".strip().rstrip(":")[:200]


def diagnose(nb, release_sources: dict[str, str], grades: dict[str, tuple[float | None, float, bool]] | None = None,
             names: dict[str, str] | None = None) -> Diagnosis:
    """Task by task, what happened in one autograded notebook.

    ``release_sources``: grade id -> the cell's source as learners were given it (an answer
    left as it was is not attempted). ``grades``: grade id -> (score, max, needs manual grade)
    from the gradebook; without it the test cells' outputs decide pass or fail.
    """
    names = names or task_names(nb)
    grades = grades or {}
    result = Diagnosis()
    answers: list = []  # the answer cells since the last graded cell
    for cell in nb.cells:
        meta = _meta(cell)
        gid = meta.get("grade_id")
        if meta.get("solution") and not meta.get("grade"):
            answers.append(cell)
            continue
        if not meta.get("grade") or not gid:
            continue
        score, maximum, pending = grades.get(gid, (None, float(meta.get("points", 0) or 0), False))
        state = TaskState(gid, names.get(gid, gid), "written" if meta.get("solution") else "code", PASSED,
                          score=score, max_score=maximum)
        if state.kind == "written":
            blank = cell.source.strip() == release_sources.get(gid, "").strip() or not cell.source.strip()
            if pending:
                state.status, state.score = WAITING, None
            else:
                # nbgrader scores an answer left as it was given 0 by itself; anything else a trainer marked.
                state.status = BLANK if blank and not score else MARKED
        else:
            state.status, state.detail = _code_status(cell, answers, release_sources, score, maximum)
        result.tasks.append(state)
        answers = []
    return result


def _code_status(test_cell, answers, release_sources, score, maximum) -> tuple[str, str]:
    for cell in answers + [test_cell]:
        error = _error_of(cell)
        if error and (error[0] == "CellTimeoutError" or (error[0] == "NotRun" and "time limit" in error[1])):
            return TIME_LIMIT, _describe(*error)
    untouched = all(c.source.strip() == release_sources.get(_meta(c).get("grade_id"), "\0").strip() for c in answers)
    if answers and untouched:
        return NOT_ATTEMPTED, "the answer cell was left as it was given"
    for cell in answers:
        error = _error_of(cell)
        if error is None:
            continue
        if error[0] == "NotImplementedError":
            return NOT_ATTEMPTED, "the answer still raises NotImplementedError"
        return DID_NOT_RUN, _describe(*error)  # a SyntaxError, an error while running, or a kernel that died
    passed = score >= maximum > 0 if score is not None else _error_of(test_cell) is None
    if passed:
        return PASSED, ""
    error = _error_of(test_cell)
    return TEST_FAILED, _describe(*error) if error else ""


def is_waiting(grade) -> bool:
    """A written answer (an nbgrader Grade) still waiting for a trainer's mark.

    nbgrader scores a written answer left blank 0 by itself and needs no mark for it; a
    submission held as suspicious needs every grade reviewed, written answers included."""
    return grade.cell_type == "markdown" and grade.manual_score is None and (
        grade.auto_score is None or bool(grade.needs_manual_grade))


def release_sources(root: Path, assignment: str) -> dict[str, dict[str, str]]:
    """notebook -> grade id -> the cell's source in release/ (what learners were given)."""
    out = {}
    for path in sorted((Path(root) / "release" / assignment).glob("*.ipynb")):
        out[path.stem] = {_meta(c)["grade_id"]: c.source for c in nbformat.read(path, as_version=4).cells
                          if _meta(c).get("grade_id")}
    return out


def gradebook_grades(gb, assignment: str, student: str, notebook: str) -> dict[str, tuple[float | None, float, bool]]:
    """grade id -> (score, maximum, still needs a trainer's mark) for one submitted notebook."""
    from nbgrader.api import MissingEntry

    try:
        sub = gb.find_submission_notebook(notebook, assignment, student)
    except MissingEntry:
        return {}
    out = {}
    for grade in sub.grades:
        waiting = is_waiting(grade)
        out[grade.name] = (None if waiting else float(grade.score), float(grade.max_score), waiting)
    return out


def diagnose_submission(root: Path, assignment: str, student: str, gb=None) -> dict[str, Diagnosis]:
    """notebook -> Diagnosis for one learner's autograded submission (notebooks that were not graded are left out)."""
    from .grading import gradebook_url

    root = Path(root)
    folder = root / "autograded" / student / assignment
    sources = release_sources(root, assignment)
    names = {}
    for path in sorted((root / "release" / assignment).glob("*.ipynb")):
        names[path.stem] = task_names(nbformat.read(path, as_version=4))

    def run(book):
        out = {}
        for name in sources:
            path = folder / f"{name}.ipynb"
            if not path.is_file():
                continue
            try:
                nb = nbformat.read(path, as_version=4)
            except Exception:  # noqa: BLE001 - grading reported it already
                continue
            out[name] = diagnose(nb, sources[name], gradebook_grades(book, assignment, student, name), names[name])
        return out

    if gb is not None:
        return run(gb)
    from nbgrader.api import Gradebook

    with Gradebook(gradebook_url(root)) as book:
        return run(book)
