"""What a trainer takes away from grading: a grades CSV for the LMS and a class report."""

from __future__ import annotations

import base64
import csv
import html
import io
import json
import re
from pathlib import Path

import pandas as pd

from .grading import gradebook_url

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


def task_results(root: Path, assignment: str) -> pd.DataFrame:
    """One row per student and autograded task: score and maximum."""
    with _gradebook(root) as gb:
        rows = []
        for sub in gb.assignment_submissions(assignment):
            for nb in sub.notebooks:
                for grade in nb.grades:
                    if grade.cell_type != "code":
                        continue
                    rows.append({"student": sub.student.id, "notebook": nb.name, "task": grade.name,
                                 "score": float(grade.score), "max": float(grade.max_score)})
        return pd.DataFrame(rows, columns=["student", "notebook", "task", "score", "max"])


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


def class_report(root: Path, assignments: list[str] | None = None) -> str:
    """A self-contained HTML page: score distribution, pass rate per task, hardest tasks, hint use, problems."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from .. import plots

    plots.use_style()
    grades = grades_table(root, assignments)
    chosen = assignments or [c[:-6] for c in grades.columns if c.endswith(" score")]
    parts = ["<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Class report</title>",
             "<style>body{font-family:system-ui,sans-serif;max-width:960px;margin:2em auto;color:#1a1a1a}"
             "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}"
             "img{max-width:100%}</style></head><body>",
             f"<h1>Class report</h1><p>{len(grades)} learner(s) in the gradebook.</p>"]
    for aid in chosen:
        scores = grades[f"{aid} score"].dropna()
        maximum = float(grades[f"{aid} max"].iloc[0]) if len(grades) else 0.0
        parts.append(f"<h2>{html.escape(aid)}</h2>")
        parts.append(f"<p>{len(scores)} submission(s) graded; mean {scores.mean():.1f} of {maximum:g}"
                     f" ({100 * scores.mean() / maximum:.0f}%); {int(grades[f'{aid} score'].isna().sum())} not submitted. "
                     "Written answers count once they are marked.</p>"
                     if len(scores) and maximum else "<p>No graded submissions yet.</p>")
        if len(scores) and maximum:
            fig, ax = plt.subplots(figsize=(7, 3))
            ax.hist(100 * scores / maximum, bins=[0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100.01], color=plots.PALETTE[0],
                    edgecolor="white")
            ax.set_xlabel("score, percent of maximum")
            ax.set_ylabel("learners")
            ax.yaxis.get_major_locator().set_params(integer=True)
            ax.set_title("Score distribution")
            parts.append(f"<img alt='Histogram of scores for {html.escape(aid)}' src='data:image/png;base64,{_png(fig)}'>")
            plt.close(fig)
        tasks = task_results(root, aid)
        if not tasks.empty:
            rate = (tasks.assign(passed=tasks.score >= tasks["max"]).groupby("task")["passed"].mean() * 100).sort_values()
            fig, ax = plt.subplots(figsize=(7, 0.4 * len(rate) + 1))
            plots.bar_percent(rate, "Pass rate per autograded task", xlabel="percent of learners with full marks", ax=ax)
            parts.append(f"<img alt='Pass rate per task for {html.escape(aid)}' src='data:image/png;base64,{_png(fig)}'>")
            plt.close(fig)
            parts.append("<h3>Hardest tasks</h3><table><tr><th>task</th><th>learners with full marks</th></tr>")
            parts += [f"<tr><td>{html.escape(t)}</td><td>{r:.0f}%</td></tr>" for t, r in rate.head(3).items()]
            parts.append("</table>")
        hints = hint_use(root, aid)
        parts.append("<h3>Hint use</h3>")
        if hints.empty:
            parts.append("<p>No hints were recorded: hints show only when learners saved their notebook with a hint open.</p>")
        else:
            per_task = hints.groupby("task")["hints"].agg(["count", "mean"]).sort_index()
            parts.append("<table><tr><th>task</th><th>learners who opened hints</th><th>hints opened, on average</th></tr>")
            parts += [f"<tr><td>{html.escape(t)}</td><td>{int(r['count'])}</td><td>{r['mean']:.1f}</td></tr>"
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
                         f"{html.escape(NO_SANDBOX_WARNING)} Learners graded this way: "
                         f"{html.escape(', '.join(unprotected))}.</p>")
        if problems:
            parts.append("<h3>Problems found while grading</h3><table><tr><th>student</th><th>problem</th></tr>")
            parts += [f"<tr><td>{html.escape(s)}</td><td>{html.escape(p)}</td></tr>" for s, p in problems]
            parts.append("</table>")
    parts.append("</body></html>")
    return "\n".join(parts)
