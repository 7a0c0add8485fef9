"""What a trainer takes away from grading: a grades CSV for the LMS and a class report."""

from __future__ import annotations

import base64
import csv
import html
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import tasks as task_info
from .grading import gradebook_url

# Trainer outputs hold learners' names, emails and scores: by default they go here, and git ignores it.
OUTPUT_DIR = "trainer-output"

HINT = re.compile(r"(Task \w+) - Hint: \((\d+) of \d+\)")


def _gradebook(root: Path):
    from nbgrader.api import Gradebook

    return Gradebook(gradebook_url(root))


def grades_table(root: Path, assignments: list[str] | None = None) -> pd.DataFrame:
    """One row per student: id, names, email, and per assignment the score, the maximum and whether marking is pending."""
    from nbgrader.api import MissingEntry

    with _gradebook(root) as gb:
        names = [a.name for a in gb.assignments]
        chosen = assignments or names
        unknown = [a for a in chosen if a not in names]
        if unknown:
            raise ValueError(f"no assignment called {', '.join(unknown)} in the gradebook; it has: {', '.join(names) or 'none'}")
        rows = []
        for student in sorted(gb.students, key=lambda s: s.id):
            row = {"student_id": student.id, "first_name": student.first_name or "",
                   "last_name": student.last_name or "", "email": student.email or ""}
            for aid in chosen:
                assignment = gb.find_assignment(aid)
                try:
                    sub = gb.find_submission(aid, student.id)
                    score, pending = round(float(sub.score), 2), "yes" if sub.needs_manual_grade else "no"
                except MissingEntry:
                    score, pending = None, ""  # not submitted: an empty cell, not a zero the LMS would average
                row[f"{aid} score"] = score
                row[f"{aid} max"] = float(assignment.max_score)
                row[f"{aid} needs marking"] = pending
            rows.append(row)
    return pd.DataFrame(rows)


def write_grades_csv(root: Path, out, assignments: list[str] | None = None) -> int:
    table = grades_table(root, assignments)
    table.to_csv(out, index=False, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
    return len(table)


def output_path(root: Path, given: str | None, default_name: str) -> Path:
    """Where a trainer output goes: ``trainer-output/<default_name>`` in the course unless the trainer names a file.

    A file named by the trainer that git would not ignore gets a warning: it holds learner data.
    """
    import sys

    target = Path(root) / OUTPUT_DIR / default_name if given is None else Path(given)
    target.parent.mkdir(parents=True, exist_ok=True)
    if given is not None and tracked_by_git(target):
        print(f"warning: {target} holds learners' names and scores, and git does not ignore it: `git add -A` would "
              f"publish it. Leave out -o to write into {OUTPUT_DIR}/ (git ignores it), or add the file to .gitignore.",
              file=sys.stderr)
    return target


def tracked_by_git(path: Path) -> bool:
    """True when ``path`` is inside a git working tree that does not ignore it."""
    import subprocess

    try:
        out = subprocess.run(["git", "-C", str(Path(path).resolve().parent), "check-ignore", "-q",
                              str(Path(path).resolve())], capture_output=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return out.returncode == 1  # 0: ignored; 128: not in a repository


def task_results(root: Path, assignment: str) -> pd.DataFrame:
    """One row per student and autograded task: score, maximum and the task's name."""
    names = task_info.release_task_names(root, assignment)
    with _gradebook(root) as gb:
        rows = []
        for sub in gb.assignment_submissions(assignment):
            for nb in sub.notebooks:
                for grade in nb.grades:
                    if grade.cell_type != "code":
                        continue
                    rows.append({"student": sub.student.id, "notebook": nb.name, "task": grade.name,
                                 "name": task_info.short_name(names.get((nb.name, grade.name), grade.name)),
                                 "score": float(grade.score), "max": float(grade.max_score)})
        return pd.DataFrame(rows, columns=["student", "notebook", "task", "name", "score", "max"])


def hint_use(root: Path, assignment: str) -> pd.DataFrame:
    """Hints learners had open in the notebooks they submitted, by task (only what was saved is known)."""
    rows = []
    for path in sorted((Path(root) / "submitted").glob(f"*/{assignment}/*.ipynb")):
        try:
            cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
        except (json.JSONDecodeError, UnicodeDecodeError):
            continue
        seen: dict[str, int] = {}
        for cell in cells:
            for out in cell.get("outputs", []) if isinstance(cell, dict) else []:
                text = out.get("text") or out.get("data", {}).get("text/plain", "")
                text = "".join(text) if isinstance(text, list) else str(text)
                for task, n in HINT.findall(text):
                    seen[task] = max(seen.get(task, 0), int(n))
        for task, n in seen.items():
            rows.append({"student": path.parent.parent.name, "task": task, "hints": n})
    return pd.DataFrame(rows, columns=["student", "task", "hints"])


def _png(fig) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight")
    return base64.b64encode(buf.getvalue()).decode()


_CSS = ("body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#1a1a1a;"
        "line-height:1.4}table{border-collapse:collapse;margin:0.5em 0 1.5em}"
        "td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}"
        "th{background:#f3f3f3}td.num{text-align:right;white-space:nowrap}img{max-width:100%}"
        "tr.attention td{background:#fff4e5}tr.waiting td{background:#eef5ff}"
        ".ok{color:#1b5e20;font-weight:bold}.bad{color:#b00020}"
        "td.id{white-space:nowrap}td.wrong{min-width:16em}td.bad{color:#b00020;font-weight:bold}"
        "p,li{overflow-wrap:anywhere}caption{text-align:left;font-weight:bold;padding:4px 0}")


@dataclass
class LearnerRow:
    student: str
    name: str
    submitted: bool
    cells: dict = field(default_factory=dict)  # (notebook, grade id) -> text shown
    auto_score: float = 0.0
    auto_max: float = 0.0
    marked: int = 0
    blank: int = 0
    waiting: list = field(default_factory=list)  # task names still to mark
    problems: list = field(default_factory=list)  # what went wrong, worst first

    @property
    def rank(self) -> int:
        """Lower needs attention sooner."""
        if not self.submitted:
            return task_info.PROBLEM_ORDER.index(task_info.NOT_ATTEMPTED)
        for i, label in enumerate(task_info.PROBLEM_ORDER):
            if any(p.startswith(label) for p in self.problems):
                return i
        return len(task_info.PROBLEM_ORDER) + (0 if self.waiting else 1)


def learner_rows(root: Path, assignment: str) -> tuple[list[LearnerRow], list[tuple[str, str, str]]]:
    """One row per learner in the gradebook, those who need attention first; and the task columns
    as (notebook, grade id, name)."""
    from nbgrader.api import MissingEntry

    root = Path(root)
    names = task_info.release_task_names(root, assignment)
    columns = [(nb, gid, name) for (nb, gid), name in names.items()]
    rows = []
    with _gradebook(root) as gb:
        for student in gb.students:
            full = " ".join(x for x in (student.first_name, student.last_name) if x)
            try:
                gb.find_submission(assignment, student.id)
            except MissingEntry:
                rows.append(LearnerRow(student.id, full, False, problems=["did not submit"]))
                continue
            row = LearnerRow(student.id, full, True)
            found = task_info.diagnose_submission(root, assignment, student.id, gb=gb)
            for nb, diagnosis in found.items():
                for t in diagnosis.tasks:
                    if t.kind == "written":
                        if t.status == task_info.WAITING:
                            row.waiting.append(task_info.short_name(t.name))
                            row.cells[(nb, t.grade_id)] = ("waiting", t.status)
                        elif t.status == task_info.BLANK:
                            row.blank += 1
                            row.cells[(nb, t.grade_id)] = ("blank", t.status)
                        else:
                            row.marked += 1
                            row.cells[(nb, t.grade_id)] = (f"{t.score:g}/{t.max_score:g}", t.status)
                        continue
                    row.auto_max += t.max_score
                    row.auto_score += t.score or 0.0
                    row.cells[(nb, t.grade_id)] = (f"{(t.score or 0):g}/{t.max_score:g}", t.status)
                row.problems += diagnosis.problems(short=True)
            marker = root / "autograded" / student.id / assignment / ".csworkbook-graded.json"
            done = json.loads(marker.read_text()) if marker.is_file() else {}
            grading_problems = done.get("problems", [])
            if any(p.startswith("SUSPICIOUS") for p in grading_problems):
                row.problems.insert(0, task_info.SUSPICIOUS + ": scored 0 until reviewed in Formgrader")
            if any("time limit" in p or "stopped this submission" in p for p in grading_problems) and \
                    not any(p.startswith(task_info.TIME_LIMIT) for p in row.problems):
                row.problems.insert(0, task_info.TIME_LIMIT)
            if not found:
                row.problems.append("no notebook could be graded")
            rows.append(row)
    rows.sort(key=lambda r: (r.rank, r.student))
    return rows, columns


def class_report(root: Path, assignments: list[str] | None = None) -> str:
    """A self-contained HTML page for the trainer: who needs what, then the class's charts and tables."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from .. import plots

    plots.use_style()
    esc = html.escape
    grades = grades_table(root, assignments)
    chosen = assignments or [c[:-6] for c in grades.columns if c.endswith(" score")]
    parts = ["<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Class report</title>",
             f"<style>{_CSS}</style></head><body>",
             f"<h1>Class report</h1><p>{len(grades)} learner(s) in the gradebook.</p>"]
    for aid in chosen:
        rows, columns = learner_rows(root, aid)
        submitted = [r for r in rows if r.submitted]
        parts.append(f"<h2>{esc(aid)}</h2>")
        if not submitted:
            parts.append("<p>No graded submissions yet.</p>")
            continue
        waiting = [r for r in submitted if r.waiting]
        n_waiting = sum(len(r.waiting) for r in waiting)
        auto_max = max(r.auto_max for r in submitted)
        mean = sum(r.auto_score for r in submitted) / len(submitted)
        parts.append(
            f"<p>{len(submitted)} submission(s) graded, {len(rows) - len(submitted)} not submitted. "
            f"Autograded tasks: mean {mean:.1f} of {auto_max:g} ({100 * mean / auto_max if auto_max else 0:.0f}%). "
            + (f"<strong>{n_waiting} written answer(s) from {len(waiting)} learner(s) are waiting to be marked</strong>; "
               "they count once marked." if waiting else "Every written answer is marked.") + "</p>")

        # -- who needs what ------------------------------------------------------
        multi = len({nb for nb, _, _ in columns}) > 1
        parts.append("<table id='learners'><caption>Learners, those who need attention first (tasks by name "
                     "under Hardest tasks; a score in red did not get full marks)</caption><tr>"
                     "<th>id</th><th>name</th><th>what went wrong</th>"
                     + "".join(f"<th title='{esc(name)}'>{esc((nb + ' ') if multi else '')}{esc(task_info.task_label(name))}</th>"
                               for nb, _, name in columns)
                     + "<th>autograded</th><th>written answers</th></tr>")
        for r in rows:
            cls = "attention" if r.rank < len(task_info.PROBLEM_ORDER) else "waiting" if r.waiting else ""
            cells = ""
            for nb, gid, _ in columns:
                shown, status = r.cells.get((nb, gid), ("-", ""))
                bad = " bad" if status in task_info.PROBLEM_ORDER else ""
                cells += f"<td class='num{bad}' title='{esc(status)}'>{esc(shown)}</td>"
            written = ("not submitted" if not r.submitted else
                       ", ".join(x for x in (f"{r.marked} marked" if r.marked else "",
                                             f"{len(r.waiting)} waiting" if r.waiting else "",
                                             f"{r.blank} blank" if r.blank else "") if x) or "-")
            auto = f"{r.auto_score:g}/{r.auto_max:g}" if r.submitted else "-"
            wrong = "<br>".join(esc(p) for p in r.problems) or "<span class='ok'>nothing</span>"
            parts.append(f"<tr class='{cls}'><td class='id'>{esc(r.student)}</td><td class='id'>{esc(r.name)}</td>"
                         f"<td class='wrong'>{wrong}</td>{cells}<td class='num'>{auto}</td><td>{esc(written)}</td></tr>")
        parts.append("</table>")

        parts.append(f"<h3 id='marking'>Waiting to be marked: {n_waiting} written answer(s), {len(waiting)} learner(s)</h3>")
        if waiting:
            parts.append("<p>Mark these in Formgrader (JupyterLab: Nbgrader &gt; Formgrader), then run "
                         f"<code>csworkbook feedback {esc(aid)}</code> and this report again.</p><ul>")
            parts += [f"<li>{esc(r.student)} ({esc(r.name)}): {esc(', '.join(r.waiting))}</li>" for r in waiting]
            parts.append("</ul>")
        else:
            parts.append("<p class='ok'>Nothing left to mark.</p>")

        # -- charts ----------------------------------------------------------------
        if waiting:
            percents = [100 * r.auto_score / r.auto_max for r in submitted if r.auto_max]
            what = (f"autograded tasks only, out of {auto_max:g}: the written answers are not all marked yet, "
                    "so the whole-assignment score would understate everyone")
        else:
            scores = grades[f"{aid} score"].dropna()
            maximum = float(grades[f"{aid} max"].iloc[0])
            percents = list(100 * scores / maximum) if maximum else []
            what = f"whole assignment, out of {maximum:g}, written answers included"
        if percents:
            fig, ax = plt.subplots(figsize=(7, 3))
            ax.hist(percents, bins=[0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100.01], color=plots.PALETTE[0],
                    edgecolor="white")
            ax.set_xlabel("score, percent of maximum")
            ax.set_ylabel("learners")
            ax.yaxis.get_major_locator().set_params(integer=True)
            ax.set_title("Score distribution")
            parts.append(f"<h3>Score distribution</h3><p>Scores: {esc(what)}.</p>"
                         f"<img alt='Histogram of scores for {esc(aid)} ({esc(what)})' "
                         f"src='data:image/png;base64,{_png(fig)}'>")
            plt.close(fig)
        results = task_results(root, aid)
        if not results.empty:
            results = results.assign(passed=results.score >= results["max"])
            rate = results.groupby(["notebook", "task", "name"], sort=False)["passed"].mean() * 100
            by_name = pd.Series(rate.values, index=[n for _, _, n in rate.index])
            fig, ax = plt.subplots(figsize=(7, 0.4 * len(by_name) + 1))
            plots.bar_percent(by_name.sort_values(), "Pass rate per autograded task",
                              xlabel="percent of learners with full marks", ax=ax)
            parts.append(f"<img alt='Pass rate per task for {esc(aid)}' src='data:image/png;base64,{_png(fig)}'>")
            plt.close(fig)
            parts.append("<h3>Hardest tasks</h3><p>Every autograded task, hardest first; tasks with the same share "
                         "of learners on full marks share a rank.</p><table><tr><th>rank</th><th>task</th>"
                         "<th>learners with full marks</th></tr>")
            ordered = sorted(zip(by_name.index, by_name.values), key=lambda kv: kv[1])
            ranks = pd.Series([v for _, v in ordered]).rank(method="min").astype(int).tolist()
            counts = pd.Series(ranks).value_counts()
            for (name, share), rank in zip(ordered, ranks):
                label = f"={rank}" if counts[rank] > 1 else str(rank)
                parts.append(f"<tr><td class='num'>{label}</td><td>{esc(name)}</td><td class='num'>{share:.0f}%</td></tr>")
            parts.append("</table>")
        hints = hint_use(root, aid)
        parts.append("<h3>Hint use</h3>")
        if hints.empty:
            parts.append("<p>No hints were recorded: hints show only when learners saved their notebook with a hint open.</p>")
        else:
            per_task = hints.groupby("task")["hints"].agg(["count", "mean"]).sort_index()
            parts.append("<table><tr><th>task</th><th>learners who opened hints</th><th>hints opened, on average</th></tr>")
            parts += [f"<tr><td>{esc(t)}</td><td>{int(r['count'])}</td><td>{r['mean']:.1f}</td></tr>"
                      for t, r in per_task.iterrows()]
            parts.append("</table>")
        problems, unprotected = [], []
        for marker in sorted((Path(root) / "autograded").glob(f"*/{aid}/.csworkbook-graded.json")):
            done = json.loads(marker.read_text())
            for p in done.get("problems", []):
                problems.append((marker.parent.parent.name, p))
            if done.get("sandbox") == "none":
                unprotected.append(marker.parent.parent.name)
        if unprotected:
            from .sandbox import NO_SANDBOX_WARNING

            parts.append(f"<p role='alert' style='border:3px solid #b00020;padding:8px;font-weight:bold'>"
                         f"{esc(NO_SANDBOX_WARNING)} Learners graded this way: "
                         f"{esc(', '.join(unprotected))}.</p>")
        parts.append("<h3>Problems found while grading</h3>")
        if problems:
            parts.append("<table><tr><th>student</th><th>problem</th></tr>")
            parts += [f"<tr><td>{esc(s)}</td><td>{esc(p)}</td></tr>" for s, p in problems]
            parts.append("</table>")
        else:
            parts.append("<p class='ok' id='no-grading-problems'>Grading found no problems: every submission was "
                         "read, ran to the end within its limits, and none was flagged as suspicious.</p>")
    parts.append("</body></html>")
    return "\n".join(parts)
