"""`csworkbook grade` on a real course: good submissions and every kind of bad one."""

from __future__ import annotations

import os

import copy
import sqlite3
from pathlib import Path

import nbformat
import pytest

from course_factory import ASSIGNMENT, NOTEBOOK, answered, make_course, release_notebook, submit
from csworkbook.trainer import autograde

REPO = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.grading

TIME_LIMIT = 12


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """One class with a good, a blank and every kind of bad submission, graded once with two workers."""
    root = make_course(tmp_path_factory.mktemp("course"))
    submit(root, "good", answered(root))
    submit(root, "blank", release_notebook(root))
    submit(root, "half", answered(root, {"a2": "def triple(x):\n    return x + 3"}))  # visible passes, hidden fails
    submit(root, "broken-json", b'{"cells": [ {"cell_type": "code", ')
    deleted = answered(root)
    deleted.cells = [c for c in deleted.cells if c.get("id") != "t1"]
    submit(root, "deleted-test", deleted)
    duplicated = answered(root)
    duplicated.cells.append(copy.deepcopy(duplicated.cells[2]))  # a second copy of test t1
    duplicated.cells.append(copy.deepcopy(duplicated.cells[1]))  # and of answer a1
    submit(root, "duplicated", duplicated)
    edited = answered(root, {"a1": "def double(x):\n    return 0"})
    for cell in edited.cells:
        if cell.get("id") == "t1":
            cell.source = "pass  # tests removed"
    submit(root, "edited-test", edited)
    submit(root, "loops", answered(root, {"a1": "while True:\n    pass"}))
    submit(root, "floods", answered(root, {"a1": "def double(x):\n    return 2 * x\nwhile True:\n    print('spam ' * 200)"}))
    submit(root, "memory", answered(root, {"a1": "hog = []\nwhile True:\n    hog.append(bytearray(50_000_000))"}))
    submit(root, "kills-kernel", answered(root, {"a2": "import os\nos._exit(1)"}))
    submit(root, "ignores-interrupt", answered(root, {"a2": "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\n"
                                                            "while True:\n    pass"}))
    submit(root, "missing", None)
    submit(root, "wrong-name", answered(root), filename=f"{NOTEBOOK} (1).ipynb")
    outcomes = autograde.grade(root, ASSIGNMENT, workers=2, time_limit=TIME_LIMIT, memory_mb=1536)
    return root, {o.student: o for o in outcomes}


def _score(root, student):
    from nbgrader.api import Gradebook

    with Gradebook("sqlite:///" + str(root / "gradebook.db")) as gb:
        sub = gb.find_submission(ASSIGNMENT, student)
        return sub.code_score, sub.max_code_score


def _problems(outcomes, student):
    return "\n".join(outcomes[student].problems)


def test_every_submission_is_graded_and_listed(graded):
    root, outcomes = graded
    assert len(outcomes) == 14
    assert all(o.status == "graded" for o in outcomes.values()), {s: o.status for s, o in outcomes.items()}
    from csworkbook.trainer import sandbox

    if not sandbox.bwrap_works() and not os.environ.get(sandbox.ENV_VAR):  # every bad submission here is graded inside the sandbox where it can run
        assert {o.sandbox for o in outcomes.values() if o.status != "kept"} == {"bwrap"}
    assert all(o.max_score == 5 for o in outcomes.values())


@pytest.mark.parametrize("student, expected", [
    ("good", 5), ("blank", 0), ("half", 2), ("broken-json", 0), ("deleted-test", 5), ("duplicated", 5),
    ("edited-test", 3), ("loops", 3), ("floods", 5), ("memory", 3), ("kills-kernel", 2), ("ignores-interrupt", 2),
    ("missing", 0),
    ("wrong-name", 5),
])
def test_scores(graded, student, expected):
    root, outcomes = graded
    assert outcomes[student].score == expected
    assert _score(root, student) == (expected, 5)  # what the gradebook holds


@pytest.mark.parametrize("student, message", [
    ("broken-json", f"{NOTEBOOK}.ipynb: not a readable notebook"),
    ("deleted-test", "graded cell 't1' was deleted; it was put back and graded"),
    ("duplicated", "graded cell 't1' appears more than once; the first copy was graded"),
    ("edited-test", "locked cell 't1' was edited; the original was restored before grading"),
    ("loops", "was still running when the time limit was reached"),
    ("floods", "the rest of its output was dropped"),
    ("kills-kernel", "the kernel died in cell"),
    ("ignores-interrupt", "would not stop when interrupted, so its kernel was stopped"),
    ("missing", f"{NOTEBOOK}.ipynb: missing from the submission; scored 0"),
    ("wrong-name", f"{NOTEBOOK} (1).ipynb: wrong file name; graded as {NOTEBOOK}.ipynb"),
])
def test_each_problem_is_reported_with_student_and_file(graded, student, message):
    _, outcomes = graded
    assert message in _problems(outcomes, student), _problems(outcomes, student)


def test_clean_submissions_report_nothing(graded):
    _, outcomes = graded
    assert outcomes["good"].problems == [] and outcomes["blank"].problems == [] and outcomes["half"].problems == []


def test_memory_hog_fails_its_own_cell_only(graded):
    root, outcomes = graded
    nb = nbformat.read(root / "autograded" / "memory" / ASSIGNMENT / f"{NOTEBOOK}.ipynb", as_version=4)
    hog = next(c for c in nb.cells if c.get("id") == "a1")
    assert any(o.get("ename") == "MemoryError" for o in hog.outputs), hog.outputs


def test_written_answers_wait_for_the_trainer(graded):
    from nbgrader.api import Gradebook

    root, _ = graded
    with Gradebook("sqlite:///" + str(root / "gradebook.db")) as gb:
        good = gb.find_grade("q3", NOTEBOOK, ASSIGNMENT, "good")
        assert good.needs_manual_grade and good.auto_score is None
        missing = gb.find_grade("q3", NOTEBOOK, ASSIGNMENT, "missing")
        assert missing.auto_score == 0 and not missing.needs_manual_grade


def test_gradebook_is_intact(graded):
    root, _ = graded
    with sqlite3.connect(root / "gradebook.db") as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        students = {r[0] for r in db.execute("SELECT id FROM student")}
    assert len(students) == 14


def test_a_second_run_resumes_and_regrades_only_what_changed(graded):
    root, outcomes = graded
    submit(root, "blank", answered(root))  # resubmitted, now correct
    again = {o.student: o for o in autograde.grade(root, ASSIGNMENT, workers=2, time_limit=TIME_LIMIT,
                                                   memory_mb=1536, students=["good", "blank", "loops"])}
    assert again["good"].status == "kept" and again["loops"].status == "kept"
    assert again["blank"].status == "graded" and again["blank"].score == 5
    assert again["loops"].score == outcomes["loops"].score


def test_no_submissions_is_a_clear_error(tmp_path):
    root = make_course(tmp_path / "empty")
    with pytest.raises(autograde.CourseError, match="no submissions of 'demo'"):
        autograde.grade(root, ASSIGNMENT)


@pytest.mark.parametrize("assignment", sorted(p.name for p in (REPO / "source").iterdir() if p.is_dir()))
def test_a_strong_learner_of_every_topic_gets_full_marks_and_no_flags(assignment, tmp_path):
    """The grader's own re-run of the tests must agree with nbgrader on a right answer, for every topic,
    or a whole class would be flagged as suspicious."""
    import shutil

    from csworkbook.trainer.grading import solved_copy

    root = tmp_path / "course"
    root.mkdir()
    shutil.copy2(REPO / "nbgrader_config.py", root / "nbgrader_config.py")
    for folder in ("source", "release"):
        shutil.copytree(REPO / folder / assignment, root / folder / assignment)
    for source in sorted((root / "source" / assignment).glob("*.ipynb")):
        nb = solved_copy(source, root / "release" / assignment / source.name)
        folder = root / "submitted" / "strong" / assignment
        folder.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, folder / source.name)
    [outcome] = autograde.grade(root, assignment, workers=1)
    assert outcome.problems == []
    assert outcome.score == outcome.max_score > 0


def test_a_killed_workers_notebook_keeps_every_cell_it_logged_as_run(tmp_path):
    """The worker writes the notebook once and logs each finished cell; a torn last line is ignored."""
    import nbformat

    from csworkbook.trainer.autograde_worker import Progress, apply_progress, progress_log

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(f"x = {i}") for i in range(3)])
    path = tmp_path / "demo.ipynb"
    progress = Progress(path, nb)
    nb.cells[0].outputs = [nbformat.v4.new_output("stream", name="stdout", text="first\n")]
    nb.cells[0].execution_count = 1
    progress.add(0, nb.cells[0])
    nb.cells[1].execution_count = 2
    progress.add(1, nb.cells[1])
    with open(progress_log(path), "a") as handle:
        handle.write('{"index": 2, "outp')  # killed while writing
    again = apply_progress(nbformat.read(path, as_version=4), path)
    assert again.cells[0].outputs[0].text == "first\n" and again.cells[0].execution_count == 1
    assert again.cells[1].execution_count == 2 and again.cells[2].execution_count is None
    nbformat.validate(again)
