"""The hand-in check as a learner meets it: the closing cell of a half-done topic, run in JupyterLab in a
real (headless) Chromium. The kernel finds its own notebook (jupyter_server tells it), and the report
names every task and where Run All would stop.

On a machine without Chromium this test skips and says why; under CI it must run.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
TOPIC = "07-measuring-satisfaction"

if CHROMIUM is None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail("CI must run the browser tests, but Chromium is not installed (apt-get install chromium)",
                    pytrace=False)
    pytest.skip("Chromium is not installed (apt-get install chromium); the browser tests run in CI",
                allow_module_level=True)

from playwright.sync_api import sync_playwright  # noqa: E402

LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--no-first-run", "--disable-quic", "--disable-dev-shm-usage"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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
    port, token = _free_port(), secrets.token_hex(12)
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(tmp / "cfg"), JUPYTER_RUNTIME_DIR=str(tmp / "rt"),
               IPYTHONDIR=str(tmp / "ipy"), JUPYTER_DATA_DIR=str(tmp / "data"))
    env.pop("JPY_SESSION_NAME", None)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    cmd = [str(Path(sys.executable).parent / "jupyter"), "lab", "--no-browser", "--ServerApp.ip=127.0.0.1",
           f"--ServerApp.port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
           f"--ServerApp.root_dir={root}", "--LabApp.expose_app_in_browser=True", "--allow-root"]
    log = open(tmp / "lab.log", "w")
    # Started in the temporary folder: the collaboration extension writes its .jupyter_ystore.db where it starts.
    proc = subprocess.Popen(cmd, env=env, cwd=tmp, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 90
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/status?token={token}", timeout=2)
            break
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                os.killpg(proc.pid, signal.SIGKILL)
                pytest.fail(f"JupyterLab did not start:\n{(tmp / 'lab.log').read_text()[-3000:]}")
            time.sleep(0.5)
    yield {"url": f"http://127.0.0.1:{port}", "token": token, "root": root, "tmp": tmp}
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
    log.close()


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
