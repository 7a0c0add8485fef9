"""Feedback for learners that never shows the hidden tests.

nbgrader's own feedback renders the autograded notebook as it is, hidden test
code included (its issue #917), and a failed hidden assert's traceback quotes
the hidden line. Here each test cell is put back to what the learner was given
(the visible tests), and each error is rewritten: a failure on a visible line
keeps its message; a failure inside the hidden tests says only that a hidden
test did not pass. nbgrader then renders the feedback as usual, with the score
of every task, from a copy of the gradebook.

The page is nbgrader's feedback page with changes for learners (the template in
``templates/feedback``): each task is named by its heading in the notebook
("Task 2 · CSAT by channel") in the index and above its cells; a written answer not
yet marked reads "waiting to be marked" and stays out of the total; a role-play shows
the learner's path, ending and scores rather than the widget's raw text; long lines wrap.
"""

from __future__ import annotations

import ast
import html
import re
import shutil
from pathlib import Path

import nbformat

from . import tasks as task_info
from .grading import CourseError, _api, gradebook_url, hidden_test_blocks, snapshot_gradebook, temporary_course

TEMPLATES = Path(__file__).with_name("templates")
WIDGET = "application/vnd.jupyter.widget-view+json"

HIDDEN_NOTE = "# (Hidden tests also ran here. Their code is not shown.)"
HIDDEN_FAILED = ("A hidden test did not pass: your code gives the right answer on the examples you can see, "
                 "but not on other data. Check that it works in general, not just for these numbers.")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _hidden_line_numbers(source: str) -> set[int]:
    hidden = set()
    for match in hidden_test_blocks(source):
        first = source[: match.start()].count("\n") + 1
        last = first + match.group(0).count("\n")
        hidden.update(range(first, last + 1))
    return hidden


def _failing_line(traceback: list[str]) -> int | None:
    """The line of the test cell where the error was raised (the first frame in a notebook cell)."""
    text = _ANSI.sub("", "\n".join(traceback))
    match = re.search(r"(?:Cell In\s*\[\d*\]|<ipython-input-[^>]*>|<cell line: \d+>),?\s*line (\d+)", text)
    return int(match.group(1)) if match else None


def scrub_cell(cell, visible_source: str) -> None:
    """Show a test cell as the learner was given it, and only errors they may see."""
    full_source = cell.source
    hidden = _hidden_line_numbers(full_source)
    cell.source = visible_source.rstrip() + ("\n" + HIDDEN_NOTE if hidden else "")
    outputs = []
    for out in cell.get("outputs", []):
        if out.get("output_type") != "error":
            outputs.append(out)
            continue
        if out.get("ename") in ("NotRun", "DeadKernelError", "CellTimeoutError"):
            outputs.append(out)
            continue
        line = _failing_line(out.get("traceback", []))
        if line is not None and line not in hidden:
            code = full_source.splitlines()[line - 1].strip() if line <= len(full_source.splitlines()) else ""
            message = f"{out['ename']}: {out.get('evalue', '')}".rstrip(": ")
            traceback = [f"A visible test did not pass, at line {line}: {code}", message]
            outputs.append(nbformat.v4.new_output("error", ename=out["ename"], evalue=out.get("evalue", ""),
                                                  traceback=traceback))
        else:
            outputs.append(nbformat.v4.new_output("error", ename="HiddenTestFailed", evalue="",
                                                  traceback=[HIDDEN_FAILED]))
    cell.outputs = outputs


def scrub_notebook(nb, release_sources: dict[str, str]):
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("grade") and not meta.get("solution"):
            gid = meta.get("grade_id")
            if gid in release_sources:
                scrub_cell(cell, release_sources[gid])
    return nb


def annotate(nb, names: dict[str, str], grades: dict[str, tuple]) -> None:
    """Add what the feedback template shows: each graded cell's task name and whether it waits for
    marking, and the notebook's total without the answers still waiting."""
    score = maximum = waiting_points = 0.0
    waiting = []
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        gid = meta.get("grade_id")
        if not meta.get("grade") or not gid:
            continue
        got, out_of, pending = grades.get(gid, (0.0, float(meta.get("points", 0) or 0), False))
        cell.metadata["csworkbook"] = {"task": task_info.short_name(names.get(gid, gid)), "waiting": bool(pending)}
        if pending:
            waiting_points += out_of
            waiting.append(task_info.short_name(names.get(gid, gid)))
        else:
            score += got or 0.0
            maximum += out_of
    nb.metadata["csworkbook"] = {"score": round(score, 2), "max_score": maximum, "waiting_points": waiting_points,
                                 "waiting": waiting}


def _literal_assignment(nb, name: str):
    """The literal value the learner's code last assigns to ``name`` (None if there is none, or it cannot be read)."""
    found = None
    for cell in nb.cells:
        if cell.cell_type != "code" or name not in cell.source:
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
                try:
                    found = ast.literal_eval(node.value)
                except ValueError:
                    pass
    return found


def _path_variables() -> dict[str, str]:
    """scenario id -> the name of the variable a path task asks for (from the checks' path problems)."""
    from ..checks import customer_needs, measuring_satisfaction, service_audit
    from ..checks.core import PathProblem

    out = {}
    for module in (customer_needs, measuring_satisfaction, service_audit):
        for value in vars(module).values():
            if isinstance(value, PathProblem) and value.scenario:
                out[value.scenario] = value.var
    return out


def roleplay_summary(scenario_id: str, path) -> str:
    """HTML for a role-play in feedback: the learner's path, where it ended, and its scores."""
    from ..roleplay import PathError, load_scenario, play

    scenario = load_scenario(scenario_id)
    head = f"<div class='csw-roleplay'><p><strong>Role-play: {html.escape(scenario.title)}</strong></p>"
    if not (isinstance(path, list) and all(isinstance(p, str) for p in path)) or not path:
        return head + ("<p>The grader cannot click through a role-play, so it replays the path you wrote in the "
                       "task below; no path could be read from your notebook.</p></div>")
    try:
        session = play(scenario, path)
    except PathError as exc:
        return head + (f"<p>Your path: {html.escape(' → '.join(path))}</p>"
                       f"<p>It could not be replayed: {html.escape(str(exc))}</p></div>")
    labels = {r.name: r for r in scenario.rubric}
    ending = (f"{html.escape(session.node.ending.title)} ({html.escape(session.outcome)})" if session.ended
              else "the conversation had not reached an ending")
    scores = "".join(f"<li>{html.escape(labels[n].label)}: {v} / {labels[n].max}</li>" for n, v in session.scores.items())
    return head + (f"<p>Your path (replayed from your answer to the task): {html.escape(' → '.join(path))}</p>"
                   f"<p>Ending: {ending}</p><ul>{scores}</ul><p>Overall: {session.percent:.0f}%</p></div>")


def replace_widgets(nb) -> None:
    """Widgets cannot run in a feedback page: a role-play becomes its summary, any other widget a short note."""
    scenario_of = re.compile(r"RolePlay\(\s*[\"']([\w-]+)[\"']")
    variables = None
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if WIDGET not in data:
                continue
            text = data.get("text/plain", "")
            text = "".join(text) if isinstance(text, list) else text
            found = scenario_of.search(cell.source)
            if text.startswith("RolePlay(") and found:
                variables = variables if variables is not None else _path_variables()
                var = variables.get(found.group(1))
                page = roleplay_summary(found.group(1), _literal_assignment(nb, var) if var else None)
            else:
                page = "<p><em>(An interactive widget: open the notebook in JupyterLab to use it.)</em></p>"
            out["data"] = {"text/html": page, "text/plain": re.sub(r"<[^>]+>", " ", page)}


def waiting_for_marking(root: str | Path, assignment: str, students: list[str] | None = None) -> dict[str, list[str]]:
    """student -> the written answers still waiting for a trainer's mark (only learners with some)."""
    from nbgrader.api import Gradebook

    root = Path(root)
    names = task_info.release_task_names(root, assignment)
    out: dict[str, list[str]] = {}
    with Gradebook(gradebook_url(root)) as gb:
        for sub in gb.assignment_submissions(assignment):
            if students and sub.student.id not in students:
                continue
            for nb in sub.notebooks:
                for grade in nb.grades:
                    if task_info.is_waiting(grade):
                        out.setdefault(sub.student.id, []).append(
                            task_info.short_name(names.get((nb.name, grade.name), grade.name)))
    return dict(sorted(out.items()))


def generate(root: str | Path, assignment: str, students: list[str] | None = None,
             progress: bool = False) -> list[Path]:
    """Write HTML feedback for every autograded submission into feedback/; return the files."""
    from .autograde import _release_cells

    root = Path(root).resolve()
    autograded = root / "autograded"
    folders = sorted(p for p in autograded.glob(f"*/{assignment}") if p.is_dir()) if autograded.is_dir() else []
    if students:
        folders = [f for f in folders if f.parent.name in students]
    if not folders:
        raise CourseError(f"nothing autograded for {assignment!r} yet: run `csworkbook grade {assignment}` first")
    # A submission with no readable notebook has nothing to show; `csworkbook grade` reported it already.
    folders = [f for f in folders if any(f.glob("*.ipynb"))]
    from nbgrader.api import Gradebook
    from traitlets.config import Config

    written: list[Path] = []
    with temporary_course(root) as course:
        db_url = snapshot_gradebook(root, course)
        names = [p.stem for p in (root / "release" / assignment).glob("*.ipynb")]
        release = {name: {gid: c["source"] for gid, c in cells.items()}
                   for name, cells in _release_cells(root, assignment, names).items()}
        task_names = {name: task_info.task_names(nbformat.read(root / "release" / assignment / f"{name}.ipynb",
                                                               as_version=4)) for name in names}
        with Gradebook(db_url) as gb:
            for folder in folders:
                target = course / "autograded" / folder.parent.name / assignment
                shutil.copytree(folder, target)
                for path in target.glob("*.ipynb"):
                    nb = nbformat.read(path, as_version=4)
                    scrub_notebook(nb, release.get(path.stem, {}))
                    annotate(nb, task_names.get(path.stem, {}),
                             task_info.gradebook_grades(gb, assignment, folder.parent.name, path.stem))
                    replace_widgets(nb)
                    nbformat.write(nb, path)
        # nbgrader's API always asks for the template called "feedback": ours has that name and is
        # found first, in place of nbgrader's own.
        extra = Config()
        extra.HTMLExporter.extra_template_basedirs = [str(TEMPLATES)]
        api = _api(course, db_url=db_url, extra=extra)
        items = [f.parent.name for f in folders]
        if progress:
            from tqdm.auto import tqdm

            items = tqdm(items, desc=f"feedback {assignment}", unit="student")
        for student in items:
            result = api.generate_feedback(assignment, student, force=True)
            if not result.get("success"):
                raise CourseError(f"nbgrader could not write feedback for {student}: {result.get('error') or result.get('log')}")
            out = root / "feedback" / student / assignment
            shutil.rmtree(out, ignore_errors=True)
            shutil.copytree(course / "feedback" / student / assignment, out)
            written.extend(sorted(out.glob("*.html")))
    return written


def leaked_hidden_lines(html_files: list[Path], source_notebooks: list[Path]) -> list[str]:
    """Hidden-test lines from the source notebooks that appear in any feedback file (should be none)."""
    import html as html_lib

    hidden = set()
    for path in source_notebooks:
        for cell in nbformat.read(path, as_version=4).cells:
            for block in hidden_test_blocks(cell.source):
                hidden.update(line.strip() for line in block.group(2).splitlines() if len(line.strip()) >= 12)
    found = []
    for page in html_files:
        text = html_lib.unescape(re.sub(r"<[^>]+>", "", page.read_text(encoding="utf-8")))
        found += [f"{page.name}: {line}" for line in hidden if line in text]
    return found
