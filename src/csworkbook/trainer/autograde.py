"""Autograde a whole class in parallel, surviving bad submissions.

nbgrader grades one submission at a time and cannot share its gradebook
between processes (its issue #174). Here one long-lived worker process per core
(``autograde_worker``) takes submissions from a queue and grades each in a
fresh kernel, against a read-only snapshot of the gradebook; a worker that
hangs past the wall limit or dies is killed with its kernels and replaced. The
results are written to the real gradebook by this process alone, one
submission at a time, with nbgrader's own ``SaveAutoGrades``. A submission is
marked done only after its grades are committed, so an interrupted run loses
nothing and the next run resumes.

Every kernel runs inside a sandbox (``sandbox.py``) chosen once per run:
bubblewrap where it works, a container where asked, none only by name.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import select
import threading
import warnings
from queue import Empty, Queue
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from . import sandbox as sandboxes
from .grading import CourseError, _api, _ensure_tools_on_path, gradebook_url, snapshot_gradebook, temporary_course

MARKER = ".csworkbook-graded.json"


@dataclass
class Outcome:
    student: str
    status: str  # graded | kept (graded before, unchanged since) | failed
    score: float = 0.0
    max_score: float = 0.0
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0
    sandbox: str = ""
    summary: str = ""  # what happened task by task, in a few words ("nothing attempted", "code did not run: Task 2")


def ensure_assignment(root: Path, assignment: str) -> list[str]:
    """Make sure the gradebook knows the assignment (as `csworkbook build` in a trainer's course leaves it)."""
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(gradebook_url(root)) as gb:
        try:
            return [n.name for n in gb.find_assignment(assignment).notebooks]
        except MissingEntry:
            pass
    if not (root / "source" / assignment).is_dir():
        raise CourseError(f"no assignment called {assignment!r} in {root / 'source'}")
    with temporary_course(root) as course:
        api = _api(course, db_url=gradebook_url(root))
        result = api.generate_assignment(assignment, force=True, create=True)
        if not result.get("success"):
            raise CourseError(f"nbgrader could not register {assignment}: {result.get('error') or result.get('log')}")
    with Gradebook(gradebook_url(root)) as gb:
        return [n.name for n in gb.find_assignment(assignment).notebooks]


def _release_cells(root: Path, assignment: str, notebooks: list[str]) -> dict:
    """What learners were given: each graded or locked cell's source in release/, by notebook."""
    cells: dict[str, dict] = {}
    for name in notebooks:
        path = root / "release" / assignment / f"{name}.ipynb"
        if not path.is_file():
            raise CourseError(f"{path} is missing: run `csworkbook build` before grading")
        found = {}
        for cell in nbformat.read(path, as_version=4).cells:
            meta = cell.get("metadata", {}).get("nbgrader", {})
            if "grade_id" in meta:
                found[meta["grade_id"]] = {"source": cell.source, "locked": bool(meta.get("locked")),
                                           "grade": bool(meta.get("grade"))}
        cells[name] = found
    return cells


def _submission_hash(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(path.relative_to(folder).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _mark_unrun_cells(nb) -> None:
    """A code cell that never ran must never earn points: give it an error output."""
    for cell in nb.cells:
        if cell.cell_type == "code" and cell.get("execution_count") is None and not cell.get("outputs"):
            cell.outputs = [nbformat.v4.new_output("error", ename="NotRun", evalue="this cell was not run",
                                                   traceback=["NotRun: this cell was not run"])]


def _refuse_impossible_credit(nb, name: str) -> list[str]:
    """A test cell whose output claims more points than the cell is worth scores 0.

    nbgrader reads a number printed as a test cell's result as partial credit, and
    stops with an error when it exceeds the cell's points; a learner's kernel can
    print one, so that must not crash the class's run.
    """
    from nbgrader.utils import determine_grade, is_grade

    problems = []
    for cell in nb.cells:
        if cell.cell_type != "code" or not is_grade(cell):
            continue
        try:
            determine_grade(cell)
        except ValueError as exc:
            gid = cell.metadata.nbgrader.get("grade_id")
            cell.outputs = [nbformat.v4.new_output("error", ename="InvalidCredit", evalue=str(exc),
                                                   traceback=[f"InvalidCredit: {exc}"])]
            problems.append(f"{name}: test '{gid}' reported an impossible score ({exc}); scored 0")
    return problems


class _Worker:
    """A long-lived grading process; replaced by a fresh one if it hangs or dies."""

    def __init__(self, memory_mb: int):
        self.memory_mb = memory_mb
        self.proc: subprocess.Popen | None = None

    def _start(self) -> None:
        # Charts are kept in the graded notebook as the learner saw them (inline PNGs), so feedback
        # can show them; the grader's own processes choose a non-display backend themselves.
        env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1", MPLBACKEND="module://matplotlib_inline.backend_inline")
        self.proc = subprocess.Popen(
            # -P: the folder grading was started from (often the course) is not put on sys.path,
            # so it is never mistaken for a library folder the sandbox should show the kernel.
            [sys.executable, "-P", "-m", "csworkbook.trainer.autograde_worker", "--serve", str(self.memory_mb)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
            env=env, start_new_session=True)

    def stop(self, kill: bool = False) -> None:
        if self.proc is None:
            return
        if kill:
            _kill_tree(self.proc.pid)
        else:
            try:
                self.proc.stdin.close()
                self.proc.wait(timeout=30)
            except (OSError, subprocess.TimeoutExpired):
                _kill_tree(self.proc.pid)
        self.proc = None

    def grade(self, job: dict, wall_seconds: float) -> dict:
        if self.proc is None or self.proc.poll() is not None:
            self._start()
        try:
            self.proc.stdin.write(json.dumps(job) + "\n")
            self.proc.stdin.flush()
        except OSError:
            self.stop(kill=True)
            return {"student": job["student"], "crashed": True, "notebooks": {},
                    "problems": ["the grading process could not be started"]}
        ready, _, _ = select.select([self.proc.stdout], [], [], wall_seconds)
        line = self.proc.stdout.readline() if ready else ""
        if not ready:
            self.stop(kill=True)
            return {"student": job["student"], "killed": True, "notebooks": {}, "problems": [
                f"the grader stopped this submission after {wall_seconds:.0f} s; cells that had not run score 0"]}
        result_path = Path(job["result_path"])
        if not line.startswith("done") or not result_path.is_file():
            self.stop(kill=True)
            return {"student": job["student"], "crashed": True, "notebooks": {},
                    "problems": ["the grading process died on this submission"]}
        return json.loads(result_path.read_text())


def _kill_tree(pid: int) -> None:
    """Stop a worker and everything it started (its kernels are its children)."""
    import psutil

    try:
        parent = psutil.Process(pid)
        family = parent.children(recursive=True) + [parent]
    except psutil.NoSuchProcess:
        return
    for proc in family:
        try:
            proc.kill()
        except psutil.NoSuchProcess:
            pass
    psutil.wait_procs(family, timeout=10)


def _save(root: Path, assignment: str, notebooks: list[str], job: dict, result: dict) -> tuple[float, float]:
    """Write one submission's grades to the gradebook with nbgrader's own SaveAutoGrades."""
    from nbgrader.api import Gradebook
    from nbgrader.preprocessors import SaveAutoGrades
    from nbgrader.utils import parse_utc

    student = job["student"]
    stamp_file = Path(job["submission_dir"]) / "timestamp.txt"
    timestamp = None
    if stamp_file.is_file():
        try:
            timestamp = parse_utc(stamp_file.read_text().strip())
        except Exception:
            result["problems"].append("timestamp.txt: not a date and time; the submission time was not recorded")
    with Gradebook(gradebook_url(root)) as gb:
        if not _has_student(gb, student):
            gb.update_or_create_student(student)  # names come later, from `csworkbook students import`
        if timestamp:
            gb.update_or_create_submission(assignment, student, timestamp=timestamp)
        else:
            gb.update_or_create_submission(assignment, student)
    suspicious: list[str] = []
    for name in notebooks:
        info = result["notebooks"].get(name, {})
        path = Path(job["autograded_dir"]) / f"{name}.ipynb"
        if info.get("status") == "graded" or (result.get("killed") and path.is_file()):
            nb = nbformat.read(path, as_version=4)
            if info.get("status") != "graded":  # a killed worker's notebook: the cells it logged as run
                from .autograde_worker import apply_progress, progress_log

                nb = apply_progress(nb, path)
                progress_log(path).unlink(missing_ok=True)
            _mark_unrun_cells(nb)
            result["problems"].extend(_refuse_impossible_credit(nb, name))
            nbformat.write(nb, path)
            resources = {"nbgrader": {"notebook": name, "assignment": assignment, "student": student,
                                      "db_url": gradebook_url(root)}}
            SaveAutoGrades().preprocess(nb, resources)
            suspicious += _distrusted(root, assignment, student, name, info.get("trusted", {}))
        else:
            with Gradebook(gradebook_url(root)) as gb:
                for grade in gb.find_submission_notebook(name, assignment, student).grades:
                    grade.auto_score = 0
                    grade.needs_manual_grade = False
                gb.db.commit()
            if result.get("killed") or result.get("crashed"):
                result["problems"].append(f"{name}.ipynb: no graded copy; scored 0")
    if suspicious:
        _hold_for_review(root, assignment, student)
        result["problems"].append("SUSPICIOUS, scored 0 until a trainer reviews it (Formgrader): " + "; ".join(suspicious))
    with Gradebook(gradebook_url(root)) as gb:
        submission = gb.find_submission(assignment, student)
        return float(submission.code_score), float(submission.max_code_score)


def _distrusted(root: Path, assignment: str, student: str, notebook: str, trusted: dict) -> list[str]:
    """Tests that passed inside the learner's kernel but failed when the grader ran them itself."""
    from nbgrader.api import Gradebook

    found = []
    with Gradebook(gradebook_url(root)) as gb:
        for grade in gb.find_submission_notebook(notebook, assignment, student).grades:
            if grade.cell_type != "code" or grade.auto_score is None:
                continue
            passed_inside = grade.auto_score >= grade.max_score > 0
            passed_outside, reason = trusted.get(grade.name, (False, "the grader could not check this test"))
            if passed_inside and not passed_outside:
                found.append(f"{notebook}: test '{grade.name}' passed in the learner's kernel but not when the "
                             f"grader ran it ({reason})")
    return found


def _hold_for_review(root: Path, assignment: str, student: str) -> None:
    from nbgrader.api import Gradebook

    with Gradebook(gradebook_url(root)) as gb:
        submission = gb.find_submission(assignment, student)
        for nb in submission.notebooks:
            nb.flagged = True
            for grade in nb.grades:
                grade.auto_score = 0
                grade.needs_manual_grade = True
        gb.db.commit()


def _has_student(gb, student: str) -> bool:
    from nbgrader.api import MissingEntry

    try:
        gb.find_student(student)
        return True
    except MissingEntry:
        return False


def grade(root: str | Path, assignment: str, workers: int | None = None, time_limit: int = 180,
          memory_mb: int = 3072, output_cap_bytes: int = 200_000, force: bool = False,
          students: list[str] | None = None, progress: bool = False, sandbox: str = "auto",
          processes: int = 64, file_mb: int = 256, image: str = sandboxes.DEFAULT_IMAGE) -> list[Outcome]:
    """Autograde every collected submission of ``assignment``; one Outcome per student.

    ``sandbox`` is auto, bwrap, container or none (see ``sandbox.py``); auto never means none.
    """
    root = Path(root).resolve()
    _ensure_tools_on_path()
    from .autograde_worker import GRACE_SHARE

    # CPU time: the whole budget and its grace, spent at full speed, and then some for start-up.
    limits = sandboxes.Limits(memory_mb=memory_mb, cpu_seconds=int(time_limit * (1 + GRACE_SHARE)) + 60,
                              processes=processes, file_mb=file_mb)
    chosen = sandboxes.choose(sandbox, root, limits, image)
    submitted = root / "submitted"
    folders = sorted(p for p in submitted.glob(f"*/{assignment}") if p.is_dir()) if submitted.is_dir() else []
    if students:
        folders = [f for f in folders if f.parent.name in students]
    if not folders:
        raise CourseError(f"no submissions of {assignment!r} in {submitted}: collect them first "
                          f"(csworkbook collect {assignment} ZIP_OR_FOLDER)")
    notebooks = ensure_assignment(root, assignment)
    release_cells = _release_cells(root, assignment, notebooks)
    workers = max(1, workers or os.cpu_count() or 1)
    outcomes: list[Outcome] = []
    jobs = []
    with tempfile.TemporaryDirectory(prefix="csworkbook-grade-") as tmp:
        tmp_path = Path(tmp)
        snapshot_url = snapshot_gradebook(root, tmp_path)  # what the workers read; only this process writes
        for folder in folders:
            student = folder.parent.name
            out_dir = root / "autograded" / student / assignment
            marker = out_dir / MARKER
            digest = _submission_hash(folder)
            if not force and marker.is_file():
                done = json.loads(marker.read_text())
                if done.get("submission") == digest:
                    outcomes.append(Outcome(student, "kept", done["score"], done["max_score"], done["problems"],
                                            sandbox=done.get("sandbox", ""), summary=done.get("summary", "")))
                    continue
            if out_dir.exists():
                shutil.rmtree(out_dir)
            jobs.append({
                "student": student, "assignment": assignment, "notebooks": notebooks,
                "submission_dir": str(folder), "autograded_dir": str(out_dir),
                "snapshot_db_url": snapshot_url, "time_limit": time_limit, "memory_mb": memory_mb,
                "output_cap_bytes": output_cap_bytes, "result_path": str(tmp_path / f"{student}.result.json"),
                "digest": digest, "release_cells": release_cells,
                "source_dir": str(root / "source" / assignment), "sandbox": chosen.to_job(),
            })
        wall = time_limit * 1.5 + 90  # the worker's own budget plus kernel start-up; past this it is killed
        bar = None
        if progress and jobs:
            from tqdm.auto import tqdm

            bar = tqdm(total=len(jobs), desc=f"grading {assignment}", unit="submission")
        queue: Queue = Queue()
        for job in jobs:
            queue.put(job)
        finished: Queue = Queue()
        slots = [_Worker(memory_mb) for _ in range(min(workers, len(jobs)))]

        def drive(slot: _Worker) -> None:
            try:
                while True:
                    try:
                        job = queue.get_nowait()
                    except Empty:
                        return
                    try:
                        result = slot.grade(job, wall)
                    except Exception as exc:  # noqa: BLE001 - never leave the main loop waiting
                        slot.stop(kill=True)
                        result = {"student": job["student"], "crashed": True, "notebooks": {},
                                  "problems": [f"the grader failed on this submission ({type(exc).__name__}: {exc})"]}
                    finished.put((job, result))
            finally:
                slot.stop()

        threads = [threading.Thread(target=drive, args=(slot,), daemon=True) for slot in slots]
        for thread in threads:
            thread.start()
        completed = False
        try:
            for _ in range(len(jobs)):
                job, result = finished.get()
                with warnings.catch_warnings():
                    # nbgrader's SQLAlchemy use warns on every new submission, and nbformat on
                    # duplicated cell ids it repairs itself: neither is ours to fix or the trainer's.
                    warnings.simplefilter("ignore")
                    score, maximum = _save(root, assignment, notebooks, job, result)
                problems = result["problems"]
                out_dir = Path(job["autograded_dir"])
                out_dir.mkdir(parents=True, exist_ok=True)
                summary = _summary(root, assignment, job["student"], problems)
                (out_dir / MARKER).write_text(json.dumps({"submission": job["digest"], "score": score,
                                                          "max_score": maximum, "problems": problems,
                                                          "sandbox": chosen.kind, "summary": summary}, indent=1))
                status = "failed" if result.get("crashed") or result.get("killed") else "graded"
                outcomes.append(Outcome(job["student"], status, score, maximum, problems, result.get("seconds", 0.0),
                                        chosen.kind, summary))
                if bar:
                    bar.update(1)
            completed = True
        finally:
            while not queue.empty():  # interrupted: hand out no more work
                queue.get_nowait()
            if completed:
                for thread in threads:
                    thread.join(timeout=60)  # each stops its worker itself
            for slot in slots:
                slot.stop(kill=True)  # interrupted: end the workers and their kernels now
            if bar:
                bar.close()
    return sorted(outcomes, key=lambda o: o.student)


def _summary(root: Path, assignment: str, student: str, problems: list[str]) -> str:
    """A few words on what happened, for the grade table (the class report has the detail)."""
    from . import tasks

    if any(p.startswith("SUSPICIOUS") for p in problems):
        return "flagged as suspicious: a trainer must review it"
    try:
        found = tasks.diagnose_submission(root, assignment, student)
    except Exception as exc:  # noqa: BLE001 - a summary must never stop a class's grading
        return f"(could not summarise: {type(exc).__name__})"
    if not found:
        return "no notebook could be graded"
    return "; ".join(f"{name}: {d.summary()}" if len(found) > 1 else d.summary() for name, d in found.items())


def outcome_table(outcomes: list[Outcome]) -> str:
    rows = [("student", "score", "status", "problems", "what happened")]
    unprotected = sorted(o.student for o in outcomes if o.sandbox == "none")
    for o in outcomes:
        rows.append((o.student, f"{o.score:g}/{o.max_score:g}", o.status, str(len(o.problems)), o.summary or "-"))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    problems = [(o.student, p) for o in outcomes for p in o.problems]
    if problems:
        lines += ["", f"{len(problems)} problem(s) found:"]
        lines += [f"  {student}: {p}" for student, p in problems]
    if unprotected:
        lines += ["", sandboxes.NO_SANDBOX_WARNING, f"  graded without a sandbox: {', '.join(unprotected)}"]
    return "\n".join(lines)
