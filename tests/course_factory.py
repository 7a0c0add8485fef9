"""Small real nbgrader courses for tests: fast to autograde (no pandas in the kernel)."""

from __future__ import annotations

import copy
import shutil
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

REPO = Path(__file__).resolve().parents[1]
ASSIGNMENT = "demo"
NOTEBOOK = "demo"


def _meta(grade_id, **flags):
    meta = {"grade": False, "solution": False, "locked": False, "grade_id": grade_id, "schema_version": 3}
    meta.update(flags)
    return {"nbgrader": meta}


def demo_notebook() -> nbformat.NotebookNode:
    cells = [
        new_markdown_cell("# Demo\nTwo small tasks and a written answer.", id="intro",
                          metadata=_meta("intro", locked=True)),
        new_code_cell("def double(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION",
                      id="a1", metadata=_meta("a1", solution=True)),
        new_code_cell("assert double(2) == 4\n### BEGIN HIDDEN TESTS\nassert double(-7) == -14, 'hidden double'\n"
                      "### END HIDDEN TESTS", id="t1", metadata=_meta("t1", grade=True, locked=True, points=2)),
        new_code_cell("def triple(x):\n    ### BEGIN SOLUTION\n    return 3 * x\n    ### END SOLUTION",
                      id="a2", metadata=_meta("a2", solution=True)),
        new_code_cell("assert triple(1) == 3\n### BEGIN HIDDEN TESTS\nassert triple(5) == 15, 'hidden triple'\n"
                      "### END HIDDEN TESTS", id="t2", metadata=_meta("t2", grade=True, locked=True, points=3)),
        new_markdown_cell("Why double?\n\n=== BEGIN MARK SCHEME ===\nAny sensible reason.\n=== END MARK SCHEME ===",
                          id="q3", metadata=_meta("q3", grade=True, solution=True, points=2)),
    ]
    return new_notebook(cells=cells, metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                              "language": "python"}})


def make_course(root: Path) -> Path:
    """A course folder with the repository's config, one assignment in source/, and its release/."""
    from csworkbook.trainer import grading

    root.mkdir(parents=True, exist_ok=True)
    shutil.copy2(REPO / "nbgrader_config.py", root / "nbgrader_config.py")
    (root / "source" / ASSIGNMENT).mkdir(parents=True)
    nbformat.write(demo_notebook(), root / "source" / ASSIGNMENT / f"{NOTEBOOK}.ipynb")
    grading.build_release(root)
    return root


def release_notebook(root: Path) -> nbformat.NotebookNode:
    return nbformat.read(root / "release" / ASSIGNMENT / f"{NOTEBOOK}.ipynb", as_version=4)


def answered(root: Path, answers: dict[str, str] | None = None, written: str = "Because doubling is useful.") -> nbformat.NotebookNode:
    """The release notebook filled in as a student would; answers default to correct ones."""
    nb = copy.deepcopy(release_notebook(root))
    answers = {"a1": "def double(x):\n    return 2 * x", "a2": "def triple(x):\n    return 3 * x", **(answers or {})}
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid in answers:
            cell.source = answers[gid]
        if gid == "q3":
            cell.source = written
    return nb


def submit(root: Path, student: str, nb: nbformat.NotebookNode | bytes | None, filename: str = f"{NOTEBOOK}.ipynb",
           timestamp: str = "2026-11-20 10:00:00.000000 UTC") -> Path:
    folder = root / "submitted" / student / ASSIGNMENT
    folder.mkdir(parents=True, exist_ok=True)
    if isinstance(nb, bytes):
        (folder / filename).write_bytes(nb)
    elif nb is not None:
        nbformat.write(nb, folder / filename)
    (folder / "timestamp.txt").write_text(timestamp)
    return folder

