"""What every committed notebook and topic must be: clean, complete, and tagged."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parents[1]
ALL_NOTEBOOKS = sorted(
    p for folder in ("source", "release", "notebooks") for p in (REPO / folder).rglob("*.ipynb")
    if ".ipynb_checkpoints" not in p.parts
)
SOURCE_NOTEBOOKS = sorted((REPO / "source").glob("*/*.ipynb"))
CRITERION = re.compile(r"^BSBCUS(401|403|501):\d\.\d$")


@pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=lambda p: p.relative_to(REPO).as_posix())
def test_committed_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"{path.name}: cell {cell.id} has outputs"


@pytest.mark.parametrize("path", SOURCE_NOTEBOOKS, ids=lambda p: p.parent.name)
def test_topic_has_the_parts_the_design_requires(path):
    nb = nbformat.read(path, as_version=4)
    graded = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade")]
    auto = [c for c in graded if c.cell_type == "code"]
    manual = [c for c in graded if c.cell_type == "markdown"]
    assert len(auto) >= 4, "at least four autograded tasks"
    assert all("BEGIN HIDDEN TESTS" in c.source for c in auto), "every autograded task has hidden tests"
    assert all(re.search(r"^assert ", c.source, re.M) for c in auto), "every autograded task has visible tests"
    assert manual, "at least one written answer graded by hand"
    for cell in graded:
        tags = cell.metadata.get("tags", [])
        assert any(CRITERION.match(t) for t in tags), f"{cell.id} names no performance criterion"
    answers = [c for c in nb.cells if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("solution")]
    checks = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert len(re.findall(r"q\w+\.check\(\)", checks)) >= len(answers), "a self-check after every task"
    assert re.search(r"q\w+\.hint\(\)", checks), "hints offered"
    assert any(c.cell_type == "markdown" and "role-play" in c.source.lower() for c in nb.cells), "a role-play section"


def test_pytest_runs_nbval_over_source_and_notebooks():
    config = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]
    assert {"source", "notebooks"} <= set(config["testpaths"])
    assert "--nbval-lax" in config["addopts"]
    assert "release" not in config["testpaths"], "release notebooks fail by design (they are unanswered)"


def test_readme_quick_start_is_two_commands_and_ci_runs_the_test_one():
    readme = (REPO / "README.md").read_text()
    quick = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"^python3 workbook\.py .+$", quick, re.M)
    assert commands == ["python3 workbook.py lab", "python3 workbook.py test"], commands
    ci = (REPO / ".ci" / "run").read_text()
    assert "python3 workbook.py test" in ci
