"""The hand-in check as a learner meets it: the closing cell of a half-done topic, run in JupyterLab in a
real (headless) Chromium. The kernel finds its own notebook (jupyter_server tells it), and the report
names every task and where Run All would stop.

On a machine without Chromium this test skips and says why; under CI it must run.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat
import pytest

# Importing browser_lab skips this file without Chromium (and fails it under CI).
from browser_lab import CHROMIUM, LAUNCH_ARGS, REPO, jupyter_lab_command, private_env, running_lab
from playwright.sync_api import sync_playwright  # noqa: E402

TOPIC = "07-measuring-satisfaction"


def _half_done(folder: Path) -> Path:
    """The learner's topic 07 with Task 1 answered (the instructor's answer) and the rest untouched."""
    path = folder / f"{TOPIC}.ipynb"
    shutil.copy(REPO / "release" / TOPIC / f"{TOPIC}.ipynb", path)
    source = nbformat.read(REPO / "source" / TOPIC / f"{TOPIC}.ipynb", as_version=4)
    nb = nbformat.read(path, as_version=4)

    def cell(book, grade_id):
        return next(c for c in book.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)

    cell(nb, "task1-answer").source = "\n".join(
        ln for ln in cell(source, "task1-answer").source.splitlines() if "SOLUTION" not in ln)
    nbformat.write(nb, path)
    return path


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("lab")
    root = tmp / "root"
    root.mkdir()
    _half_done(root)
    env = private_env(tmp)
    env.pop("JPY_SESSION_NAME", None)
    with running_lab([*jupyter_lab_command(), f"--ServerApp.root_dir={root}"], env, tmp, timeout=90) as server:
        yield {**server, "root": root, "tmp": tmp}


@pytest.mark.timeout(400)
def test_the_closing_cell_reports_each_task_and_where_run_all_stops(lab):
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        try:
            page.goto(f"{lab['url']}/lab/tree/{TOPIC}.ipynb?token={lab['token']}", timeout=60_000)
            page.wait_for_function("() => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;"
                                   " const k = w && w.sessionContext && w.sessionContext.session"
                                   " && w.sessionContext.session.kernel; return k && k.status === 'idle'; }",
                                   timeout=120_000)
            # What a learner does: go to the last cell and run it (Run All would stop at Task 2 first).
            page.evaluate("() => { const nb = window.jupyterapp.shell.currentWidget.content;"
                          " nb.activeCellIndex = nb.widgets.length - 1;"
                          " return window.jupyterapp.commands.execute('notebook:run-cell'); }")
            report = page.locator(".jp-Notebook .jp-Cell").last.locator("div.csw-handin")
            report.wait_for(state="visible", timeout=300_000)
            text = " ".join(report.inner_text().split())
            last_cell = " ".join(page.locator(".jp-Notebook .jp-Cell").last.inner_text().split())
            shot = lab["tmp"] / "hand-in-check.png"
            page.locator(".jp-Notebook .jp-Cell").last.screenshot(path=str(shot))
            print(f"\nbrowser: the hand-in check's report, screenshot {shot}")
        finally:
            browser.close()
    assert f"Ready to hand in? {TOPIC}.ipynb" in text
    assert "1 of 8 coded tasks pass their visible tests; 0 of 2 written answers started" in text
    for name in ("Task 1 · How many surveys to send", "Task 2 · CSAT by channel", "Task 9 · Written report"):
        assert name in text, name
    assert "would stop at cell" in text and "the visible tests of Task 2 · CSAT by channel" in text
    assert "Left to do: Task 2, Task 3" in text
    assert "Ran all" in last_cell  # the progress line, updated to the end
