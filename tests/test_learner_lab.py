"""The learner's JupyterLab and the trainer's, launched as `workbook.py lab` launches them, in Chromium.

The learner sees Validate and none of nbgrader's trainer tools, and no error pop-ups; with an
exchange their Assignment List works; after an update the what-is-new page opens. The trainer's
launch (`workbook.py lab --trainer`) keeps every tool.
"""

from __future__ import annotations

import json
import shutil
import sys
import urllib.error
import urllib.request

import pytest
from browser_lab import CHROMIUM, LAUNCH_ARGS, REPO, private_env, running_lab

from playwright.sync_api import sync_playwright  # noqa: E402

from csworkbook.workspace import seed  # noqa: E402

TRAINER_COMMANDS = ["nbgrader:open-formgrader", "nbgrader:open-create-assignment", "nbgrader:open-course-list"]
CREATE_ASSIGNMENT_TAB = "nbgrader-create_assignemnt"  # nbgrader's own id, spelling and all
TOPIC = "07-measuring-satisfaction/07-measuring-satisfaction.ipynb"
pytestmark = pytest.mark.timeout(400)


def workbook_lab(*args: str) -> list[str]:
    return [sys.executable, str(REPO / "workbook.py"), "lab", *args]


def learner_env(tmp, workspace, exchange=None):
    env = private_env(tmp, CSWORKBOOK_WORKSPACE=str(workspace))
    env.pop("JUPYTER_CONFIG_PATH", None)
    env.pop("CSWORKBOOK_EXCHANGE", None)
    if exchange:
        env["CSWORKBOOK_EXCHANGE"] = str(exchange)
    else:
        # nbgrader's default exchange folder may exist on some machine: name one that does not.
        (tmp / "cfg").mkdir(parents=True, exist_ok=True)
        (tmp / "cfg" / "nbgrader_config.json").write_text(json.dumps({"Exchange": {"root": str(tmp / "none")}}))
    return env


def a_workspace_from_last_week(tmp):
    """A workspace seeded from an older release, with the learner's answer in topic 07."""
    old = tmp / "old-course"
    shutil.copytree(REPO / "release", old / "release")
    shutil.copytree(REPO / "notebooks", old / "notebooks")
    nb_path = old / "release" / TOPIC
    nb = json.loads(nb_path.read_text())
    nb["cells"][0]["source"] = ["# An older wording of the introduction\n"]
    nb_path.write_text(json.dumps(nb, indent=1))
    workspace = tmp / "ws"
    seed(old, workspace)
    mine = json.loads((workspace / TOPIC).read_text())
    answer = next(c for c in mine["cells"] if c["metadata"].get("nbgrader", {}).get("solution"))
    answer["source"] = ["my_answer = 'written by the learner'\n"]
    (workspace / TOPIC).write_text(json.dumps(mine, indent=1))
    return workspace


@pytest.fixture(scope="module")
def learner_lab(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("learner")
    workspace = a_workspace_from_last_week(tmp)
    with running_lab(workbook_lab(), learner_env(tmp, workspace), tmp) as server:
        yield {**server, "workspace": workspace}


@pytest.fixture(scope="module")
def exchange_lab(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("exchange")
    # The trainer has released topic 07 into the exchange (nbgrader's folder layout).
    outbound = tmp / "exchange" / "customer-service-workbook" / "outbound" / "07-measuring-satisfaction"
    outbound.mkdir(parents=True)
    shutil.copy2(REPO / "release" / TOPIC, outbound)
    with running_lab(workbook_lab(), learner_env(tmp, tmp / "ws", exchange=tmp / "exchange"), tmp) as server:
        yield server


@pytest.fixture(scope="module")
def trainer_lab(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("trainer")
    env = private_env(tmp)
    env.pop("JUPYTER_CONFIG_PATH", None)
    # A private document store for collaboration (the launch's own is in .venv/).
    ystore = f"--SQLiteYStore.db_path={tmp / 'ystore.db'}"
    with running_lab(workbook_lab("--trainer", ystore), env, tmp) as server:
        yield server


@pytest.fixture()
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        try:
            yield b
        finally:
            b.close()


def open_lab(browser, server, first=None):
    """The page a learner's browser opens: the server's front door, which sends it to default_url.

    first: the file the launch opens first; waited for, so that it does not open over a later one.
    """
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{server['url']}/?token={server['token']}", timeout=60_000)
    page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell"
                           " && document.querySelector('.lm-MenuBar-item')", timeout=90_000)
    page.wait_for_function("() => window.jupyterapp.restored !== undefined", timeout=30_000)
    page.evaluate("window.jupyterapp.restored")
    if first:
        page.wait_for_function("() => { const w = window.jupyterapp.shell.currentWidget;"
                               f" return w && w.context && w.context.path === {first!r}; }}", timeout=60_000)
    return page


def open_topic(page):
    page.evaluate(f"window.jupyterapp.commands.execute('docmanager:open', {{path: {TOPIC!r}}})")
    page.wait_for_function("() => { const w = window.jupyterapp.shell.currentWidget;"
                           f" return w && w.context && w.context.path === {TOPIC!r}; }}", timeout=60_000)
    page.locator(".jp-NotebookPanel-toolbar:visible").wait_for(timeout=60_000)


def menu_titles(page):
    return [t.strip() for t in page.locator(".lm-MenuBar-itemLabel").all_inner_texts()]


def menu_items(page, title):
    page.locator(".lm-MenuBar-item", has_text=title).click()
    menu = page.locator(".lm-Menu").last
    menu.wait_for(state="visible")
    items = [t.strip() for t in menu.locator(".lm-Menu-item:visible .lm-Menu-itemLabel").all_inner_texts()]
    page.keyboard.press("Escape")
    return [i for i in items if i]


def side_tabs(page):
    return page.eval_on_selector_all(".jp-SideBar .lm-TabBar-tab", "tabs => tabs.map(t => t.dataset.id)")


def has_command(page, command):
    return page.evaluate(f"window.jupyterapp.commands.hasCommand({command!r})")


def problems_on_screen(page):
    """Dialogs and error toasts: what would interrupt a learner."""
    dialogs = page.locator(".jp-Dialog").all_inner_texts()
    toasts = page.locator(".Toastify__toast--error, .jp-toast-error").all_inner_texts()
    errors = [t for t in page.locator("body").all_inner_texts() if "Error fetching" in t]
    return dialogs + toasts + errors


def status(server, path):
    try:
        return urllib.request.urlopen(f"{server['url']}{path}?token={server['token']}", timeout=30).status
    except urllib.error.HTTPError as error:
        return error.code


def test_the_learner_sees_validate_and_none_of_the_trainers_tools(learner_lab, browser):
    page = open_lab(browser, learner_lab, first="WHAT-IS-NEW.md")
    open_topic(page)
    toolbar = page.locator(".jp-NotebookPanel-toolbar:visible")
    toolbar.get_by_text("Validate").wait_for(state="visible", timeout=30_000)
    page.wait_for_timeout(3000)  # time for any late pop-up to appear
    assert "Nbgrader" not in menu_titles(page)
    assert CREATE_ASSIGNMENT_TAB not in side_tabs(page)
    assert "filebrowser" in side_tabs(page), side_tabs(page)
    for command in [*TRAINER_COMMANDS, "nbgrader:open-assignment-list"]:
        assert not has_command(page, command), command
    assert problems_on_screen(page) == []
    # Off on the server too, not only out of sight; Validate's API stays.
    assert status(learner_lab, "/formgrader") == 404
    assert status(learner_lab, "/assignments") == 404
    assert status(learner_lab, "/assignments/validate") != 404


def test_after_an_update_the_lab_opens_what_it_brought_and_the_learners_work_is_kept(learner_lab, browser):
    workspace = learner_lab["workspace"]
    mine = json.loads((workspace / TOPIC).read_text())
    assert any("written by the learner" in "".join(c["source"]) for c in mine["cells"])
    copies = sorted(p.name for p in (workspace / "updates").iterdir())
    assert len(copies) == 1 and copies[0].endswith(" 07-measuring-satisfaction.ipynb"), copies
    page = open_lab(browser, learner_lab, first="WHAT-IS-NEW.md")
    heading = page.locator(".jp-RenderedMarkdown h1", has_text="What is new in your workbook")
    heading.wait_for(state="visible", timeout=60_000)
    page_text = page.locator(".jp-RenderedMarkdown", has=page.locator("h1", has_text="What is new")).inner_text()
    assert f"updates/{copies[0]}" in page_text
    assert "07-measuring-satisfaction/07-measuring-satisfaction.ipynb" in page_text
    # Its link opens the new version, in a tab that starts with the date: told apart at a glance.
    page.locator(".jp-RenderedMarkdown a", has_text=f"updates/{copies[0]}").click()
    tab = page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab", has_text=copies[0][:13])
    tab.first.wait_for(state="visible", timeout=60_000)
    assert page.evaluate("window.jupyterapp.shell.currentWidget.context.path") == f"updates/{copies[0]}"
    assert problems_on_screen(page) == []


def test_with_an_exchange_the_learner_has_a_working_assignment_list(exchange_lab, browser):
    page = open_lab(browser, exchange_lab, first="00-start-here.ipynb")
    assert menu_items(page, "Nbgrader") == ["Assignment List"]
    assert CREATE_ASSIGNMENT_TAB not in side_tabs(page)
    page.evaluate("window.jupyterapp.commands.execute('nbgrader:open-assignment-list')")
    assignments = page.locator("#nbgrader-assignment-list")
    assignments.get_by_text("07-measuring-satisfaction").first.wait_for(state="visible", timeout=60_000)
    assert "customer-service-workbook" in assignments.inner_text()
    assert problems_on_screen(page) == []
    assert status(exchange_lab, "/formgrader") == 404


def test_the_trainers_launch_keeps_every_tool(trainer_lab, browser):
    page = open_lab(browser, trainer_lab)
    items = menu_items(page, "Nbgrader")
    for wanted in ["Assignment List", "Course List", "Formgrader", "Create assignment"]:
        assert wanted in items, items
    page.locator(f".jp-SideBar .lm-TabBar-tab[data-id='{CREATE_ASSIGNMENT_TAB}']").wait_for(timeout=30_000)
    for command in TRAINER_COMMANDS:
        assert has_command(page, command), command
    assert status(trainer_lab, "/formgrader") == 200
