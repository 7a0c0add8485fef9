"""Task names, what went wrong per task, and the feedback page's pieces, without running nbgrader."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from csworkbook.trainer import feedback, reports, tasks

REPO = Path(__file__).resolve().parents[1]
RELEASE_07 = REPO / "release" / "07-measuring-satisfaction" / "07-measuring-satisfaction.ipynb"


def _meta(gid, **flags):
    return {"nbgrader": {"grade_id": gid, "grade": False, "solution": False, "locked": False, **flags}}


def _error(ename, evalue=""):
    return new_output("error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"])


def _notebook(answer_source="def f(x):\n    raise NotImplementedError()", answer_outputs=(), test_outputs=(),
              written="YOUR ANSWER HERE"):
    return new_notebook(cells=[
        new_markdown_cell("### Task 1 · Double it\nWrite `f`.", metadata=_meta("t1-text", locked=True)),
        new_code_cell(answer_source, metadata=_meta("a1", solution=True), outputs=list(answer_outputs)),
        new_code_cell("q1.check()"),
        new_code_cell("assert f(2) == 4", metadata=_meta("t1", grade=True, locked=True, points=2),
                      outputs=list(test_outputs)),
        new_markdown_cell("### Task 2 · Why (marked by your trainer)", metadata=_meta("t2-text", locked=True)),
        new_markdown_cell(written, metadata=_meta("w2", grade=True, solution=True, points=3)),
    ])


RELEASED = {"a1": "def f(x):\n    raise NotImplementedError()", "w2": "YOUR ANSWER HERE"}


def test_task_names_come_from_the_notebooks_own_headings():
    names = tasks.task_names(nbformat.read(RELEASE_07, as_version=4))
    assert names["task2-tests"] == "Task 2 · CSAT by channel"
    assert names["task8b-justification"] == "Task 8b · Why that path (marked by your trainer)"
    assert names["task9-report"] == "Task 9 · Written report (marked by your trainer)"
    assert tasks.short_name(names["task9-report"]) == "Task 9 · Written report"
    assert tasks.task_label(names["task2-tests"]) == "Task 2"
    # A graded cell with no task heading above it keeps its grade id rather than a made-up name.
    bare = new_notebook(cells=[new_code_cell("assert True", metadata=_meta("t9", grade=True, points=1))])
    assert tasks.task_names(bare) == {"t9": "t9"}


def test_diagnose_tells_not_attempted_did_not_run_failed_passed_and_waiting():
    untouched = tasks.diagnose(_notebook(answer_outputs=[_error("NotImplementedError")]), RELEASED,
                               {"t1": (0.0, 2.0, False), "w2": (0.0, 3.0, False)})
    assert [t.status for t in untouched.tasks] == [tasks.NOT_ATTEMPTED, tasks.BLANK]
    assert untouched.summary() == "nothing attempted"

    broken = tasks.diagnose(_notebook("def f(x):\n    return (x", [_error("SyntaxError", "incomplete input")],
                                      [_error("NameError", "name 'f' is not defined")], written="Because."),
                            RELEASED, {"t1": (0.0, 2.0, False), "w2": (None, 3.0, True)})
    assert [t.status for t in broken.tasks] == [tasks.DID_NOT_RUN, tasks.WAITING]
    assert broken.tasks[0].detail == "SyntaxError: incomplete input"
    assert broken.summary() == "code did not run: Task 1 · Double it; 1 written answer(s) to mark"

    wrong = tasks.diagnose(_notebook("def f(x):\n    return x", test_outputs=[_error("AssertionError")], written="B"),
                           RELEASED, {"t1": (0.0, 2.0, False), "w2": (2.5, 3.0, False)})
    assert [t.status for t in wrong.tasks] == [tasks.TEST_FAILED, tasks.MARKED]
    assert wrong.problems(short=True) == ["a test failed: Task 1"]

    right = tasks.diagnose(_notebook("def f(x):\n    return 2 * x"), RELEASED, {"t1": (2.0, 2.0, False)})
    assert right.tasks[0].status == tasks.PASSED and right.summary().startswith("all autograded tasks passed")

    slow = tasks.diagnose(_notebook("def f(x):\n    while True: pass",
                                    [_error("CellTimeoutError", "this cell would not stop when interrupted")]),
                          RELEASED, {"t1": (0.0, 2.0, False)})
    assert slow.tasks[0].status == tasks.TIME_LIMIT


def test_a_check_says_the_code_did_not_run_and_why(tmp_path):
    # In a real IPython shell (a kernel's), in a process of its own so no shell is left behind.
    script = (
        "from IPython.core.interactiveshell import InteractiveShell\n"
        "ip = InteractiveShell.instance()\n"
        "ip.run_cell('from csworkbook.checks.core import Problem\\n"
        "class P(Problem):\\n    task = \\'Task 1\\'\\n    var = \\'double\\'\\n"
        "    def check_answer(self, a): pass\\n', store_history=True)\n"
        "ip.run_cell('print(\\'before:\\', P().check())', store_history=True)\n"
        "ip.run_cell('def double(x):\\n    return (2 * x\\n', store_history=True)\n"
        "ip.run_cell('print(\\'syntax:\\', P().check())', store_history=True)\n"
        "ip.run_cell('x = 1\\ndouble = 1 / 0', store_history=True)\n"
        "ip.run_cell('print(\\'error:\\', P().check())', store_history=True)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, cwd=tmp_path)
    lines = {line.split(":", 1)[0]: line.split(":", 1)[1].strip() for line in out.stdout.splitlines() if ":" in line}
    assert lines["before"].startswith("Task 1 - Not attempted: define `double`"), out.stdout + out.stderr
    assert lines["syntax"].startswith("Task 1 - Your code did not run: the cell that defines `double` did not run, "
                                      "because Python could not read it: SyntaxError at line 2"), out.stdout
    assert "`return (2 * x`" in lines["syntax"]
    assert lines["error"].startswith("Task 1 - Your code did not run: the cell that defines `double` stopped with an "
                                     "error before `double` was defined"), out.stdout


def test_a_roleplay_widget_becomes_the_learners_path_ending_and_scores():
    path = ["agenda-first", "true-praise", "show-quarters", "probe-the-calls", "still-happening",
            "name-what-remains", "ask-the-team", "smart-actions"]
    widget = new_output("execute_result", execution_count=1, data={
        "text/plain": "RolePlay(children=(HTML(value='<style>...",
        "application/vnd.jupyter.widget-view+json": {"model_id": "abc", "version_major": 2, "version_minor": 0}})
    nb = new_notebook(cells=[
        new_code_cell('debrief = RolePlay("mystery-shopper-debrief")\ndebrief', outputs=[widget]),
        new_code_cell(f"debrief_path = {path!r}", metadata=_meta("task8-answer", solution=True)),
    ])
    feedback.replace_widgets(nb)
    page = nb.cells[0].outputs[0]["data"]["text/html"]
    assert "RolePlay(children" not in page and "application/vnd.jupyter.widget-view+json" not in nb.cells[0].outputs[0]["data"]
    assert "agenda-first → true-praise → show-quarters" in page
    assert "Ending: A plan for the problem you have now (success)" in page
    assert "Evidence: 8 / 8" in page and "Overall: 100%" in page
    # A path that cannot be replayed says so, with the engine's reason.
    assert "could not be replayed" in feedback.roleplay_summary("mystery-shopper-debrief", ["no-such-reply"])
    assert "no path could be read" in feedback.roleplay_summary("mystery-shopper-debrief", None)


def test_feedback_totals_leave_out_written_answers_waiting_to_be_marked():
    nb = _notebook("def f(x):\n    return 2 * x", written="Because.")
    feedback.annotate(nb, tasks.task_names(nb), {"t1": (2.0, 2.0, False), "w2": (None, 3.0, True)})
    assert nb.metadata["csworkbook"] == {"score": 2.0, "max_score": 2.0, "waiting_points": 3.0,
                                         "waiting": ["Task 2 · Why"]}
    assert nb.cells[5].metadata["csworkbook"] == {"task": "Task 2 · Why", "waiting": True}
    feedback.annotate(nb, tasks.task_names(nb), {"t1": (2.0, 2.0, False), "w2": (1.5, 3.0, False)})
    assert nb.metadata["csworkbook"]["score"] == 3.5 and nb.metadata["csworkbook"]["max_score"] == 5.0


def test_trainer_outputs_default_to_a_folder_git_ignores(tmp_path):
    course = tmp_path / "course"
    course.mkdir()
    (course / ".gitignore").write_text((REPO / ".gitignore").read_text())
    subprocess.run(["git", "init", "-q", str(course)], check=True)
    target = reports.output_path(course, None, "grades.csv")
    assert target == course / "trainer-output" / "grades.csv" and target.parent.is_dir()
    target.write_text("student_id\n")
    assert not reports.tracked_by_git(target)
    assert reports.tracked_by_git(course / "notes-about-ana.csv")  # the check can fail
    for name in ("grades.csv", "grades-term2.csv", "class-report.html", "class-list.csv"):
        assert not reports.tracked_by_git(course / name), name
    assert not reports.tracked_by_git(tmp_path / "outside.csv")  # not in a repository: nothing to warn about
