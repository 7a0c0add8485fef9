"""Collecting submissions from an LMS bulk download into nbgrader's submitted/ folder.

Learning management systems name each downloaded file after the student. The
default pattern is nbgrader's own (``zip_collect``) for Blackboard-style names,
``<anything>_<student id>_attempt_<timestamp>_<file name>``; pass ``--pattern``
with the named groups ``student_id`` (required), ``file_id`` and ``timestamp``
for other systems. Every file that cannot be placed is reported, never dropped
silently, and a learner's earlier collected work is never overwritten by an
older file.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

DEFAULT_PATTERN = r".*_(?P<student_id>[^_]+)_attempt_(?P<timestamp>[0-9\-]+)_(?P<file_id>.+)"


@dataclass
class CollectReport:
    collected: list[tuple[str, str]] = field(default_factory=list)  # (student, file)
    unmapped: list[str] = field(default_factory=list)

    def summary(self) -> str:
        students = sorted({s for s, _ in self.collected})
        lines = [f"collect: {len(self.collected)} file(s) for {len(students)} student(s); "
                 f"{len(self.unmapped)} file(s) could not be placed"]
        lines += [f"  not collected: {u}" for u in self.unmapped]
        return "\n".join(lines)


def _timestamp(text: str | None) -> str:
    if text:
        for fmt in ("%Y-%m-%d-%H-%M-%S", "%Y%m%d%H%M%S", "%Y-%m-%d-%H-%M"):
            try:
                when = datetime.strptime(text, fmt).replace(tzinfo=timezone.utc)
                return when.strftime("%Y-%m-%d %H:%M:%S.%f %Z")
            except ValueError:
                continue
    return datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f %Z")


def collect(root: Path, assignment: str, source: str | Path, pattern: str = DEFAULT_PATTERN,
            known_students: set[str] | None = None) -> CollectReport:
    """Place every notebook in ``source`` (a .zip or a folder) under submitted/<student>/<assignment>/."""
    root, source = Path(root), Path(source)
    regex = re.compile(pattern)
    if "student_id" not in regex.groupindex:
        raise ValueError(f"the pattern {pattern!r} has no (?P<student_id>...) group")
    expected = sorted(p.name for p in (root / "release" / assignment).glob("*.ipynb"))
    if not expected:
        raise ValueError(f"no release notebooks for {assignment!r}: run `csworkbook build` first")
    report = CollectReport()
    with tempfile.TemporaryDirectory(prefix="csworkbook-collect-") as tmp:
        if source.is_file() and zipfile.is_zipfile(source):
            with zipfile.ZipFile(source) as archive:
                for member in archive.infolist():
                    name = Path(member.filename)
                    if member.is_dir() or name.is_absolute() or ".." in name.parts:
                        if not member.is_dir():
                            report.unmapped.append(f"{member.filename}: unsafe path inside the zip")
                        continue
                    archive.extract(member, tmp)
            folder = Path(tmp)
        elif source.is_dir():
            folder = source
        else:
            raise ValueError(f"{source}: not a zip file or a folder")
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            rel = path.relative_to(folder).as_posix()
            if path.name.startswith(".") or "__MACOSX" in path.parts:
                continue
            match = regex.match(path.name)
            if not match:
                report.unmapped.append(f"{rel}: the file name does not match the pattern, so the student is unknown")
                continue
            student = match.group("student_id")
            if known_students is not None and student not in known_students:
                report.unmapped.append(f"{rel}: student {student!r} is not in the gradebook "
                                       "(add them with `csworkbook students import`)")
                continue
            file_id = match.groupdict().get("file_id") or path.name
            if not file_id.endswith(".ipynb"):
                report.unmapped.append(f"{rel}: not a notebook ({student})")
                continue
            # LMSs often mangle names ("07-measuring satisfaction-1.ipynb"); with one notebook there is no doubt.
            target_name = file_id if file_id in expected else (expected[0] if len(expected) == 1 else file_id)
            target = root / "submitted" / student / assignment
            stamp = _timestamp(match.groupdict().get("timestamp"))
            stamp_file = target / "timestamp.txt"
            if stamp_file.is_file() and stamp_file.read_text().strip() > stamp:
                report.unmapped.append(f"{rel}: older than the submission already collected for {student}; kept the newer")
                continue
            target.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target / target_name)
            stamp_file.write_text(stamp)
            report.collected.append((student, target_name))
    return report
