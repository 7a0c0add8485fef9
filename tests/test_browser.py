"""What a person sees: JupyterLab in a real (headless) Chromium, a role-play clicked.

Uses Debian's `chromium` driven by Playwright's Python package (no browser download).
On a machine without Chromium this test skips and says why; under CI it must run.
"""

from __future__ import annotations

import shutil
import time

import pytest
from browser_lab import CHROMIUM, LAUNCH_ARGS, REPO, jupyter_lab_command, private_env, running_lab

from playwright.sync_api import sync_playwright  # noqa: E402


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A private JupyterLab serving a folder with the workshop role-play notebook."""
    tmp = tmp_path_factory.mktemp("lab")
    root = tmp / "root"
    root.mkdir()
    shutil.copy2(REPO / "notebooks" / "workshop" / "roleplays.ipynb", root / "roleplays.ipynb")
    with running_lab([*jupyter_lab_command(), f"--ServerApp.root_dir={root}"], private_env(tmp), tmp) as server:
        yield {**server, "root": root, "tmp": tmp}


@pytest.mark.timeout(300)
def test_a_learner_clicks_a_reply_and_sees_it_answered(lab):
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        try:
            page.goto(f"{lab['url']}/lab/tree/roleplays.ipynb?token={lab['token']}", timeout=60_000)
            page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell.currentWidget"
                                   " && window.jupyterapp.shell.currentWidget.sessionContext"
                                   " && window.jupyterapp.shell.currentWidget.sessionContext.session"
                                   " && window.jupyterapp.shell.currentWidget.sessionContext.session.kernel"
                                   " && window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.status === 'idle'",
                                   timeout=90_000)
            page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")

            first = page.locator("button.csw-choice").first
            first.wait_for(state="visible", timeout=90_000)
            # The workshop menu opens on the first shipped scenario; the engine says what must appear.
            from csworkbook.roleplay import list_scenarios, load_scenario

            scenario = load_scenario(list_scenarios()[0])
            start = scenario.node(scenario.start)
            expected = start.choices[0]
            opening = page.locator(".csw-line").first.inner_text()
            assert start.text[:40] in opening.replace("\n", " ")
            reply = first.inner_text().strip()
            assert len(reply) > 20, "a reply button carries the words the learner says"
            first.focus()
            started = time.perf_counter()
            page.keyboard.press("Enter")  # keyboard-operable, as a learner using the keyboard would
            page.locator(".csw-feedback").wait_for(state="visible", timeout=30_000)
            page.locator(".csw-you").first.wait_for(state="visible", timeout=30_000)
            elapsed_ms = (time.perf_counter() - started) * 1000

            you = page.locator(".csw-you").first.inner_text()
            feedback = page.locator(".csw-feedback").inner_text()
            assert reply == expected.text
            assert you == f"You: {expected.text}"
            assert feedback == f"Feedback: {expected.feedback}"
            after = scenario.node(expected.next)
            assert after.text[:40] in page.locator(".csw-line").nth(1).inner_text().replace("\n", " ")
            shot = lab["tmp"] / "roleplay-after-click.png"
            page.screenshot(path=str(shot), full_page=True)
            print(f"\nbrowser: click to rendered reply and feedback in {elapsed_ms:.0f} ms; screenshot {shot}")
        finally:
            browser.close()
