"""The README's trainer guide, command by command, on a real course (topic 07) and a real class.

A class list with a bad row; an LMS zip of five submissions: two complete, one partial (a wrong
answer and a task left alone), one untouched, one whose answer cell has a syntax error. Then
collect, grade, feedback, grades and report through the `csworkbook` command, a written answer
marked through nbgrader's API (as Formgrader marks it), and feedback again.
"""

from __future__ import annotations

import copy
import csv
import html
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest

from csworkbook.trainer import grading

pytestmark = pytest.mark.grading
EXE = str(Path(sys.executable).parent / "csworkbook")
REPO = Path(__file__).resolve().parents[1]
AID = "07-measuring-satisfaction"
WRITTEN = {"task8b-justification": "I asked whether the problem was still happening before agreeing a plan.",
           "task9-report": "Northgate's complaints doubled in July to September; fix the delivery follow-up."}
SYNTAX_ERROR = "def csat_by_channel(responses):\n    return (responses.groupby('channel', observed=True)['csat'].apply(csat)\n"


def _text(page: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", page))


def run(course: Path, *args, ok: bool = True, env: dict | None = None):
    out = subprocess.run([EXE, "--course", str(course), *args], capture_output=True, text=True, timeout=1200,
                         cwd=course, env=env)
    if ok:
        assert out.returncode == 0, out.stdout + out.stderr
    return out


def _submission(course: Path, kind: str) -> str:
    source, release = course / "source" / AID / f"{AID}.ipynb", course / "release" / AID / f"{AID}.ipynb"
    if kind == "untouched":
        return release.read_text()
    nb = grading.solved_copy(source, release)
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if kind == "complete" and gid in WRITTEN:
            cell.source = WRITTEN[gid]
        elif kind == "partial" and gid == "task3-answer":
            cell.source = "def nps_from_scores(scores):\n    return 0"
        elif kind == "partial" and gid == "task7-answer":
            cell.source = next(c.source for c in nbformat.read(release, as_version=4).cells
                               if c.metadata.get("nbgrader", {}).get("grade_id") == gid)
        elif kind == "syntax" and gid == "task2-answer":
            cell.source = SYNTAX_ERROR
        elif kind == "syntax" and gid == "task9-report":
            cell.source = WRITTEN[gid]
    return nbformat.writes(copy.deepcopy(nb))


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    root = tmp_path_factory.mktemp("trainer-day")
    shutil.copy2(REPO / "nbgrader_config.py", root / "nbgrader_config.py")
    shutil.copy2(REPO / ".gitignore", root / ".gitignore")
    shutil.copytree(REPO / "source" / AID, root / "source" / AID)
    shutil.copytree(REPO / "release" / AID, root / "release" / AID)  # as `csworkbook build` leaves it (test_release)
    return root


@pytest.fixture(scope="module")
def day(course, tmp_path_factory):
    """Everything up to the first feedback, as the README's commands run it; the outputs by step."""
    downloads = tmp_path_factory.mktemp("downloads")
    class_list = downloads / "class-list.csv"
    class_list.write_text("Student ID,First name,Surname,Email address\n"
                          "ana,Ana,Lee,ana@example.com\nben,Ben,Okafor,ben@example.com\n"
                          "cho,Cho,Park,cho@example.com\ndee,Dee,Smith,dee@example.com\n"
                          "eve,Eve,Tran,eve@example.com\nbad id,Bad,Row,bad@example.com\n")
    zipped = downloads / "gradebook.zip"
    with zipfile.ZipFile(zipped, "w") as z:
        for student, kind in (("ana", "complete"), ("ben", "complete"), ("cho", "partial"), ("dee", "untouched"),
                              ("eve", "syntax")):
            z.writestr(f"Topic07_{student}_attempt_2026-11-20-09-15-00_{AID}.ipynb", _submission(course, kind))
    # Straight from the environment's bin folder, with no virtual environment on PATH: the command
    # must find nbgrader's `alembic` itself.
    bare = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
    bare["PATH"] = os.pathsep.join(p for p in os.environ["PATH"].split(os.pathsep)
                                   if Path(p).resolve() != Path(sys.executable).parent.resolve())
    steps = {"students": run(course, "students", "import", str(class_list), ok=False, env=bare)}
    steps["collect"] = run(course, "collect", AID, str(zipped), env=bare)
    steps["grade"] = run(course, "grade", AID, "--workers", "2", "--quiet", env=bare)
    steps["feedback"] = run(course, "feedback", AID, "--quiet")
    steps["grades"] = run(course, "grades", "--all")
    steps["report"] = run(course, "report")
    return steps


def test_students_import_refuses_the_bad_row_and_takes_the_rest(day):
    out = day["students"]
    assert out.returncode == 1
    assert "5 added, 0 updated" in out.stdout
    assert "line 7: student id 'bad id' may use only" in out.stdout
    assert "alembic" not in out.stderr


def test_grade_table_says_what_happened_not_just_how_many_problems(day):
    out = day["grade"].stdout
    assert "5 graded, 0 already graded (kept), 0 failed" in out
    assert "without encryption" not in day["grade"].stderr + out
    rows = {line.split()[0]: line for line in out.splitlines() if line.split()[:1] in (["ana"], ["cho"], ["dee"], ["eve"])}
    assert rows["ana"].split()[1] == "19/19"
    assert "all autograded tasks passed; 2 written answer(s) to mark" in rows["ana"]
    assert rows["dee"].split()[1] == "0/19" and "nothing attempted" in rows["dee"]
    assert "code did not run: Task 2 · CSAT by channel" in rows["eve"]
    assert "not attempted: Task 7 · Label the mentions" in rows["cho"] and "a test failed: Task 3 · NPS, by hand" in rows["cho"]
    # The README's example of this table is this class's real output.
    readme = (REPO / "README.md").read_text()
    example = readme[readme.index("it prints, among its rows:"):]
    example = example[example.index("```") + 3:]
    example = [line.strip() for line in example[:example.index("```")].splitlines() if line.strip()]
    real = {" ".join(line.split()) for line in out.splitlines()}
    assert len(example) == 4 and all(" ".join(line.split()) in real for line in example), (example, out)


def test_report_puts_learners_who_need_attention_first_with_what_went_wrong(course, day):
    page = (course / "trainer-output" / "class-report.html").read_text()
    table = page[page.index("<table id='learners'>"):]
    table = table[:table.index("</table>")]
    order = re.findall(r"<tr class='[^']*'><td class='id'>([^<]+)</td>", table)
    assert order[0] == "eve" and set(order[1:3]) == {"cho", "dee"} and set(order[3:]) == {"ana", "ben"}, order
    eve = _text(re.search(r"<tr class='[^']*'><td class='id'>eve</td>.*?</tr>", table, re.S).group(0))
    assert "Eve Tran" in eve and "code did not run: Task 2" in eve and "1 waiting, 1 blank" in eve
    dee = _text(re.search(r"<tr class='[^']*'><td class='id'>dee</td>.*?</tr>", table, re.S).group(0))
    assert "not attempted: every task" in dee and "0/19" in dee
    ana = _text(re.search(r"<tr class='[^']*'><td class='id'>ana</td>.*?</tr>", table, re.S).group(0))
    assert "19/19" in ana and "2 waiting" in ana and "nothing" in ana and "waiting" in ana
    assert "<th title='Task 2 · CSAT by channel'>Task 2</th>" in table


def test_report_lists_who_still_needs_marking_and_every_task_by_name(course, day):
    page = (course / "trainer-output" / "class-report.html").read_text()
    text = _text(page)
    assert "Waiting to be marked: 5 written answer(s), 3 learner(s)" in text
    assert "ana (Ana Lee): Task 8b · Why that path, Task 9 · Written report" in text
    assert "eve (Eve Tran): Task 9 · Written report" in text
    hardest = text[text.index("Hardest tasks"):text.index("Hint use")]
    for name in ("Task 1 · How many surveys to send", "Task 2 · CSAT by channel", "Task 3 · NPS, by hand",
                 "Task 4 · Complaint rates by quarter", "Task 5 · Checklist pass rates",
                 "Task 6 · The gap to the best competitor", "Task 7 · Label the mentions", "Task 8 · A debrief that works"):
        assert name in hardest
    assert "task2-tests" not in text  # grade ids are for nbgrader, not for people
    # Tasks 2, 3 and 7 have 3 of 5 learners on full marks and share the first rank; the rest have 4 of 5.
    for name in ("Task 2 · CSAT by channel", "Task 3 · NPS, by hand", "Task 7 · Label the mentions"):
        assert re.search(rf"=1\s*{name}\s*60%", hardest), hardest
    assert re.search(r"=4\s*Task 1 · How many surveys to send\s*80%", hardest), hardest
    assert "autograded tasks only, out of 19" in text  # the chart's scale until written answers are marked
    assert "Grading found no problems" in text


def test_feedback_names_tasks_shows_charts_and_waits_for_marking(course, day):
    out = day["feedback"]
    assert "warning: marking is not finished: 3 learner(s)" in out.stderr
    assert "  ana: Task 8b · Why that path, Task 9 · Written report" in out.stderr
    assert "  eve: Task 9 · Written report" in out.stderr
    page = (course / "feedback" / "ana" / AID / f"{AID}.html").read_text()
    index = _text(page[page.index("<div id=\"toc\">"):page.index("</ol>")])
    assert re.search(r"Task 2 · CSAT by channel:\s*2 / 2", index)
    assert re.search(r"Task 8b · Why that path:\s*waiting to be marked \(out of 2\)", index)
    assert "Test cell" not in index
    text = _text(page)
    assert "Score: 19 / 19" in text and "not counting 10 mark(s) for written answers waiting to be marked" in text
    # The chart under Task 2 is there, as the learner saw it.
    task2 = page[page.index('name="task2-tests"'):page.index('name="task3-tests"')]
    assert re.search(r"<img[^>]+src=\"data:image/png;base64,[A-Za-z0-9+/]{1000}", task2)
    # The role-play: the learner's path, its ending and scores, not the widget's raw text.
    assert "RolePlay(children" not in page
    assert "Your path (replayed from your answer to the task): agenda-first → true-praise" in text
    assert "Ending: A plan for the problem you have now (success)" in text
    assert "white-space: pre-wrap" in page


def test_feedback_says_why_code_did_not_run(course, day):
    # Inline code in a check's message is shown as code, so the page's text has no backticks.
    text = _text((course / "feedback" / "eve" / AID / f"{AID}.html").read_text())
    assert "Your code did not run: the cell that defines csat_by_channel did not run, because Python " \
           "could not read it: SyntaxError at line 2 (" in text
    assert "Not attempted: define csat_by_channel" not in text
    untouched = _text((course / "feedback" / "dee" / AID / f"{AID}.html").read_text())
    assert "Not attempted: csat_by_channel still raises NotImplementedError" in untouched


def test_a_marked_written_answer_shows_its_real_score(course, day):
    from nbgrader.api import Gradebook

    with Gradebook(grading.gradebook_url(course)) as gb:  # what Formgrader does when a trainer marks
        grade = gb.find_grade("task8b-justification", AID, AID, "ana")
        grade.manual_score = 1.5
        grade.needs_manual_grade = False
        gb.db.commit()
    out = run(course, "feedback", AID, "--student", "ana", "--quiet")
    assert "  ana: Task 9 · Written report" in out.stderr and "Task 8b" not in out.stderr
    page = (course / "feedback" / "ana" / AID / f"{AID}.html").read_text()
    index = _text(page[page.index("<div id=\"toc\">"):page.index("</ol>")])
    assert re.search(r"Task 8b · Why that path:\s*1.5 / 2", index)
    assert "Score: 20.5 / 21" in _text(page)
    run(course, "grades", "--all")
    rows = {r["student_id"]: r for r in csv.DictReader((course / "trainer-output" / "grades.csv").open())}
    assert float(rows["ana"][f"{AID} score"]) == 20.5 and rows["ana"][f"{AID} needs marking"] == "yes"


def test_trainer_outputs_are_ignored_by_git(course, day):
    assert day["grades"].stderr.strip().endswith("trainer-output/grades.csv")
    assert (course / "trainer-output" / "grades.csv").is_file()
    subprocess.run(["git", "init", "-q", str(course)], check=True)
    listed = subprocess.run(["git", "-C", str(course), "add", "-A", "--dry-run"], capture_output=True, text=True,
                            check=True).stdout
    assert "source/" in listed  # the check can see files: the course itself would be added
    for private in ("trainer-output", "gradebook.db", "submitted/", "autograded/", "feedback/", "ana"):
        assert private not in listed, listed
    # A file named by hand outside trainer-output/ gets a warning when git would publish it.
    out = run(course, "report", "-o", str(course / "summary.html"))
    assert "git does not ignore it" in out.stderr


def test_screenshots_of_the_report_and_a_feedback_page(course, day, tmp_path):
    sys.path.insert(0, str(REPO / "scripts"))
    try:
        import screenshots
    finally:
        sys.path.pop(0)
    if screenshots.chromium() is None:
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    keep = Path(os.environ.get("CSWORKBOOK_SCREENSHOTS", tmp_path))
    shots = screenshots.shoot([course / "trainer-output" / "class-report.html",
                               course / "feedback" / "eve" / AID / f"{AID}.html"], keep)
    from PIL import Image

    for shot in shots:
        with Image.open(shot) as image:
            assert image.width >= 1000 and image.height > 1500  # whole pages, not an empty viewport
