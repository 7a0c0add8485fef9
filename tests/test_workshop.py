"""The workshop app end to end: `csworkbook workshop` serving Voilà, two teams in headless Chromium, the facilitator.

Two teams play the same scenario in two browser contexts (two laptops), with different
replies from the second step; the test checks both run files and that the facilitator
page, open all along, shows both teams and the split. On a machine without Chromium
this test skips and says why; under CI it must run.
"""

from __future__ import annotations

import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from csworkbook.roleplay import Session, all_paths, extreme_paths, load_scenario
from csworkbook.workshop import read_runs

# Importing browser_lab skips this file without Chromium (and fails it under CI).
from browser_lab import CHROMIUM, LAUNCH_ARGS, free_port  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

SCENARIO = "late-delivery"
SESSION = "test-session"


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """`csworkbook workshop --no-browser --port N` on a course of its own; its printed addresses."""
    tmp = tmp_path_factory.mktemp("workshop")
    course = tmp / "course"
    (course / "source").mkdir(parents=True)
    (course / "nbgrader_config.py").write_text("c = get_config()  # noqa\n")
    port = free_port()
    env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(tmp / "rt"), JUPYTER_DATA_DIR=str(tmp / "data"),
               IPYTHONDIR=str(tmp / "ipy"), PYTHONUNBUFFERED="1")
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    cmd = [str(Path(sys.executable).parent / "csworkbook"), "--course", str(course), "workshop", "--no-browser",
           "--port", str(port), "--session", SESSION]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)
    lines: queue.Queue = queue.Queue()
    output: list[str] = []

    def pump():
        for line in proc.stdout:
            output.append(line)
            lines.put(line)

    threading.Thread(target=pump, daemon=True).start()
    urls = {}
    deadline = time.monotonic() + 180
    while "facilitator" not in urls:
        try:
            line = lines.get(timeout=1)
        except queue.Empty:
            if proc.poll() is not None or time.monotonic() > deadline:
                os.killpg(proc.pid, signal.SIGKILL)
                pytest.fail("`csworkbook workshop` printed no addresses:\n" + "".join(output)[-3000:])
            continue
        for key, label in (("team", "teams open"), ("facilitator", "facilitator")):
            if line.startswith(f"workshop: {label}"):
                urls[key] = line.split()[-1]
    yield {"urls": urls, "port": port, "session": course / "workshop-sessions" / SESSION, "tmp": tmp,
           "output": output}
    proc.send_signal(signal.SIGTERM)  # as a service manager would stop it: Voilà must go too
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        pytest.fail("`csworkbook workshop` did not stop on SIGTERM")
    still_open = _port_open(port)
    if still_open:
        os.killpg(proc.pid, signal.SIGKILL)
    assert not still_open, "Voilà kept serving after `csworkbook workshop` was stopped"


def _two_paths() -> tuple[list[str], list[str]]:
    """The strongest path, and a complete path that agrees with it on reply 1 and differs at reply 2."""
    best, _ = extreme_paths(SCENARIO)
    other = next(s.path for s in all_paths(SCENARIO) if s.path[:1] == best.path[:1] and s.path[1] != best.path[1])
    return best.path, other


def _open_team(browser, url):
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    page.goto(url, timeout=90_000)
    page.locator(".csw-team-name input").wait_for(timeout=90_000)
    return context, page


def _play(page, team: str, path: list[str]) -> float:
    """Enter the team, pick the scenario, click each reply as a team would; returns the moment of the last click."""
    scenario = load_scenario(SCENARIO)
    page.locator(".csw-team-name input").fill(team)
    page.locator(".csw-scenario-menu select").select_option(label=f"{scenario.title} ({SCENARIO})")
    page.get_by_role("button", name="Start the role-play").click()
    engine = Session(scenario)
    last_click = 0.0
    for n, choice_id in enumerate(path):
        texts = [c.text for c in engine.choices]
        # the replies on screen are exactly the ones the engine has open now (not the last step's)
        page.wait_for_function(
            "(texts) => JSON.stringify([...document.querySelectorAll('button.csw-choice')]"
            ".map(b => b.innerText.trim())) === JSON.stringify(texts)", arg=texts, timeout=30_000)
        index = [c.id for c in engine.choices].index(choice_id)
        last_click = time.perf_counter()
        page.locator("button.csw-choice").nth(index).click()
        engine.choose(choice_id)
        page.wait_for_function(f"document.querySelectorAll('.csw-you').length > {n}", timeout=30_000)
    return last_click


@pytest.mark.timeout(600)
def test_two_teams_play_and_the_facilitator_sees_both_runs_and_where_they_split(app):
    path_a, path_b = _two_paths()
    figures = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        try:
            facilitator = browser.new_context(viewport={"width": 1200, "height": 1400}).new_page()
            facilitator.goto(app["urls"]["facilitator"], timeout=90_000)
            status = facilitator.locator(".csw-fac-status")
            status.wait_for(timeout=90_000)
            assert "No finished runs yet" in status.inner_text()

            (ctx_a, team_a), (ctx_b, team_b) = _open_team(browser, app["urls"]["team"]), \
                _open_team(browser, app["urls"]["team"])
            for name, page, path in (("Team Koala", team_a, path_a), ("Team Wombat", team_b, path_b)):
                last_click = _play(page, name, path)
                # the facilitator page has been open all along: nobody reloads it
                facilitator.wait_for_function(
                    f"document.querySelector('.csw-fac-status') && "
                    f"document.querySelector('.csw-fac-status').innerText.includes({name!r})", timeout=60_000)
                figures.append((name, time.perf_counter() - last_click))
                debrief = page.locator(".csw-team-debrief")
                assert "Debrief: your path and the strongest path" in debrief.inner_text()
                assert "is saved as" in debrief.inner_text()
            assert "took the strongest path" in team_a.locator(".csw-team-debrief").inner_text()
            assert "part at reply 2" in team_b.locator(".csw-team-debrief").inner_text()
            assert team_b.locator(".csw-team-debrief img").count() == 1

            # both runs, saved once each
            reading = read_runs(app["session"])
            assert reading.problems == []
            assert sorted((r.team, r.path) for r in reading.runs) == sorted(
                [("Team Koala", tuple(path_a)), ("Team Wombat", tuple(path_b))])
            assert len(list(app["session"].glob("*.json"))) == 2

            # the facilitator view: both teams, their replies, and the split at reply 2
            facilitator.wait_for_function(
                "document.querySelector('.csw-fac-splits') && "
                "document.querySelector('.csw-fac-splits').innerText.includes('Reply 2')", timeout=30_000)
            status_text = facilitator.locator(".csw-fac-status").inner_text()
            assert "2 run(s) from 2 team(s)" in status_text
            split = facilitator.locator(".csw-split-point").first.inner_text()
            assert "Team Koala" in split and "Team Wombat" in split
            assert path_a[1] in split and path_b[1] in split
            choices = facilitator.locator(".csw-fac-choices").inner_text()
            assert "Team Koala" in choices and "Team Wombat" in choices
            assert facilitator.locator(".csw-fac-choices td.csw-split").count() == 2
            assert facilitator.locator(".csw-facilitator img").count() == 2, "the paths and scores charts"

            # a half-written file in the session is reported and skipped; the runs stay on screen
            (app["session"] / "half-written.json").write_text('{"format": "csworkbook-workshop-run", "team": "Te')
            facilitator.wait_for_function(
                "document.querySelector('.csw-fac-problems') && "
                "document.querySelector('.csw-fac-problems').innerText.includes('half-written.json')",
                timeout=30_000)
            assert "cut short" in facilitator.locator(".csw-fac-problems").inner_text()
            assert "2 run(s) from 2 team(s)" in facilitator.locator(".csw-fac-status").inner_text()
            facilitator.screenshot(path=str(app["tmp"] / "facilitator.png"), full_page=True)
            ctx_a.close()
            ctx_b.close()
        finally:
            browser.close()
    for name, seconds in figures:
        print(f"\nworkshop: {name}'s last click to the facilitator view showing its run: {seconds * 1000:.0f} ms")
