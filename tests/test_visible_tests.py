"""Every visible test a learner can see explains itself: a failing assert says what to fix, a passing
test cell says it passed. Hidden tests stay hidden."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parents[1]
SOURCE_NOTEBOOKS = sorted((REPO / "source").glob("*/*.ipynb"))
HIDDEN = "### BEGIN HIDDEN TESTS"


def _test_cells(path):
    nb = nbformat.read(path, as_version=4)
    return [c for c in nb.cells if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("grade")
            and not c.metadata["nbgrader"].get("solution")]


def _visible(source: str) -> str:
    return source.split(HIDDEN)[0]


def bare_asserts(source: str) -> list[int]:
    """Line numbers of the asserts in the visible part of a test cell that carry no message."""
    tree = ast.parse(_visible(source))
    return [node.lineno for node in ast.walk(tree) if isinstance(node, ast.Assert) and node.msg is None]


def test_bare_asserts_are_found():
    assert bare_asserts("assert x == 1\nassert y, 'why'\nfor i in z:\n    assert i\n") == [1, 4]
    assert bare_asserts(f"assert y, 'why'\n{HIDDEN}\nassert secret\n") == []


@pytest.mark.parametrize("path", SOURCE_NOTEBOOKS, ids=lambda p: p.parent.name)
def test_every_visible_assert_says_what_to_fix(path):
    bare = {c.metadata["nbgrader"]["grade_id"]: lines for c in _test_cells(path) if (lines := bare_asserts(c.source))}
    assert not bare, f"{path.name}: asserts without a message (test cell: lines) {bare}"


@pytest.mark.parametrize("path", SOURCE_NOTEBOOKS, ids=lambda p: p.parent.name)
def test_a_passing_visible_test_cell_says_so(path):
    for cell in _test_cells(path):
        grade_id = cell.metadata["nbgrader"]["grade_id"]
        number = re.match(r"task(\w+?)-", grade_id).group(1)
        visible = _visible(cell.source).rstrip()
        last = visible.splitlines()[-1]
        assert re.fullmatch(rf'print\("Task {number}: the visible tests pass\."\)', last), (
            f"{path.name} {grade_id}: the visible part should end by saying it passed, not {last!r}")
        assert HIDDEN in cell.source, f"{path.name} {grade_id}: its hidden tests are gone"


@pytest.mark.parametrize("path", sorted((REPO / "release").glob("*/*.ipynb")), ids=lambda p: p.parent.name)
def test_hidden_tests_stay_hidden_in_the_release(path):
    for cell in _test_cells(path):
        assert "HIDDEN TESTS" not in cell.source and bare_asserts(cell.source) == [], cell.metadata["nbgrader"]
