"""The role-play for every learner: keyboard only, a screen reader's live region, axe-core.

JupyterLab in Debian's headless Chromium, as tests/test_browser.py launches it, with a
notebook that shows one RolePlay between two other cells. The learner never touches the
mouse: Tab, Shift+Tab, Enter and Space only. What must appear is worked out from the engine,
not written into the test.
"""

from __future__ import annotations

import ast
import re
import time
from pathlib import Path

import pytest

# Importing browser_lab skips this file without Chromium (and fails it under CI).
from browser_lab import CHROMIUM, LAUNCH_ARGS, jupyter_lab_command, private_env, running_lab
from axe_playwright_python.sync_playwright import Axe  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

SCENARIO = "late-delivery"
WIDGET = ".csw-roleplay"

# Describes document.activeElement for the assertions' messages.
_ACTIVE = """() => { const e = document.activeElement;
  if (!e || e === document.body) return {body: true, inWidget: false, text: '', tag: e ? e.tagName : ''};
  return {body: false, inWidget: !!e.closest('.csw-roleplay'), tag: e.tagName,
          classes: String(e.className), text: (e.innerText || e.value || '').trim()}; }"""


def _notebook(root: Path) -> Path:
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    nb.cells = [
        nbformat.v4.new_markdown_cell("## The cell above\n\nRead this, then play the role-play below."),
        nbformat.v4.new_code_cell(f"from csworkbook.roleplay import RolePlay\n\n"
                                  f"rp = RolePlay({SCENARIO!r}, save_dir='transcripts')\nrp"),
        nbformat.v4.new_markdown_cell("## The cell below\n\nCopy your path into the next cell."),
        nbformat.v4.new_code_cell("my_path = []"),
    ]
    path = root / "roleplay-a11y.ipynb"
    nbformat.write(nb, path)
    return path


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A private JupyterLab (the shared launcher in tests/browser_lab.py) serving the notebook above."""
    tmp = tmp_path_factory.mktemp("lab-a11y")
    root = tmp / "root"
    root.mkdir()
    _notebook(root)
    env = private_env(tmp)
    with running_lab([*jupyter_lab_command(), f"--ServerApp.root_dir={root}"], env, tmp, timeout=90) as server:
        yield {**server, "root": root, "tmp": tmp}


def _luminance(rgb: tuple[float, float, float]) -> float:
    def channel(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(a: str, b: str) -> float:
    la, lb = (_luminance(tuple(float(x) for x in re.findall(r"[\d.]+", c)[:3])) for c in (a, b))
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)


def _focus_ring(page) -> dict:
    """The focused control's outline, its own background and the first solid background behind it."""
    return page.evaluate("""() => { const e = document.activeElement; const s = getComputedStyle(e);
        let bg = 'rgba(0, 0, 0, 0)', n = e.parentElement;
        while (n && /rgba\\(.*, 0\\)|transparent/.test(bg)) { bg = getComputedStyle(n).backgroundColor;
                                                              n = n.parentElement; }
        const r = e.getBoundingClientRect(), grow = parseFloat(s.outlineOffset) + parseFloat(s.outlineWidth);
        let clippedBy = null;  // the first ancestor that hides part of the ring
        for (let a = e.parentElement; a && a !== document.body && !clippedBy; a = a.parentElement) {
            const cs = getComputedStyle(a);
            if (cs.overflowX === 'visible' && cs.overflowY === 'visible') continue;
            const ar = a.getBoundingClientRect();
            if (r.left - grow < ar.left - 0.5 || r.right + grow > ar.right + 0.5
                || r.top - grow < ar.top - 0.5 || r.bottom + grow > ar.bottom + 0.5)
                clippedBy = a.tagName + '.' + String(a.className).slice(0, 80) + ' ' + JSON.stringify([r.left - grow, r.top - grow, r.right + grow, r.bottom + grow, ar.left, ar.top, ar.right, ar.bottom]);
        }
        return {theme: document.body.dataset.jpThemeName, style: s.outlineStyle, width: parseFloat(s.outlineWidth),
                color: s.outlineColor, button: s.backgroundColor, page: bg, clippedBy}; }""")


def _assert_ring_visible(page, where: str) -> dict:
    ring = _focus_ring(page)
    assert ring["style"] != "none" and ring["width"] >= 3, f"{where}: {ring}"
    assert _contrast(ring["color"], ring["button"]) >= 3, f"{where}: {ring}"
    assert _contrast(ring["color"], ring["page"]) >= 3, f"{where}: {ring}"
    assert ring["clippedBy"] is None, f"{where}: part of the focus ring is hidden: {ring}"
    return ring


def _active(page) -> dict:
    return page.evaluate(_ACTIVE)


def _live_text(page) -> str:
    return page.locator(f"{WIDGET} [aria-live='polite']").inner_text()


def _assert_no_axe_violations(page, when: str) -> None:
    results = Axe().run(page, context={"include": [[WIDGET]]})
    assert results.violations_count == 0, f"axe-core, {when}:\n{results.generate_report()}"


def _assert_live_in_accessibility_tree(page, reaction: str) -> None:
    """Chromium's own accessibility tree, which screen readers read, has a polite status holding the reaction."""
    cdp = page.context.new_cdp_session(page)
    try:
        nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
    finally:
        cdp.detach()
    by_id = {n["nodeId"]: n for n in nodes}

    def text_under(node) -> str:
        parts = [str(node.get("name", {}).get("value", ""))]
        parts += [text_under(by_id[c]) for c in node.get("childIds", []) if c in by_id]
        return " ".join(p for p in parts if p)

    live = [n for n in nodes if n.get("role", {}).get("value") == "status"
            and {p["name"]: p["value"].get("value") for p in n.get("properties", [])}.get("live") == "polite"]
    texts = [" ".join(text_under(n).split()) for n in live]
    assert any(" ".join(reaction.split())[:60] in t for t in texts), f"polite status regions: {texts}"


def _tab_until(page, key: str, predicate: str, limit: int = 40) -> int:
    """Press `key` until `predicate` (a JS function of the active element) holds; return how many presses."""
    for presses in range(1, limit + 1):
        page.keyboard.press(key)
        if page.evaluate(f"() => {{ const e = document.activeElement; return !!e && ({predicate})(e); }}"):
            return presses
    raise AssertionError(f"{limit} presses of {key} never reached the control; focus is on {_active(page)}")


FIRST_REPLY = "(e) => e.matches('button.csw-choice') && e === document.querySelector('button.csw-choice')"


@pytest.mark.timeout(420)
def test_a_keyboard_only_learner_plays_to_an_ending_and_hears_every_reaction(lab):
    from csworkbook.roleplay import Session, extreme_paths

    best = extreme_paths(SCENARIO)[0].path
    engine = Session(SCENARIO)  # plays alongside the browser, to say what each step must show
    times_ms = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 720})
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=lab["url"])
        page = context.new_page()
        try:
            page.goto(f"{lab['url']}/lab/tree/roleplay-a11y.ipynb?token={lab['token']}", timeout=60_000)
            page.wait_for_function("() => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;"
                                   " const k = w && w.sessionContext && w.sessionContext.session"
                                   " && w.sessionContext.session.kernel; return !!k && k.status === 'idle'; }",
                                   timeout=90_000)
            page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
            page.locator("button.csw-choice").first.wait_for(state="visible", timeout=90_000)
            page.wait_for_function("() => window.jupyterapp.shell.currentWidget.sessionContext.session"
                                   ".kernel.status === 'idle'", timeout=60_000)

            # Reaching the replies: from the cell above with Tab, from the cell below with Shift+Tab.
            select_cell = ("(i) => { const nb = window.jupyterapp.shell.currentWidget.content;"
                           " nb.activeCellIndex = i; nb.mode = 'command'; nb.activeCell.node.focus(); }")
            page.evaluate(select_cell, 0)
            from_above = _tab_until(page, "Tab", FIRST_REPLY)
            page.evaluate(select_cell, 2)
            from_below = _tab_until(page, "Shift+Tab", FIRST_REPLY)
            print(f"\nkeyboard: first reply is {from_above} Tab(s) from the cell above, "
                  f"{from_below} Shift+Tab(s) from the cell below")
            assert from_above <= 6 and from_below <= 8, (from_above, from_below)

            # The focus ring, measured on the focused reply: thick, and 3:1 against the button and the page.
            for theme in ("JupyterLab Dark", "JupyterLab Light"):
                print(f"focus ring: {_assert_ring_visible(page, 'on the first reply')}")
                page.evaluate("(t) => window.jupyterapp.commands.execute('apputils:change-theme', {theme: t})", theme)
                page.wait_for_function("(t) => document.body.dataset.jpThemeName === t", arg=theme, timeout=30_000)
                page.locator("button.csw-choice").first.focus()
            assert _active(page)["text"] == engine.choices[0].text
            _assert_no_axe_violations(page, "at the start")

            live = page.locator(f"{WIDGET} [aria-live='polite']")
            assert live.get_attribute("role") == "status"
            for step, choice_id in enumerate(best):
                position = [c.id for c in engine.choices].index(choice_id)
                assert _active(page)["text"] == engine.choices[0].text, "focus is on the first reply"
                for _ in range(position):
                    page.keyboard.press("Tab")
                assert _active(page)["text"] == engine.choices[position].text
                before = _live_text(page)
                started = time.perf_counter()
                page.keyboard.press("Enter" if step % 2 == 0 else "Space")
                page.wait_for_function("(old) => { const e = document.querySelector(\".csw-roleplay [aria-live='polite']\");"
                                       " return e && e.innerText !== old; }", arg=before, timeout=30_000)
                times_ms.append((time.perf_counter() - started) * 1000)
                choice = engine.choose(choice_id)
                reaction = engine.node.text
                page.wait_for_function(
                    "() => { const e = document.activeElement; return e && e !== document.body"
                    " && !!e.closest('.csw-roleplay') && (e.tagName === 'TEXTAREA' || e.matches('button.csw-choice')); }",
                    timeout=10_000)
                now = _active(page)
                assert not now["body"] and now["inWidget"], f"after reply {step + 1}, focus is on {now}"
                text = " ".join(_live_text(page).split())
                assert " ".join(reaction.split())[:60] in text, f"the live region does not carry the reaction: {text}"
                assert " ".join(choice.feedback.split())[:60] in text, f"nor the feedback: {text}"
                if not engine.ended:
                    assert now["text"] == engine.choices[0].text, f"after reply {step + 1}, focus is on {now}"
                if step == 0:
                    _assert_no_axe_violations(page, "after the first reply")
                    _assert_live_in_accessibility_tree(page, reaction)

            # The ending: focus on the path box, the path in it, copyable by keyboard.
            assert engine.ended and engine.path == best
            now = _active(page)
            assert now["tag"] == "TEXTAREA" and now["text"] == repr(best), now
            _assert_ring_visible(page, "on the path box")
            assert engine.node.ending.title in _live_text(page)
            page.keyboard.press("Control+A")
            selected = page.evaluate("() => { const t = document.activeElement;"
                                     " return t.value.slice(t.selectionStart, t.selectionEnd); }")
            assert selected == repr(best)
            page.keyboard.press("Control+C")
            try:  # a browser may refuse clipboard reads to a page; then the paste below is skipped, with a word
                copied = page.evaluate("navigator.clipboard.readText()")
            except Exception as exc:  # noqa: BLE001
                copied = None
                print(f"clipboard not readable here, paste not tried: {str(exc).splitlines()[0]}")
            page.keyboard.type("x")  # a stray key must not change what the learner copies
            page.wait_for_function("(want) => document.activeElement.value === want", arg=repr(best), timeout=10_000)

            # Both save buttons show their whole label.
            for label in ("Save transcript (Markdown)", "Save transcript (JSON)"):
                box = page.evaluate("""(label) => { const b = [...document.querySelectorAll('.csw-roleplay button')]
                        .find(x => x.innerText.trim() === label); const w = b.closest('.csw-roleplay');
                        const r = b.getBoundingClientRect(), o = w.getBoundingClientRect();
                        return {clipped: b.scrollWidth > b.clientWidth + 1, inside: r.right <= o.right + 1,
                                width: r.width}; }""", label)
                assert not box["clipped"] and box["inside"], f"{label!r} is cut off: {box}"
            _assert_no_axe_violations(page, "at the ending")
            page.locator(WIDGET).first.screenshot(path=str(lab["tmp"] / "roleplay-a11y-ending.png"))

            # Save by keyboard, then start again: focus back on the first reply, scrolled into view.
            _tab_until(page, "Tab", "(e) => e.innerText && e.innerText.trim() === 'Save transcript (Markdown)'", 6)
            page.keyboard.press("Enter")
            page.locator(f"{WIDGET} .widget-label", has_text="Saved to").wait_for(timeout=30_000)
            assert list((lab["root"] / "transcripts").glob(f"{SCENARIO}-*.md"))
            _tab_until(page, "Tab", "(e) => e.innerText && e.innerText.trim() === 'Start again'", 8)
            page.keyboard.press("Space")
            page.wait_for_function(f"() => ({FIRST_REPLY})(document.activeElement)", timeout=30_000)
            engine.restart()
            assert _active(page)["text"] == engine.choices[0].text
            _assert_ring_visible(page, "on the first reply after Start again")
            page.wait_for_function(
                "() => { const e = document.activeElement, r = e.getBoundingClientRect();"
                " const hit = document.elementFromPoint(r.left + r.width / 2, r.top + Math.min(r.height / 2, 10));"
                " return r.top >= 0 && r.bottom <= window.innerHeight && !!hit && e.contains(hit); }",
                timeout=10_000)
            page.screenshot(path=str(lab["tmp"] / "roleplay-a11y.png"), full_page=True)

            if copied is not None:
                # What was copied pastes into an answer cell as the path itself.
                assert copied == repr(best)
                page.evaluate("() => { const nb = window.jupyterapp.shell.currentWidget.content;"
                              " nb.activeCellIndex = 3; nb.mode = 'edit'; }")
                page.wait_for_function("() => document.activeElement.closest('.jp-Notebook-cell.jp-mod-active')",
                                       timeout=10_000)
                page.keyboard.press("End")
                page.keyboard.press("Backspace")
                page.keyboard.press("Backspace")
                page.keyboard.press("Control+V")
                page.wait_for_function("() => window.jupyterapp.shell.currentWidget.content.activeCell"
                                       ".model.sharedModel.getSource().endsWith(']')", timeout=10_000)
                source = page.evaluate("() => window.jupyterapp.shell.currentWidget.content.activeCell"
                                       ".model.sharedModel.getSource()")
                assert source.startswith("my_path = ") and ast.literal_eval(source[len("my_path = "):]) == best
        finally:
            context.close()
            browser.close()
    print("keyboard: key press to live region updated, per reply (ms): "
          + ", ".join(f"{t:.0f}" for t in times_ms))
