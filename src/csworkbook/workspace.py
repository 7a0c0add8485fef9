"""The learner's workspace: their own copies of the notebooks.

JupyterLab opens in ``workspace/`` (git-ignored). ``seed`` copies in any
notebook from ``release/`` and ``notebooks/`` that the learner does not have
yet. A learner's file is never overwritten: when the workbook is updated and a
notebook the learner has changed has a newer version, the new version is put
beside theirs as ``NAME.updated.ipynb`` for them to compare. A notebook the
learner never changed is simply brought up to date, since nothing of theirs
is in it.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

MANIFEST = ".csworkbook-seeded.json"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@dataclass
class SeedReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    offered: list[str] = field(default_factory=list)  # new version put beside the learner's
    kept: list[str] = field(default_factory=list)

    def summary(self) -> str:
        lines = [f"workspace: {len(self.added)} added, {len(self.updated)} updated, "
                 f"{len(self.kept)} of yours left as they are"]
        lines += [f"  new: {p}" for p in self.added]
        lines += [f"  updated (you had not changed it): {p}" for p in self.updated]
        lines += [f"  a newer version is beside yours: {p}" for p in self.offered]
        return "\n".join(lines)


def _sources(course: Path) -> list[tuple[Path, str]]:
    """(file, path inside the workspace) for everything a learner should have."""
    found = []
    release = course / "release"
    if release.is_dir():
        for f in sorted(release.rglob("*")):
            if f.is_file() and ".ipynb_checkpoints" not in f.parts:
                found.append((f, f.relative_to(release).as_posix()))
    notebooks = course / "notebooks"
    if notebooks.is_dir():
        for f in sorted(notebooks.rglob("*.ipynb")):
            rel = f.relative_to(notebooks)
            if rel.parts[0] == "trainer" or ".ipynb_checkpoints" in rel.parts:
                continue  # trainer material stays out of the learner's view
            found.append((f, rel.as_posix()))
    return found


def seed(course: str | Path, workspace: str | Path) -> SeedReport:
    course, workspace = Path(course), Path(workspace)
    workspace.mkdir(parents=True, exist_ok=True)
    manifest_path = workspace / MANIFEST
    manifest = json.loads(manifest_path.read_text()) if manifest_path.is_file() else {}
    report = SeedReport()
    for src, rel in _sources(course):
        dest = workspace / rel
        new_digest = _digest(src)
        if not dest.exists():
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest)
            manifest[rel] = new_digest
            report.added.append(rel)
            continue
        current = _digest(dest)
        if current == new_digest:
            manifest[rel] = new_digest
            continue
        if manifest.get(rel) == current:
            # Still exactly what we gave them: no learner work to lose.
            shutil.copy2(src, dest)
            manifest[rel] = new_digest
            report.updated.append(rel)
            continue
        report.kept.append(rel)
        beside = dest.with_name(dest.stem + ".updated" + dest.suffix)
        if not beside.exists():
            shutil.copy2(src, beside)
            report.offered.append(beside.relative_to(workspace).as_posix())
    manifest_path.write_text(json.dumps(manifest, indent=1, sort_keys=True))
    return report
