"""Build-and-prove: release/ checked through nbgrader itself on temporary course copies.

(a) committed release/ equals a fresh generation; (b) every source notebook,
submitted as a student's, autogrades to full marks; (c) every untouched release
notebook scores zero; (d) nothing of a solution or hidden test leaks into release/.
(e), nbval over source/ and notebooks/, runs as part of the same pytest session.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from csworkbook.trainer import grading

pytestmark = pytest.mark.grading


@pytest.fixture(scope="module")
def proof(repo):
    return grading.prove(repo)


def test_every_source_notebook_is_proven(repo, proof):
    expected = sorted(p.relative_to(repo / "source").with_suffix("").as_posix() for p in (repo / "source").glob("*/*.ipynb"))
    assert sorted(f"{r.assignment}/{r.notebook}" for r in proof) == expected
    assert expected, "no source notebooks found"


def test_a_release_is_in_sync_with_a_fresh_generation(proof):
    for r in proof:
        assert r.in_sync, f"{r.assignment}: {r.problems}"


def test_b_solutions_autograde_to_full_marks(proof):
    for r in proof:
        assert r.max_score and r.max_score > 0, r
        assert r.solution_score == r.max_score, f"{r.assignment}/{r.notebook}: {r.solution_score}/{r.max_score} {r.problems}"


def test_c_untouched_release_scores_zero(proof):
    for r in proof:
        assert r.untouched_score == 0, f"{r.assignment}/{r.notebook}: untouched scores {r.untouched_score}"


def test_d_nothing_leaks_into_release(proof):
    for r in proof:
        assert not r.leaks, f"{r.assignment}/{r.notebook}: {r.leaks}"


def test_proof_table_reports_every_notebook(proof):
    table = grading.proof_table(proof)
    assert all(r.notebook in table for r in proof)
    assert "FAIL" not in table


def test_the_readme_verify_example_is_real_output(repo, proof):
    readme = (repo / "README.md").read_text(encoding="utf-8")
    block = readme[readme.index("prints one row per notebook:"):]
    block = block[block.index("```") + 3:]
    rows = [line.split() for line in block[:block.index("```")].splitlines() if line.strip()]
    real = [line.split() for line in grading.proof_table(proof).splitlines()]
    assert rows[0] == real[0]  # the header
    for row in rows[2:]:
        assert row in real, f"README's verify example row {' '.join(row)!r} is not in the real table:\n" \
                            f"{grading.proof_table(proof)}"


# -- the checks above can fail: show each one catching a real fault ----------


def _grade_meta(grade_id, **flags):
    meta = {"grade": False, "solution": False, "locked": False, "grade_id": grade_id, "schema_version": 3}
    meta.update(flags)
    return {"nbgrader": meta}


def _tiny_course(root: Path, repo: Path, solution: str, test: str) -> Path:
    """A one-task course, small enough to autograde in a second or two."""
    shutil.copy2(repo / grading.CONFIG_FILE, root / grading.CONFIG_FILE)
    answer = new_code_cell(f"def double(x):\n    ### BEGIN SOLUTION\n{solution}\n    ### END SOLUTION", id="answer",
                           metadata=_grade_meta("answer", solution=True))
    tests = new_code_cell(test, id="tests", metadata=_grade_meta("tests", grade=True, locked=True, points=1))
    intro = new_markdown_cell("Double a number.", id="intro")
    nb = new_notebook(cells=[intro, answer, tests], metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    (root / "source" / "demo").mkdir(parents=True)
    nbformat.write(nb, root / "source" / "demo" / "demo.ipynb")
    return root


GOOD_TEST = "assert double(2) == 4\n### BEGIN HIDDEN TESTS\nassert double(-7) == -14, 'hidden check'\n### END HIDDEN TESTS"


def test_prove_passes_a_correct_tiny_course(repo, tmp_path, capfd):
    course = _tiny_course(tmp_path, repo, "    return 2 * x", GOOD_TEST)
    grading.build_release(course)
    capfd.readouterr()
    [record] = grading.prove(course)
    assert record.ok, record
    # nbgrader's kernels (two ran here) talk over Unix sockets: ipykernel has no TCP warning to print.
    assert "without encryption" not in capfd.readouterr().err


def test_prove_catches_a_wrong_solution_a_lenient_test_and_a_stale_release(repo, tmp_path):
    # The "solution" is wrong, so the source cannot earn full marks.
    course = _tiny_course(tmp_path, repo, "    return x + 2", GOOD_TEST)
    grading.build_release(course)
    [record] = grading.prove(course)
    assert record.solution_score == 0 and not record.ok

    # A test cell that passes without any answer lets an untouched notebook score.
    lenient = tmp_path / "lenient"
    lenient.mkdir()
    _tiny_course(lenient, repo, "    return 2 * x", "assert True")
    grading.build_release(lenient)
    [record] = grading.prove(lenient)
    assert record.untouched_score == 1 and not record.ok

    # Editing the source without rebuilding leaves release/ stale.
    nb_path = lenient / "source" / "demo" / "demo.ipynb"
    nb = nbformat.read(nb_path, as_version=4)
    nb.cells[0].source = "Double a number, please."
    nbformat.write(nb, nb_path)
    [record] = grading.prove(lenient)
    assert not record.in_sync and "out of date" in record.problems[0]


def test_leak_detection_finds_solution_lines_and_markers(repo, tmp_path):
    source = next((repo / "source").glob("*/*.ipynb"))
    release = repo / "release" / source.parent.name / source.name
    assert grading.find_leaks(source, release) == []
    doctored = nbformat.read(release, as_version=4)
    secret = grading.secret_lines(nbformat.read(source, as_version=4))[0]
    doctored.cells[-1].source += "\n" + secret + "\n### BEGIN HIDDEN TESTS"
    leaked_path = tmp_path / source.name
    nbformat.write(doctored, leaked_path)
    leaks = grading.find_leaks(source, leaked_path)
    assert f"line {secret!r}" in leaks
    assert "marker 'BEGIN HIDDEN TESTS'" in leaks


def test_written_answer_model_text_counts_as_secret(repo):
    source = next((repo / "source").glob("*/*.ipynb"))
    nb = nbformat.read(source, as_version=4)
    written = [c for c in nb.cells if c.cell_type == "markdown" and c.metadata.get("nbgrader", {}).get("solution")]
    assert written, "each topic needs a hand-graded written answer"
    secrets = set(grading.secret_lines(nb))
    assert any(line.strip() in secrets for line in written[0].source.splitlines() if len(line.strip()) >= 16)


def test_no_course_is_a_clear_error(tmp_path):
    with pytest.raises(grading.CourseError, match="no course found"):
        grading.find_course_root(tmp_path)
