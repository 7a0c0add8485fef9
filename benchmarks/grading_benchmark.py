"""Plain sequential `nbgrader autograde` against `csworkbook grade`, on the same 40 submissions.

Run:  python3 workbook.py run python benchmarks/grading_benchmark.py [--students 40] [--workers 2]

Both grade identical copies of a course built from this repository's topic 07,
with generated submissions (most solved, some blank, some with a wrong answer).
Prints both wall times and their ratio, and checks every student's autograded
score is the same in both gradebooks. Nothing here is asserted as a time.
"""

from __future__ import annotations

import argparse
import copy
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[1]
ASSIGNMENT = "07-measuring-satisfaction"
BIN = Path(sys.executable).parent
ENV = dict(os.environ, PATH=str(BIN) + os.pathsep + os.environ.get("PATH", ""))  # nbgrader runs alembic


def solved_release() -> nbformat.NotebookNode:
    """The student version with the instructor's answers typed in, as a strong student would hand in."""
    from csworkbook.grading import solved_copy

    return solved_copy(REPO / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb",
                       REPO / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")


def make_course(root: Path, students: int) -> None:
    root.mkdir(parents=True)
    shutil.copy2(REPO / "nbgrader_config.py", root / "nbgrader_config.py")
    shutil.copytree(REPO / "source", root / "source")
    shutil.copytree(REPO / "release", root / "release")
    solved = solved_release()
    blank = nbformat.read(REPO / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    for i in range(students):
        nb = copy.deepcopy(blank if i % 5 == 0 else solved)
        if i % 5 == 1:  # a plausible mistake: counts 3s as satisfied
            for cell in nb.cells:
                if cell.metadata.get("nbgrader", {}).get("grade_id") == "task1-answer":
                    cell.source = cell.source.replace(".apply(csat)", ".apply(lambda s: 100 * (s >= 3).mean())")
        folder = root / "submitted" / f"s{i:03d}" / ASSIGNMENT
        folder.mkdir(parents=True)
        nbformat.write(nb, folder / f"{ASSIGNMENT}.ipynb")
        (folder / "timestamp.txt").write_text("2026-11-20 10:00:00.000000 UTC")
    subprocess.run([str(BIN / "nbgrader"), "generate_assignment", ASSIGNMENT, "--force"], cwd=root,
                   check=True, capture_output=True, env=ENV)


def scores(root: Path) -> dict[str, float]:
    from nbgrader.api import Gradebook

    with Gradebook("sqlite:///" + str(root / "gradebook.db")) as gb:
        return {s.student.id: float(s.code_score) for s in gb.assignment_submissions(ASSIGNMENT)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=40)
    parser.add_argument("--workers", type=int, default=None, help="csworkbook grade workers (default: one per core)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="csworkbook-bench-") as tmp:
        plain, ours = Path(tmp) / "plain", Path(tmp) / "ours"
        print(f"building two identical courses with {args.students} submissions each ...", flush=True)
        make_course(plain, args.students)
        make_course(ours, args.students)

        print("plain nbgrader autograde (sequential) ...", flush=True)
        started = time.perf_counter()
        subprocess.run([str(BIN / "nbgrader"), "autograde", ASSIGNMENT, "--force"], cwd=plain, check=True,
                       capture_output=True, env=ENV)
        plain_seconds = time.perf_counter() - started
        print(f"  {plain_seconds:.1f} s", flush=True)

        workers = ["--workers", str(args.workers)] if args.workers else []
        print("csworkbook grade (parallel) ...", flush=True)
        started = time.perf_counter()
        subprocess.run([str(BIN / "csworkbook"), "--course", str(ours), "grade", ASSIGNMENT, "--quiet", *workers],
                       check=True, capture_output=True, env=ENV)
        ours_seconds = time.perf_counter() - started

        a, b = scores(plain), scores(ours)
        same = a == b
        print()
        print(f"submissions graded:           {len(a)} (plain), {len(b)} (csworkbook)")
        print(f"scores identical:             {'yes' if same else 'NO'}")
        if not same:
            for student in sorted(set(a) | set(b)):
                if a.get(student) != b.get(student):
                    print(f"  {student}: plain {a.get(student)}  csworkbook {b.get(student)}")
        print(f"plain nbgrader autograde:     {plain_seconds:7.1f} s  ({plain_seconds / len(a):.2f} s per submission)")
        print(f"csworkbook grade:             {ours_seconds:7.1f} s  ({ours_seconds / len(b):.2f} s per submission)")
        print(f"speed-up:                     {plain_seconds / ours_seconds:.2f}x")
        sys.exit(0 if same else 1)


if __name__ == "__main__":
    main()
