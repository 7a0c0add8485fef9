"""The pre-submission check: a learner's saved notebook run in a fresh kernel, reported task by task."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from csworkbook.handin import (DONE, FAILING, NOT_ATTEMPTED, WRITTEN, HandInError, _assess, check_notebook,
                               ready_to_hand_in)

REPO = Path(__file__).resolve().parents[1]
TOPIC = "07-measuring-satisfaction"


def _by_id(nb, grade_id):
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def _solution(source_nb, grade_id) -> str:
    """An instructor answer without nbgrader's markers: what a learner who got it right would type."""
    lines = _by_id(source_nb, grade_id).source.splitlines()
    return "\n".join(ln for ln in lines if "### BEGIN SOLUTION" not in ln and "### END SOLUTION" not in ln)


def _visible_messages(nb, grade_id) -> list[str]:
    visible = _by_id(nb, grade_id).source.split("### BEGIN HIDDEN TESTS")[0]
    return re.findall(r'^assert .*?, "(.+)"$', visible, re.M)


REPORT = "Customers are mostly satisfied: CSAT is high and NPS is positive."


@pytest.fixture(scope="module")
def half_done(tmp_path_factory) -> tuple[Path, object]:
    """The learner's copy of topic 07 with Tasks 1 and 3 right, Task 2 wrong, Task 9 written, the rest untouched."""
    folder = tmp_path_factory.mktemp("learner")
    path = folder / f"{TOPIC}.ipynb"
    shutil.copy(REPO / "release" / TOPIC / f"{TOPIC}.ipynb", path)
    source = nbformat.read(REPO / "source" / TOPIC / f"{TOPIC}.ipynb", as_version=4)
    nb = nbformat.read(path, as_version=4)
    _by_id(nb, "task1-answer").source = _solution(source, "task1-answer")
    _by_id(nb, "task3-answer").source = _solution(source, "task3-answer")
    # A common slip: the mean score instead of the share in the top two boxes.
    _by_id(nb, "task2-answer").source = (
        "def csat_by_channel(responses):\n"
        "    return responses.groupby('channel', observed=True)['csat'].mean().sort_values(ascending=False)")
    _by_id(nb, "task9-report").source = REPORT
    nbformat.write(nb, path)
    return path, check_notebook(path, timeout=60)


def test_a_half_done_notebook_lists_every_task_by_name(half_done):
    _, report = half_done
    state = {t.name.split(" · ")[0]: t for t in report.tasks}
    assert list(state) == ["Task 1", "Task 2", "Task 3", "Task 4", "Task 5", "Task 6", "Task 7", "Task 8",
                           "Task 8b", "Task 9"]
    assert [n for n, t in state.items() if t.status == DONE] == ["Task 1", "Task 3"]
    assert state["Task 2"].status == FAILING
    assert [n for n, t in state.items() if t.status == NOT_ATTEMPTED] == ["Task 4", "Task 5", "Task 6", "Task 7",
                                                                          "Task 8", "Task 8b"]
    assert state["Task 9"].status == WRITTEN and f"{len(REPORT.split())} words" in state["Task 9"].detail
    assert state["Task 1"].name == "Task 1 · How many surveys to send"
    assert [t.name.split(" · ")[0] for t in report.left] == ["Task 2", "Task 4", "Task 5", "Task 6", "Task 7",
                                                              "Task 8", "Task 8b"]
    assert not report.ready


def test_a_failing_task_quotes_the_visible_test_that_failed(half_done):
    path, report = half_done
    task2 = next(t for t in report.tasks if t.name.startswith("Task 2"))
    messages = _visible_messages(nbformat.read(path, as_version=4), "task2-tests")
    assert any(m in task2.detail for m in messages), task2.detail
    assert task2.detail.startswith("a visible test fails:")


def test_it_says_where_run_all_would_stop_and_what_would_not_run(half_done):
    path, report = half_done
    nb = nbformat.read(path, as_version=4)
    tests2 = next(i for i, c in enumerate(nb.cells) if c.metadata.get("nbgrader", {}).get("grade_id") == "task2-tests")
    assert report.stop.cell == tests2 + 1
    assert report.stop.where == "the visible tests of Task 2 · CSAT by channel"
    assert report.stop.error.startswith("AssertionError: ")
    assert report.stop.skipped_tasks[0].startswith("Task 3") and report.stop.role_play_skipped
    text = str(report)
    assert f"would stop at cell {tests2 + 1} of {len(nb.cells)}" in text
    assert "Left to do: Task 2, Task 4" in text
    html = report._repr_html_()
    assert "<code>raise NotImplementedError()</code>" in html and "`" not in html


def test_a_finished_notebook_is_ready(tmp_path):
    """The instructor's notebook, every task answered, reaches the end with every task passing."""
    path = tmp_path / f"{TOPIC}.ipynb"
    shutil.copy(REPO / "source" / TOPIC / f"{TOPIC}.ipynb", path)
    shown = []
    report = check_notebook(path, timeout=60, progress=lambda done, total: shown.append((done, total)))
    assert [t.status for t in report.tasks if not t.written] == [DONE] * 8
    assert report.stop is None and report.ready, str(report)
    assert "runs every cell to the end" in str(report) and "Ready to hand in" in str(report)
    total = shown[-1][1]
    assert shown[-1] == (total, total) and len(shown) == total + 1  # progress for every code cell


def test_it_runs_from_a_real_notebook_in_jupyter_kernel_without_starting_itself_again(tmp_path, half_done):
    """What a learner does: run the closing cell in the notebook. The kernel knows its notebook from
    JPY_SESSION_NAME (as jupyter_server sets it); the closing cell is not run again inside the check."""
    from nbclient import NotebookClient

    learner, _ = half_done
    path = tmp_path / learner.name
    nb = nbformat.read(learner, as_version=4)
    nb.cells.append(new_code_cell("from csworkbook.handin import ready_to_hand_in\n\nready_to_hand_in()"))
    nbformat.write(nb, path)
    runner = nbformat.v4.new_notebook(cells=[new_code_cell("saved_answer = 1"), new_code_cell(nb.cells[-1].source),
                                             new_code_cell("unsaved_answer = 2"), new_code_cell(nb.cells[-1].source)])
    nb.cells.insert(0, new_code_cell("saved_answer = 1"))
    nbformat.write(nb, path)
    client = NotebookClient(runner, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}})
    client.execute(env={**os.environ, "JPY_SESSION_NAME": str(path)})
    outputs = runner.cells[1].outputs
    html = "".join(o.get("data", {}).get("text/html", "") for o in outputs)
    assert "Task 2 · CSAT by channel" in html and "would stop at cell" in html
    assert "Ran all" in str(outputs)  # the progress line, updated to the end
    assert not any(o.output_type == "error" for o in outputs)
    assert "Ctrl + S" not in html  # what was run is what is saved
    again = "".join(o.get("data", {}).get("text/html", "") for o in runner.cells[3].outputs)
    assert "save it (Ctrl + S) and run this check again" in again


def test_outside_jupyterlab_it_asks_for_the_file(monkeypatch, capsys):
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    monkeypatch.delenv("CSWORKBOOK_HANDIN_RUN", raising=False)
    assert ready_to_hand_in() is None
    assert "give the notebook's file name" in capsys.readouterr().out


def test_a_missing_or_broken_notebook_is_named(tmp_path):
    with pytest.raises(HandInError, match="no-such.ipynb: no such notebook"):
        check_notebook(tmp_path / "no-such.ipynb")
    broken = tmp_path / "broken.ipynb"
    broken.write_text("{ not json")
    with pytest.raises(HandInError, match="broken.ipynb: cannot be read as a notebook"):
        check_notebook(broken)


def test_a_loop_that_never_ends_is_stopped_and_named(tmp_path):
    nb = new_notebook(cells=[
        new_markdown_cell("### Task 1 · Loop"),
        _graded(new_code_cell("def f():\n    return 1"), "task1-answer", solution=True),
        _graded(new_code_cell("while True:\n    pass"), "task1-tests", grade=True),
        new_code_cell("x = 1"),
    ])
    path = tmp_path / "loop.ipynb"
    nbformat.write(nb, path)
    report = check_notebook(path, timeout=3)
    assert report.tasks[0].status == FAILING and "still running after 3 s" in report.tasks[0].detail
    assert report.stop.cell == 3 and report.stop.skipped_cells == 1


def _graded(cell, grade_id, solution=False, grade=False):
    cell.metadata["nbgrader"] = {"grade_id": grade_id, "solution": solution, "grade": grade, "locked": not solution,
                                 "points": 1 if grade else None, "schema_version": 3}
    return cell


def _error(ename, evalue=""):
    return {"status": "error", "ename": ename, "evalue": evalue}


def test_assessing_each_kind_of_failure_without_a_kernel():
    nb = new_notebook(cells=[
        new_code_cell("import pandas"),
        new_markdown_cell("## 1 · Start\n\n### Task 1 · Broken answer"),
        _graded(new_code_cell("def f(:"), "task1-answer", solution=True),
        _graded(new_code_cell("assert f() == 1"), "task1-tests", grade=True),
        new_markdown_cell("### Task 2 · Bare assert"),
        _graded(new_code_cell("def g():\n    return 2"), "task2-answer", solution=True),
        _graded(new_code_cell("assert g() == 3"), "task2-tests", grade=True),
        new_markdown_cell("### Task 3 · Crashes in its tests"),
        _graded(new_code_cell("def h():\n    return 1 / 0"), "task3-answer", solution=True),
        _graded(new_code_cell("assert h() == 1, 'one'"), "task3-tests", grade=True),
        new_markdown_cell("### Task 4 · Written"),
        _graded(new_markdown_cell("YOUR ANSWER HERE"), "task4-answer", solution=True, grade=True),
        new_code_cell("my_own = undefined_name"),
    ])
    replies = {2: _error("SyntaxError", "invalid syntax (1, 7)"), 3: _error("NameError", "name 'f' is not defined"),
               6: _error("AssertionError"), 9: _error("ZeroDivisionError", "division by zero"),
               12: _error("NameError", "name 'undefined_name' is not defined")}
    tasks, stop = _assess(nb, replies, timeout=60)
    assert [(t.name, t.status) for t in tasks] == [
        ("Task 1 · Broken answer", FAILING), ("Task 2 · Bare assert", FAILING),
        ("Task 3 · Crashes in its tests", FAILING), ("Task 4 · Written", NOT_ATTEMPTED)]
    assert "your answer cell raises SyntaxError: invalid syntax" in tasks[0].detail
    assert "gives no message" in tasks[1].detail
    assert "ZeroDivisionError: division by zero" in tasks[2].detail
    assert stop.cell == 3 and stop.where == "your answer to Task 1 · Broken answer"
    assert stop.skipped_tasks == ["Task 2 · Bare assert", "Task 3 · Crashes in its tests", "Task 4 · Written"]

    # Only the learner's own cell fails: the stop names it by its section and first line.
    tasks, stop = _assess(nb, {12: replies[12]}, timeout=60)
    assert [t.status for t in tasks] == [DONE, DONE, DONE, NOT_ATTEMPTED]
    assert stop.where == "a cell in section '1 · Start' starting `my_own = undefined_name`"
    assert stop.skipped_cells == 0 and stop.skipped_tasks == []


def test_code_run_but_not_saved_is_pointed_out(tmp_path):
    from csworkbook.handin import unsaved_warning

    nb = new_notebook(cells=[new_code_cell("def f():\n    return 1")])
    path = tmp_path / "saved.ipynb"
    nbformat.write(nb, path)
    assert unsaved_warning("def f():\n    return 1\n", path) == ""  # saved as run (spacing aside)
    assert unsaved_warning(None, path) == ""
    assert "save it (Ctrl + S) and run this check again" in unsaved_warning("def f():\n    return 2", path)


HAND_IN_WAYS = ("**Download**", "Nbgrader → Assignment", "**Submit**")


@pytest.mark.parametrize("path", sorted((REPO / "source").glob("*/*.ipynb")), ids=lambda p: p.parent.name)
def test_every_topic_ends_with_the_check_and_how_to_hand_in(path):
    nb = nbformat.read(path, as_version=4)
    closing, check = nb.cells[-2], nb.cells[-1]
    assert check.cell_type == "code" and check.source.strip().endswith("ready_to_hand_in()")
    text = " ".join(closing.source.split())
    assert closing.cell_type == "markdown" and "## How to hand in" in closing.source
    for words in (*HAND_IN_WAYS, f"`{path.name}`", "Restart Kernel and Run All Cells", "Validate"):
        assert words in text, f"{path.name}: the closing cell no longer says {words!r}"
    assert text.index("Run the cell below") < text.index("Validate"), "the check comes first; Validate is optional"


def test_start_here_says_how_to_check_and_hand_in():
    nb = nbformat.read(REPO / "notebooks" / "00-start-here.ipynb", as_version=4)
    text = " ".join(" ".join(c.source for c in nb.cells if c.cell_type == "markdown").split())
    for words in (*HAND_IN_WAYS, "## Handing in", "ready_to_hand_in()", "Run All stops"):
        assert words in text, f"start-here no longer says {words!r}"


def test_the_closing_cell_costs_nothing_when_no_check_runs():
    # Every topic imports the check in its last cell, so a Run All or a grading run pays for the
    # import: it must not pull in nbformat (and with it jsonschema, about a second) until a check runs.
    import subprocess
    import sys

    code = ("import sys; from csworkbook.handin import ready_to_hand_in; ready_to_hand_in(); "
            "print(sorted(m for m in ('nbformat', 'jsonschema', 'nbclient') if m in sys.modules))")
    env = {k: v for k, v in __import__("os").environ.items() if k != "JPY_SESSION_NAME"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert out.stdout.strip().splitlines()[-1] == "[]", out.stdout
