"""The facilitator's view: every team's runs in the session, read again as they arrive."""

from __future__ import annotations

import html
import threading
from pathlib import Path

import ipywidgets as w

from . import runs as run_files
from .summary import choice_table, paths_chart, png, score_table, scores_chart, split_points

__all__ = ["FacilitatorView", "facilitator_view"]

_CSS = """
<style>
.csw-facilitator { max-width: 1000px; }
.csw-facilitator table { border-collapse: collapse; font-size: 13px; margin: 6px 0; }
.csw-facilitator th, .csw-facilitator td { border: 1px solid #bbb; padding: 3px 8px; text-align: left; }
.csw-facilitator td.csw-split { background: #fff3e0; font-weight: bold; }
.csw-facilitator .csw-problems { color: #7a2e00; }
</style>
"""


def _esc(text) -> str:
    return html.escape(str(text))


class FacilitatorView(w.VBox):
    """Reads the session folder (``refresh``, or every ``interval`` seconds after ``start``) and redraws."""

    def __init__(self, session_dir: str | Path | None = None):
        self.session_dir = Path(session_dir) if session_dir else run_files.session_dir()
        self.folder = run_files.RunFolder(self.session_dir)
        self.reading = run_files.Reading()
        self._signature = None
        self._lock = threading.RLock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.header = w.HTML(_CSS + f"<h2>Facilitator view: session {_esc(self.session_dir.name)}</h2>"
                             f"<p>Runs are read from <code>{_esc(self.session_dir)}</code> as teams finish.</p>")
        self.status = w.HTML()
        self.status.add_class("csw-fac-status")
        self.problems = w.HTML()
        self.problems.add_class("csw-fac-problems")
        self.scores = w.HTML()
        self.scenario = w.Dropdown(description="Scenario", options=[], style={"description_width": "80px"},
                                   layout=w.Layout(width="640px"))
        self._choosing = False  # True while the view itself changes the menu
        self.scenario.observe(lambda _c: None if self._choosing else self._draw_scenario(), names="value")
        self.choices = w.HTML()
        self.choices.add_class("csw-fac-choices")
        self.splits = w.HTML()
        self.splits.add_class("csw-fac-splits")
        self.paths_image = w.Image(format="png")
        self.scores_image = w.Image(format="png")
        super().__init__([self.header, self.status, self.problems, self.scores, self.scenario, self.splits,
                          self.choices, self.paths_image, self.scores_image])
        self.add_class("csw-facilitator")
        self.refresh()

    # -- reading ------------------------------------------------------------------------------
    def refresh(self) -> bool:
        """Read the folder again; redraw only when a run or problem came, went or changed."""
        with self._lock:
            reading = self.folder.scan()
            signature = (tuple(r.file for r in reading.runs), tuple((p.file, p.message) for p in reading.problems))
            if signature == self._signature:
                return False
            self._signature, self.reading = signature, reading
            self._draw()
            return True

    def start(self, interval: float = 1.0) -> "FacilitatorView":
        """Poll in a background thread; a failure is shown in the view, and polling goes on."""
        if self._thread and self._thread.is_alive():
            return self

        def loop():
            while not self._stop.wait(interval):
                try:
                    self.refresh()
                except Exception as exc:  # noqa: BLE001 - the view must outlive one bad read
                    self.status.value = f"<p role='status'>Could not read the session just now: {_esc(exc)}</p>"

        self._stop.clear()
        self._thread = threading.Thread(target=loop, name="csworkbook-facilitator-poll", daemon=True)
        self._thread.start()
        return self

    def stop(self, wait: float = 10.0) -> None:
        self._stop.set()
        if self._thread and self._thread is not threading.current_thread():
            self._thread.join(wait)

    # -- drawing ------------------------------------------------------------------------------
    def _draw(self) -> None:
        runs, problems = self.reading.runs, self.reading.problems
        teams = sorted({r.team for r in runs})
        if runs:
            self.status.value = (f"<p role='status'><b>{len(runs)} run(s)</b> from <b>{len(teams)} team(s)</b>: "
                                 f"{_esc(', '.join(teams))}</p>")
        elif self.session_dir.is_dir():
            self.status.value = "<p role='status'>No finished runs yet: they appear here as teams finish.</p>"
        else:
            self.status.value = ("<p role='status'>No finished runs yet (the session folder is made when the "
                                 "first team finishes).</p>")
        self.problems.value = (
            "<div class='csw-problems' role='alert'><b>Skipped files</b> (fix or remove them; the other runs are "
            "shown):<ul>" + "".join(f"<li><code>{_esc(p.file)}</code>: {_esc(p.message)}</li>" for p in problems)
            + "</ul></div>" if problems else ""
        )
        if runs:
            table = score_table(runs).drop(columns=["file"])
            self.scores.value = "<h3>Outcomes and scores</h3>" + table.to_html(index=False, na_rep="", border=0)
        else:
            self.scores.value = ""
        counts: dict[str, int] = {}
        for r in runs:
            counts[r.scenario] = counts.get(r.scenario, 0) + 1
        options = [(f"{next(r.title for r in runs if r.scenario == s)} ({n} run(s))", s)
                   for s, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
        current = self.scenario.value
        self._choosing = True
        try:
            if list(self.scenario.options) != options:
                self.scenario.options = options
            if options:
                self.scenario.value = current if current in counts else options[0][1]
        finally:
            self._choosing = False
        self._draw_scenario()

    def _draw_scenario(self) -> None:
        with self._lock:
            sid = self.scenario.value
            runs = self.reading.runs
            if not sid or not any(r.scenario == sid for r in runs):
                self.choices.value = self.splits.value = ""
                self.paths_image.value = self.scores_image.value = b""
                return
            group = [r for r in runs if r.scenario == sid]
            splits = split_points(group, sid)
            split_cells = {(lab, sp.step) for sp in splits for lab in sp.teams}
            table = choice_table(group, sid)
            head = "".join(f"<th>{_esc(c)}</th>" for c in table.columns)
            body = []
            for team, row in table.iterrows():
                cells = []
                for i, value in enumerate(row, start=1):
                    cls = " class='csw-split'" if (team, i) in split_cells else ""
                    cells.append(f"<td{cls}>{_esc(value)}</td>")
                body.append(f"<tr><th>{_esc(team)}</th>{''.join(cells)}</tr>")
            self.choices.value = ("<h3>Which reply each team chose</h3><p>Highlighted: where teams that had said "
                                  "the same so far chose differently.</p>"
                                  f"<table><tr><th>team</th>{head}</tr>{''.join(body)}</table>")
            if splits:
                items = []
                for sp in splits:
                    who = "; ".join(f"<b>{_esc(', '.join(t))}</b> chose <code>{_esc(c)}</code> "
                                    f"({_esc(sp.replies[c][:160])})" for c, t in sp.choices.items())
                    items.append(f"<li class='csw-split-point'>Reply {sp.step}, after "
                                 f"{_esc(sp.prompt[:200])}: {who}</li>")
                self.splits.value = ("<h3>Stop and discuss: where teams split</h3><ol>" + "".join(items) + "</ol>")
            else:
                n = len(group)
                self.splits.value = ("<h3>Stop and discuss: where teams split</h3><p>"
                                     + ("Every team took the same path so far." if n > 1
                                        else "One run so far: splits show once two teams have played it.")
                                     + "</p>")
            self.paths_image.value = png(paths_chart(group, sid))
            self.scores_image.value = png(scores_chart(group, sid))


def facilitator_view(session: str | None = None, course: str | Path | None = None, interval: float = 1.0,
                     poll: bool = True) -> FacilitatorView:
    """The facilitator view for ``session`` (default: today's, or the one the workshop app serves)."""
    folder = run_files.session_dir(session, course)
    view = FacilitatorView(folder)
    return view.start(interval) if poll else view
