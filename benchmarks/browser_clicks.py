"""Role-play clicks in a real browser: JupyterLab in headless Chromium, timed inside the page.

Used by the suite (``python3 workbook.py bench --only roleplay``). Starts a private
JupyterLab on the workshop role-play notebook, runs it, then clicks the first reply
on screen again and again (restarting the conversation when it ends, untimed) and
times each click from the click to the next animation frame after the reply, its
feedback and the next replies (or the ending) are in the page. The widget reuses its reply
buttons, so the next replies are seen as the buttons' words changing.
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

REPO = Path(__file__).resolve().parents[1]
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--no-first-run", "--disable-quic", "--disable-dev-shm-usage"]

# Runs in the page: n timed clicks; resolves with each click's milliseconds.
CLICKS_JS = """
async (n) => {
  const wait = (test, ms) => new Promise((resolve, reject) => {
    const started = performance.now();
    const poll = () => { if (test()) resolve(); else if (performance.now() - started > ms) reject(new Error('timed out'));
                         else setTimeout(poll, 5); };
    poll();
  });
  const replies = () => document.querySelectorAll('.csw-you').length;
  const times = [];
  while (times.length < n) {
    let button = document.querySelector('button.csw-choice');
    if (!button) {  // the conversation ended: start again (not timed)
      const again = [...document.querySelectorAll('button')].find(b => b.textContent.trim() === 'Start again');
      again.click();
      await wait(() => document.querySelector('button.csw-choice') && replies() === 0, 20000);
      continue;
    }
    const before = replies();
    // The widget keeps its reply buttons and gives them the next replies' words, so "rendered"
    // is: the reply and its feedback are in the page, and the buttons on screen show the next
    // replies (their words changed) or the ending, as the learner sees it.
    const offered = () => [...document.querySelectorAll('button.csw-choice')].map(b => b.textContent).join('|');
    const was = offered();
    const settled = () => replies() > before && document.querySelector('.csw-feedback')
      && (document.querySelector('.csw-ending') || (document.querySelector('button.csw-choice') && offered() !== was));
    const started = performance.now();
    const rendered = new Promise((resolve) => {
      const observer = new MutationObserver(() => {
        if (settled()) {
          observer.disconnect();
          requestAnimationFrame(() => resolve(performance.now()));
        }
      });
      observer.observe(document.body, {subtree: true, childList: true, characterData: true});
    });
    button.click();
    const done = await Promise.race([rendered, new Promise(r => setTimeout(() => r(null), 60000))]);
    if (done === null) throw new Error('no reply rendered within 60 s of a click');
    times.push(done - started);
    await new Promise(r => setTimeout(r, 50));  // a person does not click twice in one frame
  }
  return times;
}
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def click_latencies(chromium: str, clicks: int, tmp: Path) -> list[float]:
    from playwright.sync_api import sync_playwright

    root = tmp / "root"
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy2(REPO / "notebooks" / "workshop" / "roleplays.ipynb", root / "roleplays.ipynb")
    port, token = _free_port(), secrets.token_hex(12)
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(tmp / "cfg"), JUPYTER_RUNTIME_DIR=str(tmp / "rt"),
               IPYTHONDIR=str(tmp / "ipy"), JUPYTER_DATA_DIR=str(tmp / "data"))
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    cmd = [str(Path(sys.executable).parent / "jupyter"), "lab", "--no-browser", "--ServerApp.ip=127.0.0.1",
           f"--ServerApp.port={port}", "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
           f"--ServerApp.root_dir={root}", "--LabApp.expose_app_in_browser=True"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    with open(tmp / "lab.log", "w") as log:
        proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            deadline = time.monotonic() + 90
            while True:
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/api/status?token={token}", timeout=2)
                    break
                except OSError:
                    if time.monotonic() > deadline or proc.poll() is not None:
                        raise RuntimeError(f"JupyterLab did not start: {(tmp / 'lab.log').read_text()[-2000:]}")
                    time.sleep(0.5)
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=chromium, headless=True, args=LAUNCH_ARGS)
                try:
                    page = browser.new_page(viewport={"width": 1280, "height": 1000})
                    page.goto(f"http://127.0.0.1:{port}/lab/tree/roleplays.ipynb?token={token}", timeout=60_000)
                    page.wait_for_function(
                        "() => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;"
                        " const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;"
                        " return k && k.status === 'idle'; }", timeout=90_000)
                    page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
                    page.locator("button.csw-choice").first.wait_for(state="visible", timeout=90_000)
                    page.evaluate(CLICKS_JS, 3)  # warm-up clicks, not counted
                    return page.evaluate(CLICKS_JS, clicks)
                finally:
                    browser.close()
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
