"""The trainer's pipeline around nbgrader: build release/ from source/ and prove it.

nbgrader does the work; this module adds what a course needs on top:

* ``build_release`` regenerates every student version in ``release/`` from the
  instructor versions in ``source/``. Generation happens in a temporary copy of
  the course, so a build never touches the trainer's gradebook.
* ``prove`` shows, through nbgrader itself, that the release is right: it is in
  sync with a fresh generation, the instructor solutions autograde to full marks,
  the untouched student versions score zero on autograded tasks, and no solution
  or hidden test leaks into ``release/``.
"""

from __future__ import annotations

import contextlib
import filecmp
import os
import re
import shutil
import sys
import tempfile
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

CONFIG_FILE = "nbgrader_config.py"
SOLUTION_STUDENT = "solution-check"
UNTOUCHED_STUDENT = "untouched-check"

_SECRET_MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS", "BEGIN MARK SCHEME")


class CourseError(RuntimeError):
    """The course folder is not usable (no config, no source, nbgrader failed)."""


def gradebook_url(folder: str | Path) -> str:
    """The nbgrader database URL of the gradebook in ``folder`` (an absolute sqlite path)."""
    return "sqlite:///" + str(Path(folder).resolve() / "gradebook.db")


def snapshot_gradebook(root: Path, into: Path) -> str:
    """A consistent copy of ``root``'s gradebook in ``into`` (sqlite's backup API); returns its URL."""
    import sqlite3

    with sqlite3.connect(Path(root) / "gradebook.db") as source, sqlite3.connect(Path(into) / "gradebook.db") as copy:
        source.backup(copy)
    return gradebook_url(into)


def find_course_root(start: str | Path | None = None) -> Path:
    """The nearest folder at or above ``start`` holding ``nbgrader_config.py`` and ``source/``."""
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG_FILE).is_file() and (folder / "source").is_dir():
            return folder
    raise CourseError(
        f"no course found at or above {here}: expected a folder with {CONFIG_FILE} and source/. "
        "Run this from inside the workbook repository, or pass --course."
    )


def assignments(root: Path) -> list[str]:
    """Assignment ids: the folders in source/ that hold at least one notebook."""
    source = Path(root) / "source"
    return sorted(p.name for p in source.iterdir() if p.is_dir() and any(p.glob("*.ipynb")))


# ---------------------------------------------------------------------------
# Running nbgrader on a temporary copy of the course
# ---------------------------------------------------------------------------


def _ensure_tools_on_path() -> None:
    # nbgrader runs `alembic` as a subprocess; inside a virtual environment
    # that has not been activated, its bin folder is not on PATH by itself.
    bindir = str(Path(sys.executable).parent)
    if bindir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bindir + os.pathsep + os.environ.get("PATH", "")


@contextlib.contextmanager
def temporary_course(root: Path) -> Iterator[Path]:
    """A throwaway copy of the course (config and source/), removed afterwards."""
    root = Path(root)
    if not (root / CONFIG_FILE).is_file():
        raise CourseError(f"{root / CONFIG_FILE} is missing")
    with tempfile.TemporaryDirectory(prefix="csworkbook-course-") as tmp:
        course = Path(tmp)
        shutil.copy2(root / CONFIG_FILE, course / CONFIG_FILE)
        shutil.copytree(root / "source", course / "source")
        yield course


def _api(course: Path, db_url: str | None = None, extra=None):
    from nbgrader.apps import NbGraderAPI
    from traitlets.config.loader import PyFileConfigLoader

    _ensure_tools_on_path()
    config = PyFileConfigLoader(CONFIG_FILE, path=str(course)).load_config()
    if extra is not None:
        config.merge(extra)
    # The copied config already points at its own folder; these make sure of it.
    config.CourseDirectory.root = str(course)
    config.CourseDirectory.db_url = db_url or gradebook_url(course)
    config.Exchange.root = str(course / "exchange")
    # nbgrader's kernels talk over Unix sockets in the temporary course: over TCP, ipykernel warns
    # that it runs "without encryption", which alarms a trainer and is no concern on one machine.
    config.KernelManager.transport = "ipc"
    config.KernelManager.ip = str(course / "k")
    return NbGraderAPI(config=config)


def _generate(api, assignment: str) -> None:
    result = api.generate_assignment(assignment, force=True, create=True)
    if not result.get("success"):
        raise CourseError(f"nbgrader could not generate {assignment}:\n{result.get('error') or result.get('log')}")


def _progress(items, desc: str, enabled: bool):
    if not enabled:
        return items
    from tqdm.auto import tqdm

    return tqdm(items, desc=desc, unit="step", leave=False)


def build_release(root: str | Path, progress: bool = False) -> list[str]:
    """Regenerate ``release/`` from ``source/`` for every assignment; return the ids built."""
    root = Path(root)
    ids = assignments(root)
    with temporary_course(root) as course:
        api = _api(course)
        for aid in _progress(ids, "generating release", progress):
            _generate(api, aid)
        release = root / "release"
        release.mkdir(exist_ok=True)
        for stale in release.iterdir():
            if stale.is_dir() and stale.name not in ids:
                shutil.rmtree(stale)
        for aid in ids:
            shutil.rmtree(release / aid, ignore_errors=True)
            shutil.copytree(course / "release" / aid, release / aid)
    return ids


# ---------------------------------------------------------------------------
# Proving the release
# ---------------------------------------------------------------------------


@dataclass
class NotebookProof:
    assignment: str
    notebook: str
    in_sync: bool = False
    leaks: list[str] = field(default_factory=list)
    solution_score: float | None = None
    untouched_score: float | None = None
    max_score: float | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return (
            self.in_sync
            and not self.leaks
            and not self.problems
            and self.max_score is not None
            and self.max_score > 0
            and self.solution_score == self.max_score
            and self.untouched_score == 0
        )


def _tree_differences(expected: Path, actual: Path) -> list[str]:
    """Files that differ between two folders, as paths relative to them."""
    out = []

    def walk(cmp: filecmp.dircmp, prefix: str) -> None:
        out.extend(f"{prefix}{n} (only in fresh build)" for n in cmp.left_only)
        out.extend(f"{prefix}{n} (only in release/)" for n in cmp.right_only)
        _, mismatch, errors = filecmp.cmpfiles(cmp.left, cmp.right, cmp.common_files, shallow=False)
        out.extend(f"{prefix}{n} (differs)" for n in mismatch + errors)
        for name, sub in cmp.subdirs.items():
            walk(sub, f"{prefix}{name}/")

    if not actual.is_dir():
        return [f"{actual.name}/ is missing from release/"]
    walk(filecmp.dircmp(expected, actual), "")
    return sorted(out)


_BLOCK = re.compile(r"###\s*BEGIN (SOLUTION|HIDDEN TESTS)(.*?)###\s*END \1", re.S)
_MARKER_LINES = re.compile(r"^[ \t]*### (BEGIN|END) SOLUTION[ \t]*\n?", re.M)


def hidden_test_blocks(source: str) -> list[re.Match]:
    """The ``### BEGIN HIDDEN TESTS`` ... ``### END HIDDEN TESTS`` blocks of a cell (group 2: their code)."""
    return [m for m in _BLOCK.finditer(source) if m.group(1) == "HIDDEN TESTS"]


def strip_solution_markers(source: str) -> str:
    """An answer cell's code with the solution marker lines taken out (indentation intact)."""
    return _MARKER_LINES.sub("", source)


def secret_lines(source_nb: nbformat.NotebookNode) -> list[str]:
    """Lines of solutions and hidden tests that appear nowhere else in the source notebook.

    Short or shared lines (``return result``, a blank ``else:``) are left out:
    they may rightly appear in a student's version too.
    """
    secret, public = [], []
    for cell in source_nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        text = cell.source
        if cell.cell_type == "markdown" and meta.get("solution"):
            secret.extend(text.splitlines())
            continue
        if cell.cell_type != "code":
            public.extend(text.splitlines())
            continue
        secret.extend(line for m in _BLOCK.finditer(text) for line in m.group(2).splitlines())
        public.extend(_BLOCK.sub("", text).splitlines())
    public_set = {line.strip() for line in public}
    seen, out = set(), []
    for line in (s.strip() for s in secret):
        if len(line) >= 16 and line not in public_set and line not in seen:
            seen.add(line)
            out.append(line)
    return out


def find_leaks(source_path: Path, release_path: Path) -> list[str]:
    """What of the source's solutions or hidden tests can be read in the release notebook."""
    src = nbformat.read(source_path, as_version=4)
    rel_text = "\n".join(c.source for c in nbformat.read(release_path, as_version=4).cells)
    rel_lines = {line.strip() for line in rel_text.splitlines()}
    leaks = [f"marker {m!r}" for m in _SECRET_MARKERS if m in rel_text]
    leaks += [f"line {line!r}" for line in secret_lines(src) if line in rel_lines]
    return leaks


def solved_copy(source_path: Path, release_path: Path) -> nbformat.NotebookNode:
    """The student version with the instructor's code answers typed in, as a strong learner would hand it in."""
    source = nbformat.read(source_path, as_version=4)
    release = nbformat.read(release_path, as_version=4)
    answers = {c.metadata["nbgrader"]["grade_id"]: strip_solution_markers(c.source) for c in source.cells
               if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("solution")}
    for cell in release.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid in answers:
            cell.source = answers[gid]
    return release


def _scores(course: Path, assignment: str, notebook: str, student: str) -> tuple[float, float]:
    from nbgrader.api import Gradebook

    with Gradebook(gradebook_url(course)) as gb:
        sub = gb.find_submission_notebook(notebook, assignment, student)
        return float(sub.code_score), float(sub.max_code_score)


def prove(root: str | Path, only: list[str] | None = None, progress: bool = False) -> list[NotebookProof]:
    """Check every assignment's release through nbgrader; one record per notebook."""
    root = Path(root)
    ids = [a for a in assignments(root) if not only or a in only]
    if only and (unknown := sorted(set(only) - set(ids))):
        raise CourseError(f"no assignment called {', '.join(unknown)} in {root / 'source'}")
    records: list[NotebookProof] = []
    with temporary_course(root) as course, warnings.catch_warnings():
        # nbgrader's own SQLAlchemy use is noisy on first autograde; the warnings are not ours to fix.
        warnings.filterwarnings("ignore", module="nbgrader")
        warnings.filterwarnings("ignore", message=".*not in session.*")
        api = _api(course)
        steps = [(aid, step) for aid in ids for step in ("generate", "solution", "untouched")]
        for aid, step in _progress(steps, "proving release", progress):
            if step == "generate":
                _generate(api, aid)
                diffs = _tree_differences(course / "release" / aid, root / "release" / aid)
                for nb in sorted((root / "source" / aid).glob("*.ipynb")):
                    rec = NotebookProof(aid, nb.stem, in_sync=not diffs)
                    if diffs:
                        rec.problems.append("release/ is out of date: " + "; ".join(diffs) + " (run `csworkbook build`)")
                    released = root / "release" / aid / nb.name
                    if released.is_file():
                        rec.leaks = find_leaks(nb, released)
                    records.append(rec)
                continue
            student, origin = (
                (SOLUTION_STUDENT, course / "source" / aid)
                if step == "solution"
                else (UNTOUCHED_STUDENT, course / "release" / aid)
            )
            target = course / "submitted" / student / aid
            shutil.copytree(origin, target)
            result = api.autograde(aid, student, force=True, create=True)
            for rec in (r for r in records if r.assignment == aid):
                if not result.get("success"):
                    rec.problems.append(f"autograde of the {step} version failed: {result.get('error') or result.get('log')}")
                    continue
                score, maximum = _scores(course, aid, rec.notebook, student)
                rec.max_score = maximum
                if step == "solution":
                    rec.solution_score = score
                else:
                    rec.untouched_score = score
    return records


def proof_table(records: list[NotebookProof]) -> str:
    """A plain-text table of ``prove`` results, one row per notebook."""
    head = ("assignment", "notebook", "in sync", "leaks", "solution", "untouched", "verdict")
    rows = [head]
    for r in records:
        fmt = lambda v: "-" if v is None else f"{v:g}/{r.max_score:g}"  # noqa: E731
        rows.append((
            r.assignment, r.notebook, "yes" if r.in_sync else "NO", str(len(r.leaks)),
            fmt(r.solution_score), fmt(r.untouched_score), "ok" if r.ok else "FAIL",
        ))
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)) for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    for r in records:
        for p in r.problems + [f"leak: {x}" for x in r.leaks]:
            lines.append(f"  {r.assignment}/{r.notebook}: {p}")
    return "\n".join(lines)
