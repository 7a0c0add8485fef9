"""The learner's workspace: their own copies of the notebooks.

JupyterLab opens in ``workspace/`` (git-ignored). ``seed`` copies in any
notebook from ``release/`` and ``notebooks/`` that the learner does not have
yet, and brings up to date any the learner has not written in. A learner's
writing is never overwritten:

* A notebook that was only run (outputs and execution counts changed, not a
  single cell's text) holds nothing of the learner's, so it is refreshed in
  place. What counts as the learner's is what they can type: every cell's
  type, text and attachments, and which cells there are (so an added or
  deleted cell counts too). Comparing every cell, not only the answer cells,
  is the cautious choice: a note typed into any cell keeps the notebook theirs.
* A notebook the learner wrote in keeps their version; the new one goes to
  ``updates/`` named ``YYYY-MM-DD NAME``: the date first, so the copy can be
  told from the learner's own at a glance in the file browser and in a tab
  (both cut long names short from the end), and so updates sort by date.
* A later update refreshes that copy (the old one is replaced, and the
  summary says so) unless the learner wrote in it too: then both stay.
* Whatever an update brought, and where, is written to ``WHAT-IS-NEW.md`` at
  the top of the workspace, which the learner's JupyterLab opens.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

MANIFEST = ".csworkbook-seeded.json"
UPDATES = "updates"
NEWS = "WHAT-IS-NEW.md"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def content_digest(path: Path) -> str:
    """A digest of what a learner can write in a file, ignoring what running it changes.

    For a notebook: each cell's type, text and attachments, in order; outputs,
    execution counts, cell ids and metadata are left out. Any other file (or a
    notebook that cannot be read) counts byte for byte.
    """
    if path.suffix == ".ipynb":
        try:
            nb = json.loads(path.read_text(encoding="utf-8"))
            cells = nb["cells"]
            written = [[c["cell_type"], _text(c.get("source", "")), c.get("attachments") or {}] for c in cells]
        except (ValueError, KeyError, TypeError, UnicodeDecodeError):
            return _digest(path)
        return "cells:" + hashlib.sha256(json.dumps(written, sort_keys=True).encode()).hexdigest()
    return _digest(path)


def _text(source) -> str:
    return "".join(source) if isinstance(source, list) else str(source)


@dataclass
class SeedReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)  # refreshed in place: nothing of the learner's in it
    offered: list[str] = field(default_factory=list)  # a new version put in updates/ beside the learner's
    refreshed: list[tuple[str, str]] = field(default_factory=list)  # (old copy, new copy) in updates/
    kept: list[str] = field(default_factory=list)
    update_of: dict[str, str] = field(default_factory=dict)  # updates/ copy -> the learner's notebook
    first_time: bool = False
    news: str | None = None  # the news file written for this update, if any

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.offered or self.refreshed)

    def summary(self) -> str:
        lines = [f"workspace: {len(self.added)} added, {len(self.updated)} updated, "
                 f"{len(self.offered) + len(self.refreshed)} newer version(s) put in {UPDATES}/, "
                 f"{len(self.kept)} of yours left as they are"]
        lines += [f"  new: {p}" for p in self.added]
        lines += [f"  updated (nothing of yours was in it): {p}" for p in self.updated]
        lines += [f"  a newer version is in {p} (yours is unchanged)" for p in self.offered]
        lines += [f"  refreshed the update copy: {old} is now {new}" for old, new in self.refreshed]
        if self.news:
            lines.append(f"  what this update brought: {self.news} (JupyterLab opens it)")
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


def _read_manifest(path: Path) -> dict:
    """rel -> {"file", "content"} of what was given; updates/ copies also have "update_of".

    The first manifests held only the file digest, as a string: read as such.
    """
    if not path.is_file():
        return {}
    try:
        raw = json.loads(path.read_text())
    except ValueError as error:
        raise ValueError(f"{path}: the workspace's record of what it was given is damaged ({error}); "
                         f"move it aside and run again (nothing of yours is overwritten without it)") from None
    return {rel: ({"file": entry} if isinstance(entry, str) else dict(entry)) for rel, entry in raw.items()}


def _given(src: Path) -> dict:
    return {"file": _digest(src), "content": content_digest(src)}


def _untouched(path: Path, given: dict | None) -> bool:
    """True when the file holds nothing the learner wrote: as given, or only run."""
    if not given:
        return False
    if _digest(path) == given.get("file"):
        return True
    return "content" in given and content_digest(path) == given["content"]


def _update_name(workspace: Path, rel: str, today: date) -> str:
    name = Path(rel).name
    candidate = f"{UPDATES}/{today.isoformat()} {name}"
    n = 2
    while (workspace / candidate).exists():
        stem, suffix = Path(name).stem, Path(name).suffix
        candidate = f"{UPDATES}/{today.isoformat()} {stem} ({n}){suffix}"
        n += 1
    return candidate


def seed(course: str | Path, workspace: str | Path, today: date | None = None) -> SeedReport:
    course, workspace = Path(course), Path(workspace)
    today = today or date.today()
    workspace.mkdir(parents=True, exist_ok=True)
    manifest_path = workspace / MANIFEST
    manifest = _read_manifest(manifest_path)
    report = SeedReport(first_time=not manifest)
    for src, rel in _sources(course):
        dest = workspace / rel
        given = _given(src)
        if not dest.exists():
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest)
            manifest[rel] = given
            report.added.append(rel)
            continue
        if _digest(dest) == given["file"]:
            manifest[rel] = given
            continue
        if _untouched(dest, manifest.get(rel)):
            if manifest[rel].get("file") == given["file"]:
                continue  # only run since we gave it, and nothing new to give
            shutil.copy2(src, dest)
            manifest[rel] = given
            report.updated.append(rel)
            continue
        report.kept.append(rel)
        if manifest.get(rel, {}).get("file") == given["file"]:
            continue  # they have written in the version we gave them, and there is no newer one
        _offer(src, rel, given, workspace, manifest, report, today)
    manifest_path.write_text(json.dumps(manifest, indent=1, sort_keys=True))
    if report.changed and not report.first_time:
        report.news = write_news(workspace, report, today)
    return report


def _offer(src: Path, rel: str, given: dict, workspace: Path, manifest: dict, report: SeedReport,
           today: date) -> None:
    """Put the new version of a learner's notebook in updates/, refreshing an earlier copy if safe."""
    copies = [c for c, entry in manifest.items() if entry.get("update_of") == rel and (workspace / c).exists()]
    latest = max(copies, key=lambda c: manifest[c].get("date", ""), default=None)
    if latest and manifest[latest].get("file") == given["file"]:
        return  # the newest version is already beside theirs
    replace = latest if latest and _untouched(workspace / latest, manifest[latest]) else None
    if replace:
        (workspace / replace).unlink()
        del manifest[replace]
    new = _update_name(workspace, rel, today)
    (workspace / new).parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(src, workspace / new)
    manifest[new] = {**given, "update_of": rel, "date": today.isoformat()}
    report.update_of[new] = rel
    if replace:
        report.refreshed.append((replace, new))
    else:
        report.offered.append(new)


def write_news(workspace: Path, report: SeedReport, today: date) -> str:
    """Tell the learner, in a page JupyterLab shows, what this update brought and where it is.

    The newest update goes on top; earlier ones stay below it.
    """
    path = workspace / NEWS
    lines = [f"## Workbook update, {today.day} {today.strftime('%B %Y')}", ""]
    if report.added:
        lines += ["**New** (open them from the file browser on the left):", ""]
        lines += [f"- [{rel}]({_link(rel)})" for rel in report.added] + [""]
    if report.updated:
        lines += ["**Brought up to date** (you had not written in them, so nothing of yours was "
                  "lost; if you had run them, run them again to see the results):", ""]
        lines += [f"- [{rel}]({_link(rel)})" for rel in report.updated] + [""]
    if report.offered or report.refreshed:
        lines += [f"**A newer version is in the `{UPDATES}/` folder.** You had written in these "
                  "notebooks, so yours are exactly as you left them. Open the new version beside "
                  "yours to see what changed; copy across what you want. Hand in your own notebook "
                  "(the one with your answers), not the copy.", ""]
        for new in report.offered:
            lines.append(f"- [{new}]({_link(new)}), the new version of your `{report.update_of[new]}`")
        for old, new in report.refreshed:
            lines.append(f"- [{new}]({_link(new)}), the new version of your `{report.update_of[new]}` "
                         f"(it replaces `{old}`, which you had not written in)")
        lines.append("")
    previous = path.read_text(encoding="utf-8") if path.is_file() else ""
    if previous.startswith("# What is new"):
        previous = previous.split("\n", 1)[1].lstrip("\n")
    text = "# What is new in your workbook\n\n" + "\n".join(lines) + ("\n" + previous if previous else "")
    path.write_text(text, encoding="utf-8")
    return NEWS


def _link(rel: str) -> str:
    return rel.replace(" ", "%20")

