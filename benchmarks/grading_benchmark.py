"""Plain sequential `nbgrader autograde` against `csworkbook grade`, on the same 40 submissions.

Run:  python3 workbook.py run python benchmarks/grading_benchmark.py [--students 40] [--workers 2]
      [--rounds 2] [--skip-plain]

All grade identical copies of a course built from this repository's topic 07,
with generated submissions (most solved, some blank, some with a wrong answer):
plain nbgrader, then `csworkbook grade --sandbox none` and `--sandbox bwrap`
in turns (rounds interleaved, so machine noise falls on both alike). Prints the
wall times and their ratios (speed-up over plain nbgrader; the sandbox's cost
over none), and checks every student's autograded score is the same in every
gradebook. Nothing here is asserted as a time.
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
    from csworkbook.trainer.grading import solved_copy

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


def grade_with(course: Path, sandbox: str, workers: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run([str(BIN / "csworkbook"), "--course", str(course), "grade", ASSIGNMENT, "--quiet", "--force",
                    "--sandbox", sandbox, *workers], check=True, capture_output=True, env=ENV)
    return time.perf_counter() - started


def main() -> None:
    import statistics

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=40)
    parser.add_argument("--workers", type=int, default=None, help="csworkbook grade workers (default: one per core)")
    parser.add_argument("--rounds", type=int, default=1, help="runs of each csworkbook sandbox, interleaved")
    parser.add_argument("--skip-plain", action="store_true", help="only the sandbox's cost (no nbgrader baseline)")
    args = parser.parse_args()
    kinds = ("none", "bwrap")
    with tempfile.TemporaryDirectory(prefix="csworkbook-bench-") as tmp:
        courses = {name: Path(tmp) / name for name in ("plain", *kinds)}
        if args.skip_plain:
            del courses["plain"]
        print(f"building {len(courses)} identical courses with {args.students} submissions each ...", flush=True)
        for course in courses.values():
            make_course(course, args.students)

        plain_seconds = None
        if "plain" in courses:
            print("plain nbgrader autograde (sequential) ...", flush=True)
            started = time.perf_counter()
            subprocess.run([str(BIN / "nbgrader"), "autograde", ASSIGNMENT, "--force"], cwd=courses["plain"],
                           check=True, capture_output=True, env=ENV)
            plain_seconds = time.perf_counter() - started
            print(f"  {plain_seconds:.1f} s", flush=True)

        workers = ["--workers", str(args.workers)] if args.workers else []
        times: dict[str, list[float]] = {k: [] for k in kinds}
        for round_ in range(args.rounds):
            for kind in (kinds if round_ % 2 == 0 else kinds[::-1]):
                print(f"csworkbook grade --sandbox {kind} (round {round_ + 1}) ...", flush=True)
                times[kind].append(grade_with(courses[kind], kind, workers))
                print(f"  {times[kind][-1]:.1f} s", flush=True)

        found = {name: scores(course) for name, course in courses.items()}
        reference = found["none"]
        same = all(s == reference for s in found.values())
        print()
        print(f"submissions graded:           " + ", ".join(f"{len(s)} ({n})" for n, s in found.items()))
        print(f"scores identical:             {'yes' if same else 'NO'}")
        if not same:
            for student in sorted(reference):
                row = {n: s.get(student) for n, s in found.items()}
                if len(set(row.values())) > 1:
                    print(f"  {student}: {row}")
        n = len(reference)
        median = {k: statistics.median(v) for k, v in times.items()}
        if plain_seconds is not None:
            print(f"plain nbgrader autograde:     {plain_seconds:7.1f} s  ({plain_seconds / n:.2f} s per submission)")
        for kind in kinds:
            print(f"csworkbook grade, {kind:5}:     {median[kind]:7.1f} s  ({median[kind] / n:.2f} s per submission; "
                  f"runs {', '.join(f'{t:.1f}' for t in times[kind])})")
        if plain_seconds is not None:
            print(f"speed-up over plain, sandboxed: {plain_seconds / median['bwrap']:.2f}x "
                  f"(without sandbox {plain_seconds / median['none']:.2f}x)")
        print(f"sandbox cost (bwrap / none):  {median['bwrap'] / median['none']:.3f}x")
        sys.exit(0 if same else 1)


if __name__ == "__main__":
    main()
