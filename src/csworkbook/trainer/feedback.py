"""Feedback for learners that never shows the hidden tests.

nbgrader's own feedback renders the autograded notebook as it is, hidden test
code included (its issue #917), and a failed hidden assert's traceback quotes
the hidden line. Here each test cell is put back to what the learner was given
(the visible tests), and each error is rewritten: a failure on a visible line
keeps its message; a failure inside the hidden tests says only that a hidden
test did not pass. nbgrader then renders the feedback as usual, with the score
of every task, from a copy of the gradebook.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import nbformat

from .grading import CourseError, _api, hidden_test_blocks, snapshot_gradebook, temporary_course

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
    written: list[Path] = []
    with temporary_course(root) as course:
        db_url = snapshot_gradebook(root, course)
        names = [p.stem for p in (root / "release" / assignment).glob("*.ipynb")]
        release = {name: {gid: c["source"] for gid, c in cells.items()}
                   for name, cells in _release_cells(root, assignment, names).items()}
        for folder in folders:
            target = course / "autograded" / folder.parent.name / assignment
            shutil.copytree(folder, target)
            for path in target.glob("*.ipynb"):
                nb = nbformat.read(path, as_version=4)
                nbformat.write(scrub_notebook(nb, release.get(path.stem, {})), path)
        api = _api(course, db_url=db_url)
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
