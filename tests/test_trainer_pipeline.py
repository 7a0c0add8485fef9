"""The trainer's whole flow through the `csworkbook` command, on a real course:
build, import students, collect an LMS zip, grade, feedback, grades CSV, class report."""

from __future__ import annotations

import os

import csv
import io
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from course_factory import ASSIGNMENT, NOTEBOOK, answered, demo_notebook
from csworkbook.trainer import feedback

pytestmark = pytest.mark.grading
EXE = str(Path(sys.executable).parent / "csworkbook")
REPO = Path(__file__).resolve().parents[1]


def _text(page: str) -> str:
    """What a reader sees of an HTML page: tags (such as syntax highlighting) removed."""
    import html
    import re

    return html.unescape(re.sub(r"<[^>]+>", "", page))


def run(course: Path, *args, ok: bool = True):
    out = subprocess.run([EXE, "--course", str(course), *args], capture_output=True, text=True, timeout=600)
    if ok:
        assert out.returncode == 0, out.stdout + out.stderr
    return out


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    import nbformat

    root = tmp_path_factory.mktemp("class")
    shutil.copy2(REPO / "nbgrader_config.py", root / "nbgrader_config.py")
    (root / "source" / ASSIGNMENT).mkdir(parents=True)
    nbformat.write(demo_notebook(), root / "source" / ASSIGNMENT / f"{NOTEBOOK}.ipynb")
    return root


def test_1_build_generates_the_release(course):
    out = run(course, "build", "--release-only", "--quiet")
    assert "generated 1 assignment(s)" in out.stdout
    assert (course / "release" / ASSIGNMENT / f"{NOTEBOOK}.ipynb").is_file()


def test_2_students_import_adds_good_rows_and_reports_bad_ones_by_line(course, tmp_path):
    class_list = tmp_path / "class.csv"
    class_list.write_text("Student ID,First name,Surname,Email\n"
                          "ana,Ana,Lee,ana@example.com\n"
                          "ben,Ben,Okafor,ben@example.com\n"
                          "cho,Cho,Park,cho@example.com\n"
                          "bad id,Bad,Id,bad@example.com\n"
                          "dee,Dee,Smith,not-an-email\n")
    out = run(course, "students", "import", str(class_list), ok=False)
    assert out.returncode == 1
    assert "3 added, 0 updated" in out.stdout
    assert f"{class_list}, line 5: student id 'bad id' may use only" in out.stdout
    assert f"{class_list}, line 6: 'not-an-email' is not an email address (student dee)" in out.stdout
    class_list.write_text("id,first_name,last_name,email\nana,Ana,Lee-Wong,ana@example.com\n")
    out = run(course, "students", "import", str(class_list))
    assert "0 added, 1 updated" in out.stdout


def test_3_collect_maps_an_lms_zip_and_reports_what_it_cannot(course, tmp_path):
    import nbformat

    good = nbformat.writes(answered(course))
    half = nbformat.writes(answered(course, {"a2": "def triple(x):\n    return 3 if x == 1 else 2 * x"}))
    download = tmp_path / "gradebook_download.zip"
    with zipfile.ZipFile(download, "w") as z:
        z.writestr(f"Demo_ana_attempt_2026-11-20-09-15-00_{NOTEBOOK}.ipynb", good)
        z.writestr(f"Demo_ben_attempt_2026-11-20-10-00-00_{NOTEBOOK}-1.ipynb", half)  # LMS-mangled name
        z.writestr("Demo_ben_attempt_2026-11-20-10-00-00_notes.txt", "my notes")
        z.writestr(f"Demo_zed_attempt_2026-11-20-10-00-00_{NOTEBOOK}.ipynb", good)  # not in the class list
        z.writestr(f"{NOTEBOOK}.ipynb", good)  # no student in the name
    out = run(course, "collect", ASSIGNMENT, str(download), ok=False)
    assert out.returncode == 1
    assert "2 file(s) for 2 student(s); 3 file(s) could not be placed" in out.stdout
    assert "notes.txt: not a notebook (ben)" in out.stdout
    assert "student 'zed' is not in the gradebook" in out.stdout
    assert f"{NOTEBOOK}.ipynb: the file name does not match the pattern" in out.stdout
    assert (course / "submitted" / "ben" / ASSIGNMENT / f"{NOTEBOOK}.ipynb").is_file()
    assert (course / "submitted" / "ana" / ASSIGNMENT / "timestamp.txt").read_text().startswith("2026-11-20 09:15:00")


def test_4_grade_scores_everyone(course):
    out = run(course, "grade", ASSIGNMENT, "--workers", "2", "--quiet")
    assert "2 graded, 0 already graded" in out.stdout
    rows = {line.split()[0]: line.split()[1] for line in out.stdout.splitlines() if line.split()[:1] in (["ana"], ["ben"])}
    assert rows == {"ana": "5/5", "ben": "2/5"}
    from csworkbook.trainer import sandbox

    if not sandbox.bwrap_works() and not os.environ.get(sandbox.ENV_VAR):
        assert out.stdout.splitlines()[0] == "sandbox: bwrap"
    again = run(course, "grade", ASSIGNMENT, "--quiet")
    assert "0 graded, 2 already graded (kept)" in again.stdout


def test_5_feedback_shows_visible_tests_and_scores_but_never_hidden_tests(course, tmp_path):
    out = run(course, "feedback", ASSIGNMENT, "--quiet")
    assert "2 file(s)" in out.stdout
    pages = sorted((course / "feedback").glob(f"*/{ASSIGNMENT}/*.html"))
    assert len(pages) == 2
    ben = _text((course / "feedback" / "ben" / ASSIGNMENT / f"{NOTEBOOK}.html").read_text())
    assert "assert triple(1) == 3" in ben  # the visible test the learner was given
    assert "A hidden test did not pass" in ben
    assert "Hidden tests also ran here" in ben
    assert "Score: 0 / 3" in ben  # the score per task is shown
    assert "Score: waiting to be marked (out of 2)" in ben  # the written answer is not marked yet
    source = [course / "source" / ASSIGNMENT / f"{NOTEBOOK}.ipynb"]
    assert feedback.leaked_hidden_lines(pages, source) == []
    # The check can fail: plain nbgrader feedback on the same course shows the hidden tests.
    plain = tmp_path / "plain"
    shutil.copytree(course, plain)
    subprocess.run([str(Path(sys.executable).parent / "nbgrader"), "generate_feedback", ASSIGNMENT, "--force",
                    f"--CourseDirectory.root={plain}", f"--CourseDirectory.db_url=sqlite:///{plain / 'gradebook.db'}"],
                   cwd=plain, capture_output=True, check=True)
    leaked = feedback.leaked_hidden_lines(sorted((plain / "feedback").glob(f"*/{ASSIGNMENT}/*.html")), source)
    assert any("hidden triple" in line for line in leaked), leaked


def test_6_grades_csv_for_the_lms(course, tmp_path):
    out = run(course, "grades", ASSIGNMENT, "--format", "csv", "-o", "-")
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    by_id = {r["student_id"]: r for r in rows}
    assert set(by_id) == {"ana", "ben", "cho"}
    assert by_id["ana"]["last_name"] == "Lee-Wong" and by_id["ana"]["email"] == "ana@example.com"
    assert float(by_id["ana"][f"{ASSIGNMENT} score"]) == 5.0 and float(by_id["ana"][f"{ASSIGNMENT} max"]) == 7.0
    assert by_id["ana"][f"{ASSIGNMENT} needs marking"] == "yes"  # the written answer waits for the trainer
    assert by_id["cho"][f"{ASSIGNMENT} score"] == ""  # not submitted is blank, not zero
    target = tmp_path / "grades.csv"
    run(course, "grades", "--all", "-o", str(target))
    assert target.read_text().splitlines()[0].startswith("student_id,first_name,last_name,email,")
    bad = run(course, "grades", "no-such-assignment", ok=False)
    assert bad.returncode == 2 and "no assignment called no-such-assignment" in bad.stderr


def test_7_class_report_has_the_charts_and_tables(course, tmp_path):
    target = tmp_path / "report.html"
    run(course, "report", "-o", str(target))
    page = target.read_text()
    assert page.count("<img alt=") == 2  # score distribution, pass rate per task
    assert "Histogram of scores for demo" in page and "Pass rate per task for demo" in page
    assert "Hardest tasks" in page and "<td>t2</td><td class='num'>50%</td>" in page
    assert "Hint use" in page


def test_hint_use_is_read_from_the_notebooks_learners_saved(tmp_path):
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook, new_output

    from csworkbook.trainer.reports import hint_use

    for student, shown in (("ana", ["(1 of 3)", "(2 of 3)"]), ("ben", ["(1 of 2)"])):
        cells = [new_code_cell("q1.hint()", outputs=[new_output("execute_result", data={
            "text/plain": f"Task 1 - Hint: {s} Group the responses by channel."}, execution_count=1)]) for s in shown]
        folder = tmp_path / "submitted" / student / "a1"
        folder.mkdir(parents=True)
        nbformat.write(new_notebook(cells=cells), folder / "a1.ipynb")
    (tmp_path / "submitted" / "cho" / "a1").mkdir(parents=True)
    (tmp_path / "submitted" / "cho" / "a1" / "a1.ipynb").write_text("{ not json")  # ignored, not fatal
    table = hint_use(tmp_path, "a1").sort_values("student")
    assert table.to_dict("records") == [{"student": "ana", "task": "Task 1", "hints": 2},
                                        {"student": "ben", "task": "Task 1", "hints": 1}]
