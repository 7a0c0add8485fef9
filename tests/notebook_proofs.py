"""What the proofs of every topic share: the instructor notebook run as a namespace, a task's test
cell run against another answer, the words a story test quotes, and the names a hint's code uses.

Each topic's `tests/test_checks*.py` and `tests/test_story_*.py` call these with its own notebook.
"""

from __future__ import annotations

import ast
import builtins
import inspect
import re
from functools import lru_cache
from pathlib import Path

import nbformat


def flat(text: str) -> str:
    """Text with every run of whitespace made one space, so a quote may wrap differently."""
    return " ".join(text.split())


@lru_cache(maxsize=None)
def _notebook(path: Path):
    return nbformat.read(path, as_version=4)


def notebook_cells(path: Path) -> dict[str, str]:
    """Each cell's text by cell id, whitespace flattened."""
    return {cell.id: flat(cell.source) for cell in _notebook(path).cells}


def says(texts: dict[str, str]):
    """`check(where, *fragments)` fails unless `texts[where]` still says every fragment."""
    def check(where, *fragments):
        for fragment in fragments:
            assert flat(fragment) in texts[where], f"{where} no longer says: {fragment!r}"
    return check


def solve(path: Path) -> dict:
    """The namespace left by running the instructor notebook, minus its test and check cells."""
    import matplotlib.pyplot as plt

    namespace: dict = {}
    for cell in _notebook(path).cells:
        if cell.cell_type != "code" or cell.metadata.get("nbgrader", {}).get("grade"):
            continue
        if ".check()" in cell.source:
            continue
        exec(compile(cell.source, cell.id, "exec"), namespace)
    plt.close("all")
    return namespace


def run_task_tests(path: Path, test_cell: str, solved: dict, var: str, answer, hidden: bool) -> None:
    """Run a task's test cell (its visible part only, or all of it) with `answer` in place of `var`."""
    source = next(c.source for c in _notebook(path).cells if c.metadata.get("nbgrader", {}).get("grade_id") == test_cell)
    if not hidden:
        source = source.split("### BEGIN HIDDEN TESTS")[0]
    namespace = dict(solved)
    namespace[var] = answer
    exec(compile(source, test_cell, "exec"), namespace)


def _parse_hint_code(code: str):
    """A hint's code span as Python (None if it is not code: a column name, a value)."""
    code = code.strip().rstrip(":").replace("...", "pass")
    for attempt in (code, code + ": pass"):
        try:
            return ast.parse(attempt)
        except SyntaxError:
            pass
    return None


def _names(tree, ctx) -> set[str]:
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ctx)}


def unknown_hint_names(problem, solved: dict) -> set[str]:
    """Names the code in a problem's hints reads that neither the notebook, the task's function, an
    earlier hint (`rows = {}`), a dataset column nor Python itself defines."""
    from csworkbook import datasets

    answer = solved[problem.var]
    params = set(inspect.signature(answer).parameters) if callable(answer) else set()
    columns = {c.name for schema in datasets.SCHEMAS.values() for c in schema.columns}
    trees = [t for hint in problem.hints for span in re.findall(r"`([^`]+)`", hint)
             if (t := _parse_hint_code(span)) is not None]
    made_by_hints = set().union(*(_names(t, ast.Store) for t in trees))
    known = set(solved) | params | made_by_hints | columns | set(dir(builtins))
    return set().union(*(_names(t, ast.Load) for t in trees)) - known
