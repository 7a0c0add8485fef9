"""Grade one student's submission in a process of its own.

``csworkbook grade`` starts one of these per submission (several at once), so a
submission that hangs, floods its output, eats memory or kills its kernel can
only hurt its own process. The worker:

1. reads each expected notebook, repairing what can fairly be repaired (a
   misnamed file, duplicated graded cells) and reporting everything it changes;
2. sanitises it with nbgrader's own preprocessors against a read-only snapshot
   of the gradebook (restoring deleted or edited test and locked cells);
3. runs it in a fresh kernel inside the sandbox (``sandbox.py``: no course
   folder, no network, limits on memory, CPU, processes and file size), in a
   private copy of the submission folder, under one time budget for the whole
   submission, with capped output, logging each cell's outputs as it finishes;
4. writes the executed notebook to ``autograded/`` and a JSON report.

The parent process alone writes to the gradebook, one submission at a time.
"""

from __future__ import annotations

import json
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbformat.notebooknode import NotebookNode

MIN_CELL_SECONDS = 5  # once the budget is spent, each further cell still gets this long...
GRACE_SHARE = 0.5  # ...until half the budget again has gone: then the rest are not run


def _error_output(ename: str, evalue: str) -> NotebookNode:
    return nbformat.v4.new_output("error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"])


def _limit_memory(megabytes: int) -> None:
    # Inherited by the kernel this process starts: a submission that allocates
    # without end gets a MemoryError (or dies) instead of taking the machine down.
    limit = megabytes * 1024 * 1024
    try:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ValueError, OSError):
        pass


def _read_notebook(path: Path, problems: list[str]) -> NotebookNode | None:
    try:
        nb = nbformat.read(path, as_version=4)
    except json.JSONDecodeError as exc:
        problems.append(f"{path.name}: not a readable notebook (broken JSON at line {exc.lineno}, column {exc.colno}); scored 0")
        return None
    except Exception as exc:  # nbformat raises a mix of types for damaged files
        problems.append(f"{path.name}: not a readable notebook ({type(exc).__name__}: {str(exc)[:200]}); scored 0")
        return None
    if not isinstance(nb, NotebookNode) or "cells" not in nb:
        problems.append(f"{path.name}: not a notebook (no cells); scored 0")
        return None
    return nb


def _dedupe_graded_cells(nb: NotebookNode, name: str, problems: list[str]) -> None:
    """Keep the first cell of each grade id; later copies become ordinary cells.

    nbgrader stops a whole class's autograde run on a duplicated id (its issue
    #1083). The copy is kept as an ordinary cell so no learner text is lost.
    """
    seen: set[str] = set()
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader")
        if not meta or "grade_id" not in meta:
            continue
        gid = meta["grade_id"]
        if gid in seen:
            problems.append(f"{name}: graded cell '{gid}' appears more than once; the first copy was graded")
            del cell.metadata["nbgrader"]
        else:
            seen.add(gid)


def _compare_with_release(nb: NotebookNode, name: str, job: dict, problems: list[str]) -> None:
    """Report graded cells that were deleted and locked cells that were edited (nbgrader restores both)."""
    present = {c.metadata.nbgrader["grade_id"]: c for c in nb.cells
               if "grade_id" in c.get("metadata", {}).get("nbgrader", {})}
    release = job["release_cells"].get(name, {})
    for gid, info in release.items():
        cell = present.get(gid)
        if cell is None:
            if info["grade"]:
                problems.append(f"{name}: graded cell '{gid}' was deleted; it was put back and graded")
        elif info["locked"] and cell.get("source", "").strip() != info["source"].strip():
            problems.append(f"{name}: locked cell '{gid}' was edited; the original was restored before grading")


def _sanitise(nb: NotebookNode, name: str, job: dict) -> NotebookNode:
    from nbgrader.preprocessors import CheckCellMetadata, ClearOutput, DeduplicateIds, OverwriteCells

    resources = {"nbgrader": {"notebook": name, "assignment": job["assignment"], "student": job["student"],
                              "db_url": job["snapshot_db_url"]}}
    overwrite = OverwriteCells()
    overwrite.add_missing_cells = True
    for pp in (ClearOutput(), DeduplicateIds(), overwrite, CheckCellMetadata()):
        nb, resources = pp.preprocess(nb, resources)
    return nb


class _Runner:
    """Runs a notebook under a budget for the whole submission."""

    def __init__(self, job: dict, deadline: float, progress_path: Path, sandbox=None):
        # A looping cell uses up the budget, but the cells after it still get a
        # short run each (within a grace period), so one bad task does not cost
        # the marks of every task after it.
        from nbclient.exceptions import CellTimeoutError, DeadKernelError
        from nbgrader.preprocessors import Execute

        cap = job["output_cap_bytes"]
        runner = self

        class CappedExecute(Execute):
            """nbgrader's Execute with the cell limit taken from the submission's budget and capped output."""

            def create_kernel_manager(self):
                self.km = runner.sandbox.kernel_manager(runner.workdir, kernel_name=self.kernel_name)
                return self.km

            def output(self, outs, msg, display_id, cell_index):
                size = len(json.dumps(msg.get("content", {}), default=str))
                self._sizes[cell_index] = self._sizes.get(cell_index, 0) + size
                if self._sizes[cell_index] > cap:
                    if cell_index not in self._capped:
                        self._capped.add(cell_index)
                        outs.append(nbformat.v4.new_output(
                            "stream", name="stdout",
                            text=f"\n[output stopped by the grader after {cap // 1000} kB]\n"))
                    return None
                return super().output(outs, msg, display_id, cell_index)

        self.dead_kernel_error = DeadKernelError
        self.stuck_error = CellTimeoutError
        self.client_class = CappedExecute
        self.deadline = deadline
        self.hard_deadline = deadline + GRACE_SHARE * job["time_limit"]
        self.progress_path = progress_path
        self.job = job
        self.sandbox = sandbox
        self.workdir: Path | None = None
        self.crowded_cell: int | None = None

    def _client(self):
        client = self.client_class(
            timeout_func=lambda cell: max(MIN_CELL_SECONDS, int(self.deadline - time.monotonic())),
            interrupt_on_timeout=True,
            allow_errors=True,
            kernel_name="python3",
        )
        client._sizes, client._capped = {}, set()
        return client

    def _probe_runner(self, client):
        def run_code(code: str) -> None:
            # nbclient files outputs by cell index, so the probe cell sits at the end of the
            # notebook while it runs and is taken out again: it is never saved.
            cell = nbformat.v4.new_code_cell(code)
            client.nb.cells.append(cell)
            try:
                client.execute_cell(cell, len(client.nb.cells) - 1)
            finally:
                client.nb.cells.pop()

        return run_code

    def run(self, nb: NotebookNode, cwd: Path, problems: list[str], name: str) -> tuple[NotebookNode, dict]:
        """Execute the notebook, then check its tests from outside the kernel; return (notebook, trusted results).

        ``cwd`` is the kernel's own working folder: a private copy of the submission's files,
        thrown away afterwards, so nothing learner code writes reaches the course folder.
        """
        from .trusted_tests import Kernel, verify

        self.workdir = cwd
        client = self._client()
        client.nb = nb
        client.resources = {"metadata": {"path": str(cwd)}}
        timed_out = False
        died_at = None
        trusted: dict = {}
        source_path = Path(self.job["source_dir"]) / f"{name}.ipynb"
        progress = Progress(self.progress_path, nb)
        with client.setup_kernel(cwd=str(cwd)):
            for index, cell in enumerate(nb.cells):
                if cell.cell_type != "code":
                    continue
                if time.monotonic() > self.hard_deadline:
                    if not timed_out:
                        problems.append(f"{name}: the submission's time limit ({self.job['time_limit']} s, plus grace) "
                                        f"ran out at cell {index + 1}; later cells were not run and score 0")
                        timed_out = True
                    cell.outputs = [_error_output("NotRun", "the submission's time limit ran out before this cell")]
                    continue
                try:
                    with self._process_peak(client, index):
                        client.execute_cell(cell, index)
                except (self.dead_kernel_error, self.stuck_error) as exc:
                    if isinstance(exc, self.stuck_error):
                        problems.append(f"{name}: cell {index + 1} would not stop when interrupted, so its kernel was "
                                        "stopped; cells after it were not run and score 0")
                        cell.outputs.append(_error_output("CellTimeoutError", "this cell would not stop when interrupted"))
                    else:
                        problems.append(f"{name}: the kernel died in cell {index + 1}{self._why_dead(client)}; "
                                        "cells after it were not run and score 0")
                        cell.outputs.append(_error_output("DeadKernelError", "the kernel died while running this cell"))
                    for later in nb.cells[index + 1:]:
                        if later.cell_type == "code":
                            later.outputs = [_error_output("NotRun", "the kernel died in an earlier cell")]
                    died_at = index
                    break
                if any(o.get("ename") == "CellTimeoutError" for o in cell.outputs):
                    problems.append(f"{name}: cell {index + 1} was still running when the time limit was reached")
                progress.add(index, cell)
            if died_at is None:
                trusted = self._verify(verify, Kernel(self._probe_runner(client), cwd), source_path, None, problems, name)
        if died_at is not None:
            trusted = self._replay_and_verify(nb, died_at, cwd, source_path, problems, name)
        found = limits_hit(nb, name, self.sandbox)
        if self.crowded_cell is not None:
            # The process limit was reached: said once, whether or not the kernel's own error reached us
            # (a forked kernel can garble the messages that would have carried it).
            message = LIMIT_ERRORS[0][2].format(processes=self.sandbox.limits.processes)
            if not any(message in f for f in found):
                found.insert(0, f"{name}: cell {self.crowded_cell + 1} {message}; it was stopped there")
        problems.extend(found)
        for index in sorted(client._capped):
            problems.append(f"{name}: cell {index + 1} printed more than {self.job['output_cap_bytes'] // 1000} kB; "
                            "the rest of its output was dropped")
        return nb, trusted

    def _count_processes(self, client) -> int:
        import psutil

        try:
            return len(psutil.Process(client.km.provisioner.process.pid).children(recursive=True))
        except (AttributeError, psutil.Error):
            return 0

    def _process_peak(self, client, index: int):
        """While a cell runs, watch how many processes the kernel's sandbox holds, and note the first cell
        that reached the limit. Sampled during the cell, not after it: a fork bomb's processes come and go,
        and on a busy machine a count taken once at the end can miss the moment it hit the limit."""
        import contextlib
        import threading

        if self.crowded_cell is not None or self.sandbox is None or not self.sandbox.protects:
            return contextlib.nullcontext()
        limit = self.sandbox.limits.processes
        done = threading.Event()
        peak = [0]

        def watch():
            while True:
                peak[0] = max(peak[0], self._count_processes(client))
                if peak[0] >= limit or done.wait(0.1):
                    return

        @contextlib.contextmanager
        def watching():
            watcher = threading.Thread(target=watch, daemon=True)
            watcher.start()
            try:
                yield
            finally:
                done.set()
                watcher.join(timeout=5)
                peak[0] = max(peak[0], self._count_processes(client))
                if peak[0] >= limit and self.crowded_cell is None:
                    self.crowded_cell = index

        return watching()

    def _why_dead(self, client) -> str:
        """Say which limit stopped the kernel, where its exit status tells."""
        import signal

        try:
            code = client.km.provisioner.process.poll()
        except AttributeError:
            return ""
        if code is None:
            return ""
        sig = -code if code < 0 else code - 128 if code > 128 else 0
        if sig == signal.SIGXCPU:
            return f" (it used up its {self.sandbox.limits.cpu_seconds} s of CPU time)"
        if sig == signal.SIGKILL:
            return " (it was killed: most often it ran out of memory)"
        return ""

    def _verify(self, verify, kernel, source_path, stop_before, problems, name) -> dict:
        try:
            return verify(source_path, kernel, stop_before=stop_before)
        except self.dead_kernel_error:
            problems.append(f"{name}: the kernel died while the grader was checking the answers")
        except Exception as exc:  # noqa: BLE001 - reported, and the tests count as unverified
            problems.append(f"{name}: the grader could not check the answers outside the kernel "
                            f"({type(exc).__name__}: {str(exc)[:200]})")
        return {}

    def _replay_and_verify(self, nb, died_at, cwd, source_path, problems, name) -> dict:
        """The kernel died: rerun the learner's cells before that point in a fresh kernel, then check."""
        from .trusted_tests import Kernel, verify

        replay = nbformat.v4.new_notebook(cells=[nbformat.from_dict(dict(c)) for c in nb.cells[:died_at]])
        client = self._client()
        client.nb = replay
        client.resources = {"metadata": {"path": str(cwd)}}
        try:
            with client.setup_kernel(cwd=str(cwd)):
                for index, cell in enumerate(replay.cells):
                    meta = cell.get("metadata", {}).get("nbgrader", {})
                    if cell.cell_type == "code" and not meta.get("grade"):
                        cell.outputs = []
                        client.execute_cell(cell, index)
                return self._verify(verify, Kernel(self._probe_runner(client), cwd), source_path, died_at, problems, name)
        except self.dead_kernel_error:
            problems.append(f"{name}: the kernel died again when the grader re-ran the cells before cell {died_at + 1}")
            return {}


class Progress:
    """What has run so far, kept on disk in case this process is killed part-way through.

    The notebook is written once before it runs; after each cell only that cell's outputs
    are appended to a log beside it (``NAME.ipynb.progress``). Rewriting the whole notebook,
    charts and all, after every cell cost about as much as running some of the cells.
    The grading process applies the log (``apply_progress``) when it has to use a killed
    worker's notebook; a finished run writes the notebook whole and removes the log.
    """

    def __init__(self, path: Path, nb: NotebookNode):
        self.path = path
        self.log = progress_log(path)
        nbformat.write(nb, path)
        self.log.write_text("", encoding="utf-8")

    def add(self, index: int, cell: NotebookNode) -> None:
        record = {"index": index, "outputs": cell.get("outputs", []), "execution_count": cell.get("execution_count")}
        with open(self.log, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(record) + "\n")


def progress_log(path: Path) -> Path:
    return path.with_name(path.name + ".progress")


def apply_progress(nb: NotebookNode, path: Path) -> NotebookNode:
    """The notebook at ``path`` with the cells its progress log says have run (a torn last line is ignored)."""
    log = progress_log(path)
    if not log.is_file():
        return nb
    for line in log.read_text(encoding="utf-8").splitlines():
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            break  # the process was killed while writing this line
        cell = nb.cells[record["index"]]
        cell.outputs = [nbformat.from_dict(o) for o in record["outputs"]]
        cell.execution_count = record["execution_count"]
    return nb


LIMIT_ERRORS = (
    # (exception name, text in its message, what to tell the trainer)
    ("BlockingIOError", "Resource temporarily unavailable", "hit the sandbox's limit of {processes} processes"),
    ("OSError", "File too large", "tried to write a file larger than the sandbox's {file_mb} MB"),
    ("MemoryError", "", "ran out of its {memory_mb} MB of memory"),
)


def limits_hit(nb: NotebookNode, name: str, sandbox) -> list[str]:
    """A cell stopped by one of the sandbox's limits is reported by name, not only as an error."""
    from dataclasses import asdict

    if sandbox is None or not sandbox.protects:
        return []
    found = []
    for index, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.get("output_type") != "error":
                continue
            for ename, text, message in LIMIT_ERRORS:
                if out.get("ename") == ename and text in out.get("evalue", ""):
                    found.append(f"{name}: cell {index + 1} {message.format(**asdict(sandbox.limits))}; "
                                 "it was stopped there")
                    break
    return found


def grade_submission(job: dict) -> dict:
    from .sandbox import Sandbox

    started = time.monotonic()
    deadline = started + job["time_limit"]
    submission = Path(job["submission_dir"])
    out_dir = Path(job["autograded_dir"])
    out_dir.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    result = {"student": job["student"], "notebooks": {}, "problems": problems}
    sandbox = Sandbox.from_job(job["sandbox"])

    expected = list(job["notebooks"])
    present = sorted(p.name for p in submission.glob("*.ipynb"))
    stray = [n for n in present if n[:-6] not in expected]
    mapping: dict[str, Path] = {}
    for name in expected:
        if (submission / f"{name}.ipynb").is_file():
            mapping[name] = submission / f"{name}.ipynb"
    missing = [n for n in expected if n not in mapping]
    if len(missing) == 1 and len(stray) == 1:
        # One notebook with the wrong name where one is missing: it is that notebook.
        mapping[missing[0]] = submission / stray[0]
        problems.append(f"{stray[0]}: wrong file name; graded as {missing[0]}.ipynb")
        stray, missing = [], []
    for name in stray:
        problems.append(f"{name}: not part of this assignment; not graded")
    for name in missing:
        problems.append(f"{name}.ipynb: missing from the submission; scored 0")
        result["notebooks"][name] = {"status": "missing"}

    for other in _data_files(submission):
        (out_dir / other.name).write_bytes(other.read_bytes())
    if (submission / "timestamp.txt").is_file():
        (out_dir / "timestamp.txt").write_bytes((submission / "timestamp.txt").read_bytes())

    for name, path in mapping.items():
        nb = _read_notebook(path, problems)
        if nb is None:
            result["notebooks"][name] = {"status": "unreadable"}
            continue
        _dedupe_graded_cells(nb, name, problems)
        _compare_with_release(nb, name, job, problems)
        try:
            nb = _sanitise(nb, name, job)
        except Exception as exc:
            problems.append(f"{name}: could not be prepared for grading ({type(exc).__name__}: {exc}); scored 0")
            result["notebooks"][name] = {"status": "unreadable"}
            continue
        target = out_dir / f"{name}.ipynb"
        workdir = _private_copy(submission)
        try:
            nb, trusted = _Runner(job, deadline, target, sandbox).run(nb, workdir, problems, name)
        except Exception as exc:  # the kernel would not even start, for instance
            problems.append(f"{name}: could not be run ({type(exc).__name__}: {exc}); scored 0")
            result["notebooks"][name] = {"status": "unreadable"}
            continue
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
        nbformat.write(nb, target)
        progress_log(target).unlink(missing_ok=True)
        result["notebooks"][name] = {"status": "graded", "file": str(target), "trusted": trusted}
    result["seconds"] = round(time.monotonic() - started, 2)
    return result


def _private_copy(submission: Path) -> Path:
    """The kernel's working folder: the submission's files (not the notebooks), in a folder of its own."""
    work = Path(tempfile.mkdtemp(prefix="csw-work-"))
    for other in _data_files(submission):
        shutil.copy2(other, work / other.name)
    return work


def _data_files(submission: Path) -> list[Path]:
    """The files a learner handed in beside their notebooks (not the notebooks, not nbgrader's timestamp)."""
    return [p for p in submission.iterdir() if p.is_file() and p.suffix != ".ipynb" and p.name != "timestamp.txt"]


def serve(memory_mb: int) -> int:
    """Grade jobs read from standard input, one JSON line each, until it closes.

    One worker grades many submissions, so the imports (nbgrader, pandas for
    the grader's own test runs) are paid once per worker, not once per learner.
    Each submission still gets a fresh kernel of its own.
    """
    _limit_memory(memory_mb)
    for line in sys.stdin:
        job = json.loads(line)
        try:
            result = grade_submission(job)
        except Exception as exc:  # noqa: BLE001 - reported for this submission; the worker carries on
            result = {"student": job["student"], "crashed": True, "notebooks": {},
                      "problems": [f"the grader failed on this submission ({type(exc).__name__}: {str(exc)[:300]})"]}
        Path(job["result_path"]).write_text(json.dumps(result, indent=1))
        print(f"done {job['result_path']}", flush=True)
    return 0


def main(argv: list[str]) -> int:
    if argv[:1] == ["--serve"]:
        return serve(int(argv[1]))
    job_path = Path(argv[0])
    job = json.loads(job_path.read_text())
    _limit_memory(job["memory_mb"])
    result = grade_submission(job)
    Path(job["result_path"]).write_text(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
